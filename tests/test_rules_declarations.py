"""End to end: ``selfaudit init`` declares every detected item as TODO, and a scan says so (SA602).

Before incomplete-declaration existed, a privacy.toml straight from ``init`` silenced
undeclared-collection, undisclosed-third-party and undeclared-permission, so an app whose drafts
were full of TODO passed. Now each detected item still marked TODO is a finding at its table's line,
the same items the documents show as TODO; filling the file in clears them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from selfaudit.cli import main
from selfaudit.declarations import load_declarations, reconcile

TWIN_SRC = Path(__file__).resolve().parent / "apps" / "twin_imei_src"


def cli(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def scan(project, capsys):
    out = project / "report.json"
    code, _, err = cli(["scan", project, "-f", "json", "-o", out, "--fail-on", "none", "--no-progress"], capsys)
    assert code == 0, err
    return json.loads(out.read_text(encoding="utf-8"))


def test_init_then_scan_reports_each_todo_item_then_nothing_once_filled(tmp_path, monkeypatch, capsys):
    project = tmp_path / "twin"
    shutil.copytree(TWIN_SRC, project)
    monkeypatch.chdir(project)
    code, out, err = cli(["init", "."], capsys)
    assert code == 0, err
    decl_path = project / "privacy.toml"
    (project / "selfaudit.toml").write_text('declarations = "privacy.toml"\n', encoding="utf-8")

    report = scan(project, capsys)
    rules = {f["rule"] for f in report["findings"]}
    assert not rules & {"undeclared-collection", "undisclosed-third-party", "undeclared-permission"}
    todo = [f for f in report["findings"] if f["rule"] == "incomplete-declaration"]
    assert todo and all(f["code"] == "SA602" and f["severity"] in ("medium", "low") for f in todo)

    # one finding per detected item that the documents would print as TODO, at its table's line
    decl = load_declarations(decl_path)
    text = decl_path.read_text(encoding="utf-8").splitlines()
    tables = {f["evidence"][0]["detail"]: f for f in todo}
    detected_pi = {i["pi_type"] for i in report["data_items"]}
    expected = {f"pi.{p}" for p in decl.pi if p in detected_pi}
    expected |= {f"third_party.{t}" for t in decl.third_parties}
    expected |= {f"permission.{p}" for p in decl.permissions
                 if next(x for x in report["permissions"] if x["name"] == p)["protection_level"] == "dangerous"}
    assert set(tables) == expected
    assert {"pi.device.imei", "third_party.umeng-common", "permission.android.permission.READ_PHONE_STATE"} <= expected
    for detail, f in tables.items():
        loc = f["location"]
        assert loc["file"] == "privacy.toml"
        kind, ident = detail.split(".", 1)
        assert re.fullmatch(rf'\[{kind}\."{re.escape(ident)}"\]', text[loc["line"] - 1]), (detail, loc["line"])

    # the team fills in every purpose and scenario: the rule goes quiet, nothing else comes back
    filled = re.sub(r'^(purpose|scenario) += "TODO"', r'\1 = "账号安全与统计分析"', decl_path.read_text(encoding="utf-8"),
                    flags=re.M)
    decl_path.write_text(filled, encoding="utf-8")
    assert not reconcile_incomplete(decl_path)
    report = scan(project, capsys)
    rules = {f["rule"] for f in report["findings"]}
    assert "incomplete-declaration" not in rules
    assert not rules & {"undeclared-collection", "undisclosed-third-party", "undeclared-permission"}


def reconcile_incomplete(path):
    from selfaudit.model import Inventory

    r = reconcile(Inventory(), load_declarations(path))
    return r.incomplete_pi + r.incomplete_third_parties + r.incomplete_permissions
