"""The rules on real APKs: what a reviewer looking at each app would expect to be told.

* droidbench_IMEI1: the launcher Activity reads the IMEI in onCreate (and texts it away); a debuggable
  test build targeting API 19, with no privacy policy.
* bugly_hotfix-demo-release: Bugly is initialised in the Tinker ApplicationLike (created and driven
  by reflection from TinkerApplication), and Bugly then reads Android ID, serial number and ICCID on
  its own threads; the app can install APKs (Bugly upgrade) and loads code at run time (Tinker).
* jpush_hbuilder-hello: an HBuilder app with an old JPush: JPush's exported DaemonService and its
  receiver for unlock / network / package events wake the app and collect IMEI, IMSI, MAC,
  location and the app list without anyone opening it; DCloud's runtime reads the IMEI when the
  launcher starts.
* exodus_blooddonation: the launcher requests location and shows a map that starts location updates,
  and loads an AdMob banner whose SDK reads the advertising ID and Android ID, all at start-up; a
  BOOT_COMPLETED receiver; no privacy policy.
"""

from __future__ import annotations

import pytest

from selfaudit.api import Auditor
from selfaudit.config import Config

_CACHE: dict[str, object] = {}


@pytest.fixture
def report(corpus):
    def get(name):
        if name not in _CACHE:
            _CACHE[name] = Auditor(Config()).run(corpus(name))
        return _CACHE[name]

    return get


def rules(rep):
    return {f.rule for f in rep.findings}


def of(rep, rule):
    return [f for f in rep.findings if f.rule == rule]


def where(f):
    return f"{f.location.class_name}.{f.location.method}" if f.location and f.location.class_name else ""


def owners(f):
    return {e.third_party for e in f.evidence}


# -- droidbench_IMEI1 -----------------------------------------------------------------------------


def test_droidbench_imei_read_in_the_launcher_before_consent(report):
    rep = report("droidbench_IMEI1.apk")
    pre = of(rep, "pre-consent-collection")
    assert len(pre) == 1
    f = pre[0]
    assert where(f) == "de.ecspride.MainActivity.onCreate" and "IMEI" in f.message
    assert f.path == ["de.ecspride.MainActivity.onCreate(Landroid/os/Bundle;)V"]
    assert "launcher Activity" in f.message and f.confidence.value == "medium"   # no gate declared
    assert {"device-identifier", "undeclared-collection", "undeclared-permission", "debuggable",
            "target-sdk-outdated", "privacy-policy-missing"} <= rules(rep)
    assert next(iter(of(rep, "target-sdk-outdated"))).severity.value == "high"   # 19: no runtime permissions
    assert not {"sdk-init-before-consent", "undisclosed-third-party", "self-start"} & rules(rep)


# -- bugly_hotfix-demo-release --------------------------------------------------------------------


def test_bugly_initialised_before_consent_through_tinkers_reflective_delegate(report):
    rep = report("bugly_hotfix-demo-release.apk")
    init = of(rep, "sdk-init-before-consent")
    assert [where(f) for f in init] == ["com.tencent.bugly.hotfix.SampleApplicationLike.onCreate"]
    assert "Bugly.init" in init[0].message
    assert init[0].path == ["com.tencent.bugly.hotfix.SampleApplication.<init>()V",
                            "com.tencent.bugly.hotfix.SampleApplicationLike.onCreate()V"]


def test_bugly_collects_device_identifiers_on_its_own_threads_before_consent(report):
    rep = report("bugly_hotfix-demo-release.apk")
    bugly = [f for f in of(rep, "pre-consent-collection") if "tencent-bugly" in owners(f)]
    text = " ".join(f.message for f in bugly)
    for item in ("Android ID", "Hardware serial number", "ICCID"):
        assert item in text
    serial = next(f for f in bugly if "serial" in f.message)
    assert "com.tencent.bugly.Bugly.init(Landroid/content/Context;Ljava/lang/String;Z)V" in serial.path
    assert {"undisclosed-third-party", "install-packages", "dynamic-code-loading", "debuggable"} <= rules(rep)
    assert any("tencent-bugly" in owners(f) for f in of(rep, "install-packages"))
    assert not of(rep, "self-start")


# -- jpush_hbuilder-hello ---------------------------------------------------------------------------


