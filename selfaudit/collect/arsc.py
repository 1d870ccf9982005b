"""A reader for ``resources.arsc``: just what an audit needs from the resource table.

An audit needs three things from resources: the app label (``@string/app_name`` in the manifest),
the string resources of the default and Chinese locales (privacy-policy links, consent-dialog
wording, the operator's name), and readable names for other references (``@xml/network_security_config``).
So the constructor only walks chunk headers and records where each ``string`` (and other) type
chunk lives; entries are decoded on request. Values that are not plain strings stay unresolved.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from selfaudit.collect.respool import CHUNK_HEADER, ResError, StringPool

__all__ = ["ResourceTable", "ResError", "locale_of"]

_TABLE = 0x0002
_STRING_POOL = 0x0001
_PACKAGE = 0x0200
_TYPE = 0x0201
_TYPE_SPEC = 0x0202

_NO_ENTRY32 = 0xFFFFFFFF
_FLAG_SPARSE = 0x01
_FLAG_OFFSET16 = 0x02
_ENTRY_COMPLEX = 0x0001
_ENTRY_COMPACT = 0x0008

TYPE_REFERENCE = 0x01
TYPE_STRING = 0x03


@dataclass(frozen=True)
class _TypeChunk:
    type_id: int
    locale: str  # "" for the default locale
    offset: int  # chunk start
    header_size: int
    flags: int
    entry_count: int
    entries_start: int
    end: int


class _Package:
    __slots__ = ("id", "name", "types", "keys", "chunks")

    def __init__(self, pid: int, name: str, types: StringPool | None, keys: StringPool | None):
        self.id = pid
        self.name = name
        self.types = types
        self.keys = keys
        self.chunks: dict[int, list[_TypeChunk]] = {}


def _unpack_code(b0: int, b1: int, base: str) -> str:
    if b0 == 0:
        return ""
    if b0 & 0x80:  # packed three-letter code
        first = b1 & 0x1F
        second = ((b1 & 0xE0) >> 5) + ((b0 & 0x03) << 3)
        third = (b0 & 0x7C) >> 2
        return "".join(chr(ord(base) + c) for c in (first, second, third))
    return chr(b0) + (chr(b1) if b1 else "")


def locale_of(data: bytes, config_at: int, config_size: int) -> str:
    """BCP-47-ish locale of a ``ResTable_config`` (``zh``, ``zh-CN``, ``zh-Hant-TW``); "" if none."""
    if config_size < 12:
        return ""
    lang = _unpack_code(data[config_at + 8], data[config_at + 9], "a")
    if not lang:
        return ""
    region = _unpack_code(data[config_at + 10], data[config_at + 11], "0")
    script = ""
    if config_size >= 40:
        raw = bytes(data[config_at + 36:config_at + 40]).rstrip(b"\0")
        if raw.isalpha():
            script = raw.decode("ascii")
    return "-".join(p for p in (lang, script, region) if p)


class ResourceTable:
    """Index of a ``resources.arsc`` held in ``data``; raises :class:`ResError` when malformed."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.packages: dict[int, _Package] = {}
        self.strings_pool: StringPool | None = None
        n = len(data)
        if n < 12:
            raise ResError("resources.arsc is too short")
        rtype, hsize, size = CHUNK_HEADER.unpack_from(data, 0)
        if rtype != _TABLE or hsize < 12 or size > n + 16:
            raise ResError("resources.arsc does not start with a resource table")
        end = min(size, n)
        p = hsize
        while p + 8 <= end:
            ctype, chsize, csize = CHUNK_HEADER.unpack_from(data, p)
            if csize < 8 or p + csize > end or chsize > csize:
                raise ResError(f"resources.arsc: chunk at {p} has an invalid size")
            if ctype == _STRING_POOL and self.strings_pool is None:
                self.strings_pool = StringPool(data, p)
            elif ctype == _PACKAGE:
                self._read_package(p, chsize, csize)
            p += csize

    def _read_package(self, p: int, hsize: int, size: int) -> None:
        data = self._data
        if hsize < 0x11C:
            raise ResError("resources.arsc: package header too small")
        (pid,) = struct.unpack_from("<L", data, p + 8)
        name = bytes(data[p + 12:p + 12 + 256]).decode("utf-16-le", "replace").split("\0", 1)[0]
        type_strings, _last_type, key_strings, _last_key = struct.unpack_from("<4L", data, p + 268)
        types = StringPool(data, p + type_strings) if type_strings and type_strings < size else None
        keys = StringPool(data, p + key_strings) if key_strings and key_strings < size else None
        pkg = _Package(pid & 0xFF, name, types, keys)
        self.packages.setdefault(pkg.id, pkg)
        q = p + hsize
        end = p + size
        while q + 8 <= end:
            ctype, chsize, csize = CHUNK_HEADER.unpack_from(data, q)
            if csize < 8 or q + csize > end:
                raise ResError(f"resources.arsc: chunk at {q} has an invalid size")
            if ctype == _TYPE and chsize >= 20 and q + chsize <= q + csize:
                type_id, flags, _res, count, start = struct.unpack_from("<BBHLL", data, q + 8)
                (cfg_size,) = struct.unpack_from("<L", data, q + 20) if chsize >= 24 else (0,)
                cfg_size = min(cfg_size, chsize - 20)
                chunk = _TypeChunk(type_id, locale_of(data, q + 20, cfg_size), q, chsize, flags,
                                   count, start, q + csize)
                pkg.chunks.setdefault(type_id, []).append(chunk)
            q += csize

    # -- entries ---------------------------------------------------------------------------

    def _entry_offset(self, c: _TypeChunk, index: int) -> int | None:
        data = self._data
        table = c.offset + c.header_size
        if c.flags & _FLAG_SPARSE:
            lo, hi = 0, c.entry_count
            while lo < hi:  # sorted (index u16, offset/4 u16) pairs
                mid = (lo + hi) // 2
                at = table + 4 * mid
                if at + 4 > c.end:
                    return None
                idx, off4 = struct.unpack_from("<HH", data, at)
                if idx == index:
                    return c.offset + c.entries_start + off4 * 4
                if idx < index:
                    lo = mid + 1
                else:
                    hi = mid
            return None
        if index >= c.entry_count:
            return None
        if c.flags & _FLAG_OFFSET16:
            at = table + 2 * index
            if at + 2 > c.end:
                return None
            (off,) = struct.unpack_from("<H", data, at)
            return None if off == 0xFFFF else c.offset + c.entries_start + off * 4
        at = table + 4 * index
        if at + 4 > c.end:
            return None
        (off,) = struct.unpack_from("<L", data, at)
        return None if off == _NO_ENTRY32 else c.offset + c.entries_start + off

    def _entry_offsets(self, c: _TypeChunk):
        """Offsets of every present entry of a type chunk, in index order."""
        data = self._data
        table = c.offset + c.header_size
        base = c.offset + c.entries_start
        if c.flags & _FLAG_SPARSE:
            n = min(c.entry_count, (c.end - table) // 4)
            for i in range(n):
                yield base + 4 * struct.unpack_from("<HH", data, table + 4 * i)[1]
        elif c.flags & _FLAG_OFFSET16:
            n = min(c.entry_count, (c.end - table) // 2)
            for (off,) in struct.iter_unpack("<H", data[table:table + 2 * n]):
                if off != 0xFFFF:
                    yield base + off * 4
        else:
            n = min(c.entry_count, (c.end - table) // 4)
            for (off,) in struct.iter_unpack("<L", data[table:table + 4 * n]):
                if off != _NO_ENTRY32:
                    yield base + off

    def _read_entry(self, c: _TypeChunk, at: int) -> tuple[int, int | None, int]:
        """(key index, value type or None for a bag, value data) of the entry at ``at``."""
        data = self._data
        if at + 8 > c.end:
            raise ResError("resources.arsc: entry past its chunk")
        esize, eflags, key = struct.unpack_from("<HHL", data, at)
        if eflags & _ENTRY_COMPACT:
            return esize, eflags >> 8, key
        if eflags & _ENTRY_COMPLEX:
            return key, None, 0
        v = at + esize
        if v + 8 > c.end:
            raise ResError("resources.arsc: value past its chunk")
        _vsize, _res0, vtype, vdata = struct.unpack_from("<HBBL", data, v)
        return key, vtype, vdata

    def _lookup(self, res_id: int, locale: str = "") -> tuple[_Package, _TypeChunk, tuple] | None:
        pkg = self.packages.get(res_id >> 24)
        if pkg is None:
            return None
        chunks = pkg.chunks.get((res_id >> 16) & 0xFF)
        if not chunks:
            return None
        index = res_id & 0xFFFF
        ordered = [c for c in chunks if c.locale == locale] + [c for c in chunks if c.locale != locale]
        for c in ordered:
            at = self._entry_offset(c, index)
            if at is not None:
                try:
                    return pkg, c, self._read_entry(c, at)
                except (ResError, struct.error):
                    continue
        return None

    def name(self, res_id: int) -> str | None:
        """``type/key`` of a resource ID (``string/app_name``), or None if unknown."""
        found = self._lookup(res_id)
        if found is None:
            return None
        pkg, c, (key, _t, _d) = found
        tname = pkg.types.get(c.type_id - 1) if pkg.types else None
        kname = pkg.keys.get(key) if pkg.keys else None
        if not tname or kname is None:
            return None
        return f"{tname}/{kname}"

    def resolve_string(self, res_id: int, locale: str = "") -> str | None:
        """The string value of a resource (following up to 8 references), or None."""
        for _ in range(8):
            found = self._lookup(res_id, locale)
            if found is None:
                return None
            _pkg, _c, (_key, vtype, vdata) = found
            if vtype == TYPE_STRING and self.strings_pool is not None:
                return self.strings_pool.get(vdata)
            if vtype != TYPE_REFERENCE:
                return None
            res_id = vdata
        return None

    def strings(self, locale_prefixes: tuple[str, ...] = ("zh",)) -> dict[str, str]:
        """String resources: default locale as ``name``, then ``name@locale`` for the given locales.

        Only ``string`` entries whose value is a plain string (or a reference to one) are kept;
        for a name defined in several configurations of one locale the first wins.
        """
        out: dict[str, str] = {}
        later: dict[str, str] = {}
        pool = self.strings_pool
        if pool is None:
            return out
        for pkg in self.packages.values():
            if pkg.types is None or pkg.keys is None:
                continue
            for type_id, chunks in pkg.chunks.items():
                if pkg.types.get(type_id - 1) != "string":
                    continue
                for c in chunks:
                    if c.locale and not c.locale.startswith(locale_prefixes):
                        continue
                    suffix = f"@{c.locale}" if c.locale else ""
                    target = later if c.locale else out
                    for at in self._entry_offsets(c):
                        try:
                            key, vtype, vdata = self._read_entry(c, at)
                        except (ResError, struct.error):
                            break
                        kname = pkg.keys.get(key)
                        if kname is None:
                            continue
                        name = kname + suffix
                        if name in target:
                            continue
                        if vtype == TYPE_STRING:
                            value = pool.get(vdata)
                        elif vtype == TYPE_REFERENCE:
                            value = self.resolve_string(vdata, c.locale)
                        else:
                            continue
                        if value is not None:
                            target[name] = value
        out.update(later)
        return out
