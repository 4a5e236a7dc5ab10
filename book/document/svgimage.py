"""SVG pictures: sanitised once when checked, drawn as vectors in the PDF (through svglib), and
shown as they are in the EPUB.

A trust's SVG may come from anywhere (a chart tool, a web page), so what is kept is the drawing
and nothing that acts or fetches: no scripts, no event attributes (``onload``), no
``foreignObject`` (HTML inside the picture), no reference to anything outside the file (``href``
other than ``#id``, ``url(...)`` to another file, ``@import``), and no element or attribute of a
namespace SVG does not know (an editor's private data: EPUBCheck refuses those).
"""
from __future__ import annotations

import re
from xml.etree import ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
KEPT_NAMESPACES = {SVG, XLINK, XML}
REMOVED = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "handler", "listener"}
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.I)
MAX_SVG_BYTES = 5 * 1024 * 1024


def looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096].lower()


def sanitise(data: bytes) -> tuple[bytes, int]:
    """The SVG with everything that acts or fetches removed, and how many things were removed.
    ValueError when it is not an SVG that can be read."""
    if len(data) > MAX_SVG_BYTES:
        raise ValueError(f"over {MAX_SVG_BYTES // (1024 * 1024)} MB")
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data.upper():
        raise ValueError("it declares a DOCTYPE or entities")      # entity expansion and external entities
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ValueError(f"not well-formed XML ({exc})") from exc
    if root.tag != f"{{{SVG}}}svg":
        raise ValueError("its root element is not <svg>")
    removed = _clean(root)
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), removed


def _namespace(name: str) -> str:
    return name[1:].split("}", 1)[0] if name.startswith("{") else ""


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _clean(element) -> int:
    removed = 0
    for child in list(element):
        if not isinstance(child.tag, str):          # a comment or processing instruction
            element.remove(child)
            continue
        if _namespace(child.tag) not in KEPT_NAMESPACES or _local(child.tag) in REMOVED:
            element.remove(child)
            removed += 1
            continue
        if _local(child.tag) == "style" and (child.text or "") and ("@import" in child.text or EXTERNAL_URL.search(child.text)):
            element.remove(child)
            removed += 1
            continue
        removed += _clean(child)
    for name, value in list(element.attrib.items()):
        local = _local(name)
        namespace = _namespace(name)
        unsafe = (
            local.lower().startswith("on")
            or (namespace and namespace not in KEPT_NAMESPACES)
            or (local == "href" and not value.strip().startswith("#"))
            or EXTERNAL_URL.search(value)
            or "javascript:" in value.lower()
        )
        if unsafe:
            del element.attrib[name]
            removed += 1
    return removed


def size(path) -> tuple[float, float]:
    """The picture's size in points, as svglib reads it. ValueError when svglib cannot draw it."""
    drawing = _drawing(path)
    return float(drawing.width), float(drawing.height)


def flowable(path, width: float, height: float, font_name: str):  # path: a file or SVG bytes
    """The picture as a ReportLab flowable of the given size in points: vectors, not pixels. Its
    text is set in ``font_name`` (the house font, embedded), whatever font the SVG names: a PDF
    may only use embedded fonts (PDF/UA), and the SVG's fonts are not ours to embed."""
    drawing = _drawing(path)
    drawing.initialFontName = font_name       # ReportLab's renderer otherwise starts in Helvetica
    for shape in _shapes(drawing):
        if getattr(shape, "fontName", None):
            shape.fontName = font_name
    sx, sy = width / float(drawing.width), height / float(drawing.height)
    drawing.scale(sx, sy)
    drawing.width, drawing.height = width, height
    return drawing


def _shapes(group):
    for shape in getattr(group, "contents", ()):
        yield shape
        yield from _shapes(shape)


def _drawing(path):
    """``path``: a file, or the SVG's bytes."""
    import io
    import logging

    from svglib.svglib import svg2rlg

    logging.getLogger("svglib.svglib").setLevel(logging.ERROR)   # its notes on unsupported features are not the editor's
    try:
        drawing = svg2rlg(io.BytesIO(path) if isinstance(path, bytes) else str(path))
    except Exception as exc:      # svglib raises many kinds on malformed input: each is a picture that cannot be used
        raise ValueError(f"svglib cannot draw it ({type(exc).__name__})") from exc
    if drawing is None or not drawing.width or not drawing.height:
        raise ValueError("it has no size (give the <svg> element a width and height or a viewBox)")
    return drawing
