"""Scanning many files: the forked split gives exactly what one process gives, in the same order."""

from __future__ import annotations

import sys

import pytest

from selfaudit.collect import source_scan
from selfaudit.collect.source_scan import scan_files


def _files(tmp_path, n):
    items = []
    for i in range(n):
        p = tmp_path / f"C{i}.java"
        p.write_text(f"package p;\nimport android.telephony.TelephonyManager;\nclass C{i} {{\n"
                     f"  void f(TelephonyManager tm) {{ tm.getDeviceId(); g{i}(); }}\n  void g{i}() {{ }}\n}}\n")
        items.append((p, f"src/C{i}.java"))
    items.append((tmp_path / "missing.java", "src/missing.java"))
    return items


def _summary(result):
    parsed, warnings = result
    return [(sf.path, [(c.name, sorted(c.methods), [m.sites for m in c.methods.values()]) for c in sf.classes])
            for sf in parsed], warnings


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the split uses fork() on Linux only")
def test_forked_scan_equals_serial_scan(tmp_path, monkeypatch):
    items = _files(tmp_path, 60)
    monkeypatch.setenv("SELFAUDIT_JOBS", "1")
    serial = scan_files(items)
    monkeypatch.delenv("SELFAUDIT_JOBS")
    monkeypatch.setattr(source_scan, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setattr(source_scan.os, "cpu_count", lambda: 2)
    forked = source_scan._scan_forked(items)
    assert _summary(forked) == _summary(serial)
    assert [sf.path for sf in forked[0]] == [rel for _p, rel in items[:-1]]
    assert forked[1] == ["src/missing.java: cannot read: No such file or directory"]


def test_small_projects_are_scanned_here(tmp_path, monkeypatch):
    items = _files(tmp_path, 3)
    monkeypatch.setattr(source_scan, "_scan_forked", lambda items: pytest.fail("forked for 3 files"))
    parsed, _w = scan_files(items)
    assert len(parsed) == 3