def test_jpush_wakes_the_app_and_collects_before_anyone_opens_it(report):
    rep = report("jpush_hbuilder-hello.apk")
    jpush = [f for f in of(rep, "pre-consent-collection") if "jpush" in owners(f)]
    text = " ".join(f.message for f in jpush)
    for item in ("IMEI", "IMSI", "MAC", "Installed apps", "location"):
        assert item in text, item
    imei = next(f for f in jpush if "IMEI" in f.message)
    assert imei.path[0] in ("cn.jpush.android.service.DaemonService.onCreate()V",
                            "cn.jpush.android.service.PushReceiver.onReceive(Landroid/content/Context;Landroid/content/Intent;)V")
    assert any("PushService" in k for k in imei.path)


def test_jpush_self_start_and_associated_start(report):
    rep = report("jpush_hbuilder-hello.apk")
    starts = {f.location.component or f.message.split()[1]: f for f in of(rep, "self-start")}
    push = next(f for f in of(rep, "self-start") if "cn.jpush.android.service.PushReceiver" in f.message)
    assert "unlock" in push.message and "network change" in push.message and "priority 1000" in push.message
    assert any("NotificationReceiver" in f.message and "boot" in f.message for f in starts.values())
    wake = [f for f in of(rep, "associated-start") if "DaemonService" in f.message]
    assert wake and "other apps with the same SDK" in wake[0].message


def test_jpush_app_other_expected_findings(report):
    rep = report("jpush_hbuilder-hello.apk")
    dcloud = [f for f in of(rep, "pre-consent-collection") if "dcloud-uniapp" in owners(f)]
    assert any("IMEI" in f.message and f.path[0].startswith("io.dcloud.PandoraEntry.onCreate") for f in dcloud)
    parties = {e.third_party for f in of(rep, "undisclosed-third-party") for e in f.evidence}
    assert {"jpush", "dcloud-uniapp"} <= parties
    assert any("jpush" in owners(f) for f in of(rep, "background-location"))
    assert any("jpush" in owners(f) for f in of(rep, "installed-apps"))
    assert any("DaemonService" in f.message for f in of(rep, "exported-component"))
    assert {"debuggable", "target-sdk-outdated", "privacy-policy-missing", "frequent-collection"} <= rules(rep)


# -- exodus_blooddonation ---------------------------------------------------------------------------


def test_blooddonation_location_and_permission_prompt_at_start_up(report):
    rep = report("exodus_blooddonation.apk")
    app_reads = [f for f in of(rep, "pre-consent-collection")
                 if (f.location.class_name or "").startswith("fr.mobdev.blooddonation")]
    assert any("requestLocationUpdates" in f.message for f in app_reads)
    updates = next(f for f in app_reads if "requestLocationUpdates" in f.message)
    assert updates.path[0] == "fr.mobdev.blooddonation.activity.MainActivity.onCreate(Landroid/os/Bundle;)V"
    assert "fr.mobdev.blooddonation.fragment.MapsFragment.startUpdateLocations()V" in updates.path
    prompts = of(rep, "permission-at-startup")
    assert any("ACCESS_FINE_LOCATION" in f.message and "MapsFragment.startUpdateLocations" in f.message for f in prompts)
    # a 10-minute interval is not "frequent"
    assert not [f for f in of(rep, "frequent-collection") if "fr.mobdev" in (f.location.class_name or "")]


def test_blooddonation_admob_reads_identifiers_at_start_up(report):
    rep = report("exodus_blooddonation.apk")
    ads = [f for f in of(rep, "pre-consent-collection") if "google-mobile-ads" in owners(f)]
    text = " ".join(f.message for f in ads)
    assert "advertising ID" in text and "Android ID" in text
    gaid = next(f for f in ads if "advertising ID" in f.message)
    assert "fr.mobdev.blooddonation.activity.MainActivity.setupPub()V" in gaid.path
    assert any("AdvertisingIdClient" in f.message for f in of(rep, "sdk-init-before-consent"))
    assert {"self-start", "undisclosed-third-party", "privacy-policy-missing", "target-sdk-outdated"} <= rules(rep)
    assert any("BootReceiver" in f.message for f in of(rep, "self-start"))
    assert not of(rep, "debuggable")


@pytest.mark.parametrize("name", ["droidbench_IMEI1.apk", "bugly_hotfix-demo-release.apk",
                                  "jpush_hbuilder-hello.apk", "exodus_blooddonation.apk"])
def test_every_code_level_pi_source_carries_reachability(report, name):
    rep = report(name)
    sources = [s for item in rep.data_items for s in item.sources if s.kind in ("api", "field", "string")]
    assert sources and all(s.reachable in (True, False) for s in sources)
    assert any(s.reachable for s in sources)                 # called by the app
    assert any(s.reachable is False for s in sources)        # present in a library, never called
