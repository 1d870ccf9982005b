"""The APK collector end to end: manifest facts, code facts, containers and the hook contract."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import conftest
import pytest
from conftest import corpus_apks
from test_apk_helpers import knowledge

from selfaudit.collect import apk as apk_mod
from selfaudit.collect.apk import collect_apk, selfaudit_collect
from selfaudit.errors import InputError

FEATURES = "apk_features"


@pytest.fixture(scope="module")
def features():
    return collect_apk(conftest.test_app(FEATURES), knowledge())


# -- manifest ------------------------------------------------------------------------------


def test_manifest_basics(features):
    f = features
    assert (f.kind, f.package, f.label) == ("apk", "com.selfaudit.features", "Features")
    assert (f.version_code, f.version_name, f.min_sdk, f.target_sdk) == (42, "4.2.0", 21, 30)
    perms = {p.name: p for p in f.permissions}
    assert set(perms) == {
        "android.permission.INTERNET", "android.permission.READ_PHONE_STATE",
        "android.permission.WRITE_EXTERNAL_STORAGE", "android.permission.ACCESS_FINE_LOCATION",
    }
    assert perms["android.permission.WRITE_EXTERNAL_STORAGE"].max_sdk == 28
    assert perms["android.permission.ACCESS_FINE_LOCATION"].sdk23 is True
    assert all(p.location.file == "AndroidManifest.xml" and p.location.line for p in f.permissions)
    assert f.declared_permissions == ["com.selfaudit.features.permission.C2D"]
    assert f.queries["packages"] == ["com.tencent.mm"]
    assert f.queries["intents"] == ["android.intent.action.VIEW scheme=https"]
    assert f.extra["uses_features"] == ["android.hardware.camera"]


def test_application_attributes(features):
    app = features.application
    assert app.name == "com.selfaudit.features.App"  # ".App" expanded
    assert (app.debuggable, app.allow_backup, app.uses_cleartext_traffic) == (False, False, False)
    assert app.request_legacy_external_storage is True
    assert app.network_security_config == "@xml/network_security_config"
    assert app.meta_data == {"UMENG_CHANNEL": "store"}


def test_components_and_effective_export(features):
    c = {x.name.rsplit(".", 1)[-1]: x for x in features.components}
    main = c["MainActivity"]
    assert main.kind == "activity" and main.is_launcher()
    # targetSdk 30, intent-filter, no android:exported: exported by default, not explicit.
    assert (main.exported, main.exported_explicit) == (True, None)
    alias = c["Alias"]
    assert (alias.kind, alias.exported, alias.exported_explicit) == ("activity-alias", False, False)
    assert alias.target_activity == "com.selfaudit.features.MainActivity"
    sync = c["SyncService"]
    assert (sync.exported, sync.process) == (False, ":sync")
    boot = c["BootReceiver"]
    assert boot.exported is True and boot.intent_filters[0].priority == 999
    assert boot.permission == "android.permission.RECEIVE_BOOT_COMPLETED"
    prov = c["b"]
    assert prov.name == "a.a.b" and prov.kind == "provider"
    assert prov.exported is False  # providers default to unexported above targetSdk 16
    assert prov.authorities == ["com.selfaudit.features.init", "com.selfaudit.features.ids"]
    assert prov.init_order == 5 and prov.meta_data == {"init": "true"}
    assert all(x.location.file == "AndroidManifest.xml" and x.location.line for x in features.components)


def test_strings_default_and_chinese(features):
    assert features.strings["privacy_url"] == "https://example.com/privacy.html"
    assert features.strings["app_name@zh-CN"] == "功能演示"
    assert features.strings["consent@zh-CN"] == "请阅读并同意《隐私政策》"


# -- code ----------------------------------------------------------------------------------


def _refs(facts):
    return {(r.api_id, r.location.file, r.location.class_name, r.location.method, r.location.descriptor)
            for r in facts.code_refs}


def test_code_refs_across_dexes_and_kinds(features):
    refs = _refs(features)
    by_api = {r[0]: r for r in refs}
    apis = knowledge().apis
    mac = next(a.id for a in apis.values() if a.kind == "call" and a.api == "android.net.wifi.WifiInfo.getMacAddress")
    serial = next(a.id for a in apis.values() if a.kind == "field" and a.api == "android.os.Build.SERIAL")
    sms = next(a.id for a in apis.values() if a.kind == "string" and a.value == "content://sms")
    imei = next(a.id for a in apis.values() if a.kind == "call"
                and a.api == "android.telephony.TelephonyManager.getDeviceId")
    assert by_api[mac][1:] == ("classes2.dex", "a.a.b", "a", "()V")  # obfuscated, second dex
    assert by_api[serial][1:] == ("classes2.dex", "a.a.b", "a", "()V")
    assert by_api[sms][1:] == ("classes2.dex", "a.a.b", "a", "()V")
    assert by_api[imei][1:] == ("classes.dex", "com.selfaudit.features.MainActivity", "onCreate",
                                "(Landroid/os/Bundle;)V")


def test_code_ref_constants_and_args_any(features):
    gets = [r for r in features.code_refs if r.api == "android.provider.Settings$Secure.getString"]
    assert gets, "Settings.Secure.getString with android_id must be found"
    ref = gets[0]
    assert ref.strings == ["android_id"]
    # const/4 3, const-wide/32 120000, const/high16 1.0f (bit pattern), const-wide
    assert ref.numbers == [3, 120000, 0x3F800000, 0x7FFFFFFFFFFF]
    # The fill-array-data payload holds 0x6e00 0x1234 0x71: bytes that look like an invoke.
    # Re-tokenising skips payloads, so no phantom call appears.
    assert not any(r.location.method == "onCreate" and r.api_id.startswith("telephony")
                   and r.location.class_name.endswith("App") for r in features.code_refs)


def test_args_any_drops_refs_without_the_constant():
    from selfaudit.knowledge import KnowledgeBase, SensitiveAPI

    kb = KnowledgeBase()
    kb.add("api", SensitiveAPI(id="secure.other", kind="call", class_name="android.provider.Settings$Secure",
                               member="getString", args_any=("bluetooth_address",), source=("t",)))
    kb.add("api", SensitiveAPI(id="secure.aid", kind="call", class_name="android.provider.Settings$Secure",
                               member="getString", args_any=("android_id",), source=("t",)))
    facts = collect_apk(conftest.test_app(FEATURES), kb)
    assert [r.api_id for r in facts.code_refs] == ["secure.aid"]


def test_reflection_targets_and_classes(features):
    targets = {(t["value"], t["api"]) for t in features.extra["reflection_targets"]}
    assert targets == {("com.secret.Hidden", "java.lang.Class.forName"),
                       ("collect", "java.lang.Class.getMethod")}
    assert features.class_count == 5
    assert features.packages == {"a.a": 1, "com.selfaudit.features": 4}
    assert features.extra["dex_files"] == ["classes.dex", "classes2.dex"]


def test_code_model(features):
    m = features.code
    app = "com.selfaudit.features.App"
    assert m.has_class(app) and m.has_class("a.a.b") and not m.has_class("android.app.Application")
    assert m.superclass(app) == "android.app.Application"
    assert m.interfaces(app) == ["java.lang.Runnable"]
    assert m.methods_of(app) == [f"{app}.<init>()V", f"{app}.onCreate()V", f"{app}.run()V"]
    calls = m.calls(f"{app}.onCreate()V")
    assert [c.target for c in calls] == [
        "android.app.Application.onCreate()V",
        f"{app}.getContentResolver()Landroid/content/ContentResolver;",
        "android.provider.Settings$Secure.getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;",
        "java.lang.Thread.<init>(Ljava/lang/Runnable;)V",
        "java.lang.Thread.start()V",
    ]
    assert [c.kind for c in calls] == ["super", "invoke", "static", "direct", "invoke"]
    assert [c.offset for c in calls] == sorted(c.offset for c in calls)
    assert m.instantiated(f"{app}.onCreate()V") == ["java.lang.Thread"]
    # Across DEX files: MainActivity (classes.dex) calls a.a.b.a() (classes2.dex).
    main = m.calls("com.selfaudit.features.MainActivity.onCreate(Landroid/os/Bundle;)V")
    assert main[-1].target == "a.a.b.a()V"
    assert [c.target for c in m.calls("a.a.b.a()V")] == ["android.net.wifi.WifiInfo.getMacAddress()Ljava/lang/String;"]
    assert m.field_reads("a.a.b.a()V") == ["android.os.Build.SERIAL"]
    assert m.strings(f"{app}.run()V") == ["com.secret.Hidden", "collect"]
    assert m.calls("android.app.Activity.onCreate(Landroid/os/Bundle;)V") == []  # framework: no code
    assert m.location("a.a.b.a()V").file == "classes2.dex"


def test_signing_of_apktool_build_is_absent(features):
    # apktool does not sign: the report header must say so rather than guess.
    assert features.signing.v1 is False and features.signing.certificates == []


# -- containers ----------------------------------------------------------------------------


def _copy_zip(src: Path, dst: Path, extra: dict[str, bytes] | None = None, drop=()) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename not in drop:
                zout.writestr(item, zin.read(item.filename))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def test_secondary_dex_in_assets(tmp_path):
    src = conftest.test_app(FEATURES)
    with zipfile.ZipFile(src) as z:
        dex2 = z.read("classes2.dex")
    jar = tmp_path / "plugin.jar"
    with zipfile.ZipFile(jar, "w") as zj:
        zj.writestr("classes.dex", dex2)
    apk = _copy_zip(src, tmp_path / "with_plugin.apk", {"assets/plugin.jar": jar.read_bytes(),
                                                         "assets/raw.dex": dex2},
                    drop=("classes2.dex",))
    facts = collect_apk(apk, knowledge())
    secondary = [r for r in facts.code_refs if r.container]
    assert {r.container for r in secondary} == {"assets/plugin.jar", "assets/raw.dex"}
    assert {r.location.file for r in secondary} == {"assets/plugin.jar!classes.dex", "assets/raw.dex"}
    assert facts.extra["secondary_code"] == ["assets/plugin.jar", "assets/raw.dex"]
    assert any("assets/plugin.jar" in w and "secondary code" in w for w in facts.warnings)
    assert "plugin.jar" in facts.assets


def test_split_bundle_merges_base_and_splits(tmp_path):
    bundle = tmp_path / "app.apks"
    with zipfile.ZipFile(bundle, "w") as z:
        z.write(conftest.test_app("apk_split_config"), "splits/base-arm64_v8a.apk")
        z.write(conftest.test_app(FEATURES), "splits/base-master.apk")
        z.writestr("toc.pb", b"\x00")
    facts = collect_apk(bundle, knowledge())
    assert facts.package == "com.selfaudit.features" and facts.label == "Features"
    assert facts.extra["bundle"] == {"base": "splits/base-master.apk", "splits": ["splits/base-arm64_v8a.apk"]}
    assert facts.native_libs == ["libjcore220.so"]
    assert "privacy.html" in facts.assets
    assert facts.strings["split_note"] == "from the config split"
    assert "splits/base-arm64_v8a.apk!/lib/arm64-v8a/libjcore220.so" in facts.files
    assert len(facts.code_refs) == len(collect_apk(conftest.test_app(FEATURES), knowledge()).code_refs)

    xapk = tmp_path / "app.xapk"
    with zipfile.ZipFile(xapk, "w") as z:
        z.write(conftest.test_app(FEATURES), "com.selfaudit.features.apk")
        z.write(conftest.test_app("apk_split_config"), "config.arm64_v8a.apk")
        z.writestr("manifest.json", json.dumps({"package_name": "com.selfaudit.features"}))
    facts = collect_apk(xapk, knowledge())
    assert facts.extra["bundle"]["base"] == "com.selfaudit.features.apk"
    assert facts.native_libs == ["libjcore220.so"]


def test_bundle_without_base_is_an_input_error(tmp_path):
    bundle = tmp_path / "only-split.apks"
    with zipfile.ZipFile(bundle, "w") as z:
        z.write(conftest.test_app("apk_split_config"), "config.arm64_v8a.apk")
    with pytest.raises(InputError, match="without a base APK"):
        collect_apk(bundle, knowledge())


def _agp_dir(tmp_path: Path, elements: list[dict]) -> Path:
    d = tmp_path / "release"
    d.mkdir()
    for e in elements:
        shutil.copy(conftest.test_app(FEATURES), d / e["outputFile"])
    (d / "output-metadata.json").write_text(json.dumps({
        "version": 3, "artifactType": {"type": "APK", "kind": "Directory"},
        "applicationId": "com.selfaudit.features", "variantName": "release", "elements": elements,
    }))
    return d


def test_agp_output_directory_single(tmp_path):
    d = _agp_dir(tmp_path, [{"type": "SINGLE", "filters": [], "outputFile": "app-release.apk"}])
    facts = selfaudit_collect(d, None, knowledge())
    assert facts.package == "com.selfaudit.features" and facts.target == str(d)
    assert not any("output-metadata" in w for w in facts.warnings)


def test_agp_output_directory_abi_splits_prefers_universal(tmp_path):
    d = _agp_dir(tmp_path, [
        {"type": "ONE_OF_MANY", "filters": [{"filterType": "ABI", "value": "x86"}], "outputFile": "app-x86.apk"},
        {"type": "UNIVERSAL", "filters": [], "outputFile": "app-universal.apk"},
    ])
    apk, warnings = apk_mod.agp_output_apk(d)
    assert apk.name == "app-universal.apk"
    assert "app-x86.apk" in warnings[0]
    facts = selfaudit_collect(d, None, knowledge())
    assert any("2 APKs listed" in w for w in facts.warnings)


def test_agp_output_directory_missing_apk(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    (d / "output-metadata.json").write_text(json.dumps({"elements": [{"outputFile": "gone.apk"}]}))
    with pytest.raises(InputError, match="gone.apk"):
        selfaudit_collect(d, None, knowledge())


def test_hook_declines_what_is_not_an_apk(tmp_path):
    (tmp_path / "build.gradle").write_text("plugins {}")
    assert selfaudit_collect(tmp_path, None, knowledge()) is None  # a project dir: source collector
    assert selfaudit_collect(tmp_path / "build.gradle", None, knowledge()) is None
    assert selfaudit_collect(tmp_path / "missing.apk", None, knowledge()) is None


def test_hook_rejects_an_app_bundle(tmp_path):
    aab = tmp_path / "app.aab"
    aab.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match="App Bundle"):
        selfaudit_collect(aab, None, knowledge())


def test_without_knowledge_still_lists_classes():
    facts = collect_apk(conftest.test_app(FEATURES), None)
    assert facts.code_refs == [] and facts.class_count == 5
    assert facts.extra["reflection_targets"]


def test_packers_are_matched_from_the_knowledge_base(tmp_path):
    from selfaudit.knowledge import KnowledgeBase, Packer

    kb = KnowledgeBase()
    kb.add("packer", Packer(id="jiagu-test", name_zh="测试加固", name_en="Test packer",
                            classes=("com.stub.StubApp",), native_libs=("libjiagu*.so",), source=("t",)))
    kb.add("packer", Packer(id="by-asset", name_zh="资产", name_en="Asset packer",
                            assets=("ijm_lib/*.so", "secdata*"), source=("t",)))
    kb.add("packer", Packer(id="absent", name_zh="无", name_en="Absent", classes=("com.nope",), source=("t",)))
    apk = _copy_zip(conftest.test_app(FEATURES), tmp_path / "packed.apk",
                    {"lib/armeabi-v7a/libjiagu_x86.so": b"\x7fELF", "assets/secdata.bin": b"x"})
    facts = collect_apk(apk, kb)
    assert facts.extra["packers"] == ["jiagu-test", "by-asset"]
    assert facts.native_libs == ["libjiagu_x86.so"] and facts.extra["abis"] == ["armeabi-v7a"]


# -- the corpus ----------------------------------------------------------------------------


def test_apk_without_dex(corpus):
    facts = collect_apk(corpus("fd_org.sajeg.fallingblocks_3.apk"), knowledge())
    assert facts.package == "org.sajeg.fallingblocks" and facts.label == "Falling Blocks"
    assert facts.class_count == 0 and facts.code_refs == []
    assert any("no DEX" in w for w in facts.warnings)
    # Its uses-permission elements carry an odd namespace URI; Android (and we) read attributes by
    # resource ID, so both permissions are granted. androguard returns none (a documented difference).
    assert facts.permission_names() == {"android.permission.VIBRATE", "android.permission.WRITE_USER_DICTIONARY"}
    assert facts.signing.v1 is True and facts.signing.certificates


def test_dex_archive_without_manifest_is_a_clear_error(corpus):
    path = corpus("ag_multidex.apk")
    with pytest.raises(InputError) as e:
        collect_apk(path, knowledge())
    msg = str(e.value)
    assert msg.startswith(str(path)) and "no AndroidManifest.xml" in msg and "\n" not in msg


def test_invalid_apk_from_androguard_tests(corpus):
    facts = collect_apk(corpus("ag_Invalid.apk"), knowledge())
    assert facts.package == "re.androguard.android.invalid"
    assert facts.application.debuggable is True and facts.class_count > 0


def test_signing_schemes_and_subject(corpus):
    facts = collect_apk(corpus("exodus_blooddonation.apk"), knowledge())
    s = facts.signing
    assert (s.v1, s.v2, s.v3) == (True, True, False)
    assert s.certificates == ["C=69005, ST=France, L=Lyon, O=Mob Dev, CN=Anthony Chomienne"]


def _manifest_params():
    return [pytest.param(p, id=p.name) for p in corpus_apks() if p.name != "ag_multidex.apk"] or [
        pytest.param(None, marks=pytest.mark.skip(reason="corpus not found"))]


@pytest.mark.parametrize("apk", _manifest_params())
def test_manifest_matches_androguard(apk):
    """Manifest facts against androguard's APK(). Documented differences: fallingblocks'
    permissions (see test_apk_without_dex), versionName references, which we resolve, and
    uses-permission-sdk-23, which androguard does not list."""
    pytest.importorskip("androguard")
    from loguru import logger

    logger.remove()
    from androguard.core.apk import APK

    a = APK(str(apk))
    f = collect_apk(apk, knowledge())
    assert f.package == a.get_package()
    assert str(f.version_code) == str(a.get_androidversion_code())
    theirs = a.get_androidversion_name()
    if theirs and theirs.startswith("@"):
        # androguard leaves a versionName reference unresolved (@7F050007); we resolve it
        # through resources.arsc, as the platform does.
        assert f.version_name and not f.version_name.startswith("@")
    else:
        assert f.version_name == theirs
    assert str(f.min_sdk) == str(a.get_min_sdk_version() or 1)
    if a.get_target_sdk_version():
        assert str(f.target_sdk) == str(a.get_target_sdk_version())
    if apk.name != "fd_org.sajeg.fallingblocks_3.apk":
        # androguard lists <uses-permission> only; we add <uses-permission-sdk-23> (flagged sdk23).
        assert {p.name for p in f.permissions if not p.sdk23} == set(a.get_permissions())
    kinds = {"activity": a.get_activities(), "service": a.get_services(),
             "receiver": a.get_receivers(), "provider": a.get_providers()}
    for kind, names in kinds.items():
        assert {c.name for c in f.components if c.kind == kind} == set(names), kind
    if a.get_attribute_value("application", "name"):
        assert f.application.name == a.get_attribute_value("application", "name") or \
            f.application.name.endswith(a.get_attribute_value("application", "name"))


def test_invoke_custom_lambda_is_a_call_to_its_body():
    """minSdk 26 without desugaring: a lambda is an invoke-custom call site whose arguments hold
    the body's method handle; the code model reports it as a ``custom`` call."""
    facts = collect_apk(conftest.test_app("apk_lambda"), knowledge())
    app = "com.selfaudit.lambda.App"
    calls = facts.code.calls(f"{app}.onCreate()V")
    assert [(c.target, c.kind) for c in calls] == [
        ("android.app.Application.onCreate()V", "super"),
        (f"{app}.lambda$onCreate$0()V", "custom"),
        ("java.lang.Thread.<init>(Ljava/lang/Runnable;)V", "direct"),
        ("java.lang.Thread.start()V", "invoke"),
    ]
    imei = [r for r in facts.code_refs if r.api == "android.telephony.TelephonyManager.getImei"]
    assert [(r.location.method, r.strings) for r in imei] == [("lambda$onCreate$0", ["phone"])]


