"""Built-in enrichment: join the app's facts with the knowledge base into an Inventory.

Each PI item, third party and permission carries the evidence that put it there, so a reviewer
can tell "READ_CONTACTS is requested" from "ContactsContract is queried in
com.example.SyncService.run" from "the Umeng SDK says it collects this". The app's own package is
never attributed to a third party.

This is a plugin (``selfaudit_enrich``, ``tryfirst``) so a team's plugin can refine the result.
"""

from __future__ import annotations

from selfaudit import hookimpl
from selfaudit.knowledge import SDK, KnowledgeBase
from selfaudit.model import (
    AppFacts,
    Evidence,
    Inventory,
    Location,
    PermissionItem,
    PIItem,
    ThirdParty,
)

__all__ = ["build_inventory", "SdkAttributor"]

_CODE_KINDS = {"call": "api", "field": "field", "string": "string"}


class SdkAttributor:
    """Attributes a class or package to an SDK, never to the app itself; memoised per package."""

    def __init__(self, facts: AppFacts, knowledge: KnowledgeBase) -> None:
        self.own = facts.package or ""
        self.kb = knowledge
        self._cache: dict[str, tuple[str, SDK] | None] = {}

    def is_own(self, name: str) -> bool:
        return bool(self.own) and (name == self.own or name.startswith(self.own + "."))

    def for_package(self, package: str) -> tuple[str, SDK] | None:
        if package in self._cache:
            return self._cache[package]
        hit = None if self.is_own(package) else self.kb.sdk_for_package(package)
        self._cache[package] = hit
        return hit

    def for_class(self, class_name: str | None) -> SDK | None:
        if not class_name:
            return None
        package = class_name.rsplit(".", 1)[0] if "." in class_name else class_name
        hit = self.for_package(package)
        return hit[1] if hit else None


@hookimpl(tryfirst=True)
def selfaudit_enrich(facts: AppFacts, inventory: Inventory, knowledge: KnowledgeBase) -> None:
    build_inventory(facts, inventory, knowledge)


