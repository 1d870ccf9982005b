"""Every built-in rule: its metadata, and one case that fires and one that stays silent.

Facts are built by hand (a manifest's worth of AppFacts, code references, and a
:class:`~selfaudit.reach.MemoryCodeModel` for the rules that need the call graph), so each test shows
exactly what a rule reacts to. The smali APKs (test_rules_apps.py) and the corpus
(test_rules_corpus.py) check the same rules end to end.
"""

from __future__ import annotations

import re

import pytest

from selfaudit.api import Auditor
from selfaudit.config import Config, RuleOverride
from selfaudit.knowledge import load_knowledge
from selfaudit.model import (
    AppFacts,
    ApplicationInfo,
    CodeRef,
    Component,
    IntentFilter,
    Location,
    Severity,
    UsesPermission,
)
from selfaudit.reach import MemoryCodeModel, split_key

KB = load_knowledge()
LAUNCHER = [IntentFilter(actions=["android.intent.action.MAIN"], categories=["android.intent.category.LAUNCHER"])]
BUILTIN_MODULES = ("selfaudit.rules.",)


def all_rules():
    return [r for r in Auditor(Config()).all_rules() if r.plugin and r.plugin.startswith(BUILTIN_MODULES)]


# ------------------------------------------------------------------------------------------------
# Building facts
# ------------------------------------------------------------------------------------------------


def target(api_id: str) -> str:
    """A call target key for a knowledge-base API (descriptor unknown: matched by name)."""
    api = KB.apis[api_id]
    return f"{api.class_name}.{api.member}()V"


class App:
    """A small app: an Application, a launcher Activity, and methods calling knowledge-base APIs.

    ``method(key, *steps)``: each step is a knowledge-base API id (a call to it, recorded as a code
    reference too), a method key (a call), or a ``(key, kind)`` pair.
    """

    def __init__(self, package: str = "com.x", *, application: str | None = "com.x.App") -> None:
        self.code = MemoryCodeModel()
        self.facts = AppFacts(target="app.apk", kind="apk", package=package, min_sdk=24, target_sdk=34,
                              application=ApplicationInfo(name=application, allow_backup=False,
                                                          location=Location(file="AndroidManifest.xml", line=5)))
        self.facts.code = self.code
        self.facts.strings = {"app_name": "x", "privacy": "隐私政策"}
        if application:
            self.cls(application, "android.app.Application")
        self.cls("com.x.Main", "android.app.Activity")
        self.component("activity", "com.x.Main", exported=True, intent_filters=LAUNCHER)

    def cls(self, name, sup="java.lang.Object", interfaces=()):
        self.code.add_class(name, sup, interfaces)
        return self

    def method(self, key, *steps, new=(), strings=(), numbers=()):
        calls = []
        for step in steps:
            if isinstance(step, tuple):
                calls.append(step)
            elif step in KB.apis:
                api = KB.apis[step]
                if api.kind == "call":
                    calls.append((target(step), "invoke"))
                self.ref(key, step, strings=strings, numbers=numbers)
            else:
                calls.append((step, "static" if "<init>" not in step else "direct"))
        cls = split_key(key)[0]
        if not self.code.has_class(cls):
            self.code.add_class(cls)
        self.code.add_method(key, calls=calls, new=new, strings=strings)
        return self

    def ref(self, key, api_id, *, strings=(), numbers=()):
        cls, name, desc = split_key(key)
        api = KB.apis[api_id]
        self.facts.code_refs.append(CodeRef(
            api_id=api_id, api=api.api, kind=api.kind,
            location=Location(file="classes.dex", class_name=cls, method=name, descriptor=desc),
            strings=list(strings) + list(api.args_any[:1]), numbers=list(numbers)))
        return self

    def component(self, kind, name, **kw):
        self.facts.components.append(Component(kind=kind, name=name,
                                               location=Location(file="AndroidManifest.xml", component=name), **kw))
        return self

    def permission(self, *names):
        for n in names:
            self.facts.permissions.append(UsesPermission(name=n, location=Location(file="AndroidManifest.xml", line=3)))
        return self


def run(facts: AppFacts, tmp_path=None, *, decl: str = "", rules: dict | None = None, kb=None, **cfg):
    config = Config(**cfg)
    if decl:
        path = tmp_path / "privacy.toml"
        path.write_text(decl, encoding="utf-8")
        config.declarations = path
    for name, ov in (rules or {}).items():
        config.rules[name] = ov
    auditor = Auditor(config)
    auditor._knowledge = kb or KB
    return auditor.check(facts, auditor.enrich(facts))


def of(findings, rule):
    return [f for f in findings if f.rule == rule]


