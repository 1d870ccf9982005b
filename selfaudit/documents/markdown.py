"""Markdown from a document's rendered HTML (see :mod:`selfaudit.documents.htmltree`).

Covers what the document templates use: headings, paragraphs, lists, GitHub tables, quotes,
``<details>``, emphasis, links, ``<mark>`` (TODO highlights, written bold) and ``class="badge"``
(a row's status, written as an italic note). Text is escaped
so a purpose such as ``*all* data | logs`` cannot turn into emphasis or break a table.
Unknown elements are treated as containers, so a team's own template still converts.
"""

from __future__ import annotations

import re
import unicodedata

from selfaudit.documents.htmltree import Node

__all__ = ["to_markdown", "escape"]

_BLOCK = {
    "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "blockquote",
    "ul", "ol", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "details", "summary",
    "dl", "dt", "dd", "figure", "figcaption", "pre", "body", "#root",
}
_ESCAPE = re.compile(r"([\\`*_\[\]<>|])")
_LEADING = re.compile(r"^(\s*)(?:([#+\-=>])|(\d+)([.)]))")


def escape(text: str) -> str:
    """Escape Markdown syntax characters in plain text."""
    return _ESCAPE.sub(r"\\\1", text)


def _escape_leading(text: str) -> str:
    """Keep a paragraph that starts like a heading, quote or list item a paragraph."""

    def fix(m: re.Match) -> str:
        if m.group(2):
            return m.group(1) + "\\" + m.group(2)
        return m.group(1) + m.group(3) + "\\" + m.group(4)

    return _LEADING.sub(fix, text, count=1)


def _is_block(n: Node) -> bool:
    return n.tag in _BLOCK