def test_inherited_framework_api_is_a_code_ref():
    """``this.requestPermissions()`` in an Activity subclass is ``invoke-virtual MainActivity->
    requestPermissions`` in DEX: resolved up the superclass chain, it is the knowledge API
    ``android.app.Activity.requestPermissions``, recorded with ``via`` naming MainActivity. A call
    landing on an app class's own declaration is not (that declaration holds the direct call)."""
    facts = collect_apk(conftest.test_app("apk_inherited"), knowledge())
    pkg = "com.selfaudit.inherited"
    refs = {(r.api, r.location.class_name, r.location.method, r.via) for r in facts.code_refs}
    assert refs == {
        ("android.app.Activity.requestPermissions", f"{pkg}.MainActivity", "onCreate", f"{pkg}.MainActivity"),
        ("android.app.Activity.requestPermissions", f"{pkg}.BaseActivity", "requestPermissions", None),
        # Service → ContextWrapper → Context: supertypes of framework classes from the framework table
        ("android.content.Context.startActivity", f"{pkg}.SyncService", "onStartCommand", f"{pkg}.SyncService"),
    }
    (ref,) = [r for r in facts.code_refs if r.location.method == "onCreate"]
    assert ref.api_id == "activity.request-permissions" and "android.permission.CAMERA" in ref.strings


def test_inherited_permission_request_is_reported_at_startup():
    from selfaudit.api import Auditor
    from selfaudit.config import Config

    apk = conftest.test_app("apk_inherited")
    report = Auditor(Config(root=apk.parent)).run(apk)
    (ref,) = [r for r in report.facts.code_refs if r.location.method == "onCreate"]
    assert ref.reachable and ref.path == ["com.selfaudit.inherited.MainActivity.onCreate(Landroid/os/Bundle;)V"]
    hits = [f for f in report.findings if f.rule == "permission-at-startup"]
    assert any(f.location and f.location.class_name == "com.selfaudit.inherited.MainActivity" for f in hits)
