"""A documents directory: writing it without losing human edits, and checking it is current.

``selfaudit-docs.json`` in the directory records, per language, the rows the documents were
generated from (without evidence: see :func:`~selfaudit.documents.rows.comparable`) and the
SHA-256 of every file written. That gives two answers without trusting timestamps:

- *edited by hand?* A file whose hash differs from the recorded one (or that exists with no
  record) was changed by someone; regenerating it needs ``--force``.
- *out of date?* The rows a fresh scan gives differ from the recorded rows; ``docs --check``
  prints what changed (added, removed and changed rows, field by field) and exits 1.

When the rows have not changed, regenerating keeps the date of the previous generation, so an
unchanged build leaves the directory byte-for-byte unchanged (no churn in the team's repo).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selfaudit.errors import SelfauditError

__all__ = [
    "MANIFEST",
    "DocumentsEdited",
    "Manifest",
    "WriteResult",
    "CheckResult",
    "read_manifest",
    "write_files",
    "edited_files",
    "rows_digest",
    "diff_rows",
    "check_directory",
    "check_documents",
]

MANIFEST = "selfaudit-docs.json"


class DocumentsEdited(SelfauditError):
    """Generated documents were changed by hand; regenerating would lose the edits."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def rows_digest(comparable_rows: dict[str, Any]) -> str:
    return sha256(json.dumps(comparable_rows, ensure_ascii=False, sort_keys=True).encode("utf-8"))


