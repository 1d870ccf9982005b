"""Source-tree collector: the same AppFacts the APK path produces, from an Android project directory.

What ships is the *release* build of the application module: its own source sets (main, release
and flavor sets; debug and test sets do not ship) merged with every library module and local
AAR/JAR it depends on. This module decides that set of files and hands each kind to its reader:

* :mod:`~selfaudit.collect.gradle`: settings, build files and version catalogs (modules,
  applicationId, SDK levels, dependencies with file:line);
* :mod:`~selfaudit.collect.source_manifest`: the manifest merger (permissions, components,
  ``tools:node="remove"``...);
* :mod:`~selfaudit.collect.source_libs`: local ``.aar``/``.jar`` files (class packages, manifests);
* :mod:`~selfaudit.collect.javasrc` and :mod:`~selfaudit.collect.source_code`: Java/Kotlin code
  (knowledge-API references with file:line, the lazy :class:`~selfaudit.model.CodeModel`).

It must stay light: the pre-commit hook imports it. No androguard, no rich, no jinja2. Options come
from ``[plugin.source]`` in the config: ``module`` (the application module, e.g. ``":app"``),
``variant`` (e.g. ``"huaweiRelease"``: only its source sets) and ``exclude`` (glob patterns of
project-relative paths not to scan, e.g. generated code).
"""

from __future__ import annotations

import fnmatch
import os
import re
import time
from pathlib import Path
from typing import Any

from selfaudit import hookimpl
from selfaudit.collect.source_paths import SOURCE_SUFFIXES, relevant_file
from selfaudit.collect.source_xml import ANDROID, TOOLS, XmlElement, XmlError, parse_xml
from selfaudit.model import AppFacts, Dependency, Location

__all__ = ["is_android_project", "collect_source", "parse_xml", "XmlElement", "XmlError", "ANDROID", "TOOLS",
           "SOURCE_SUFFIXES", "relevant_file", "OPTIONS_KEY"]

#: ``[plugin.source]`` holds this collector's options.
OPTIONS_KEY = "source"
SKIP_DIRS = {"build", ".gradle", ".git", ".idea", "node_modules", ".cxx", "intermediates", ".svn", "buildSrc",
             ".externalNativeBuild", "generated", "out"}
GRADLE_FILES = ("build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts")
_NOT_SHIPPED_SETS = re.compile(r"^(test|androidTest|testFixtures|benchmark|debug)|Debug|Test$")


def _walk(root: Path, max_depth: int | None = None, skip: set[Path] | frozenset = frozenset()):
    base = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if max_depth is not None and len(here.parts) - base >= max_depth:
            dirnames[:] = []
        else:
            dirnames[:] = sorted(
                d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".") and (here / d) not in skip
            )
        yield here, filenames


def is_android_project(root: Path) -> bool:
    if not root.is_dir():
        return False
    if any((root / n).is_file() for n in GRADLE_FILES):
        return True
    # A manifest sits at most a few levels down (module/src/main/); don't crawl a whole disk.
    for _dir, files in _walk(root, max_depth=6):
        if "AndroidManifest.xml" in files:
            return True
    return False


def _camel_parts(name: str) -> list[str]:
    return [p.lower() for p in re.findall(r"[a-z0-9]+|[A-Z][a-z0-9]*", name)]


