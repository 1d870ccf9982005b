"""Turn a parsed binary manifest into the manifest half of :class:`~selfaudit.model.AppFacts`.

The rules care about what Android *does* with the manifest, so this module applies the platform's
defaults rather than echoing attributes: relative class names are expanded, ``exported`` is the
effective value (implicit export rules by targetSdk), a missing targetSdkVersion defaults to
minSdkVersion, and references are resolved through ``resources.arsc`` when it is present
(``@string/app_name`` → the label; other references → ``@type/name``).
"""

from __future__ import annotations

from selfaudit.collect.arsc import ResourceTable
from selfaudit.collect.axml import Element
from selfaudit.model import (
    AppFacts,
    ApplicationInfo,
    Component,
    IntentFilter,
    Location,
    UsesPermission,
)

__all__ = ["fill_manifest", "MANIFEST"]

MANIFEST = "AndroidManifest.xml"
_COMPONENT_TAGS = ("activity", "activity-alias", "service", "receiver", "provider")
_DATA_KEYS = ("scheme", "host", "port", "path", "pathPrefix", "pathPattern", "pathAdvancedPattern",
              "pathSuffix", "mimeType", "mimeGroup", "ssp", "sspPrefix", "sspPattern")
_PERMISSION_TAGS = {"uses-permission": False, "uses-permission-sdk-23": True, "uses-permission-sdk-m": True}


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
    if v in ("true", "1", "0xffffffff", "-1"):
        return True
    if v in ("false", "0", "0x00000000"):
        return False
    return None


def class_name(package: str | None, name: str | None) -> str | None:
    """Expand a manifest class name the way the package manager does (``.Foo``, ``Foo``)."""
    if not name:
        return name
    if name.startswith("."):
        return (package or "") + name
    if "." not in name and package:
        return f"{package}.{name}"
    return name


class _Resolver:
    """Renders attribute values, resolving resource references when a table is available."""

    def __init__(self, table: ResourceTable | None) -> None:
        self.table = table

    def value(self, el: Element, key: str) -> str | None:
        v = el.attrs.get(key)
        rid = el.refs.get(key)
        if rid is None or self.table is None:
            return v
        name = self.table.name(rid)
        return f"@{name}" if name else v

    def text(self, el: Element, key: str) -> str | None:
        """A value that should be text (label, versionName): resolve string references."""
        v = el.attrs.get(key)
        rid = el.refs.get(key)
        if rid is not None and self.table is not None:
            s = self.table.resolve_string(rid)
            if s is not None:
                return s
            return self.value(el, key)
        return v

    def attributes(self, el: Element) -> dict[str, str]:
        out = {}
        for key in el.attrs:
            short = key[8:] if key.startswith("android:") else key
            out[short] = self.value(el, key) or ""
        return out


def _meta_data(el: Element, r: _Resolver) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in el.findall("meta-data"):
        name = m.android("name")
        if not name:
            continue
        v = r.text(m, "android:value") if "android:value" in m.attrs else r.value(m, "android:resource")
        out.setdefault(name, v if v is not None else "")
    return out


def _intent_filter(el: Element) -> IntentFilter:
    f = IntentFilter(priority=_int(el.android("priority")))
    for child in el.children:
        if child.tag == "action" and child.android("name"):
            f.actions.append(child.android("name"))
        elif child.tag == "category" and child.android("name"):
            f.categories.append(child.android("name"))
        elif child.tag == "data":
            d = {k: child.attrs["android:" + k] for k in _DATA_KEYS if "android:" + k in child.attrs}
            if d:
                f.data.append(d)
    return f


def _component(el: Element, facts: AppFacts, r: _Resolver) -> Component:
    pkg = facts.package
    name = class_name(pkg, el.android("name")) or ""
    explicit = _bool(el.android("exported"))
    filters = [_intent_filter(f) for f in el.findall("intent-filter")]
    target = facts.target_sdk or 1
    if explicit is not None:
        exported = explicit
    elif el.tag == "provider":
        exported = target <= 16
    else:
        exported = bool(filters)
        if filters and target >= 31:
            facts.warnings.append(
                f"{MANIFEST}: {el.tag} {name} has an intent-filter but no android:exported; "
                "Android 12+ (targetSdk 31) refuses to install such an app"
            )
    comp = Component(
        kind=el.tag,
        name=name,
        exported=exported,
        exported_explicit=explicit,
        enabled=_bool(el.android("enabled")) is not False,
        permission=el.android("permission"),
        process=el.android("process"),
        intent_filters=filters,
        meta_data=_meta_data(el, r),
        attributes=r.attributes(el),
        location=Location(file=MANIFEST, line=el.line or None, component=name),
    )
    if el.tag == "provider":
        auth = el.android("authorities")
        comp.authorities = [a for a in (auth or "").split(";") if a]
        comp.init_order = _int(el.android("initOrder"))
    if el.tag == "activity-alias":
        comp.target_activity = class_name(pkg, el.android("targetActivity"))
    return comp


