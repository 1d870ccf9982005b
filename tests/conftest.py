"""Shared fixtures: the corpus of real APKs, the demo APK, and isolation from the user's setup."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO_APK = REPO / "demo" / "demo.apk"
TEST_APPS = REPO / "tests" / "apps"


def corpus_dir() -> Path:
    """Real APKs written by others, never copied into the repo (``SELFAUDIT_CORPUS`` overrides)."""
    return Path(os.environ.get("SELFAUDIT_CORPUS", REPO.parent / "shared" / "corpus" / "apks"))


def corpus_apks() -> list[Path]:
    d = corpus_dir()
    return sorted(d.glob("*.apk")) if d.is_dir() else []


@pytest.fixture
def corpus():
    """Return a function mapping a corpus file name to its path, skipping when it is absent."""

    def get(name: str) -> Path:
        path = corpus_dir() / name
        if not path.is_file():
            pytest.skip(f"corpus APK {name} not found in {corpus_dir()} (set SELFAUDIT_CORPUS)")
        return path

    return get


@pytest.fixture(autouse=True)
def _isolate(monkeypatch, tmp_path_factory):
    """Tests never load plugins installed in the environment unless they ask to."""
    monkeypatch.setenv("SELFAUDIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.delenv("SELFAUDIT_DEBUG", raising=False)


@pytest.fixture
def demo_apk() -> Path:
    assert DEMO_APK.is_file(), "demo/demo.apk is committed; rebuild with scripts/build_apks.py"
    return DEMO_APK


def test_app(name: str) -> Path:
    """Path of an APK built from smali under tests/apps/<name>/ (committed built)."""
    path = TEST_APPS / f"{name}.apk"
    assert path.is_file(), f"{path} missing: run python scripts/build_apks.py"
    return path


@pytest.fixture(autouse=True, scope="session")
def _knowledge_cache(tmp_path_factory):
    """Keep the knowledge cache out of the user's home during tests."""
    os.environ["SELFAUDIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("selfaudit-cache"))
