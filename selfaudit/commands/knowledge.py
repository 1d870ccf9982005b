"""``selfaudit knowledge``: list, search and validate the knowledge base (with plugin entries).

    selfaudit knowledge                      # counts per kind
    selfaudit knowledge sdk umeng            # SDKs whose id, names, company or packages match
    selfaudit knowledge pi location          # PI types
    selfaudit knowledge api getDeviceId -f json
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from selfaudit.cli import _auditor, _common, _plugin_options

KINDS = {
    "sdk": "sdks",
    "pi": "pi_types",
    "category": "categories",
    "permission": "permissions",
    "api": "apis",
    "packer": "packers",
    "app-category": "app_categories",
    "regulation": "regulations",
}


def _text(entry: Any) -> str:
    parts = []
    for value in asdict(entry).values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, (list, tuple)):
            parts.extend(str(v) for v in value)
        elif value is not None and not isinstance(value, bool):
            parts.append(str(value))
    return " ".join(parts).lower()


def search(kb, kind: str, query: str | None) -> list[Any]:
    """Entries of ``kind`` whose fields contain every word of ``query`` (case-insensitive)."""
    table = getattr(kb, KINDS[kind])
    words = (query or "").lower().split()
    return [e for e in table.values() if all(w in _text(e) for w in words)]


def _summary(kind: str, e: Any) -> str:
    if kind == "sdk":
        return f"{e.id:28} {e.name_zh} / {e.name_en} — {e.company_zh or e.company_en} [{e.category}] {', '.join(e.packages[:3])}"
    if kind == "pi":
        return f"{e.id:28} {e.name_zh} / {e.name_en}{' (sensitive)' if e.sensitive else ''}"
    if kind == "permission":
        return f"{e.name:60} {e.protection:10} {e.label_zh}"
    if kind == "api":
        return f"{e.id:40} {e.api}  → {', '.join(e.pi_types) or ', '.join(e.tags)}"
    if kind == "app-category":
        return f"{e.number:2} {e.id:24} {e.name_zh} / {e.name_en}: {', '.join(e.necessary_pi) or '(none)'}"
    if kind == "regulation":
        return f"{e.id:24} {e.short_zh} / {e.short_en}"
    return f"{e.id:24} {getattr(e, 'name_zh', '')} / {getattr(e, 'name_en', '')}"


@click.command()
@click.argument("kind", required=False, type=click.Choice(sorted(KINDS)))
@click.argument("query", required=False, nargs=-1)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_plugin_options
@_common
def knowledge(kind, query, fmt, config_path, disable, plugins_dir, debug):
    """List or search the knowledge base: KIND is one of sdk, pi, permission, api, packer,
    app-category, category, regulation; QUERY words must all match. Without KIND, print counts.

    Loading also validates every entry (built-in and from plugins): a malformed one is an error
    naming the file and the entry.
    """
    auditor = _auditor(config_path, Path.cwd(), disable, plugins_dir)
    kb = auditor.knowledge
    if kind is None:
        counts = {k: len(getattr(kb, attr)) for k, attr in KINDS.items()}
        if fmt == "json":
            click.echo(json.dumps(counts, indent=2))
        else:
            for k, n in counts.items():
                click.echo(f"{k:14} {n}")
            cn = sum(1 for s in kb.sdks.values() if s.region == "cn")
            click.echo(f"(SDKs: {cn} widely used in China, {len(kb.sdks) - cn} global)")
        return 0
    found = search(kb, kind, " ".join(query))
    if fmt == "json":
        click.echo(json.dumps([asdict(e) for e in found], ensure_ascii=False, indent=2))
        return 0
    for e in found:
        click.echo(_summary(kind, e))
    if not found:
        click.echo(f"no {kind} entry matches {' '.join(query)!r}", err=True)
        return 1
    return 0
