"""The string pool chunk shared by binary XML (AXML) and ``resources.arsc``.

Strings are decoded on first use only: a hostile manifest can declare a pool of millions of
strings, and the reader must stay fast and bounded, so the constructor validates the offsets
table against the chunk size and nothing more.
"""

from __future__ import annotations

import struct

__all__ = ["ResError", "StringPool", "CHUNK_HEADER"]

CHUNK_HEADER = struct.Struct("<HHL")  # type, header size, total size
_POOL = struct.Struct("<5L")  # stringCount, styleCount, flags, stringsStart, stylesStart
_UTF8_FLAG = 0x100


class ResError(ValueError):
    """A binary resource (manifest, resource table) is malformed; the message says where."""


class StringPool:
    """A lazily decoded ``ResStringPool`` located at ``offset`` in ``data``."""

    __slots__ = ("_data", "_offsets_at", "count", "_utf8", "_strings_at", "_end", "_cache")

    def __init__(self, data: bytes, offset: int) -> None:
        if offset + 28 > len(data):
            raise ResError("string pool header cut short")
        _type, header_size, size = CHUNK_HEADER.unpack_from(data, offset)
        end = offset + size
        if size < 28 or end > len(data) or header_size < 28:
            raise ResError("string pool chunk has an invalid size")
        count, _styles, flags, strings_start, _styles_start = _POOL.unpack_from(data, offset + 8)
        offsets_at = offset + header_size
        if offsets_at + 4 * count > end:
            raise ResError(f"string pool declares {count} strings but its chunk is too small")
        self._data = data
        self._offsets_at = offsets_at
        self.count = count
        self._utf8 = bool(flags & _UTF8_FLAG)
        self._strings_at = offset + strings_start
        self._end = end
        self._cache: dict[int, str] = {}

    def __len__(self) -> int:
        return self.count

    def get(self, index: int) -> str | None:
        """The string at ``index``, or None for an index that is out of range or unreadable."""
        if index < 0 or index >= self.count:
            return None
        hit = self._cache.get(index)
        if hit is not None:
            return hit
        try:
            s = self._decode(index)
        except (ResError, struct.error, IndexError):
            return None
        self._cache[index] = s
        return s

    def _decode(self, index: int) -> str:
        data = self._data
        (rel,) = struct.unpack_from("<L", data, self._offsets_at + 4 * index)
        p = self._strings_at + rel
        if p >= self._end:
            raise ResError("string offset past the pool")
        if self._utf8:
            # UTF-16 length (1 or 2 bytes), then UTF-8 byte length (1 or 2 bytes), then bytes.
            n = data[p]
            p += 2 if n & 0x80 else 1
            n = data[p]
            if n & 0x80:
                n = ((n & 0x7F) << 8) | data[p + 1]
                p += 2
            else:
                p += 1
            if p + n > self._end:
                raise ResError("string runs past the pool")
            return bytes(data[p:p + n]).decode("utf-8", "replace")
        (n,) = struct.unpack_from("<H", data, p)
        p += 2
        if n & 0x8000:
            (lo,) = struct.unpack_from("<H", data, p)
            n = ((n & 0x7FFF) << 16) | lo
            p += 2
        if p + 2 * n > self._end:
            raise ResError("string runs past the pool")
        return bytes(data[p:p + 2 * n]).decode("utf-16-le", "replace")
