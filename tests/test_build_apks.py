"""The committed APKs (demo/demo.apk, tests/apps/*.apk) match their smali sources."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import REPO


@pytest.mark.skipif(shutil.which("apktool") is None, reason="apktool not installed (Debian: apt-get install apktool)")
def test_committed_apks_match_their_sources():
    res = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_apks.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "ok    demo/demo.apk" in res.stdout
