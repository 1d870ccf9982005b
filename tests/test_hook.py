"""``selfaudit hook``: the no-op decision, the output format, exit codes, documents, APK mode."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_source_fixtures import write_project

from selfaudit.cli import main
from selfaudit.commands.hook import format_finding, hook, needs_audit, staged_paths
from selfaudit.model import Finding, Location, Severity

REPO = Path(__file__).resolve().parent.parent
TWIN_APK = REPO / "tests" / "apps" / "twin_imei.apk"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}

APP = {
    "settings.gradle": "include ':app'\n",
    "app/build.gradle": "plugins { id 'com.android.application' }\nandroid {\n    namespace 'com.example.app'\n"
                        "    defaultConfig {\n        applicationId 'com.example.app'\n        minSdk 23\n        targetSdk 34\n"
                        "    }\n}\n",
    "app/src/main/AndroidManifest.xml": '<manifest xmlns:android="http://schemas.android.com/apk/res/android">\n'
                                        '    <uses-permission android:name="android.permission.READ_PHONE_STATE"/>\n'
                                        '    <application android:name=".App" android:allowBackup="false"/>\n</manifest>\n',
    "app/src/main/java/com/example/app/App.java": "package com.example.app;\n\nimport android.app.Application;\n"
                                                  "import android.telephony.TelephonyManager;\n\n"
                                                  "public class App extends Application {\n"
                                                  "    @Override\n    public void onCreate() {\n        super.onCreate();\n"
                                                  "        TelephonyManager tm = (TelephonyManager) getSystemService(\"phone\");\n"
                                                  "        tm.getDeviceId();\n    }\n}\n",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = write_project(tmp_path / "repo", APP)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    monkeypatch.chdir(root)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    return root


class Ran:
    def __init__(self, exit_code: int, output: str) -> None:
        self.exit_code = exit_code
        self.output = output


def run_hook(*args: str) -> Ran:
    """Invoke the command as the CLI does (its return value is the exit code)."""
    result = CliRunner().invoke(hook, list(args), catch_exceptions=False, standalone_mode=False)
    return Ran(result.return_value if isinstance(result.return_value, int) else result.exit_code, result.output)


# -- deciding whether to run ------------------------------------------------------------------


def test_given_filenames_decide(repo):
    assert needs_audit(("README.md", "docs/x.png"), False)[0] is False
    assert needs_audit(("README.md", "app/src/main/AndroidManifest.xml"), False)[0] is True


def test_staged_paths_decide_outside_pre_commit(repo):
    (repo / "README.md").write_text("hi\n")
    git(repo, "add", "README.md")
    assert staged_paths() == ["README.md"]
    assert needs_audit((), False) == (False, "no relevant file is staged")
    (repo / "privacy.toml").write_text("[app]\nname = 'x'\n")
    git(repo, "add", "privacy.toml")
    assert needs_audit((), False)[0] is True


def test_nothing_staged_audits_the_tree_and_all_files_forces(repo, monkeypatch):
    assert needs_audit((), False) == (True, "nothing staged: auditing the tree")
    assert needs_audit(("README.md",), True)[0] is False  # explicit names win over --all-files
    assert needs_audit((), True)[0] is True
    monkeypatch.setenv("PRE_COMMIT", "1")
    (repo / "README.md").write_text("hi\n")
    git(repo, "add", "README.md")
    assert needs_audit((), False)[0] is True  # pre-commit already matched its files: pattern


def test_not_a_git_repository_audits(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert staged_paths() is None
    assert needs_audit((), False) == (True, "not a git work tree")


def test_noop_exits_zero_silently(repo):
    (repo / "README.md").write_text("hi\n")
    git(repo, "add", "README.md")
    result = run_hook()
    assert result.exit_code == 0 and result.output == ""
    assert main(["hook", "-v"]) == 0


def test_noop_path_imports_only_what_it_must(repo):
    (repo / "README.md").write_text("hi\n")
    git(repo, "add", "README.md")
    code = (
        "import sys\n"
        "from selfaudit.cli import main\n"
        "rc = main(['hook'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('androguard', 'rich', 'jinja2', 'subprocess')\n"
        "               or m in ('selfaudit.api', 'selfaudit.model', 'selfaudit.knowledge', 'selfaudit.plugins',\n"
        "                        'selfaudit.collect.source', 'selfaudit.config'))\n"
        "assert rc == 0 and not heavy, (rc, heavy)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PRE_COMMIT"}
    subprocess.run([sys.executable, "-c", code], cwd=repo, env=env, check=True)


# -- auditing -----------------------------------------------------------------------------------


def test_blocking_findings_print_path_line_code_rule_and_exit_1(repo):
    result = run_hook("--all-files", "--fail-on", "medium", "--lang", "en")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    manifest = "app/src/main/AndroidManifest.xml:2: SA301 undeclared-permission [medium] android.permission.READ_PHONE_STATE"
    assert any(line.startswith(manifest) for line in lines), result.output
    if any(" SA101 " in line for line in lines):  # the rules engineer's consent rule, when present
        assert any(line.startswith("app/src/main/java/com/example/app/App.java:11: SA101 pre-consent-collection [high]")
                   for line in lines)
    assert any(line.startswith("selfaudit: ") and "block this commit" in line for line in lines)
    assert "undeclared-permission: " in result.output  # how to fix, per rule
    assert "selfaudit: ignore[rule-name]" in result.output


def test_findings_below_the_level_do_not_block(repo):
    (repo / "selfaudit.toml").write_text('fail_on = "none"\n')
    result = run_hook("--all-files")
    assert result.exit_code == 0, result.output
    assert "SA301" not in result.output
    assert "SA301" in run_hook("--all-files", "-v").output


def test_declaring_the_permission_clears_it(repo):
    (repo / "selfaudit.toml").write_text('fail_on = "medium"\ndisable_rules = ["pre-consent-collection", '
                                         '"device-identifier", "undeclared-collection", "privacy-policy-missing"]\n'
                                         if _has_rules("pre-consent-collection", "device-identifier", "undeclared-collection",
                                                       "privacy-policy-missing") else 'fail_on = "medium"\n')
    before = run_hook("--all-files", "--lang", "en")
    assert "SA301 undeclared-permission" in before.output
    (repo / "privacy.toml").write_text('[permission."android.permission.READ_PHONE_STATE"]\n'
                                       'purpose = "Detect calls to pause playback"\nscenario = "Player"\n'
                                       'asked_when = "first playback"\nrefusal_effect = "playback continues"\n')
    after = run_hook("--all-files", "--lang", "en")
    assert "SA301" not in after.output


def _has_rules(*names: str) -> bool:
    from selfaudit.api import Auditor
    from selfaudit.config import Config

    have = {r.name for r in Auditor(Config()).all_rules()}
    return all(n in have for n in names)


def test_project_in_a_subdirectory_is_found_and_paths_are_repo_relative(tmp_path, monkeypatch):
    root = tmp_path / "mono"
    write_project(root / "android", APP)
    monkeypatch.chdir(root)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    result = run_hook("--all-files", "--fail-on", "medium")
    assert result.exit_code == 1
    assert "android/app/src/main/AndroidManifest.xml:2: SA301" in result.output


def test_config_errors_exit_2(repo):
    (repo / "selfaudit.toml").write_text('fail_on = "sometimes"\n')
    assert main(["hook", "--all-files"]) == 2


def test_format_finding_with_a_path_and_without_a_file():
    f = Finding(rule="pre-consent-collection", code="SA101", severity=Severity.HIGH, confidence=Severity.HIGH,
                message="IMEI read before consent", message_zh="同意前读取IMEI",
                location=Location(file="app/A.java", line=7, class_name="a.A", method="onCreate"),
                path=[f"a.A.m{i}(…)" for i in range(7)])
    lines = format_finding(f, prefix="android")
    assert lines[0] == "android/app/A.java:7: SA101 pre-consent-collection [high] IMEI read before consent"
    assert lines[1] == "    path: a.A.m0 → a.A.m1 → … → a.A.m5 → a.A.m6"
    assert format_finding(f, zh=True)[0].endswith("同意前读取IMEI")
    f.location = None
    assert format_finding(f)[0].startswith("selfaudit: SA101")


# -- documents ----------------------------------------------------------------------------------


def test_documents_out_of_date_fail_the_hook(repo):
    (repo / "selfaudit.toml").write_text('fail_on = "none"\ndocs = "privacy-docs"\n')
    missing = run_hook("--all-files")
    assert missing.exit_code == 1 and "privacy-docs" in missing.output
    assert main(["docs", ".", "-o", "privacy-docs"]) == 0
    assert run_hook("--all-files").exit_code == 0
    manifest = repo / "app/src/main/AndroidManifest.xml"
    manifest.write_text(manifest.read_text().replace(
        "<application", '<uses-permission android:name="android.permission.CAMERA"/>\n    <application'))
    stale = run_hook("--all-files")
    assert stale.exit_code == 1
    assert "out of date" in stale.output and "regenerate: selfaudit docs" in stale.output


# -- APK mode ---------------------------------------------------------------------------------------


def test_apk_mode_audits_the_given_apk(repo):
    result = run_hook("--apk", str(TWIN_APK), "--fail-on", "medium")
    assert result.exit_code == 1
    assert "SA301 undeclared-permission" in result.output


def test_apk_mode_from_config_and_missing(repo):
    assert main(["hook", "--apk"]) == 2  # nothing given, nothing configured
    shutil.copy(TWIN_APK, repo / "app.apk")
    (repo / "selfaudit.toml").write_text('apk = "app.apk"\nfail_on = "none"\n')
    assert main(["hook", "--apk"]) == 0
    (repo / "selfaudit.toml").write_text('apk = "gone.apk"\n')
    assert main(["hook", "--apk"]) == 2
