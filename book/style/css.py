"""The EPUB style sheet, derived from the same resolved house style as the PDF styles.

Font sizes are em of the parent element's size (body text = 1em), so a reader's own text size
still scales everything; line heights are unitless; nothing is set in px and nothing is
!important, so a reader's overrides win.
"""
from __future__ import annotations


from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT

_ALIGN_CSS = {TA_LEFT: "left", TA_CENTER: "center", TA_RIGHT: "right", TA_JUSTIFY: "justify"}
_GENERIC_CSS = (("mono", "monospace"), ("serif", "serif"))
_ALL = ("font", "size", "colour", "align", "box", "flow")
_INLINE = ("font", "size", "colour")
_CELL = ("font", "size", "colour", "align", "flow")


def _num(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".") or "0"


def _em(x: float) -> str:
    return "0" if abs(x) < 0.0005 else f"{_num(x)}em"


class CssWriter:
    """Writes the EPUB style sheet from the resolved styles.

    Font sizes are em of the parent element's size (body text = 1em), so a reader's own text
    size still scales everything; line heights are unitless; margins and padding are em of the
    element's own size. Each rule names the style it comes from and the style of the element
    it sits in (``within``), which is what its relative sizes are relative to.
    """

    def __init__(self, style):
        self.house, self.s = style, style.styles
        self.rules: list[str] = []

    def write(self) -> str:
        files = " + ".join(f"styles/{f.name}" for f in self.house.files)
        body = self.s["body"]
        self.rules = [
            '@charset "UTF-8";',
            '@namespace epub "http://www.idpf.org/2007/ops";',
            f"/* Generated from {files} by book/css.py: edit the YAML, not this file.\n"
            f"   Body text is {_num(body['fontSize'])}pt/{_num(body['leading'])}pt in print = 1em here. */",
        ]
        self.text_rules()
        self.block_rules()
        self.list_and_table_rules()
        self.book_part_rules()
        self.reflow_rules()
        return "\n\n".join(self.rules) + "\n"

    # -- building blocks -----------------------------------------------------------------------
    def rule(self, selector: str, declarations: dict) -> None:
        lines = "\n".join(f"  {k}: {v};" for k, v in declarations.items())
        self.rules.append(f"{selector} {{\n{lines}\n}}")

    def styled(self, selector: str, name: str, within: str = "body", parts=_ALL, *,
               left: bool = True, rule: str | None = None, **extra) -> None:
        """A rule for ``selector`` from style ``name``; extra declarations as keyword args
        (underscores become hyphens). ``left=False`` leaves the left indent to the list."""
        if name not in self.s:
            return  # an optional style this house style does not define
        st, outer = self.s[name], self.s[within if within != name else "body"]
        d: dict[str, str] = {}
        if "font" in parts:
            d.update(self.font(name, st))
        if "size" in parts:
            d["font-size"] = "1em" if name == "body" else _em(st["fontSize"] / outer["fontSize"])
            d["line-height"] = _num(st["leading"] / st["fontSize"])
        if "colour" in parts:
            d["color"] = st["textColor"]
            if st["backColor"] and (within == name or st["backColor"] != outer["backColor"]):
                d["background-color"] = st["backColor"]
        if "align" in parts:
            d["text-align"] = _ALIGN_CSS.get(st["alignment"], "left")
            d["text-indent"] = _em(st["firstLineIndent"] / st["fontSize"])
        if "box" in parts:
            d.update(self.box(st, outer, left=left, rule=rule))
        elif rule:
            d[f"border-{rule}"] = self.rule_line(st)
        if "flow" in parts:
            d.update(self.flow(name, st, outer))
        d.update({k.replace("_", "-"): v for k, v in extra.items()})
        self.rule(selector, d)

    def font(self, name: str, st: dict) -> dict:
        d = {}
        if name == "body" or st["fontFamily"] != self.s["body"]["fontFamily"]:
            default = next((g for word, g in _GENERIC_CSS if word in st["fontFamily"].lower()), "sans-serif")
            d["font-family"] = self.house.fonts.css_stacks.get(st["fontFamily"], default)
        # Always given: reading systems' own defaults differ (th, caption, h1-h6, em...).
        d["font-weight"], d["font-style"] = st["fontWeight"], st["fontStyle"]
        if st["textTransform"]:
            d["text-transform"] = st["textTransform"]
        return d

    def box(self, st: dict, outer: dict, *, left: bool, rule: str | None) -> dict:
        size = st["fontSize"]
        indent = max(0.0, st["leftIndent"] - outer["leftIndent"]) if left else 0.0
        right = max(0.0, st["rightIndent"] - outer["rightIndent"])
        d = {}
        if rule == "left":
            # The bar sits at the column edge and the text starts leftIndent from it, as in print.
            d["border-left"] = self.rule_line(st)
            d["padding-left"] = _em(max(0.0, indent - st["ruleWidth"]) / size)
            indent = 0.0
        d["margin"] = " ".join(_em(v / size) for v in (st["spaceBefore"], right, st["spaceAfter"], indent))
        if st["borderWidth"] and st["borderColor"]:
            d["border"] = f"{_num(st['borderWidth'])}pt solid {st['borderColor']}"
        padding = st["borderPadding"]
        if padding and (st["backColor"] or st["borderWidth"]):
            pads = padding if isinstance(padding, tuple) else (padding,)
            d["padding"] = " ".join(_em(p / size) for p in pads)
        if rule == "bottom":
            d["border-bottom"] = self.rule_line(st)
        return d

    def rule_line(self, st: dict) -> str:
        return f"{_num(st['ruleWidth'] or 0.5)}pt solid {st['ruleColor'] or st['textColor']}"

    def flow(self, name: str, st: dict, outer: dict) -> dict:
        """Hyphenation and widow control, which CSS inherits: given only where they change."""
        d = {}
        hyphens = "auto" if self.house.hyphenate and st["hyphenate"] else "manual"
        if name == "body" or st["hyphenate"] != outer["hyphenate"]:
            d.update({"-webkit-hyphens": hyphens, "-epub-hyphens": hyphens, "hyphens": hyphens})
        if name == "body" or bool(st["allowWidows"]) != bool(outer["allowWidows"]):
            d["widows"] = "1" if st["allowWidows"] else "2"
        if name == "body" or bool(st["allowOrphans"]) != bool(outer["allowOrphans"]):
            d["orphans"] = "1" if st["allowOrphans"] else "2"
        if st["keepWithNext"]:
            d["page-break-after"] = "avoid"
        return d

    def indent_of(self, name: str, within: str = "body") -> str:
        return _em(self.s[name]["leftIndent"] / self.s[within]["fontSize"])

    # -- the rules ------------------------------------------------------------------------------
    def text_rules(self) -> None:
        # a margin of its own: a reading system that sets none must not put the text against the edge
        self.styled("body", "body", parts=("font", "size", "colour", "flow"), margin="0", padding="0 0.75em")
        self.styled("p", "body", parts=("align", "box"))
        for level in range(1, 7):
            self.styled(f"h{level}", f"h{level}")
        self.styled(".standfirst", "standfirst")
        self.styled("a", "link", parts=("colour",))
        self.rule("a.noteref", {"font-size": "0.75em", "line-height": "0", "vertical-align": "super", "text-decoration": "none"})
        self.styled("code", "code", parts=("font",), font_size=_em(self.s["code"]["fontSize"] / self.s["body"]["fontSize"]))
        self.styled("pre", "code", white_space="pre-wrap")
        self.rule("pre code", {"font-size": "1em"})
        # Page-break markers are empty spans carrying the print page number in their title:
        # they stay in the document (reading systems navigate by them) but take no space.
        self.rule('span[epub|type~="pagebreak"]', {"font-size": "0", "line-height": "0"})

    def block_rules(self) -> None:
        self.styled("aside.pullquote", "pullquote", rule="left")
        self.rule("aside.pullquote p, blockquote p, .highlights p, section.endnotes p, aside.endnote p",
                  {"text-align": "inherit", "text-indent": "0"})
        self.rule("aside.pullquote p", {"margin": "0"})
        self.styled("aside.pullquote .attribution", "pullquote_attribution", "pullquote")
        self.styled(".highlights", "highlight_box")
        self.styled(".highlights h2", "highlight_title", "highlight_box")
        self.rule(".highlights ul, .highlights ol", {"margin": "0", "padding-left": self.indent_of("highlight_item", "highlight_box")})
        self.styled(".highlights li", "highlight_item", "highlight_box", left=False)
        self.styled("blockquote", "blockquote")
        self.styled(".attribution", "attribution")
        self.styled("blockquote .attribution", "attribution", "blockquote")
        self.styled("section.endnotes, aside.endnote", "footnote", left=False)
        self.rule("section.endnotes ol", {"margin": "0", "padding-left": self.indent_of("footnote")})
        self.styled(".opener-org", "opener_org")
        self.styled(".opener-meta", "opener_meta")

    def list_and_table_rules(self) -> None:
        item, body = self.s["list_item"], self.s["body"]
        self.rule("ul, ol", {"margin": f"0 0 {_em(item['spaceAfter'] / body['fontSize'])} 0",
                             "padding-left": self.indent_of("list_item")})
        self.styled("li", "list_item", left=False)
        self.rule("li li", {"font-size": "1em"})
        self.rule("li p, td p, th p", {"margin": "0", "text-align": "inherit", "text-indent": "0"})
        self.rule("table", {"border-collapse": "collapse", "margin": "0.5em 0 1em 0"})
        self.styled("th", "table_header", parts=_CELL, rule="bottom", vertical_align="bottom", padding="0.3em 0.5em")
        self.styled("td", "table_cell", parts=_CELL, rule="bottom", vertical_align="top", padding="0.3em 0.5em")
        self.styled("caption", "caption", caption_side="top")
        self.rule("figure", {"margin": "1em 0"})
        self.rule("img", {"max-width": "100%", "height": "auto"})
        self.styled("figcaption", "caption")
        self.styled("dt", "list_item", left=False, font_weight="bold")
        self.rule("dd", {"margin": f"0 0 0.5em {self.indent_of('list_item')}"})

    def reflow_rules(self) -> None:
        """Every screen, down to a 320 px phone (WCAG 1.4.10 Reflow): a word or address longer
        than the line breaks rather than pushing the page sideways (``break-word`` for running
        text, ``anywhere`` where long words are the rule: links, cells, code, so a table can
        shrink to the screen); on a narrow screen text is set flush left, since justified lines of
        a few words open wide gaps. Sizes stay relative (em), so the reader's own settings win."""
        self.rule("body", {"overflow-wrap": "break-word", "word-wrap": "break-word"})
        self.rule("a, td, th, code, pre, .opener-meta, .index-entry, nav#toc a", {"overflow-wrap": "anywhere", "word-break": "normal"})
        self.rule("table", {"max-width": "100%"})
        self.rule("img, svg, video", {"max-width": "100%", "height": "auto"})
        self.rules.append("@media (max-width: 35em) {\n"
                          "  p, li, dd, td, th, blockquote, figcaption, .standfirst, .attribution {\n"
                          "    text-align: left;\n  }\n}")

    def book_part_rules(self) -> None:
        self.styled("nav#toc h1, nav#toc h2", "toc_title")
        self.rule("nav#toc ol", {"list-style-type": "none", "margin": "0", "padding-left": "0"})
        self.rule("nav#toc ol ol", {"padding-left": self.indent_of("toc_entry")})
        self.styled("nav#toc li", "toc_entry", parts=("box",), left=False)
        self.styled("nav#toc a", "toc_entry", parts=_INLINE, text_decoration="none")
        self.styled("nav#toc li.toc-part", "toc_part", parts=("box",), left=False)
        self.styled("nav#toc li.toc-part > a, nav#toc li.toc-part > span", "toc_part", parts=_INLINE)
        # the part opener is printed on its surface colour in the book: the same ground in the EPUB,
        # or its white text would vanish
        part_ground = self.house.surfaces.get(self.s["part_title"].get("surface") or "", "")
        if part_ground:
            self.rule('section[epub|type~="part"]', {"background-color": part_ground, "padding": "2em 1.5em 1.5em 1.5em",
                                                      "margin": "0 0 1em 0"})
            self.styled('section[epub|type~="part"] li', "part_entry", left=False)
            self.rule('section[epub|type~="part"] a', {"color": self.s["part_entry"]["textColor"]})
            self.rule('section[epub|type~="part"] ul', {"margin": "1.5em 0 0 0"})
        self.styled(".part-label", "part_label")
        self.styled(".part-title", "part_title")
        self.styled(".index-title", "index_title")
        self.styled(".index-entry", "index_entry")
        self.rule(".title-page", {"margin": "3em 0 0 0", "text-align": _ALIGN_CSS.get(self.s["cover_title"]["alignment"], "left")})
        for name in ("cover_title", "cover_subtitle", "cover_edition", "cover_publisher", "imprint"):
            self.styled("." + name.replace("_", "-"), name)
