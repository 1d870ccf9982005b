"""``selfaudit init`` and ``selfaudit docs``: the declarations file and the compliance documents.

``init`` writes ``privacy.toml`` from a scan (every unknown a TODO) or, with ``--update``, adds
the items a new build shows to the file a human edited. ``docs`` renders the collected-PI list,
the third-party sharing list, the permission list and the privacy-policy draft from the build
plus the declarations, and ``docs --check DIR`` tells CI and pre-commit whether the documents
in DIR still match (exit 1 when they do not, printing what changed).

Exit codes: 0 done / current; 1 documents out of date (``--check``); 2 usage, configuration or
input error, or a refusal to overwrite a human's file without ``--force``; 3 internal error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from selfaudit.cli import _auditor as _cli_auditor
from selfaudit.cli import _common, _plugin_options, _split_formats

__all__ = ["init", "docs"]

DEFAULT_DECLARATIONS = "privacy.toml"


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _declarations_path(explicit: Path | None, cfg) -> Path:
    """``--declarations``/``-o`` > the config's ``declarations`` > next to the config > ./privacy.toml.

    Without a config file the config root is the target's directory (an APK's build output
    directory, say), which is no place for the team's declarations: use the working directory.
    """
    if explicit is not None:
        return explicit
    if cfg.declarations is not None:
        return Path(cfg.declarations)
    if cfg.path is not None:
        return Path(cfg.path).resolve().parent / DEFAULT_DECLARATIONS
    return Path.cwd() / DEFAULT_DECLARATIONS


def _auditor(config_path: Path | None, target: Path | None, disable, plugins_dir):
    """An Auditor whose config is found from the target upward, else from the working directory.

    An APK is usually built inside the app's repository, so its config is found from it; a
    target outside the repository (a downloaded APK) still gets the repository's config.
    """
    if config_path is None and target is not None:
        from selfaudit.config import find_config

        if find_config(Path(target)) is None:
            config_path = find_config(Path.cwd())
    return _cli_auditor(config_path, target or Path.cwd(), disable, plugins_dir)


def _recorded_target(decl_path: Path) -> Path | None:
    """``[meta] target`` of an existing declarations file (None if absent or unreadable)."""
    if not decl_path.is_file():
        return None
    from selfaudit.declarations import load_declarations
    from selfaudit.errors import ConfigError

    try:
        return load_declarations(decl_path).target_path()
    except ConfigError:
        return None


def _display(path: Path) -> str:
    """A path as the documents print it: relative to the working directory when it is inside."""
    try:
        rel = Path(os.path.relpath(Path(path).resolve(), Path.cwd()))
    except ValueError:  # another drive on Windows
        return Path(path).name
    if str(rel) == ".":
        return Path.cwd().name  # a project scanned from its root: name it
    return Path(path).name if str(rel).startswith("..") else rel.as_posix()


def _relative_to(path: Path, base: Path) -> str:
    """How a file records another: relative to ``base`` when the path is inside the working tree
    (so a checkout elsewhere, or CI, finds it), absolute otherwise."""
    resolved = Path(path).resolve()
    try:
        resolved.relative_to(Path.cwd().resolve())
        return Path(os.path.relpath(resolved, Path(base).resolve())).as_posix()
    except ValueError:
        return resolved.as_posix()


def _scan(auditor, target: Path):
    from selfaudit.errors import InputError

    if not target.exists():
        raise InputError(f"{target}: no such file or directory")
    facts = auditor.collect(target)
    return facts, auditor.enrich(facts)


def _declarations_option(fn):
    return click.option(
        "--declarations",
        "declarations_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Declarations file (default: config key 'declarations', else privacy.toml).",
    )(fn)


# --------------------------------------------------------------------------------------------
# init
# --------------------------------------------------------------------------------------------


@click.command()
@click.argument("target", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "declarations_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The declarations file to write (default: config key 'declarations', else ./privacy.toml).",
)
@click.option("--update", is_flag=True, help="Add newly detected items to the existing file; keep everything else.")
@click.option("--force", is_flag=True, help="Overwrite an existing declarations file.")
@_plugin_options
@_common
def init(target, declarations_path, update, force, config_path, disable, plugins_dir, debug):
    """Write privacy.toml from a scan of TARGET (an APK or a project; default: the recorded one).

    Every value only your team knows is a visible TODO; each detected item is commented with
    its evidence. With --update, the items a new build shows are added to the file you edited,
    and nothing else in it changes.
    """
    from selfaudit import __version__
    from selfaudit.documents.declfile import UpdateConflict, new_declarations_text, update_declarations_text
    from selfaudit.errors import ConfigError

    auditor = _auditor(config_path, target, disable, plugins_dir)
    cfg = auditor.config
    path = _declarations_path(declarations_path, cfg)
    exists = path.is_file()
    if exists and not update and not force:
        raise ConfigError(
            f"{path}: already exists; `selfaudit init --update` adds newly detected items and keeps your "
            "edits, --force overwrites it"
        )
    if target is None:
        target = cfg.apk or (_recorded_target(path) if exists else None) or Path(".")
    if update and exists:
        cfg.declarations = path  # the inventory is marked against the file being updated
    else:
        cfg.declarations = None  # a file about to be replaced must not stop the scan
    facts, inventory = _scan(auditor, Path(target))

    if update and exists:
        text = path.read_bytes().decode("utf-8-sig")  # bytes: keep the file's own line endings
        try:
            result = update_declarations_text(text, str(path), inventory, auditor.knowledge)
        except UpdateConflict as exc:
            click.echo(exc.tables, err=True)
            raise
        if not result.added:
            click.echo(f"{path}: up to date with {_display(Path(target))} (nothing new to declare)")
            return 0
        path.write_bytes(result.text.encode("utf-8"))
        click.echo(f"{path}: added {len(result.added)} newly detected item(s), each with TODO values:")
        for entry in result.added:
            click.echo(f"  + {entry}")
        return 0

    text = new_declarations_text(
        facts,
        inventory,
        auditor.knowledge,
        target=_relative_to(Path(target), path.parent),
        tool_version=__version__,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    counts = {kind: sum(1 for line in lines if line.startswith(f"[{kind}.")) for kind in ("pi", "third_party", "permission")}
    click.echo(
        f"wrote {path}: {counts['pi']} PI type(s), {counts['third_party']} third part"
        f"{'y' if counts['third_party'] == 1 else 'ies'}, {counts['permission']} permission(s); "
        f"{text.count(chr(34) + 'TODO' + chr(34))} TODO value(s) to fill in"
    )
    click.echo("next: fill in the TODOs, then `selfaudit docs -o DIR` (see docs/documents.md)")
    return 0


# --------------------------------------------------------------------------------------------
# docs
# --------------------------------------------------------------------------------------------


def _load_inputs(auditor, target: Path):
    """Scan the target and check the declarations' names against the knowledge base."""
    from selfaudit.declarations import validate_declarations

    facts, inventory = _scan(auditor, target)
    if auditor.declarations.path is not None:
        validate_declarations(auditor.declarations, auditor.knowledge)
    return facts, inventory


