"""Baselines: record today's findings, fail only on new ones, survive edits that move lines.

Driven through the CLI (``selfaudit baseline create`` then ``selfaudit scan``) on a source project
in a temporary repository, because that is how teams use it; the SARIF ``baselineState`` and the
file format are checked on the way.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from selfaudit.api import Auditor
from selfaudit.baseline import BASELINE_NAME, load_baseline
from selfaudit.cli import main
from selfaudit.config import Config
from selfaudit.errors import ConfigError

MANIFEST = """\
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.base">
    <uses-permission android:name="android.permission.READ_CONTACTS"/>
    <application android:label="Base">
        <receiver android:name=".Boot" android:exported="true">
            <intent-filter><action android:name="android.intent.action.BOOT_COMPLETED"/></intent-filter>
        </receiver>
    </application>
</manifest>
"""


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


#: The two rules these tests lean on; the others are switched off so that new built-in rules do
#: not change the counts (the baseline does not care which rule a finding comes from).
KEEP = ("SA301", "SA401")


def write_config(repo: Path, extra: str = "") -> None:
    others = [r.name for r in Auditor(Config()).all_rules() if r.code not in KEEP]
    (repo / "selfaudit.toml").write_text(
        f'fail_on = "medium"\ndisable_rules = {json.dumps(others)}\n{extra}', encoding="utf-8")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository root (the cwd, holding selfaudit.toml) with an app module."""
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path)
    manifest = tmp_path / "app" / "src" / "main" / "AndroidManifest.xml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(MANIFEST, encoding="utf-8")
    return tmp_path


def manifest(repo: Path) -> Path:
    return repo / "app" / "src" / "main" / "AndroidManifest.xml"


