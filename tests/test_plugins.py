"""The plugin manager: built-ins, entry points, local directories, disabling, broken plugins."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from selfaudit import hookspecs
from selfaudit.api import Auditor
from selfaudit.config import Config
from selfaudit.errors import PluginError
from selfaudit.plugins import BUILTIN_PLUGINS, get_plugin_manager, plugin_infos

RULE_PLUGIN = '''
from selfaudit import hookimpl
from selfaudit.model import Confidence, Rule, Severity

def check(facts, inventory, ctx):
    if facts.package and facts.package.endswith(".demo"):
        yield LOCAL.finding("package name ends with .demo", key=facts.package)

LOCAL = Rule(code="LOC001", name="local-demo-rule", title_en="t", title_zh="t",
             severity=Severity.LOW, confidence=Confidence.HIGH, category="team",
             explanation_en="e", explanation_zh="e", remediation_en="r", remediation_zh="r",
             check=check)

@hookimpl
def selfaudit_rules():
    return [LOCAL]
'''


def write_plugin(directory: Path, name: str, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_builtins_are_registered_like_external_plugins():
    pm = get_plugin_manager()
    names = {name for name, _ in pm.list_name_plugin()}
    assert set(BUILTIN_PLUGINS) <= names
    # every built-in implements at least one hook through the normal mechanism
    for info in plugin_infos(pm):
        if info.builtin:
            assert info.hooks, info.name


def test_every_hookspec_is_documented():
    for name in dir(hookspecs):
        if name.startswith("selfaudit_"):
            doc = getattr(hookspecs, name).__doc__ or ""
            assert len(doc.strip()) > 40, f"{name} needs a docstring"


def test_local_plugin_directory(tmp_path):
    write_plugin(tmp_path / "plugins", "teamrules", RULE_PLUGIN)
    auditor = Auditor(Config(plugin_dirs=[tmp_path / "plugins"]))
    rule = next(r for r in auditor.all_rules() if r.name == "local-demo-rule")
    assert rule.plugin == "local:teamrules"


def test_local_plugin_runs_end_to_end(tmp_path, demo_apk):
    write_plugin(tmp_path / "plugins", "teamrules", RULE_PLUGIN)
    report = Auditor(Config(plugin_dirs=[tmp_path / "plugins"])).run(demo_apk)
    assert any(f.rule == "local-demo-rule" for f in report.findings)


def test_disable_builtin_plugin_removes_its_rules():
    rules = {r.name for r in Auditor(Config(disable_plugins=["selfaudit.rules.self_start"])).all_rules()}
    assert "self-start" not in rules
    assert "undeclared-permission" in rules


def test_disable_local_plugin_by_name(tmp_path):
    write_plugin(tmp_path / "plugins", "teamrules", RULE_PLUGIN)
    auditor = Auditor(Config(plugin_dirs=[tmp_path / "plugins"], disable_plugins=["local:teamrules"]))
    assert "local-demo-rule" not in {r.name for r in auditor.all_rules()}


def test_disable_rule_by_name_and_code():
    auditor = Auditor(Config(disable_rules=["self-start", "SA301"]))
    enabled = {r.name for r in auditor.all_rules() if auditor.rule_enabled(r)}
    assert "self-start" not in enabled and "undeclared-permission" not in enabled


def test_misspelt_hook_is_an_error_naming_the_plugin(tmp_path):
    write_plugin(
        tmp_path / "p",
        "typo",
        """
        from selfaudit import hookimpl

        @hookimpl
        def selfaudit_rulez():
            return []
        """,
    )
    with pytest.raises(PluginError) as exc:
        get_plugin_manager(plugin_dirs=[tmp_path / "p"])
    assert "local:typo" in str(exc.value)
    assert "did you mean selfaudit_rules" in str(exc.value)


def test_unmarked_hook_is_an_error(tmp_path):
    write_plugin(tmp_path / "p", "unmarked", "def selfaudit_rules():\n    return []\n")
    with pytest.raises(PluginError, match="not marked @selfaudit.hookimpl"):
        get_plugin_manager(plugin_dirs=[tmp_path / "p"])


def test_wrong_hook_argument_is_an_error(tmp_path):
    write_plugin(
        tmp_path / "p",
        "badargs",
        """
        from selfaudit import hookimpl

        @hookimpl
        def selfaudit_rules(configuration):
            return []
        """,
    )
    with pytest.raises(PluginError, match="badargs"):
        get_plugin_manager(plugin_dirs=[tmp_path / "p"])


def test_plugin_that_fails_to_import_names_file_and_line(tmp_path):
    path = write_plugin(tmp_path / "p", "broken", "import os\nraise RuntimeError('boom')\n")
    with pytest.raises(PluginError) as exc:
        get_plugin_manager(plugin_dirs=[tmp_path / "p"])
    assert f"{path}:2" in str(exc.value) and "boom" in str(exc.value)


def test_duplicate_rule_names_are_an_error(tmp_path):
    body = RULE_PLUGIN
    write_plugin(tmp_path / "p", "one", body)
    write_plugin(tmp_path / "p", "two", body)
    with pytest.raises(PluginError, match="already provided"):
        Auditor(Config(plugin_dirs=[tmp_path / "p"])).all_rules()


def _fake_distribution(root: Path, *, module_body: str, ep_name: str = "fakeplug") -> None:
    (root / "fakeplug_mod.py").write_text(textwrap.dedent(module_body), encoding="utf-8")
    info = root / "fakeplug-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplug\nVersion: 1.2.3\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[selfaudit]\n{ep_name} = fakeplug_mod\n", encoding="utf-8")


@pytest.fixture
def fake_dist(tmp_path, monkeypatch):
    def make(module_body: str, ep_name: str = "fakeplug") -> None:
        _fake_distribution(tmp_path, module_body=module_body, ep_name=ep_name)
        monkeypatch.syspath_prepend(str(tmp_path))
        monkeypatch.delenv("SELFAUDIT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
        monkeypatch.delitem(sys.modules, "fakeplug_mod", raising=False)

    return make


def test_entry_point_plugins_load_with_their_version(fake_dist, monkeypatch):
    fake_dist(RULE_PLUGIN)
    monkeypatch.setenv("SELFAUDIT_LOAD_PLUGINS", "fakeplug")  # ignore other installed plugins
    pm = get_plugin_manager()
    info = {i.name: i for i in plugin_infos(pm)}
    assert info["fakeplug"].version == "fakeplug 1.2.3"
    auditor = Auditor(Config(), plugin_manager=pm)
    assert any(r.name == "local-demo-rule" and r.plugin == "fakeplug" for r in auditor.all_rules())


def test_entry_point_autoload_can_be_disabled(fake_dist, monkeypatch):
    fake_dist(RULE_PLUGIN)
    monkeypatch.setenv("SELFAUDIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert get_plugin_manager().get_plugin("fakeplug") is None


def test_entry_point_can_be_blocked(fake_dist):
    fake_dist(RULE_PLUGIN)
    assert get_plugin_manager(disable=["fakeplug"]).get_plugin("fakeplug") is None


def test_entry_point_allow_list(fake_dist, monkeypatch):
    fake_dist(RULE_PLUGIN)
    monkeypatch.setenv("SELFAUDIT_LOAD_PLUGINS", "something-else")
    assert get_plugin_manager().get_plugin("fakeplug") is None


def test_broken_entry_point_is_named(fake_dist, monkeypatch):
    fake_dist("raise ImportError('missing dependency acme')\n")
    monkeypatch.setenv("SELFAUDIT_LOAD_PLUGINS", "fakeplug")
    with pytest.raises(PluginError) as exc:
        get_plugin_manager()
    assert "fakeplug" in str(exc.value) and "fakeplug 1.2.3" in str(exc.value) and "acme" in str(exc.value)


def test_knowledge_hook_adds_and_overrides_entries():
    class Team:
        @staticmethod
        @__import__("selfaudit").hookimpl
        def selfaudit_add_knowledge():
            return {
                "pi_type": [
                    {
                        "id": "custom.loyalty_id",
                        "name_zh": "会员号",
                        "name_en": "Loyalty number",
                        "category": "other",
                        "sensitive": False,
                        "source": "team",
                    }
                ]
            }

    auditor = Auditor(Config(), extra_plugins=[("team", Team)])
    assert auditor.knowledge.pi_types["custom.loyalty_id"].origin == "plugin team"


def test_format_plugin_is_offered(tmp_path):
    write_plugin(
        tmp_path / "p",
        "csvfmt",
        """
        from selfaudit import hookimpl
        from selfaudit.render import OutputFormat

        def render(report, ctx):
            return "pi_type\\n" + "".join(i.pi_type + "\\n" for i in report.data_items)

        @hookimpl
        def selfaudit_formats():
            return [OutputFormat(name="csv", description="PI types as CSV", extension="csv", render=render)]
        """,
    )
    formats = Auditor(Config(plugin_dirs=[tmp_path / "p"])).formats()
    assert formats["csv"].plugin == "local:csvfmt"
    assert {"terminal", "json"} <= set(formats)
