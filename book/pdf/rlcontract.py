"""What the toolkit takes from ReportLab beyond its public interface, in one place: every private
name it reads, writes or mirrors (``PRIVATE``), every function it replaces (``PATCHES``), every
method its subclasses override (``OVERRIDES``), and ``install()``, which makes the replacements.

ReportLab promises nothing about its private names, and a release may rename one, change its
parameters or what it leaves on an object; the toolkit's output would then change without an
error. So the version the contract was made for is pinned (``pyproject.toml``), and
``tests/test_reportlab_contract.py`` fails, naming the name and the version, when ReportLab is
another version or any name below is missing or takes other parameters. To move to a new
ReportLab: read each entry against its source, fix what changed, rebuild the benchmark editions
and compare their outputs byte for byte, then change the pin and ``REPORTLAB_VERSION`` together.

The replacements are installed for the whole process, once, by ``install()``, called where a
build starts (``book.build.reading.read``, which first has ReportLab imported by ``import_reportlab()``:
a pattern it compiles, and HarfBuzz, which it imports, are made ready only when first used) and by tests that typeset on their own; nothing in
``book.pdf`` patches as a side effect of importing a module or making an object. (One caller
outside it still does: ``book.style.house`` installs the line breaker, ``linebreak.install``,
when it makes a paragraph style, and when a style is unpickled in a worker.) Each replacement keeps the
function it replaced as ``__wrapped_original__`` (the tests compare the two). On a canvas without
a ``pdftags.Tagger`` and on paragraphs the toolkit did not style, every replacement does what
ReportLab does.
"""
from __future__ import annotations

import importlib.util
import sys
import threading
import types
from contextlib import contextmanager
from dataclasses import dataclass

from book.core.lazyregex import deferring

REPORTLAB_VERSION = "4.4.4"

PARAGRAPH = "reportlab.platypus.paragraph"
CANVAS = "reportlab.pdfgen.canvas.Canvas"
FLOWABLES = "reportlab.platypus.flowables"
TTFONTFILE = "reportlab.pdfbase.ttfonts.TTFontFile"


@dataclass(frozen=True)
class Private:
    """A private ReportLab name the toolkit uses. ``owner``: the module or class it belongs to.
    ``kind``: "attr", found on the owner; "instance", an attribute ReportLab's code (the owner's
    source) sets or reads on its objects. ``signature``: its parameters, where the toolkit calls
    it or mirrors it with them. ``value``: a constant the toolkit repeats."""

    owner: str
    name: str
    used_in: str
    why: str
    kind: str = "attr"
    signature: str | None = None
    value: object = None


@dataclass(frozen=True)
class Patch:
    """A ReportLab function replaced for the whole process (``during``: only while that runs).
    ``signature``: ReportLab's parameters, which the replacement takes and passes on."""

    owner: str
    name: str
    by: str
    why: str
    signature: str
    during: str = ""