# ------------------------------------------------------------------------------------------------
# Metadata
# ------------------------------------------------------------------------------------------------

REQUIRED = {
    "pre-consent-collection": "SA101", "sdk-init-before-consent": "SA102", "undeclared-collection": "SA103",
    "declared-not-observed": "SA104", "device-identifier": "SA105", "installed-apps": "SA106",
    "clipboard-read": "SA107", "frequent-collection": "SA108", "background-location": "SA109",
    "undisclosed-third-party": "SA201", "undeclared-permission": "SA301", "excessive-permission": "SA302",
    "permission-at-startup": "SA303", "self-start": "SA401", "associated-start": "SA402", "shake-ad": "SA501",
    "install-packages": "SA502", "privacy-policy-missing": "SA601", "incomplete-declaration": "SA602",
    "debuggable": "SA701",
    "cleartext-traffic": "SA702", "allow-backup": "SA703", "exported-component": "SA704",
    "dynamic-code-loading": "SA705", "packed-apk": "SA801", "target-sdk-outdated": "SA802",
}


def test_the_required_rules_exist_with_their_codes():
    have = {r.name: r.code for r in all_rules()}
    for name, code in REQUIRED.items():
        assert have.get(name) == code, name


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.name)
def test_rule_metadata_is_complete(rule):
    assert re.fullmatch(r"SA[1-8]\d\d", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert rule.title_en and rule.title_zh and rule.category
    assert re.search(r"[\u4e00-\u9fff]", rule.title_zh) and re.search(r"[\u4e00-\u9fff]", rule.explanation_zh)
    assert re.search(r"[\u4e00-\u9fff]", rule.remediation_zh)
    assert len(rule.explanation_en) > 200 and len(rule.remediation_en) > 60
    assert rule.regulations, "every rule cites at least one regulation"
    assert rule.category in {"consent", "collection", "declarations", "third-party", "permissions",
                             "self-start", "ads", "policy", "hygiene", "build"}


def test_every_cited_regulation_exists_in_the_knowledge_base():
    missing = {(r.name, ref.id) for r in all_rules() for ref in r.regulations if ref.id not in KB.regulations}
    assert not missing


def test_codes_and_names_are_unique():
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules) == len({r.name for r in rules})


# ------------------------------------------------------------------------------------------------
# SA101 pre-consent-collection
# ------------------------------------------------------------------------------------------------


def imei_app(gate=False):
    app = App()
    app.method("com.x.App.onCreate()V", "com.x.App.readImei()V",
               *(["com.x.Privacy.isAgreed()Z"] if gate else []), "com.x.App.initSdks()V")
    app.method("com.x.App.readImei()V", "telephony.get-device-id")
    app.method("com.x.App.initSdks()V", "telephony.get-subscriber-id")
    app.method("com.x.Privacy.isAgreed()Z")
    return app


def test_pre_consent_collection_fires_on_a_start_up_read(tmp_path):
    found = of(run(imei_app().facts), "pre-consent-collection")
    by_api = {f.evidence[0].api: f for f in found}
    f = by_api["android.telephony.TelephonyManager.getDeviceId"]
    assert f.path == ["com.x.App.onCreate()V", "com.x.App.readImei()V"]
    assert f.severity == Severity.HIGH and f.confidence.value == "medium"   # no gate declared: lower
    assert "no consent gate is declared" in f.message and "门控" in f.message_zh
    assert f.location.class_name == "com.x.App" and f.location.method == "readImei"


def test_pre_consent_collection_is_silent_behind_the_declared_gate(tmp_path):
    decl = '[consent]\ngate_methods = ["com.x.App.readImei"]\ngate_checks = ["com.x.Privacy.isAgreed"]\n'
    assert not of(run(imei_app(gate=True).facts, tmp_path, decl=decl), "pre-consent-collection")


def test_pre_consent_collection_with_a_gate_is_high_confidence_for_what_escapes_it(tmp_path):
    decl = '[consent]\ngate_checks = ["com.x.Privacy.isAgreed"]\n'
    found = of(run(imei_app(gate=True).facts, tmp_path, decl=decl), "pre-consent-collection")
    assert [f.evidence[0].api for f in found] == ["android.telephony.TelephonyManager.getDeviceId"]
    assert found[0].confidence.value == "high" and "gate" not in found[0].message


def test_pre_consent_collection_ignores_plumbing_and_is_configurable(tmp_path):
    app = App()
    app.method("com.x.App.onCreate()V", "build.model", "connectivity-manager.get-active-network-info")
    assert not of(run(app.facts), "pre-consent-collection")
    found = of(run(app.facts, rules={"pre-consent-collection": RuleOverride(options={"ignore_pi_types": []})}),
               "pre-consent-collection")
    assert len(found) == 2


