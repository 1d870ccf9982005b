"""The same app behaviour audited as an APK and as source gives the same result.

``tests/apps/twin_imei/`` (smali, built into ``tests/apps/twin_imei.apk`` by scripts/build_apks.py)
and ``tests/apps/twin_imei_src/`` (a Gradle project with the Java sources the smali was written
from) encode one app: an IMEI read and an Umeng init in Application.onCreate, a start-up permission
request (and a second one in onStart through the inherited ``requestPermissions``), a Handler-posted
IMSI read through an anonymous Runnable, a clipboard read in onResume and an Android ID read in a
BOOT_COMPLETED receiver. Whatever rules exist when the suite runs must fire
identically on both, down to the class and method of each code-level finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from selfaudit.api import Auditor
from selfaudit.config import Config

APPS = Path(__file__).resolve().parent / "apps"
APK = APPS / "twin_imei.apk"
SRC = APPS / "twin_imei_src"


@pytest.fixture(scope="module")
def reports():
    if not APK.is_file():
        pytest.fail(f"{APK} missing: run python scripts/build_apks.py")
    apk = Auditor(Config(root=APK.parent)).run(APK)
    src = Auditor(Config(root=SRC)).run(SRC)
    return apk, src


def _code_findings(report):
    return {(f.rule, f.location.class_name, f.location.method)
            for f in report.findings if f.location is not None and f.location.class_name}


def test_the_twins_are_the_same_app(reports):
    apk, src = reports
    assert (apk.app.package, apk.app.min_sdk, apk.app.target_sdk, apk.app.version_name) == (
        src.app.package, src.app.min_sdk, src.app.target_sdk, src.app.version_name)
    assert apk.facts.permission_names() == src.facts.permission_names()
    assert {c.name for c in apk.facts.components} == {c.name for c in src.facts.components}


def test_same_code_references_with_the_same_reachability(reports):
    apk, src = reports

    def refs(r):
        return {(c.api_id, c.location.class_name, c.location.method, c.reachable) for c in r.facts.code_refs}

    assert refs(apk) == refs(src)
    assert any(api == "telephony.get-device-id" and reach for api, _c, _m, reach in refs(src))


def test_inherited_call_is_the_same_reference(reports):
    """``requestPermissions(...)`` in MainActivity.onStart: source mode resolves the unqualified
    call through the class hierarchy; in DEX the call site names MainActivity, and the APK
    collector resolves it up the superclass chain to ``android.app.Activity.requestPermissions``."""
    apk, src = reports

    def inherited(r):
        return {(c.api_id, c.api, c.location.class_name, c.location.method, c.reachable)
                for c in r.facts.code_refs if c.location.method == "onStart"}

    assert inherited(apk) == inherited(src) == {
        ("activity.request-permissions", "android.app.Activity.requestPermissions",
         "com.selfaudit.twin.MainActivity", "onStart", True)}
    (ref,) = [c for c in apk.facts.code_refs if c.location.method == "onStart"]
    assert ref.via == "com.selfaudit.twin.MainActivity"


def test_same_rules_fire(reports):
    apk, src = reports
    apk_rules = {f.rule for f in apk.findings}
    src_rules = {f.rule for f in src.findings}
    assert apk_rules == src_rules
    assert "undeclared-permission" in src_rules


def test_same_code_level_findings(reports):
    apk, src = reports
    assert _code_findings(apk) == _code_findings(src)
    if any(f.rule == "pre-consent-collection" for f in src.findings):
        assert ("pre-consent-collection", "com.selfaudit.twin.TwinApp", "onCreate") in _code_findings(src)
        # the Handler-posted read through the anonymous Runnable
        assert ("pre-consent-collection", "com.selfaudit.twin.MainActivity", "readSubscriber") in _code_findings(src)


def test_same_inventory(reports):
    apk, src = reports
    assert {i.pi_type for i in apk.data_items} == {i.pi_type for i in src.data_items}
    assert {t.id for t in apk.third_parties} == {t.id for t in src.third_parties}


def test_source_findings_point_at_source_lines(reports):
    _apk, src = reports
    files = {f.location.file for f in src.findings if f.location is not None and f.location.file}
    assert "app/src/main/AndroidManifest.xml" in files
    for f in src.findings:
        loc = f.location
        if loc is not None and loc.file and loc.line and not loc.file.endswith(".dex"):
            lines = (SRC / loc.file).read_text(encoding="utf-8").splitlines()
            assert 1 <= loc.line <= len(lines), (f.rule, loc)