class _Collector:
    def __init__(self, root: Path, knowledge: Any, options: dict[str, Any]) -> None:
        self.root = root.resolve()
        self.kb = knowledge
        self.options = options
        self.facts = AppFacts(target=str(root), kind="source")
        self.timings: dict[str, float] = {}
        self.suppressions: list[dict[str, Any]] = []
        self.files: list[str] = []
        self.exclude = [str(p) for p in options.get("exclude", []) or []]
        variant = options.get("variant")
        self.variant_parts = _camel_parts(variant) if isinstance(variant, str) and variant else None

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def excluded(self, rel: str) -> bool:
        return any(fnmatch.fnmatch(rel, pat) for pat in self.exclude)

    def ships(self, source_set: str) -> bool:
        """Is a source set part of the audited build? main, release, flavors: yes; debug, tests: no."""
        if source_set == "main":
            return True
        if self.variant_parts is not None:
            parts = _camel_parts(source_set)
            return all(p in self.variant_parts for p in parts)
        return not _NOT_SHIPPED_SETS.search(source_set)

    # -- the run -----------------------------------------------------------------------------

    def run(self) -> AppFacts:
        from selfaudit.collect.gradle import load_project

        t = time.perf_counter()
        self.project = proj = load_project(self.root)
        self.facts.warnings.extend(proj.warnings)
        self.suppressions.extend(proj.suppressions)
        self.files.extend(proj.files)
        self.modules = self.shipped_modules()
        self.timings["gradle"] = time.perf_counter() - t
        t = time.perf_counter()
        self.fill_build_info()
        self.fill_dependencies()
        self.fill_manifests_and_libs()
        self.timings["manifests_libs"] = time.perf_counter() - t
        t = time.perf_counter()
        self.fill_resources()
        self.timings["resources"] = time.perf_counter() - t
        self.fill_code()
        facts = self.facts
        facts.extra["inline_suppressions"] = self.suppressions
        facts.extra["source_timings"] = {k: round(v, 4) for k, v in self.timings.items()}
        facts.files = sorted(dict.fromkeys(self.files))
        return facts

    def shipped_modules(self) -> list:
        """The application module and every module it depends on (transitively), app first."""
        proj = self.project
        mods = proj.modules
        wanted = self.options.get("module")
        apps = [m for m in mods.values() if m.kind == "application"]
        app = None
        if isinstance(wanted, str) and wanted:
            app = mods.get(wanted if wanted.startswith(":") else ":" + wanted)
            if app is None:
                self.facts.warnings.append(
                    f"[plugin.source] module {wanted!r} is not a module of this project "
                    f"(modules: {', '.join(sorted(mods)) or 'none'})"
                )
        if app is None and apps:
            app = next((m for m in apps if m.path == ":app"), apps[0])
            if len(apps) > 1:
                self.facts.warnings.append(
                    f"several application modules ({', '.join(m.path for m in apps)}); auditing {app.path} "
                    "(set module in [plugin.source] to choose another)"
                )
        if app is None:
            self.app = None
            return [m for m in mods.values() if m.kind != "other"] or list(mods.values())
        self.app = app
        order = [app]
        seen = {app.path}
        i = 0
        from selfaudit.collect.gradle import shipped_configuration

        while i < len(order):
            m = order[i]
            i += 1
            for d in m.dependencies:
                if d.kind not in ("project", "project-accessor") or not shipped_configuration(d.configuration):
                    continue
                dep = mods.get(d.value if d.value.startswith(":") else ":" + d.value) if d.kind == "project" \
                    else proj.module_for_accessor(d.value)
                if dep is None:
                    self.facts.warnings.append(f"{d.file}:{d.line}: depends on {d.value}, which is not an included module")
                    continue
                if dep.path not in seen:
                    seen.add(dep.path)
                    order.append(dep)
        # Dynamic-feature modules ship with the app although the app does not depend on them.
        for m in mods.values():
            if m.kind == "feature" and m.path not in seen:
                seen.add(m.path)
                order.append(m)
        return order

    def fill_build_info(self) -> None:
        facts = self.facts
        app = self.app
        if app is None:
            return
        facts.package = app.application_id or app.namespace
        facts.version_name = app.version_name
        facts.version_code = app.version_code
        facts.min_sdk = app.min_sdk
        facts.target_sdk = app.target_sdk
        facts.compile_sdk = app.compile_sdk
        facts.extra["source"] = {
            "app_module": app.path,
            "modules": [m.path for m in self.modules],
            "build_types": app.build_types,
            "flavors": app.flavors,
            "variant": self.options.get("variant"),
            "locations": {k: {"file": f, "line": ln} for k, (f, ln) in app.locations.items()},
        }

    def fill_dependencies(self) -> None:
        from selfaudit.collect.gradle import shipped_configuration

        seen = set()
        for m in self.modules:
            for d in m.dependencies:
                if d.kind != "maven" or not shipped_configuration(d.configuration):
                    continue
                key = (d.value, d.file, d.line)
                if key in seen:
                    continue
                seen.add(key)
                self.facts.dependencies.append(Dependency(
                    coordinate=d.value, configuration=d.configuration, module=m.path,
                    location=Location(file=d.file, line=d.line),
                ))

    # -- manifests and local libraries ------------------------------------------------------------

    def source_sets(self, module) -> list[tuple[str, Path]]:
        """(name, directory) of the module's shipped source sets, most specific first, main last."""
        src = module.dir / "src"
        sets: list[tuple[str, Path]] = []
        if src.is_dir():
            try:
                names = sorted(p.name for p in src.iterdir() if p.is_dir())
            except OSError:
                names = []
            for n in names:
                if self.ships(n):
                    sets.append((n, src / n))
        sets.sort(key=lambda s: (s[0] == "main", -len(_camel_parts(s[0])), s[0]))
        return sets

    def manifest_paths(self, module) -> list[Path]:
        out = []
        for name, d in self.source_sets(module):
            custom = module.manifest_files.get(name)
            p = (module.dir / custom) if custom else (d / "AndroidManifest.xml")
            if p.is_file():
                out.append(p)
        if not out:
            custom = module.manifest_files.get("main")
            legacy = (module.dir / custom) if custom else (module.dir / "AndroidManifest.xml")
            if legacy.is_file():
                out.append(legacy)
        return out

    def read_manifest(self, path: Path) -> XmlElement | None:
        rel = self.rel(path)
        self.files.append(rel)
        comments: list[tuple[int, str]] = []
        try:
            doc = parse_xml(path.read_bytes(), comments)
        except XmlError as exc:
            self.facts.warnings.append(f"{rel}:{exc.line or 1}: unparseable manifest: {exc}")
            return None
        except OSError as exc:
            self.facts.warnings.append(f"{rel}: cannot read: {exc.strerror}")
            return None
        self.note_xml_suppressions(rel, comments)
        return doc

    def note_xml_suppressions(self, rel: str, comments: list[tuple[int, str]]) -> None:
        from selfaudit.collect.javasrc import parse_suppression

        for line, text in comments:
            parsed = parse_suppression(text)
            if parsed is None:
                continue
            rules, reason = parsed
            if not rules or not reason:
                self.facts.warnings.append(
                    f"{rel}:{line}: inline suppression needs rule names and a reason "
                    "('<!-- selfaudit: ignore[rule-name] reason -->'); not applied"
                )
                continue
            # Applies to the comment's line and the element that follows it (api.py matches both).
            self.suppressions.append({"file": rel, "line": line, "rules": rules, "reason": reason})

    def fill_manifests_and_libs(self) -> None:
        from selfaudit.collect.source_manifest import ManifestInput, merge_manifests, settle_exported

        facts = self.facts
        inputs: list[ManifestInput] = []
        modules = self.modules
        if not modules or all(m.build is None for m in modules):
            inputs = self.loose_manifests()
        else:
            for m in modules:
                for path in self.manifest_paths(m):
                    doc = self.read_manifest(path)
                    if doc is None:
                        continue
                    pkg = m.namespace or doc.attrs.get("package")
                    if m is self.app:
                        pkg = m.namespace or doc.attrs.get("package") or facts.package
                        if facts.package is None and doc.attrs.get("package"):
                            facts.package = doc.attrs.get("package")
                    inputs.append(ManifestInput(self.rel(path), doc, pkg, "app" if m is self.app else "library", m.path))
        inputs.extend(self.local_libraries())
        placeholders = {"applicationId": facts.package or "", "packageName": facts.package or ""}
        if self.app is not None:
            placeholders.update(self.app.placeholders)
        merge_manifests(inputs, facts, placeholders)
        if facts.package is None and inputs:
            facts.package = inputs[0].root.attrs.get("package")
        if facts.min_sdk is None:
            facts.min_sdk = facts.extra.pop("manifest_min_sdk", None)
        else:
            facts.extra.pop("manifest_min_sdk", None)
        if facts.target_sdk is None:
            facts.target_sdk = facts.extra.pop("manifest_target_sdk", None) or facts.min_sdk
        else:
            facts.extra.pop("manifest_target_sdk", None)
        settle_exported(facts)

    def loose_manifests(self):
        """No Gradle build: every manifest under the root, ``main`` source sets first."""
        from selfaudit.collect.source_manifest import ManifestInput

        found = []
        for d, files in _walk(self.root):
            if "AndroidManifest.xml" in files and not any(_NOT_SHIPPED_SETS.search(p) for p in d.relative_to(self.root).parts):
                found.append(d / "AndroidManifest.xml")
        found.sort(key=lambda p: (0 if p.parent.name == "main" else 1, len(p.parts), str(p)))
        inputs = []
        for path in found:
            doc = self.read_manifest(path)
            if doc is not None:
                pkg = doc.attrs.get("package") or self.facts.package
                if self.facts.package is None:
                    self.facts.package = doc.attrs.get("package")
                inputs.append(ManifestInput(self.rel(path), doc, pkg, "app" if not inputs else "library"))
        return inputs

    def local_libraries(self):
        """Read every local AAR/JAR of the shipped modules; AAR manifests merge last."""
        from selfaudit.collect.gradle import shipped_configuration
        from selfaudit.collect.source_libs import read_library
        from selfaudit.collect.source_manifest import ManifestInput

        facts = self.facts
        inputs = []
        for m in self.modules:
            if m.build is None:
                continue
            decls = [d for d in m.dependencies if d.kind in ("files", "flatdir")]
            candidates: dict[Path, Any] = {}
            libs_dir = m.dir / "libs"
            for d in decls:
                if not shipped_configuration(d.configuration):
                    continue
                if d.kind == "flatdir":
                    for p in (libs_dir / d.value,):
                        if p.is_file():
                            candidates.setdefault(p, d)
                        else:
                            facts.warnings.append(f"{d.file}:{d.line}: {d.value} not found in {self.rel(libs_dir)}")
                elif d.base:
                    base = m.dir / d.base
                    if base.is_dir():
                        for p in sorted(base.glob(d.value)):
                            if p.suffix.lower() in (".aar", ".jar"):
                                candidates.setdefault(p, d)
                else:
                    p = m.dir / d.value
                    if p.is_file():
                        candidates.setdefault(p, d)
                    else:
                        facts.warnings.append(f"{d.file}:{d.line}: {d.value} does not exist")
            # A jar/aar in libs/ that no statement could be matched to still ships in most projects
            # (fileTree forms we cannot read): audit it rather than miss an SDK.
            if libs_dir.is_dir():
                for p in sorted(libs_dir.rglob("*")):
                    if p.suffix.lower() in (".aar", ".jar") and p.is_file():
                        candidates.setdefault(p, None)
            for p, decl in candidates.items():
                rel = self.rel(p)
                if self.excluded(rel):
                    continue
                self.files.append(rel)
                lib = read_library(p, rel)
                facts.warnings.extend(lib.warnings)
                for pkg, n in lib.packages.items():
                    facts.packages[pkg] = facts.packages.get(pkg, 0) + n
                facts.class_count += lib.class_count
                for so in lib.native_libs:
                    if so not in facts.native_libs:
                        facts.native_libs.append(so)
                loc = Location(file=decl.file, line=decl.line) if decl is not None else Location(file=rel)
                facts.dependencies.append(Dependency(
                    coordinate=rel, configuration=decl.configuration if decl is not None else None,
                    module=m.path, location=loc,
                ))
                if lib.manifest is not None:
                    inputs.append(ManifestInput(f"{rel}!AndroidManifest.xml", lib.manifest, lib.manifest_package, "aar", m.path))
        return inputs

    # -- resources -----------------------------------------------------------------------------

    def fill_resources(self) -> None:
        facts = self.facts
        strings: dict[str, str] = {}
        others: dict[str, str] = {}
        for m in self.modules:
            for _name, d in self.source_sets(m):
                res = d / "res"
                if res.is_dir():
                    try:
                        value_dirs = sorted(p for p in res.iterdir() if p.is_dir() and p.name.startswith("values"))
                    except OSError:
                        value_dirs = []
                    for vd in value_dirs:
                        locale = _locale(vd.name)
                        target = strings if not locale else others
                        for f in sorted(vd.glob("*.xml")):
                            self.read_strings(f, locale, target)
                assets = d / "assets"
                if assets.is_dir():
                    for p in sorted(assets.rglob("*")):
                        if p.is_file():
                            a = p.relative_to(assets).as_posix()
                            if a not in facts.assets:
                                facts.assets.append(a)
                jni = d / "jniLibs"
                if jni.is_dir():
                    for p in sorted(jni.rglob("*.so")):
                        so = "lib/" + p.relative_to(jni).as_posix()
                        if so not in facts.native_libs:
                            facts.native_libs.append(so)
        facts.strings = {**strings, **others}
        label = facts.application.label
        if label and label.startswith("@string/"):
            facts.label = strings.get(label[8:], label)
        else:
            facts.label = label
        facts.application.label = facts.label

    def read_strings(self, path: Path, locale: str, into: dict[str, str]) -> None:
        rel = self.rel(path)
        try:
            data = path.read_bytes()
        except OSError:
            return
        if b"<string" not in data:
            return
        self.files.append(rel)
        try:
            doc = parse_xml(data, keep_text=True)
        except XmlError as exc:
            self.facts.warnings.append(f"{rel}:{exc.line or 1}: unparseable resource file: {exc}")
            return
        for el in doc.children:
            if el.tag != "string" or "name" not in el.attrs:
                continue
            key = el.attrs["name"] + (f"@{locale}" if locale else "")
            into.setdefault(key, _resource_text(el))

    # -- code ------------------------------------------------------------------------------------

    def source_files(self) -> list[Path]:
        """Java/Kotlin files of the shipped modules: not build output, tests, debug sets or other modules."""
        module_dirs = {m.dir for m in self.project.modules.values()}
        out: list[Path] = []
        for m in self.modules:
            if not m.dir.is_dir():
                continue
            src = m.dir / "src"
            for dirpath, dirnames, filenames in os.walk(m.dir):
                here = Path(dirpath)
                keep = []
                for d in dirnames:
                    sub = here / d
                    if d in SKIP_DIRS or d.startswith(".") or (sub in module_dirs and sub != m.dir):
                        continue
                    if here == src and not self.ships(d):
                        continue
                    keep.append(d)
                dirnames[:] = sorted(keep)
                out.extend(here / f for f in filenames if f.endswith(SOURCE_SUFFIXES))
        if not self.modules:
            for d, files in _walk(self.root):
                out.extend(d / f for f in files if f.endswith(SOURCE_SUFFIXES))
        return out

    def fill_code(self) -> None:
        import gc

        # Scanning and indexing allocate a great many small containers that all stay alive: the
        # cyclic collector would only walk them again and again (see source_scan).
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._fill_code()
        finally:
            if was_enabled:
                gc.enable()

    def _fill_code(self) -> None:
        from selfaudit.collect.source_code import SourceCodeModel, SourceIndex, find_code_refs
        from selfaudit.collect.source_scan import scan_files

        facts = self.facts
        t = time.perf_counter()
        items = [(p, rel) for p in self.source_files() if not self.excluded(rel := self.rel(p))]
        parsed, read_warnings = scan_files(items)
        facts.warnings.extend(read_warnings)
        for sf in parsed:
            self.files.append(sf.path)
            facts.warnings.extend(sf.warnings)
            self.suppressions.extend(sf.suppressions)
        self.timings["code_scan"] = time.perf_counter() - t
        t = time.perf_counter()
        known = [a.class_name for a in self.kb.apis.values() if a.class_name] if self.kb is not None else []
        index = SourceIndex(parsed, known)
        model = SourceCodeModel(index)
        for c in index.classes.values():
            if c.kind == "lambda":
                continue
            pkg = c.name.rpartition(".")[0]
            facts.packages[pkg] = facts.packages.get(pkg, 0) + 1
            facts.class_count += 1
        facts.packages = dict(sorted(facts.packages.items()))
        if self.kb is not None:
            refs, reflection = find_code_refs(model, self.kb.apis.values())
            facts.code_refs = refs
            if reflection:
                facts.extra["reflection_targets"] = reflection
            calls = _sdk_calls(model, self.kb)
            if calls:
                facts.extra["sdk_calls"] = calls
        facts.code = model
        facts.extra["source_files"] = len(parsed)
        self.timings["code_resolve"] = time.perf_counter() - t