def test_pre_consent_collection_skips_the_knowledge_base_low_signal_types_by_default():
    # The default is data (pi_types.toml `low_signal`), not a list in the rule: a plugin that
    # unflags device.info makes Build.MODEL at start-up a finding; the option still wins.
    app = App()
    app.method("com.x.App.onCreate()V", "build.model")
    assert not of(run(app.facts), "pre-consent-collection")
    info = KB.pi_types["device.info"]
    assert info.low_signal
    fields = {k: getattr(info, k) for k in ("id", "name_zh", "name_en", "category", "sensitive")}
    kb = load_knowledge([("team", {"pi_type": [{**fields, "source": "team review"}]})])
    assert not kb.pi_types["device.info"].low_signal
    found = of(run(app.facts, kb=kb), "pre-consent-collection")
    assert found and "device.info" not in kb.low_signal_pi_types()
    opts = {"pre-consent-collection": RuleOverride(options={"ignore_pi_types": ["device.info"]})}
    assert not of(run(app.facts, kb=kb, rules=opts), "pre-consent-collection")


def test_pre_consent_collection_skips_low_signal_apis_unless_configured():
    app = App()
    app.method("com.x.App.onCreate()V", "package-manager.get-installer-package-name")
    assert KB.apis["package-manager.get-installer-package-name"].low_signal
    assert not of(run(app.facts), "pre-consent-collection")
    found = of(run(app.facts, rules={"pre-consent-collection": RuleOverride(options={"ignore_apis": []})}),
               "pre-consent-collection")
    assert found and "getInstallerPackageName" in found[0].message


# ------------------------------------------------------------------------------------------------
# SA102 sdk-init-before-consent
# ------------------------------------------------------------------------------------------------


def umeng_app(call="init"):
    app = App()
    app.facts.packages = {"com.umeng.commonsdk": 3}
    app.method("com.x.App.onCreate()V", (f"com.umeng.commonsdk.UMConfigure.{call}(Landroid/content/Context;)V", "static"))
    app.method(f"com.umeng.commonsdk.UMConfigure.{call}(Landroid/content/Context;)V")
    return app


def test_sdk_init_before_consent_fires_on_a_collecting_init_at_start_up():
    found = of(run(umeng_app().facts), "sdk-init-before-consent")
    assert len(found) == 1
    assert "UMConfigure.init" in found[0].message and found[0].path == ["com.x.App.onCreate()V"]
    assert found[0].evidence[0].third_party.startswith("umeng")


def test_sdk_init_before_consent_is_silent_for_the_documented_pre_init():
    assert not of(run(umeng_app("preInit").facts), "sdk-init-before-consent")


def test_sdk_init_before_consent_fires_on_an_auto_init_provider_unless_switched_off():
    app = App().component("provider", "com.google.firebase.provider.FirebaseInitProvider")
    found = of(run(app.facts), "sdk-init-before-consent")
    assert found and "FirebaseInitProvider" in found[0].message and found[0].confidence.value == "high"
    app.facts.application.meta_data["firebase_analytics_collection_enabled"] = "false"
    low = of(run(app.facts), "sdk-init-before-consent")[0]
    assert low.confidence.value == "low" and "firebase_analytics_collection_enabled" in low.message
    assert not of(run(App().facts), "sdk-init-before-consent")


def test_auto_init_switches_come_from_the_catalog_per_sdk():
    # FirebaseInitProvider starts every Firebase product the app has: switching Analytics off
    # leaves Crashlytics on, so the finding stays high until Crashlytics is switched off too.
    app = App().component("provider", "com.google.firebase.provider.FirebaseInitProvider")
    app.facts.packages = {"com.google.firebase.analytics": 3, "com.google.firebase.crashlytics": 4}
    app.facts.application.meta_data["firebase_analytics_collection_deactivated"] = "TRUE"
    f = of(run(app.facts), "sdk-init-before-consent")[0]
    assert f.confidence.value == "high" and "but not for Firebase Crashlytics" in f.message
    assert "Crashlytics" in f.message_zh and "未关闭" in f.message_zh
    app.facts.application.meta_data["firebase_crashlytics_collection_enabled"] = "false"
    f = of(run(app.facts), "sdk-init-before-consent")[0]
    assert f.confidence.value == "low" and "but not" not in f.message
    # A switch that only trims one item is not a start-up switch (the adid one; Facebook's auto-log).
    app = App().component("provider", "com.google.firebase.provider.FirebaseInitProvider")
    app.facts.packages = {"com.google.firebase.analytics": 3}
    app.facts.application.meta_data["google_analytics_adid_collection_enabled"] = "false"
    assert of(run(app.facts), "sdk-init-before-consent")[0].confidence.value == "high"
    fb = App().component("provider", "com.facebook.internal.FacebookInitProvider")
    fb.facts.application.meta_data["com.facebook.sdk.AutoLogAppEventsEnabled"] = "false"
    assert of(run(fb.facts), "sdk-init-before-consent")[0].confidence.value == "high"
    fb.facts.application.meta_data["com.facebook.sdk.AutoInitEnabled"] = "false"
    assert of(run(fb.facts), "sdk-init-before-consent")[0].confidence.value == "low"


