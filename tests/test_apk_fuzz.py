"""Fuzz: mutated APKs (fixed seed) give facts or an InputError, never anything else.

Mutations hit both layers: the raw file (byte flips, truncation: mostly ZIP and inflate errors)
and, more usefully, the inflated entries re-zipped (manifest, resource table and DEX bytes flipped,
4-byte fields overwritten with boundary values, entries cut short), which exercises the AXML,
ARSC and DEX readers behind a valid container. After a successful collection the lazy code model
is queried too, since rules call it later.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile

import conftest
import pytest
from test_apk_helpers import knowledge

from selfaudit.collect.apk import collect_apk
from selfaudit.errors import InputError
from selfaudit.model import AppFacts

SEED = 20261129
CASES = 300
SOURCES = ["apk_features"]
CORPUS_SOURCES = ["fd_com.politedroid_6.apk", "droidbot_DroidBoxTests.apk", "fd_urzip.apk",
                  "npm_appium-unlock-2.0.0.apk"]
BOUNDARY = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]


def _sources():
    out = [conftest.test_app(n) for n in SOURCES]
    d = conftest.corpus_dir()
    out += [d / n for n in CORPUS_SOURCES if (d / n).is_file()]
    return out


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    if not b:
        return bytes(b)
    how = rng.random()
    if how < 0.4:
        for _ in range(rng.randint(1, 16)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif how < 0.8 and len(b) >= 4:
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(0, len(b) - 3) & ~3 if rng.random() < 0.7 else rng.randrange(0, len(b) - 3)
            struct.pack_into("<L", b, at, rng.choice(BOUNDARY) if rng.random() < 0.7 else rng.getrandbits(32))
    else:
        del b[rng.randrange(len(b)):]
    return bytes(b)


def _case(rng: random.Random, src: bytes) -> bytes:
    if rng.random() < 0.25:
        return _mutate_bytes(rng, src)
    zin = zipfile.ZipFile(io.BytesIO(src))
    names = zin.namelist()
    targets = [n for n in names if n == "AndroidManifest.xml" or n == "resources.arsc" or n.endswith(".dex")]
    victim = rng.choice(targets or names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for n in names:
            data = zin.read(n)
            zout.writestr(n, _mutate_bytes(rng, data) if n == victim else data)
    return out.getvalue()


def _exercise(facts: AppFacts) -> None:
    m = facts.code
    for cls in m.class_names()[:30]:
        m.superclass(cls)
        m.interfaces(cls)
        for key in m.methods_of(cls)[:10]:
            m.calls(key)
            m.instantiated(key)
            m.strings(key)
            m.field_reads(key)


@pytest.mark.parametrize("chunk", range(6))
def test_fuzz_never_crashes(tmp_path, chunk):
    rng = random.Random(SEED + chunk)
    sources = [p.read_bytes() for p in _sources()]
    kb = knowledge()
    outcomes = {"facts": 0, "error": 0}
    for i in range(CASES // 6):
        data = _case(rng, rng.choice(sources))
        path = tmp_path / f"case{i}.apk"
        path.write_bytes(data)
        try:
            facts = collect_apk(path, kb)
        except InputError as e:
            msg = str(e)
            assert msg.startswith(str(path)) and "\n" not in msg, msg
            outcomes["error"] += 1
            continue
        assert isinstance(facts, AppFacts)
        _exercise(facts)
        outcomes["facts"] += 1
    # Both outcomes occur: the mutations are neither all fatal nor all harmless.
    assert outcomes["facts"] and outcomes["error"], outcomes
