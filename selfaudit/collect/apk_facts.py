"""Collect complete :class:`~selfaudit.model.AppFacts` from an APK or a split bundle.

The heavy half of the APK collector (``collect/apk.py`` is the thin plugin that decides whether a
target is ours, and imports this module only then, so the pre-commit path never pays for it).
Everything here is stdlib-only and reads as little as the audit needs: the manifest and resource
table are parsed directly, the DEX files are indexed and scanned for the knowledge base's APIs
(``collect/dex.py``), and the code model handed to the rules is lazy. androguard is not imported.
"""

from __future__ import annotations

import fnmatch
import gc
import re
import struct
from pathlib import Path
from typing import Any

from selfaudit.collect.apk_code import (
    DexCodeModel,
    find_references,
    reflection_apis,
    reflection_targets,
    to_code_refs,
)
from selfaudit.collect.apk_manifest import MANIFEST, fill_manifest
from selfaudit.collect.apk_signing import signing_info
from selfaudit.collect.apk_zip import ZipArchive, ZipError
from selfaudit.collect.arsc import ResourceTable
from selfaudit.collect.axml import Element, ResError, parse_axml
from selfaudit.collect.dex import Dex, DexError
from selfaudit.errors import InputError
from selfaudit.model import AppFacts

__all__ = ["collect_apk"]

#: Bounds on what we inflate, far above real apps (a manifest is KBs, a resource table MBs).
MANIFEST_LIMIT = 16 * 1024 * 1024
RESOURCES_LIMIT = 256 * 1024 * 1024
DEX_LIMIT = 256 * 1024 * 1024
TOTAL_CODE_LIMIT = 1024 * 1024 * 1024
SECONDARY_LIMIT = 64 * 1024 * 1024
INNER_APK_LIMIT = 1024 * 1024 * 1024

_MAIN_DEX = re.compile(r"^classes(\d*)\.dex$")
_SECONDARY = re.compile(r"^(assets|res/raw)/.+\.(dex|jar|apk|zip)$", re.IGNORECASE)
_LIB = re.compile(r"^lib/([^/]+)/([^/]+)$")


class _Bad(ValueError):
    """A problem with the target, described relative to it; collect_apk prefixes the path."""