PATCHES = (
    Patch(PARAGRAPH, "stringWidth", "book.pdf.rlspeed",
          "widths of words remembered by (text, font, size): the line breaker asks for every word",
          "(text, fontName, fontSize, encoding='utf8')"),
    Patch(f"{PARAGRAPH}.Paragraph", "wrap", "book.pdf.rlspeed",
          "a paragraph wrapped again at a width it was wrapped at gives back that wrap (frames and "
          "copy-fitting measure, then place)", "(self, availWidth, availHeight)"),
    Patch(f"{PARAGRAPH}.Paragraph", "_setup", "book.pdf.rlspeed",
          "plain text and the toolkit's simple markup get the parser's fragments without the parser",
          "(self, text, style, bulletText, frags, cleaner)"),
    Patch(f"{PARAGRAPH}.Paragraph", "breakLines", "book.pdf.rlspeed, then book.pdf.linebreak",
          "long paragraphs broken in linear time (rlspeed); lines held to the house limits (linebreak)",
          "(self, width)"),
    Patch(f"{PARAGRAPH}.Paragraph", "split", "book.pdf.rlspeed",
          "the rest of a long paragraph split over a page takes the lines the whole was broken into",
          "(self, availWidth, availHeight)"),
    Patch(f"{PARAGRAPH}.Paragraph", "_split_blParaProcessed", "book.pdf.rlspeed",
          "the rest of a split paragraph reads its lines less their offset (no copy a page)",
          "(self, blPara, start, stop)"),
    Patch(PARAGRAPH, "split", "book.pdf.rlspeed",
          "a long paragraph's word list given as a FrontQueue (ReportLab takes words with pop(0))",
          "(text, delim=None)", during="Paragraph.breakLines"),
    Patch(PARAGRAPH, "_getFragWords", "book.pdf.rlspeed",
          "a long paragraph's fragment words given as a FrontQueue", "(frags, maxWidth=None)",
          during="Paragraph.breakLines"),
    Patch(PARAGRAPH, "_uri_split_pairs", "book.pdf.linebreak",
          "web and e-mail addresses break only after / . - @ (linebreak.url_break_pairs)", "(uri)"),
    Patch(PARAGRAPH, "_rejoinSplitFragWords", "book.pdf.linebreak",
          "a word split at a line end, joined again, keeps a hyphen it was written with (ReportLab took it off: "
          "'cost-effective' in the rest of a paragraph split over a page printed 'costef-' / 'fective')", "(F)"),
    Patch("reportlab.pdfgen.textobject.PDFTextObject", "_formatText", "book.pdf.shaping",
          "a shaped word (Arabic, Bengali...) drawn as its glyphs is marked with the word as typed (ActualText)",
          "(self, text)"),
    Patch("reportlab.pdfbase.pdfmetrics", "findFontAndRegister", "book.pdf.pdffont",
          "a style's fallback font is read and registered when ReportLab is first asked for it "
          "(pdffont.register_when_asked): most editions never draw with one", "(fontName)"),
    Patch(f"{FLOWABLES}.Flowable", "drawOn", "book.pdf.pdftags",
          "a flowable drawn on a tagged canvas marks its drawing as its element's content",
          "(self, canvas, x, y, _sW=0)"),
    Patch(f"{FLOWABLES}.BulletDrawer", "drawOn", "book.pdf.pdftags",
          "a list's bullet drawn on a tagged canvas becomes the Lbl of its item",
          "(self, indenter, canv, x, y, _sW=0)"),
)

_WRAP_STATE_WHY = "what Paragraph.wrap leaves on a paragraph: saved and restored by the remembered wrap (rlspeed)"
_SPLIT_CLASSES_WHY = "rlspeed._split_processed does what Paragraph._split_blParaProcessed does with these"
_SPLIT_WORD_WHY = "a line's last word as the breaker split it: its added hyphen is tagged a soft hyphen"

