"""Merge a project's AndroidManifest.xml files the way AGP's manifest merger does, for what we need.

An app's shipped manifest is the merge of its own source sets (variant > build type > flavor >
main) and then every library module and AAR it depends on. The merger's rules that change what a
regulator sees are applied here:

* the highest-priority declaration of an element wins (attributes), lower ones add what is new
  (intent filters, meta-data);
* ``tools:node="remove"`` deletes the element from every lower-priority manifest (respecting
  ``tools:selector``), ``tools:node="removeAll"`` deletes every element of that kind,
  ``tools:node="replace"`` keeps only the higher declaration, ``tools:remove="android:x"`` drops
  an attribute;
* relative class names are expanded with *their own* manifest's package, and ``${placeholders}``
  (``applicationId``, ``manifestPlaceholders``) are substituted.

Every element keeps the file and line of the declaration that won, so evidence points at the line
a developer must change. The effective ``exported`` is settled by the caller once targetSdk is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selfaudit.collect.source_xml import XmlElement
from selfaudit.model import AppFacts, ApplicationInfo, Component, IntentFilter, Location, UsesPermission

__all__ = ["ManifestInput", "merge_manifests", "class_name", "settle_exported"]

COMPONENT_TAGS = ("activity", "activity-alias", "service", "receiver", "provider")
_PERMISSION_TAGS = {"uses-permission": False, "uses-permission-sdk-23": True, "uses-permission-sdk-m": True}
_DATA_KEYS = ("scheme", "host", "port", "path", "pathPrefix", "pathPattern", "pathAdvancedPattern",
              "pathSuffix", "mimeType", "mimeGroup", "ssp", "sspPrefix", "sspPattern")
_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")
_APP_FLAGS = (
    ("debuggable", "debuggable"),
    ("allow_backup", "allowBackup"),
    ("uses_cleartext_traffic", "usesCleartextTraffic"),
    ("request_legacy_external_storage", "requestLegacyExternalStorage"),
)


@dataclass
class ManifestInput:
    """One manifest, in priority order: ``package`` qualifies its relative class names."""

    rel: str
    root: XmlElement
    package: str | None
    kind: str = "app"  # app (the application module's source sets) | library | aar
    module: str | None = None


def class_name(package: str | None, name: str | None) -> str | None:
    """Expand a manifest class name the way the package manager does (``.Foo``, ``Foo``)."""
    if not name:
        return name
    if name.startswith("."):
        return (package or "") + name
    if "." not in name and package:
        return f"{package}.{name}"
    return name


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value, 0) if value.lower().startswith("0x") else int(value)
    except ValueError:
        return None


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    v = value.strip().lower()
    if v in ("true", "1"):
        return True
    if v in ("false", "0"):
        return False
    return None


class _Merger:
    def __init__(self, facts: AppFacts, placeholders: dict[str, str]) -> None:
        self.facts = facts
        self.placeholders = placeholders
        self.removed: dict[tuple[str, str], set[str] | None] = {}
        self.remove_all: set[tuple[str, str]] = set()  # (parent, tag)
        self.replaced: set[tuple[str, str]] = set()
        self.perms: dict[tuple[str, bool], UsesPermission] = {}
        self.components: dict[str, Component] = {}
        self.removed_attrs: dict[str, set[str]] = {}
        self.app_attrs: dict[str, str] = {}
        self.app_meta: dict[str, str] = {}
        self.app_seen = False
        self.unknown_placeholders: set[str] = set()
        self.meta_locations: dict[str, dict[str, object]] = {}  # meta-data name → where it is declared

    # -- helpers -----------------------------------------------------------------------------

    def subst(self, value: str | None) -> str | None:
        if value is None or "${" not in value:
            return value

        def one(m: re.Match) -> str:
            key = m.group(1)
            if key in self.placeholders:
                return self.placeholders[key]
            self.unknown_placeholders.add(key)
            return m.group(0)

        return _PLACEHOLDER.sub(one, value)

    def attr(self, el: XmlElement, name: str) -> str | None:
        return self.subst(el.a(name))

    def blocked(self, kind: str, key: str, src: ManifestInput, parent: str) -> bool:
        if (parent, kind) in self.remove_all:
            return True
        sel = self.removed.get((kind, key), False)
        if sel is False:
            return False
        return sel is None or (src.package in sel)

    def instruction(self, el: XmlElement, kind: str, key: str, parent: str) -> str | None:
        """Record a ``tools:node`` instruction; return it ('remove' means: skip this element)."""
        node = el.tools("node")
        if node == "remove":
            selector = el.tools("selector")
            if selector:
                prev = self.removed.get((kind, key), set())
                if prev is not None:
                    self.removed[(kind, key)] = set(prev) | {selector}
            else:
                self.removed[(kind, key)] = None
        elif node == "removeAll":
            self.remove_all.add((parent, kind))
        return node

    # -- elements ----------------------------------------------------------------------------

    def manifest(self, src: ManifestInput) -> None:
        root = src.root
        facts = self.facts
        for el in root.children:
            tag = el.tag
            if tag in _PERMISSION_TAGS:
                name = self.attr(el, "name")
                if el.tools("node") == "removeAll":
                    self.remove_all.add(("manifest", "uses-permission"))
                    continue
                if not name:
                    continue
                if self.instruction(el, "uses-permission", name, "manifest") in ("remove", "removeAll"):
                    continue
                if self.blocked("uses-permission", name, src, "manifest"):
                    continue
                key = (name, _PERMISSION_TAGS[tag])
                if key in self.perms:
                    continue
                self.perms[key] = UsesPermission(
                    name=name,
                    max_sdk=_int(self.attr(el, "maxSdkVersion")),
                    sdk23=key[1],
                    location=Location(file=src.rel, line=el.line),
                )
            elif tag == "permission":
                name = self.attr(el, "name")
                if name and name not in facts.declared_permissions and el.tools("node") != "remove":
                    facts.declared_permissions.append(name)
            elif tag == "uses-sdk" and src.kind == "app":
                facts.extra.setdefault("manifest_min_sdk", _int(self.attr(el, "minSdkVersion")))
                facts.extra.setdefault("manifest_target_sdk", _int(self.attr(el, "targetSdkVersion")))
            elif tag == "queries":
                self.queries(el)
            elif tag == "uses-feature" and el.a("name"):
                feats = facts.extra.setdefault("uses_features", [])
                if el.a("name") not in feats and el.tools("node") != "remove":
                    feats.append(el.a("name"))
            elif tag == "application":
                self.application(el, src)

    def queries(self, el: XmlElement) -> None:
        q = self.facts.queries
        for child in el.children:
            if child.tag == "package" and child.a("name"):
                lst = q.setdefault("packages", [])
                if child.a("name") not in lst:
                    lst.append(self.attr(child, "name") or "")
            elif child.tag == "intent":
                f = self.intent_filter(child)
                desc = ",".join(f.actions) or "*"
                for d in f.data:
                    desc += " " + " ".join(f"{k}={v}" for k, v in d.items())
                lst = q.setdefault("intents", [])
                if desc not in lst:
                    lst.append(desc)
            elif child.tag == "provider":
                lst = q.setdefault("providers", [])
                for a in (self.attr(child, "authorities") or "").split(";"):
                    if a and a not in lst:
                        lst.append(a)

    def intent_filter(self, el: XmlElement) -> IntentFilter:
        f = IntentFilter(priority=_int(self.attr(el, "priority")))
        for child in el.children:
            if child.tag == "action" and child.a("name"):
                f.actions.append(self.attr(child, "name") or "")
            elif child.tag == "category" and child.a("name"):
                f.categories.append(self.attr(child, "name") or "")
            elif child.tag == "data":
                d = {k: self.subst(child.a(k)) or "" for k in _DATA_KEYS if child.a(k) is not None}
                if d:
                    f.data.append(d)
        return f

    def meta_data(self, parent: XmlElement, into: dict[str, str], scope: str, src: ManifestInput) -> None:
        for m in parent.find_all("meta-data"):
            name = self.attr(m, "name")
            if not name:
                continue
            if self.instruction(m, "meta-data", f"{scope}|{name}", scope) in ("remove", "removeAll"):
                continue
            if self.blocked("meta-data", f"{scope}|{name}", src, scope):
                continue
            value = self.attr(m, "value")
            if name not in into:
                into[name] = value if value is not None else (self.attr(m, "resource") or "")
                self.meta_locations.setdefault(name, {"file": src.rel, "line": m.line})

    def application(self, el: XmlElement, src: ManifestInput) -> None:
        facts = self.facts
        if not self.app_seen:
            self.app_seen = True
            facts.application = ApplicationInfo(location=Location(file=src.rel, line=el.line))
        removed = {r.strip().split(":", 1)[-1] for r in (el.tools("remove") or "").split(",") if r.strip()}
        for short, value in el.android_attrs().items():
            if short in self.removed_attrs.get("<application>", set()):
                continue
            self.app_attrs.setdefault(short, self.subst(value) or "")
        if removed:
            self.removed_attrs.setdefault("<application>", set()).update(removed)
        if "name" in self.app_attrs and facts.application.name is None:
            facts.application.name = class_name(src.package, self.app_attrs["name"])
        self.meta_data(el, self.app_meta, "application", src)
        for child in el.children:
            if child.tag in COMPONENT_TAGS:
                self.component(child, src)

    def component(self, el: XmlElement, src: ManifestInput) -> None:
        name = class_name(src.package, self.attr(el, "name"))
        if not name:
            return
        node = self.instruction(el, "component", name, "application")
        if node in ("remove", "removeAll"):
            return
        if self.blocked("component", name, src, "application") or self.blocked(el.tag, name, src, "application"):
            return
        existing = self.components.get(name)
        if existing is not None and name in self.replaced:
            return
        if node == "replace":
            self.replaced.add(name)
        removed = {r.strip().split(":", 1)[-1] for r in (el.tools("remove") or "").split(",") if r.strip()}
        gone = self.removed_attrs.setdefault(name, set())
        attrs = {k: self.subst(v) or "" for k, v in el.android_attrs().items() if k not in gone}
        gone.update(removed)
        filters = [self.intent_filter(f) for f in el.find_all("intent-filter")]
        meta: dict[str, str] = {}
        self.meta_data(el, meta, name, src)
        if existing is None:
            comp = Component(
                kind=el.tag,
                name=name,
                exported_explicit=_bool(attrs.get("exported")),
                enabled=_bool(attrs.get("enabled")) is not False,
                permission=attrs.get("permission"),
                process=attrs.get("process"),
                intent_filters=filters,
                meta_data=meta,
                attributes=attrs,
                location=Location(file=src.rel, line=el.line, component=name),
            )
            if el.tag == "provider":
                comp.authorities = [a for a in (attrs.get("authorities") or "").split(";") if a]
                comp.init_order = _int(attrs.get("initOrder"))
            if el.tag == "activity-alias":
                comp.target_activity = class_name(src.package, attrs.get("targetActivity"))
            if src.kind != "app":
                comp.attributes.setdefault("selfaudit:from", src.rel)
            self.components[name] = comp
            return
        # Merge a lower-priority declaration into the winning one.
        for k, v in attrs.items():
            if k not in existing.attributes:
                existing.attributes[k] = v
                if k == "exported":
                    existing.exported_explicit = _bool(v)
                elif k == "permission":
                    existing.permission = v
                elif k == "process":
                    existing.process = v
                elif k == "enabled":
                    existing.enabled = _bool(v) is not False
                elif k == "authorities" and el.tag == "provider":
                    existing.authorities = [a for a in v.split(";") if a]
                elif k == "initOrder":
                    existing.init_order = _int(v)
        for f in filters:
            if f not in existing.intent_filters:
                existing.intent_filters.append(f)
        for k, v in meta.items():
            existing.meta_data.setdefault(k, v)

    def finish(self) -> None:
        facts = self.facts
        facts.permissions = list(self.perms.values())
        facts.components = list(self.components.values())
        app = facts.application
        attrs = {k: v for k, v in self.app_attrs.items() if k not in self.removed_attrs.get("<application>", set())}
        app.attributes = attrs
        app.meta_data = self.app_meta
        app.label = attrs.get("label")
        for field_name, key in _APP_FLAGS:
            setattr(app, field_name, _bool(attrs.get(key)))
        app.network_security_config = attrs.get("networkSecurityConfig")
        app.app_component_factory = attrs.get("appComponentFactory")
        if "name" not in attrs:
            app.name = None
        if self.meta_locations:
            facts.extra["meta_data_locations"] = self.meta_locations


def merge_manifests(inputs: list[ManifestInput], facts: AppFacts, placeholders: dict[str, str]) -> None:
    """Fill the manifest half of ``facts`` from ``inputs`` (highest priority first)."""
    m = _Merger(facts, placeholders)
    for src in inputs:
        if src.root.tag != "manifest":
            facts.warnings.append(f"{src.rel}:{src.root.line}: root element is <{src.root.tag}>, not <manifest>; skipped")
            continue
        m.manifest(src)
    m.finish()
    if m.unknown_placeholders:
        facts.warnings.append(
            "manifest placeholders without a value in Gradle: "
            + ", ".join("${" + p + "}" for p in sorted(m.unknown_placeholders))
        )


def settle_exported(facts: AppFacts) -> None:
    """The effective ``exported`` of each component, by the platform's rules for targetSdk."""
    target = facts.target_sdk or facts.min_sdk or 1
    for comp in facts.components:
        if comp.exported_explicit is not None:
            comp.exported = comp.exported_explicit
        elif comp.kind == "provider":
            comp.exported = target <= 16
        else:
            comp.exported = bool(comp.intent_filters)
            if comp.intent_filters and target >= 31:
                where = comp.location.file if comp.location else "AndroidManifest.xml"
                line = comp.location.line if comp.location else None
                facts.warnings.append(
                    f"{where}:{line or 1}: {comp.kind} {comp.name} has an intent-filter but no android:exported; "
                    "Android 12+ (targetSdk 31) refuses to install such an app"
                )
