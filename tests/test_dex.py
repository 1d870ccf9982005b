"""The index-first DEX reader: lookups by bisection, the scan, method location and tokenising."""

from __future__ import annotations

import struct
import zipfile

import conftest
import pytest

from selfaudit.collect.dex import (
    Dex,
    DexError,
    decode_insns,
    descriptor_to_name,
    mutf8,
    name_to_descriptor,
)


def _dex(name: str = "classes.dex", app: str = "apk_features") -> Dex:
    with zipfile.ZipFile(conftest.test_app(app)) as z:
        return Dex(z.read(name), name)


def test_names_and_descriptors():
    assert descriptor_to_name("Landroid/provider/Settings$Secure;") == "android.provider.Settings$Secure"
    assert name_to_descriptor("android.provider.Settings$Secure") == "Landroid/provider/Settings$Secure;"
    assert descriptor_to_name("[I") == "[I" and name_to_descriptor("[I") == "[I"


def test_mutf8():
    assert mutf8(b"abc") == "abc"
    assert mutf8(b"a\xc0\x80b") == "a\x00b"  # embedded NUL
    assert mutf8(b"\xed\xa0\xbd\xed\xb8\x80") == "\U0001F600"  # a surrogate pair, 3 bytes each
    assert mutf8(b"\xc7\x39") == "\ufffd9"  # invalid: readable part kept


def test_lookups_by_bisection():
    d = _dex()
    assert d.find_string("android_id") >= 0 and d.find_string("android_idx") == -1
    tidx = d.find_type("Landroid/provider/Settings$Secure;")
    assert d.type_name(tidx) == "Landroid/provider/Settings$Secure;"
    (midx,) = d.find_methods("Landroid/provider/Settings$Secure;", "getString")
    assert d.method_ref(midx) == ("Landroid/provider/Settings$Secure;", "getString",
                                  "(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;")
    assert d.method_key(midx) == ("android.provider.Settings$Secure.getString"
                                  "(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;")
    assert list(d.find_methods("Landroid/telephony/TelephonyManager;", "getImei")) == []
    assert list(d.find_methods("Lno/such/Class;", "x")) == []
    r = d.string_prefix_range("com.s")
    assert [d.string(i) for i in r] == ["com.secret.Hidden"]
    assert list(d.string_prefix_range("zzzz-not-there")) == []


def test_scan_finds_and_validates():
    d = _dex()
    (get_string,) = d.find_methods("Landroid/provider/Settings$Secure;", "getString")
    hits = d.scan({get_string}, set(), set())
    assert len(hits) == 1
    code_off, (start, midx, cdi) = next(iter(hits.items()))
    assert d.method_ref(midx)[:2] == ("Lcom/selfaudit/features/App;", "onCreate")
    mc = d.method_code(code_off)
    assert [t for _o, _op, t in mc.invokes].count(get_string) == 1
    # The fill-array-data payload of App.onCreate holds 0x6e00 0x1234: an invoke-virtual lookalike.
    # Asking for method index 0x0012 must find nothing there.
    assert all(t != 0x0012 or op != 0x6E for _o, op, t in mc.invokes)


def test_method_at_fast_path_agrees_with_full_index(corpus):
    """For every byte that starts a method and a sample inside, the class-bisection fast path
    gives the answer the full class_data index gives (or None for non-code)."""
    with zipfile.ZipFile(corpus("exodus_blooddonation.apk")) as z:
        data = z.read("classes.dex")
    full = Dex(data)
    starts, rest = full.code_index()
    fast = Dex(data)
    for s, (e, midx, cdi) in list(zip(starts, rest, strict=True))[::7]:
        for probe in (s, (s + e) // 2 & ~1, e - 2):
            if probe < s:
                continue
            got = fast.method_at(probe)
            assert got == (s, e, midx, cdi), (probe, got)
    assert fast._code_index is None  # never needed the full index
    # Bytes of a code_item header are not code.
    assert fast.method_at(starts[5] - 10) is None


def test_tokeniser_skips_payloads_and_reads_constants():
    # const/4 v0, 7 ; const-string v1, #3 ; invoke-static {v0}, meth@0x0102 ; sget v0, field@5 ;
    # goto +3 (over the payload) ; fill-array-data payload holding an invoke lookalike ; return-void
    code = bytes([0x12, 0x70, 0x1A, 0x01, 0x03, 0x00, 0x71, 0x10, 0x02, 0x01, 0x00, 0x00,
                  0x60, 0x00, 0x05, 0x00, 0x28, 0x07])
    payload = struct.pack("<HHL", 0x0300, 2, 2) + bytes([0x6E, 0x20, 0x34, 0x12])
    code += payload + bytes([0x0E, 0x00])
    mc = decode_insns(code, 0, len(code))
    assert mc.numbers == [7]
    assert mc.strings == [(2, 3)]
    assert mc.invokes == [(6, 0x71, 0x0102)]
    assert mc.field_reads == [(12, 0x60, 5)]


def test_tokeniser_refuses_to_run_past_the_end():
    with pytest.raises(DexError):
        decode_insns(bytes([0x14, 0x00]), 0, 2)  # const needs 6 bytes


@pytest.mark.parametrize("offset,value,message", [
    (0x00, 0, "bad magic"),
    (0x28, 0x87654321, "byte order"),
    (0x38, 0x7FFFFFFF, "string_ids"),
    (0x58, 0x7FFFFFFF, "method_ids"),
])
def test_header_validation(offset, value, message):
    data = bytearray(_dex().data)
    struct.pack_into("<L", data, offset, value)
    with pytest.raises(DexError, match=message):
        Dex(bytes(data))


def test_too_short():
    with pytest.raises(DexError, match="too short"):
        Dex(b"dex\n035\0")


def test_call_only_tokeniser_agrees_with_the_full_one(corpus):
    from selfaudit.collect.dex import decode_calls

    with zipfile.ZipFile(corpus("exodus_blooddonation.apk")) as z:
        data = z.read("classes.dex")
    starts, rest = Dex(data).code_index()
    for s, (e, _m, _c) in zip(starts, rest, strict=True):
        full = decode_insns(data, s, e)
        invokes, news, classes = decode_calls(data, s, e)
        assert invokes == full.invokes and news == full.new_instances
        assert classes == full.const_classes


def test_call_tokeniser_refuses_an_invoke_past_the_end():
    from selfaudit.collect.dex import decode_calls

    with pytest.raises(DexError, match="past the end of the method"):
        decode_calls(bytes([0x6E, 0x10, 0, 0, 0, 0]), 0, 2)  # invoke-virtual needs 6 bytes