PRIVATE = (
    # paragraphs: breaking, splitting, the replaced functions' helpers
    Private(PARAGRAPH, "_getFragWords", "book.pdf.rlspeed", "swapped while lines are broken (PATCHES)"),
    Private(PARAGRAPH, "_uri_split_pairs", "book.pdf.linebreak", "replaced (PATCHES)"),
    Private(PARAGRAPH, "_rejoinSplitFragWords", "book.pdf.linebreak", "replaced (PATCHES)"),
    Private(PARAGRAPH, "_shyUnsplit", "book.pdf.linebreak", "takes off the hyphen the breaker added to a word's head"),
    Private(PARAGRAPH, "_SHYIndexedStr", "book.pdf.linebreak", "a word's text with where its soft hyphens were"),
    Private(PARAGRAPH, "_reconstructSplitFrags", "book.pdf.linebreak", "the kind of word a joined word is"),
    Private(PARAGRAPH, "uri_pat", "book.pdf.rlcontract", "compiled when first used (import_reportlab): its one "
            "user, _uri_split_pairs, is replaced; compiled at import, it cost a fifth of ReportLab's import"),
    Private(f"{PARAGRAPH}.Paragraph", "_setup", "book.pdf.rlspeed", "replaced (PATCHES)"),
    Private(f"{PARAGRAPH}.Paragraph", "_split_blParaProcessed", "book.pdf.rlspeed", "replaced (PATCHES)"),
    Private(PARAGRAPH, "_InjectedFrag", "book.pdf.rlspeed", _SPLIT_CLASSES_WHY),
    Private(PARAGRAPH, "_SplitFragHY", "book.pdf.rlspeed", _SPLIT_CLASSES_WHY),
    Private(PARAGRAPH, "_SplitFragLL", "book.pdf.rlspeed", _SPLIT_CLASSES_WHY),
    Private(PARAGRAPH, "_SHYWord", "book.pdf.rlspeed", _SPLIT_CLASSES_WHY),
    Private(PARAGRAPH, "_SHYWordHS", "book.pdf.rlspeed", _SPLIT_CLASSES_WHY),
    Private(PARAGRAPH, "_SplitWord", "book.pdf.pdfwords", _SPLIT_WORD_WHY),
    Private(PARAGRAPH, "_SplitWordHY", "book.pdf.pdfwords", _SPLIT_WORD_WHY),
    Private(PARAGRAPH, "_SplitWordLL", "book.pdf.pdfwords", _SPLIT_WORD_WHY),
    Private(PARAGRAPH, "_FK_BREAK", "book.pdf.pdfwords", "a fragment's kind 'line break', repeated as pdfwords._FK_BREAK",
            value=3),
    Private(PARAGRAPH, "_fkind", "book.pdf.pdfwords", "a fragment's kind: text, image or line break", kind="instance"),
    Private(PARAGRAPH, "_hy_pfx_pat", "book.pdf.linebreak", "what ReportLab strips before a word it asks the "
            "hyphenator about: the line breaker asks about the same word"),
    Private(PARAGRAPH, "_hy_sfx_pat", "book.pdf.linebreak", "as _hy_pfx_pat, at the word's end"),
    Private(PARAGRAPH, "_splitpara", "book.pdf.linebreak", "marks the first piece of a split paragraph: its lines "
            "are the whole's", kind="instance"),
    Private(PARAGRAPH, "_JustifyLast", "book.pdf.linebreak", "the first piece of a split paragraph justifies its last "
            "line: a loose last line counts", kind="instance"),
    Private(PARAGRAPH, "_wrapWidths", "book.pdf.rlspeed", _WRAP_STATE_WHY, kind="instance"),
    Private(PARAGRAPH, "_width_max", "book.pdf.rlspeed", _WRAP_STATE_WHY, kind="instance"),
    Private(PARAGRAPH, "_hyphenations", "book.pdf.rlspeed", _WRAP_STATE_WHY, kind="instance"),
    Private(PARAGRAPH, "_splitLongWordCount", "book.pdf.rlspeed", _WRAP_STATE_WHY, kind="instance"),
    Private(PARAGRAPH, "_linkRecord", "book.pdf.pdftags", "a text object's hook told where each link's words start and "
            "end on a line: the Tagger marks them as a Link element", kind="instance"),
    Private(PARAGRAPH, "_curr_tx_info", "book.pdf.pdfpages", "the text cursor when an <onDraw> callback runs: where a "
            "deferred page number goes", kind="instance"),
    Private("reportlab.platypus.paraparser.ParaParser", "_initial_frag", "book.pdf.rlspeed",
            "mirrored by rlspeed._initial_frag for a paragraph without attributes (tests/test_rlspeed.py compares them)",
            signature="(self, attr, attrMap, bullet=0)"),
    # complex scripts: shaped with HarfBuzz from the font's bytes, their glyphs given characters
    Private("reportlab.pdfgen.textobject.PDFTextObject", "_formatText", "book.pdf.shaping", "replaced (PATCHES)"),
    Private("reportlab.pdfbase.ttfonts.TTFontFace", "_ttf_data", "book.pdf.shaping", "the font file's bytes, given to "
            "HarfBuzz", kind="instance"),
    Private("reportlab.pdfbase.ttfonts", "uharfbuzz", "book.pdf.rlcontract", "a stand-in that imports HarfBuzz when "
            "first used (import_reportlab): ReportLab only asks whether it is there until it shapes a word"),
    # the canvas: subclassed by pdfpage.PageRecorder, its content marked by pdftags
    Private(CANVAS, "_code", "book.pdf.pdfpage, book.pdf.pdftags, book.pdf.pdfpages",
            "the page's operators so far: recorded as the page; marked-content operators put in it", kind="instance"),
    Private(CANVAS, "_preamble", "book.pdf.pdfpage", "the operators every page starts with", kind="instance"),
    Private(CANVAS, "_formsinuse", "book.pdf.pdfpage", "the forms and images a page draws", kind="instance"),
    Private(CANVAS, "_annotationrefs", "book.pdf.pdfpage, book.pdf.pdftags", "a page's link annotations (the recorder "
            "keeps pdfpage.Link records in it)", kind="instance"),
    Private(CANVAS, "_pagesize", "book.pdf.pdfpage", "the page's size", kind="instance"),
    Private(CANVAS, "_doc", "book.pdf.pdfpage", "the document a font counts its used characters against",
            kind="instance"),
    Private(CANVAS, "_cropMarks", "book.pdf.pdfpage", "shadowed by a property: crop marks are drawn when the file is "
            "assembled", kind="instance"),
    Private(CANVAS, "_startPage", "book.pdf.pdfpage", "a new page after one is recorded", signature="(self)"),
    Private(CANVAS, "_absRect", "book.pdf.pdfpage", "a link's rectangle in page space",
            signature="(self, rect, relative=0)"),
    Private("reportlab.pdfgen.textobject.PDFTextObject", "_code", "book.pdf.pdftags",
            "a text object's operators: a paragraph's links marked inside BT/ET", kind="instance"),
    Private("reportlab.platypus.doctemplate.BaseDocTemplate", "_doctemplate", "book.writers.compendium.content",
            "the doc template drawing on a canvas", kind="instance"),
    # flowables, frames, tables
    Private(f"{FLOWABLES}.Flowable", "_hAlignAdjust", "book.pdf.pdfpages", "where a paragraph drawn aligned starts",
            signature="(self, x, sW=0)"),
    Private(f"{FLOWABLES}.Flowable", "_doctemplateAttr", "book.writers.compendium.content",
            "the frame a flowable is laid out in", signature="(self, a)"),
    Private(f"{FLOWABLES}.ListFlowable", "_leftIndent", "book.pdf.pdfblocks", "a list's indent, moved in for a list "
            "inside a definition", kind="instance"),
    Private(f"{FLOWABLES}.LIIndenter", "_flowable", "book.pdf.pdftags", "the list item a bullet is drawn for",
            kind="instance"),
    Private("reportlab.platypus.frames.Frame", "_y", "book.writers.compendium", "how far down its frame the layout is",
            kind="instance"),
    Private("reportlab.platypus.frames.Frame", "_height", "book.writers.compendium.content", "a frame's height",
            kind="instance"),
    Private("reportlab.platypus.tables.Table", "_rowHeights", "book.writers.compendium.content",
            "a laid-out table's row heights", kind="instance"),
    # fonts: fontparse.QuickFace reads the glyph tables in bulk, leaving what ReportLab's parser leaves
    # (tests/test_fontparse.py compares every attribute); pdffont.FixedTTFont is made from such a face
    *(Private(TTFONTFILE, name, "book.pdf.fontparse", why, kind="instance") for name, why in (
        ("table", "the table directory: where each table starts"),
        ("_ttf_data", "the font file's bytes, read in bulk"),
        ("_pdfScale", "how an advance is scaled to 1000 units a size: mirrored (1000 / unitsPerEm)"),
        ("charToGlyph", "set as extractInfo sets it"), ("glyphToChar", "set as extractInfo sets it"),
        ("charWidths", "set as extractInfo sets it"), ("hmetrics", "set as extractInfo sets it"),
        ("defaultWidth", "set as extractInfo sets it"), ("glyphPos", "set as extractInfo sets it"),
        ("_pos", "left where extractInfo leaves it"),
    )),
    # fonts: pdffont.FixedTTFont, made from a face parsed when the style was checked (or when first needed)
    Private("reportlab.pdfbase.ttfonts.TTFont", "_asciiReadable", "book.pdf.pdffont", "set as TTFont.__init__ sets it "
            "(FixedTTFont does what it does, with fontparse's face)", kind="instance"),
    Private("reportlab.pdfbase.ttfonts.TTFont", "__init__", "book.pdf.pdffont", "mirrored: the face is fontparse's",
            signature="(self, name, filename, validate=0, subfontIndex=0, asciiReadable=None, shapable=True)"),
)