def test_auto_init_switches_apply_to_androidx_startup_initializers():
    app = App().component("provider", "androidx.startup.InitializationProvider",
                          meta_data={"io.sentry.android.core.SentryInitializer": "androidx.startup"})
    found = of(run(app.facts), "sdk-init-before-consent")
    assert found and "Sentry" in found[0].message and found[0].confidence.value == "high"
    app.facts.application.meta_data["io.sentry.auto-init"] = "false"
    f = of(run(app.facts), "sdk-init-before-consent")[0]
    assert f.confidence.value == "low" and "io.sentry.auto-init" in f.message


def test_a_plugin_sdk_brings_its_own_auto_init_switch():
    kb = load_knowledge([("team", {"sdk": [{
        "id": "acme-analytics", "name_zh": "Acme 统计", "name_en": "Acme Analytics", "company_zh": "Acme",
        "company_en": "Acme Inc.", "category": "analytics", "region": "global", "packages": ["com.acme.stats"],
        "meta_data": ["com.acme.stats.enabled"], "pi_types": ["device.android_id"],
        "autoinit_providers": ["com.acme.stats.InitProvider"], "autoinit_off": ["com.acme.stats.enabled=false"],
        "source": "https://acme.example/privacy-switches"}]})])
    app = App().component("provider", "com.acme.stats.InitProvider")
    assert of(run(app.facts, kb=kb), "sdk-init-before-consent")[0].confidence.value == "high"
    app.facts.application.meta_data["com.acme.stats.enabled"] = "false"
    assert of(run(app.facts, kb=kb), "sdk-init-before-consent")[0].confidence.value == "low"


# ------------------------------------------------------------------------------------------------
# SA103-SA110 collection
# ------------------------------------------------------------------------------------------------


def test_undeclared_collection_fires_until_declared(tmp_path):
    found = of(run(imei_app().facts), "undeclared-collection")
    assert {f.fingerprint for f in found} and any("device.imei" in f.message for f in found)
    decl = ('[pi."device.imei"]\npurpose = "风控"\nscenario = "登录"\n'
            '[pi."device.imsi"]\npurpose = "风控"\nscenario = "登录"\n')
    assert not of(run(imei_app().facts, tmp_path, decl=decl), "undeclared-collection")


def test_undeclared_collection_skips_code_that_is_never_called():
    app = App()
    app.method("com.x.Dead.m()V", "telephony.get-device-id")
    assert not of(run(app.facts), "undeclared-collection")


def test_declared_not_observed_is_info_and_silent_when_observed(tmp_path):
    decl = '[pi."location.precise"]\npurpose = "导航"\nscenario = "地图"\n'
    found = of(run(App().facts, tmp_path, decl=decl), "declared-not-observed")
    assert len(found) == 1 and found[0].severity == Severity.INFO and found[0].location.file == "privacy.toml"
    app = App().permission("android.permission.ACCESS_FINE_LOCATION")
    assert not of(run(app.facts, tmp_path, decl=decl), "declared-not-observed")


def test_device_identifier_fires_on_non_resettable_ids_only():
    assert of(run(imei_app().facts), "device-identifier")
    app = App()
    app.method("com.x.App.onCreate()V", "settings-secure.get-string.android-id")
    assert not of(run(app.facts), "device-identifier")


def test_device_identifier_groups_an_sdk_per_pi_type():
    app = App()
    app.facts.packages = {"cn.jpush.android.util": 2}
    app.method("com.x.App.onCreate()V", "cn.jpush.android.util.A.a()V", "cn.jpush.android.util.B.b()V")
    app.method("cn.jpush.android.util.A.a()V", "telephony.get-device-id")
    app.method("cn.jpush.android.util.B.b()V", "telephony.get-imei")
    found = of(run(app.facts), "device-identifier")
    assert len(found) == 1 and "JPush" in found[0].message and len(found[0].evidence) == 2


def test_installed_apps_fires_on_listing_and_query_all_packages():
    app = App()
    app.method("com.x.App.onCreate()V", "package-manager.get-installed-packages")
    found = of(run(app.facts), "installed-apps")
    assert found and found[0].severity == Severity.HIGH
    perm = App().permission("android.permission.QUERY_ALL_PACKAGES")
    assert of(run(perm.facts), "installed-apps")
    assert not of(run(App().facts), "installed-apps")


