"""Small Android projects written by tests, and a check that the sample is what the tests assume.

``write_project(root, files)`` writes a dict of path → text (bytes for binaries); ``SAMPLE`` is a
two-module project that uses every dependency notation and manifest-merger rule source mode must
read. Other source-mode tests import from here (``from test_source_fixtures import ...``).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

__all__ = ["write_project", "sample_project", "SAMPLE", "aar_bytes", "jar_bytes", "line_of"]


def write_project(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return root


def jar_bytes(classes: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for c in classes:
            z.writestr(c.replace(".", "/") + ".class", b"\xca\xfe\xba\xbe")
    return buf.getvalue()


def aar_bytes(manifest: str, classes: list[str], native: list[str] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("AndroidManifest.xml", manifest)
        z.writestr("classes.jar", jar_bytes(classes))
        for so in native:
            z.writestr(f"jni/{so}", b"\x7fELF")
    return buf.getvalue()


def line_of(root: Path, rel: str, needle: str) -> int:
    """1-based line of the first line of ``rel`` containing ``needle``."""
    for i, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {rel}")


SAMPLE: dict[str, str | bytes] = {
    "settings.gradle": """\
pluginManagement { repositories { google() } }
rootProject.name = "Sample"
include ':app', ':lib'
""",
    "build.gradle": """\
// Top-level build file
ext {
    minSdk = 21
    targetSdk = 33
}
""",
    "gradle.properties": "android.useAndroidX=true\n",
    "gradle/libs.versions.toml": """\
[versions]
umeng = "9.6.3"
agp = "8.1.0"

[libraries]
umeng-common = { module = "com.umeng.umsdk:common", version.ref = "umeng" }
umeng-asms = { group = "com.umeng.umsdk", name = "asms", version = "1.8.0" }
okhttp = "com.squareup.okhttp3:okhttp:4.12.0"

[bundles]
umeng = ["umeng-common", "umeng-asms"]

[plugins]
android-application = { id = "com.android.application", version.ref = "agp" }
""",
    "app/build.gradle": """\
plugins {
    alias(libs.plugins.android.application)
}

android {
    namespace 'com.example.app'
    compileSdk 34
    defaultConfig {
        applicationId "com.example.app"
        minSdkVersion rootProject.ext.minSdk
        targetSdkVersion rootProject.ext.targetSdk
        versionCode 7
        versionName "1.2.3"
        manifestPlaceholders = [JPUSH_APPKEY: "abc123"]
    }
    buildTypes {
        release { minifyEnabled true }
    }
    productFlavors {
        huawei { }
        xiaomi { }
    }
}

dependencies {
    implementation project(':lib')
    implementation 'com.tencent.bugly:crashreport:4.1.9'
    implementation group: 'cn.jiguang.sdk', name: 'jpush', version: '5.0.0'
    implementation libs.bundles.umeng
    implementation(libs.okhttp)
    implementation fileTree(dir: 'libs', include: ['*.jar', '*.aar'])
    debugImplementation 'com.squareup.leakcanary:leakcanary-android:2.12'
    testImplementation 'junit:junit:4.13.2'
}
""",
    "lib/build.gradle.kts": """\
plugins {
    id("com.android.library")
}

android {
    namespace = "com.example.lib"
}

dependencies {
    implementation("com.amap.api:location:6.4.0")
}
""",
    "app/src/main/AndroidManifest.xml": """\
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    xmlns:tools="http://schemas.android.com/tools">
    <uses-permission android:name="android.permission.INTERNET" />
    <uses-permission android:name="android.permission.READ_PHONE_STATE" />
    <uses-permission android:name="android.permission.READ_CONTACTS" tools:node="remove" />
    <application android:name=".App" android:label="@string/app_name" android:allowBackup="false">
        <meta-data android:name="JPUSH_APPKEY" android:value="${JPUSH_APPKEY}" />
        <activity android:name=".MainActivity" android:exported="true">
            <intent-filter>
                <action android:name="android.intent.action.MAIN" />
                <category android:name="android.intent.category.LAUNCHER" />
            </intent-filter>
        </activity>
        <service android:name="com.example.lib.SyncService" tools:node="remove" />
        <provider android:name="androidx.startup.InitializationProvider"
            android:authorities="${applicationId}.androidx-startup" android:exported="false" />
    </application>
