"""The command line: a thin layer over :mod:`selfaudit.api`.

Exit codes (also in the README):

* 0 — the audit ran and nothing is at or above ``--fail-on``;
* 1 — findings at or above ``--fail-on`` (reports are written first);
* 2 — usage, configuration, plugin or input error (one line on stderr, no traceback);
* 3 — internal error (a bug in selfaudit or in a plugin's code);
* 130 — interrupted.

Only click is imported at start-up; everything else loads inside the command that needs it, so
``selfaudit hook`` with nothing to do stays close to Python's own start-up time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from selfaudit import __version__

__all__ = ["cli", "main"]

FAIL_CHOICES = ["none", "info", "low", "medium", "high"]


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv or bool(os.environ.get("SELFAUDIT_DEBUG"))


def _common(fn):
    """Options every command accepts."""
    fn = click.option("--debug", is_flag=True, help="Show tracebacks for errors.")(fn)
    return fn


def _plugin_options(fn):
    fn = click.option(
        "-p",
        "--disable-plugin",
        "disable",
        multiple=True,
        metavar="NAME",
        help="Do not load this plugin (repeatable; also 'no:NAME' as in pytest).",
    )(fn)
    fn = click.option(
        "--plugins-dir",
        "plugins_dir",
        multiple=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Load every *.py plugin in this directory (repeatable).",
    )(fn)
    fn = click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Config file (selfaudit.toml or pyproject.toml). Default: found from the target upward.",
    )(fn)
    return fn


def _auditor(config_path: Path | None, start: Path | None, disable=(), plugins_dir=(), overrides=None):
    from selfaudit.api import Auditor
    from selfaudit.config import load_config

    if config_path is not None and not config_path.is_file():
        from selfaudit.errors import ConfigError

        raise ConfigError(f"{config_path}: config file not found")
    cfg = load_config(config_path, start=start if config_path is None else None)
    for key, value in (overrides or {}).items():
        if value is not None:
            setattr(cfg, key, value)
    names = [d[3:] if d.startswith("no:") else d for d in disable]
    cfg.plugin_dirs = list(cfg.plugin_dirs) + [Path(p) for p in plugins_dir]
    return Auditor(cfg, disable_plugins=names)


#: Commands that live in their own modules, imported only when invoked (keeps start-up light).
#: name → "module:attribute". A module that is not present yet simply does not offer its command.
LAZY_COMMANDS: dict[str, str] = {
    "hook": "selfaudit.commands.hook:hook",
    "init": "selfaudit.commands.docs:init",
    "docs": "selfaudit.commands.docs:docs",
    "baseline": "selfaudit.commands.baseline:baseline",
    "gradle": "selfaudit.commands.gradle:gradle",
    "knowledge": "selfaudit.commands.knowledge:knowledge",
}


class LazyGroup(click.Group):
    """A click group whose extra commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        names.update(n for n in LAZY_COMMANDS if self._available(n))
        return sorted(names)

    @staticmethod
    def _available(name: str) -> bool:
        import importlib.util

        module = LAZY_COMMANDS[name].split(":")[0]
        try:
            return importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            return False

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        cmd = super().get_command(ctx, name)
        if cmd is not None or name not in LAZY_COMMANDS or not self._available(name):
            return cmd
        import importlib

        module, attr = LAZY_COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="selfaudit")
def cli() -> None:
    """selfaudit: a privacy-compliance self-audit for Android apps.

    Scans an APK or a source tree, warns about the red lines Chinese regulators (MIIT) test for,
    with the regulation behind each, and drafts the dual list and a privacy-policy skeleton.
    Generated documents are drafts, not legal advice.
    """


# --------------------------------------------------------------------------------------------
# scan
# --------------------------------------------------------------------------------------------


def _split_formats(values: tuple[str, ...]) -> list[str]:
    return [f.strip() for v in values for f in v.split(",") if f.strip()]


@cli.command()
@click.argument("target", type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    metavar="FORMAT[,FORMAT]",
    help="Output format(s): terminal, json, sarif, html (and any a plugin adds). Several need -o DIR.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the report here (a file; a directory when several formats are asked for).",
)
@click.option("--fail-on", type=click.Choice(FAIL_CHOICES), help="Exit 1 on findings at or above this severity (default: high).")
@click.option("--min-confidence", type=click.Choice(["low", "medium", "high"]), help="Hide findings below this confidence.")
@click.option("--color/--no-color", default=None, help="Colour the terminal output (default: when stdout is a TTY).")
@click.option("--progress/--no-progress", default=None, help="Show progress on stderr (default: on a TTY).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stdout when the report goes to files.")
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Report only findings not in this baseline (default: config 'baseline', else "
              ".selfaudit-baseline.json by the config file or in the working directory).")
