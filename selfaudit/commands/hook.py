"""``selfaudit hook``: the pre-commit entry point (``.pre-commit-hooks.yaml``).

A commit that touches nothing the audit reads must cost no more than starting Python, so this
module imports only ``click`` (already loaded by the CLI) and the standard library at import time,
and decides first whether there is anything to do:

* file names given (``pass_filenames``, or by hand): audit only if one of them is relevant;
* ``--all-files``, or running under pre-commit (``PRE_COMMIT=1``, which has already matched the
  hook's ``files:`` pattern against its own file set): audit;
* otherwise (a plain git hook, a manual run) ask git for the staged paths: something staged but
  nothing relevant → exit 0 at once; nothing staged → audit (a manual check of the tree).

The audit itself is the ordinary pipeline on the project's source tree (or an APK with ``--apk``),
then, when the config names a documents directory (``docs``), the same freshness check as
``selfaudit docs --check``. Output is one ``path:line: CODE rule [severity] message`` line per
finding that blocks, so editors and terminals can jump to it.

Exit codes: 0 nothing blocks; 1 findings at or above ``fail_on`` or documents out of date;
2 usage, configuration or input error; 3 internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

__all__ = ["hook", "staged_paths", "needs_audit", "format_finding"]

SEVERITIES = ("info", "low", "medium", "high")


def _run_git(args: list[str], cwd: str | None = None) -> bytes | None:
    """stdout of ``git args`` or None. ``posix_spawn`` keeps ``subprocess`` (≈10 ms) off the
    no-op path; elsewhere subprocess is fine."""
    if os.name != "posix" or not hasattr(os, "posix_spawnp"):
        import subprocess

        try:
            res = subprocess.run(["git", *args], capture_output=True, cwd=cwd, check=False)
        except OSError:
            return None
        return res.stdout if res.returncode == 0 else None
    if cwd is not None:
        args = ["-C", cwd, *args]
    r, w = os.pipe()
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        pid = os.posix_spawnp(
            "git", ["git", *args], os.environ,
            file_actions=[(os.POSIX_SPAWN_DUP2, w, 1), (os.POSIX_SPAWN_DUP2, devnull, 2), (os.POSIX_SPAWN_CLOSE, r)],
        )
    except OSError:
        os.close(r)
        os.close(w)
        os.close(devnull)
        return None
    os.close(w)
    os.close(devnull)
    chunks = []
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    _pid, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    return b"".join(chunks)


def staged_paths(cwd: str | None = None) -> list[str] | None:
    """Repository-relative paths in the index that differ from HEAD (None: not a git work tree)."""
    out = _run_git(["diff", "--cached", "--name-only", "--no-renames", "-z"], cwd)
    if out is None:
        return None
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def needs_audit(filenames: tuple[str, ...], all_files: bool) -> tuple[bool, str]:
    """(audit?, why) without importing anything heavy."""
    from selfaudit.collect.source_paths import relevant_file

    if filenames:
        hit = next((f for f in filenames if relevant_file(f)), None)
        return (hit is not None, f"{hit} is relevant" if hit else "none of the given files is relevant")
    if all_files:
        return True, "--all-files"
    if os.environ.get("PRE_COMMIT") == "1":
        return True, "pre-commit matched the hook's files"
    staged = staged_paths()
    if staged is None:
        return True, "not a git work tree"
    if not staged:
        return True, "nothing staged: auditing the tree"
    hit = next((f for f in staged if relevant_file(f)), None)
    return (hit is not None, f"{hit} is staged" if hit else "no relevant file is staged")


def _find_project(start: Path) -> Path:
    """The Android project: ``start`` itself, or the first directory below it (two levels) with a
    Gradle settings or build file (a monorepo keeping the app in ``android/``)."""
    markers = ("settings.gradle", "settings.gradle.kts", "build.gradle", "build.gradle.kts")
    if any((start / m).is_file() for m in markers):
        return start
    for depth in (1, 2):
        pattern = "/".join(["*"] * depth)
        for d in sorted(p for p in start.glob(pattern) if p.is_dir() and not any(x.startswith(".") for x in p.parts[-depth:])):
            if any((d / m).is_file() for m in markers[:2]):
                return d
    return start


def _where(loc, prefix: str) -> str:
    if loc is None or not (loc.file or loc.class_name or loc.component):
        return "selfaudit"
    if loc.file:
        path = f"{prefix}/{loc.file}" if prefix else loc.file
        return f"{path}:{loc.line}" if loc.line else path
    return loc.display() or "selfaudit"


def format_finding(f, prefix: str = "", zh: bool = False) -> list[str]:
    """``path:line: CODE rule [severity] message`` plus the call path when there is one."""
    message = (f.message_zh or f.message) if zh else f.message
    lines = [f"{_where(f.location, prefix)}: {f.code} {f.rule} [{f.severity.value}] {message}"]
    if f.path:
        steps = [p.split("(", 1)[0] for p in f.path]
        if len(steps) > 5:
            steps = steps[:2] + ["…"] + steps[-2:]
        lines.append("    path: " + " → ".join(steps))
    return lines


def _at_or_above(severity: str, fail_on: str) -> bool:
    if fail_on == "none":
        return False
    return SEVERITIES.index(severity) >= SEVERITIES.index(fail_on)


@click.command(context_settings={"ignore_unknown_options": False})
@click.argument("filenames", nargs=-1, type=click.Path(path_type=str))
@click.option("--apk", "apk_mode", is_flag=True,
              help="Audit an APK (the FILENAMES argument ending in .apk, or config key 'apk') instead of the source tree.")
@click.option("--all-files", is_flag=True, help="Audit even when no relevant file is staged.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="The Android project directory (default: the working directory, or the first directory "
                   "below it holding settings.gradle).")
@click.option("--fail-on", type=click.Choice(["none", *SEVERITIES]), help="Fail at or above this severity (default: config 'fail_on', else high).")
@click.option("--lang", type=click.Choice(["en", "zh-CN"]), help="Language of messages (default: config 'lang').")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Config file (default: found from the project upward).")
@click.option("-v", "--verbose", is_flag=True, help="Also list findings below the fail level and why the hook ran.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def hook(filenames, apk_mode, all_files, root, fail_on, lang, config_path, verbose, debug):
    """Pre-commit hook: audit the source tree (or an APK) and fail on blocking findings.

    Exits 0 at once when nothing relevant (manifest, Gradle file, Java/Kotlin source, local
    library, TOML declarations/config, resources) is staged.
    """
    if apk_mode:
        return _hook_apk(filenames, root, fail_on, lang, config_path, verbose)
    go, why = needs_audit(tuple(filenames), all_files)
    if not go:
        if verbose:
            click.echo(f"selfaudit: nothing to audit ({why})")
        return 0
    cwd = Path.cwd()
    project = root if root is not None else _find_project(cwd)
    if verbose:
        click.echo(f"selfaudit: auditing {project} ({why})")
    return _audit(project, project, fail_on, lang, config_path, verbose, cwd)


def _hook_apk(filenames, root, fail_on, lang, config_path, verbose) -> int:
    from selfaudit.config import load_config
    from selfaudit.errors import InputError

    apks = [Path(f) for f in filenames if f.lower().endswith((".apk", ".apks", ".xapk"))]
    if not apks:
        cfg = load_config(config_path, start=Path.cwd() if config_path is None else None)
        if cfg.apk is None:
            raise InputError(
                "selfaudit-apk needs an APK: pass its path in the hook's args "
                "(args: [app/build/outputs/apk/release/app-release.apk]) or set apk = \"...\" in selfaudit.toml"
            )
        apks = [cfg.apk]
    code = 0
    for apk in apks:
        if not apk.exists():
            raise InputError(f"{apk}: no such file (build the release APK first, or fix the 'apk' setting)")
        code = max(code, _audit(apk, Path.cwd() if root is None else root, fail_on, lang, config_path, verbose, Path.cwd()))
    return code


def _audit(target: Path, config_start: Path, fail_on, lang, config_path, verbose, cwd: Path) -> int:
    from selfaudit.api import Auditor
    from selfaudit.config import load_config
    from selfaudit.errors import ConfigError

    if config_path is not None and not config_path.is_file():
        raise ConfigError(f"{config_path}: config file not found")
    cfg = load_config(config_path, start=config_start if config_path is None else None)
    if fail_on:
        cfg.fail_on = fail_on
    zh = (lang or cfg.lang) == "zh-CN"
    auditor = Auditor(cfg)
    report = auditor.run(target)
    prefix = ""
    if target.is_dir():
        try:
            rel = target.resolve().relative_to(cwd.resolve()).as_posix()
            prefix = "" if rel == "." else rel
        except ValueError:
            prefix = str(target)
    active = report.active_findings()
    blocking = [f for f in active if _at_or_above(f.severity.value, cfg.fail_on)]
    below = [f for f in active if not _at_or_above(f.severity.value, cfg.fail_on)]
    for w in report.warnings:
        if verbose or _serious_warning(w):
            click.echo(_warning_line(w, prefix))
    for f in blocking:
        for line in format_finding(f, prefix, zh):
            click.echo(line)
    if verbose:
        for f in below:
            for line in format_finding(f, prefix, zh):
                click.echo(line + " (below fail level)")
    stale = _check_documents(auditor, report, target, cfg) if cfg.docs_dir else False
    if blocking:
        decl = cfg.declarations or (cfg.root / "privacy.toml")
        try:
            decl_shown = decl.resolve().relative_to(cwd.resolve()).as_posix()
        except ValueError:
            decl_shown = str(decl)
        click.echo("")
        if zh:
            click.echo(f"selfaudit: {len(blocking)} 项达到或高于 '{cfg.fail_on}' 的问题阻止了本次提交"
                       + (f"（另有 {len(below)} 项级别较低）" if below else "") + "。")
        else:
            click.echo(f"selfaudit: {len(blocking)} finding(s) at or above '{cfg.fail_on}' block this commit"
                       + (f" ({len(below)} more below)" if below else "") + ".")
        for rule in dict.fromkeys(f.rule for f in blocking):
            r = next((x for x in auditor.all_rules() if x.name == rule), None)
            if r is not None:
                fix = (r.remediation_zh if zh else r.remediation_en).strip()
                click.echo(f"  {rule}: {_first_sentence(fix)}")
        if zh:
            click.echo(f"  修复代码、在 {decl_shown} 中声明用途，或在该行上方加注释并写明理由以忽略单个问题：")
            click.echo("  // selfaudit: ignore[规则名] 理由   （XML：<!-- selfaudit: ignore[规则名] 理由 -->）")
            click.echo("  规则详情：selfaudit rules --explain 规则名 --lang zh-CN")
        else:
            click.echo(f"  Fix the code, declare the purpose in {decl_shown}, or suppress one finding with a reason on")
            click.echo("  the line above it: // selfaudit: ignore[rule-name] why   (XML: <!-- selfaudit: ignore[rule-name] why -->)")
            click.echo("  Details: selfaudit rules --explain RULE")
    elif verbose:
        click.echo(f"selfaudit: no findings at or above '{cfg.fail_on}'")
    return 1 if blocking or stale else 0


def _serious_warning(w: str) -> bool:
    """Warnings that mean part of the project was not audited are always shown."""
    return any(k in w for k in ("unparseable", "could not scan", "cannot read", "unbalanced", "not applied",
                                "not readable", "does not exist"))


def _warning_line(w: str, prefix: str) -> str:
    """``file:line: text`` → ``[prefix/]file:line: warning: text`` (jumpable); anything else as is."""
    import re

    m = re.match(r"^([^\s:]+\.[\w!./-]+)(:\d+)?: (.*)$", w, re.S)
    if not m:
        return f"warning: {w}"
    path = f"{prefix}/{m.group(1)}" if prefix else m.group(1)
    return f"{path}{m.group(2) or ''}: warning: {m.group(3)}"


def _first_sentence(text: str) -> str:
    import re

    text = " ".join(text.split())
    # Line breaks inside Chinese text are not spaces.
    text = re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)
    m = re.search(r"(?<!e\.g)(?<!i\.e)(?<!etc)\.\s+(?=[A-Z`(])|。", text)
    if m and m.end() <= 240:
        return text[: m.end()].strip()
    return text if len(text) <= 240 else text[:239] + "…"


def _check_documents(auditor, report, target: Path, cfg) -> bool:
    """True when the documents in ``cfg.docs_dir`` are out of date (as ``selfaudit docs --check``)."""
    try:
        from selfaudit.documents.output import check_documents
    except ImportError:  # pragma: no cover - a build without the documents package
        click.echo("selfaudit: config 'docs' is set but this selfaudit has no document support; not checked")
        return False
    directory = cfg.docs_dir
    shown = _shown(directory)
    if not directory.is_dir():
        click.echo(f"{shown}: the documents directory (config 'docs') does not exist; "
                   f"generate it: selfaudit docs {_shown(target)} -o {shown}")
        return True
    results = check_documents(directory, report.facts, report.inventory, auditor.declarations, auditor.knowledge)
    if not results:
        click.echo(f"{shown}: no generated documents; generate them: selfaudit docs {_shown(target)} -o {shown}")
        return True
    stale = [r for r in results if not r.current]
    for r in stale:
        if not r.generated:
            click.echo(f"{shown}: no {r.lang} documents")
            continue
        click.echo(f"{shown}: documents out of date with this commit ({r.lang}):")
        for line in r.changes:
            click.echo(f"  {line}")
        for name in r.missing:
            click.echo(f"  ! missing: {name}")
    if stale:
        click.echo(f"  regenerate: selfaudit docs {_shown(target)} -o {shown}"
                   + "".join(f" --lang {r.lang}" for r in results) + f", then git add {shown}")
    return bool(stale)


def _shown(path: Path) -> str:
    try:
        rel = Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
        return rel or "."
    except ValueError:
        return str(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(hook.main(standalone_mode=True))
