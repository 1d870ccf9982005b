"""Every code-level finding says where the code is: file:line in source mode, class and method in an APK.

Rules that find a call through the call graph (SDK init before consent, a permission request at
start-up, a permission handler that quits) know only a method key; they ask the code model for the
method's location (``_common.call_location``), and in source mode put the finding on the call's
line, so ``path:line`` output, SARIF and inline ``// selfaudit: ignore[...]`` comments all work.
"""

from __future__ import annotations

from pathlib import Path

import conftest
import pytest
from test_source_fixtures import line_of, write_project

from selfaudit.api import Auditor
from selfaudit.config import Config

APP = "app/src/main/java/com/x/loc/LocApp.java"
MAIN = "app/src/main/java/com/x/loc/MainActivity.java"
SERVICE = "app/src/main/java/com/x/loc/TrackService.java"

PROJECT = {
    "settings.gradle": "include ':app'\n",
    "app/build.gradle": 'android { defaultConfig { applicationId "com.x.loc"; minSdkVersion 21; targetSdkVersion 33 } }\n',
    "app/src/main/AndroidManifest.xml": """\
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.x.loc">
    <uses-permission android:name="android.permission.READ_PHONE_STATE"/>
    <uses-permission android:name="android.permission.CAMERA"/>
    <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION"/>
    <application android:name=".LocApp" android:label="loc" android:allowBackup="false">
        <meta-data android:name="UMENG_APPKEY" android:value="5f0000000000000000000002"/>
        <activity android:name=".MainActivity" android:exported="true">
            <intent-filter>
                <action android:name="android.intent.action.MAIN"/>
                <category android:name="android.intent.category.LAUNCHER"/>
            </intent-filter>
        </activity>
        <service android:name=".TrackService" android:exported="true"/>
    </application>
</manifest>
""",
    "app/src/main/java/com/umeng/commonsdk/UMConfigure.java": """\
package com.umeng.commonsdk;

import android.content.Context;

public class UMConfigure {
    public static void init(Context context, String appkey, String channel, int type, String secret) {
    }
}
""",
    APP: """\
package com.x.loc;

import android.app.Application;
import android.content.ClipboardManager;
import android.telephony.TelephonyManager;
import com.umeng.commonsdk.UMConfigure;
import java.util.Timer;
import java.util.TimerTask;

public class LocApp extends Application {
    @Override
    public void onCreate() {
        super.onCreate();
        TelephonyManager tm = (TelephonyManager) getSystemService("phone");
        tm.getDeviceId();
        UMConfigure.init(this, "appkey", "channel", 1, null);
        new Timer().schedule(new Tick(this), 0L, 2000L);
        ClipboardManager cm = (ClipboardManager) getSystemService("clipboard");
        cm.getPrimaryClip();
    }

    static class Tick extends TimerTask {
        private final Application app;

        Tick(Application app) {
            this.app = app;
        }

        @Override
        public void run() {
            TelephonyManager tm = (TelephonyManager) app.getSystemService("phone");
            tm.getSubscriberId();
        }
    }
}
""",
    MAIN: """\
package com.x.loc;

import android.Manifest;
import android.app.Activity;
import android.os.Bundle;
import androidx.core.app.ActivityCompat;

public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        ActivityCompat.requestPermissions(this, new String[] {Manifest.permission.CAMERA}, 1);
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        super.onRequestPermissionsResult(requestCode, permissions, grantResults);
        if (grantResults.length == 0) {
            finish();
        }
    }
}
""",
    SERVICE: """\
package com.x.loc;

import android.app.Service;
import android.content.Intent;
import android.location.LocationManager;
import android.os.IBinder;

public class TrackService extends Service {
    @Override
    public int onStartCommand(Intent intent, int flags, int startId) {
        LocationManager lm = (LocationManager) getSystemService("location");
        lm.getLastKnownLocation("gps");
        return START_STICKY;
    }

    @Override
    public IBinder onBind(Intent intent) {
        return null;
    }
}
""",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return write_project(tmp_path_factory.mktemp("loc"), PROJECT)


@pytest.fixture(scope="module")
def report(project):
    return Auditor(Config(root=project)).run(project)


def _where(report, rule, needle=""):
    found = [f for f in report.findings if f.rule == rule and needle in f.message]
    assert found, f"{rule} {needle!r} not reported: {[f.rule for f in report.findings]}"
    return found[0].location


def test_every_code_finding_and_its_evidence_has_file_and_line_in_source_mode(report):
    code = [f for f in report.findings if f.location is not None and f.location.class_name]
    assert {f.rule for f in code} >= {"pre-consent-collection", "sdk-init-before-consent", "permission-at-startup",
                                      "frequent-collection", "background-location", "device-identifier",
                                      "clipboard-read", "undeclared-collection"}
    for f in code:
        assert f.location.file and f.location.file.endswith(".java"), (f.rule, f.location)
        assert f.location.line and f.location.line > 0, (f.rule, f.location)
        for e in f.evidence:
            if e.location is not None and e.location.class_name:
                assert e.location.file and e.location.line, (f.rule, e)


@pytest.mark.parametrize("rule, needle, file, line_text", [
    ("sdk-init-before-consent", "UMConfigure.init", APP, "UMConfigure.init("),
    ("permission-at-startup", "Permission request", MAIN, "ActivityCompat.requestPermissions("),
    ("permission-at-startup", "quits", MAIN, "finish();"),
    ("frequent-collection", "", APP, "tm.getSubscriberId();"),
    ("background-location", "", SERVICE, "lm.getLastKnownLocation("),
    ("pre-consent-collection", "getDeviceId", APP, "tm.getDeviceId();"),
])
def test_call_graph_findings_point_at_the_call_line(project, report, rule, needle, file, line_text):
    loc = _where(report, rule, needle)
    assert (loc.file, loc.line) == (file, line_of(project, file, line_text))
    assert loc.class_name.startswith("com.x.loc.") and loc.method


def test_a_permission_handler_that_quits_is_found_through_activitycompat(report):
    # ActivityCompat.requestPermissions(activity, ...) is static: the callback is the activity's.
    f = next(f for f in report.findings if f.rule == "permission-at-startup" and "quits" in f.message)
    assert f.location.method == "onRequestPermissionsResult"
    assert f.path[0].startswith("com.x.loc.MainActivity.onCreate(")
    assert f.path[-1].startswith("com.x.loc.MainActivity.onRequestPermissionsResult(")


def test_an_inline_suppression_on_the_call_line_applies_to_a_call_graph_finding(tmp_path):
    files = dict(PROJECT)
    files[APP] = files[APP].replace(
        "        UMConfigure.init(",
        "        // selfaudit: ignore[sdk-init-before-consent] the channel build asks consent in a native splash\n"
        "        UMConfigure.init(")
    root = write_project(tmp_path, files)
    rep = Auditor(Config(root=root)).run(root)
    f = next(f for f in rep.findings if f.rule == "sdk-init-before-consent")
    assert f.suppression is not None and f.suppression.kind == "inline"


def test_code_findings_in_an_apk_carry_class_and_method():
    rep = Auditor(Config()).run(conftest.test_app("twin_imei"))
    code = [f for f in rep.findings if f.location is not None and f.location.class_name]
    assert {f.rule for f in code} >= {"sdk-init-before-consent", "permission-at-startup", "pre-consent-collection"}
    for f in code:
        assert f.location.method, (f.rule, f.location)
        assert f.location.file and f.location.file.endswith(".dex"), (f.rule, f.location)