def build_inventory(facts: AppFacts, inventory: Inventory, kb: KnowledgeBase) -> Inventory:
    """Fill ``inventory`` from ``facts``: third parties, then permissions, then PI items.

    With a code model (``facts.code``), every code reference first gets ``reachable``/``path``
    from the call graph (:func:`selfaudit.reach.annotate`), so each PI source in the report
    tells "present in a library" from "called by the app".
    """
    if facts.code is not None:
        from selfaudit.reach import annotate

        annotate(facts)
    attr = SdkAttributor(facts, kb)
    parties: dict[str, ThirdParty] = {t.id: t for t in inventory.third_parties}

    def party(sdk: SDK) -> ThirdParty:
        tp = parties.get(sdk.id)
        if tp is None:
            tp = ThirdParty(
                id=sdk.id,
                name_zh=sdk.name_zh,
                name_en=sdk.name_en,
                company=sdk.company_zh or sdk.company_en,
                company_en=sdk.company_en or sdk.company_zh,
                category=sdk.category,
                pi_types=list(sdk.pi_types),
                policy_url=sdk.policy_url,
                purpose_zh=sdk.purpose_zh or None,
                purpose_en=sdk.purpose_en or None,
            )
            parties[sdk.id] = tp
        return tp

    # -- third parties: class packages, manifest, native libraries, Gradle -----------------------
    per_prefix: dict[tuple[str, str], int] = {}
    for package, count in facts.packages.items():
        hit = attr.for_package(package)
        if hit:
            prefix, sdk = hit
            per_prefix[(sdk.id, prefix)] = per_prefix.get((sdk.id, prefix), 0) + count
    for (sdk_id, prefix), count in sorted(per_prefix.items()):
        tp = party(kb.sdks[sdk_id])
        if prefix not in tp.packages:
            tp.packages.append(prefix)
        tp.evidence.append(
            Evidence(kind="sdk-class", detail=f"{prefix} ({count} classes)", third_party=sdk_id)
        )
    has_class = getattr(facts.code, "has_class", None)
    if has_class is not None:
        for class_name, sdk in kb.sdk_class_signals():
            if sdk.id in parties and class_name.rsplit(".", 1)[0] in parties[sdk.id].packages:
                continue
            if not attr.is_own(class_name) and has_class(class_name):
                tp = party(sdk)
                if class_name not in tp.packages:
                    tp.packages.append(class_name)
                tp.evidence.append(Evidence(kind="sdk-class", detail=f"class {class_name}", third_party=sdk.id))
    for comp in facts.components:
        if attr.is_own(comp.name):
            continue
        sdk = kb.sdk_for_component(comp.name)
        if sdk:
            party(sdk).evidence.append(
                Evidence(
                    kind="manifest",
                    detail=f"{comp.kind} {comp.name}",
                    location=comp.location or Location(file="AndroidManifest.xml", component=comp.name),
                    third_party=sdk.id,
                )
            )
    meta_keys = list(facts.application.meta_data)
    for comp in facts.components:
        meta_keys.extend(comp.meta_data)
    # Collectors may say where each meta-data element is (source mode: the module's manifest).
    meta_where = facts.extra.get("meta_data_locations", {})
    for key in dict.fromkeys(meta_keys):
        sdk = kb.sdk_for_meta_data(key)
        if sdk:
            where = meta_where.get(key) or {}
            party(sdk).evidence.append(
                Evidence(
                    kind="manifest",
                    detail=f"meta-data {key}",
                    location=Location(file=where.get("file") or "AndroidManifest.xml", line=where.get("line")),
                    third_party=sdk.id,
                )
            )
    for lib in dict.fromkeys(facts.native_libs):
        sdk = kb.sdk_for_native_lib(lib.rsplit("/", 1)[-1])
        if sdk:
            party(sdk).evidence.append(Evidence(kind="native-lib", detail=lib, third_party=sdk.id))
    for dep in facts.dependencies:
        parts = dep.coordinate.split(":")
        if len(parts) >= 2:
            sdk = kb.sdk_for_gradle(parts[0], parts[1])
            if sdk:
                party(sdk).evidence.append(
                    Evidence(kind="gradle", detail=dep.coordinate, location=dep.location, third_party=sdk.id)
                )

    # -- permissions ---------------------------------------------------------------------------
    perms: dict[str, PermissionItem] = {p.name: p for p in inventory.permissions}
    for up in facts.permissions:
        item = perms.get(up.name)
        if item is None:
            known = kb.permissions.get(up.name)
            item = PermissionItem(
                name=up.name,
                protection_level=known.protection if known else None,
                pi_types=list(known.pi_types) if known else [],
                label_zh=known.label_zh if known else None,
                label_en=known.label_en if known else None,
                max_sdk=up.max_sdk,
            )
            perms[up.name] = item
        item.evidence.append(
            Evidence(kind="permission", detail=up.name, location=up.location or Location(file="AndroidManifest.xml"))
        )

    # -- PI items ------------------------------------------------------------------------------
    items: dict[str, PIItem] = {i.pi_type: i for i in inventory.data_items}

    def pi_item(pi_type: str) -> PIItem:
        it = items.get(pi_type)
        if it is None:
            t = kb.pi_types.get(pi_type)
            it = PIItem(
                pi_type=pi_type,
                name_zh=t.name_zh if t else pi_type,
                name_en=t.name_en if t else pi_type,
                category=t.category if t else None,
                sensitive=t.sensitive if t else False,
            )
            items[pi_type] = it
        return it

    seen: set[tuple] = set()
    for ref in facts.code_refs:
        api = kb.apis.get(ref.api_id)
        if api is None or not api.pi_types:
            continue
        if api.args_any and not any(s in ref.strings for s in api.args_any):
            continue
        sdk = attr.for_class(ref.location.class_name)
        ev = Evidence(
            kind=_CODE_KINDS.get(ref.kind, ref.kind),
            api=ref.api,
            location=ref.location,
            third_party=sdk.id if sdk else None,
            reachable=ref.reachable,
            path=list(ref.path),
        )
        for pi in api.pi_types:
            key = (pi,) + ev.key()
            if key in seen:
                continue
            seen.add(key)
            pi_item(pi).sources.append(ev)
            if sdk:
                tp = party(sdk)
                if pi not in tp.pi_types:
                    tp.pi_types.append(pi)
    for item in perms.values():
        for pi in item.pi_types:
            pi_item(pi).sources.append(
                Evidence(kind="permission", detail=item.name, location=item.evidence[0].location)
            )
    for tp in parties.values():
        sdk = kb.sdks.get(tp.id)
        for pi in sdk.pi_types if sdk else ():
            pi_item(pi).sources.append(Evidence(kind="sdk", detail=tp.id, third_party=tp.id))

    inventory.third_parties = sorted(parties.values(), key=lambda t: (t.category or "", t.name_en.lower()))
    inventory.permissions = sorted(perms.values(), key=lambda p: p.name)
    inventory.data_items = sorted(items.values(), key=lambda i: (i.category or "~", i.pi_type))
    return inventory