@dataclass(frozen=True)
class Override:
    """A ReportLab method a toolkit subclass overrides (``by``): ReportLab's code calls it with
    ``signature``, which the override takes."""

    owner: str
    name: str
    by: str
    signature: str


_RECORDER = "book.pdf.pdfpage.PageRecorder: pages recorded, not written"
_FONT = "book.pdf.pdffont.FixedTTFont: one encoding in every document"
OVERRIDES = (
    Override(CANVAS, "showPage", _RECORDER, "(self)"),
    Override(CANVAS, "save", _RECORDER, "(self)"),
    Override(CANVAS, "linkRect", _RECORDER, "(self, contents, destinationname, Rect=None, addtopage=1, name=None, "
             "relative=1, thickness=0, color=None, dashArray=None, **kw)"),
    Override(CANVAS, "linkAbsolute", _RECORDER, "(self, contents, destinationname, Rect=None, addtopage=1, name=None, "
             "thickness=0, color=None, dashArray=None, **kw)"),
    Override(CANVAS, "linkURL", _RECORDER, "(self, url, rect, relative=0, thickness=0, color=None, dashArray=None, "
             "kind='URI', **kw)"),
    Override(CANVAS, "bookmarkPage", _RECORDER, "(self, key, fit='Fit', left=None, top=None, bottom=None, right=None, "
             "zoom=None)"),
    Override(CANVAS, "addOutlineEntry", _RECORDER, "(self, title, key, level=0, closed=None)"),
    Override(CANVAS, "doForm", _RECORDER, "(self, name)"),
    Override(CANVAS, "drawImage", _RECORDER, "(self, image, x, y, width=None, height=None, mask=None, "
             "preserveAspectRatio=False, anchor='c', anchorAtXY=False, showBoundary=False, extraReturn=None)"),
    Override(CANVAS, "drawInlineImage", _RECORDER, "(self, image, x, y, width=None, height=None, "
             "preserveAspectRatio=False, anchor='c', anchorAtXY=False, showBoundary=False, extraReturn=None)"),
    Override(CANVAS, "beginForm", _RECORDER, "(self, name, lowerx=0, lowery=0, upperx=None, uppery=None)"),
    Override(TTFONTFILE, "extractInfo", "book.pdf.fontparse.QuickFace: the glyph tables read in bulk (ReportLab's "
             "reads the rest, and any font it does not read the same way)", "(self, charInfo=1)"),
    Override("reportlab.pdfbase.ttfonts.TTFont", "splitString", _FONT, "(self, text, doc, encoding='utf-8')"),
    Override("reportlab.pdfbase.ttfonts.TTFont", "getSubsetInternalName", _FONT, "(self, subset, doc)"),
    Override("reportlab.pdfbase.ttfonts.TTFont", "addObjects", _FONT, "(self, doc)"),
)