def fill_manifest(facts: AppFacts, root: Element, table: ResourceTable | None) -> None:
    """Fill the manifest fields of ``facts`` from the parsed manifest ``root``."""
    r = _Resolver(table)
    if root.tag != "manifest":
        facts.warnings.append(f"{MANIFEST}: root element is <{root.tag}>, not <manifest>")
    facts.package = root.get("package")
    facts.version_code = _int(root.android("versionCode"))
    facts.version_name = r.text(root, "android:versionName")
    facts.compile_sdk = _int(root.android("compileSdkVersion")) or _int(root.get("platformBuildVersionCode"))
    split = root.get("split")
    if split:
        facts.extra["split"] = split

    sdk = next(iter(root.findall("uses-sdk")), None)
    min_sdk = _int(sdk.android("minSdkVersion")) if sdk is not None else None
    target = _int(sdk.android("targetSdkVersion")) if sdk is not None else None
    facts.min_sdk = min_sdk if min_sdk is not None else 1
    facts.target_sdk = target if target is not None else facts.min_sdk
    facts.max_sdk = _int(sdk.android("maxSdkVersion")) if sdk is not None else None

    seen: set[tuple[str, bool]] = set()
    features: list[str] = []
    for el in root.children:
        if el.tag in _PERMISSION_TAGS:
            name = el.android("name")
            if not name:
                continue
            key = (name, _PERMISSION_TAGS[el.tag])
            if key in seen:
                continue
            seen.add(key)
            facts.permissions.append(UsesPermission(
                name=name,
                max_sdk=_int(el.android("maxSdkVersion")),
                sdk23=key[1],
                location=Location(file=MANIFEST, line=el.line or None),
            ))
        elif el.tag == "permission":
            name = el.android("name")
            if name and name not in facts.declared_permissions:
                facts.declared_permissions.append(name)
        elif el.tag == "queries":
            for q in el.children:
                if q.tag == "package" and q.android("name"):
                    facts.queries.setdefault("packages", []).append(q.android("name"))
                elif q.tag == "intent":
                    f = _intent_filter(q)
                    desc = ",".join(f.actions) or "*"
                    for d in f.data:
                        desc += " " + " ".join(f"{k}={v}" for k, v in d.items())
                    facts.queries.setdefault("intents", []).append(desc)
                elif q.tag == "provider":
                    auth = q.android("authorities") or ""
                    facts.queries.setdefault("providers", []).extend(a for a in auth.split(";") if a)
        elif el.tag == "uses-feature" and el.android("name"):
            features.append(el.android("name"))
    if features:
        facts.extra["uses_features"] = features

    app = next(iter(root.findall("application")), None)
    if app is None:
        facts.application = ApplicationInfo(location=Location(file=MANIFEST))
        return
    info = ApplicationInfo(
        name=class_name(facts.package, app.android("name")),
        label=r.text(app, "android:label"),
        debuggable=_bool(app.android("debuggable")),
        allow_backup=_bool(app.android("allowBackup")),
        uses_cleartext_traffic=_bool(app.android("usesCleartextTraffic")),
        network_security_config=r.value(app, "android:networkSecurityConfig"),
        request_legacy_external_storage=_bool(app.android("requestLegacyExternalStorage")),
        app_component_factory=class_name(facts.package, app.android("appComponentFactory")),
        attributes=r.attributes(app),
        meta_data=_meta_data(app, r),
        location=Location(file=MANIFEST, line=app.line or None),
    )
    facts.application = info
    facts.label = info.label
    for el in app.children:
        if el.tag in _COMPONENT_TAGS:
            facts.components.append(_component(el, facts, r))
        elif el.tag == "uses-library" and el.android("name"):
            facts.extra.setdefault("uses_libraries", []).append(el.android("name"))
