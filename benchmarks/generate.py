"""Generate a realistic synthetic edition of N case studies (for the benchmark).

Each case study has headings, paragraphs of varied length, bullet and numbered lists, a table,
a block quote, sometimes an image and a footnote; names include Welsh place names and typographic
characters. The output is deterministic for a given N and seed.

    python benchmarks/generate.py 100 /tmp/edition-100
"""
from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

from PIL import Image

REGIONS = ["North West", "North East and Yorkshire", "Midlands", "East of England", "London", "South East", "South West"]
PLACES = ["Betsi Cadwaladr", "Ysbyty Gwynedd", "Aneurin Bevan", "Cwm Taf Morgannwg", "Abertawe", "Llandudno", "Bangor",
          "Manchester", "Leeds", "Bristol", "Norwich", "Leicester", "Newcastle", "Hampshire", "Cumbria", "Łódź Street"]
THEMES = ["Musculoskeletal health", "Menopause", "Mental health", "Financial wellbeing", "Shared services",
          "Physical activity", "Service transformation", "Accreditation", "Training", "Workforce health"]
WORDS = ("staff wellbeing occupational health service team trust programme support managers absence referral "
         "clinic pathway data dashboard investment recruitment retention culture proactive prevention sickness "
         "physiotherapy psychology appointment waiting times feedback evaluation outcomes partnership network").split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    if rng.random() < 0.3:
        words.insert(rng.randint(0, len(words)), f"{rng.randint(2, 95)}%")
    if rng.random() < 0.2:
        words.insert(rng.randint(0, len(words)), f"£{rng.randint(10, 900)},000")
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", " – a first for the region.", "."])


def paragraph(rng: random.Random, n: int | None = None) -> str:
    return " ".join(sentence(rng) for _ in range(n or rng.randint(2, 6)))


def case_text(rng: random.Random, n: int, with_image: bool) -> str:
    parts = [paragraph(rng)]
    for h in range(rng.randint(2, 5)):
        parts.append(f"## {rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)} {h + 1}")
        parts.extend(paragraph(rng) for _ in range(rng.randint(1, 4)))
        roll = rng.random()
        if roll < 0.35:
            parts.append("\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(2, 5))))
        elif roll < 0.5:
            parts.append("\n".join(f"{i}. {sentence(rng)}" for i in range(1, rng.randint(3, 6))))
        elif roll < 0.65:
            rows = "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(1, 99)} | {rng.randint(1, 99)}% |" for _ in range(rng.randint(2, 6)))
            parts.append(f"| Measure | Count | Change |\n|---|---:|---:|\n{rows}\n\n: Results at {rng.choice(PLACES)}")
        elif roll < 0.8:
            parts.append(f"> “{sentence(rng)}”\n>\n> — {rng.choice(PLACES)} staff member")
    if with_image:
        parts.append(f"![Chart of outcomes for case study {n}](images/chart.png)")
    if rng.random() < 0.3:
        parts.append(f"Evaluation continues.[^n{n}]\n\n[^n{n}]: {sentence(rng)}")
    return "\n\n".join(parts) + "\n"


def generate(count: int, target: Path, seed: int = 1) -> Path:
    rng = random.Random(seed)
    (target / "case-studies" / "images").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (600, 360), (0, 94, 184)).save(target / "case-studies" / "images" / "chart.png")
    # one lead organisation per case study, and a partner on every fifth: like a real edition, no
    # organisation takes part in more than a few case studies, so every one-pager can fit
    orgs = max(4, count)
    lines = ["edition:", "  title: Synthetic Edition", '  edition: "2099"', "  publisher: Benchmark Publisher",
             "  language: en-GB", "  identifier: urn:uuid:11111111-2222-4333-8444-555555555555", "  date: 2099-06-30",
             "organisations:"]
    for o in range(orgs):
        lines += [f"  org-{o}:", f"    name: {rng.choice(PLACES)} NHS Foundation Trust {o}", f"    region: {REGIONS[o % len(REGIONS)]}"]
    lines.append("case_studies:")
    for n in range(count):
        cid = f"case-{n:04d}"
        (target / "case-studies" / f"{cid}.md").write_text(case_text(rng, n, with_image=n % 10 == 0), encoding="utf-8")
        partner = f"[org-{(n * 7 + 3) % orgs}]" if n % 5 == 0 else "[]"
        lines += [
            f"  - id: {cid}", f"    title: \"{sentence(rng)[:90].rstrip('.')}\"", f"    lead: org-{n % orgs}",
            f"    partners: {partner}", f"    themes: [{THEMES[n % len(THEMES)]}]", f"    source: case-studies/{cid}.md",
            f"    summary: \"{paragraph(rng, 2)}\"",
            f"    highlights: [\"{sentence(rng)[:80]}\", \"{sentence(rng)[:80]}\"]",
            f"    quote: {{text: \"{sentence(rng)}\", name: Dr {rng.choice(PLACES)}, role: Clinical lead}}",
        ]
    (target / "index.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settle(target)
    return target


def settle(target: Path, age: float = 60) -> None:
    """Every file's time set ``age`` seconds back, as an editor's files are when they build.

    The toolkit does not trust the size and time of a file modified within two seconds of a
    build (a coarse file clock could hide a later edit), so an edition generated just before
    its cold build would be read again in full by the next build, "nothing changed" included:
    the benchmark would measure what no editor sees."""
    then = time.time() - age
    for path in [target, *target.rglob("*")]:
        os.utime(path, (then, then))


def correct(target: Path, n: int = 0) -> None:
    """An editor's correction: one sentence more at the end of the second case study."""
    path = target / "case-studies" / "case-0001.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\nOne more sentence, correction {n + 1}.\n", encoding="utf-8")


def add_pages(target: Path, n: int = 0) -> None:
    """An edit that moves every later page: about two pages more in the second case study."""
    rng = random.Random(1000 + n)
    path = target / "case-studies" / "case-0001.md"
    extra = "\n\n".join([f"## Added section {n + 1}", *(paragraph(rng, 6) for _ in range(8))])
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + extra + "\n", encoding="utf-8")


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
