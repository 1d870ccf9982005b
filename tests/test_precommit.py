"""The hooks this repository offers to pre-commit: the manifest, and a real commit through them.

The end-to-end test builds what a team does: an Android app in a git repository whose
``.pre-commit-config.yaml`` points at this repository, ``pre-commit install``, then ``git commit``.
pre-commit clones this repository (its committed HEAD: commit your changes first) and pip-installs
it into a hook environment under a temporary ``PRE_COMMIT_HOME``, which needs PyPI for the
dependencies. A commit adding READ_PHONE_STATE and an IMEI read in Application.onCreate is refused
with a readable message; moving the read behind the declared consent gate and declaring it lets
the commit through. ``selfaudit-apk`` is run the same way through ``pre-commit try-repo``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_source_fixtures import write_project

from selfaudit.collect.source_paths import RELEVANT_PATTERN, relevant_file

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / ".pre-commit-hooks.yaml"
PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))


def _hooks() -> dict[str, dict]:
    import yaml  # pre-commit's own dependency

    return {h["id"]: h for h in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}


def test_manifest_is_valid():
    res = subprocess.run([PRE_COMMIT, "validate-manifest", str(MANIFEST)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_manifest_hooks():
    hooks = _hooks()
    src, apk = hooks["selfaudit"], hooks["selfaudit-apk"]
    assert (src["entry"], src["language"], src["pass_filenames"], src["require_serial"]) == (
        "selfaudit hook", "python", False, True)
    assert apk["entry"] == "selfaudit hook --apk" and apk["stages"] == ["manual"]
    assert src["minimum_pre_commit_version"] == apk["minimum_pre_commit_version"] == "3.2.0"


def test_files_pattern_is_the_hooks_own_pattern():
    assert _hooks()["selfaudit"]["files"] == RELEVANT_PATTERN


@pytest.mark.parametrize("path, relevant", [
    ("app/src/main/AndroidManifest.xml", True),
    ("app/build.gradle", True),
    ("app/build.gradle.kts", True),
    ("settings.gradle.kts", True),
    ("gradle/libs.versions.toml", True),
    ("gradle.properties", True),
    ("app/src/main/java/com/x/App.java", True),
    ("feature/src/main/kotlin/com/x/Login.kt", True),
    ("app/libs/umeng-common.aar", True),
    ("app/libs/tbs.jar", True),
    ("app/src/main/jniLibs/arm64-v8a/libx.so", True),
    ("privacy.toml", True),
    ("selfaudit.toml", True),
    ("app/src/main/res/values/strings.xml", True),
    ("app/src/main/res/values-zh-rCN/strings.xml", True),
    ("app/src/main/res/xml/network_security_config.xml", True),
    ("app/src/main/assets/privacy.html", True),
    ("README.md", False),
    ("app/src/main/res/layout/main.xml", False),
    ("app/src/main/res/drawable/icon.png", False),
    ("docs/design.md", False),
    (".github/workflows/ci.yml", False),
])
def test_relevant_files(path, relevant):
    assert relevant_file(path) is relevant
    assert bool(re.search(RELEVANT_PATTERN, path)) is relevant


# --------------------------------------------------------------------------------------------
# End to end
# --------------------------------------------------------------------------------------------

APP_START = {
    "settings.gradle": "rootProject.name = 'shop'\ninclude ':app'\n",
    "build.gradle": "// top-level build file\n",
    "app/build.gradle": """\
plugins {
    id 'com.android.application'
}

android {
    namespace 'com.example.shop'
    compileSdk 34
    defaultConfig {
        applicationId 'com.example.shop'
        minSdk 23
        targetSdk 34
        versionCode 1
        versionName '1.0'
    }
}
""",
    "app/src/main/AndroidManifest.xml": """\
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android">
    <uses-permission android:name="android.permission.INTERNET" />
    <application android:name=".ShopApp" android:label="@string/app_name" android:allowBackup="false">
        <activity android:name=".MainActivity" android:exported="true">
            <intent-filter>
                <action android:name="android.intent.action.MAIN" />
                <category android:name="android.intent.category.LAUNCHER" />
            </intent-filter>
        </activity>
    </application>
</manifest>
""",
    "app/src/main/res/values/strings.xml": """\
<resources>
    <string name="app_name">Shop</string>
    <string name="privacy_policy_url">https://shop.example.com/privacy</string>
    <string name="consent_title">隐私政策</string>
    <string name="consent_text">请阅读并同意《隐私政策》和《用户协议》后使用本应用。</string>
</resources>
""",
    "app/src/main/java/com/example/shop/ShopApp.java": """\
package com.example.shop;

import android.app.Application;

public class ShopApp extends Application {
    @Override
    public void onCreate() {
        super.onCreate();
    }
}
""",
    "app/src/main/java/com/example/shop/MainActivity.java": """\
package com.example.shop;

import android.app.Activity;
import android.os.Bundle;

public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
    }
}
""",
    "privacy.toml": """\
[app]
name = "Shop"
category = "online-shopping"

[operator]
company = "Example Shop Ltd."
email = "privacy@shop.example.com"
""",
}

READ_IMEI_AT_START = """\
package com.example.shop;

import android.app.Application;
import android.telephony.TelephonyManager;

public class ShopApp extends Application {
    static String deviceId;

    @Override
    public void onCreate() {
        super.onCreate();
        TelephonyManager tm = (TelephonyManager) getSystemService(TELEPHONY_SERVICE);
        deviceId = tm.getDeviceId();
    }
}
"""

READ_IMEI_AFTER_CONSENT = """\
package com.example.shop;

