"""SARIF output: valid against the OASIS 2.1.0 schema, and carrying what GitHub code scanning needs.

The schema alone accepts a result with no location or a rule with no help, so a second set of
checks encodes GitHub's documented requirements (docs "SARIF support for code scanning"): rule
short/full descriptions and help, a physical location with a repo-relative URI on every result,
``partialFingerprints.primaryLocationLineHash``, and ``security-severity`` only with a
``security`` tag.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from selfaudit.api import Auditor
from selfaudit.cli import main
from selfaudit.config import Config
from selfaudit.model import (
    AppSummary,
    Confidence,
    Evidence,
    Finding,
    Location,
    Report,
    Severity,
    Suppression,
)
from selfaudit.render import RenderContext
from selfaudit.render.sarif import LEVELS, SECURITY_SEVERITY, apk_artifact, sarif_document

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

MANIFEST = """\
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.sarif">
    <uses-permission android:name="android.permission.READ_CONTACTS"/>
    <application android:label="Sarif">
        <receiver android:name=".Boot" android:exported="true">
            <intent-filter><action android:name="android.intent.action.BOOT_COMPLETED"/></intent-filter>
        </receiver>
    </application>
</manifest>
"""


def validate(doc: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def github_requirements(doc: dict) -> None:
    """What GitHub code scanning needs beyond the schema (and limits it enforces)."""
    assert doc["$schema"] and doc["version"] == "2.1.0"
    assert 1 <= len(doc["runs"]) <= 20
    for run in doc["runs"]:
        driver = run["tool"]["driver"]
        assert driver["name"] == "selfaudit"
        rules = {r["id"]: r for r in driver["rules"]}
        assert len(rules) == len(driver["rules"]) <= 25_000
        for rule in driver["rules"]:
            assert rule["shortDescription"]["text"].strip()
            assert rule["fullDescription"]["text"].strip()
            assert rule["help"]["text"].strip()
            props = rule["properties"]
            assert len(props["tags"]) <= 20
            if "security-severity" in props:
                assert "security" in props["tags"]
                assert 0.1 <= float(props["security-severity"]) <= 10.0
            assert props["precision"] in ("very-high", "high", "medium", "low")
        assert len(run["results"]) <= 25_000
        for i, result in enumerate(run["results"]):
            assert result["ruleId"] in rules
            assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
            assert result["message"]["text"].strip()
            assert result["level"] in ("error", "warning", "note")
            loc = result["locations"][0]["physicalLocation"]
            uri = loc["artifactLocation"]["uri"]
            assert uri and not uri.startswith("/"), f"result {i}: {uri!r} is not repo-relative"
            if "region" in loc:
                assert loc["region"]["startLine"] >= 1
            assert result["partialFingerprints"]["primaryLocationLineHash"]


def render(report: Report, auditor: Auditor | None = None, lang: str = "en") -> dict:
    config = auditor.config if auditor else Config(lang=lang)
    config.lang = lang
    ctx = RenderContext(
        config=config,
        knowledge=auditor.knowledge if auditor else None,
        rules=auditor.all_rules() if auditor else [],
    )
    return sarif_document(report, ctx)


#: The rules these tests lean on; others are switched off so new built-in rules do not move counts.
KEEP = ("SA301", "SA401")


def focused() -> Config:
    return Config(disable_rules=[r.name for r in Auditor(Config()).all_rules() if r.code not in KEEP])


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A source project inside a 'repository' that is the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "selfaudit.toml").write_text(f"disable_rules = {json.dumps(focused().disable_rules)}\n", encoding="utf-8")
    manifest = tmp_path / "app" / "src" / "main" / "AndroidManifest.xml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(MANIFEST, encoding="utf-8")
    return tmp_path / "app"


def test_apk_scan_is_valid_sarif_with_the_apk_as_artifact(demo_apk, tmp_path, monkeypatch):
    monkeypatch.chdir(demo_apk.parent.parent)  # the repository root
    auditor = Auditor(Config())
    report = auditor.run(Path("demo/demo.apk"))
    doc = render(report, auditor)
    validate(doc)
    github_requirements(doc)
    results = doc["runs"][0]["results"]
    assert results, "the demo app has findings"
    for r in results:
        assert r["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "demo/demo.apk", "uriBaseId": "%SRCROOT%"}
    codes = {r["ruleId"] for r in results}
    assert {"SA301", "SA401"} <= codes
    boot = next(r for r in results if r["ruleId"] == "SA401")
    names = [ll["fullyQualifiedName"] for ll in boot["locations"][0]["logicalLocations"]]
    assert "com.selfaudit.demo.BootReceiver" in names


def test_source_scan_has_file_and_line(project):
    auditor = Auditor(focused())
    report = auditor.run(project)
    doc = render(report, auditor)
    validate(doc)
    github_requirements(doc)
    locs = [r["locations"][0]["physicalLocation"] for r in doc["runs"][0]["results"]]
    assert locs and all(loc["artifactLocation"]["uri"] == "app/src/main/AndroidManifest.xml" for loc in locs)
    lines = MANIFEST.splitlines()
    for r in doc["runs"][0]["results"]:
        line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
        expected = "READ_CONTACTS" if r["ruleId"] == "SA301" else "receiver"
        assert expected in lines[line - 1]


def test_rules_carry_help_tags_and_severity(project):
    auditor = Auditor(focused())
    doc = render(auditor.run(project), auditor)
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    rule = rules["SA301"]
    assert rule["name"] == "undeclared-permission"
    assert rule["shortDescription"]["text"] == "Dangerous permission without a declared purpose"
    assert "declarations" in rule["fullDescription"]["text"]
    assert "How to fix" in rule["help"]["text"]
    assert "危险权限未声明使用目的" in rule["help"]["markdown"] and "#### " in rule["help"]["markdown"]
    assert {"security", "privacy", "permissions"} <= set(rule["properties"]["tags"])
    severity = next(r.severity for r in auditor.all_rules() if r.code == "SA301")
    assert rule["properties"]["security-severity"] == SECURITY_SEVERITY[severity]
    assert rule["properties"]["precision"] == "high"
    assert rule["defaultConfiguration"]["level"] == LEVELS[severity]
    assert "工信部164号文" in rule["help"]["markdown"]  # regulations resolved through the knowledge base


def test_language_follows_the_config(project):
    auditor = Auditor(focused())
    report = auditor.run(project)
    zh = render(report, auditor, lang="zh-CN")
    rule = next(r for r in zh["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "SA401")
    assert rule["shortDescription"]["text"] == "应用存在自启动行为"
    result = next(r for r in zh["runs"][0]["results"] if r["ruleId"] == "SA401")
    assert "自启动" in result["message"]["text"]
    assert result["properties"]["message_en"].startswith("Receiver ")


def _apk_report(tmp_path: Path) -> Report:
    apk = tmp_path / "app-release.apk"
    apk.write_bytes(b"PK")
    loc = Location(file="classes2.dex", class_name="com.example.track.Tracker", method="collect",
                   descriptor="(Landroid/content/Context;)V")
    finding = Finding(
        rule="imei-before-consent", code="SA101", severity=Severity.HIGH, confidence=Confidence.MEDIUM,
        message="IMEI read at start-up", location=loc, fingerprint="0123456789abcdef0123456789abcdef",
        evidence=[Evidence(kind="api", api="android.telephony.TelephonyManager.getDeviceId", location=loc,
                           reachable=True, path=["com.example.App.onCreate()V", "com.example.track.Tracker.collect(Landroid/content/Context;)V"])],
        path=["com.example.App.onCreate()V", "com.example.track.Tracker.collect(Landroid/content/Context;)V"],
        regulations=["miit-164 2.1"],
    )
    suppressed = Finding(
        rule="imei-before-consent", code="SA101", severity=Severity.HIGH, confidence=Confidence.MEDIUM,
        message="IMEI read in a library", location=Location(class_name="com.vendor.Sdk", method="init"),
        fingerprint="fedcba9876543210fedcba9876543210", suppression=Suppression(kind="config", reason="vendor checked"),
    )
    inline = Finding(
        rule="imei-before-consent", code="SA101", severity=Severity.LOW, confidence=Confidence.LOW,
        message="inline", location=Location(class_name="com.example.X"), fingerprint="11112222333344445555666677778888",
        suppression=Suppression(kind="inline", reason="ok here"),
    )
    return Report(
        target=str(apk), app=AppSummary(package="com.example", kind="apk"), tool={"name": "selfaudit", "version": "0.1.0"},
        generated_at="2026-01-01T00:00:00+00:00", findings=[finding, suppressed, inline],
        rules=[{"code": "SA101", "name": "imei-before-consent", "title_en": "IMEI before consent", "title_zh": "同意前读取IMEI",
                "severity": "high", "confidence": "medium", "category": "consent", "regulations": ["miit-164 2.1"],
                "plugin": "test", "enabled": True}],
    )


def test_apk_findings_have_logical_locations_code_flows_and_suppressions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    doc = render(_apk_report(tmp_path))
    validate(doc)
    github_requirements(doc)
    first, config_sup, inline_sup = doc["runs"][0]["results"]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app-release.apk"
    logical = first["locations"][0]["logicalLocations"]
    assert logical[0] == {
        "name": "collect",
        "fullyQualifiedName": "com.example.track.Tracker.collect",
        "decoratedName": "com.example.track.Tracker.collect(Landroid/content/Context;)V",
        "kind": "function",
    }
    assert {"name": "classes2.dex", "fullyQualifiedName": "classes2.dex", "kind": "resource"} in logical
    assert first["partialFingerprints"]["primaryLocationLineHash"] == "0123456789abcdef0123456789abcdef:1"
    assert first["level"] == "error"
    steps = first["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [s["location"]["logicalLocations"][0]["fullyQualifiedName"] for s in steps] == first_path()
    assert first["relatedLocations"][0]["message"]["text"].startswith("api android.telephony")
    assert "suppressions" not in first and "baselineState" not in first
    assert config_sup["suppressions"][0]["kind"] == "external"
    assert config_sup["suppressions"][0]["justification"] == "vendor checked"
    assert inline_sup["suppressions"][0]["kind"] == "inSource"
    # the rule came only from the report's metadata (no Rule objects): still described
    rule = doc["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["id"] == "SA101" and rule["properties"]["security-severity"] == "8.0"


def first_path() -> list[str]:
    return ["com.example.App.onCreate()V", "com.example.track.Tracker.collect(Landroid/content/Context;)V"]


def test_paths_outside_the_working_directory_are_absolute_file_uris(tmp_path, monkeypatch):
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    doc = render(_apk_report(tmp_path))
    validate(doc)
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("file:///") and uri.endswith("/app-release.apk")


def test_agp_output_directory_points_at_the_apk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "app" / "build" / "outputs" / "apk" / "release"
    out.mkdir(parents=True)
    (out / "app-release.apk").write_bytes(b"PK")
    (out / "output-metadata.json").write_text(json.dumps({
        "version": 3, "variantName": "release",
        "elements": [{"type": "SINGLE", "filters": [], "outputFile": "app-release.apk"}],
    }), encoding="utf-8")
    report = _apk_report(tmp_path)
    report.target = str(out)
    assert apk_artifact(report) == out / "app-release.apk"
    doc = render(report)
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "app/build/outputs/apk/release/app-release.apk"


def test_fingerprint_hash_survives_a_line_shift(project):
    auditor = Auditor(focused())
    before = render(auditor.run(project), auditor)
    manifest = project / "src" / "main" / "AndroidManifest.xml"
    text = manifest.read_text(encoding="utf-8").replace("<application", "<!-- a -->\n<!-- b -->\n    <application")
    manifest.write_text(text, encoding="utf-8")
    after = render(Auditor(focused()).run(project), auditor)

    def hashes(doc):
        return {(r["ruleId"], r["partialFingerprints"]["primaryLocationLineHash"]): r["locations"][0]["physicalLocation"]["region"]["startLine"]
                for r in doc["runs"][0]["results"]}

    b, a = hashes(before), hashes(after)
    assert set(b) == set(a)
    assert any(a[k] != b[k] for k in a), "the receiver moved two lines down"


def test_cli_sarif_to_file(project, capsys):
    code = main(["scan", str(project), "--format", "sarif", "-o", "out.sarif", "--fail-on", "medium"])
    capsys.readouterr()
    assert code == 1  # findings at medium: the report is written first
    doc = json.loads(Path("out.sarif").read_text(encoding="utf-8"))
    validate(doc)
    github_requirements(doc)


def test_several_formats_in_one_run(project, capsys):
    """``--format json,sarif,html -o DIR`` writes one file per format, then exits by --fail-on."""
    code = main(["scan", str(project), "--format", "json,sarif,html", "-o", "reports", "--fail-on", "medium", "-q"])
    out, _ = capsys.readouterr()
    assert code == 1 and out == ""
    files = sorted(p.name for p in Path("reports").iterdir())
    assert files == ["selfaudit.html", "selfaudit.json", "selfaudit.sarif"]
    data = json.loads(Path("reports/selfaudit.json").read_text(encoding="utf-8"))
    doc = json.loads(Path("reports/selfaudit.sarif").read_text(encoding="utf-8"))
    validate(doc)
    assert len(doc["runs"][0]["results"]) == len(data["findings"]) >= 2
    html = Path("reports/selfaudit.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "com.example.sarif" in html


def test_several_formats_by_repetition_and_config(project, capsys):
    (project.parent / "selfaudit.toml").write_text(textwrap.dedent("""\
        format = ["sarif", "html"]
        output = "from-config"
        fail_on = "none"
    """), encoding="utf-8")
    code = main(["scan", str(project), "-q"])
    capsys.readouterr()
    assert code == 0
    assert sorted(p.name for p in Path("from-config").iterdir()) == ["selfaudit.html", "selfaudit.sarif"]
    code = main(["scan", str(project), "-f", "sarif", "-f", "json", "-o", "rep", "-q"])
    capsys.readouterr()
    assert sorted(p.name for p in Path("rep").iterdir()) == ["selfaudit.json", "selfaudit.sarif"]


def test_formats_are_listed(capsys):
    assert main(["formats"]) == 0
    out = capsys.readouterr().out
    assert "sarif" in out and "html" in out and "selfaudit.render.sarif" in out