_INSTALLED = False


def install() -> None:
    """Every replacement in ``PATCHES``, once per process (a second call does nothing). The order
    matters: rlspeed's line breaker is beneath linebreak's, which breaks lines through it."""
    global _INSTALLED
    if _INSTALLED:
        return
    from book.pdf import linebreak, pdffont, pdftags, rlspeed, shaping

    rlspeed.install()
    linebreak.install()
    pdftags.install_flowable_hooks()
    shaping.install_actual_text()
    pdffont.install_font_loader()
    _INSTALLED = True


def installed() -> bool:
    return _INSTALLED


# ---------------------------------------------------------------------- ReportLab imported
def import_reportlab() -> None:
    """ReportLab's modules imported (where they are not yet), some of their costs left until used:

    * ``reportlab.platypus.paragraph``'s web-address pattern ``uri_pat``: ``re.I`` over most of
      Unicode, compiling it was 20 ms of the build's start, and the toolkit never uses it (its
      one user, ``_uri_split_pairs``, is replaced: ``PATCHES``). Only that pattern, the one of
      the module's that holds ``://``, is deferred (``lazyregex.deferring``), with one other
      (``UNUSED_PATTERNS``); ``re.compile`` is itself again once they are in.
    * HarfBuzz (``uharfbuzz``, 6 to 12 ms to load), which ``reportlab.pdfbase.ttfonts`` imports
      and ``book.pdf.shaping`` uses: only the text of a complex script (Arabic, Bengali...) needs
      it, and it is imported when one is first shaped (``_LoadedWhenUsed``; ReportLab asks only
      whether it is there before then). A process that shapes, each worker too, imports it then.
    * ``urllib.request`` (with http.client, email and ssl: 8 ms), for ReportLab's ``urlopen``,
      which reads an image given by its web address: the toolkit gives ReportLab files only
      (``_urlopen_when_called``).
    """
    _defer_uharfbuzz()
    if PARAGRAPH in sys.modules:
        return
    with deferring(UNUSED_PATTERNS), _urlopen_when_called():
        import reportlab.platypus.paragraph  # noqa: F401


