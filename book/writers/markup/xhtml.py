"""XHTML from strings, safely: every text node and attribute value goes through ``text`` or
``attr``, so nothing a source contains can become markup; links keep only web, mail, phone and
in-document targets (``safe_href``). Also the place holders the EPUB writer turns into page-break
markers (``hold``, ``HOLD``), and the shell of a content document.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from book.document import ast

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
STYLESHEET = "css/style.css"

# Characters XML 1.0 cannot carry, plus the two private-use code points used for place holders
# (so a source can never forge one).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ue000\ue001\ud800-\udfff]")
HOLD_OPEN, HOLD_CLOSE = "\ue000", "\ue001"
HOLD = re.compile(f"{HOLD_OPEN}([a-z]+):([^{HOLD_OPEN}{HOLD_CLOSE}]*){HOLD_CLOSE}")   # a key holds neither delimiter
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")


# ------------------------------------------------------------------ escaping
def text(value: str) -> str:
    return _UNSAFE.sub("", str(value)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(value: str) -> str:
    return text(value).replace('"', "&quot;")


def attrs(pairs: dict) -> str:
    """` name="value"` for each pair whose value is not None; names are ours, never a source's."""
    return "".join(f' {name}="{attr(value)}"' for name, value in pairs.items() if value is not None)


def el(tag: str, content: str, **pairs) -> str:
    return f"<{tag}{attrs(_names(pairs))}>{content}</{tag}>"


def void(tag: str, **pairs) -> str:
    return f"<{tag}{attrs(_names(pairs))}/>"


def _names(pairs: dict) -> dict:
    # Python names cannot hold ':' or '-': epub_type -> epub:type, aria_label -> aria-label
    return {k.replace("epub_", "epub:").replace("xml_", "xml:").replace("_", "-").rstrip("-"): v for k, v in pairs.items()}


def hold(kind: str, key: str) -> str:
    return f"{HOLD_OPEN}{kind}:{key}{HOLD_CLOSE}"


def held(block: ast.Block, markup: str) -> str:
    """A block's markup between its place holders (a block without an id cannot have any)."""
    return hold("before", block.id) + markup + hold("after", block.id) if block.id else markup


def safe_href(url: str) -> str | None:
    """The link target if it is a web, mail, phone or fragment link, percent-encoded; else None."""
    # the scheme is judged with every space and control character removed ("java script:")
    compact = re.sub(r"[\x00-\x20\x7f]", "", url)
    if not compact.startswith("#") and not compact.lower().startswith(SAFE_SCHEMES):
        return None
    return quote(re.sub(r"[\x00-\x1f\x7f]", "", url).strip(), safe=":/?#[]@!$&'()*+,;=%~-._")


def document(title: str, body: str, lang: str, epub_type: str = "") -> str:
    """A whole XHTML content document: language on the root (lang and xml:lang), one stylesheet."""
    html_attrs = attrs({"xmlns": XHTML_NS, "xmlns:epub": EPUB_NS, "lang": lang, "xml:lang": lang})
    body_attrs = attrs({"epub:type": epub_type or None})
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f"<html{html_attrs}>\n<head>\n<meta charset=\"utf-8\"/>\n{el('title', text(title))}\n"
        f'<link rel="stylesheet" type="text/css" href="{STYLESHEET}"/>\n</head>\n'
        f"<body{body_attrs}>\n{body}\n</body>\n</html>\n"
    )


def framed(doc_key: str, body: str) -> str:
    """Place holders at the very start and end of a document (for page markers)."""
    return hold("start", doc_key) + body + hold("end", doc_key)