def collect_apk(path: str | Path, knowledge: Any = None) -> AppFacts:
    """Facts from an APK or split bundle at ``path``; raises InputError when unreadable."""
    path = Path(path)
    try:
        zf = ZipArchive.open(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ZipError as exc:
        raise InputError(f"{path}: {exc}") from None
    # Collection allocates a few hundred thousand small containers (tuples, lists, dicts of the
    # DEX index) and frees none of them in cycles; the cyclic GC's repeated passes over that
    # growing heap cost about a third of the collection time on a large app (measured on
    # pypi_airtest-Yosemite: 0.45 s with, 0.30 s without). Reference counting still frees
    # everything; the GC's previous state is restored on the way out.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _collect(zf, path, knowledge)
    except InputError:
        raise
    except (_Bad, ZipError, ResError, DexError) as exc:
        raise InputError(f"{path}: {exc}") from None
    except MemoryError:
        raise InputError(f"{path}: too large to analyse in memory") from None
    except (IndexError, KeyError, struct.error, ValueError, OverflowError, UnicodeError) as exc:
        # Defence in depth: a malformed structure a specific check missed.
        raise InputError(f"{path}: malformed APK ({type(exc).__name__}: {exc})") from None
    finally:
        zf.close()
        if gc_was_enabled:
            gc.enable()


# --------------------------------------------------------------------------------------------
# One APK (the base, or a split)
# --------------------------------------------------------------------------------------------


class _Part:
    """What one APK archive holds; ``prefix`` names it inside a bundle (``split_x.apk!/``)."""

    def __init__(self, zf: ZipArchive, prefix: str = "") -> None:
        self.zf = zf
        self.prefix = prefix
        try:
            data = zf.read(MANIFEST, limit=MANIFEST_LIMIT)
        except ZipError as exc:
            raise _Bad(f"{prefix}{exc}") from None
        try:
            self.manifest: Element = parse_axml(data)
        except ResError as exc:
            raise _Bad(f"{prefix}{MANIFEST} is unreadable: {exc}") from None
        self.warnings: list[str] = []
        self.table: ResourceTable | None = None
        if zf.get("resources.arsc") is not None:
            try:
                self.table = ResourceTable(zf.read("resources.arsc", limit=RESOURCES_LIMIT))
            except (ZipError, ResError) as exc:
                self.warnings.append(f"{prefix}resources.arsc is unreadable ({exc}); labels stay unresolved")
        if zf.duplicates:
            self.warnings.append(
                f"{prefix}: duplicate ZIP entries ({', '.join(sorted(set(zf.duplicates))[:5])}); "
                "the first of each was read (Android 9+ refuses such APKs)")

    @property
    def split(self) -> str | None:
        return self.manifest.get("split")

    def dexes(self, budget: list[int]) -> list[Dex]:
        main = []
        for e in self.zf.entries:
            m = _MAIN_DEX.match(e.name)
            if m:
                main.append((int(m.group(1) or 1), e))
        out = []
        for _n, e in sorted(main, key=lambda t: t[0]):
            budget[0] -= e.size
            if budget[0] < 0:
                raise _Bad(f"{self.prefix}{e.name}: the DEX files exceed {TOTAL_CODE_LIMIT >> 20} MiB in total")
            try:
                out.append(Dex(self.zf.read(e, limit=DEX_LIMIT), self.prefix + e.name))
            except ZipError as exc:
                raise _Bad(f"{self.prefix}{exc}") from None
            except DexError as exc:
                raise _Bad(f"{self.prefix}{e.name}: {exc}") from None
        return out

    def secondary_dexes(self, budget: list[int]) -> list[Dex]:
        """DEX files hidden in assets/ or res/raw (plugins, hot fixes, packers' payloads)."""
        out = []
        for e in self.zf.entries:
            if not _SECONDARY.match(e.name) or e.size == 0:
                continue
            container = self.prefix + e.name
            if e.size > SECONDARY_LIMIT or budget[0] - e.size < 0:
                self.warnings.append(f"{container}: secondary code archive too large to scan ({e.size} bytes)")
                continue
            budget[0] -= e.size
            try:
                data = self.zf.read(e, limit=SECONDARY_LIMIT)
            except ZipError as exc:
                self.warnings.append(f"{container}: unreadable ({exc})")
                continue
            found = []
            try:
                if data[:4] == b"dex\n":
                    found.append(Dex(data, e.name.rsplit("/", 1)[-1], container=container))
                elif data[:4] == b"PK\x03\x04":
                    inner = ZipArchive(data)
                    for ie in inner.entries:
                        if _MAIN_DEX.match(ie.name) or ie.name.endswith(".dex"):
                            budget[0] -= ie.size
                            if budget[0] < 0:
                                break
                            found.append(Dex(inner.read(ie, limit=DEX_LIMIT), ie.name, container=container))
            except (ZipError, DexError) as exc:
                self.warnings.append(f"{container}: secondary code is unreadable ({exc})")
                continue
            if found:
                out.extend(found)
                self.warnings.append(
                    f"{container}: secondary code ({len(found)} DEX) loaded at run time; scanned, "
                    "references are marked with this container")
            else:
                self.warnings.append(f"{container}: looks like code but holds no readable DEX (encrypted?)")
        return out


def _open_inner(zf: ZipArchive, name: str) -> ZipArchive:
    try:
        return ZipArchive(zf.read(name, limit=INNER_APK_LIMIT))
    except ZipError as exc:
        raise _Bad(f"{name}: {exc}") from None


def _collect(zf: ZipArchive, path: Path, knowledge: Any) -> AppFacts:
    facts = AppFacts(target=str(path), kind="apk")
    if zf.get(MANIFEST) is not None:
        base = _Part(zf)
        splits: list[_Part] = []
    else:
        inner = [e.name for e in zf.entries if e.name.lower().endswith(".apk")]
        if not inner:
            dex = [e.name for e in zf.entries if e.name.endswith(".dex")]
            hint = f" (it holds only {', '.join(dex[:3])}: a bare DEX archive)" if dex else ""
            raise _Bad(f"not an APK: no {MANIFEST}{hint}")
        if any(n.startswith("splits/") for n in inner):
            inner = [n for n in inner if n.startswith("splits/")]
        parts = [_Part(_open_inner(zf, n), prefix=f"{n}!/") for n in inner]
        bases = [p for p in parts if not p.split]
        if not bases:
            raise _Bad("split bundle without a base APK (every APK declares a split)")
        bases.sort(key=lambda p: 0 if "base" in p.prefix else 1)
        base = bases[0]
        base.prefix = ""
        splits = [p for p in parts if p is not base]
        facts.extra["bundle"] = {"base": inner[parts.index(base)],
                                 "splits": [p.prefix[:-2] for p in splits]}
        if len(bases) > 1:
            facts.warnings.append(f"{path}: several APKs without a split name; used {facts.extra['bundle']['base']}")

    fill_manifest(facts, base.manifest, base.table)
    if base.table is not None:
        facts.strings = base.table.strings()
    for part in splits:
        _merge_split(facts, part)
    parts = [base, *splits]

    # Files, assets, native libraries.
    libs: list[str] = []
    abis: list[str] = []
    for part in parts:
        for e in part.zf.entries:
            name = e.name
            facts.files.append(part.prefix + name)
            if name.startswith("assets/") and not name.endswith("/"):
                facts.assets.append(name[7:])
            m = _LIB.match(name)
            if m:
                if m.group(1) not in abis:
                    abis.append(m.group(1))
                if m.group(2) not in libs:
                    libs.append(m.group(2))
    facts.native_libs = sorted(libs)
    if abis:
        facts.extra["abis"] = abis

    # Code.
    budget = [TOTAL_CODE_LIMIT]
    dexes: list[Dex] = []
    for part in parts:
        dexes.extend(part.dexes(budget))
    secondary: list[Dex] = []
    for part in parts:
        secondary.extend(part.secondary_dexes(budget))
    for part in parts:
        facts.warnings.extend(part.warnings)
    all_dex = dexes + secondary
    _fill_code(facts, all_dex, knowledge)
    if secondary:
        facts.extra["secondary_code"] = sorted({d.container for d in secondary if d.container})

    facts.signing = signing_info(zf if not splits and zf.get(MANIFEST) is not None else base.zf)
    _fill_packers(facts, knowledge)
    return facts


def _merge_split(facts: AppFacts, part: _Part) -> None:
    """Add what a split brings: feature-split components and permissions, locale strings."""
    probe = AppFacts(target=facts.target, kind="apk")
    probe.target_sdk = facts.target_sdk
    fill_manifest(probe, part.manifest, part.table)
    known = {c.name for c in facts.components}
    for c in probe.components:
        if c.name not in known:
            facts.components.append(c)
    have = {(p.name, p.sdk23) for p in facts.permissions}
    facts.permissions.extend(p for p in probe.permissions if (p.name, p.sdk23) not in have)
    if part.table is not None:
        for k, v in part.table.strings().items():
            facts.strings.setdefault(k, v)


def _fill_code(facts: AppFacts, dexes: list[Dex], knowledge: Any) -> None:
    model = DexCodeModel(dexes)
    names = model.class_names()
    facts.class_count = len(names)
    packages: dict[str, int] = {}
    for n in names:
        pkg = n.rpartition(".")[0]
        packages[pkg] = packages.get(pkg, 0) + 1
    facts.packages = dict(sorted(packages.items()))
    apis = list(knowledge.apis.values()) if knowledge is not None and getattr(knowledge, "apis", None) else []
    refl = reflection_apis()
    refs = find_references(dexes, apis, refl, model=model)
    api_refs = [r for r in refs if not hasattr(r.target, "target")]
    refl_refs = [r for r in refs if hasattr(r.target, "target")]
    for r in refl_refs:
        r.target = r.target.target
    facts.code_refs = to_code_refs(api_refs)
    targets = reflection_targets(refl_refs)
    if targets:
        facts.extra["reflection_targets"] = targets
    facts.extra["dex_files"] = [d.name if not d.container else f"{d.container}!{d.name}" for d in dexes]
    facts.code = model
    facts.warnings.extend(f"unreadable code skipped: {e}" for e in model.errors)
    if not dexes:
        facts.warnings.append("the APK holds no DEX code (a resource-only or native-only app?)")


def _fill_packers(facts: AppFacts, knowledge: Any) -> None:
    packers = getattr(knowledge, "packers", None) if knowledge is not None else None
    if not packers:
        return
    model: DexCodeModel = facts.code
    class_names = set(model.class_names()) if model is not None else set()
    if facts.application.name:
        class_names.add(facts.application.name)
    asset_names = set(facts.assets) | {a.rsplit("/", 1)[-1] for a in facts.assets}
    found = []
    for packer in packers.values():
        hit = any(
            c in class_names or facts.packages.get(c) or any(p.startswith(c + ".") for p in facts.packages)
            for c in packer.classes
        )
        hit = hit or any(fnmatch.fnmatchcase(lib, g) for g in packer.native_libs for lib in facts.native_libs)
        hit = hit or any(fnmatch.fnmatchcase(a, g) for g in packer.assets for a in asset_names)
        if hit:
            found.append(packer.id)
    if found:
        facts.extra["packers"] = found

