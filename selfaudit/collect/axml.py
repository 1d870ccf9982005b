"""A reader for Android binary XML (AXML), the format of ``AndroidManifest.xml`` inside an APK.

It builds a small element tree. Attribute names are resolved **by resource ID, as Android does**:
the package manager looks attributes up by ID (``0x01010003`` is ``android:name``) whatever the
namespace URI or name string in the file says, so a manifest with an odd namespace still grants
its permissions (perf-baseline section C). Strings are decoded lazily and every offset is checked,
so a hostile manifest (a huge string pool, chunks pointing outside the file) fails fast with a
:class:`ResError`, never a traceback.

Attribute keys: ``android:<name>`` for framework attributes, the bare name for attributes without
a namespace (``package``), ``{uri}name`` for other namespaces. Values are strings in the form
``aapt dump xmltree`` and apktool print: ``true``/``false``, decimal integers, ``0x…`` for hex,
``@7f0b0001`` for references (resolved later by the caller when a resource table is available).
"""

from __future__ import annotations

import struct

from selfaudit.collect.android_attrs import attr_name
from selfaudit.collect.respool import CHUNK_HEADER, ResError, StringPool

__all__ = ["Element", "parse_axml", "ResError", "ANDROID_NS"]

ANDROID_NS = "http://schemas.android.com/apk/res/android"

_XML = 0x0003
_STRING_POOL = 0x0001
_RESOURCE_MAP = 0x0180
_START_ELEMENT = 0x0102
_END_ELEMENT = 0x0103

_ATTR_EXT = struct.Struct("<LLHHHHHH")  # ns, name, attrStart, attrSize, attrCount, id, class, style
_ATTR = struct.Struct("<LLLHBBL")  # ns, name, rawValue, size, res0, dataType, data
_NO_INDEX = 0xFFFFFFFF

#: Deepest element nesting we accept (real manifests stay under 10).
MAX_DEPTH = 256
#: Most elements we build (a real manifest has a few thousand at most).
MAX_ELEMENTS = 500_000

TYPE_NULL = 0x00
TYPE_REFERENCE = 0x01
TYPE_ATTRIBUTE = 0x02
TYPE_STRING = 0x03
TYPE_FLOAT = 0x04
TYPE_DIMENSION = 0x05
TYPE_FRACTION = 0x06
TYPE_INT_DEC = 0x10
TYPE_INT_HEX = 0x11
TYPE_INT_BOOLEAN = 0x12

_DIM_UNITS = ("px", "dp", "sp", "pt", "in", "mm")
_RADIX = (1.0 / (1 << 8), 1.0 / (1 << 15), 1.0 / (1 << 23), 1.0 / (1 << 31))