def _sdk_calls(model, kb) -> list[dict[str, Any]]:
    """Calls to the SDK catalog's init / pre-consent-safe / consent APIs, with file:line."""
    wanted: dict[str, tuple[str, str]] = {}
    for sdk in kb.sdks.values():
        for role, apis in (("init_collecting", sdk.init_collecting), ("init_safe", sdk.init_safe),
                           ("consent_apis", sdk.consent_apis)):
            for api in apis:
                wanted.setdefault(api, (sdk.id, role))
    if not wanted:
        return []
    members = {a.rsplit(".", 1)[-1] for a in wanted}
    out = []
    for cls in model.index.classes.values():
        for m in cls.methods.values():
            for site in m.sites:
                if site[2] not in members:
                    continue
                owner, member = model.site_target(m, site)
                api = f"{owner}.{member}" if owner else None
                hit = wanted.get(api) if api else None
                if hit is None:
                    continue
                out.append({"sdk": hit[0], "role": hit[1], "api": api, "file": cls.file.path, "line": site[3],
                            "class": cls.name, "method": m.name})
    return out


_LOCALE_QUALIFIER = re.compile(r"^(?:[a-z]{2,3})(?:-r[A-Z]{2})?$")


def _locale(dirname: str) -> str:
    """``values-zh-rCN-night`` → ``zh-CN``; ``values-b+zh+Hant+TW`` → ``zh-Hant-TW``; ``values`` → ''."""
    quals = dirname.split("-")[1:]
    if not quals:
        return ""
    if quals[0].startswith("b+"):
        return "-".join(quals[0][2:].split("+"))
    if re.fullmatch(r"[a-z]{2,3}", quals[0]):
        lang = quals[0]
        if len(quals) > 1 and re.fullmatch(r"r[A-Z]{2}", quals[1]):
            return f"{lang}-{quals[1][1:]}"
        return lang
    return ""


def _resource_text(el: XmlElement) -> str:
    text = el.text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text.replace("\\'", "'").replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t")


def collect_source(root: Path, knowledge: Any = None, options: dict[str, Any] | None = None) -> AppFacts:
    """AppFacts for the Android project at ``root`` (see the module docstring)."""
    return _Collector(Path(root), knowledge, dict(options or {})).run()


@hookimpl(trylast=True)
def selfaudit_collect(target: Path, config, knowledge) -> AppFacts | None:
    if not is_android_project(target):
        return None
    options = config.plugin_options(OPTIONS_KEY) if config is not None and hasattr(config, "plugin_options") else {}
    return collect_source(target, knowledge, options)
