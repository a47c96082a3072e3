"""The notice (通报) as a Word document in the layout of official documents (GB/T 9704-2012).

The text is `trainlog.output.notice.notice_text`'s, word for word; this module only lays it out:
A4 with the standard margins (top 37 mm, left 28 mm, a type area of 156 x 225 mm), the title in
方正小标宋简体 二号 (22 pt) centred, the body in 仿宋_GB2312 三号 (16 pt) on a grid of 22 lines of 28
characters (a line grid of 28.95 pt, characters spaced -0.25 pt), first-level headings (一、…) in 黑体, the issuing office and the date at the end, and
the page number as "— 1 —" in 四号 (14 pt), outside on odd and even pages. python-docx is imported
only here, when a .docx is asked for.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Any

from trainlog.vocab import say

MM = 36000  # EMU in a millimetre
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
TITLE_PT, BODY_PT, PAGE_NUMBER_PT = 22, 16, 14
#: the type area, 156 x 225 mm, holds 22 lines of 28 characters
LINES, CHARS = 22, 28
#: what follows w:spacing in a w:rPr (CT_RPr's order, which Word insists on)
_AFTER_SPACING = tuple(f"w:{t}" for t in (
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"))
#: a first-level heading: 一、政策培训。
_HEADING = re.compile(r"^([一二三四五六七八九十]+、[^。]*。)")


def notice_docx(text: str, issuer: str | None, lang: str = "zh", signed: date | None = None) -> Any:
    """The Word document (a python-docx Document, not saved) of the notice `text`, signed by
    `issuer` (default: the word of "notice.issuer") on `signed` (default: today)."""
    from docx import Document
    from docx.enum.section import WD_SECTION_START
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Emu, Pt

    from trainlog.dates import today

    zh = lang == "zh"
    lines = [line.strip("\u3000 ") for line in text.strip("\n").split("\n")]
    title, paragraphs = lines[0], [line for line in lines[1:] if line]
    signed = signed or today()

    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Emu(210 * MM), Emu(297 * MM)
    section.top_margin, section.left_margin = Emu(37 * MM), Emu(28 * MM)
    section.right_margin = Emu((210 - 28 - 156) * MM)
    section.bottom_margin = Emu((297 - 37 - 225) * MM)
    section.header_distance, section.footer_distance = Emu(15 * MM), Emu(22 * MM)
    # 28.95 pt a line: the type area's height over 22, rounded down to a twip so 22 fit
    pitch = Pt(math.floor(225 / 25.4 * 72 / LINES * 20) / 20)
    _grid(section, pitch)

    body_font = BODY_FONT if zh else "Times New Roman"
    normal = doc.styles["Normal"]
    _font(normal, body_font, BODY_PT)
    _squeeze(normal)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, pitch
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.line_spacing = Pt(TITLE_PT * 1.5)
    _font(head.add_run(title), TITLE_FONT if zh else "Times New Roman", TITLE_PT, bold=not zh)
    doc.add_paragraph()  # a blank line between the title and the body

    for text_ in paragraphs:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _first_line_indent(p, 2 if zh else 0, Pt(BODY_PT * 2) if zh else 0)
        match = _HEADING.match(text_) if zh else None
        if match:
            _font(p.add_run(match.group(1)), HEADING_FONT, BODY_PT)
            text_ = text_[match.end():]
        if text_:
            p.add_run(text_)
    # the office and the date never stand alone on a page (GB/T 9704-2012 7.3.5.1): they keep
    # with the last paragraph of the body
    if paragraphs:
        p.paragraph_format.keep_with_next = True

    # GB/T 9704-2012 7.3.5.2: one blank line after the body; the office centred over the date,
    # the date 4 characters in from the right, in Arabic numerals
    doc.add_paragraph().paragraph_format.keep_with_next = True
    issued_on = (f"{signed.year}年{signed.month}月{signed.day}日" if zh
                 else f"{signed.day} {signed:%B} {signed.year}")
    office = doc.add_paragraph()
    office.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # centred over the date: the difference of their widths, halved, 4 characters from the right
    name = issuer or say("notice.issuer", lang)
    gap = (_chars(issued_on) - _chars(name)) / 2
    office.paragraph_format.right_indent = Pt(BODY_PT * max(4 + gap, 0))
    office.paragraph_format.keep_with_next = True
    office.add_run(name)
    when = doc.add_paragraph()
    when.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    when.paragraph_format.right_indent = Pt(BODY_PT * 4)
    when.add_run(issued_on)

    _page_numbers(doc, section)
    doc.core_properties.title = title
    doc.core_properties.author = name
    return doc


def _chars(text: str) -> float:
    """The width of a text in characters of the body: a Chinese character 1, a digit 0.5."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def _font(target: Any, name: str, size: float, bold: bool = False) -> None:
    """A style's or a run's font, for Chinese text too (w:eastAsia, which python-docx does not
    set by itself)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    target.font.name = name
    target.font.size = Pt(size)
    target.font.bold = bold
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _grid(section: Any, pitch: Any) -> None:
    """The section's line grid (w:docGrid): `LINES` lines to the type area's height.

    The 28 characters of a line come from the body's character spacing (`_squeeze`), not from a
    character grid (w:type linesAndChars): LibreOffice lays a character grid out as two cells a
    character, 14 to the line.
    """
    from docx.oxml.ns import qn

    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = sect.makeelement(qn("w:docGrid"), {})
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(pitch.pt * 20)))
    sect.append(grid)


def _squeeze(style: Any) -> None:
    """Character spacing that puts `CHARS` characters of the body on a line of the type area
    (156 mm: 15.8 pt a character of 16 pt): -0.25 pt, in twentieths of a point (w:spacing)."""
    from docx.oxml.ns import qn

    room = 156 / 25.4 * 72 / CHARS - BODY_PT  # -0.2 pt: rounded down, so that 28 fit
    rpr = style.element.get_or_add_rPr()
    spacing = rpr.makeelement(qn("w:spacing"), {qn("w:val"): str(math.floor(room * 20 - 0.5))})
    rpr.insert_element_before(spacing, *_AFTER_SPACING)


def _first_line_indent(paragraph: Any, chars: int, length: Any) -> None:
    """An indent of the first line by `chars` characters of the grid (and `length` for readers
    that do not know w:firstLineChars)."""
    from docx.oxml.ns import qn

    if not chars:
        return
    paragraph.paragraph_format.first_line_indent = length
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _page_numbers(doc: Any, section: Any) -> None:
    """"— 1 —" at the foot of each page: right on odd pages, left on even ones, one character in
    from the edge (GB/T 9704-2012 7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
        else:
            p.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
        _font(p.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        _field(p, "PAGE")
        _font(p.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_PT)


def _field(paragraph: Any, code: str) -> None:
    """A field (PAGE) in a paragraph: begin, instruction, separate, a placeholder, end."""
    from docx.oxml.ns import qn

    def run(child: str, **attrs: str) -> Any:
        r = paragraph.add_run()
        _font(r, PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        el = r._r.makeelement(qn(child), {qn(k): v for k, v in attrs.items()})
        r._r.append(el)
        return el

    run("w:fldChar", **{"w:fldCharType": "begin"})
    run("w:instrText").text = code
    run("w:fldChar", **{"w:fldCharType": "separate"})
    _font(paragraph.add_run("1"), PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    run("w:fldChar", **{"w:fldCharType": "end"})
