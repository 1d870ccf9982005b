"""Which signature schemes an APK carries and who signed it, for the report header.

No verification: an audit of the team's own build wants to know *that* it is signed (v1 JAR
signature, v2/v3 APK Signing Block) and *by whom* (the certificate subject), not to re-check
cryptography. The DER walk below reads just enough of PKCS#7 / X.509 to find the subject, so the
APK path needs neither asn1crypto nor cryptography. Malformed data yields no subject, never an
exception.
"""

from __future__ import annotations

import re
import struct

from selfaudit.collect.apk_zip import ZipArchive, ZipError
from selfaudit.model import SigningInfo

__all__ = ["signing_info", "cert_subject"]

_V2_ID = 0x7109871A
_V3_ID = 0xF05368C0
_V31_ID = 0x1B93AD61
_MAGIC = b"APK Sig Block 42"
_V1_SIG = re.compile(r"^META-INF/[^/]+\.(RSA|DSA|EC)$", re.IGNORECASE)

_NAME_OIDS = {
    b"\x55\x04\x03": "CN", b"\x55\x04\x06": "C", b"\x55\x04\x07": "L", b"\x55\x04\x08": "ST",
    b"\x55\x04\x0a": "O", b"\x55\x04\x0b": "OU", b"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01": "E",
}


def _tlv(data: bytes, p: int, end: int) -> tuple[int, int, int]:
    """(tag, value start, value end) of the DER element at ``p``; ValueError when malformed."""
    if p + 2 > end:
        raise ValueError("DER cut short")
    tag = data[p]
    n = data[p + 1]
    p += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or p + k > end:
            raise ValueError("bad DER length")
        n = int.from_bytes(data[p:p + k], "big")
        p += k
    if p + n > end:
        raise ValueError("DER element past its parent")
    return tag, p, p + n


def _children(data: bytes, start: int, end: int):
    p = start
    while p < end:
        tag, s, e = _tlv(data, p, end)
        yield tag, s, e
        p = e


def _name(data: bytes, start: int, end: int) -> str:
    parts = []
    for _t, rs, re_ in _children(data, start, end):  # RDN SETs
        for _t2, a, b in _children(data, rs, re_):  # AttributeTypeAndValue
            kids = list(_children(data, a, b))
            if len(kids) != 2 or kids[0][0] != 0x06:
                continue
            oid = bytes(data[kids[0][1]:kids[0][2]])
            tag, vs, ve = kids[1]
            raw = bytes(data[vs:ve])
            value = raw.decode("utf-16-be", "replace") if tag == 0x1E else raw.decode("utf-8", "replace")
            parts.append(f"{_NAME_OIDS.get(oid, oid.hex())}={value}")
    return ", ".join(parts)


def cert_subject(der: bytes) -> str | None:
    """Subject of an X.509 certificate in DER, as ``CN=..., O=...``; None if unreadable."""
    try:
        _t, s, e = _tlv(der, 0, len(der))  # Certificate
        _t, ts, te = _tlv(der, s, e)  # tbsCertificate
        kids = list(_children(der, ts, te))
        if kids and kids[0][0] == 0xA0:  # explicit version
            kids = kids[1:]
        # serialNumber, signature, issuer, validity, subject
        if len(kids) < 5:
            return None
        _tag, ss, se = kids[4]
        return _name(der, ss, se) or None
    except (ValueError, IndexError):
        return None


def _pkcs7_certs(data: bytes) -> list[bytes]:
    """DER certificates inside a PKCS#7 SignedData (``META-INF/*.RSA``)."""
    try:
        _t, s, e = _tlv(data, 0, len(data))  # ContentInfo
        kids = list(_children(data, s, e))
        if len(kids) < 2 or kids[1][0] != 0xA0:
            return []
        _t, sd, sde = _tlv(data, kids[1][1], kids[1][2])  # SignedData SEQUENCE
        for tag, cs, ce in _children(data, sd, sde):
            if tag == 0xA0:  # certificates [0] IMPLICIT: a run of whole Certificate elements
                out = []
                p = cs
                while p < ce:
                    _t2, _a, b = _tlv(data, p, ce)
                    out.append(bytes(data[p:b]))
                    p = b
                return out
    except (ValueError, IndexError):
        pass
    return []


def _lp(data: bytes, p: int, end: int) -> tuple[int, int]:
    """A uint32-length-prefixed field of the APK Signing Block: (start, end)."""
    if p + 4 > end:
        raise ValueError("cut short")
    (n,) = struct.unpack_from("<L", data, p)
    if p + 4 + n > end:
        raise ValueError("field past its parent")
    return p + 4, p + 4 + n


def _block_certs(value: bytes) -> list[bytes]:
    """First certificate of each signer in a v2/v3 signature block value."""
    out = []
    try:
        ss, se = _lp(value, 0, len(value))  # signers
        p = ss
        while p < se:
            s, e = _lp(value, p, se)  # one signer
            p = e
            ds, de = _lp(value, s, e)  # signed data
            _dg_s, dg_e = _lp(value, ds, de)  # digests
            cs, ce = _lp(value, dg_e, de)  # certificates
            if cs < ce:
                c0, c1 = _lp(value, cs, ce)
                out.append(bytes(value[c0:c1]))
    except ValueError:
        pass
    return out


def _signing_block(zf: ZipArchive) -> dict[int, bytes]:
    cd = zf.cd_offset
    if cd < 32:
        return {}
    try:
        tail = zf.raw_range(cd - 24, cd)
        if tail[8:] != _MAGIC:
            return {}
        (size,) = struct.unpack_from("<Q", tail, 0)
        start = cd - size - 8
        if size < 24 or start < 0 or size > 64 * 1024 * 1024:
            return {}
        block = zf.raw_range(start, cd)
    except ZipError:
        return {}
    pairs: dict[int, bytes] = {}
    p, end = 8, len(block) - 24
    while p + 12 <= end:
        (n,) = struct.unpack_from("<Q", block, p)
        if n < 4 or p + 8 + n > end:
            break
        (pid,) = struct.unpack_from("<L", block, p + 8)
        pairs.setdefault(pid, block[p + 12:p + 8 + n])
        p += 8 + n
    return pairs


def signing_info(zf: ZipArchive) -> SigningInfo:
    """Schemes present (v1/v2/v3) and the certificate subjects of the signers."""
    info = SigningInfo()
    subjects: list[str] = []
    for entry in zf.entries:
        if _V1_SIG.match(entry.name):
            base = entry.name.rsplit(".", 1)[0]
            if zf.get(base + ".SF") is None and zf.get(base + ".sf") is None:
                continue
            info.v1 = True
            try:
                data = zf.read(entry, limit=4 * 1024 * 1024)
            except ZipError:
                continue
            for der in _pkcs7_certs(data)[:1]:
                s = cert_subject(der)
                if s:
                    subjects.append(s)
    block = _signing_block(zf)
    info.v2 = _V2_ID in block
    info.v3 = _V3_ID in block or _V31_ID in block
    for pid in (_V3_ID, _V2_ID):
        if pid in block and not subjects:
            for der in _block_certs(block[pid]):
                s = cert_subject(der)
                if s:
                    subjects.append(s)
    info.certificates = list(dict.fromkeys(subjects))
    return info
