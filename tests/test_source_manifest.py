"""The manifest merger: priorities, tools:node / tools:remove / tools:selector, placeholders."""

from __future__ import annotations

from selfaudit.collect.source_manifest import ManifestInput, merge_manifests, settle_exported
from selfaudit.collect.source_xml import parse_xml
from selfaudit.model import AppFacts

NS = 'xmlns:android="http://schemas.android.com/apk/res/android" xmlns:tools="http://schemas.android.com/tools"'


def man(body: str, package: str | None = None) -> str:
    pkg = f' package="{package}"' if package else ""
    return f"<manifest {NS}{pkg}>\n{body}\n</manifest>\n"


def merged(*sources: tuple[str, str, str | None, str], placeholders=None, target: int = 33) -> AppFacts:
    facts = AppFacts(target="t", kind="source")
    inputs = [ManifestInput(rel, parse_xml(text.encode()), pkg, kind) for rel, text, pkg, kind in sources]
    merge_manifests(inputs, facts, placeholders or {})
    facts.target_sdk = target
    settle_exported(facts)
    return facts


def test_higher_priority_wins_and_lower_adds():
    app = man('<uses-permission android:name="android.permission.CAMERA" android:maxSdkVersion="28"/>\n'
              '<application><activity android:name=".Main" android:exported="false"/></application>')
    lib = man('<uses-permission android:name="android.permission.CAMERA"/>\n'
              '<uses-permission android:name="android.permission.READ_CONTACTS"/>\n'
              '<application><activity android:name="com.app.Main" android:exported="true" android:process=":x">'
              '<intent-filter><action android:name="a.b.C"/></intent-filter></activity></application>')
    facts = merged(("app/src/main/AndroidManifest.xml", app, "com.app", "app"),
                   ("lib/src/main/AndroidManifest.xml", lib, "com.lib", "library"))
    perms = {p.name: p for p in facts.permissions}
    assert perms["android.permission.CAMERA"].max_sdk == 28
    assert perms["android.permission.CAMERA"].location.file == "app/src/main/AndroidManifest.xml"
    assert perms["android.permission.READ_CONTACTS"].location.file == "lib/src/main/AndroidManifest.xml"
    main = facts.component("com.app.Main")
    assert main.exported is False  # the app's explicit value wins
    assert main.process == ":x"  # a new attribute from the library is merged in
    assert main.actions == ["a.b.C"]  # and its intent filter


def test_tools_node_remove_and_selector():
    app = man('<uses-permission android:name="android.permission.READ_PHONE_STATE" tools:node="remove"/>\n'
              '<uses-permission android:name="android.permission.ACCESS_FINE_LOCATION" tools:node="remove" '
              'tools:selector="com.sdk.b"/>\n'
              '<application><receiver android:name="com.sdk.a.Boot" tools:node="remove"/>'
              '<meta-data android:name="SDK_KEY" tools:node="remove"/></application>')
    sdk_a = man('<uses-permission android:name="android.permission.READ_PHONE_STATE"/>\n'
                '<uses-permission android:name="android.permission.ACCESS_FINE_LOCATION"/>\n'
                '<application><receiver android:name=".Boot"/><meta-data android:name="SDK_KEY" android:value="1"/>'
                "</application>", "com.sdk.a")
    sdk_b = man('<uses-permission android:name="android.permission.ACCESS_FINE_LOCATION"/>', "com.sdk.b")
    facts = merged(("m.xml", app, "com.app", "app"), ("a.aar!AndroidManifest.xml", sdk_a, "com.sdk.a", "aar"),
                   ("b.aar!AndroidManifest.xml", sdk_b, "com.sdk.b", "aar"))
    perms = {p.name: p.location.file for p in facts.permissions}
    assert "android.permission.READ_PHONE_STATE" not in perms
    # The selector removes it only from com.sdk.b: sdk a's request survives.
    assert perms == {"android.permission.ACCESS_FINE_LOCATION": "a.aar!AndroidManifest.xml"}
    assert facts.component("com.sdk.a.Boot") is None
    assert "SDK_KEY" not in facts.application.meta_data