class Element:
    """One XML element: tag, attributes (see module doc for the key form), children, line."""

    __slots__ = ("tag", "attrs", "children", "line", "refs")

    def __init__(self, tag: str, attrs: dict[str, str], line: int) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[Element] = []
        self.line = line
        #: attribute key → resource ID, for reference values (so callers can resolve them).
        self.refs: dict[str, int] = {}

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.attrs.get(key, default)

    def android(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get("android:" + name, default)

    def iter(self, tag: str | None = None):
        """This element and its descendants in document order, optionally filtered by tag."""
        stack = [self]
        while stack:
            e = stack.pop()
            if tag is None or e.tag == tag:
                yield e
            stack.extend(reversed(e.children))

    def findall(self, tag: str) -> list[Element]:
        return [c for c in self.children if c.tag == tag]

    def __repr__(self) -> str:
        return f"<Element {self.tag} {len(self.attrs)} attrs, {len(self.children)} children>"


def format_value(vtype: int, data: int, pool: StringPool, raw: int) -> str:
    """Render a typed value the way ``aapt dump`` / apktool do."""
    if vtype == TYPE_STRING:
        s = pool.get(data)
        return s if s is not None else ""
    if vtype == TYPE_INT_BOOLEAN:
        return "true" if data else "false"
    if vtype == TYPE_INT_DEC:
        return str(data - (1 << 32) if data & 0x80000000 else data)
    if vtype == TYPE_INT_HEX:
        return f"0x{data:08x}"
    if vtype == TYPE_REFERENCE:
        return f"@{data:08x}" if data else "@null"
    if vtype == TYPE_ATTRIBUTE:
        return f"?{data:08x}"
    if vtype == TYPE_FLOAT:
        return repr(struct.unpack("<f", struct.pack("<L", data))[0])
    if vtype == TYPE_DIMENSION:
        return _complex(data) + (_DIM_UNITS[data & 0xF] if (data & 0xF) < 6 else "")
    if vtype == TYPE_FRACTION:
        return _complex(data) + ("%p" if data & 0xF else "%")
    if 0x1C <= vtype <= 0x1F:
        return f"#{data:08x}"
    if vtype == TYPE_NULL:
        s = pool.get(raw) if raw != _NO_INDEX else None
        return s or ""
    return f"0x{data:08x}"


def _complex(data: int) -> str:
    mantissa = (data >> 8) & 0xFFFFFF
    if mantissa & 0x800000:
        mantissa -= 1 << 24
    return f"{mantissa * _RADIX[(data >> 4) & 3]:g}"


def parse_axml(data: bytes) -> Element:
    """Parse binary XML; return the root element. Raises :class:`ResError` when malformed."""
    n = len(data)
    if n < 8:
        raise ResError("binary XML is too short")
    xtype, hsize, size = CHUNK_HEADER.unpack_from(data, 0)
    if xtype != _XML:
        if data[:5] == b"<?xml" or data.lstrip()[:1] == b"<":
            raise ResError("is a text XML file, not compiled binary XML")
        raise ResError("not a binary XML document")
    end = min(size, n) if size >= 8 else n
    pool: StringPool | None = None
    resmap: tuple[int, ...] = ()
    root: Element | None = None
    stack: list[Element] = []
    count = 0
    p = hsize if 8 <= hsize < end else 8
    while p + 8 <= end:
        ctype, chsize, csize = CHUNK_HEADER.unpack_from(data, p)
        if csize < 8 or p + csize > end:
            # Android stops at a broken trailing chunk; so do we once the root is complete.
            if root is not None and not stack:
                break
            raise ResError(f"binary XML chunk at offset {p} has an invalid size")
        if ctype == _STRING_POOL:
            if pool is None:
                pool = StringPool(data, p)
        elif ctype == _RESOURCE_MAP:
            k = (csize - chsize) // 4
            resmap = struct.unpack_from(f"<{k}L", data, p + chsize) if k > 0 else ()
        elif ctype == _START_ELEMENT:
            if pool is None:
                raise ResError("binary XML element before the string pool")
            if p + chsize + _ATTR_EXT.size > p + csize:
                raise ResError(f"binary XML element at offset {p} is cut short")
            (line,) = struct.unpack_from("<L", data, p + 8)
            ext = p + chsize
            _ns, name, astart, asize, acount, _i, _c, _s = _ATTR_EXT.unpack_from(data, ext)
            if asize < 20 or ext + astart + asize * acount > p + csize:
                raise ResError(f"binary XML element at offset {p} has attributes past its end")
            tag = pool.get(name) or ""
            el = Element(tag, {}, line)
            by_id: set[str] = set()
            a = ext + astart
            for _ in range(acount):
                a_ns, a_name, a_raw, _sz, _r0, vtype, vdata = _ATTR.unpack_from(data, a)
                a += asize
                key = None
                rid = resmap[a_name] if a_name < len(resmap) else 0
                if rid >> 16 == 0x0101:
                    fw = attr_name(rid)
                    if fw is not None:
                        key = "android:" + fw
                        by_id.add(key)
                if key is None:
                    local = pool.get(a_name) or ""
                    if a_ns == _NO_INDEX:
                        key = local
                    else:
                        uri = pool.get(a_ns) or ""
                        key = f"android:{local}" if (uri == ANDROID_NS or rid >> 16 == 0x0101) else f"{{{uri}}}{local}"
                        if key in by_id:  # resolved by ID already: the ID wins
                            continue
                el.attrs[key] = format_value(vtype, vdata, pool, a_raw)
                if vtype == TYPE_REFERENCE and vdata:
                    el.refs[key] = vdata
            count += 1
            if count > MAX_ELEMENTS:
                raise ResError(f"binary XML has more than {MAX_ELEMENTS} elements")
            if stack:
                stack[-1].children.append(el)
            elif root is None:
                root = el
            else:
                break  # a second root: Android ignores what follows the document
            stack.append(el)
            if len(stack) > MAX_DEPTH:
                raise ResError("binary XML is nested too deeply")
        elif ctype == _END_ELEMENT:
            if stack:
                stack.pop()
        p += csize
    if root is None:
        raise ResError("binary XML has no root element")
    return root
