"""The declarations file: loading, per-language text, errors with file:line:key, names, reconcile()."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from selfaudit.declarations import (
    Declarations,
    PIDeclaration,
    is_todo,
    load_declarations,
    reconcile,
    validate_declarations,
)
from selfaudit.errors import ConfigError
from selfaudit.knowledge import load_knowledge
from selfaudit.model import Inventory, PermissionItem, PIItem, ThirdParty

FULL = """\
[meta]
target = "app/build/outputs/apk/release/app-release.apk"

[app]
name = "示例商城"
name_en = "Example Shop"
package = "com.example.shop"
category = "网上购物类"

[operator]
company = "示例科技有限公司"
company_en = "Example Tech Co., Ltd."
address = "TODO"
email = "privacy@example.com"
dpo_email = "dpo@example.com"

[policy]
effective_date = "2025-01-01"
retention = "账号注销后15个工作日内删除"
retention_en = "Deleted within 15 working days after the account is closed"

[consent]
gate_methods = ["com.example.shop.PrivacyActivity.onAgree"]

[pi."location.precise"]
purpose = "为您推荐附近门店"
purpose_en = "Recommend nearby stores"
scenario = "首页推荐"
required = false
sensitive = true

[pi."identity.phone_number"]
purpose = "TODO"
required = "TODO"

[third_party.jpush]
purpose = "消息推送"
sharing = "SDK本机采集"
pi_types = ["device.imei", "device.android_id"]

