"""The knowledge base: built-in data is complete and valid; malformed entries are rejected clearly."""

from __future__ import annotations

import textwrap

import pytest

from selfaudit.api import Auditor
from selfaudit.config import Config
from selfaudit.errors import KnowledgeError
from selfaudit.knowledge import (
    KNOWN_TAGS,
    SDK,
    KnowledgeBase,
    _parse_builtin,
    add_contribution,
    load_knowledge,
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return _parse_builtin()  # no cache: parse and validate every file


def test_builtin_data_validates(kb):
    assert kb.validate() == []


def test_minimum_coverage(kb):
    assert len(kb.pi_types) >= 40
    assert len(kb.permissions) >= 60
    assert len(kb.apis) >= 100
    assert len(kb.sdks) >= 150
    assert sum(1 for s in kb.sdks.values() if s.region == "cn") >= 80
    assert len(kb.app_categories) == 39
    assert sorted(c.number for c in kb.app_categories.values()) == list(range(1, 40))
    assert sum(1 for c in kb.app_categories.values() if not c.necessary_pi) == 13


def test_every_entry_has_a_source(kb):
    for table in (kb.categories, kb.pi_types, kb.permissions, kb.apis, kb.sdks, kb.packers, kb.app_categories, kb.regulations):
        for key, entry in table.items():
            assert entry.source and all(s.strip() for s in entry.source), key


def test_required_device_identifiers_and_areas_exist(kb):
    for pi in ("device.imei", "device.imsi", "device.iccid", "device.serial", "device.mac", "device.android_id",
               "device.oaid", "device.advertising_id", "location.precise", "location.coarse", "location.cell",
               "location.wifi", "contacts.address_book", "comms.call_log", "comms.sms", "calendar.events",
               "apps.installed", "apps.running", "clipboard.content", "media.camera", "media.audio",
               "biometric.face", "identity.id_document", "payment.bank_card", "usage.logs"):
        assert pi in kb.pi_types, pi
    for tag in ("device-identifier", "installed-apps", "clipboard-read", "permission-request",
                "dynamic-code-loading", "motion-sensor", "associated-start"):
        assert kb.apis_by_tag(tag), tag
    assert all(set(a.tags) <= KNOWN_TAGS for a in kb.apis.values())


def test_key_chinese_sdks_are_catalogued(kb):
    text = " ".join(f"{s.id} {s.name_en} {s.name_zh}" for s in kb.sdks.values()).lower()
    for name in ("umeng", "jpush", "getui", "amap", "baidu", "pangle", "gdt", "wechat", "alipay", "bugly",
                 "tinker", "x5", "msa", "agora", "shumei", "iflytek"):
        assert name in text or name.upper() in text, name


def test_sdk_prefix_lookup_is_longest_match_on_package_boundaries(kb):
    hit = kb.sdk_for_package("com.umeng.commonsdk.statistics.a.b")
    assert hit and hit[1].id == "umeng-common"
    # obfuscated remainders still match their SDK
    assert kb.sdk_for_package("cn.jpush.android.a.b")[1].id.startswith("jpush")
    # a prefix only matches at a package boundary
    assert kb.sdk_for_package("com.umengx.foo") is None


def write(tmp_path, body: str, name: str = "extra.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD_SDK = """
    [[sdk]]
    id = "acme-ads"
    name_zh = "Acme 广告"
    name_en = "Acme Ads"
    company_zh = "Acme"
    company_en = "Acme Inc."
    category = "ads"
    region = "global"
    packages = ["com.acme.ads"]
    pi_types = ["device.advertising_id"]
    source = "https://acme.example/docs"
"""


@pytest.mark.parametrize(
    "bad, message",
    [
        (GOOD_SDK.replace('    source = "https://acme.example/docs"\n', ""), "missing required field 'source'|missing 'source'"),
        (GOOD_SDK.replace('"device.advertising_id"', '"device.nope"'), "unknown pi_type 'device.nope'"),
        (GOOD_SDK.replace('id = "acme-ads"', 'id = "Acme_Ads"'), "must be kebab-case"),
        (GOOD_SDK.replace('category = "ads"', 'category = "advertising"'), "category 'advertising'"),
        (GOOD_SDK.replace('packages = ["com.acme.ads"]', 'packages = ["acme"]'), "package prefix 'acme'"),
        (GOOD_SDK + '    colour = "red"\n', "unknown field 'colour'"),
        (GOOD_SDK.replace('region = "global"', "region = 3"), "field 'region' must be a string"),
        (GOOD_SDK + '    meta_data = ["acme.enabled"]\n    autoinit_off = ["acme.enabled"]\n',
         "autoinit_off entry 'acme.enabled' must be 'meta-data-name=value'"),
        (GOOD_SDK + '    meta_data = ["acme.enabled"]\n    autoinit_off = ["acme.enabled = false"]\n',
         "must be 'meta-data-name=value'"),
        (GOOD_SDK + '    autoinit_off = ["acme.enabled=false"]\n', "'acme.enabled' must also be listed in meta_data"),
        (GOOD_SDK + '    autoinit_off = "acme.enabled=false"\n    meta_data = ["acme.enabled"]\n    low_signal = true\n',
         "unknown field 'low_signal'"),
    ],
)
def test_malformed_sdk_is_rejected_naming_file_and_entry(tmp_path, kb, bad, message):
    import re

    path = write(tmp_path, bad)
    base = _parse_builtin()
    with pytest.raises(KnowledgeError) as exc:
        add_contribution(base, path, "plugin team")
        errors = base.validate()
        if errors:
            raise KnowledgeError(errors[0])
    text = str(exc.value)
    assert str(path) in text or "extra.toml" in text
    assert "acme" in text.lower()
    assert re.search(message, text), text


def test_malformed_api_entries(tmp_path):
    base = _parse_builtin()
    path = write(tmp_path, """
        [[api]]
        id = "acme.read"
        kind = "call"
        class = "Lcom/acme/Reader;"
        member = "read"
        pi_types = []
        source = "x"
        """)
    with pytest.raises(KnowledgeError, match="not a binary class name"):
        add_contribution(base, path, "t")
    path = write(tmp_path, """
        [[api]]
        id = "acme.read"
        kind = "call"
        class = "com.acme.Reader"
        member = "read"
        pi_types = []
        tags = ["telepathy"]
        source = "x"
        """, "b.toml")
    with pytest.raises(KnowledgeError, match="unknown tags"):
        add_contribution(base, path, "t")


def test_low_signal_is_a_pi_type_and_api_flag_and_needs_pi_types_on_an_api(tmp_path):
    base = _parse_builtin()
    path = write(tmp_path, """
        [[api]]
        id = "acme.timer"
        kind = "call"
        class = "com.acme.Timer"
        member = "tick"
        pi_types = []
        low_signal = true
        source = "x"
        """)
    with pytest.raises(KnowledgeError, match="low_signal only means something on an entry with pi_types"):
        add_contribution(base, path, "t")
    path = write(tmp_path, """
        [[pi_type]]
        id = "acme.beacon"
        name_zh = "信标"
        name_en = "Beacon"
        category = "device"
        sensitive = false
        low_signal = "yes"
        source = "x"
        """, "b.toml")
    with pytest.raises(KnowledgeError, match="field 'low_signal' must be true or false"):
        add_contribution(base, path, "t")


def test_builtin_low_signal_flags(kb):
    # What pre-consent-collection and frequent-collection skip by default: plumbing PI types, and
    # the two PackageManager calls whose usual use reads only the app's own data.
    assert set(kb.low_signal_pi_types()) == {"device.info", "network.state", "network.ip", "network.carrier",
                                             "media.files", "device.sensors", "usage.crash_logs"}
    assert set(kb.low_signal_apis()) == {"package-manager.get-packages-for-uid",
                                         "package-manager.get-installer-package-name"}
    for pid in kb.low_signal_pi_types():
        assert "low_signal" in (kb.pi_types[pid].note or ""), f"{pid}: say why in the note"
    for aid in kb.low_signal_apis():
        api = kb.apis[aid]
        assert api.pi_types == ("apps.installed",) and "low_signal" in (api.note or "")
    # identifiers and the app list are never low-signal
    assert not {"device.imei", "device.android_id", "apps.installed", "location.precise"} & set(kb.low_signal_pi_types())


def test_builtin_auto_init_switches(kb):
    switches = {s.id: dict(s.autoinit_switches()) for s in kb.sdks.values() if s.autoinit_off}
    assert switches == {
        "firebase-analytics": {"firebase_analytics_collection_enabled": "false",
                               "firebase_analytics_collection_deactivated": "true"},
        "firebase-crashlytics": {"firebase_crashlytics_collection_enabled": "false"},
        "firebase-performance": {"firebase_performance_collection_enabled": "false",
                                 "firebase_performance_collection_deactivated": "true"},
        "firebase-cloud-messaging": {"firebase_messaging_auto_init_enabled": "false"},
        "facebook-core": {"com.facebook.sdk.AutoInitEnabled": "false"},
        "sentry": {"io.sentry.auto-init": "false"},
    }
    for sdk_id in switches:
        sdk = kb.sdks[sdk_id]
        assert sdk.autoinit_providers and any(s.startswith("https://") for s in sdk.source), sdk_id
        for key in switches[sdk_id]:
            assert kb.sdk_for_meta_data(key) is sdk or key in sdk.meta_data
    sentry = kb.sdks["sentry"]
    assert sentry.switched_off({"io.sentry.auto-init": "FALSE"}) == ["io.sentry.auto-init"]
    assert sentry.switched_off({"io.sentry.auto-init": "${autoInit}"}) == []
    assert sentry.switched_off({}) == []


def test_duplicate_builtin_ids_are_rejected(tmp_path):
    from selfaudit.knowledge import _add_document, _load_toml

    kb = KnowledgeBase()
    doc = _load_toml(write(tmp_path, GOOD_SDK.replace('"device.advertising_id"', "")))
    _add_document(kb, doc, "a.toml", override=False)
    with pytest.raises(KnowledgeError, match="defined twice"):
        _add_document(kb, doc, "b.toml", override=False)


def test_plugin_entry_overrides_builtin():
    builtin = _parse_builtin()
    sdk_id = "umeng-common"
    original = builtin.sdks[sdk_id]
    kb = load_knowledge([("plugin team", {"sdk": [{
        "id": sdk_id, "name_zh": original.name_zh, "name_en": "Umeng (team view)", "company_zh": original.company_zh,
        "company_en": original.company_en, "category": original.category, "region": "cn",
        "packages": list(original.packages), "pi_types": ["device.android_id"], "source": "team review 2026-11",
    }]})])
    assert kb.sdks[sdk_id].name_en == "Umeng (team view)"
    assert kb.sdks[sdk_id].origin == "plugin team"
    assert kb.sdk_for_package("com.umeng.commonsdk.x")[1].name_en == "Umeng (team view)"


def test_plugin_contribution_of_wrong_type_is_named():
    class Bad:
        @staticmethod
        @__import__("selfaudit").hookimpl
        def selfaudit_add_knowledge():
            return 42

    with pytest.raises(KnowledgeError, match="plugin bad"):
        _ = Auditor(Config(), extra_plugins=[("bad", Bad)]).knowledge


def test_own_package_is_never_a_third_party():
    from selfaudit.enrich import build_inventory
    from selfaudit.model import AppFacts, Inventory

    kb = KnowledgeBase()
    kb.add("sdk", SDK(id="tencent-x", name_zh="x", name_en="x", category="other", packages=("com.tencent.mm",), source=("t",)))
    facts = AppFacts(target="x", kind="apk", package="com.tencent.mm", packages={"com.tencent.mm.ui": 10})
    assert build_inventory(facts, Inventory(), kb).third_parties == []
    facts.package = "com.example.app"
    assert [t.id for t in build_inventory(facts, Inventory(), kb).third_parties] == ["tencent-x"]


def test_cache_round_trip(tmp_path, monkeypatch):
    from selfaudit.knowledge import load_builtin

    monkeypatch.setenv("SELFAUDIT_CACHE_DIR", str(tmp_path))
    first = load_builtin()
    assert list(tmp_path.glob("knowledge-*.pickle"))
    second = load_builtin()
    assert second.sdks.keys() == first.sdks.keys()
    assert second.sdk_for_package("com.umeng.commonsdk.a")[1].id == "umeng-common"


def test_sdk_signals_that_are_class_names_match_through_the_code_model():
    from selfaudit.enrich import build_inventory
    from selfaudit.model import AppFacts, Inventory

    class Code:
        def has_class(self, name):
            return name == "com.facebook.FacebookSdk"

    kb = _parse_builtin()
    assert ("com.facebook.FacebookSdk", kb.sdks["facebook-core"]) in kb.sdk_class_signals()
    facts = AppFacts(target="x", kind="apk", package="com.example", packages={"com.facebook": 1}, code=Code())
    inv = build_inventory(facts, Inventory(), kb)
    fb = next(tp for tp in inv.third_parties if tp.id == "facebook-core")
    assert "com.facebook.FacebookSdk" in fb.packages
    facts.code = None
    assert not any(tp.id == "facebook-core" for tp in build_inventory(facts, Inventory(), kb).third_parties)
