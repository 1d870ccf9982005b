"""SDK identification on real APKs: the catalog names what a reviewer sees in the class lists."""

from __future__ import annotations

import pytest

from selfaudit.api import Auditor
from selfaudit.config import Config

EXPECTED = {
    # Tencent Bugly (crash reporting + upgrade) and Tinker (hot-fix) in Bugly's own demo.
    "bugly_hotfix-demo-release.apk": {"tencent-bugly", "tencent-tinker"},
    # HBuilder runtime with JPush, Tencent QQ Connect (login/share) and iFlytek speech.
    "jpush_hbuilder-hello.apk": {"jpush", "tencent-qq-connect", "iflytek-msc", "dcloud-uniapp"},
    # A Play Store app: AdMob, the advertising-ID client, Play services location, Firebase IID.
    "exodus_blooddonation.apk": {"google-mobile-ads", "google-ads-identifier", "google-play-services-location",
                                 "firebase-instance-id"},
    "npm_io.appium.settings-8.0.10.apk": {"google-play-services-location"},
    # Tencent X5 browser engine (com.tencent.smtt) inside airtest's Yosemite helper app.
    "pypi_airtest-Yosemite.apk": {"tencent-x5-tbs"},
    "insecurebankv2.apk": {"google-mobile-ads", "google-analytics", "google-maps", "google-play-services-location"},
}

#: Apps with no third-party SDK at all: any match here is a false positive.
NO_SDKS = [
    "fd_com.politedroid_6.apk",
    "fd_org.dyndns.fules.ck_20.apk",
    "droidbench_IMEI1.apk",
    "npm_appium-uiautomator2-server-v10.6.6.apk",
    "npm_ApiDemos-debug.apk",
]


@pytest.fixture(scope="module")
def auditor():
    return Auditor(Config())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_catalog_identifies_the_sdks_in_the_class_list(name, corpus, auditor):
    report = auditor.run(corpus(name))
    found = {tp.id for tp in report.third_parties}
    missing = EXPECTED[name] - found
    assert not missing, f"{name}: missing {sorted(missing)}; found {sorted(found)}"
    for tp in report.third_parties:
        assert tp.company and tp.evidence, tp.id


@pytest.mark.parametrize("name", NO_SDKS)
def test_no_false_positives(name, corpus, auditor):
    report = auditor.run(corpus(name))
    assert [tp.id for tp in report.third_parties] == []


def test_sdk_evidence_names_the_package_and_count(corpus, auditor):
    report = auditor.run(corpus("jpush_hbuilder-hello.apk"))
    jpush = next(tp for tp in report.third_parties if tp.id == "jpush")
    assert "cn.jpush.android" in jpush.packages
    details = " ".join(e.detail or "" for e in jpush.evidence)
    assert "classes)" in details and "JPUSH_APPKEY" in details
    assert jpush.policy_url and jpush.policy_url.startswith("http")
