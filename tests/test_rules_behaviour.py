"""What a team does with the rules, end to end: read a rule's text, disable it, change its severity,
suppress one finding by fingerprint in the config or inline in source, and keep fingerprints stable
when code moves."""

from __future__ import annotations

import shutil
from pathlib import Path

import conftest
import pytest

from selfaudit.api import Auditor
from selfaudit.cli import main
from selfaudit.config import Config, RuleOverride, SuppressEntry
from selfaudit.knowledge import load_knowledge

TWIN_SRC = Path(__file__).resolve().parent / "apps" / "twin_imei_src"
KB = load_knowledge()


def builtin_rules():
    return [r for r in Auditor(Config()).all_rules() if (r.plugin or "").startswith("selfaudit.rules.")]


@pytest.mark.parametrize("rule", builtin_rules(), ids=lambda r: r.name)
def test_explain_reads_well_for_every_rule(rule, capsys):
    for key, lang in ((rule.name, "en"), (rule.code, "zh-CN")):
        code = main(["rules", "--explain", key, "--lang", lang])
        out = capsys.readouterr().out
        assert code == 0
        zh = lang == "zh-CN"
        assert out.startswith(f"{rule.code} {rule.name} — {rule.title_zh if zh else rule.title_en}")
        assert ("修复建议：" if zh else "How to fix:") in out and ("法规依据：" if zh else "Regulations:") in out
        body = out.split("\n\n")
        assert len(body) >= 4, "header, explanation, fix and regulations are separate paragraphs"
        regs = out.split("法规依据：" if zh else "Regulations:")[1]
        for ref in rule.regulations:
            known = KB.regulations[ref.id]
            assert (known.short_zh if zh else known.short_en) in regs      # resolved, not a bare id
        assert "\t" not in out


@pytest.fixture
def ungated():
    return conftest.test_app("consent_ungated")


def test_a_disabled_rule_produces_nothing(ungated):
    rep = Auditor(Config(disable_rules=["pre-consent-collection", "SA105"])).run(ungated)
    assert not {"pre-consent-collection", "device-identifier"} & {f.rule for f in rep.findings}
    assert any(r["name"] == "pre-consent-collection" and not r["enabled"] for r in rep.rules)


def test_a_severity_override_applies_to_findings_and_metadata(ungated):
    cfg = Config(rules={"device-identifier": RuleOverride(severity="high")})
    rep = Auditor(cfg).run(ungated)
    assert {f.severity.value for f in rep.findings if f.rule == "device-identifier"} == {"high"}
    # ...and does not leak into the next audit in the same process
    again = Auditor(Config()).run(ungated)
    assert {f.severity.value for f in again.findings if f.rule == "device-identifier"} == {"medium"}


def test_a_config_suppression_by_fingerprint_keeps_the_finding_with_its_reason(ungated):
    target = next(f for f in Auditor(Config()).run(ungated).findings if f.rule == "pre-consent-collection")
    cfg = Config(suppress=[SuppressEntry(reason="read only on test builds", fingerprint=target.fingerprint)])
    rep = Auditor(cfg).run(ungated)
    f = next(f for f in rep.findings if f.fingerprint == target.fingerprint)
    assert f.suppression is not None and f.suppression.kind == "config"
    assert f.suppression.reason == "read only on test builds"
    assert f not in rep.active_findings()


def test_an_inline_suppression_in_source_applies_with_its_reason(tmp_path):
    project = tmp_path / "twin"
    shutil.copytree(TWIN_SRC, project)
    java = project / "app/src/main/java/com/selfaudit/twin/TwinApp.java"
    text = java.read_text(encoding="utf-8").replace(
        "        deviceId = tm.getDeviceId();",
        "        // selfaudit: ignore[pre-consent-collection, device-identifier] kiosk build, consent is contractual\n"
        "        deviceId = tm.getDeviceId();")
    java.write_text(text, encoding="utf-8")
    rep = Auditor(Config(root=project)).run(project)
    imei = [f for f in rep.findings if f.rule in ("pre-consent-collection", "device-identifier")
            and f.location.class_name == "com.selfaudit.twin.TwinApp"]
    assert imei and all(f.suppression is not None and f.suppression.kind == "inline" for f in imei)
    assert imei[0].suppression.reason == "kiosk build, consent is contractual"
    others = [f for f in rep.findings if f.rule == "pre-consent-collection" and f not in imei]
    assert others and all(f.suppression is None for f in others)   # only the marked line


def test_fingerprints_survive_line_shifts(tmp_path):
    project = tmp_path / "twin"
    shutil.copytree(TWIN_SRC, project)
    before = {(f.rule, f.fingerprint) for f in Auditor(Config(root=project)).run(project).findings}
    for java in project.rglob("*.java"):
        text = java.read_text(encoding="utf-8")
        java.write_text(text.replace("\npublic class", "\n// a comment\n\n// moves every line down\npublic class"),
                        encoding="utf-8")
    after_report = Auditor(Config(root=project)).run(project)
    after = {(f.rule, f.fingerprint) for f in after_report.findings}
    assert before == after
    moved = next(f for f in after_report.findings if f.rule == "pre-consent-collection" and f.location.line)
    assert moved.location.line > 3


def test_code_level_findings_point_at_the_source_line(tmp_path):
    rep = Auditor(Config(root=TWIN_SRC)).run(TWIN_SRC)
    imei = next(f for f in rep.findings if f.rule == "pre-consent-collection"
                and f.location.class_name == "com.selfaudit.twin.TwinApp")
    assert imei.location.file.endswith("TwinApp.java") and imei.location.line == 15
    umeng = next(f for f in rep.findings if f.rule == "sdk-init-before-consent")
    assert umeng.location.file.endswith("TwinApp.java") and umeng.location.line == 16


def test_messages_are_specific_and_bilingual(ungated):
    rep = Auditor(Config()).run(ungated)
    for f in rep.findings:
        assert f.message_zh, f.rule
        assert f.regulations, f.rule
    pre = next(f for f in rep.findings if f.rule == "pre-consent-collection")
    assert "App.readImei" in pre.message and "IMEI" in pre.message and "IMEI" in pre.message_zh
