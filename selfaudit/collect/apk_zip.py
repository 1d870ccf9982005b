"""A small, defensive ZIP reader for APKs and split bundles.

Why not :mod:`zipfile`: an APK comes from outside, and the reader must (a) bound what it inflates
whatever the headers claim (zip bombs), (b) read entries the way Android does (the central
directory is the truth; the "encrypted" flag some packers set is ignored by the platform),
(c) expose where the central directory starts, because the APK Signing Block sits right before
it, and (d) fail with one line naming the file. Every problem raises :class:`ZipError`; the
collector turns it into an ``InputError``.
"""

from __future__ import annotations

import mmap
import os
import struct
import zlib
from dataclasses import dataclass

__all__ = ["ZipError", "ZipEntry", "ZipArchive", "MAX_ENTRY_SIZE"]

#: Largest uncompressed entry we inflate (a DEX file is far below; a bomb is far above).
MAX_ENTRY_SIZE = 512 * 1024 * 1024
#: Largest plausible ratio of uncompressed to compressed size for a big entry. DEFLATE cannot
#: exceed about 1032:1; real APK entries stay under 20:1 except long runs of zeros.
MAX_RATIO = 200
_RATIO_FLOOR = 8 * 1024 * 1024  # only entries larger than this are ratio-checked
MAX_ENTRIES = 200_000

_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOC = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_CDIR = struct.Struct("<4s6H3L5H2L")
_LOCAL = struct.Struct("<4s5H3L2H")


class ZipError(ValueError):
    """The archive cannot be read; the message says why (without the file name)."""


@dataclass(frozen=True)
class ZipEntry:
    name: str
    method: int
    flags: int
    crc: int
    compressed_size: int
    size: int
    header_offset: int


