"""Source-tree collector: AppFacts from an Android project directory (manifests, with lines).

This module must stay light: it is what the pre-commit hook imports. No androguard, no rich,
no jinja2. XML is parsed with expat directly (line numbers for every element; no external
entities are fetched).
"""

from __future__ import annotations

import os
import xml.parsers.expat
from dataclasses import dataclass, field
from pathlib import Path

from selfaudit import hookimpl
from selfaudit.model import AppFacts, ApplicationInfo, Component, IntentFilter, Location, UsesPermission

__all__ = ["is_android_project", "collect_source", "parse_xml", "XmlElement"]

ANDROID = "http://schemas.android.com/apk/res/android"
TOOLS = "http://schemas.android.com/tools"
SKIP_DIRS = {"build", ".gradle", ".git", ".idea", "node_modules", ".cxx", "intermediates", ".svn"}
GRADLE_FILES = ("build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts")
COMPONENT_TAGS = ("activity", "activity-alias", "service", "receiver", "provider")


@dataclass
class XmlElement:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list["XmlElement"] = field(default_factory=list)

    def find_all(self, tag: str) -> list["XmlElement"]:
        return [c for c in self.children if c.tag == tag]

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()

    def a(self, name: str) -> str | None:
        """An ``android:`` attribute."""
        return self.attrs.get(f"{ANDROID} {name}")


class XmlError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def parse_xml(data: bytes) -> XmlElement:
    """Parse XML into :class:`XmlElement` with namespaces as ``uri name`` and line numbers."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[XmlElement] = []
    root: list[XmlElement] = []

    def start(tag, attrs):
        el = XmlElement(tag=tag, attrs=attrs, line=parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(el)
        else:
            root.append(el)
        stack.append(el)

    def end(_tag):
        stack.pop()

    def no_entities(*_args):
        raise XmlError("entity declarations are not allowed", parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = no_entities
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise XmlError(xml.parsers.expat.ErrorString(exc.code), exc.lineno) from None
    if not root:
        raise XmlError("empty document", None)
    return root[0]


def _walk(root: Path, max_depth: int | None = None):
    base = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if max_depth is not None and len(here.parts) - base >= max_depth:
            dirnames[:] = []
        else:
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
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


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() in ("true", "1")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _qualify(name: str | None, package: str | None) -> str:
    if not name:
        return ""
    if name.startswith(".") and package:
        return package + name
    if "." not in name and package:
        return f"{package}.{name}"
    return name


def collect_source(root: Path) -> AppFacts:
    """Facts from every AndroidManifest.xml in the project (main source set first)."""
    facts = AppFacts(target=str(root), kind="source")
    manifests = []
    for d, files in _walk(root):
        if "AndroidManifest.xml" in files:
            manifests.append(d / "AndroidManifest.xml")
    # main source sets first, so their package wins
    manifests.sort(key=lambda p: (0 if p.parent.name == "main" else 1, len(p.parts), str(p)))
    seen_perms: set[str] = set()
    seen_comps: set[str] = set()
    for path in manifests:
        rel = path.relative_to(root).as_posix()
        try:
            doc = parse_xml(path.read_bytes())
        except XmlError as exc:
            facts.warnings.append(f"{rel}:{exc.line or 1}: unparseable manifest: {exc}")
            continue
        except OSError as exc:
            facts.warnings.append(f"{rel}: cannot read: {exc.strerror}")
            continue
        if doc.tag != "manifest":
            continue
        package = doc.attrs.get("package") or facts.package
        if facts.package is None and doc.attrs.get("package"):
            facts.package = doc.attrs["package"]
        for el in doc.children:
            if el.tag in ("uses-permission", "uses-permission-sdk-23") and el.a("name"):
                if el.attrs.get(f"{TOOLS} node") == "remove":
                    continue
                name = el.a("name")
                if name in seen_perms:
                    continue
                seen_perms.add(name)
                facts.permissions.append(
                    UsesPermission(
                        name=name,
                        max_sdk=_int(el.a("maxSdkVersion")),
                        sdk23=el.tag.endswith("23"),
                        location=Location(file=rel, line=el.line),
                    )
                )
            elif el.tag == "uses-sdk":
                facts.min_sdk = facts.min_sdk or _int(el.a("minSdkVersion"))
                facts.target_sdk = facts.target_sdk or _int(el.a("targetSdkVersion"))
            elif el.tag == "application":
                app = facts.application
                if app.location is None:
                    facts.application = app = ApplicationInfo(location=Location(file=rel, line=el.line))
                app.name = app.name or (_qualify(el.a("name"), package) or None)
                for attr, key in (
                    ("debuggable", "debuggable"),
                    ("allow_backup", "allowBackup"),
                    ("uses_cleartext_traffic", "usesCleartextTraffic"),
                    ("request_legacy_external_storage", "requestLegacyExternalStorage"),
                ):
                    if getattr(app, attr) is None:
                        setattr(app, attr, _bool(el.a(key)))
                app.network_security_config = app.network_security_config or el.a("networkSecurityConfig")
                app.label = app.label or el.a("label")
                for m in el.find_all("meta-data"):
                    if m.a("name"):
                        app.meta_data.setdefault(m.a("name"), m.a("value") or m.a("resource") or "")
                for comp in el.children:
                    if comp.tag not in COMPONENT_TAGS:
                        continue
                    name = _qualify(comp.a("name"), package)
                    if not name or name in seen_comps:
                        continue
                    seen_comps.add(name)
                    if comp.attrs.get(f"{TOOLS} node") == "remove":
                        continue
                    filters = [
                        IntentFilter(
                            actions=[a.a("name") for a in f.find_all("action") if a.a("name")],
                            categories=[c.a("name") for c in f.find_all("category") if c.a("name")],
                            priority=_int(f.a("priority")),
                        )
                        for f in comp.find_all("intent-filter")
                    ]
                    explicit = _bool(comp.a("exported"))
                    facts.components.append(
                        Component(
                            kind=comp.tag,
                            name=name,
                            exported=explicit if explicit is not None else bool(filters),
                            exported_explicit=explicit,
                            permission=comp.a("permission"),
                            process=comp.a("process"),
                            intent_filters=filters,
                            meta_data={
                                m.a("name"): m.a("value") or m.a("resource") or ""
                                for m in comp.find_all("meta-data")
                                if m.a("name")
                            },
                            authorities=(comp.a("authorities") or "").split(";") if comp.a("authorities") else [],
                            init_order=_int(comp.a("initOrder")),
                            location=Location(file=rel, line=comp.line, component=name),
                        )
                    )
    return facts


@hookimpl(trylast=True)
def selfaudit_collect(target: Path, config, knowledge) -> AppFacts | None:
    if not is_android_project(target):
        return None
    return collect_source(target)