[permission.CAMERA]
purpose = "扫码"
asked_when = "首次使用扫码功能时"
"""


def write(tmp_path: Path, text: str, name: str = "privacy.toml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def test_loads_every_section(tmp_path):
    d = load_declarations(write(tmp_path, FULL))
    assert d.app_name == "示例商城" and d.app_text("en") == "Example Shop" and d.app_text("zh-CN") == "示例商城"
    assert d.app_category == "网上购物类" and d.app_package == "com.example.shop"
    assert d.operator.company == "示例科技有限公司" and d.operator.text("company", "en") == "Example Tech Co., Ltd."
    assert is_todo(d.operator.address) and d.operator.dpo_email == "dpo@example.com"
    assert d.policy.effective_date == "2025-01-01"
    assert d.policy.text("retention", "en").startswith("Deleted") and d.policy.text("retention", "zh-CN").startswith("账号")
    assert d.consent.declared and d.consent.gate_methods == ["com.example.shop.PrivacyActivity.onAgree"]
    loc = d.pi["location.precise"]
    assert loc.required is False and loc.sensitive is True and loc.complete
    assert loc.text("purpose", "en") == "Recommend nearby stores" and loc.text("scenario", "en") == "首页推荐"
    assert loc.line == 25
    phone = d.pi["identity.phone_number"]
    assert phone.required is None and not phone.complete  # TODO counts as missing
    assert d.third_parties["jpush"].pi_types == ["device.imei", "device.android_id"]
    assert d.declares_permission("android.permission.CAMERA") and d.permission("android.permission.CAMERA").asked_when
    assert d.target_path() == (tmp_path / "app/build/outputs/apk/release/app-release.apk").resolve()


def test_category_may_be_the_number(tmp_path, kb):
    d = load_declarations(write(tmp_path, "[app]\ncategory = 38\n"))
    assert d.app_category == "38"
    validate_declarations(d, kb)
    assert kb.app_category(d.app_category).id == "utilities"


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("[app]\nname = 3\n", ":2: app.name:", "must be a string"),
        ("[app]\n\n\ncolour = 'red'\n", ":4: app.colour:", "unknown key"),
        ("[pi.\"device.imei\"]\npurpose = 'x'\nrequired = 'sometimes'\n", ":3: pi.device.imei.required:", "true or false"),
        ("[third_party.jpush]\npi_types = 'device.imei'\n", ":2: third_party.jpush.pi_types:", "list of strings"),
        ("[permission.CAMERA]\nwhy = 'scan'\n", ":2: permission.CAMERA.why:", "unknown key"),
        ("[consent]\ngate_methods = 'x'\n", ":2: consent.gate_methods:", "list of strings"),
        ("colour = 1\n", ":1: colour:", "unknown section"),
        ("pi = 3\n", ":1: pi:", "must be tables"),
        ("[permission.CAMERA]\npurpose='a'\n[permission.\"android.permission.CAMERA\"]\npurpose='b'\n",
         ":3: permission.android.permission.CAMERA:", "declared twice"),
        ("[pi.\"device.imei\"]\npurpose_fr = 'x'\n", ":2: pi.device.imei.purpose_fr:", "unknown key"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path, text, where, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_declarations(path)
    assert str(exc.value).startswith(str(path) + where), str(exc.value)
    assert message in str(exc.value)


def test_invalid_toml_names_the_file_and_line(tmp_path):
    path = write(tmp_path, "[app]\nname = \n")
    with pytest.raises(ConfigError, match=r"privacy\.toml: invalid TOML: .*line 2"):
        load_declarations(path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="declarations file not found"):
        load_declarations(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("[app]\ncategory = '宠物类'\n", ":2: app.category:", "unknown app category"),
        ("[pi.\"pet.name\"]\npurpose = 'x'\n", ":1: pi.pet.name:", "unknown PI type"),
        ("[pi.\"device.imei\"]\ncategory = 'gadgets'\n", ":2: pi.device.imei.category:", "unknown PI category"),
        ("[third_party.acme]\npurpose = 'x'\n", ":1: third_party.acme:", "not in the SDK catalog"),
        ("[third_party.jpush]\n\npi_types = ['device.soul']\n", ":3: third_party.jpush.pi_types:", "unknown PI type"),
    ],
)
def test_names_are_checked_against_the_knowledge_base(tmp_path, kb, text, where, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        validate_declarations(load_declarations(path), kb)
    assert str(exc.value).startswith(str(path) + where), str(exc.value)
    assert message in str(exc.value)


def test_a_team_can_declare_what_the_knowledge_base_does_not_know(tmp_path, kb):
    d = load_declarations(write(tmp_path, """\
        [pi."shop.delivery_address"]
        name = "收货地址"
        name_en = "Delivery address"
        category = "basic"
        sensitive = false
        purpose = "配送商品"

        [third_party.sf-express]
        name = "顺丰速运"
        company = "顺丰速运有限公司"
        pi_types = ["shop.delivery_address", "identity.phone_number"]
        """))
    validate_declarations(d, kb)
    assert d.pi["shop.delivery_address"].text("name", "en") == "Delivery address"


def test_reconcile_detected_against_declared():
    inv = Inventory(
        data_items=[PIItem("device.imei", "IMEI", "IMEI"), PIItem("location.precise", "精确位置", "Precise")],
        third_parties=[ThirdParty("jpush", "极光推送", "JPush")],
        permissions=[PermissionItem("android.permission.CAMERA"), PermissionItem("android.permission.READ_PHONE_STATE")],
    )
    decl = Declarations(
        pi={"device.imei": PIDeclaration("device.imei", purpose="推送", scenario="消息推送"),
            "account.user_id": PIDeclaration("account.user_id")},
    )
    from selfaudit.declarations import PermissionDeclaration, ThirdPartyDeclaration

    decl.third_parties["umeng-analytics"] = ThirdPartyDeclaration("umeng-analytics", purpose="统计")
    decl.permissions["CAMERA"] = PermissionDeclaration("CAMERA", purpose="扫码")
    decl.permissions["android.permission.RECORD_AUDIO"] = PermissionDeclaration("android.permission.RECORD_AUDIO")
    r = reconcile(inv, decl)
    assert r.undeclared_pi == ["location.precise"]
    assert r.undeclared_third_parties == ["jpush"]
    assert r.undeclared_permissions == ["android.permission.READ_PHONE_STATE"]
    assert r.not_observed_pi == ["account.user_id"]
    assert r.not_observed_third_parties == ["umeng-analytics"]
    assert r.not_observed_permissions == ["android.permission.RECORD_AUDIO"]
    assert r.incomplete_pi == ["account.user_id"]
    assert r.incomplete_third_parties == ["umeng-analytics"]  # no scenario
    assert r.incomplete_permissions == ["android.permission.RECORD_AUDIO"]


@pytest.mark.parametrize("value, todo", [(None, True), ("", True), ("  ", True), ("TODO", True),
                                         ("todo: ask legal", True), ("推送", False), ("Todolist sync", False), ("TODO：问法务", True)])
def test_is_todo(value, todo):
    assert is_todo(value) is todo


def test_the_documented_example_is_valid(tmp_path, kb):
    """docs/documents.md shows a complete privacy.toml: it must load and name real things."""
    import re

    doc = (Path(__file__).resolve().parent.parent / "docs" / "documents.md").read_text(encoding="utf-8")
    example = next(block for block in re.findall(r"```toml\n(.*?)```", doc, re.S) if "[operator]" in block)
    d = load_declarations(write(tmp_path, example))
    validate_declarations(d, kb)
    assert d.app_category == "网上购物类" and d.pi["shop.member_level"].text("name", "en") == "Membership level"
    assert d.third_parties["sf-express"].pi_types == ["order.shipping", "identity.phone_number"]
    assert not reconcile(Inventory(), d).incomplete_pi
