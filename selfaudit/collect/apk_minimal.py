"""A minimal APK collector over androguard's manifest reader.

Temporary: it gives the foundation's rules real manifest facts until the fast stdlib collector
(``selfaudit.collect.apk``) replaces it. It reads only the manifest (no DEX analysis).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from selfaudit import hookimpl
from selfaudit.errors import InputError
from selfaudit.model import AppFacts, ApplicationInfo, Component, IntentFilter, Location, UsesPermission

ANDROID_NS = "{http://schemas.android.com/apk/res/android}"


def _is_apk(target: Path) -> bool:
    if target.is_dir():
        return False
    if target.suffix.lower() in (".apk", ".apks", ".xapk"):
        return True
    try:
        with target.open("rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    if head != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(target) as z:
            return "AndroidManifest.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.lower() in ("true", "1")


@hookimpl(trylast=True)
def selfaudit_collect(target: Path, config, knowledge) -> AppFacts | None:
    if not _is_apk(target):
        return None
    try:
        with zipfile.ZipFile(target) as z:
            names = z.namelist()
            bad = z.testzip()
    except zipfile.BadZipFile as exc:
        raise InputError(f"{target}: not a valid APK (zip): {exc}") from None
    except OSError as exc:
        raise InputError(f"{target}: cannot read: {exc}") from None
    if bad:
        raise InputError(f"{target}: corrupt zip entry {bad!r}")
    if "AndroidManifest.xml" not in names:
        raise InputError(f"{target}: no AndroidManifest.xml in the archive")
    from loguru import logger

    logger.remove()
    from androguard.core.apk import APK

    try:
        apk = APK(str(target))
        xml = apk.get_android_manifest_xml()
    except Exception as exc:
        raise InputError(f"{target}: unreadable manifest: {type(exc).__name__}: {exc}") from None
    if xml is None or not apk.is_valid_APK():
        raise InputError(f"{target}: unreadable AndroidManifest.xml")
    man = Location(file="AndroidManifest.xml")

    def attr(el, name):
        return el.get(ANDROID_NS + name)

    facts = AppFacts(target=str(target), kind="apk", package=apk.get_package())
    facts.version_name = apk.get_androidversion_name()
    try:
        facts.version_code = int(apk.get_androidversion_code())
    except (TypeError, ValueError):
        facts.version_code = None
    for key, getter in (("min_sdk", apk.get_min_sdk_version), ("target_sdk", apk.get_target_sdk_version)):
        try:
            setattr(facts, key, int(getter()))
        except (TypeError, ValueError):
            pass
    try:
        facts.label = apk.get_app_name()
    except Exception:
        facts.label = None
    for el in xml.iter():
        if el.tag in ("uses-permission", "uses-permission-sdk-23"):
            name = attr(el, "name")
            if name:
                ms = attr(el, "maxSdkVersion")
                facts.permissions.append(
                    UsesPermission(name=name, max_sdk=int(ms) if ms and ms.isdigit() else None,
                                   sdk23=el.tag.endswith("23"), location=man)
                )
    app_el = xml.find("application")
    if app_el is not None:
        facts.application = ApplicationInfo(
            name=attr(app_el, "name"),
            label=facts.label,
            debuggable=_bool(attr(app_el, "debuggable")),
            allow_backup=_bool(attr(app_el, "allowBackup")),
            uses_cleartext_traffic=_bool(attr(app_el, "usesCleartextTraffic")),
            network_security_config=attr(app_el, "networkSecurityConfig"),
            meta_data={attr(m, "name"): attr(m, "value") or attr(m, "resource") or "" for m in app_el.findall("meta-data") if attr(m, "name")},
            location=man,
        )
        for el in app_el:
            if el.tag not in ("activity", "activity-alias", "service", "receiver", "provider"):
                continue
            filters = []
            for f in el.findall("intent-filter"):
                pr = attr(f, "priority")
                filters.append(
                    IntentFilter(
                        actions=[attr(a, "name") for a in f.findall("action") if attr(a, "name")],
                        categories=[attr(c, "name") for c in f.findall("category") if attr(c, "name")],
                        priority=int(pr) if pr and pr.lstrip("-").isdigit() else None,
                    )
                )
            explicit = _bool(attr(el, "exported"))
            exported = explicit if explicit is not None else bool(filters)
            facts.components.append(
                Component(
                    kind=el.tag,
                    name=attr(el, "name") or "",
                    exported=exported,
                    exported_explicit=explicit,
                    permission=attr(el, "permission"),
                    process=attr(el, "process"),
                    intent_filters=filters,
                    meta_data={attr(m, "name"): attr(m, "value") or "" for m in el.findall("meta-data") if attr(m, "name")},
                    authorities=(attr(el, "authorities") or "").split(";") if el.tag == "provider" and attr(el, "authorities") else [],
                    location=Location(file="AndroidManifest.xml", component=attr(el, "name")),
                )
            )
    facts.files = names
    facts.native_libs = [n for n in names if n.startswith("lib/") and n.endswith(".so")]
    facts.assets = [n[len("assets/"):] for n in names if n.startswith("assets/") and not n.endswith("/")]
    facts.warnings.append("minimal APK collector: manifest only, code was not analysed")
    return facts