# ReportLab's patterns the toolkit never uses, by module and a piece of each: the paragraph
# module's web addresses (above), and the text splitter's CJK pattern (``cjkwrap``'s: 2 ms)
UNUSED_PATTERNS = {PARAGRAPH: "://", "reportlab.lib.textsplit": "\u2e80-\uffff"}


URLOPEN_MODULE = "urllib.request"


@contextmanager
def _urlopen_when_called():
    """While ReportLab imports, ``urllib.request`` is a stand-in whose ``urlopen`` (all
    ``reportlab.lib.utils`` takes from it) imports the real one when it is called; then the
    stand-in is taken out of ``sys.modules``, so any other importer gets the real module."""
    if URLOPEN_MODULE in sys.modules:
        yield
        return
    stand_in = types.ModuleType(URLOPEN_MODULE)

    def urlopen(*args, **kwargs):
        from urllib.request import urlopen as real

        return real(*args, **kwargs)

    stand_in.urlopen = urlopen
    sys.modules[URLOPEN_MODULE] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(URLOPEN_MODULE) is stand_in:
            del sys.modules[URLOPEN_MODULE]


def _defer_uharfbuzz() -> None:
    spec = None if "uharfbuzz" in sys.modules else importlib.util.find_spec("uharfbuzz")
    if spec is not None:
        module = _LoadedWhenUsed("uharfbuzz")
        module.__spec__ = spec      # what an import statement looks at (not yet initialising)
        sys.modules["uharfbuzz"] = module


class _LoadedWhenUsed(types.ModuleType):
    """Stands in ``sys.modules`` for a module not yet imported, and imports it when one of its
    names is first asked for; then it holds them all (ReportLab's ``ttfonts.uharfbuzz`` is this
    object), and ``sys.modules`` the module itself. (``importlib.util.LazyLoader`` does not do:
    the next ``import uharfbuzz`` asks its ``__spec__``, and that loads it.)"""

    def __getattr__(self, name: str):
        with _LOADING:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
                try:
                    self.__dict__.update(importlib.import_module(self.__name__).__dict__)
                except BaseException:
                    sys.modules[self.__name__] = self
                    raise
        return getattr(sys.modules[self.__name__], name)


_LOADING = threading.RLock()