class _Writer:
    def __init__(self) -> None:
        self.in_table = False

    # -- inline --------------------------------------------------------------------------------

    def inline(self, nodes: list[Node]) -> str:
        out = "".join(self._inline(n) for n in nodes)
        out = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", out)
        return re.sub(r"[ \t\r\f\v]+", " ", out).strip()

    def _inline(self, n: Node) -> str:
        if n.tag == "#text":
            return escape(re.sub(r"\s+", " ", n.text))
        if n.tag == "br":
            return "<br>" if self.in_table else "\\\n"
        if n.tag == "code":
            raw = re.sub(r"\s+", " ", "".join(_raw_text(n))).strip().replace("`", "'")
            return f"`{raw}`" if raw else ""
        inner = "".join(self._inline(c) for c in n.children)
        core = inner.strip()
        if "badge" in n.classes():  # a row's status next to its name
            return f" *({core})*" if core else ""
        if n.tag in ("strong", "b", "mark"):
            return _emphasis(core, "**", "strong")
        if n.tag in ("em", "i"):
            return _emphasis(core, "*", "em")
        if n.tag == "a":
            href = n.attrs.get("href", "")
            if not href or href.startswith("#"):
                return inner
            href = href.replace(" ", "%20").replace(")", "%29")
            return f"[{core or escape(href)}]({href})"
        if n.tag == "img":
            return escape(n.attrs.get("alt", ""))
        if n.tag in ("ul", "ol"):  # a list inside a table cell or a paragraph
            items = [self.inline(li.children) for li in n.children if li.tag == "li"]
            sep = "<br>" if self.in_table else "; "
            return (sep if self.in_table else " ") + sep.join(i for i in items if i) + (sep if self.in_table else "")
        if n.tag in ("p", "div", "li") and self.in_table:
            return inner + "<br>"
        return inner

    # -- blocks --------------------------------------------------------------------------------

    def blocks(self, nodes: list[Node]) -> list[str]:
        out: list[str] = []
        run: list[Node] = []

        def flush() -> None:
            if run:
                text = self.inline(run)
                if text:
                    out.append(_escape_leading(text))
                run.clear()

        for n in nodes:
            if _is_block(n):
                flush()
                out.extend(self.block(n))
            else:
                run.append(n)
        flush()
        return out

    def block(self, n: Node) -> list[str]:
        tag = n.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = self.inline(n.children).replace("\\\n", " ")
            return [f"{'#' * int(tag[1])} {text}"] if text else []
        if tag == "p" or tag == "summary" or tag == "figcaption":
            text = self.inline(n.children)
            if not text:
                return []
            text = _escape_leading(text)
            return [f"**{text}**" if tag == "summary" else text]
        if tag in ("ul", "ol"):
            return ["\n".join(self.list_lines(n, 0))]
        if tag == "table":
            return [self.table(n)]
        if tag in ("blockquote", "aside"):
            inner = "\n\n".join(self.blocks(n.children))
            return ["\n".join(("> " + line) if line else ">" for line in inner.split("\n"))]
        if tag == "hr":
            return ["---"]
        if tag == "pre":
            return ["```\n" + "".join(_raw_text(n)).strip("\n") + "\n```"]
        if tag == "dl":
            out = []
            for c in n.children:
                if c.tag == "dt":
                    out.append(f"**{self.inline(c.children)}**")
                elif c.tag == "dd":
                    out.extend(self.blocks(c.children))
            return out
        return self.blocks(n.children)

    def list_lines(self, n: Node, depth: int) -> list[str]:
        lines: list[str] = []
        number = 0
        for li in n.children:
            if li.tag != "li":
                continue
            number += 1
            marker = f"{number}." if n.tag == "ol" else "-"
            indent = "   " * depth
            inline_nodes = [c for c in li.children if c.tag not in ("ul", "ol")]
            text = " ".join(b.replace("\n", " ") for b in self.blocks(inline_nodes))
            lines.append(f"{indent}{marker} {text}".rstrip())
            for sub in li.children:
                if sub.tag in ("ul", "ol"):
                    lines.extend(self.list_lines(sub, depth + 1))
        return lines

    def table(self, n: Node) -> str:
        rows: list[tuple[list[str], bool]] = []
        for tr in n.find_all("tr"):
            cells = [c for c in tr.children if c.tag in ("td", "th")]
            self.in_table = True
            try:
                texts = []
                for c in cells:
                    t = self.inline(c.children)
                    t = re.sub(r"(<br>)+", "<br>", t).strip()
                    t = re.sub(r"^(<br>)|(<br>)$", "", t)
                    texts.append(t.replace("\n", " "))
            finally:
                self.in_table = False
            rows.append((texts, all(c.tag == "th" for c in cells)))
        if not rows:
            return ""
        width = max(len(r) for r, _ in rows)
        header, rest = (rows[0][0], rows[1:]) if rows[0][1] else ([""] * width, rows)
        lines = [
            "| " + " | ".join(header + [""] * (width - len(header))) + " |",
            "|" + "|".join(["---"] * width) + "|",
        ]
        for cells, _ in rest:
            lines.append("| " + " | ".join(cells + [""] * (width - len(cells))) + " |")
        return "\n".join(lines)


def _emphasis(core: str, marker: str, tag: str) -> str:
    """``**x**``, or ``<strong>x</strong>`` where CommonMark would not see the delimiters.

    A delimiter run next to punctuation only counts when whitespace or punctuation is on its
    other side, which Chinese text (no spaces) rarely has: ``**草稿。**本`` stays literal.
    """
    if not core:
        return ""
    if unicodedata.category(core[0]).startswith("P") or unicodedata.category(core[-1]).startswith("P"):
        return f"<{tag}>{core}</{tag}>"
    return f"{marker}{core}{marker}"


def _raw_text(n: Node) -> list[str]:
    if n.tag == "#text":
        return [n.text]
    return [t for c in n.children for t in _raw_text(c)]


def to_markdown(root: Node) -> str:
    """Convert a parsed document body to Markdown (blocks separated by blank lines)."""
    blocks = [b for b in _Writer().blocks(root.children) if b.strip()]
    return "\n\n".join(blocks).rstrip() + "\n"
