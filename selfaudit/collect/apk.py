"""The APK collector plugin: complete :class:`~selfaudit.model.AppFacts` from what a store receives.

Targets it claims: an ``.apk`` (or any ZIP holding ``AndroidManifest.xml``), a split bundle
(``.apks``, ``.xapk``, ``.apkm``: base + splits merged), and an Android Gradle Plugin output
directory (one holding ``output-metadata.json``). Anything else returns None so another collector
(the source collector for project directories) can try. A target that is ours but unreadable
raises :class:`~selfaudit.errors.InputError` with one line naming the file and the problem.

This module only decides; the readers live in ``apk_facts`` and below and are imported when an
APK is actually collected, so registering this plugin costs the pre-commit path nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from selfaudit import hookimpl

if TYPE_CHECKING:
    from selfaudit.model import AppFacts

__all__ = ["selfaudit_collect", "collect_apk", "agp_output_apk", "APK_SUFFIXES", "BUNDLE_SUFFIXES"]

APK_SUFFIXES = (".apk", ".zip", ".jar")
BUNDLE_SUFFIXES = (".apks", ".xapk", ".apkm")


@hookimpl(trylast=True)
def selfaudit_collect(target: Any, config: Any, knowledge: Any) -> AppFacts | None:
    """Collect an APK, split bundle or AGP output directory; None for targets we do not handle."""
    from selfaudit.errors import InputError

    path = Path(target)
    if path.is_dir():
        if not (path / "output-metadata.json").is_file():
            return None
        apk, warnings = agp_output_apk(path)
        facts = collect_apk(apk, knowledge)
        facts.target = str(path)
        facts.warnings[:0] = warnings
        return facts
    if not path.is_file():
        return None
    suffix = path.suffix.lower()
    if suffix == ".aab":
        raise InputError(
            f"{path}: an Android App Bundle (.aab) is not an installable APK; audit the APK built "
            "from it (bundletool build-apks --mode=universal) or the Gradle APK output directory"
        )
    if suffix not in APK_SUFFIXES + BUNDLE_SUFFIXES:
        try:
            with path.open("rb") as fh:
                if fh.read(4) != b"PK\x03\x04":
                    return None
        except OSError:
            return None
    return collect_apk(path, knowledge)


def collect_apk(path: str | Path, knowledge: Any = None) -> AppFacts:
    """Facts from an APK or split bundle at ``path``; raises InputError when unreadable."""
    from selfaudit.collect.apk_facts import collect_apk as collect

    return collect(path, knowledge)


def agp_output_apk(directory: Path) -> tuple[Path, list[str]]:
    """The APK an AGP ``output-metadata.json`` lists: the only one, else the universal one, else
    the first (with a warning naming the others)."""
    import json

    from selfaudit.errors import InputError

    meta = directory / "output-metadata.json"
    try:
        doc = json.loads(meta.read_text(encoding="utf-8"))
        elements = [e for e in doc.get("elements", []) if isinstance(e, dict) and e.get("outputFile")]
    except (OSError, ValueError, AttributeError) as exc:
        raise InputError(f"{meta}: cannot read the AGP output metadata ({exc})") from None
    if not elements:
        raise InputError(f"{meta}: lists no output file")
    chosen = elements[0]
    warnings = []
    if len(elements) > 1:
        universal = [e for e in elements if e.get("type") in ("UNIVERSAL", "SINGLE") and not e.get("filters")]
        chosen = universal[0] if universal else elements[0]
        others = ", ".join(str(e["outputFile"]) for e in elements if e is not chosen)
        warnings.append(
            f"{meta}: {len(elements)} APKs listed (ABI or density splits); audited "
            f"{chosen['outputFile']}, not {others}"
        )
    apk = directory / str(chosen["outputFile"])
    if not apk.is_file():
        raise InputError(f"{meta}: lists {chosen['outputFile']}, which does not exist")
    return apk, warnings
