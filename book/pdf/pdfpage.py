"""Pages drawn by ReportLab and kept as records, not written as a file.

ReportLab lays out and draws; a ``PageRecorder`` (a ReportLab canvas) keeps what each page drew:
its content stream (compressed), the images and forms it uses, its link annotations and the named
places on it. The fonts are ``pdffont.FixedTTFont``s, whose codes are the same in every document,
so records made in any process, or cached from an earlier build, can be assembled into one PDF
by ``pdfwrite``. This is what lets the compendium be typeset a case study at a time, in parallel,
and an unchanged case study be taken from the cache.

Everything here is plain, picklable data.
"""
from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field

from reportlab.lib.boxstuff import aspectRatioFix
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from book.pdf.pdffont import FixedTTFont
from book.pdf.pdfimages import image_name_and_size


@dataclass(frozen=True)
class Link:
    """A link annotation: its rectangle in page space, and '#place' or a URL."""

    rect: tuple[float, float, float, float]
    target: str


@dataclass(frozen=True)
class Place:
    """A named destination: where a link, the outline or a reader's 'go to' lands."""

    name: str
    left: float
    top: float


@dataclass
class PageRecord:
    width: float
    height: float
    content: bytes | None           # the content stream, zlib-compressed (None: kept apart, see compendium.ChunkResult)
    xobjects: tuple[str, ...]       # the images ('Im...') and forms it draws, by name
    links: list[Link] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)


@dataclass
class Recording:
    """Pages and what they use: fonts (name -> characters drawn) and images (name -> file)."""

    pages: list[PageRecord]
    fonts: dict[str, frozenset[str]]
    images: dict[str, str]


def merge_fonts(into: dict[str, set], fonts: dict[str, frozenset[str]]) -> None:
    for name, chars in fonts.items():
        into.setdefault(name, set()).update(chars)


class PageRecorder(Canvas):
    """A ReportLab canvas that records its pages (``recording()``) instead of writing a PDF."""

    def __init__(self, pagesize, initial_font: str, initial_size: float = 10, **ignored):
        # ``ignored``: what a doc template passes for the file it would write (crop marks, boxes,
        # the document's language): pdfwrite.Assembler deals with those
        super().__init__(io.BytesIO(), pagesize=pagesize, invariant=1, pageCompression=0,
                         initialFontName=initial_font, initialFontSize=initial_size)
        self.pages: list[PageRecord] = []
        self._images: dict[str, str] = {}
        self._places: list[Place] = []

    @property
    def _cropMarks(self):
        return None         # crop marks are drawn when the pages are assembled (pdfwrite)

    @_cropMarks.setter
    def _cropMarks(self, value):
        pass

    @classmethod
    def for_doc_template(cls, filename=None, *, pagesize, initialFontName, initialFontSize=10, **ignored):
        """As a ReportLab doc template's ``canvasmaker``: ``doc.build(story, canvasmaker=...)``."""
        return cls(pagesize, initialFontName, initialFontSize)

    # ------------------------------------------------------------ pages
    def showPage(self):
        ops = "\n".join([self._preamble, *self._code]) + "\n"
        self.pages.append(PageRecord(
            self._pagesize[0], self._pagesize[1], zlib.compress(ops.encode("latin-1")),
            tuple(dict.fromkeys(self._formsinuse)), list(self._annotationrefs), self._places,
        ))
        self._places = []
        self._startPage()

    def save(self):
        """Nothing to write: the pages are in ``pages``."""

    def recording(self) -> Recording:
        fonts = {}
        for name in pdfmetrics.getRegisteredFontNames():
            font = pdfmetrics.getFont(name)
            if isinstance(font, FixedTTFont):
                used = font.used_characters(self._doc)
                if used:
                    fonts[name] = frozenset(used)
        return Recording(self.pages, fonts, dict(self._images))

    # ------------------------------------------------------------ what a page links to and from
    def linkRect(self, contents, destinationname, Rect=None, addtopage=1, name=None, relative=1, **kw):
        self._annotationrefs.append(Link(tuple(self._absRect(Rect, relative)), "#" + destinationname))

    def linkAbsolute(self, contents, destinationname, Rect=None, addtopage=1, name=None, **kw):
        self.linkRect(contents, destinationname, Rect, relative=0)

    def linkURL(self, url, rect, relative=0, thickness=0, color=None, dashArray=None, kind="URI", **kw):
        self._annotationrefs.append(Link(tuple(self._absRect(rect, relative)), url))

    def bookmarkPage(self, key, fit="Fit", left=None, top=None, bottom=None, right=None, zoom=None):
        self._places.append(Place(key, left or 0, self._pagesize[1] if top is None else top))

    def addOutlineEntry(self, title, key, level=0, closed=None):
        raise NotImplementedError("the outline is made when the pages are assembled (pdfwrite)")

    # ------------------------------------------------------------ what a page draws besides text
    def doForm(self, name):
        self._code.append(f"/{name} Do")
        self._formsinuse.append(name)

    def drawImage(self, image, x, y, width=None, height=None, mask=None, preserveAspectRatio=False, anchor="c",
                  anchorAtXY=False, showBoundary=False, extraReturn=None):
        path = str(getattr(image, "fileName", image))
        name, pixels_w, pixels_h = image_name_and_size(path)
        self._images[name] = path
        x, y, width, height, _ = aspectRatioFix(preserveAspectRatio, anchor, x, y, width, height, pixels_w, pixels_h,
                                                anchorAtXY)
        self.saveState()
        self.translate(x, y)
        self.scale(width, height)
        self._code.append(f"/{name} Do")
        self.restoreState()
        self._formsinuse.append(name)
        return pixels_w, pixels_h

    def drawInlineImage(self, *args, **kwargs):
        return self.drawImage(*args, **kwargs)

    def beginForm(self, *args, **kwargs):
        raise NotImplementedError("forms are defined when the pages are assembled (pdfwrite)")


class Sketch:
    """Drawing that is not a page of its own: the content of a form, or what is drawn over a
    page (running heads, folios). ``ops`` runs ``draw(canvas)`` and returns what it drew."""

    def __init__(self, initial_font: str):
        self.canvas = PageRecorder((1, 1), initial_font)

    def ops(self, draw) -> bytes:
        canvas = self.canvas
        canvas._code = []
        draw(canvas)
        return "\n".join(canvas._code).encode("latin-1")

    def fonts(self) -> dict[str, frozenset[str]]:
        return self.canvas.recording().fonts