def test_clipboard_read_is_high_at_start_up_and_medium_behind_a_click():
    app = App()
    app.method("com.x.Main.onCreate(Landroid/os/Bundle;)V", "clipboard.get-primary-clip")
    assert of(run(app.facts), "clipboard-read")[0].severity == Severity.HIGH
    app = App()
    app.cls("com.x.Main$1", "java.lang.Object", ["android.view.View$OnClickListener"])
    app.method("com.x.Main.onCreate(Landroid/os/Bundle;)V", "com.x.Main$1.<init>()V",
               ("android.view.View.setOnClickListener(Landroid/view/View$OnClickListener;)V", "invoke"))
    app.method("com.x.Main$1.<init>()V")
    app.method("com.x.Main$1.onClick(Landroid/view/View;)V", "clipboard.get-primary-clip")
    found = of(run(app.facts), "clipboard-read")
    assert found and found[0].severity == Severity.MEDIUM
    assert not of(run(App().facts), "clipboard-read")


def timer_app(periodic=True):
    app = App()
    app.cls("com.x.Tick", "java.util.TimerTask")
    app.method("com.x.Tick.<init>()V")
    app.method("com.x.Tick.run()V", "telephony.get-device-id")
    sched = "java.util.Timer.schedule(Ljava/util/TimerTask;JJ)V" if periodic else "java.util.Timer.schedule(Ljava/util/TimerTask;J)V"
    app.method("com.x.App.onCreate()V", "com.x.Tick.<init>()V", (sched, "invoke"))
    return app


def test_frequent_collection_fires_on_a_read_in_a_periodic_timer():
    found = of(run(timer_app().facts), "frequent-collection")
    assert found and found[0].path[0] == "com.x.App.onCreate()V" and "Timer.schedule" in found[0].message


def test_frequent_collection_is_silent_for_a_one_shot_timer():
    assert not of(run(timer_app(periodic=False).facts), "frequent-collection")


def test_frequent_collection_reports_short_location_intervals():
    app = App()
    app.method("com.x.App.onCreate()V", "location-manager.request-location-updates", numbers=[1000, 0])
    assert of(run(app.facts), "frequent-collection")
    app = App()
    app.method("com.x.App.onCreate()V", "location-manager.request-location-updates", numbers=[600000])
    assert not of(run(app.facts), "frequent-collection")


def test_background_location_fires_on_the_permission_and_on_service_reads():
    app = App().permission("android.permission.ACCESS_BACKGROUND_LOCATION")
    assert of(run(app.facts), "background-location")
    app = App().component("service", "com.x.Tracker", exported=False)
    app.cls("com.x.Tracker", "android.app.Service")
    app.method("com.x.Tracker.onStartCommand(Landroid/content/Intent;II)I", "location-manager.get-last-known-location")
    found = of(run(app.facts), "background-location")
    assert found and found[0].path == ["com.x.Tracker.onStartCommand(Landroid/content/Intent;II)I"]


def test_background_location_is_silent_for_a_read_on_screen():
    app = App()
    app.method("com.x.Main.onCreate(Landroid/os/Bundle;)V", "location-manager.get-last-known-location")
    assert not of(run(app.facts), "background-location")


def test_running_apps_fires_and_stays_silent():
    app = App()
    app.method("com.x.App.onCreate()V", "activity-manager.get-running-app-processes")
    assert of(run(app.facts), "running-apps")[0].severity == Severity.LOW
    assert not of(run(App().facts), "running-apps")


# ------------------------------------------------------------------------------------------------
# SA201 undisclosed-third-party
# ------------------------------------------------------------------------------------------------


def test_undisclosed_third_party_fires_until_declared(tmp_path):
    app = App()
    app.facts.packages = {"com.umeng.commonsdk": 12}
    found = of(run(app.facts), "undisclosed-third-party")
    assert found and "Umeng" in found[0].message and found[0].confidence.value == "high"
    sdk = found[0].evidence[0].third_party
    decl = f'[third_party."{sdk}"]\npurpose = "统计"\nscenario = "使用"\n'
    assert not of(run(app.facts, tmp_path, decl=decl), "undisclosed-third-party")


# ------------------------------------------------------------------------------------------------
# SA301-SA303 permissions
# ------------------------------------------------------------------------------------------------


def test_undeclared_permission_fires_until_declared(tmp_path):
    app = App().permission("android.permission.READ_CONTACTS")
    assert of(run(app.facts), "undeclared-permission")
    decl = '[permission.READ_CONTACTS]\npurpose = "找朋友"\n'
    assert not of(run(app.facts, tmp_path, decl=decl), "undeclared-permission")