def test_remove_all_replace_and_remove_attribute():
    app = man('<uses-permission tools:node="removeAll"/>\n'
              '<application android:allowBackup="false" tools:remove="android:debuggable">'
              '<service android:name="com.sdk.Svc" android:exported="false" tools:node="replace"/>'
              '<provider android:name="com.sdk.Prov" tools:remove="android:exported"/></application>')
    sdk = man('<uses-permission android:name="android.permission.CAMERA"/>'
              '<application android:debuggable="true" android:allowBackup="true">'
              '<service android:name=".Svc" android:exported="true" android:permission="x">'
              '<intent-filter><action android:name="x.y"/></intent-filter></service>'
              '<provider android:name=".Prov" android:authorities="a" android:exported="true"/></application>', "com.sdk")
    facts = merged(("m.xml", app, "com.app", "app"), ("s.xml", sdk, "com.sdk", "aar"))
    assert facts.permissions == []
    assert facts.application.allow_backup is False
    assert facts.application.debuggable is None
    svc = facts.component("com.sdk.Svc")
    assert svc.exported is False and svc.intent_filters == [] and svc.permission is None
    prov = facts.component("com.sdk.Prov")
    assert prov.exported_explicit is None and prov.exported is False and prov.authorities == ["a"]


def test_placeholders_and_unknown_ones():
    app = man('<application><meta-data android:name="JPUSH_APPKEY" android:value="${JPUSH_APPKEY}"/>'
              '<provider android:name=".P" android:authorities="${applicationId}.init"/>'
              '<meta-data android:name="X" android:value="${MISSING}"/></application>')
    facts = merged(("m.xml", app, "com.app", "app"), placeholders={"applicationId": "com.app", "JPUSH_APPKEY": "k"})
    assert facts.application.meta_data["JPUSH_APPKEY"] == "k"
    assert facts.component("com.app.P").authorities == ["com.app.init"]
    assert any("${MISSING}" in w for w in facts.warnings)


def test_exported_defaults_follow_target_sdk():
    app = man('<application><activity android:name=".A"><intent-filter><action android:name="x"/></intent-filter>'
              '</activity><provider android:name=".P" android:authorities="p"/><service android:name=".S"/></application>')
    old = merged(("m.xml", app, "com.app", "app"), target=16)
    assert old.component("com.app.P").exported is True
    assert old.component("com.app.A").exported is True
    assert old.component("com.app.S").exported is False
    new = merged(("m.xml", app, "com.app", "app"), target=33)
    assert new.component("com.app.P").exported is False
    assert any("m.xml:" in w and "no android:exported" in w for w in new.warnings)


def test_queries_and_declared_permissions_and_features():
    app = man('<permission android:name="com.app.OWN"/>\n<uses-feature android:name="android.hardware.camera"/>\n'
              '<queries><package android:name="com.tencent.mm"/><intent><action android:name="android.intent.action.VIEW"/>'
              '<data android:scheme="https"/></intent><provider android:authorities="a;b"/></queries>')
    facts = merged(("m.xml", app, "com.app", "app"))
    assert facts.declared_permissions == ["com.app.OWN"]
    assert facts.extra["uses_features"] == ["android.hardware.camera"]
    assert facts.queries == {"packages": ["com.tencent.mm"], "intents": ["android.intent.action.VIEW scheme=https"],
                             "providers": ["a", "b"]}


def test_relative_names_use_their_own_manifest_package():
    lib = man('<application><service android:name=".Svc"/><service android:name="Bare"/></application>', "com.lib")
    facts = merged(("m.xml", man("<application/>"), "com.app", "app"), ("l.xml", lib, "com.lib", "library"))
    assert {c.name for c in facts.components} == {"com.lib.Svc", "com.lib.Bare"}