import android.app.Application;
import android.telephony.TelephonyManager;

public class ShopApp extends Application {
    static String deviceId;

    @Override
    public void onCreate() {
        super.onCreate();
    }

    /** Called by the consent dialog's "agree" button. */
    public void onPrivacyAgreed() {
        TelephonyManager tm = (TelephonyManager) getSystemService(TELEPHONY_SERVICE);
        deviceId = tm.getDeviceId();
    }
}
"""

DECLARED = """
[consent]
gate_methods = ["com.example.shop.ShopApp.onPrivacyAgreed"]

[permission."android.permission.READ_PHONE_STATE"]
purpose = "识别设备以防止账号被盗用"
scenario = "登录"
asked_when = "首次登录时"
refusal_effect = "不影响浏览商品"

[pi."device.imei"]
purpose = "识别设备以防止账号被盗用"
scenario = "登录"
required = false
"""


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "SELFAUDIT_", "GIT_"))}
    env.update({
        "PRE_COMMIT_HOME": str(tmp / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp / "home"),
        "PATH": str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
    })
    (tmp / "home").mkdir(exist_ok=True)
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _hook_repo(tmp: Path, env: dict[str, str]) -> tuple[Path, str]:
    """A clone of this repository's HEAD (what a team's config would point at)."""
    clone = tmp / "selfaudit-repo"
    res = _run(["git", "clone", "--quiet", "--no-local", str(REPO), str(clone)], tmp, env)
    assert res.returncode == 0, res.stderr
    sha = _run(["git", "rev-parse", "HEAD"], clone, env).stdout.strip()
    return clone, sha


@pytest.mark.slow
def test_commit_is_refused_then_accepted(tmp_path):
    env = _env(tmp_path)
    hook_repo, sha = _hook_repo(tmp_path, env)
    app = write_project(tmp_path / "shop", APP_START)
    (app / ".pre-commit-config.yaml").write_text(
        f"repos:\n-   repo: {hook_repo}\n    rev: {sha}\n    hooks:\n    -   id: selfaudit\n", encoding="utf-8")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"]):
        assert _run(cmd, app, env).returncode == 0
    res = _run([PRE_COMMIT, "install"], app, env)
    assert res.returncode == 0, res.stdout + res.stderr

    first = _run(["git", "commit", "-q", "-m", "a clean app"], app, env)
    assert first.returncode == 0, first.stdout + first.stderr

    # The commit under test: READ_PHONE_STATE and an IMEI read in Application.onCreate.
    manifest = app / "app/src/main/AndroidManifest.xml"
    manifest.write_text(manifest.read_text().replace(
        '    <uses-permission android:name="android.permission.INTERNET" />',
        '    <uses-permission android:name="android.permission.INTERNET" />\n'
        '    <uses-permission android:name="android.permission.READ_PHONE_STATE" />'))
    (app / "app/src/main/java/com/example/shop/ShopApp.java").write_text(READ_IMEI_AT_START)
    _run(["git", "add", "-A"], app, env)
    refused = _run(["git", "commit", "-m", "read the device id"], app, env)
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0, out
    assert "selfaudit (Android privacy red lines)" in out and "Failed" in out
    assert re.search(r"app/src/main/java/com/example/shop/ShopApp\.java:13: SA\d+ [a-z-]+ \[high\]", out), out
    assert "block this commit" in out or "阻止了本次提交" in out
    assert _run(["git", "rev-list", "--count", "HEAD"], app, env).stdout.strip() == "1"

    # The fix: read only after consent, name the gate, declare the permission and the PI.
    (app / "app/src/main/java/com/example/shop/ShopApp.java").write_text(READ_IMEI_AFTER_CONSENT)
    with (app / "privacy.toml").open("a", encoding="utf-8") as fh:
        fh.write(DECLARED)
    _run(["git", "add", "-A"], app, env)
    accepted = _run(["git", "commit", "-m", "read the device id after consent, declared"], app, env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert _run(["git", "rev-list", "--count", "HEAD"], app, env).stdout.strip() == "2"

    # A commit that touches nothing the audit reads skips the hook.
    (app / "README.md").write_text("Shop\n")
    _run(["git", "add", "README.md"], app, env)
    docs_only = _run(["git", "commit", "-m", "readme"], app, env)
    assert docs_only.returncode == 0
    assert "(no files to check)Skipped" in docs_only.stdout + docs_only.stderr


@pytest.mark.slow
def test_try_repo_apk_hook_on_manual_stage(tmp_path):
    env = _env(tmp_path)
    hook_repo, _sha = _hook_repo(tmp_path, env)
    app = write_project(tmp_path / "shop", APP_START)
    shutil.copy(REPO / "tests" / "apps" / "twin_imei.apk", app / "app-release.apk")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"]):
        assert _run(cmd, app, env).returncode == 0
    res = _run([PRE_COMMIT, "try-repo", str(hook_repo), "selfaudit-apk", "--hook-stage", "manual",
                "--all-files"], app, env)
    out = res.stdout + res.stderr
    assert res.returncode != 0, out  # no APK given: a one-line error, exit 2
    assert "selfaudit-apk needs an APK" in out
    (app / "selfaudit.toml").write_text('apk = "app-release.apk"\n')
    _run(["git", "add", "-A"], app, env)
    res = _run([PRE_COMMIT, "try-repo", str(hook_repo), "selfaudit-apk", "--hook-stage", "manual",
                "--all-files"], app, env)
    out = res.stdout + res.stderr
    assert res.returncode != 0, out
    assert re.search(r"SA\d+ [a-z-]+ \[high\]", out), out