def test_excessive_permission_fires_on_a_permission_no_code_uses():
    app = App().permission("android.permission.READ_CONTACTS", "android.permission.READ_EXTERNAL_STORAGE")
    app.method("com.x.App.onCreate()V")
    found = of(run(app.facts), "excessive-permission")
    assert [f.message.split()[0] for f in found] == ["android.permission.READ_CONTACTS"]   # storage: never judged


def test_excessive_permission_is_silent_when_the_code_uses_it():
    app = App().permission("android.permission.READ_CONTACTS")
    app.method("com.x.App.onCreate()V", "contacts-contract.contacts.content-uri")
    assert not of(run(app.facts), "excessive-permission")


def test_excessive_permission_checks_the_declared_app_category(tmp_path):
    app = App().permission("android.permission.ACCESS_FINE_LOCATION")
    app.method("com.x.App.onCreate()V", "location-manager.get-last-known-location")
    news = next(c for c in KB.app_categories.values() if not c.necessary_pi)
    found = of(run(app.facts, tmp_path, decl=f'[app]\ncategory = "{news.id}"\n'), "excessive-permission")
    assert found and found[0].severity == Severity.LOW and news.name_zh in found[0].message_zh
    maps = KB.app_categories["map-navigation"]
    assert not of(run(app.facts, tmp_path, decl=f'[app]\ncategory = "{maps.id}"\n'), "excessive-permission")


def startup_request_app(from_click=False):
    app = App()
    req = ("android.app.Activity.requestPermissions([Ljava/lang/String;I)V", "invoke")
    if from_click:
        app.cls("com.x.Main$1", "java.lang.Object", ["android.view.View$OnClickListener"])
        app.method("com.x.Main.onCreate(Landroid/os/Bundle;)V", "com.x.Main$1.<init>()V",
                   ("android.view.View.setOnClickListener(Landroid/view/View$OnClickListener;)V", "invoke"))
        app.method("com.x.Main$1.<init>()V")
        app.method("com.x.Main$1.onClick(Landroid/view/View;)V", ("com.x.Main.requestPermissions([Ljava/lang/String;I)V", "invoke"),
                   strings=["android.permission.CAMERA"])
    else:
        app.method("com.x.Main.onCreate(Landroid/os/Bundle;)V", req, strings=["android.permission.CAMERA"])
    return app


def test_permission_at_startup_fires_on_a_request_in_the_launcher():
    found = of(run(startup_request_app().facts), "permission-at-startup")
    assert found and "CAMERA" in found[0].message and found[0].path == ["com.x.Main.onCreate(Landroid/os/Bundle;)V"]


def test_permission_at_startup_is_silent_when_the_user_starts_the_feature():
    assert not of(run(startup_request_app(from_click=True).facts), "permission-at-startup")


def test_permission_at_startup_reports_quitting_on_refusal():
    app = startup_request_app()
    app.method("com.x.Main.onRequestPermissionsResult(I[Ljava/lang/String;[I)V",
               ("com.x.Main.finish()V", "invoke"))
    found = [f for f in of(run(app.facts), "permission-at-startup") if "onRequestPermissionsResult" in f.message]
    assert found and found[0].severity == Severity.HIGH and "不给权限不让用" in found[0].message_zh


# ------------------------------------------------------------------------------------------------
# SA401-SA402 self-start and associated start
# ------------------------------------------------------------------------------------------------


def test_self_start_fires_on_boot_receivers_only():
    boot = App().component("receiver", "com.x.Boot", exported=False,
                           intent_filters=[IntentFilter(actions=["android.intent.action.BOOT_COMPLETED"])])
    assert of(run(boot.facts), "self-start")
    custom = App().component("receiver", "com.x.Msg", exported=False,
                             intent_filters=[IntentFilter(actions=["com.x.MESSAGE"])])
    assert not of(run(custom.facts), "self-start")


def test_associated_start_fires_on_launching_other_apps_and_push_wake_components():
    app = App()
    app.method("com.x.App.onCreate()V", "package-manager.get-launch-intent-for-package", strings=["com.tencent.mm"])
    found = of(run(app.facts), "associated-start")
    assert found and "com.tencent.mm" in found[0].message and found[0].severity == Severity.HIGH  # at start-up
    wake = App().component("service", "cn.jpush.android.service.DaemonService", exported=True,
                           intent_filters=[IntentFilter(actions=["cn.jpush.android.intent.DaemonService"])])
    found = of(run(wake.facts), "associated-start")
    assert found and "other apps with the same SDK" in found[0].message


