"""A small element tree from the HTML a document template rendered.

Each document's prose exists once per language, as an HTML template. The Markdown and DOCX
writers walk this tree instead of having templates of their own, so a legal text edited in one
place is the same in every format. Only ``<body>`` content matters; ``<head>``, ``<style>``,
``<script>`` and elements marked ``data-format="html"`` (page chrome such as a table of contents
that only makes sense on the web) are dropped. Elements marked ``data-format="print"`` appear in
Markdown and DOCX only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Node", "parse_html", "text_of"]

_VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "col", "source"}
_DROP = {"head", "style", "script", "template", "noscript"}


@dataclass
class Node:
    tag: str  # "#text" for text nodes
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, tag: str) -> list[Node]:
        out = []
        for c in self.children:
            if c.tag == tag:
                out.append(c)
            out.extend(c.find_all(tag))
        return out

    def find(self, tag: str) -> Node | None:
        found = self.find_all(tag)
        return found[0] if found else None


class _Builder(HTMLParser):
    def __init__(self, target_format: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]
        self.skip = 0
        self.target_format = target_format

    def _dropped(self, tag: str, attrs: dict[str, str]) -> bool:
        fmt = attrs.get("data-format")
        if fmt == "html" and self.target_format != "html":
            return True
        if fmt == "print" and self.target_format == "html":
            return True
        return tag in _DROP

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if self.skip:
            if tag not in _VOID:
                self.skip += 1
            return
        if self._dropped(tag, a):
            if tag not in _VOID:
                self.skip = 1
            return
        node = Node(tag, a)
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if self.skip or self._dropped(tag, a):
            return
        self.stack[-1].children.append(Node(tag, a))

    def handle_endtag(self, tag):
        if self.skip:
            self.skip -= 1
            return
        if tag in _VOID:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self.skip or not data:
            return
        self.stack[-1].children.append(Node("#text", text=data))


def parse_html(html: str, target_format: str = "md") -> Node:
    """Parse rendered HTML; return the ``<body>`` (or the whole document when there is none)."""
    b = _Builder(target_format)
    b.feed(html)
    b.close()
    body = b.root.find("body")
    return body or b.root


def text_of(node: Node) -> str:
    """All text inside a node, whitespace collapsed (what a table cell or heading says)."""
    parts: list[str] = []

    def walk(n: Node) -> None:
        if n.tag == "#text":
            parts.append(n.text)
        elif n.tag == "br":
            parts.append("\n")
        else:
            for c in n.children:
                walk(c)

    walk(node)
    return " ".join(" ".join(line.split()) for line in "".join(parts).split("\n")).strip()
