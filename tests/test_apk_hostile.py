"""Hostile input: whatever arrives, the collector answers with facts or a one-line InputError,
within seconds and bounded memory, never a traceback."""

from __future__ import annotations

import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from pathlib import Path

import conftest
import pytest
from test_apk_helpers import knowledge

from selfaudit.collect.apk import collect_apk
from selfaudit.collect.axml import parse_axml
from selfaudit.errors import InputError

FEATURES = "apk_features"


def _input_error(path: Path, match: str | None = None, seconds: float = 5.0) -> str:
    start = time.perf_counter()
    with pytest.raises(InputError) as e:
        collect_apk(path, knowledge())
    assert time.perf_counter() - start < seconds
    msg = str(e.value)
    assert msg.startswith(str(path)), msg
    assert "\n" not in msg and "Traceback" not in msg
    if match:
        assert match in msg, msg
    return msg


def _rezip(tmp_path: Path, replace: dict[str, bytes], name="mutated.apk", src=None) -> Path:
    src = src or conftest.test_app(FEATURES)
    out = tmp_path / name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, replace.get(item.filename, zin.read(item.filename)))
    return out


def _entry(name: str) -> bytes:
    with zipfile.ZipFile(conftest.test_app(FEATURES)) as z:
        return z.read(name)


# -- containers ----------------------------------------------------------------------------


def test_missing_and_empty_and_not_a_zip(tmp_path):
    _input_error(tmp_path / "nope.apk", "cannot read")
    empty = tmp_path / "empty.apk"
    empty.write_bytes(b"")
    _input_error(empty, "not a ZIP")
    text = tmp_path / "text.apk"
    text.write_text("this is not an APK at all, just some text that is long enough" * 3)
    _input_error(text, "not a ZIP")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_truncated(tmp_path, fraction):
    data = conftest.test_app(FEATURES).read_bytes()
    cut = tmp_path / "cut.apk"
    cut.write_bytes(data[: int(len(data) * fraction)])
    _input_error(cut, "truncated")


def test_truncated_corpus_apk(tmp_path, corpus):
    data = corpus("exodus_blooddonation.apk").read_bytes()
    cut = tmp_path / "blood.apk"
    cut.write_bytes(data[: len(data) // 2])
    _input_error(cut, "truncated")


def test_corrupted_deflate_stream(tmp_path):
    src = conftest.test_app(FEATURES)
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("classes.dex")
    # Overwrite the middle of the compressed classes.dex with garbage.
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 10, start + min(info.compress_size, 200)):
        data[i] = 0xFF
    bad = tmp_path / "corrupt.apk"
    bad.write_bytes(bytes(data))
    _input_error(bad, "classes.dex")


def test_no_manifest(tmp_path):
    z = tmp_path / "plain.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "hello")
    _input_error(z, "no AndroidManifest.xml")


def _bomb(tmp_path: Path, name: str, size: int) -> Path:
    """An APK whose ``name`` entry inflates to ``size`` zero bytes (about size/1000 on disk)."""
    out = tmp_path / "bomb.apk"
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * (1 << 20)
    parts = [comp.compress(chunk) for _ in range(size >> 20)]
    parts.append(comp.flush())
    body = b"".join(parts)
    crc = 0
    for _ in range(size >> 20):
        crc = zlib.crc32(chunk, crc)
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("AndroidManifest.xml", _entry("AndroidManifest.xml"))
    # Append a hand-made deflated entry (zipfile would inflate nothing, but writing it through
    # zipfile would need the whole payload in memory twice).
    raw = bytearray(out.read_bytes())
    eocd = raw.rfind(b"PK\x05\x06")
    cd_size, cd_off = struct.unpack_from("<LL", raw, eocd + 12)
    central = bytes(raw[cd_off:cd_off + cd_size])
    local_off = cd_off
    fname = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(body), size, len(fname), 0) + fname
    cdir = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(body), size,
                       len(fname), 0, 0, 0, 0, 0, local_off) + fname
    new_cd_off = local_off + len(local) + len(body)
    new_cd = central + cdir
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 2, 2, len(new_cd), new_cd_off, 0)
    out.write_bytes(bytes(raw[:cd_off]) + local + body + new_cd + end)
    return out