def test_associated_start_is_silent_for_the_apps_own_components():
    app = App()
    app.method("com.x.App.onCreate()V", "intent.set-component", strings=["com.x", "com.x.Main", "android.settings.SETTINGS"])
    assert not of(run(app.facts), "associated-start")


# ------------------------------------------------------------------------------------------------
# SA501-SA502 ads and installs
# ------------------------------------------------------------------------------------------------


def test_shake_ad_fires_on_motion_sensors_inside_an_ad_sdk_only():
    app = App()
    app.facts.packages = {"com.google.android.gms.ads.internal": 5}
    app.method("com.x.App.onCreate()V", "com.google.android.gms.ads.internal.Shake.start()V")
    app.method("com.google.android.gms.ads.internal.Shake.start()V", "sensor-manager.register-listener")
    found = of(run(app.facts), "shake-ad")
    assert found and "15 m/s²" in found[0].message
    mine = App()
    mine.method("com.x.App.onCreate()V", "sensor-manager.register-listener")
    assert not of(run(mine.facts), "shake-ad")


def test_install_packages_fires_on_the_permission_and_is_silent_without():
    assert of(run(App().permission("android.permission.REQUEST_INSTALL_PACKAGES").facts), "install-packages")
    assert not of(run(App().facts), "install-packages")


# ------------------------------------------------------------------------------------------------
# SA601 privacy-policy-missing
# ------------------------------------------------------------------------------------------------


def test_privacy_policy_missing_fires_without_policy_wording_and_is_silent_with_it():
    app = imei_app()
    app.facts.strings = {"app_name": "x"}
    assert of(run(app.facts), "privacy-policy-missing")
    app.facts.strings["consent"] = "请阅读《用户协议》和《隐私政策》"
    assert not of(run(app.facts), "privacy-policy-missing")
    app.facts.strings = {"app_name": "x"}
    app.facts.assets = ["assets/privacy_policy.html"]
    assert not of(run(app.facts), "privacy-policy-missing")


# ------------------------------------------------------------------------------------------------
# SA602 incomplete-declaration
# ------------------------------------------------------------------------------------------------

TODO_DECL = """\
[pi."device.imei"]
purpose = "TODO"
scenario = "TODO: ask product"

[pi."location.precise"]
purpose = "TODO"
scenario = "TODO"

[third_party."umeng-common"]
purpose = "统计分析"
scenario = "TODO"

[permission."android.permission.READ_PHONE_STATE"]
purpose = "TODO"

[permission.INTERNET]
purpose = "TODO"
"""

DONE_DECL = """\
[pi."device.imei"]
purpose = "风控"
scenario = "登录"

[third_party."umeng-common"]
purpose = "统计分析"
scenario = "启动后"

[permission."android.permission.READ_PHONE_STATE"]
purpose = "风控"
"""


def todo_app():
    app = imei_app().permission("android.permission.READ_PHONE_STATE", "android.permission.INTERNET")
    app.facts.packages = {"com.umeng.commonsdk": 3}
    return app


def test_incomplete_declaration_fires_on_todo_purposes_of_detected_items(tmp_path):
    found = of(run(todo_app().facts, tmp_path, decl=TODO_DECL), "incomplete-declaration")
    by_key = {e.detail: f for f in found for e in f.evidence[:1]}
    # detected and TODO: the IMEI, Umeng and the dangerous permission; location.precise is declared
    # but not observed (declared-not-observed's business), INTERNET is a normal permission
    assert set(by_key) == {"pi.device.imei", "third_party.umeng-common",
                           "permission.android.permission.READ_PHONE_STATE"}
    imei = by_key["pi.device.imei"]
    assert imei.code == "SA602" and imei.severity == Severity.MEDIUM and imei.confidence.value == "high"
    assert imei.location.file == "privacy.toml" and imei.location.line == 1
    assert "purpose and scenario" in imei.message and "目的" in imei.message_zh
    assert any(e.kind == "api" for e in imei.evidence)                 # what the build shows, too
    umeng = by_key["third_party.umeng-common"]
    assert umeng.location.line == 9 and "its scenario is still TODO" in umeng.message
    perm = by_key["permission.android.permission.READ_PHONE_STATE"]
    assert perm.location.line == 13 and "its purpose is still TODO" in perm.message
    assert imei.regulations[0] == "cac-rending-fangfa 二-1"


