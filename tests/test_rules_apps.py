"""Code-level rules on APKs built from smali in tests/apps/ (scripts/build_apks.py), end to end.

Each app isolates one situation a reviewer cares about: an IMEI read in Application.onCreate with
no gate, the same read behind a declared gate, an SDK started by a ContentProvider, and reads
handed off to a Handler, a Thread, an executor running a D8 lambda, an AsyncTask, a Timer and a
Handler subclass. The JSON report must carry ``reachable`` on every PI source.
"""

from __future__ import annotations

import json

import conftest
import pytest

from selfaudit.api import Auditor
from selfaudit.config import Config
from selfaudit.render.json_report import render_json


def built_app(name):
    return conftest.test_app(name)


GATE = """
[consent]
gate_checks = ["com.selfaudit.t.gated.Privacy.isAgreed"]
gate_methods = ["com.selfaudit.t.gated.App.onAgreed"]
"""


def audit(name, tmp_path=None, decl=""):
    config = Config()
    if decl:
        path = tmp_path / "privacy.toml"
        path.write_text(decl, encoding="utf-8")
        config.declarations = path
    return Auditor(config).run(built_app(name))


def of(report, rule):
    return [f for f in report.findings if f.rule == rule]


@pytest.fixture(scope="module")
def handoffs():
    return Auditor(Config()).run(built_app("reach_handoffs"))


def test_imei_in_application_oncreate_without_a_gate_is_collection_before_consent():
    rep = audit("consent_ungated")
    found = of(rep, "pre-consent-collection")
    assert len(found) == 1
    f = found[0]
    assert f.code == "SA101" and f.severity.value == "high"
    assert f.path == ["com.selfaudit.t.ungated.App.onCreate()V", "com.selfaudit.t.ungated.App.readImei()V"]
    assert (f.location.class_name, f.location.method) == ("com.selfaudit.t.ungated.App", "readImei")
    assert f.confidence.value == "medium" and "no consent gate is declared" in f.message
    assert {x.rule for x in rep.findings} >= {"undeclared-collection", "device-identifier", "undeclared-permission"}


def test_the_same_read_behind_the_declared_gate_is_not_reported(tmp_path):
    rep = audit("consent_gated", tmp_path, GATE)
    assert not of(rep, "pre-consent-collection")
    assert not of(rep, "sdk-init-before-consent")       # UMConfigure.init runs only in onAgreed
    assert not of(rep, "privacy-policy-missing")        # the consent dialog's wording is there
    # the read still exists and is reachable (the "agree" button is a user action)
    imei = next(i for i in rep.data_items if i.pi_type == "device.imei")
    assert imei.reachable is True


def test_the_gated_app_without_declarations_reports_the_guarded_read_at_lower_confidence():
    rep = audit("consent_gated")
    found = of(rep, "pre-consent-collection")
    assert [f.location.method for f in found] == ["readImei"]
    assert found[0].confidence.value == "medium"
    # The agree button's code (UMConfigure.init in onAgreed) is never treated as start-up code.
    assert not of(rep, "sdk-init-before-consent")


def test_a_provider_auto_initialising_an_sdk_is_reported():
    rep = audit("sdk_autoinit")
    found = of(rep, "sdk-init-before-consent")
    messages = " | ".join(f.message for f in found)
    assert "UMConfigure.init" in messages and "SdkInitProvider" in messages
    assert "FirebaseInitProvider" in messages
    umeng = next(f for f in found if "UMConfigure" in f.message)
    assert umeng.path == ["com.selfaudit.t.autoinit.SdkInitProvider.onCreate()Z"]
    assert "ContentProvider" in umeng.message


@pytest.mark.parametrize("cls, method, api", [
    ("App$PostedRead", "run", "getDeviceId"),                        # Handler.post(Runnable)
    ("App$ThreadRead", "run", "getSubscriberId"),                    # new Thread(Runnable).start()
    ("App", "lambda$onCreate$0", "getSerial"),                       # Executor.execute(D8 lambda)
    ("App$MacTask", "doInBackground", "getMacAddress"),              # AsyncTask.execute()
    ("App$LocationTick", "run", "getLastKnownLocation"),             # Timer.schedule(TimerTask)
    ("App$AppsHandler", "handleMessage", "getInstalledPackages"),    # Handler subclass sendEmptyMessage
])
def test_reads_handed_off_at_start_up_are_collection_before_consent(handoffs, cls, method, api):
    found = [f for f in of(handoffs, "pre-consent-collection")
             if f.location.class_name == f"com.selfaudit.t.handoffs.{cls}" and f.location.method == method]
    assert found, f"{cls}.{method} ({api}) not reported"
    f = found[0]
    assert api in f.message
    assert f.path[0] == "com.selfaudit.t.handoffs.App.onCreate()V"
    assert f.path[-1].startswith(f"com.selfaudit.t.handoffs.{cls}.{method}(")


def test_a_click_listener_read_is_reachable_but_not_before_consent(handoffs):
    assert not [f for f in of(handoffs, "pre-consent-collection") if "MainActivity$1" in (f.location.class_name or "")]
    clip = next(f for f in of(handoffs, "clipboard-read"))
    assert clip.severity.value == "medium" and clip.evidence[0].reachable is True


def test_a_periodic_timer_read_is_frequent_collection(handoffs):
    found = of(handoffs, "frequent-collection")
    assert found and found[0].location.class_name == "com.selfaudit.t.handoffs.App$LocationTick"


def test_every_pi_source_in_the_json_report_carries_reachable(handoffs):
    doc = json.loads(render_json(handoffs))
    code_sources = [s for item in doc["data_items"] for s in item["sources"] if s["kind"] in ("api", "field", "string")]
    assert code_sources and all(s["reachable"] in (True, False) for s in code_sources)
    unused = [s for s in code_sources if s["location"]["method"] == "unused"]
    assert unused and all(s["reachable"] is False and s["path"] == [] for s in unused)
    posted = next(s for s in code_sources if s["location"]["class"].endswith("App$PostedRead"))
    assert posted["reachable"] is True and posted["path"][0].endswith("App.onCreate()V")


def test_fingerprints_do_not_depend_on_the_order_of_analysis(handoffs):
    again = Auditor(Config()).run(built_app("reach_handoffs"))
    assert {f.fingerprint for f in handoffs.findings} == {f.fingerprint for f in again.findings}
