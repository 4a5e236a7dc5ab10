"""A filled-in submission template, as an author fills it in Word: for the tests and the README's pictures."""
from __future__ import annotations

from copy import deepcopy

from docx import Document
from docx.text.paragraph import Paragraph

from book.sources.submission import BY_STYLE, TEXT_PLACEHOLDER

VALUES = {
    "title": "Walking rounds with Quillfield Community Trust",
    "organisation": "Quillfield Community NHS Trust",
    "region": "Midlands",
    "ics": "Quillshire",
    "partners": ["Leeds Teaching Hospitals NHS Trust", "Brackenfold Hospice"],
    "award": "Zephyr Award 2025",
    "themes": ["Physical activity", "Peer support"],
    "summary": "Quillfield staff walked forty thousand kilometres together in one winter.",
    "highlights": ["Walkers: 412 staff", "Sickness absence: down by a tenth"],
    "quote.text": "The walks gave us back our lunch break.",
    "quote.name": "Ada Pemberton",
    "quote.role": "Ward sister",
    "url": "www.quillfield.example.nhs.uk/walks",
}
TEXT = ["The walking rounds began on a wet Monday in November with nine nurses.",
        "By February every ward had a walking lead and a route of its own."]


def fill(template, out, values, text=TEXT):
    """The template with each field typed in, as an author would: list fields one item a paragraph
    (Enter in Word makes another paragraph of the same style)."""
    doc = Document(str(template))
    for paragraph in list(doc.paragraphs):
        field = BY_STYLE.get(paragraph.style.name)
        if field is not None:
            value = values.get(field.name)
            if value is not None:
                _type(paragraph, value if isinstance(value, list) else [value])
        elif paragraph.text == TEXT_PLACEHOLDER:
            _type(paragraph, text)
    doc.save(str(out))
    return out


def _type(paragraph, items):
    paragraph.text = items[0] if items else ""
    for item in reversed(items[1:]):
        element = deepcopy(paragraph._p)
        paragraph._p.addnext(element)
        Paragraph(element, paragraph._parent).text = item
