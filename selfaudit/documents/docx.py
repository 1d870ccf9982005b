"""DOCX from a document's rendered HTML, so a legal team can edit the policy in Word.

python-docx is an optional dependency (``pip install selfaudit[docx]``); this module imports it
only when called. The converter follows the same element tree as the Markdown writer: headings,
paragraphs, lists, tables (header row bold, repeated on each page), quotes, links (real Word
hyperlinks) and ``<mark>`` (TODO, highlighted yellow so nothing unfinished goes unnoticed).
"""

from __future__ import annotations

import io
import re
from typing import Any

from selfaudit.documents.htmltree import Node, text_of
from selfaudit.errors import SelfauditError

__all__ = ["to_docx", "docx_available", "DocxMissing"]


class DocxMissing(SelfauditError):
    """python-docx is not installed."""


def docx_available() -> bool:
    try:
        import docx  # noqa: F401
    except ImportError:
        return False
    return True


_BLOCK = {
    "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "blockquote",
    "ul", "ol", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "details", "summary",
    "dl", "dt", "dd", "figure", "figcaption", "pre",
}


class _Fmt:
    __slots__ = ("bold", "italic", "mark", "href", "code")

    def __init__(self, bold=False, italic=False, mark=False, href=None, code=False):
        self.bold, self.italic, self.mark, self.href, self.code = bold, italic, mark, href, code

    def but(self, **kw) -> _Fmt:
        f = _Fmt(self.bold, self.italic, self.mark, self.href, self.code)
        for k, v in kw.items():
            setattr(f, k, v)
        return f


