"""docs/rules.md is generated from the rules (scripts/rules_doc.py) and must match them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("rules_doc", REPO / "scripts" / "rules_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_rules_md_matches_the_rules():
    doc = REPO / "docs" / "rules.md"
    expected = _script().render()
    assert doc.is_file() and doc.read_text(encoding="utf-8") == expected, \
        "docs/rules.md is stale: run python scripts/rules_doc.py"


def test_the_table_lists_every_rule_with_its_regulations():
    text = _script().render()
    for code in ("SA101", "SA102", "SA201", "SA301", "SA401", "SA501", "SA601", "SA701", "SA801"):
        assert f"| {code} |" in text
    assert "miit-164 1.1" in text and "(not in the knowledge base)" not in text


def test_readme_rule_table_matches_the_rules():
    script = _script()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme == script.readme_with_table(readme, script.render()), \
        "README.md's rule table is stale: run python scripts/rules_doc.py"