def sarif_results(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["runs"][0]["results"]


def test_create_writes_a_reviewable_file(repo, capsys):
    code, out, _ = run(capsys, "baseline", "create", "app")
    assert code == 0
    path = repo / BASELINE_NAME  # next to the config file
    assert f"wrote 2 finding(s) to {path}" in out
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["generated_by"].startswith("selfaudit ")
    assert [(f["code"], f["rule"]) for f in data["findings"]] == [("SA301", "undeclared-permission"), ("SA401", "self-start")]
    for f in data["findings"]:
        assert set(f) == {"rule", "code", "fingerprint", "message", "location"}
        assert len(f["fingerprint"]) == 32
        assert f["location"]["file"] == "src/main/AndroidManifest.xml"  # relative to the scanned project
        assert "line" not in f["location"], "no line numbers: the file must not churn when code moves"
    assert data["findings"][1]["location"]["component"] == "com.example.base.Boot"


def test_later_scans_fail_only_on_new_findings(repo, capsys):
    assert run(capsys, "scan", "app", "-q")[0] == 1  # medium findings, fail_on medium
    assert run(capsys, "baseline", "create", "app")[0] == 0
    code, out, _ = run(capsys, "scan", "app", "--format", "terminal")
    assert code == 0, out
    assert "0 new, 2 known" in out and "(suppressed)" in out

    # a new dangerous permission is a new finding; the old ones stay baselined
    text = manifest(repo).read_text(encoding="utf-8").replace(
        "<application", '<uses-permission android:name="android.permission.CAMERA"/>\n    <application')
    manifest(repo).write_text(text, encoding="utf-8")
    code, _, _ = run(capsys, "scan", "app", "-f", "json,sarif", "-o", "out", "-q")
    assert code == 1
    report = json.loads((repo / "out" / "selfaudit.json").read_text(encoding="utf-8"))
    active = [f for f in report["findings"] if f["suppression"] is None]
    assert [f["message"].split()[0] for f in active] == ["android.permission.CAMERA"]
    assert {f["suppression"]["kind"] for f in report["findings"] if f["suppression"]} == {"baseline"}
    assert report["baseline"]["path"] == str(repo / BASELINE_NAME)
    assert report["baseline"]["new"] == 1 and report["baseline"]["unchanged"] >= 2
    assert {f["baseline_state"] for f in report["findings"]} == {"new", "unchanged"}
    states = {(r["ruleId"], r["baselineState"], bool(r.get("suppressions"))) for r in sarif_results(repo / "out" / "selfaudit.sarif")}
    assert states == {("SA301", "new", False), ("SA301", "unchanged", True), ("SA401", "unchanged", True)}

    # --no-baseline reports everything again, without baselineState
    code, _, _ = run(capsys, "scan", "app", "-f", "sarif", "-o", "all.sarif", "--no-baseline", "-q")
    assert code == 1
    results = sarif_results(repo / "all.sarif")
    assert len(results) == 3 and not any("baselineState" in r or "suppressions" in r for r in results)


def test_fingerprints_survive_lines_inserted_above(repo, capsys):
    run(capsys, "baseline", "create", "app")
    before = load_baseline(repo / BASELINE_NAME).fingerprints
    lines = MANIFEST.splitlines(keepends=True)
    shifted = lines[:2] + ["    <!-- a comment -->\n", "\n", "    <!-- and another -->\n"] + lines[2:]
    manifest(repo).write_text("".join(shifted), encoding="utf-8")
    code, _, _ = run(capsys, "scan", "app", "-f", "json", "-o", "r.json", "--no-baseline", "-q")
    report = json.loads((repo / "r.json").read_text(encoding="utf-8"))
    assert {f["fingerprint"] for f in report["findings"]} == before
    assert all(f["location"]["line"] > 3 for f in report["findings"]), "the findings did move"
    code, _, _ = run(capsys, "scan", "app", "-q", "-f", "json", "-o", "r2.json")
    assert code == 0, "every moved finding is still in the baseline"


def test_baseline_from_option_and_config_key(repo, capsys):
    run(capsys, "baseline", "create", "app", "-o", "ci/known.json")
    assert (repo / "ci" / "known.json").is_file() and not (repo / BASELINE_NAME).exists()
    assert run(capsys, "scan", "app", "-q")[0] == 1, "the default file does not exist"
    assert run(capsys, "scan", "app", "-q", "--baseline", "ci/known.json")[0] == 0
    write_config(repo, 'baseline = "ci/known.json"\n')
    assert run(capsys, "scan", "app", "-q")[0] == 0
    assert run(capsys, "scan", "app", "-q", "--no-baseline")[0] == 1
    # create honours the config key too
    code, out, _ = run(capsys, "baseline", "create", "app")
    assert str(repo / "ci" / "known.json") in out


def test_fixed_findings_are_reported_as_gone(repo, capsys):
    run(capsys, "baseline", "create", "app")
    manifest(repo).write_text(MANIFEST.replace('    <uses-permission android:name="android.permission.READ_CONTACTS"/>\n', ""),
                              encoding="utf-8")
    code, _, _ = run(capsys, "scan", "app", "-q", "-f", "json", "-o", "r.json")
    assert code == 0
    warnings = json.loads((repo / "r.json").read_text(encoding="utf-8"))["warnings"]
    assert any("1 finding(s) recorded in the baseline" in w and "no longer occur" in w for w in warnings)


def test_config_suppressions_are_not_copied_into_the_baseline(repo, capsys):
    write_config(repo, textwrap.dedent("""\
        [[suppress]]
        rule = "self-start"
        reason = "boot receiver restores alarms the user set"
    """))
    code, out, _ = run(capsys, "baseline", "create", "app")
    assert "wrote 1 finding(s)" in out and "1 suppressed by config" in out
    assert [f["code"] for f in json.loads((repo / BASELINE_NAME).read_text())["findings"]] == ["SA301"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ('{"version": 1}', "no 'findings' list"),
        ('{"version": 9, "findings": []}', "version 9 is not supported"),
        ('{"version": 1, "findings": [{"rule": "x"}]}', "findings[0] has no fingerprint"),
    ],
)
def test_bad_baseline_is_a_one_line_error(repo, capsys, content, message):
    (repo / "bad.json").write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "scan", "app", "--baseline", "bad.json")
    assert code == 2
    assert err.startswith("selfaudit: error: bad.json: ") and message in err and err.count("\n") == 1
    with pytest.raises(ConfigError):
        load_baseline(repo / "bad.json")


def test_missing_baseline_named_explicitly_is_an_error(repo, capsys):
    code, _, err = run(capsys, "scan", "app", "--baseline", "nope.json")
    assert code == 2 and "nope.json: baseline file not found" in err


def test_baseline_can_be_disabled_as_a_plugin(repo, capsys):
    run(capsys, "baseline", "create", "app")
    assert run(capsys, "scan", "app", "-q")[0] == 0
    assert run(capsys, "scan", "app", "-q", "-p", "no:selfaudit.baseline")[0] == 1


def test_without_a_config_the_baseline_lives_in_the_working_directory(tmp_path, monkeypatch, capsys):
    """Never beside the target: for an APK that is a build directory `gradle clean` wipes."""
    work = tmp_path / "repo"
    project = tmp_path / "elsewhere" / "app"
    (project / "src" / "main").mkdir(parents=True)
    (project / "src" / "main" / "AndroidManifest.xml").write_text(MANIFEST, encoding="utf-8")
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, _ = run(capsys, "baseline", "create", project)
    assert code == 0 and (work / BASELINE_NAME).is_file() and not (project / BASELINE_NAME).exists()
    assert run(capsys, "scan", project, "-q", "--fail-on", "low")[0] == 0