</manifest>
""",
    "app/src/debug/AndroidManifest.xml": """\
<manifest xmlns:android="http://schemas.android.com/apk/res/android">
    <uses-permission android:name="android.permission.SYSTEM_ALERT_WINDOW" />
</manifest>
""",
    "app/src/huawei/AndroidManifest.xml": """\
<manifest xmlns:android="http://schemas.android.com/apk/res/android">
    <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION" />
</manifest>
""",
    "lib/src/main/AndroidManifest.xml": """\
<manifest xmlns:android="http://schemas.android.com/apk/res/android">
    <uses-permission android:name="android.permission.READ_CONTACTS" />
    <uses-permission android:name="android.permission.ACCESS_COARSE_LOCATION" />
    <application>
        <service android:name=".SyncService" android:exported="false" />
        <receiver android:name=".BootReceiver" android:exported="false">
            <intent-filter><action android:name="android.intent.action.BOOT_COMPLETED" /></intent-filter>
        </receiver>
    </application>
</manifest>
""",
    "app/src/main/res/values/strings.xml": """\
<resources>
    <string name="app_name">Sample App</string>
    <string name="privacy">Read our \\"privacy policy\\"</string>
</resources>
""",
    "app/src/main/res/values-zh-rCN/strings.xml": "<resources><string name=\"app_name\">示例</string></resources>\n",
    "app/src/main/java/com/example/app/App.java": """\
package com.example.app;

import android.app.Application;
import android.content.Context;
import android.provider.Settings;
import android.telephony.TelephonyManager;

public class App extends Application {
    @Override
    public void onCreate() {
        super.onCreate();
        TelephonyManager tm = (TelephonyManager) getSystemService(Context.TELEPHONY_SERVICE);
        String imei = tm.getDeviceId();
        String aid = Settings.Secure.getString(getContentResolver(), Settings.Secure.ANDROID_ID);
    }
}
""",
    "app/src/main/java/com/example/app/MainActivity.kt": """\
package com.example.app

import android.app.Activity
import android.content.ClipboardManager
import android.content.Context
import android.os.Bundle
import android.Manifest
import androidx.core.app.ActivityCompat

class MainActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        ActivityCompat.requestPermissions(this, arrayOf(Manifest.permission.READ_PHONE_STATE), 1)
        val cm = getSystemService(Context.CLIPBOARD_SERVICE) as ClipboardManager
        val clip = cm.primaryClip
    }
}
""",
    "app/src/debug/java/com/example/app/DebugTools.java": """\
package com.example.app;

class DebugTools { void x() { android.os.Build.getSerial(); } }
""",
    "app/src/test/java/com/example/app/AppTest.java": """\
package com.example.app;

class AppTest { void t() { android.os.Build.getSerial(); } }
""",
    "lib/src/main/java/com/example/lib/SyncService.java": """\
package com.example.lib;

import android.app.Service;

public class SyncService extends Service { }
""",
    "app/libs/umeng-analytics.aar": aar_bytes(
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.umeng.analytics">'
        '<uses-permission android:name="android.permission.ACCESS_WIFI_STATE"/>'
        '<application><service android:name=".UmengService"/></application></manifest>',
        ["com.umeng.analytics.MobclickAgent", "com.umeng.analytics.pro.a"],
        ["arm64-v8a/libumeng.so"],
    ),
    "app/libs/tbs_sdk.jar": jar_bytes(["com.tencent.smtt.sdk.WebView", "com.tencent.smtt.sdk.QbSdk"]),
}


def sample_project(root: Path) -> Path:
    return write_project(root, SAMPLE)


def test_sample_project_writes_every_file(tmp_path):
    root = sample_project(tmp_path)
    for rel in SAMPLE:
        assert (root / rel).is_file(), rel
    with zipfile.ZipFile(root / "app/libs/umeng-analytics.aar") as z:
        assert {"AndroidManifest.xml", "classes.jar", "jni/arm64-v8a/libumeng.so"} <= set(z.namelist())


def test_line_of_finds_the_first_match(tmp_path):
    root = write_project(tmp_path, {"a.txt": "x\ny\ny\n"})
    assert line_of(root, "a.txt", "y") == 2
