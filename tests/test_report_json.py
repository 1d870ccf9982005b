"""The JSON report: schema validation, round trip, and rejection of malformed reports."""

from __future__ import annotations

import copy
import json

import pytest

from selfaudit.api import Auditor
from selfaudit.config import Config
from selfaudit.model import (
    AppSummary,
    Confidence,
    Evidence,
    Finding,
    Location,
    PermissionItem,
    PIItem,
    Report,
    Severity,
    SigningInfo,
    ThirdParty,
    from_dict,
    to_dict,
)
from selfaudit.render.json_report import load_schema, render_json, report_to_json_data

jsonschema = pytest.importorskip("jsonschema")


def full_report() -> Report:
    src = Location(file="app/src/main/java/com/example/App.java", line=12, class_name="com.example.App$Inner", method="onCreate", descriptor="()V")
    ev = Evidence(kind="api", api="android.telephony.TelephonyManager.getDeviceId", location=src, third_party=None, reachable=True, path=["com.example.App.onCreate()V"])
    return Report(
        target="app.apk",
        app=AppSummary(package="com.example", label="Example", version_name="1.0", version_code=7, min_sdk=21, target_sdk=34, kind="apk", signing=SigningInfo(v1=True, v2=True, certificates=["CN=Example"])),
        tool={"name": "selfaudit", "version": "0.1.0"},
        generated_at="2026-11-29T00:00:00+00:00",
        permissions=[PermissionItem(name="android.permission.READ_PHONE_STATE", protection_level="dangerous", pi_types=["device.imei"], label_zh="读取手机状态和身份", evidence=[Evidence(kind="permission", detail="android.permission.READ_PHONE_STATE", location=Location(file="AndroidManifest.xml"))])],
        data_items=[PIItem(pi_type="device.imei", name_zh="设备识别码", name_en="IMEI", category="device", sensitive=False, sources=[ev])],
        third_parties=[ThirdParty(id="jpush", name_zh="极光推送", name_en="JPush", company="深圳市和讯华谷信息技术有限公司", packages=["cn.jpush.android"], pi_types=["device.imei"], policy_url="https://www.jiguang.cn/license/privacy", evidence=[Evidence(kind="sdk-class", detail="cn.jpush.android (120 classes)", third_party="jpush")])],
        findings=[Finding(rule="pre-consent-collection", code="SA101", severity=Severity.HIGH, confidence=Confidence.MEDIUM, message="IMEI read before consent", location=src, evidence=[ev], regulations=["miit-164 1.1"], path=["com.example.App.onCreate()V"], fingerprint="0123456789abcdef0123456789abcdef")],
        warnings=["a warning"],
    )


def test_full_report_validates_and_round_trips():
    report = full_report()
    data = report_to_json_data(report)
    jsonschema.validate(data, load_schema())
    again = from_dict(Report, json.loads(render_json(report)))
    assert to_dict(again) == to_dict(report)
    assert data["data_items"][0]["sources"][0]["location"]["class"] == "com.example.App$Inner"


def test_demo_report_validates(demo_apk):
    report = Auditor(Config()).run(demo_apk)
    jsonschema.validate(report_to_json_data(report), load_schema())


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.pop("schema_version"),
        lambda d: d["findings"][0].update(severity="critical"),
        lambda d: d["findings"][0].pop("fingerprint"),
        lambda d: d["data_items"][0].update(pi_type="IMEI"),
        lambda d: d["data_items"][0]["sources"][0].pop("reachable"),
        lambda d: d["data_items"][0]["sources"][0]["location"].update({"class": "Lcom/example/App;"}),
        lambda d: d["app"].update(version_code="7"),
    ],
)
def test_schema_rejects_malformed_reports(mutate):
    data = copy.deepcopy(report_to_json_data(full_report()))
    mutate(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, load_schema())


def test_fingerprint_ignores_line_numbers():
    from selfaudit.model import fingerprint

    a = fingerprint("device-identifier", Location(file="A.java", line=10, class_name="A", method="m"), "getDeviceId")
    b = fingerprint("device-identifier", Location(file="A.java", line=99, class_name="A", method="m"), "getDeviceId")
    c = fingerprint("device-identifier", Location(file="B.java", line=10, class_name="B", method="m"), "getDeviceId")
    assert a == b != c