@dataclass
class Manifest:
    path: Path
    data: dict[str, Any] = field(default_factory=lambda: {"tool": "selfaudit", "languages": {}})

    @property
    def languages(self) -> dict[str, dict[str, Any]]:
        return self.data.setdefault("languages", {})

    def entry(self, lang: str) -> dict[str, Any] | None:
        return self.languages.get(lang)

    def save(self) -> None:
        _atomic_write(self.path, (json.dumps(self.data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def read_manifest(directory: Path) -> Manifest | None:
    """The directory's manifest, or None when documents were never generated there."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SelfauditError(f"{path}: unreadable documents manifest ({exc}); regenerate with --force") from None
    if not isinstance(data, dict) or not isinstance(data.get("languages", {}), dict):
        raise SelfauditError(f"{path}: not a selfaudit documents manifest; regenerate with --force")
    return Manifest(path=path, data=data)


def edited_files(directory: Path, names: list[str], manifest: Manifest | None) -> list[str]:
    """Files among ``names`` that exist and are not what selfaudit last wrote."""
    recorded: dict[str, str] = {}
    if manifest is not None:
        for entry in manifest.languages.values():
            recorded.update(entry.get("files", {}))
    out = []
    for name in names:
        p = Path(directory) / name
        if p.is_file() and recorded.get(name) != sha256(p.read_bytes()):
            out.append(name)
    return out


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def write_files(
    directory: Path,
    lang: str,
    files: dict[str, bytes],
    *,
    rows: dict[str, Any],
    meta: dict[str, Any],
    force: bool = False,
) -> WriteResult:
    """Write one language's files and record them; refuse to overwrite hand edits unless ``force``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(directory) if not force else (_try_manifest(directory) or None)
    edited = edited_files(directory, list(files), manifest)
    if edited and not force:
        shown = ", ".join(edited[:5]) + (f" and {len(edited) - 5} more" if len(edited) > 5 else "")
        raise DocumentsEdited(
            f"{directory}: {shown} changed since selfaudit generated {'it' if len(edited) == 1 else 'them'}; "
            "keep your edits in the declarations (privacy.toml) or a template directory, "
            "or pass --force to overwrite"
        )
    result = WriteResult()
    for name, data in files.items():
        p = directory / name
        if p.is_file() and p.read_bytes() == data:
            result.unchanged.append(name)
            continue
        _atomic_write(p, data)
        result.written.append(name)
    manifest = manifest or Manifest(path=directory / MANIFEST)
    manifest.data["tool"] = "selfaudit"
    recorded = {name: sha256(data) for name, data in files.items()}
    previous = (manifest.entry(lang) or {}).get("files", {})
    for name, digest in previous.items():  # a format not generated this time: keep tracking it
        p = directory / name
        if name not in recorded and p.is_file() and sha256(p.read_bytes()) == digest:
            recorded[name] = digest
    manifest.languages[lang] = {
        **meta,
        "rows_digest": rows_digest(rows),
        "rows": rows,
        "files": dict(sorted(recorded.items())),
    }
    manifest.save()
    return result


def _try_manifest(directory: Path) -> Manifest | None:
    try:
        return read_manifest(directory)
    except SelfauditError:
        return None


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SelfauditError(f"{path}: cannot write: {exc.strerror}") from None


# --------------------------------------------------------------------------------------------
# --check
# --------------------------------------------------------------------------------------------


@dataclass
class CheckResult:
    """One language of a documents directory compared with a fresh scan."""

    lang: str
    generated: bool = True  # False: no documents in this language
    changes: list[str] = field(default_factory=list)  # human-readable, one per line
    missing: list[str] = field(default_factory=list)  # recorded files that are gone
    edited: list[str] = field(default_factory=list)  # recorded files changed by hand (not stale by itself)

    @property
    def current(self) -> bool:
        return self.generated and not self.changes and not self.missing


def check_directory(directory: Path, rows_for: Any, langs: list[str] | None = None) -> list[CheckResult]:
    """Compare the documents in ``directory`` with fresh rows.

    ``rows_for(lang)`` returns the comparable rows a fresh scan gives for a language (see
    :func:`~selfaudit.documents.rows.comparable`); the caller decides how to scan, so the
    pre-commit hook and ``docs --check`` share this. An empty list means nothing was ever
    generated in ``directory``.
    """
    directory = Path(directory)
    manifest = read_manifest(directory)
    if manifest is None or not manifest.languages:
        return []
    results = []
    for lang in list(dict.fromkeys(langs or [])) or list(manifest.languages):
        entry = manifest.entry(lang)
        result = CheckResult(lang=lang)
        results.append(result)
        if entry is None:
            result.generated = False
            continue
        rows = rows_for(lang)
        if entry.get("rows_digest") != rows_digest(rows):
            result.changes = diff_rows(entry.get("rows", {}), rows) or [
                "~ the recorded rows differ (written by another selfaudit version?)"]
        for name, digest in entry.get("files", {}).items():
            p = directory / name
            if not p.is_file():
                result.missing.append(name)
            elif sha256(p.read_bytes()) != digest:
                result.edited.append(name)
    return results


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_documents(directory: Path, facts: Any, inventory: Any, declarations: Any, knowledge: Any,
                    langs: list[str] | None = None) -> list[CheckResult]:
    """:func:`check_directory` for a scanned build: what ``docs --check`` and the pre-commit hook run.

    ``facts``/``inventory`` come from ``Auditor.collect``/``Auditor.enrich`` (or a Report's
    ``.facts``/``.inventory``); the declarations and knowledge base from the same Auditor.
    """
    from selfaudit.documents.rows import build_model, comparable

    def rows_for(lang: str) -> dict[str, Any]:
        return comparable(build_model(facts, inventory, declarations, knowledge, lang=lang).to_dict())

    return check_directory(directory, rows_for, langs)


def diff_rows(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed between two comparable row sets: one line per header field or row."""
    out: list[str] = []
    old_meta, new_meta = old.get("meta", {}), new.get("meta", {})
    for key in sorted(set(old_meta) | set(new_meta)):
        a, b = old_meta.get(key), new_meta.get(key)
        if isinstance(a, dict) or isinstance(b, dict):
            a, b = a or {}, b or {}
            for sub in sorted(set(a) | set(b)):
                if a.get(sub) != b.get(sub):
                    out.append(f"~ {key}.{sub}: {_short(a.get(sub))} → {_short(b.get(sub))}")
        elif a != b:
            out.append(f"~ {key}: {_short(a)} → {_short(b)}")
    for kind in ("collected", "sharing", "permissions"):
        before = {r["key"]: r for r in old.get(kind, [])}
        after = {r["key"]: r for r in new.get(kind, [])}
        for key in [k for k in after if k not in before]:
            out.append(f"+ {kind}: {_label(after[key])} [{after[key].get('status')}]")
        for key in [k for k in before if k not in after]:
            out.append(f"- {kind}: {_label(before[key])}")
        for key in [k for k in after if k in before]:
            a, b = before[key], after[key]
            fields = [f for f in dict.fromkeys([*a, *b]) if f not in _DERIVED and a.get(f) != b.get(f)]
            if fields:
                changes = "; ".join(f"{f} {_short(a.get(f), 40)} → {_short(b.get(f), 40)}" for f in fields)
                out.append(f"~ {kind}: {_label(b)}: {changes}")
    # Same rows, different order (a sort key changed): still stale, say so once.
    if not out and old != new:
        out.append("~ row order changed")
    return out


#: Row fields that follow from others (listing them would repeat the change).
_DERIVED = {"todo"}


def _label(row: dict[str, Any]) -> str:
    name = row.get("name") or row.get("short_name")
    return f"{name} ({row['key']})" if name and name != row["key"] else str(row["key"])
