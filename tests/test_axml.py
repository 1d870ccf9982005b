"""The binary XML reader: attribute names by resource ID, value rendering, malformed input."""

from __future__ import annotations

import struct
import zipfile

import conftest
import pytest

from selfaudit.collect.axml import ANDROID_NS, ResError, parse_axml
from selfaudit.collect.respool import StringPool


class AxmlWriter:
    """Just enough of an AXML encoder to build test manifests (UTF-16 pool, resource map)."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.resmap: list[int] = []
        self.body = b""

    def s(self, value: str, res_id: int | None = None) -> int:
        """Index of a string; strings with a resource ID must come first, as aapt lays them out."""
        if res_id is not None:
            assert len(self.resmap) == len(self.strings), "attribute names with IDs go first"
            self.resmap.append(res_id)
        elif value in self.strings:
            return self.strings.index(value)
        self.strings.append(value)
        return len(self.strings) - 1

    def start(self, tag: str, attrs: list[tuple[int, int, int, int]], line: int = 1) -> None:
        """attrs: (ns string index or -1, name string index, type, data)."""
        ext = struct.pack("<LLHHHHHH", 0xFFFFFFFF, self.s(tag), 20, 20, len(attrs), 0, 0, 0)
        body = b"".join(struct.pack("<LLLHBBL", ns & 0xFFFFFFFF, name,
                                    data if typ == 0x03 else 0xFFFFFFFF, 8, 0, typ, data)
                        for ns, name, typ, data in attrs)
        chunk = struct.pack("<LL", line, 0xFFFFFFFF) + ext + body
        self.body += struct.pack("<HHL", 0x0102, 16, 8 + len(chunk)) + chunk

    def end(self, tag: str) -> None:
        chunk = struct.pack("<LLLL", 0, 0xFFFFFFFF, 0xFFFFFFFF, self.s(tag))
        self.body += struct.pack("<HHL", 0x0103, 16, 8 + len(chunk)) + chunk

    def build(self) -> bytes:
        data = b""
        offsets = []
        for v in self.strings:
            offsets.append(len(data))
            enc = v.encode("utf-16-le")
            data += struct.pack("<H", len(v)) + enc + b"\0\0"
        data += b"\0" * (-len(data) % 4)
        header = 28
        pool = struct.pack("<HHL5L", 0x0001, header, header + 4 * len(offsets) + len(data), len(offsets), 0, 0,
                           header + 4 * len(offsets), 0) + b"".join(struct.pack("<L", o) for o in offsets) + data
        resmap = struct.pack("<HHL", 0x0180, 8, 8 + 4 * len(self.resmap)) + b"".join(
            struct.pack("<L", r) for r in self.resmap)
        total = 8 + len(pool) + len(resmap) + len(self.body)
        return struct.pack("<HHL", 0x0003, 8, total) + pool + resmap + self.body


def test_attribute_names_resolve_by_resource_id_whatever_the_namespace():
    w = AxmlWriter()
    name_attr = w.s("label", res_id=0x01010003)  # says "label", the ID says android:name
    max_attr = w.s("maxSdkVersion", res_id=0x01010271)
    odd_ns = w.s("http://schemas.example.com/not/android")
    android_ns = w.s(ANDROID_NS)
    package = w.s("package")
    w.start("manifest", [(-1, package, 0x03, w.s("com.example"))])
    w.start("uses-permission", [(odd_ns, name_attr, 0x03, w.s("android.permission.CAMERA")),
                                (android_ns, max_attr, 0x10, 28)], line=7)
    w.end("uses-permission")
    w.end("manifest")
    root = parse_axml(w.build())
    assert root.tag == "manifest" and root.get("package") == "com.example"
    perm = root.children[0]
    assert perm.attrs == {"android:name": "android.permission.CAMERA", "android:maxSdkVersion": "28"}
    assert perm.line == 7


def test_value_rendering():
    w = AxmlWriter()
    ids = {n: w.s(n, res_id=rid) for n, rid in (("exported", 0x01010010), ("label", 0x01010001),
                                                 ("priority", 0x0101001c), ("configChanges", 0x0101001f))}
    w.start("activity", [(-1, ids["exported"], 0x12, 0xFFFFFFFF), (-1, ids["label"], 0x01, 0x7F0B0001),
                         (-1, ids["priority"], 0x10, (-5) & 0xFFFFFFFF),
                         (-1, ids["configChanges"], 0x11, 0x1FF0)])
    w.end("activity")
    el = parse_axml(w.build())
    assert el.attrs == {"android:exported": "true", "android:label": "@7f0b0001",
                        "android:priority": "-5", "android:configChanges": "0x00001ff0"}
    assert el.refs == {"android:label": 0x7F0B0001}


def test_unknown_framework_id_falls_back_to_the_name_in_the_file():
    w = AxmlWriter()
    new_attr = w.s("requestRawExternalStorageAccess", res_id=0x01010700)  # newer than our table
    android_ns = w.s(ANDROID_NS)
    w.start("application", [(android_ns, new_attr, 0x12, 1)])
    w.end("application")
    assert parse_axml(w.build()).attrs == {"android:requestRawExternalStorageAccess": "true"}


@pytest.mark.parametrize("data,message", [
    (b"", "too short"),
    (b"<?xml version='1.0'?><manifest/>", "text XML"),
    (b"\x00\x00\x08\x00\x10\x00\x00\x00", "not a binary XML"),
    (struct.pack("<HHL", 0x0003, 8, 8), "no root element"),
    (struct.pack("<HHL", 0x0003, 8, 16) + struct.pack("<HHL", 0x0102, 16, 0xFFFF), "invalid size"),
])
def test_malformed(data, message):
    with pytest.raises(ResError, match=message):
        parse_axml(data)


def test_element_before_pool_and_cut_attributes():
    w = AxmlWriter()
    w.start("manifest", [(-1, w.s("package"), 0x03, 0)])
    w.end("manifest")
    good = w.build()
    # Drop the string pool chunk: the element comes first.
    pool_size = struct.unpack_from("<L", good, 12)[0]
    no_pool = struct.pack("<HHL", 0x0003, 8, len(good) - pool_size) + good[8 + pool_size:]
    with pytest.raises(ResError, match="before the string pool"):
        parse_axml(no_pool)


def test_deep_nesting_is_refused():
    w = AxmlWriter()
    for _ in range(300):
        w.start("x", [])
    with pytest.raises(ResError, match="nested too deeply"):
        parse_axml(w.build())


def test_string_pool_is_lazy_and_bounded():
    w = AxmlWriter()
    w.s("a")
    pool_data = w.build()
    pool = StringPool(pool_data, 8)
    assert pool.get(0) == "a" and pool.get(1) is None and pool.get(-1) is None


def test_real_manifest_of_the_test_app():
    with zipfile.ZipFile(conftest.test_app("apk_features")) as z:
        root = parse_axml(z.read("AndroidManifest.xml"))
    perms = [e.android("name") for e in root.iter("uses-permission")]
    assert "android.permission.READ_PHONE_STATE" in perms
    assert [e.tag for e in root.iter("uses-permission-sdk-23")] == ["uses-permission-sdk-23"]
    app = root.findall("application")[0]
    assert app.android("name") == ".App" and "android:label" in app.refs
