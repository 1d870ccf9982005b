"""``selfaudit baseline create``: record today's findings so later scans fail only on new ones.

The scan that builds the baseline ignores any existing baseline (it records everything that is
not suppressed by the config or an inline comment), applies the mapping when one is given (so an
obfuscated release baselines under its original names) and writes the file atomically. The
marking itself happens in the built-in plugin :mod:`selfaudit.baseline` during every later scan.
"""

from __future__ import annotations

from pathlib import Path

import click

from selfaudit.cli import _auditor, _common, _plugin_options

__all__ = ["baseline"]


@click.group()
def baseline() -> None:
    """Record today's findings so that later scans report only new ones."""


@baseline.command("create")
@click.argument("target", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Baseline file to write (default: config 'baseline', else .selfaudit-baseline.json next to the "
    "config file, or in the working directory).",
)
@click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path),
              help="ProGuard/R8 mapping.txt of the APK (fingerprints use the original names).")
@_plugin_options
@_common
def create(target, output, mapping, config_path, disable, plugins_dir, debug):
    """Scan TARGET and record every current finding in a baseline file."""
    from selfaudit.baseline import baseline_from_findings, baseline_path, write_baseline
    from selfaudit.errors import InputError

    if not target.exists():
        raise InputError(f"{target}: no such file or directory")
    auditor = _auditor(config_path, target, disable, plugins_dir, {"use_baseline": False, "mapping": mapping})
    report = auditor.run(target)
    path = output or baseline_path(auditor.config, must_exist=False)
    data = baseline_from_findings(report.findings)
    try:
        write_baseline(data, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write baseline: {exc.strerror}") from None
    skipped = sum(1 for f in report.findings if f.suppression is not None)
    note = f" ({skipped} suppressed by config or inline comments left out)" if skipped else ""
    click.echo(f"wrote {len(data.entries)} finding(s) to {path}{note}")
    for w in report.warnings:
        click.echo(f"warning: {w}", err=True)
    return 0