class _DocxWriter:
    def __init__(self, lang: str, title: str | None) -> None:
        import docx
        from docx.enum.text import WD_COLOR_INDEX
        from docx.oxml.ns import qn
        from docx.shared import Pt

        self.docx = docx
        self.qn = qn
        self.yellow = WD_COLOR_INDEX.YELLOW
        self.doc = docx.Document()
        font = "Microsoft YaHei" if lang.startswith("zh") else "Calibri"
        for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
            style = self.doc.styles[style_name]
            style.font.name = font
            rpr = style.element.get_or_add_rPr()
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = rpr.makeelement(qn("w:rFonts"), {})
                rpr.append(fonts)
            fonts.set(qn("w:eastAsia"), font)
        self.doc.styles["Normal"].font.size = Pt(10.5)
        if title:
            self.doc.core_properties.title = title
        self.doc.core_properties.language = lang

    # -- inline --------------------------------------------------------------------------------

    def runs(self, paragraph: Any, nodes: list[Node], fmt: _Fmt) -> None:
        for n in nodes:
            self._run(paragraph, n, fmt)

    def _run(self, paragraph: Any, n: Node, fmt: _Fmt) -> None:
        if n.tag == "#text":
            text = re.sub(r"\s+", " ", n.text)
            if not text:
                return
            if not paragraph.runs and not paragraph.text:
                text = text.lstrip()
            if fmt.href:
                self._hyperlink(paragraph, fmt.href, text, fmt)
                return
            run = paragraph.add_run(text)
            run.bold = fmt.bold or None
            run.italic = fmt.italic or None
            if fmt.mark:
                run.font.highlight_color = self.yellow
            if fmt.code:
                run.font.name = "Consolas"
            return
        if n.tag == "br":
            paragraph.add_run().add_break()
            return
        if "badge" in n.classes():  # a row's status next to its name
            run = paragraph.add_run(f" ({text_of(n)})")
            run.italic = True
            return
        if n.tag in ("strong", "b"):
            fmt = fmt.but(bold=True)
        elif n.tag in ("em", "i"):
            fmt = fmt.but(italic=True)
        elif n.tag == "mark":
            fmt = fmt.but(mark=True, bold=True)
        elif n.tag == "code":
            fmt = fmt.but(code=True)
        elif n.tag == "a":
            href = n.attrs.get("href", "")
            if href and not href.startswith("#"):
                fmt = fmt.but(href=href)
        elif n.tag == "img":
            alt = n.attrs.get("alt")
            if alt:
                paragraph.add_run(alt)
            return
        self.runs(paragraph, n.children, fmt)

    def _hyperlink(self, paragraph: Any, url: str, text: str, fmt: _Fmt) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml import OxmlElement

        qn = self.qn
        r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        color = OxmlElement("w:color")
        color.set(qn("w:val"), "0563C1")
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        rpr.append(color)
        rpr.append(underline)
        if fmt.bold:
            rpr.append(OxmlElement("w:b"))
        run.append(rpr)
        t = OxmlElement("w:t")
        t.text = text
        t.set(qn("xml:space"), "preserve")
        run.append(t)
        link.append(run)
        paragraph._p.append(link)

    # -- blocks --------------------------------------------------------------------------------

    def blocks(self, container: Any, nodes: list[Node], fmt: _Fmt, style: str | None = None) -> None:
        run: list[Node] = []

        def flush() -> None:
            if run and any(n.tag != "#text" or n.text.strip() for n in run):
                p = container.add_paragraph(style=style)
                self.runs(p, run, fmt)
            run.clear()

        for n in nodes:
            if n.tag in _BLOCK:
                flush()
                self.block(container, n, fmt, style)
            else:
                run.append(n)
        flush()

    def block(self, container: Any, n: Node, fmt: _Fmt, style: str | None) -> None:
        tag = n.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and container is self.doc:
            level = int(tag[1])
            p = self.doc.add_heading("", level=0 if level == 1 else min(level - 1, 4))
            self.runs(p, n.children, fmt)
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "summary", "dt"):
            p = container.add_paragraph(style=style)
            self.runs(p, n.children, fmt.but(bold=True))
            return
        if tag in ("p", "figcaption"):
            p = container.add_paragraph(style=style)
            self.runs(p, n.children, fmt)
            return
        if tag in ("ul", "ol"):
            self.list(container, n, 1)
            return
        if tag == "table":
            self.table(container, n)
            return
        if tag in ("blockquote", "aside"):
            quote = "Intense Quote" if "draft" in n.classes() else "Quote"
            self.blocks(container, n.children, fmt, style=quote if container is self.doc else style)
            return
        if tag == "hr":
            container.add_paragraph()
            return
        self.blocks(container, n.children, fmt, style)

    def list(self, container: Any, n: Node, depth: int) -> None:
        base = "List Number" if n.tag == "ol" else "List Bullet"
        style = base if depth == 1 else f"{base} {min(depth, 3)}"
        if container is not self.doc:
            style = None
        num_id = self._fresh_numbering(style) if n.tag == "ol" and style else None
        for li in n.children:
            if li.tag != "li":
                continue
            inline = [c for c in li.children if c.tag not in ("ul", "ol", "p", "div")]
            p = container.add_paragraph(style=style)
            if num_id is not None:
                p._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num_id
            if style is None:
                p.add_run("• " if n.tag == "ul" else "")
            self.runs(p, inline, _Fmt())
            for c in li.children:
                if c.tag in ("p", "div"):
                    self.runs(p, c.children, _Fmt())
                elif c.tag in ("ul", "ol"):
                    self.list(container, c, depth + 1)

    def _fresh_numbering(self, style: str) -> int | None:
        """A numbering instance that starts at 1, so each <ol> counts from 1.

        Every "List Number" paragraph shares the style's one numbering instance, so Word would
        number the second list on from where the first stopped.
        """
        try:
            style_num = self.doc.styles[style].element.pPr.numPr.numId.val
            numbering = self.doc.part.numbering_part.element
            abstract = next(num.abstractNumId.val for num in numbering.num_lst if num.numId == style_num)
        except (AttributeError, KeyError, StopIteration, NotImplementedError):
            return None
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    def table(self, container: Any, n: Node) -> None:
        from docx.oxml import OxmlElement

        rows = [[c for c in tr.children if c.tag in ("td", "th")] for tr in n.find_all("tr")]
        rows = [r for r in rows if r]
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = container.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for i, cells in enumerate(rows):
            header = all(c.tag == "th" for c in cells)
            if header:
                trpr = table.rows[i]._tr.get_or_add_trPr()
                trpr.append(OxmlElement("w:tblHeader"))
            for j, cell_node in enumerate(cells):
                cell = table.cell(i, j)
                first = cell.paragraphs[0]
                fmt = _Fmt(bold=header)
                if any(c.tag in _BLOCK for c in cell_node.children):
                    self._cell_blocks(cell, first, cell_node.children, fmt)
                else:
                    self.runs(first, cell_node.children, fmt)
        container.add_paragraph()

    def _cell_blocks(self, cell: Any, first: Any, nodes: list[Node], fmt: _Fmt) -> None:
        current = first
        used = False
        for n in nodes:
            if n.tag in ("ul", "ol"):
                for li in n.children:
                    if li.tag != "li":
                        continue
                    p = current if not used else cell.add_paragraph()
                    used = True
                    current = p
                    self.runs(p, li.children, fmt)
            elif n.tag in _BLOCK:
                p = current if not used else cell.add_paragraph()
                used = True
                current = p
                self.runs(p, n.children, fmt)
            else:
                if n.tag == "#text" and not n.text.strip():
                    continue
                self._run(current, n, fmt)
                used = True


def to_docx(root: Node, *, lang: str, title: str | None = None) -> bytes:
    """Convert a parsed document body to a .docx file's bytes."""
    if not docx_available():
        raise DocxMissing("DOCX output needs python-docx: pip install 'selfaudit[docx]'")
    w = _DocxWriter(lang, title)
    w.blocks(w.doc, root.children, _Fmt())
    buf = io.BytesIO()
    w.doc.save(buf)
    return _reproducible(buf.getvalue())


def _reproducible(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry times, so the same rows give the same bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