def test_zip_bomb_dex(tmp_path):
    bomb = _bomb(tmp_path, "classes.dex", 300 << 20)
    assert bomb.stat().st_size < 2 << 20
    _input_error(bomb, "classes.dex")


def test_zip_bomb_manifest_and_lying_sizes(tmp_path):
    bomb = _bomb(tmp_path, "classes.dex", 64 << 20)
    _input_error(bomb, "zip bomb")
    # The same entry declaring a tiny size: inflation stops at the declared size + 1.
    raw = bytearray(bomb.read_bytes())
    cd = raw.rfind(b"PK\x01\x02classes.dex"[:4], 0, raw.rfind(b"PK\x05\x06"))
    struct.pack_into("<L", raw, cd + 24, 1000)
    liar = tmp_path / "liar.apk"
    liar.write_bytes(bytes(raw))
    _input_error(liar, "classes.dex")


def test_bomb_memory_is_bounded(tmp_path):
    """Run the collector on a 300 MiB bomb under a 600 MiB address-space limit."""
    bomb = _bomb(tmp_path, "classes.dex", 300 << 20)
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20))
        sys.path[:0] = {[str(conftest.REPO), str(conftest.REPO / "tests")]!r}
        from selfaudit.collect.apk import collect_apk
        from selfaudit.errors import InputError
        try:
            collect_apk({str(bomb)!r}, None)
        except InputError as e:
            print("INPUT_ERROR", e)
    """)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "INPUT_ERROR" in res.stdout


# -- manifest ------------------------------------------------------------------------------


def _pool_chunk(count: int, declared: int | None = None, utf8: bool = True) -> bytes:
    strings = b"".join(bytes([1, 1]) + b"s\0" for _ in range(count))
    offsets = b"".join(struct.pack("<L", 4 * i) for i in range(count))
    header = 28
    size = header + len(offsets) + len(strings)
    return struct.pack("<HHL5L", 0x0001, header, size, declared if declared is not None else count, 0,
                       0x100 if utf8 else 0, header + len(offsets), 0) + offsets + strings


def _axml(pool: bytes, body: bytes = b"") -> bytes:
    total = 8 + len(pool) + len(body)
    return struct.pack("<HHL", 0x0003, 8, total) + pool + body


def test_manifest_string_pool_count_larger_than_its_chunk(tmp_path):
    manifest = _axml(_pool_chunk(4, declared=0x3FFFFFFF))
    _input_error(_rezip(tmp_path, {"AndroidManifest.xml": manifest}), "string pool")


def test_manifest_with_a_huge_real_string_pool_is_fast(tmp_path):
    pool = _pool_chunk(1_000_000)  # 8 MB of pool: lazily decoded, so this costs nothing
    start = time.perf_counter()
    with pytest.raises(Exception) as e:
        parse_axml(_axml(pool))
    assert time.perf_counter() - start < 2
    assert "no root element" in str(e.value)
    _input_error(_rezip(tmp_path, {"AndroidManifest.xml": _axml(pool)}), "no root element")


def test_manifest_garbage_and_text(tmp_path):
    _input_error(_rezip(tmp_path, {"AndroidManifest.xml": b"\x03\x00\x08\x00" + b"\xff" * 64}, "g.apk"),
                 "AndroidManifest.xml")
    _input_error(_rezip(tmp_path, {"AndroidManifest.xml": b"<?xml version='1.0'?><manifest/>"}, "t.apk"),
                 "text XML")


def test_manifest_oversized(tmp_path):
    _input_error(_rezip(tmp_path, {"AndroidManifest.xml": b"\0" * (17 << 20)}), "too large")


def test_corrupt_resources_is_a_warning_not_an_error(tmp_path):
    facts = collect_apk(_rezip(tmp_path, {"resources.arsc": b"\x02\x00\x0c\x00" + b"\xee" * 40}), knowledge())
    assert facts.package == "com.selfaudit.features"
    assert any("resources.arsc is unreadable" in w for w in facts.warnings)


# -- DEX -----------------------------------------------------------------------------------


def _patched_dex(field_offset: int, value: int, fmt: str = "<L") -> bytes:
    dex = bytearray(_entry("classes.dex"))
    struct.pack_into(fmt, dex, field_offset, value)
    return bytes(dex)


@pytest.mark.parametrize("field,offset", [
    ("string_ids_off", 0x3C), ("type_ids_off", 0x44), ("method_ids_off", 0x5C),
    ("class_defs_off", 0x64), ("method_ids_size", 0x58), ("class_defs_size", 0x60),
])
def test_dex_table_out_of_range(tmp_path, field, offset):
    apk = _rezip(tmp_path, {"classes.dex": _patched_dex(offset, 0x7FFFFFF0)})
    _input_error(apk, "classes.dex")


def test_dex_bad_magic(tmp_path):
    _input_error(_rezip(tmp_path, {"classes.dex": b"nope" + _entry("classes.dex")[4:]}), "bad magic")


def test_dex_class_data_and_code_out_of_range(tmp_path):
    from selfaudit.collect.dex import Dex

    dex = bytearray(_entry("classes.dex"))
    d = Dex(bytes(dex))
    # Point every class_data_off far outside the file.
    for cdef in d.class_defs():
        struct.pack_into("<L", dex, d._classes_off + 32 * cdef.index + 24, 0x7FFFFFF0)
    apk = _rezip(tmp_path, {"classes.dex": bytes(dex)})
    _input_error(apk, "classes.dex")


def test_dex_string_offsets_out_of_range_in_lazy_model(tmp_path):
    """A DEX whose strings point outside the file: collection reports it, the code model degrades."""
    from selfaudit.collect.dex import Dex

    dex = bytearray(_entry("classes2.dex"))
    d = Dex(bytes(dex))
    for i in range(d.n_strings):
        struct.pack_into("<L", dex, d._strings_off + 4 * i, 0x7FFFFFF0)
    apk = _rezip(tmp_path, {"classes2.dex": bytes(dex)})
    try:
        facts = collect_apk(apk, knowledge())
    except InputError as e:
        assert "classes2.dex" in str(e) and "\n" not in str(e)
        return
    assert any("classes2.dex" in w for w in facts.warnings)
    assert facts.code.calls("a.a.b.a()V") == []


def test_dex_inherited_call_with_a_bad_class_index_is_skipped(tmp_path):
    """Resolving inherited APIs reads every method_id named like an API member; one whose class
    index is out of range matches nothing, and the rest of the code is still read."""
    from selfaudit.collect.dex import Dex

    src = conftest.test_app("apk_inherited")
    with zipfile.ZipFile(src) as z:
        dex = bytearray(z.read("classes.dex"))
    d = Dex(bytes(dex))
    (midx,) = [m for m in range(d.n_methods)
               if d.method_key(m) == "com.selfaudit.inherited.MainActivity.requestPermissions([Ljava/lang/String;I)V"]
    struct.pack_into("<H", dex, d._methods_off + 8 * midx, 0xFFFF)
    facts = collect_apk(_rezip(tmp_path, {"classes.dex": bytes(dex)}, src=src), knowledge())
    assert {(r.location.class_name, r.via) for r in facts.code_refs} == {
        ("com.selfaudit.inherited.BaseActivity", None),
        ("com.selfaudit.inherited.SyncService", "com.selfaudit.inherited.SyncService"),
    }