class ZipArchive:
    """Entries of a ZIP held in memory (``bytes``) or mapped from a file.

    ``entries`` keeps central-directory order; ``get(name)`` returns the first entry of that name,
    as Android's installer would (it rejects duplicates nowadays; we warn instead, see
    ``duplicates``).
    """

    def __init__(self, data: bytes | mmap.mmap, *, owner=None) -> None:
        self._data = data
        self._owner = owner  # keeps the file object of an mmap alive
        self.entries: list[ZipEntry] = []
        self.by_name: dict[str, ZipEntry] = {}
        self.duplicates: list[str] = []
        self.cd_offset = 0
        self._parse()

    # -- construction --------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike) -> ZipArchive:
        """Map a file read-only; raises ``OSError`` if it cannot be opened, ZipError if not a zip."""
        fh = open(path, "rb")
        try:
            size = os.fstat(fh.fileno()).st_size
            if size < _EOCD.size:
                raise ZipError("not a ZIP/APK file (too short)")
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except BaseException:
            fh.close()
            raise
        return cls(data, owner=fh)

    def close(self) -> None:
        if isinstance(self._data, mmap.mmap):
            self._data.close()
        if self._owner is not None:
            self._owner.close()

    def __enter__(self) -> ZipArchive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def size(self) -> int:
        return len(self._data)

    def _parse(self) -> None:
        data = self._data
        n = len(data)
        if n < _EOCD.size:
            raise ZipError("not a ZIP/APK file (too short)")
        tail_start = max(0, n - (0xFFFF + _EOCD.size))
        pos = data.rfind(b"PK\x05\x06", tail_start)
        if pos < 0:
            if data[:4] == b"PK\x03\x04":
                raise ZipError("truncated ZIP: end of central directory not found")
            raise ZipError("not a ZIP/APK file (no end of central directory)")
        if pos + _EOCD.size > n:
            raise ZipError("truncated ZIP: end of central directory cut short")
        _, _disk, _cd_disk, _n_disk, count, cd_size, cd_off, _clen = _EOCD.unpack_from(data, pos)
        if cd_off == 0xFFFFFFFF or count == 0xFFFF:
            loc = pos - _EOCD64_LOC.size
            if loc >= 0 and data[loc:loc + 4] == b"PK\x06\x07":
                _, _, off64, _ = _EOCD64_LOC.unpack_from(data, loc)
                if off64 + _EOCD64.size > n or data[off64:off64 + 4] != b"PK\x06\x06":
                    raise ZipError("corrupt ZIP64 end of central directory")
                fields = _EOCD64.unpack_from(data, off64)
                count, cd_size, cd_off = fields[7], fields[8], fields[9]
        if cd_off + cd_size > n:
            raise ZipError("truncated ZIP: central directory lies past the end of the file")
        if count > MAX_ENTRIES:
            raise ZipError(f"too many ZIP entries ({count})")
        self.cd_offset = cd_off
        p = cd_off
        end = cd_off + cd_size
        for _ in range(count):
            if p + _CDIR.size > end:
                raise ZipError("corrupt ZIP central directory (entry cut short)")
            (sig, _vm, _vn, flags, method, _t, _d, crc, csize, usize, nlen, xlen, clen,
             _ds, _ia, _ea, hoff) = _CDIR.unpack_from(data, p)
            if sig != b"PK\x01\x02":
                raise ZipError("corrupt ZIP central directory (bad entry signature)")
            raw = bytes(data[p + 46:p + 46 + nlen])
            if xlen and (usize == 0xFFFFFFFF or csize == 0xFFFFFFFF or hoff == 0xFFFFFFFF):
                usize, csize, hoff = _zip64_extra(bytes(data[p + 46 + nlen:p + 46 + nlen + xlen]),
                                                  usize, csize, hoff)
            p += 46 + nlen + xlen + clen
            try:
                name = raw.decode("utf-8")
            except UnicodeDecodeError:
                name = raw.decode("cp437")
            entry = ZipEntry(name, method, flags, crc, csize, usize, hoff)
            self.entries.append(entry)
            if name in self.by_name:
                self.duplicates.append(name)
            else:
                self.by_name[name] = entry

    # -- reading -------------------------------------------------------------------------

    def names(self) -> list[str]:
        return [e.name for e in self.entries]

    def get(self, name: str) -> ZipEntry | None:
        return self.by_name.get(name)

    def read(self, entry: ZipEntry | str, limit: int = MAX_ENTRY_SIZE) -> bytes:
        """Inflate one entry, never producing more than ``limit`` bytes (else ZipError)."""
        if isinstance(entry, str):
            found = self.by_name.get(entry)
            if found is None:
                raise ZipError(f"no entry {entry!r}")
            entry = found
        data = self._data
        if entry.size > limit:
            raise ZipError(f"entry {entry.name} is too large ({entry.size} bytes uncompressed)")
        if (entry.size > _RATIO_FLOOR and entry.compressed_size
                and entry.size > MAX_RATIO * entry.compressed_size):
            raise ZipError(f"entry {entry.name} looks like a zip bomb "
                           f"({entry.compressed_size} → {entry.size} bytes)")
        h = entry.header_offset
        if h + _LOCAL.size > len(data):
            raise ZipError(f"entry {entry.name}: local header lies past the end of the file")
        sig, _v, _f, _m, _t, _d, _crc, _cs, _us, nlen, xlen = _LOCAL.unpack_from(data, h)
        if sig != b"PK\x03\x04":
            raise ZipError(f"entry {entry.name}: bad local header")
        start = h + _LOCAL.size + nlen + xlen
        stop = start + entry.compressed_size
        if stop > len(data):
            raise ZipError(f"entry {entry.name} is truncated")
        if entry.method == 0:
            if entry.compressed_size != entry.size:
                raise ZipError(f"entry {entry.name}: stored entry with inconsistent sizes")
            return bytes(data[start:stop])
        if entry.method != 8:
            raise ZipError(f"entry {entry.name}: unsupported compression method {entry.method}")
        # Inflate from a view of the map: no copy of the compressed bytes.
        base = memoryview(data)
        view = base[start:stop]
        try:
            d = zlib.decompressobj(-15)
            cap = min(limit, max(entry.size, 0)) + 1
            out = d.decompress(view, cap)
        except zlib.error as exc:
            raise ZipError(f"entry {entry.name} is corrupt ({exc})") from None
        finally:
            view.release()
            base.release()
        if len(out) != entry.size:
            if len(out) > entry.size:
                raise ZipError(f"entry {entry.name} inflates past its declared size (zip bomb?)")
            raise ZipError(f"entry {entry.name} is truncated or corrupt "
                           f"({len(out)} of {entry.size} bytes)")
        return out

    def raw_range(self, start: int, stop: int) -> bytes:
        """Bytes of the file itself (for the APK Signing Block before the central directory)."""
        if start < 0 or stop > len(self._data) or start > stop:
            raise ZipError("range outside the file")
        return bytes(self._data[start:stop])


def _zip64_extra(extra: bytes, usize: int, csize: int, hoff: int) -> tuple[int, int, int]:
    p = 0
    while p + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, p)
        if tag == 1:
            q = p + 4
            vals = []
            while q + 8 <= p + 4 + size:
                vals.append(struct.unpack_from("<Q", extra, q)[0])
                q += 8
            it = iter(vals)
            if usize == 0xFFFFFFFF:
                usize = next(it, usize)
            if csize == 0xFFFFFFFF:
                csize = next(it, csize)
            if hoff == 0xFFFFFFFF:
                hoff = next(it, hoff)
            break
        p += 4 + size
    return usize, csize, hoff