def test_incomplete_declaration_agrees_with_reconcile_and_is_silent_when_filled(tmp_path):
    from selfaudit.declarations import load_declarations, reconcile

    app = todo_app()
    assert not of(run(app.facts, tmp_path, decl=DONE_DECL), "incomplete-declaration")
    assert not of(run(app.facts), "incomplete-declaration")            # no declarations at all
    # the rule reports exactly the detected items reconcile() calls incomplete
    path = tmp_path / "privacy.toml"
    path.write_text(TODO_DECL, encoding="utf-8")
    auditor = Auditor(Config(declarations=path))
    auditor._knowledge = KB
    inventory = auditor.enrich(app.facts)
    rec = reconcile(inventory, load_declarations(path))
    assert set(rec.incomplete_pi) == {"device.imei", "location.precise"}
    found = of(auditor.check(app.facts, inventory), "incomplete-declaration")
    assert {f.evidence[0].detail.split(".", 1)[1] for f in found} == (
        {"device.imei", "umeng-common", "android.permission.READ_PHONE_STATE"})


def test_incomplete_declaration_of_a_third_party_that_collects_nothing_is_low(tmp_path):
    app = App()
    sdk = next(s for s in KB.sdks.values() if not s.pi_types and s.packages)
    app.facts.packages = {sdk.packages[0]: 2}
    decl = f'[third_party."{sdk.id}"]\npurpose = "TODO"\nscenario = "TODO"\n'
    found = of(run(app.facts, tmp_path, decl=decl), "incomplete-declaration")
    assert len(found) == 1 and found[0].severity == Severity.LOW


# ------------------------------------------------------------------------------------------------
# SA701-SA705 hygiene
# ------------------------------------------------------------------------------------------------


def test_debuggable():
    app = App()
    app.facts.application.debuggable = True
    assert of(run(app.facts), "debuggable")
    app.facts.application.debuggable = False
    assert not of(run(app.facts), "debuggable")


def test_cleartext_traffic():
    app = App()
    app.facts.application.uses_cleartext_traffic = True
    assert of(run(app.facts), "cleartext-traffic")[0].confidence.value == "high"
    app.facts.application.uses_cleartext_traffic = None
    assert not of(run(app.facts), "cleartext-traffic")   # target 34: cleartext off by default
    app.facts.target_sdk = 26
    assert of(run(app.facts), "cleartext-traffic")[0].confidence.value == "medium"
    app.facts.application.network_security_config = "@xml/network_security_config"
    assert not of(run(app.facts), "cleartext-traffic")


def test_allow_backup():
    app = App()
    assert not of(run(app.facts), "allow-backup")
    app.facts.application.allow_backup = True
    assert of(run(app.facts), "allow-backup")[0].severity == Severity.LOW
    app.facts.application.allow_backup = None
    assert of(run(app.facts), "allow-backup")[0].confidence.value == "medium"


def test_exported_component():
    app = App().component("provider", "com.x.Data", exported=True, exported_explicit=True)
    app.component("service", "com.x.Protected", exported=True, permission="com.x.permission.BIND")
    found = of(run(app.facts), "exported-component")
    assert [f.location.component for f in found] == ["com.x.Data"] and found[0].severity == Severity.HIGH
    assert not of(run(App().facts), "exported-component")   # the launcher is exported by design


def test_dynamic_code_loading():
    app = App()
    app.method("com.x.App.onCreate()V", "dex-class-loader.init")
    assert of(run(app.facts), "dynamic-code-loading")
    app = App()
    app.facts.extra["secondary_code"] = ["assets/plugin.jar"]
    assert of(run(app.facts), "dynamic-code-loading")[0].location.file == "assets/plugin.jar"
    assert not of(run(App().facts), "dynamic-code-loading")


# ------------------------------------------------------------------------------------------------
# SA801-SA802 build
# ------------------------------------------------------------------------------------------------


def test_packed_apk():
    app = App()
    pid = next(iter(KB.packers))
    app.facts.extra["packers"] = [pid]
    found = of(run(app.facts), "packed-apk")
    assert found and KB.packers[pid].name_en in found[0].message
    assert not of(run(App().facts), "packed-apk")


def test_target_sdk_outdated():
    app = App()
    assert not of(run(app.facts), "target-sdk-outdated")
    app.facts.target_sdk = 28
    assert of(run(app.facts), "target-sdk-outdated")[0].severity == Severity.MEDIUM
    app.facts.target_sdk = 22
    assert of(run(app.facts), "target-sdk-outdated")[0].severity == Severity.HIGH
    found = of(run(app.facts, rules={"target-sdk-outdated": RuleOverride(options={"min_target_sdk": 21})}),
               "target-sdk-outdated")
    assert not found


# ------------------------------------------------------------------------------------------------
# Every rule has both cases above
# ------------------------------------------------------------------------------------------------


def test_every_builtin_rule_has_a_firing_and_a_silent_test():
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    for rule in all_rules():
        assert source.count(f'"{rule.name}"') >= 2, f"{rule.name}: needs a firing and a silent test here"
