"""Configuration: discovery by walking up, validation errors with file, line and key."""

from __future__ import annotations

import textwrap

import pytest

from selfaudit.api import Auditor
from selfaudit.config import Config, find_config, load_config
from selfaudit.errors import ConfigError


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_found_by_walking_up_from_the_target(tmp_path):
    cfg = write(tmp_path / "selfaudit.toml", 'fail_on = "medium"\n')
    target = tmp_path / "app" / "build" / "outputs" / "apk" / "release"
    target.mkdir(parents=True)
    assert find_config(target) == cfg
    assert load_config(start=target).fail_on == "medium"


def test_pyproject_tool_section(tmp_path):
    write(tmp_path / "pyproject.toml", """
        [project]
        name = "x"

        [tool.selfaudit]
        fail_on = "low"
        disable_rules = ["self-start"]
        """)
    cfg = load_config(start=tmp_path)
    assert cfg.path == tmp_path / "pyproject.toml"
    assert cfg.fail_on == "low" and cfg.disable_rules == ["self-start"]


def test_pyproject_without_section_is_skipped(tmp_path):
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path / "sub" / "x.txt", "")
    assert find_config(tmp_path / "sub") is None
    assert load_config(start=tmp_path / "sub").path is None


def test_nearest_config_wins(tmp_path):
    write(tmp_path / "selfaudit.toml", 'fail_on = "low"\n')
    inner = write(tmp_path / "app" / "selfaudit.toml", 'fail_on = "high"\n')
    assert find_config(tmp_path / "app") == inner


def test_unknown_key_names_file_line_and_key(tmp_path):
    path = write(tmp_path / "selfaudit.toml", """
        fail_on = "high"
        # a comment
        failon = "low"
        """)
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    msg = str(exc.value)
    assert f"{path}:3" in msg and "failon" in msg and "did you mean 'fail_on'" in msg


def test_bad_value_names_the_key(tmp_path):
    path = write(tmp_path / "pyproject.toml", """
        [tool.selfaudit]
        fail_on = "critical"
        """)
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert f"{path}:2: tool.selfaudit.fail_on: must be one of" in str(exc.value)


def test_rule_table_errors(tmp_path):
    path = write(tmp_path / "selfaudit.toml", """
        [rules.self-start]
        severity = "urgent"
        """)
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert f"{path}:2: rules.self-start.severity" in str(exc.value)


def test_suppression_needs_a_reason(tmp_path):
    path = write(tmp_path / "selfaudit.toml", """
        [[suppress]]
        fingerprint = "abc"
        """)
    with pytest.raises(ConfigError, match="reason"):
        load_config(path)


def test_invalid_toml(tmp_path):
    path = write(tmp_path / "selfaudit.toml", "fail_on = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(path)


def test_unknown_rule_name_is_an_error_with_suggestion(tmp_path):
    path = write(tmp_path / "selfaudit.toml", 'disable_rules = ["self-strat"]\n')
    with pytest.raises(ConfigError) as exc:
        Auditor(load_config(path)).all_rules()
    assert "self-strat" in str(exc.value) and "self-start" in str(exc.value)


def test_missing_plugin_dir_is_an_error(tmp_path):
    path = write(tmp_path / "selfaudit.toml", 'plugin_dirs = ["nope"]\n')
    with pytest.raises(ConfigError, match="nope"):
        load_config(path)


def test_severity_override_and_suppression_apply(tmp_path, demo_apk):
    base = Auditor(Config()).run(demo_apk)
    boot = next(f for f in base.findings if f.rule == "self-start")
    cfg = Config(
        rules={},
        suppress=[],
    )
    from selfaudit.config import RuleOverride, SuppressEntry

    cfg.rules["undeclared-permission"] = RuleOverride(severity="high")
    cfg.suppress.append(SuppressEntry(reason="boot receiver restores alarms (ticket 42)", fingerprint=boot.fingerprint))
    report = Auditor(cfg).run(demo_apk)
    assert all(f.severity.value == "high" for f in report.findings if f.rule == "undeclared-permission")
    sup = next(f for f in report.findings if f.fingerprint == boot.fingerprint)
    assert sup.suppression.kind == "config" and "ticket 42" in sup.suppression.reason
    assert sup not in report.active_findings()


def test_declarations_default_next_to_config(tmp_path):
    write(tmp_path / "selfaudit.toml", "")
    write(tmp_path / "privacy.toml", '[permission."android.permission.CAMERA"]\npurpose = "scan codes"\n')
    cfg = load_config(start=tmp_path)
    assert cfg.declarations == tmp_path / "privacy.toml"


def test_declarations_found_without_a_config_file(tmp_path):
    write(tmp_path / "privacy.toml", "[app]\nname = 'x'\n")
    (tmp_path / "app" / "src").mkdir(parents=True)
    assert load_config(start=tmp_path).declarations == tmp_path / "privacy.toml"
    assert load_config(start=tmp_path / "app" / "src").declarations == tmp_path / "privacy.toml"
