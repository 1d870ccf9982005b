"""Safe, line-numbered XML for source mode (manifests, ``strings.xml``, AAR manifests).

expat directly rather than ElementTree: every element keeps its line (evidence must say
``file:line``), comments are kept (inline suppressions ``<!-- selfaudit: ignore[rule] why -->``),
and nothing outside the document is ever read. Entity declarations are refused outright (no
"billion laughs"), parameter entities are never parsed and expat never fetches external
entities unless a handler asks it to, which we never install.
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field

__all__ = ["ANDROID", "TOOLS", "XmlElement", "XmlError", "parse_xml"]

ANDROID = "http://schemas.android.com/apk/res/android"
TOOLS = "http://schemas.android.com/tools"


@dataclass
class XmlElement:
    """An element: namespaced attribute keys are ``"<uri> <name>"``; ``line`` is 1-based."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[XmlElement] = field(default_factory=list)
    text: str = ""

    def find_all(self, tag: str) -> list[XmlElement]:
        return [c for c in self.children if c.tag == tag]

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()

    def a(self, name: str) -> str | None:
        """An ``android:`` attribute."""
        return self.attrs.get(f"{ANDROID} {name}")

    def tools(self, name: str) -> str | None:
        """A ``tools:`` attribute (manifest-merger instructions)."""
        return self.attrs.get(f"{TOOLS} {name}")

    def android_attrs(self) -> dict[str, str]:
        """The ``android:`` attributes by short name (what :class:`Component.attributes` holds)."""
        prefix = ANDROID + " "
        return {k[len(prefix):]: v for k, v in self.attrs.items() if k.startswith(prefix)}


class XmlError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def parse_xml(data: bytes, comments: list[tuple[int, str]] | None = None, keep_text: bool = False) -> XmlElement:
    """Parse a document; comments go to ``comments`` as (line, text) when a list is given."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[XmlElement] = []
    root: list[XmlElement] = []

    def start(tag, attrs):
        el = XmlElement(tag=tag, attrs=attrs, line=parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(el)
        else:
            root.append(el)
        stack.append(el)

    def end(_tag):
        stack.pop()

    def chars(data):
        if stack:
            stack[-1].text += data

    def no_entities(*_args):
        raise XmlError("entity declarations are not allowed", parser.CurrentLineNumber)

    def comment(data):
        if comments is not None:
            comments.append((parser.CurrentLineNumber, data))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = no_entities
    parser.CommentHandler = comment
    if keep_text:
        parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise XmlError(xml.parsers.expat.ErrorString(exc.code), exc.lineno) from None
    if not root:
        raise XmlError("empty document", None)
    return root[0]