@click.option("--no-baseline", "no_baseline", is_flag=True, help="Report every finding, ignoring any baseline.")
@click.option("--mapping", "mapping", type=click.Path(dir_okay=False, path_type=Path),
              help="ProGuard/R8 mapping.txt of the APK: report and fingerprint original class/method names.")
@_plugin_options
@_common
def scan(target, formats, output, fail_on, min_confidence, color, progress, quiet, baseline, no_baseline, mapping,
         config_path, disable, plugins_dir, debug):
    """Audit TARGET: an APK, a split bundle (.apks/.xapk), an APK output directory or a project."""
    from selfaudit.errors import InputError

    if not target.exists():
        raise InputError(f"{target}: no such file or directory")
    auditor = _auditor(
        config_path,
        target,
        disable,
        plugins_dir,
        {"fail_on": fail_on, "min_confidence": min_confidence, "baseline": baseline,
         "use_baseline": False if no_baseline else None, "mapping": mapping},
    )
    cfg = auditor.config
    wanted = _split_formats(formats) or list(cfg.formats)
    available = auditor.formats()
    for f in wanted:
        if f not in available:
            raise click.UsageError(f"unknown format {f!r} (available: {', '.join(sorted(available))})")
    out_path = output or (Path(cfg.output) if cfg.output else None)
    if len(wanted) > 1 and out_path is None:
        raise click.UsageError("several formats need -o DIR (one file per format is written there)")

    show_progress = progress if progress is not None else sys.stderr.isatty()
    report = _run_with_progress(auditor, target, show_progress)

    from selfaudit.render import RenderContext

    use_color = color if color is not None else (sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    width = 120
    if sys.stdout.isatty():
        import shutil

        width = max(80, shutil.get_terminal_size((120, 24)).columns)
    ctx = RenderContext(config=cfg, knowledge=auditor.knowledge, rules=auditor.all_rules(), color=use_color, width=width)
    plain_ctx = RenderContext(config=cfg, knowledge=auditor.knowledge, rules=auditor.all_rules(), color=False, width=width)

    printed_terminal = False
    if out_path is None:
        fmt = available[wanted[0]]
        data = fmt.render(report, ctx if fmt.name == "terminal" else plain_ctx)
        _write_stdout(data)
        printed_terminal = fmt.name == "terminal"
    else:
        if len(wanted) == 1 and not out_path.is_dir():
            targets = {wanted[0]: out_path}
        else:
            out_path.mkdir(parents=True, exist_ok=True)
            targets = {f: out_path / f"selfaudit.{available[f].extension}" for f in wanted}
        for name, path in targets.items():
            fmt = available[name]
            data = fmt.render(report, plain_ctx)
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                if isinstance(data, bytes):
                    path.write_bytes(data)
                else:
                    path.write_text(data, encoding="utf-8")
            except OSError as exc:
                raise InputError(f"{path}: cannot write report: {exc.strerror}") from None
        if not quiet:
            if "terminal" in available:
                _write_stdout(available["terminal"].render(report, ctx))
                printed_terminal = True
            for name, path in targets.items():
                click.echo(f"wrote {name} report: {path}")
    code = exit_code_for(report, cfg.fail_on)
    if printed_terminal or (out_path is not None and not quiet):
        active = report.active_findings()
        if code == 1:
            n = sum(1 for f in active if _at_or_above(f.severity.value, cfg.fail_on))
            click.echo(f"selfaudit: {n} finding(s) at or above '{cfg.fail_on}' (exit 1)")
        else:
            click.echo(f"selfaudit: no findings at or above '{cfg.fail_on}'")
    return code


def _write_stdout(data: str | bytes) -> None:
    if isinstance(data, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        click.echo(data, nl=not data.endswith("\n"))


def _run_with_progress(auditor, target: Path, show: bool):
    if not show:
        return auditor.run(target)
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("starting", spinner="dots") as status:
        return auditor.run(target, progress=lambda stage: status.update(stage))


def _at_or_above(severity: str, fail_on: str) -> bool:
    order = ["info", "low", "medium", "high"]
    if fail_on == "none":
        return False
    return order.index(severity) >= order.index(fail_on)


def exit_code_for(report, fail_on: str) -> int:
    """0 when no unsuppressed finding is at or above ``fail_on``, else 1."""
    return 1 if any(_at_or_above(f.severity.value, fail_on) for f in report.active_findings()) else 0


# --------------------------------------------------------------------------------------------
# rules / plugins
# --------------------------------------------------------------------------------------------


@cli.command()
@click.option("--explain", metavar="NAME", help="Print one rule's full text (name or code).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["en", "zh-CN"]), default="en", show_default=True)
@_plugin_options
@_common
def rules(explain, fmt, lang, config_path, disable, plugins_dir, debug):
    """List every rule (code, name, severity, title, source plugin)."""
    auditor = _auditor(config_path, Path.cwd(), disable, plugins_dir)
    all_rules = auditor.all_rules()
    zh = lang == "zh-CN"
    if explain:
        match = [r for r in all_rules if explain in (r.name, r.code)]
        if not match:
            import difflib

            close = difflib.get_close_matches(explain, [r.name for r in all_rules], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise click.UsageError(f"no rule named {explain!r}{hint}")
        r = match[0]
        regs = auditor.knowledge.regulations
        lines = [
            f"{r.code} {r.name} — {r.title_zh if zh else r.title_en}",
            f"severity: {r.severity.value}   confidence: {r.confidence.value}   category: {r.category}   "
            f"plugin: {r.plugin}   enabled: {'yes' if auditor.rule_enabled(r) else 'no'}",
            "",
            r.explanation_zh if zh else r.explanation_en,
            "",
            ("修复建议：" if zh else "How to fix:"),
            r.remediation_zh if zh else r.remediation_en,
            "",
            ("法规依据：" if zh else "Regulations:"),
        ]
        for ref in r.regulations:
            known = regs.get(ref.id)
            title = (known.short_zh if zh else known.short_en) if known else ref.id
            art = f" {ref.article}" if ref.article else ""
            url = f" <{known.url}>" if known and known.url else ""
            lines.append(f"  - {title}{art}{url}")
        click.echo("\n".join(lines))
        return 0
    if fmt == "json":
        import json

        from selfaudit.api import rule_metadata

        click.echo(json.dumps([rule_metadata(r, auditor.rule_enabled(r)) for r in all_rules], ensure_ascii=False, indent=2))
        return 0
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
    t = Table(box=box.SIMPLE if sys.stdout.isatty() else box.ASCII2)
    for col in ("code", "name", "severity", "confidence", "title", "plugin", "enabled"):
        t.add_column(col)
    for r in all_rules:
        t.add_row(
            r.code, r.name, r.severity.value, r.confidence.value, r.title_zh if zh else r.title_en,
            r.plugin or "", "yes" if auditor.rule_enabled(r) else "no",
        )
    console.print(t)
    return 0


@cli.command()
@_plugin_options
@_common
def plugins(config_path, disable, plugins_dir, debug):
    """List loaded plugins (built-in and external) with their hooks."""
    from selfaudit.plugins import plugin_infos

    auditor = _auditor(config_path, Path.cwd(), disable, plugins_dir)
    for info in plugin_infos(auditor.pm):
        kind = "built-in" if info.builtin else (info.version or "local")
        click.echo(f"{info.name}  [{kind}]  {', '.join(h.replace('selfaudit_', '') for h in info.hooks)}")
    return 0


@cli.command()
@_plugin_options
@_common
def formats(config_path, disable, plugins_dir, debug):
    """List the output formats --format accepts."""
    auditor = _auditor(config_path, Path.cwd(), disable, plugins_dir)
    for name, fmt in sorted(auditor.formats().items()):
        click.echo(f"{name:10} .{fmt.extension:6} {fmt.description}  [{fmt.plugin}]")
    return 0


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the CLI, map errors to documented exit codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(args)
    try:
        result: Any = cli.main(args=args, prog_name="selfaudit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("selfaudit: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except KeyboardInterrupt:
        click.echo("selfaudit: interrupted", err=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into exit codes
        from selfaudit.errors import EXIT_INTERNAL, SelfauditError

        if debug:
            import traceback

            traceback.print_exc()
        if isinstance(exc, SelfauditError):
            click.echo(f"selfaudit: error: {_one_line(str(exc))}", err=True)
            return exc.exit_code
        click.echo(
            f"selfaudit: internal error: {type(exc).__name__}: {_one_line(str(exc))}"
            + ("" if debug else " (run with --debug for the traceback)"),
            err=True,
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


def run() -> None:  # pragma: no cover - console script
    """Console script: run, flush, and leave without tearing down the object graph.

    Freeing a large audit's facts at interpreter exit costs up to half a second of CPU (measured
    on a 2,000-file project) for nothing, so once output is flushed the process exits directly.
    For the same reason the cyclic GC stays off for the whole process, not only during the audit
    (Auditor.run): the first collection after it walks every object the audit left alive (a
    quarter of a second on a 25 MB APK) and can free nothing the exit would not.
    """
    import gc

    gc.disable()
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or 0
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