def _model(auditor, facts, inventory, lang: str, target: Path, today=None):
    from selfaudit.documents.rows import build_model

    decl = auditor.declarations
    return build_model(
        facts, inventory, decl, auditor.knowledge, lang=lang, target=_display(target),
        declarations_label=_display(decl.path) if decl.path else None, today=today,
    )


def _plugin_context(auditor, model, lang: str) -> dict[str, Any]:
    """Variables plugins add to the templates (``selfaudit_document_context``), merged in order."""
    hook = getattr(auditor.pm.hook, "selfaudit_document_context", None)
    extra: dict[str, Any] = {}
    if hook is None:
        return extra
    for contribution in reversed(hook(model=model, lang=lang, config=auditor.config) or []):
        if contribution:
            extra.update(contribution)
    return extra


@click.command()
@click.argument("target", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the documents to (default: config key 'docs').")
@click.option("--check", "check_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write nothing; exit 1 if the documents in DIR are out of date with the build and declarations.")
@click.option("--lang", "langs", multiple=True, type=click.Choice(["zh-CN", "en"]),
              help="Document language (repeatable; default: config key 'lang', zh-CN).")
@click.option("-f", "--format", "formats", multiple=True, metavar="FORMAT[,FORMAT]",
              help="html, md, docx (the policy), json (the rows). Default: all of them.")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Directory of templates overriding the built-in ones (default: config key 'templates').")
@click.option("--evidence/--no-evidence", "show_evidence", default=True, show_default=True,
              help="Show what the build showed for each row (for review; leave out for the published page).")
@click.option("--force", is_flag=True, help="Overwrite documents that were edited by hand.")
@_declarations_option
@_plugin_options
@_common
def docs(target, output, check_dir, langs, formats, templates_dir, show_evidence, force, declarations_path,
         config_path, disable, plugins_dir, debug):
    """Draft the dual list, the permission list and the privacy policy for TARGET.

    TARGET is an APK or a project (default: config key 'apk', else the build privacy.toml
    records, else the current directory). Every document is a draft that says so; every value
    the declarations leave open is a visible TODO.
    """
    from selfaudit.errors import ConfigError

    if check_dir is not None and output is not None:
        raise click.UsageError("--check DIR and -o DIR do not go together")
    auditor = _auditor(config_path, target, disable, plugins_dir)
    cfg = auditor.config
    if declarations_path is not None:
        if not declarations_path.is_file():
            raise ConfigError(f"{declarations_path}: declarations file not found")
        cfg.declarations = declarations_path
    elif cfg.declarations is None and (Path.cwd() / DEFAULT_DECLARATIONS).is_file():
        cfg.declarations = Path.cwd() / DEFAULT_DECLARATIONS
    templates = templates_dir or cfg.templates

    if check_dir is not None:
        return _check(auditor, target, check_dir, langs)

    out = output or cfg.docs_dir
    if out is None:
        raise click.UsageError("give the output directory: -o DIR (or docs = \"DIR\" in the config)")
    wanted = _formats(formats)
    from selfaudit.documents.output import read_manifest

    manifest = read_manifest(out) if (Path(out) / "selfaudit-docs.json").exists() and not force else None
    target = _target(target, cfg, manifest, Path(out))
    facts, inventory = _load_inputs(auditor, target)
    _generate(auditor, facts, inventory, target, Path(out), list(langs) or [cfg.lang], wanted, templates,
              show_evidence, force, manifest)
    return 0


def _formats(formats) -> list[str]:
    from selfaudit.documents.docx import docx_available
    from selfaudit.documents.render import FORMATS

    wanted = _split_formats(formats) or list(FORMATS)
    for f in wanted:
        if f not in FORMATS:
            raise click.UsageError(f"unknown document format {f!r} (available: {', '.join(FORMATS)})")
    if "docx" in wanted and not docx_available():
        if formats:
            from selfaudit.documents.docx import DocxMissing

            raise DocxMissing("DOCX output needs python-docx: pip install 'selfaudit[docx]'")
        click.echo("selfaudit: note: python-docx is not installed, skipping the DOCX policy "
                   "(pip install 'selfaudit[docx]')", err=True)
        wanted.remove("docx")
    return wanted


def _target(explicit: Path | None, cfg, manifest, directory: Path) -> Path:
    if explicit is not None:
        return explicit
    if cfg.apk is not None:
        return Path(cfg.apk)
    if manifest is not None:
        for entry in manifest.languages.values():
            if entry.get("target_path"):
                p = Path(entry["target_path"])
                return p if p.is_absolute() else directory / p
    if cfg.declarations is not None:
        recorded = _recorded_target(Path(cfg.declarations))
        if recorded is not None:
            return recorded
    return Path(".")


def _generate(auditor, facts, inventory, target, out: Path, langs, formats, templates, show_evidence, force, manifest):
    import datetime as dt

    from selfaudit import __version__
    from selfaudit.documents.output import rows_digest, write_files
    from selfaudit.documents.render import render_documents
    from selfaudit.documents.rows import comparable
    from selfaudit.documents.templates import environment

    env = environment(templates)
    for lang in dict.fromkeys(langs):
        model = _model(auditor, facts, inventory, lang, target)
        rows = comparable(model.to_dict())
        previous = manifest.entry(lang) if manifest is not None else None
        if previous and previous.get("rows_digest") == rows_digest(rows) and previous.get("date"):
            try:  # nothing the documents say has changed: keep their date, so the files stay identical
                model = _model(auditor, facts, inventory, lang, target, today=dt.date.fromisoformat(previous["date"]))
            except ValueError:
                pass
        files = render_documents(model, env, formats=formats, show_evidence=show_evidence,
                                 extra=_plugin_context(auditor, model, lang))
        result = write_files(
            out, lang, files, rows=rows, force=force,
            meta={
                "date": model.meta.date,
                "tool_version": __version__,
                "target": model.meta.target,
                "target_path": _relative_to(target, out),
                "formats": list(formats),
            },
        )
        s = model.summary
        if result.written:
            click.echo(f"wrote {len(result.written)} file(s) to {out} ({lang}): {s['rows']} rows, {s['todo']} TODO, "
                       f"{s['undeclared']} detected but not declared, {s['not_observed']} declared but not observed")
        else:
            click.echo(f"{out}: documents are up to date ({lang}); nothing written")


def _check(auditor, target, directory: Path, langs) -> int:
    from selfaudit.documents.output import check_directory, read_manifest
    from selfaudit.documents.rows import comparable

    manifest = read_manifest(directory)
    if manifest is None or not manifest.languages:
        click.echo(f"{directory}: no generated documents (run `selfaudit docs -o {directory}`)")
        return 1
    target = _target(target, auditor.config, manifest, directory)
    facts, inventory = _load_inputs(auditor, target)
    results = check_directory(
        directory, lambda lang: comparable(_model(auditor, facts, inventory, lang, target).to_dict()), list(langs))
    for r in results:
        if not r.generated:
            click.echo(f"{directory}: no {r.lang} documents (run `selfaudit docs --lang {r.lang} -o {directory}`)")
        elif not r.current:
            click.echo(f"{directory}: out of date with the build and declarations ({r.lang}):")
            for line in r.changes:
                click.echo(f"  {line}")
            for name in r.missing:
                click.echo(f"  ! missing: {name}")
        if r.edited:
            click.echo(f"{directory}: edited by hand since generation ({r.lang}): {', '.join(r.edited)}"
                       + ("" if r.current else " (regenerating them needs --force)"))
    stale = [r for r in results if not r.current]
    if stale:
        click.echo(f"regenerate with: selfaudit docs {_shown_path(target)} -o {_shown_path(directory)}"
                   + "".join(f" --lang {r.lang}" for r in results))
        return 1
    click.echo(f"{directory}: documents are up to date ({', '.join(r.lang for r in results)})")
    return 0


def _shown_path(path: Path) -> str:
    """A path for a command line the user can paste: relative inside the working tree."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return resolved.as_posix()
