"""Test editions written on the fly: every construct the toolkit supports, and hostile input."""
from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from PIL import Image

INDEX = """\
edition:
  title: Test Edition <All> & Everything
  subtitle: Every construct
  edition: "2099"
  publisher: Test Publisher & Co
  language: en-GB
  identifier: urn:uuid:00000000-0000-4000-8000-000000000001
  date: 2099-01-31
  rights: Test rights.
  front_matter: [front/intro.md]
organisations:
  alpha:
    name: Alpha <NHS Trust> & Partners
    region: London
    ics: North West London
  beta:
    name: Beta Ŵales Łódź Trust
    region: South West
  gamma:
    name: Gamma Trust
    region: London
case_studies:
  - id: everything
    title: Everything <b>bold</b> & more
    lead: alpha
    partners: [beta]
    themes: [Testing, Markup]
    award: Test Award
    source: case-studies/everything.md
    summary: A summary with <angle> brackets & ampersands &amp; entities.
    highlights: [First highlight ✓, Second highlight → done]
    quote: {text: A quoted line € 5., name: Ann Example, role: Tester}
    url: https://example.org/everything
  - id: word
    title: A Word document
    lead: beta
    themes: [Testing]
    source: case-studies/word.docx
    summary: Converted from Word.
  - id: hostile
    title: Hostile HTML
    lead: gamma
    source: case-studies/hostile.html
    summary: Pasted from an intranet.
"""

EVERYTHING_MD = """\
Opening paragraph with *emphasis*, **strong**, `code`, a [link](https://example.org/page) and a note.[^1]

Text such as <NHS Trust> and A&E or <font size=100>big</font> and <para> and &amp; and an unclosed <b>tag stays text.

# Level one heading

Characters: ✓ → ŵ Ł €.

## Nested lists

- First bullet
  - Nested bullet one
  - Nested bullet two
- Second bullet

3. Numbered three
4. Numbered four
   a. Lettered inner

## Quotes and tables

> A block quote paragraph.
>
> — Quoted Person, Role

| Measure | Before | After |
|---------|-------:|------:|
| Absence | 5.1%   | 3.2%  |
| Waiting | 12     | 4     |

: Results table caption

![A chart of results](images/chart.png "Chart")

Term one
:   Definition of term one.

```
preformatted   text line
  second line
```

Final paragraph with a second note.[^2] See also [the nested lists](#nested-lists).

[^1]: The first endnote.
[^2]: The second endnote with a [link](https://example.org/note).
"""

HOSTILE_HTML = """\
<html><body>
<p>Visible hostile paragraph.</p>
<script>alert(1)</script>
<p><a href="javascript:alert(1)">click here</a> and <img src="images/chart.png" onerror="alert(1)" alt="A chart"></p>
<iframe src="http://example.com/frame"></iframe>
<form action="http://example.com"><input name="q"></form>
<p style="color:red" onclick="alert(1)">Styled paragraph stays.</p>
</body></html>
"""

WORD_MD = """\
# Word heading

A paragraph from Word with a table and a note.[^w]

| A | B |
|---|---|
| 1 | 2 |

- Word list item

![A Word chart](word-chart.png)

[^w]: Word footnote text.
"""


def write_png(path: Path, size=(400, 240), color=(0, 94, 184)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)


def make_docx(markdown: str, target: Path) -> None:
    """A real .docx, written by pandoc itself from Markdown (a test fixture, not the build)."""
    from book.sources.pandocrun import pandoc_binary

    src = target.with_suffix(".src.md")
    src.write_text(markdown, encoding="utf-8")
    image = target.parent / "word-chart.png"
    write_png(image, size=(320, 200), color=(0, 48, 135))     # embedded in the .docx, then removed
    subprocess.run([pandoc_binary(), src.name, "-o", target.name], check=True, cwd=target.parent)
    src.unlink()
    image.unlink()


def full_edition(root: Path) -> Path:
    """An edition that uses every construct; returns its sources folder."""
    src = root / "sources"
    (src / "case-studies").mkdir(parents=True)
    (src / "front").mkdir()
    (src / "index.yaml").write_text(INDEX, encoding="utf-8")
    (src / "front" / "intro.md").write_text("An introduction paragraph.\n", encoding="utf-8")
    (src / "case-studies" / "everything.md").write_text(EVERYTHING_MD, encoding="utf-8")
    (src / "case-studies" / "hostile.html").write_text(HOSTILE_HTML, encoding="utf-8")
    write_png(src / "case-studies" / "images" / "chart.png")
    make_docx(WORD_MD, src / "case-studies" / "word.docx")
    return src


def minimal_edition(root: Path, body: str, extra_case: str = "", files: dict | None = None) -> Path:
    """One organisation, one case study whose text is ``body``."""
    src = root / "sources"
    (src / "case-studies").mkdir(parents=True)
    (src / "index.yaml").write_text(textwrap.dedent("""\
        edition:
          title: Minimal
          edition: "1"
          publisher: P
          language: en-GB
          identifier: urn:uuid:00000000-0000-4000-8000-000000000002
          date: 2099-02-01
        organisations:
          one: {name: One Trust, region: London}
        case_studies:
          - id: only
            title: Only case study
            lead: one
            source: case-studies/only.md
            summary: Summary.
        """) + extra_case, encoding="utf-8")
    (src / "case-studies" / "only.md").write_text(body, encoding="utf-8")
    for name, data in (files or {}).items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, encoding="utf-8")
    return src
