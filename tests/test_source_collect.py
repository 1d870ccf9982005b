"""Source mode end to end on a project written by the test: permissions, SDKs in every Gradle
notation and as AAR/JAR files, sensitive API calls with file:line, and what must not be read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_source_fixtures import SAMPLE, line_of, sample_project, write_project

from selfaudit.collect.source import collect_source, is_android_project
from selfaudit.knowledge import load_knowledge


@pytest.fixture(scope="module")
def kb():
    return load_knowledge([])


@pytest.fixture
def project(tmp_path):
    return sample_project(tmp_path / "sample")


@pytest.fixture
def facts(project, kb):
    return collect_source(project, kb)


def test_build_info_comes_from_gradle(facts):
    assert facts.kind == "source"
    assert facts.package == "com.example.app"
    assert (facts.version_name, facts.version_code) == ("1.2.3", 7)
    assert (facts.min_sdk, facts.target_sdk, facts.compile_sdk) == (21, 33, 34)
    assert facts.extra["source"]["app_module"] == ":app"
    assert facts.extra["source"]["modules"] == [":app", ":lib"]
    assert facts.extra["source"]["flavors"] == ["huawei", "xiaomi"]


def test_permissions_are_merged_from_every_shipped_manifest_with_lines(facts, project):
    perms = {p.name: p for p in facts.permissions}
    assert set(perms) == {
        "android.permission.INTERNET",
        "android.permission.READ_PHONE_STATE",
        "android.permission.ACCESS_FINE_LOCATION",  # huawei flavor source set
        "android.permission.ACCESS_COARSE_LOCATION",  # library module
        "android.permission.ACCESS_WIFI_STATE",  # the AAR's manifest
    }
    # tools:node="remove" in the app removes the library's READ_CONTACTS; debug sets do not ship.
    assert "android.permission.READ_CONTACTS" not in perms
    assert "android.permission.SYSTEM_ALERT_WINDOW" not in perms
    loc = perms["android.permission.READ_PHONE_STATE"].location
    assert (loc.file, loc.line) == ("app/src/main/AndroidManifest.xml",
                                    line_of(project, "app/src/main/AndroidManifest.xml", "READ_PHONE_STATE"))
    lib = perms["android.permission.ACCESS_COARSE_LOCATION"].location
    assert lib.file == "lib/src/main/AndroidManifest.xml" and lib.line == 3
    assert perms["android.permission.ACCESS_WIFI_STATE"].location.file == "app/libs/umeng-analytics.aar!AndroidManifest.xml"


def test_components_merge_with_library_names_and_placeholders(facts):
    comps = {c.name: c for c in facts.components}
    assert "com.example.lib.SyncService" not in comps  # removed by the app's tools:node="remove"
    assert comps["com.example.lib.BootReceiver"].actions == ["android.intent.action.BOOT_COMPLETED"]
    assert comps["com.example.app.MainActivity"].is_launcher()
    assert comps["com.umeng.analytics.UmengService"].kind == "service"
    provider = comps["androidx.startup.InitializationProvider"]
    assert provider.authorities == ["com.example.app.androidx-startup"]
    assert provider.exported is False
    assert facts.application.name == "com.example.app.App"
    assert facts.application.meta_data["JPUSH_APPKEY"] == "abc123"
    assert facts.extra["meta_data_locations"]["JPUSH_APPKEY"] == {"file": "app/src/main/AndroidManifest.xml", "line": 8}
    assert facts.application.allow_backup is False
    assert facts.label == "Sample App"


def test_gradle_dependencies_in_every_notation_with_lines(facts, project):
    deps = {d.coordinate: d for d in facts.dependencies}
    expected = {
        "com.tencent.bugly:crashreport:4.1.9": "'com.tencent.bugly",  # string
        "cn.jiguang.sdk:jpush:5.0.0": "group: 'cn.jiguang.sdk'",  # map
        "com.umeng.umsdk:common:9.6.3": "libs.bundles.umeng",  # catalog bundle + version.ref
        "com.umeng.umsdk:asms:1.8.0": "libs.bundles.umeng",  # catalog group/name/version
        "com.squareup.okhttp3:okhttp:4.12.0": "libs.okhttp",  # catalog accessor
    }
    for coord, needle in expected.items():
        d = deps[coord]
        assert (d.location.file, d.location.line) == ("app/build.gradle", line_of(project, "app/build.gradle", needle))
        assert d.module == ":app" and d.configuration == "implementation"
    amap = deps["com.amap.api:location:6.4.0"]
    assert (amap.location.file, amap.module) == ("lib/build.gradle.kts", ":lib")
    # Not shipped: debugImplementation, testImplementation.
    assert not any("leakcanary" in c or "junit" in c for c in deps)


def test_local_aar_and_jar_give_packages_manifest_and_native_libs(facts, project):
    deps = {d.coordinate: d for d in facts.dependencies}
    for rel in ("app/libs/umeng-analytics.aar", "app/libs/tbs_sdk.jar"):
        assert deps[rel].location.file == "app/build.gradle"
        assert deps[rel].location.line == line_of(project, "app/build.gradle", "fileTree")
    assert facts.packages["com.umeng.analytics"] == 1
    assert facts.packages["com.tencent.smtt.sdk"] == 2
    assert facts.packages["com.example.app"] >= 2
    assert "lib/arm64-v8a/libumeng.so" in facts.native_libs


def test_sensitive_api_calls_have_file_line_class_and_method(facts, project):
    refs = {(r.api_id, r.location.file, r.location.line, r.location.class_name, r.location.method) for r in facts.code_refs}
    app = "app/src/main/java/com/example/app/App.java"
    act = "app/src/main/java/com/example/app/MainActivity.kt"
    assert ("telephony.get-device-id", app, line_of(project, app, "getDeviceId"), "com.example.app.App", "onCreate") in refs
    assert ("settings-secure.get-string.android-id", app, line_of(project, app, "ANDROID_ID"),
            "com.example.app.App", "onCreate") in refs
    assert ("activity-compat.request-permissions", act, line_of(project, act, "requestPermissions"),
            "com.example.app.MainActivity", "onCreate") in refs
    assert ("clipboard.get-primary-clip", act, line_of(project, act, "primaryClip"),
            "com.example.app.MainActivity", "onCreate") in refs
    # Debug and test source sets do not ship.
    assert not any(r.api_id == "build.get-serial" for r in facts.code_refs)


def test_constant_arguments_are_visible_like_in_a_dex(facts):
    aid = next(r for r in facts.code_refs if r.api_id == "settings-secure.get-string.android-id")
    assert "android_id" in aid.strings
    req = next(r for r in facts.code_refs if r.api_id == "activity-compat.request-permissions")
    assert "android.permission.READ_PHONE_STATE" in req.strings
    assert 1 in req.numbers


def test_strings_resources_default_and_locales(facts):
    assert facts.strings["app_name"] == "Sample App"
    assert facts.strings["app_name@zh-CN"] == "示例"
    assert facts.strings["privacy"] == 'Read our "privacy policy"'


def test_sdks_are_attributed_through_the_knowledge_base(project, kb):
    from selfaudit.api import Auditor
    from selfaudit.config import Config

    report = Auditor(Config(root=project)).run(project)
    found = {tp.id: {e.kind for e in tp.evidence} for tp in report.third_parties}
    assert {"gradle", "sdk-class", "manifest"} <= found["umeng-common"]  # catalog bundle + AAR
    assert "gradle" in found["jpush"]  # map notation
    assert "gradle" in found["tencent-bugly"]  # string notation
    assert "sdk-class" in found["tencent-x5-tbs"]  # a jar in libs/
    assert "gradle" in found["amap-location"]  # library module, Kotlin DSL


def test_variant_option_limits_source_sets(project, kb):
    facts = collect_source(project, kb, {"variant": "xiaomiRelease"})
    assert "android.permission.ACCESS_FINE_LOCATION" not in facts.permission_names()
    facts = collect_source(project, kb, {"variant": "huaweiRelease"})
    assert "android.permission.ACCESS_FINE_LOCATION" in facts.permission_names()


def test_exclude_option_skips_paths(project, kb):
    facts = collect_source(project, kb, {"exclude": ["app/src/main/java/com/example/app/App.java"]})
    assert not any(r.location.file.endswith("App.java") for r in facts.code_refs)


def test_inline_suppressions_from_code_xml_and_gradle(tmp_path, kb):
    root = write_project(tmp_path, {
        **SAMPLE,
        "app/src/main/java/com/example/app/App.java": SAMPLE["app/src/main/java/com/example/app/App.java"].replace(
            "        String imei = tm.getDeviceId();",
            "        // selfaudit: ignore[device-identifier] legacy devices only\n        String imei = tm.getDeviceId();\n"
            "        // selfaudit: ignore\n"),
        "app/src/main/AndroidManifest.xml": SAMPLE["app/src/main/AndroidManifest.xml"].replace(
            '    <uses-permission android:name="android.permission.READ_PHONE_STATE" />',
            "    <!-- selfaudit: ignore[undeclared-permission, SA302] needed for calls -->\n"
            '    <uses-permission android:name="android.permission.READ_PHONE_STATE" />'),
        "app/build.gradle": SAMPLE["app/build.gradle"].replace(
            "    implementation 'com.tencent.bugly:crashreport:4.1.9'",
            "    implementation 'com.tencent.bugly:crashreport:4.1.9' // selfaudit: ignore[undisclosed-third-party] in review"),
    })
    facts = collect_source(root, kb)
    sups = facts.extra["inline_suppressions"]
    by_file = {(s["file"], tuple(s["rules"]), s["reason"]) for s in sups}
    assert ("app/src/main/java/com/example/app/App.java", ("device-identifier",), "legacy devices only") in by_file
    assert ("app/src/main/AndroidManifest.xml", ("undeclared-permission", "SA302"), "needed for calls") in by_file
    assert ("app/build.gradle", ("undisclosed-third-party",), "in review") in by_file
    java = next(s for s in sups if s["file"].endswith("App.java"))
    assert java["line"] == line_of(root, "app/src/main/java/com/example/app/App.java", "ignore[device-identifier]")
    # A bare "ignore" is a warning with file:line, not a suppression.
    bare = line_of(root, "app/src/main/java/com/example/app/App.java", "selfaudit: ignore\n".strip())
    assert any(w.startswith(f"app/src/main/java/com/example/app/App.java:{bare + 0}") or "without rule names" in w
               for w in facts.warnings)
    assert any("without rule names" in w for w in facts.warnings)


def test_inline_suppression_silences_the_finding_in_an_audit(tmp_path):
    from selfaudit.api import Auditor
    from selfaudit.config import Config

    root = write_project(tmp_path, {
        **SAMPLE,
        "app/src/main/AndroidManifest.xml": SAMPLE["app/src/main/AndroidManifest.xml"].replace(
            '    <uses-permission android:name="android.permission.READ_PHONE_STATE" />',
            "    <!-- selfaudit: ignore[undeclared-permission] asked only on the calls screen -->\n"
            '    <uses-permission android:name="android.permission.READ_PHONE_STATE" />'),
    })
    report = Auditor(Config(root=root)).run(root)
    f = next(f for f in report.findings if f.rule == "undeclared-permission" and "READ_PHONE_STATE" in f.message)
    assert f.suppression is not None and f.suppression.kind == "inline"
    assert f.suppression.reason == "asked only on the calls screen"


def test_unparseable_files_are_warnings_with_file_and_line(tmp_path, kb):
    root = write_project(tmp_path, {
        **SAMPLE,
        "lib/src/main/AndroidManifest.xml": "<manifest>\n  <application>\n</manifest>\n",
        "app/src/main/res/values/strings.xml": "<resources><string name='x'>&undefined;</string></resources>",
        "gradle/libs.versions.toml": "[libraries\nbroken = ",
        "app/src/main/java/com/example/app/Broken.java": "package com.example.app;\nclass Broken {\n  void f() {\n",
        "app/libs/broken.aar": b"not a zip",
    })
    facts = collect_source(root, kb)
    w = "\n".join(facts.warnings)
    assert "lib/src/main/AndroidManifest.xml:3: unparseable manifest" in w
    assert "app/src/main/res/values/strings.xml:1: unparseable resource file" in w
    assert "gradle/libs.versions.toml:1: unparseable version catalog" in w
    assert "app/src/main/java/com/example/app/Broken.java:2: unbalanced braces" in w
    assert "app/libs/broken.aar: not a readable aar archive" in w
    # The rest of the project is still audited.
    assert "android.permission.READ_PHONE_STATE" in facts.permission_names()


def test_entity_declarations_are_refused(tmp_path, kb):
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
            '<manifest xmlns:android="http://schemas.android.com/apk/res/android"><uses-permission android:name="&b;"/></manifest>\n')
    root = write_project(tmp_path, {"AndroidManifest.xml": bomb})
    facts = collect_source(root, kb)
    assert any("entity declarations are not allowed" in w for w in facts.warnings)
    assert facts.permissions == []


def test_manifest_only_directory_still_works(tmp_path, kb):
    root = write_project(tmp_path, {
        "src/main/AndroidManifest.xml": '<manifest xmlns:android="http://schemas.android.com/apk/res/android" '
                                        'package="com.x"><uses-permission android:name="android.permission.CAMERA"/></manifest>',
    })
    assert is_android_project(root)
    facts = collect_source(root, kb)
    assert facts.package == "com.x"
    assert facts.permission_names() == {"android.permission.CAMERA"}


def test_not_an_android_project(tmp_path):
    (tmp_path / "readme.txt").write_text("hi")
    assert not is_android_project(tmp_path)


def test_source_mode_imports_no_androguard_rich_or_jinja2(project):
    code = (
        "import sys\n"
        "from selfaudit.collect.source import collect_source\n"
        "from selfaudit.knowledge import load_knowledge\n"
        f"collect_source({str(project)!r}, load_knowledge([]))\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('androguard', 'rich', 'jinja2')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_evidence_location_exists(facts, project):
    for p in facts.permissions:
        if "!" not in p.location.file:
            assert (project / p.location.file).is_file()
    for r in facts.code_refs:
        lines = (Path(project) / r.location.file).read_text(encoding="utf-8").splitlines()
        assert 1 <= r.location.line <= len(lines)
