"""Tests of the example team rule pack, through selfaudit's public API only."""

from __future__ import annotations

import selfaudit_team_rules as team

from selfaudit.api import Auditor
from selfaudit.config import Config
from selfaudit.model import AppFacts, Inventory, ThirdParty


def make_auditor(options: dict) -> Auditor:
    cfg = Config(plugin={"team-rules": options})
    return Auditor(cfg, extra_plugins=[("team-rules", team)])


def run_rule(auditor: Auditor, facts: AppFacts, inventory: Inventory):
    from selfaudit.api import CheckContext

    ctx = CheckContext(knowledge=auditor.knowledge, declarations=auditor.declarations, config=auditor.config)
    return list(team.FORBIDDEN_SDK.check(facts, inventory, ctx))


def test_rule_is_listed_with_its_plugin():
    auditor = make_auditor({})
    rule = next(r for r in auditor.all_rules() if r.name == "forbidden-sdk")
    assert rule.code == "TEAM001" and rule.plugin == "team-rules"


def test_in_house_sdk_joins_the_knowledge_base():
    auditor = make_auditor({})
    sdk = auditor.knowledge.sdks["acme-telemetry"]
    assert sdk.company_en.startswith("Acme")
    assert auditor.knowledge.sdk_for_package("com.acme.telemetry.core")[1].id == "acme-telemetry"


def test_fires_on_a_forbidden_catalog_sdk():
    auditor = make_auditor({"forbidden_sdks": ["acme-telemetry"], "reason": "SEC-1"})
    inv = Inventory(third_parties=[ThirdParty(id="acme-telemetry", name_zh="x", name_en="Acme", packages=["com.acme.telemetry"])])
    findings = run_rule(auditor, AppFacts(target="x", kind="apk"), inv)
    assert [f.rule for f in findings] == ["forbidden-sdk"]
    assert "SEC-1" in findings[0].message


def test_fires_on_a_forbidden_package_prefix_outside_the_catalog():
    auditor = make_auditor({"forbidden_sdks": ["com.example.badsdk"]})
    facts = AppFacts(target="x", kind="apk", packages={"com.example.badsdk.core": 3, "com.example.app": 9})
    findings = run_rule(auditor, facts, Inventory())
    assert len(findings) == 1 and "(3)" in findings[0].message


def test_silent_without_a_deny_list_or_without_a_match():
    auditor = make_auditor({})
    inv = Inventory(third_parties=[ThirdParty(id="acme-telemetry", name_zh="x", name_en="Acme")])
    assert run_rule(auditor, AppFacts(target="x", kind="apk"), inv) == []
    auditor = make_auditor({"forbidden_sdks": ["other-sdk"]})
    assert run_rule(auditor, AppFacts(target="x", kind="apk"), inv) == []


def test_end_to_end_on_a_source_project(tmp_path):
    (tmp_path / "app" / "src" / "main").mkdir(parents=True)
    (tmp_path / "app" / "src" / "main" / "AndroidManifest.xml").write_text(
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.shop">'
        '<application><meta-data android:name="ACME_TELEMETRY_KEY" android:value="k"/></application></manifest>'
    )
    auditor = make_auditor({"forbidden_sdks": ["acme-telemetry"]})
    report = auditor.run(tmp_path)
    assert any(tp.id == "acme-telemetry" for tp in report.third_parties)
    assert any(f.rule == "forbidden-sdk" and f.severity.value == "high" for f in report.findings)
