"""The CLI: exit codes, one-line errors, outputs. Run in-process and, for a few, as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile

import pytest

from selfaudit.cli import main
from selfaudit.render.json_report import load_schema


def run(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and "selfaudit" in out


def test_scan_demo_prints_summary_and_exits_by_fail_on(demo_apk, capsys):
    code, out, err = run(["scan", demo_apk, "--fail-on", "none"], capsys)
    assert code == 0, err
    assert "com.selfaudit.demo" in out and "Findings" in out and "self-start" in out
    code, _, _ = run(["scan", demo_apk, "--fail-on", "medium"], capsys)
    assert code == 1


def test_scan_json_to_file_validates(demo_apk, tmp_path, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    out_file = tmp_path / "report.json"
    code, out, _ = run(["scan", demo_apk, "--format", "json", "-o", out_file, "--fail-on", "none"], capsys)
    assert code == 0
    assert "wrote json report" in out
    data = json.loads(out_file.read_text(encoding="utf-8"))
    jsonschema.validate(data, load_schema())
    assert data["app"]["package"] == "com.selfaudit.demo"


def test_scan_json_to_stdout_is_pure_json(demo_apk, capsys):
    code, out, _ = run(["scan", demo_apk, "--format", "json", "--fail-on", "none"], capsys)
    assert code == 0
    assert json.loads(out)["schema_version"].startswith("1.")


def test_several_formats_need_a_directory(demo_apk, capsys):
    code, _, err = run(["scan", demo_apk, "--format", "json,terminal"], capsys)
    assert code == 2 and "-o DIR" in err


def test_several_formats_into_a_directory(demo_apk, tmp_path, capsys):
    code, _, _ = run(["scan", demo_apk, "-f", "json,terminal", "-o", tmp_path / "out", "--fail-on", "none"], capsys)
    assert code == 0
    assert (tmp_path / "out" / "selfaudit.json").is_file()
    assert (tmp_path / "out" / "selfaudit.txt").read_text(encoding="utf-8").startswith("selfaudit")


def test_unknown_format_is_a_usage_error(demo_apk, capsys):
    code, _, err = run(["scan", demo_apk, "--format", "pdf"], capsys)
    assert code == 2 and "unknown format" in err


def _one_line_error(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_missing_file(tmp_path, capsys):
    code, _, err = run(["scan", tmp_path / "nope.apk"], capsys)
    assert code == 2
    assert "nope.apk" in _one_line_error(err)


def test_garbage_file(tmp_path, capsys):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(os.urandom(4096))
    code, _, err = run(["scan", junk], capsys)
    assert code == 2
    line = _one_line_error(err)
    assert "junk.bin" in line and "not an APK" in line


def test_garbage_with_apk_extension(tmp_path, capsys):
    junk = tmp_path / "junk.apk"
    junk.write_bytes(b"this is not a zip at all" * 100)
    code, _, err = run(["scan", junk], capsys)
    assert code == 2
    assert "junk.apk" in _one_line_error(err)


def test_zip_without_manifest(tmp_path, capsys):
    apk = tmp_path / "empty.apk"
    with zipfile.ZipFile(apk, "w") as z:
        z.writestr("hello.txt", "hi")
    code, _, err = run(["scan", apk], capsys)
    assert code == 2
    assert "empty.apk" in _one_line_error(err)


def test_directory_that_is_not_an_android_project(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("nothing here")
    code, _, err = run(["scan", tmp_path], capsys)
    assert code == 2
    assert "not an Android project" in _one_line_error(err)


def test_bad_config(tmp_path, demo_apk, capsys):
    cfg = tmp_path / "selfaudit.toml"
    cfg.write_text('fail_on = "sometimes"\n')
    code, _, err = run(["scan", demo_apk, "--config", cfg], capsys)
    assert code == 2
    line = _one_line_error(err)
    assert str(cfg) in line and "fail_on" in line


def test_missing_config_file(tmp_path, demo_apk, capsys):
    code, _, err = run(["scan", demo_apk, "--config", tmp_path / "none.toml"], capsys)
    assert code == 2 and "none.toml" in _one_line_error(err)


def test_crashing_rule_is_exit_3_with_plugin_named(tmp_path, demo_apk, capsys):
    plug = tmp_path / "p"
    plug.mkdir()
    (plug / "crashy.py").write_text(textwrap.dedent('''
        from selfaudit import hookimpl
        from selfaudit.model import Rule, Severity, Confidence

        def check(facts, inventory, ctx):
            raise ZeroDivisionError("oops")

        @hookimpl
        def selfaudit_rules():
            return [Rule(code="X001", name="crashy", title_en="t", title_zh="t", severity=Severity.LOW,
                         confidence=Confidence.LOW, category="x", explanation_en="e", explanation_zh="e",
                         remediation_en="r", remediation_zh="r", check=check)]
        '''))
    code, _, err = run(["scan", demo_apk, "--plugins-dir", plug], capsys)
    assert code == 3
    line = _one_line_error(err)
    assert "crashy" in line and "local:crashy" in line and "ZeroDivisionError" in line


def test_debug_shows_traceback(tmp_path, capsys):
    code, _, err = run(["scan", tmp_path / "missing.apk", "--debug"], capsys)
    assert code == 2 and "Traceback" in err


def test_rules_list_and_explain(capsys):
    code, out, _ = run(["rules"], capsys)
    assert code == 0 and "self-start" in out and "SA401" in out
    code, out, _ = run(["rules", "--explain", "self-start"], capsys)
    assert code == 0 and "BOOT" in out.upper() and "How to fix" in out
    code, out, _ = run(["rules", "--explain", "SA401", "--lang", "zh-CN"], capsys)
    assert code == 0 and "自启动" in out
    code, _, err = run(["rules", "--explain", "self-strat"], capsys)
    assert code == 2 and "self-start" in err


def test_rules_json(capsys):
    code, out, _ = run(["rules", "--format", "json"], capsys)
    rules = json.loads(out)
    assert code == 0 and all({"code", "name", "severity", "plugin"} <= set(r) for r in rules)


def test_disable_plugin_on_command_line(demo_apk, capsys):
    code, out, _ = run(["scan", demo_apk, "-p", "no:selfaudit.rules.self_start", "--fail-on", "none"], capsys)
    assert code == 0 and "self-start" not in out


def test_plugins_and_formats_commands(capsys):
    code, out, _ = run(["plugins"], capsys)
    assert code == 0 and "selfaudit.enrich" in out and "[built-in]" in out
    code, out, _ = run(["formats"], capsys)
    assert code == 0 and "json" in out and "terminal" in out


def test_real_process_error_has_no_traceback(tmp_path):
    junk = tmp_path / "junk.apk"
    junk.write_bytes(b"\x00" * 100)
    res = subprocess.run(
        [sys.executable, "-m", "selfaudit", "scan", str(junk)], capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 2
    assert res.stderr.startswith("selfaudit: error:") and "Traceback" not in res.stderr
    assert res.stderr.count("\n") == 1
