"""The one model behind every document: detected facts merged with the team's declarations.

A row exists for every PI type, third party and permission that the build shows *or* the team
declares. Its ``status`` says which: ``declared`` (both), ``undeclared`` (detected only: every
human field is TODO and a rule reports it) or ``not-observed`` (declared only: kept, because
collection on the server is invisible to a static tool). Values only the team knows come from
the declarations; facts come from the knowledge base and the build. A missing human value is
the string ``TODO``, never an empty cell, so the draft shows it; ``hints`` carries what the
knowledge base suggests for it.

The lists, the policy and ``rows.<lang>.json`` all render this model, and ``docs --check``
compares it (without evidence, dates and versions, which change on every build) with the rows
stored next to the documents.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from selfaudit.declarations import TODO, Declarations, covering_third_parties, is_todo

if TYPE_CHECKING:
    from selfaudit.knowledge import KnowledgeBase
    from selfaudit.model import AppFacts, Evidence, Inventory, PermissionItem

__all__ = [
    "DocumentModel",
    "Meta",
    "CollectedRow",
    "SharingRow",
    "PermissionRow",
    "BusinessFunction",
    "build_model",
    "listed_permission",
    "format_evidence",
    "STATUSES",
]

STATUSES = ("declared", "undeclared", "not-observed")

#: Short phrases the rows carry in each document language (the templates hold all other text).
_PHRASES = {
    "zh-CN": {
        "sep": "、",
        "app_collects": "App自动采集",
        "sdk_collects": "第三方SDK（{names}）自动采集",
        "via_permission": "经系统权限（{perms}）获取",
        "embedded_sdk": "SDK本机采集",
        "normal_asked": "安装时由系统授予，不单独询问",
        "normal_refusal": "普通权限，用户无法单独拒绝",
        "special_asked": "用户在系统设置中单独开启",
        "ev_code": "代码",
        "ev_permission": "权限",
        "ev_sdk": "SDK目录",
        "ev_sdk_text": "{name} 会收集此项",
        "ev_classes": "类包",
        "ev_manifest": "清单",
        "ev_native": "原生库",
        "ev_gradle": "依赖",
        "ev_declaration": "声明",
        "ev_other": "其他",
        "unreachable": "（未发现调用路径）",
        "in_sdk": "（属于 {name}）",
    },
    "en": {
        "sep": ", ",
        "app_collects": "Collected automatically by the app",
        "sdk_collects": "Collected automatically by third-party SDKs ({names})",
        "via_permission": "Read through the system permission {perms}",
        "embedded_sdk": "Collected on the device by the embedded SDK",
        "normal_asked": "Granted by the system at install time; not asked separately",
        "normal_refusal": "Normal permission: the user cannot refuse it separately",
        "special_asked": "The user turns it on in the system settings",
        "ev_code": "code",
        "ev_permission": "permission",
        "ev_sdk": "SDK catalog",
        "ev_sdk_text": "{name} collects this",
        "ev_classes": "classes",
        "ev_manifest": "manifest",
        "ev_native": "native library",
        "ev_gradle": "dependency",
        "ev_declaration": "declaration",
        "ev_other": "other",
        "unreachable": " (no call path found)",
        "in_sdk": " (in {name})",
    },
}

_CODE_KINDS = ("api", "field", "string")


def _zh(lang: str) -> bool:
    return lang.startswith("zh")


def _val(value: str | None) -> str:
    """A human value for a cell: the text, or the visible TODO marker."""
    return TODO if is_todo(value) else str(value).strip()


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


@dataclass
class CollectedRow:
    """One line of the 已收集个人信息清单 (collected-PI list)."""

    key: str  # the PI type id
    status: str
    category_id: str
    category: str
    name: str
    purpose: str
    scenario: str
    method: str
    retention: str
    required: bool | None
    sensitive: bool
    necessary: bool | None  # None: the app category is not declared
    permissions: list[str] = field(default_factory=list)
    collectors: list[str] = field(default_factory=list)  # SDKs the evidence attributes it to
    declared_via: list[str] = field(default_factory=list)  # declared only in these SDKs' pi_types
    notes: str = ""
    hints: dict[str, str] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass
class SharingRow:
    """One line of the 与第三方共享个人信息清单 (third-party sharing list)."""

    key: str  # the SDK / partner id
    status: str
    name: str
    company: str
    category: str
    packages: list[str]
    pi: list[str]
    pi_ids: list[str]
    purpose: str
    scenario: str
    sharing: str
    policy_url: str
    required: bool | None
    undeclared_pi: list[str] = field(default_factory=list)
    notes: str = ""
    hints: dict[str, str] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass
class PermissionRow:
    """One line of the 应用权限申请与使用说明 (permission list)."""

    key: str  # the full permission name
    status: str
    short_name: str
    label_zh: str
    label_en: str
    function: str
    protection: str
    pi: list[str]
    purpose: str
    scenario: str
    asked_when: str
    refusal_effect: str
    notes: str = ""
    hints: dict[str, str] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass
class BusinessFunction:
    """The rows of one business function (GB/T 35273 Annex D organises the policy by function).

    The function is the declared ``scenario`` text; rows still marked TODO gather under
    ``name = "TODO"`` so the gap is one visible section rather than scattered.
    """

    name: str
    collected: list[CollectedRow] = field(default_factory=list)
    permissions: list[PermissionRow] = field(default_factory=list)
    sharing: list[SharingRow] = field(default_factory=list)


@dataclass
class Meta:
    """Everything a document header, scope paragraph and contact section print."""

    lang: str
    tool: str
    tool_version: str
    date: str
    target: str
    app_name: str
    package: str
    version: str
    category: str  # the app category's name, or TODO
    category_id: str | None
    basic_function: str
    operator: dict[str, str]
    policy: dict[str, str]
    declarations: str | None


@dataclass
class DocumentModel:
    meta: Meta
    collected: list[CollectedRow]
    sharing: list[SharingRow]
    permissions: list[PermissionRow]
    functions: list[BusinessFunction]

    @property
    def summary(self) -> dict[str, int]:
        rows = [*self.collected, *self.sharing, *self.permissions]
        return {
            "rows": len(rows),
            "todo": sum(len(r.todo) for r in rows)
            + sum(1 for v in [*self.meta.operator.values(), *self.meta.policy.values()] if v == TODO)
            + (1 if self.meta.category == TODO else 0),
            "undeclared": sum(1 for r in rows if r.status == "undeclared"),
            "not_observed": sum(1 for r in rows if r.status == "not-observed"),
        }

    def to_dict(self) -> dict[str, Any]:
        """The rows as data: what ``rows.<lang>.json`` holds."""
        return {
            "meta": dataclasses.asdict(self.meta),
            "summary": self.summary,
            "collected": [dataclasses.asdict(r) for r in self.collected],
            "sharing": [dataclasses.asdict(r) for r in self.sharing],
            "permissions": [dataclasses.asdict(r) for r in self.permissions],
        }


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """The part of :meth:`DocumentModel.to_dict` that makes documents current or stale.

    Evidence (class names change with every obfuscated build), the date, the tool version and the
    target path are left out: a document is stale when what it *says* would change.
    """
    meta = {k: v for k, v in data.get("meta", {}).items() if k not in ("date", "tool_version", "target", "declarations")}
    out: dict[str, Any] = {"meta": meta}
    for kind in ("collected", "sharing", "permissions"):
        out[kind] = [{k: v for k, v in row.items() if k != "evidence"} for row in data.get(kind, [])]
    return out


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


def listed_permission(item: PermissionItem, declarations: Declarations | None = None) -> bool:
    """Whether a requested permission belongs in the permission list (and in ``init``'s file).

    Runtime (dangerous) and special permissions need the user's grant; a normal permission is
    listed when it reaches personal information (Wi-Fi state, say). Declared ones are always
    listed. Others (INTERNET, WAKE_LOCK, an SDK's own signature permission) are not PI.
    """
    if declarations is not None and declarations.declares_permission(item.name):
        return True
    return item.protection_level in ("dangerous", "special") or bool(item.pi_types)


def format_evidence(ev: Evidence, knowledge: KnowledgeBase | None, lang: str) -> str:
    """One line a reviewer can check: what was seen, and where."""
    p = _PHRASES[lang]
    sdk_name = ""
    if ev.third_party:
        sdk = knowledge.sdks.get(ev.third_party) if knowledge else None
        sdk_name = (sdk.name_zh if _zh(lang) else sdk.name_en) if sdk else ev.third_party
    where = ev.location.display() if ev.location else ""
    if ev.kind in _CODE_KINDS:
        text = f"{p['ev_code']}: {where} → {ev.api or ev.detail or ''}".rstrip(" →")
        if sdk_name:
            text += p["in_sdk"].format(name=sdk_name)
        if ev.reachable is False:
            text += p["unreachable"]
        return text
    if ev.kind == "permission":
        return f"{p['ev_permission']}: {ev.detail}" + (f" ({where})" if where and where != ev.detail else "")
    if ev.kind == "sdk":
        return f"{p['ev_sdk']}: " + p["ev_sdk_text"].format(name=sdk_name or ev.detail)
    label = {
        "sdk-class": p["ev_classes"],
        "manifest": p["ev_manifest"],
        "native-lib": p["ev_native"],
        "gradle": p["ev_gradle"],
        "declaration": p["ev_declaration"],
    }.get(ev.kind, p["ev_other"])
    detail = ev.detail or ev.api or ""
    if where and where not in detail and where != "AndroidManifest.xml":
        detail += f" ({where})"
    return f"{label}: {detail}"


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def build_model(
    facts: AppFacts | None,
    inventory: Inventory,
    declarations: Declarations,
    knowledge: KnowledgeBase,
    *,
    lang: str = "zh-CN",
    target: str | None = None,
    declarations_label: str | None = None,
    tool_version: str | None = None,
    today: _dt.date | None = None,
) -> DocumentModel:
    """Merge the inventory with the declarations into the rows every document renders.

    ``target`` and ``declarations_label`` are how the header names the build and the file
    (paths relative to the working tree: an absolute path would leak a developer's home
    directory into a published page).
    """
    if tool_version is None:
        from selfaudit import __version__ as tool_version
    zh = _zh(lang)
    p = _PHRASES[lang]
    kb = knowledge
    decl = declarations

    category = kb.app_category(decl.app_category) if not is_todo(decl.app_category) else None
    necessary = set(category.necessary_pi) if category else None

    def pi_name(pi: str) -> str:
        d = decl.pi.get(pi)
        if d is not None and not is_todo(d.name):
            return d.text("name", lang) or pi
        t = kb.pi_types.get(pi)
        if t is not None:
            return t.name_zh if zh else t.name_en
        item = inventory.item(pi)
        if item is not None:
            return item.name_zh if zh else item.name_en
        return pi

    def sdk_name(sdk_id: str) -> str:
        d = decl.third_parties.get(sdk_id)
        if d is not None and not is_todo(d.name):
            return d.text("name", lang) or sdk_id
        sdk = kb.sdks.get(sdk_id)
        if sdk is not None:
            return sdk.name_zh if zh else sdk.name_en
        tp = inventory.third_party(sdk_id)
        if tp is not None:
            return tp.name_zh if zh else tp.name_en
        return sdk_id

    def perm_display(item: PermissionItem) -> str:
        short = item.name.rsplit(".", 1)[-1]
        label = item.label_zh if zh else item.label_en
        return f"{short}（{label}）" if zh and label else (f"{short} ({label})" if label else short)

    policy_retention = decl.policy.text("retention", lang)

    # -- collected PI ------------------------------------------------------------------------
    cat_order = {c: i for i, c in enumerate(kb.categories)}
    pi_order = {c: i for i, c in enumerate(kb.pi_types)}
    pi_ids = _unique([*(i.pi_type for i in inventory.data_items), *decl.pi])
    collected: list[CollectedRow] = []
    for pi in pi_ids:
        item = inventory.item(pi)
        d = decl.pi.get(pi)
        t = kb.pi_types.get(pi)
        via = covering_third_parties(item, decl) if item is not None and d is None else []
        status = "declared" if (item and (d or via)) else ("undeclared" if item else "not-observed")
        cat_id = (d.category if d and d.category else None) or (t.category if t else None) or (
            item.category if item and item.category else "other")
        cat = kb.categories.get(cat_id)
        sensitive = d.sensitive if d and d.sensitive is not None else (t.sensitive if t else bool(item and item.sensitive))
        sources = item.sources if item else []
        own_code = any(s.kind in _CODE_KINDS and not s.third_party for s in sources)
        sdk_ids = _unique(s.third_party for s in sources if s.third_party)
        related = [pm for pm in inventory.permissions if pi in pm.pi_types]
        perms = [perm_display(pm) for pm in related]
        hints: dict[str, str] = {}
        ways = []
        if own_code:
            ways.append(p["app_collects"])
        if sdk_ids:
            ways.append(p["sdk_collects"].format(names=p["sep"].join(sdk_name(s) for s in sdk_ids)))
        if not ways and related:
            ways.append(p["via_permission"].format(perms=p["sep"].join(pm.name.rsplit(".", 1)[-1] for pm in related)))
        if ways:
            hints["method"] = "；".join(ways) if zh else "; ".join(ways)
        retention = d.text("retention", lang) if d else None
        if is_todo(retention):
            retention = policy_retention
        purpose = d.text("purpose", lang) if d else None
        scenario = d.text("scenario", lang) if d else None
        method = d.text("method", lang) if d else None
        required = d.required if d else None
        if via:  # what those SDKs' declarations say, per SDK
            tps = [(sdk_name(v), decl.third_parties[v]) for v in via]
            purpose = _per_sdk([(n, tp.text("purpose", lang)) for n, tp in tps], zh)
            scenario = _per_sdk([(n, tp.text("scenario", lang)) for n, tp in tps], zh)
            method = hints.get("method")
            flags = [tp.required for _, tp in tps]
            required = None if None in flags else any(flags)
        row = CollectedRow(
            key=pi,
            status=status,
            category_id=cat_id,
            category=(cat.name_zh if zh else cat.name_en) if cat else cat_id,
            name=pi_name(pi),
            purpose=_val(purpose),
            scenario=_val(scenario),
            method=_val(method),
            retention=_val(retention),
            required=required,
            sensitive=bool(sensitive),
            necessary=(pi in necessary) if necessary is not None else None,
            permissions=perms,
            collectors=[sdk_name(s) for s in sdk_ids],
            declared_via=[sdk_name(v) for v in via],
            notes="" if d is None or is_todo(d.notes) else (d.text("notes", lang) or ""),
            hints=hints,
            evidence=_unique(format_evidence(s, kb, lang) for s in sources),
        )
        row.todo = [f for f in ("purpose", "scenario", "method", "retention") if getattr(row, f) == TODO]
        if row.required is None:
            row.todo.append("required")
        collected.append(row)
    collected.sort(key=lambda r: (cat_order.get(r.category_id, len(cat_order)), pi_order.get(r.key, len(pi_order)), r.key))

    # -- third parties -----------------------------------------------------------------------
    tp_ids = _unique([*(t.id for t in inventory.third_parties), *decl.third_parties])
    code_pi_by_sdk: dict[str, list[str]] = {}
    for item in inventory.data_items:
        for s in item.sources:
            if s.third_party and s.kind in _CODE_KINDS:
                code_pi_by_sdk.setdefault(s.third_party, [])
                if item.pi_type not in code_pi_by_sdk[s.third_party]:
                    code_pi_by_sdk[s.third_party].append(item.pi_type)
    sharing: list[SharingRow] = []
    for sid in tp_ids:
        tp = inventory.third_party(sid)
        d = decl.third_parties.get(sid)
        sdk = kb.sdks.get(sid)
        status = "declared" if (tp and d) else ("undeclared" if tp else "not-observed")
        detected_pi = list(tp.pi_types) if tp else (list(sdk.pi_types) if sdk else [])
        shared = list(d.pi_types) if d and d.pi_types else detected_pi
        extra = [x for x in code_pi_by_sdk.get(sid, []) if d and d.pi_types and x not in d.pi_types]
        company = d.text("company", lang) if d and not is_todo(d.company) else None
        if company is None and sdk is not None:
            company = (sdk.company_zh or sdk.company_en) if zh else (sdk.company_en or sdk.company_zh)
        if company is None and tp is not None:
            company = tp.company if zh else (tp.company_en or tp.company)
        policy_url = d.policy_url if d and not is_todo(d.policy_url) else (sdk.policy_url if sdk else (tp.policy_url if tp else None))
        hints = {}
        catalog_purpose = (sdk.purpose_zh if zh else sdk.purpose_en) if sdk else ((tp.purpose_zh if zh else tp.purpose_en) if tp else None)
        if catalog_purpose:
            hints["purpose"] = catalog_purpose
        if tp is not None:
            hints["sharing"] = p["embedded_sdk"]
        row = SharingRow(
            key=sid,
            status=status,
            name=sdk_name(sid),
            company=_val(company),
            category=(sdk.category if sdk else (tp.category if tp and tp.category else "other")),
            packages=list(tp.packages) if tp and tp.packages else (list(sdk.packages) if sdk else []),
            pi=[pi_name(x) for x in shared],
            pi_ids=shared,
            purpose=_val(d.text("purpose", lang) if d else None),
            scenario=_val(d.text("scenario", lang) if d else None),
            sharing=_val(d.text("sharing", lang) if d else None),
            policy_url=_val(policy_url),
            required=d.required if d else None,
            undeclared_pi=[pi_name(x) for x in extra],
            notes="" if d is None or is_todo(d.notes) else (d.text("notes", lang) or ""),
            hints=hints,
            evidence=_unique(format_evidence(e, kb, lang) for e in (tp.evidence if tp else [])),
        )
        row.todo = [f for f in ("company", "purpose", "scenario", "sharing", "policy_url") if getattr(row, f) == TODO]
        sharing.append(row)
    sharing.sort(key=lambda r: (r.status == "not-observed", r.category, r.name.lower()))

    # -- permissions -------------------------------------------------------------------------
    permissions: list[PermissionRow] = []
    seen_decl: set[str] = set()
    for item in inventory.permissions:
        if not listed_permission(item, decl):
            continue
        d = decl.permission(item.name)
        if d is not None:
            seen_decl.add(d.name)
        permissions.append(_permission_row(item.name, item, d, kb, lang, pi_name))
    for name, d in decl.permissions.items():
        if name in seen_decl:
            continue
        full = name if "." in name else next((k for k in kb.permissions if k.rsplit(".", 1)[-1] == name), f"android.permission.{name}")
        permissions.append(_permission_row(full, None, d, kb, lang, pi_name))
    order = {"dangerous": 0, "special": 1, "normal": 2}
    permissions.sort(key=lambda r: (r.status == "not-observed", order.get(r.protection, 3), r.short_name))

    # -- business functions ------------------------------------------------------------------
    functions: dict[str, BusinessFunction] = {}

    def fn(name: str) -> BusinessFunction:
        if name not in functions:
            functions[name] = BusinessFunction(name=name)
        return functions[name]

    for row in collected:
        fn(row.scenario).collected.append(row)
    for prow in permissions:
        if prow.scenario != TODO and prow.scenario in functions:
            functions[prow.scenario].permissions.append(prow)
    for srow in sharing:
        if srow.scenario != TODO and srow.scenario in functions:
            functions[srow.scenario].sharing.append(srow)
    ordered = [f for n, f in functions.items() if n != TODO] + ([functions[TODO]] if TODO in functions else [])

    # -- meta --------------------------------------------------------------------------------
    op = decl.operator
    pol = decl.policy
    app_name = decl.app_text(lang)
    if is_todo(app_name):
        app_name = (facts.label if facts else None) or (facts.package if facts else None)
    package = decl.app_package or (facts.package if facts else None)
    version = ""
    if facts and facts.version_name:
        version = facts.version_name + (f" ({facts.version_code})" if facts.version_code is not None else "")
    meta = Meta(
        lang=lang,
        tool="selfaudit",
        tool_version=tool_version,
        date=(today or _dt.date.today()).isoformat(),
        target=target or (facts.target if facts else ""),
        app_name=_val(app_name),
        package=_val(package),
        version=version,
        category=((category.name_zh if zh else category.name_en) if category else TODO),
        category_id=category.id if category else None,
        basic_function=((category.basic_function_zh if zh else category.basic_function_en) if category else TODO),
        operator={
            "company": _val(op.text("company", lang)),
            "address": _val(op.text("address", lang)),
            "contact": _val(op.text("contact", lang)),
            "email": _val(op.email),
            "dpo_email": _val(op.dpo_email),
            "phone": _val(op.phone) if op.phone is not None else "",
        },
        policy={
            "effective_date": _val(pol.effective_date),
            "updated_date": _val(pol.updated_date),
            "url": _val(pol.url),
            "retention": _val(pol.text("retention", lang)),
            "security": _val(pol.text("security", lang)),
            "cross_border": _val(pol.text("cross_border", lang)),
            "children": _val(pol.text("children", lang)),
            "rights": _val(pol.text("rights", lang)),
            "response_time": _val(pol.text("response_time", lang)),
        },
        declarations=declarations_label or (decl.path.name if decl.path else None),
    )
    return DocumentModel(meta=meta, collected=collected, sharing=sharing, permissions=permissions, functions=ordered)


def _per_sdk(values: list[tuple[str, str | None]], zh: bool) -> str | None:
    """One SDK's value as is; several as "SDK: value" joined; None while any is missing."""
    if any(is_todo(v) for _, v in values):
        return None
    if len({v for _, v in values}) == 1:
        return values[0][1]
    sep, colon = ("；", "：") if zh else ("; ", ": ")
    return sep.join(f"{name}{colon}{v}" for name, v in values)


def _permission_row(name, item, d, kb, lang, pi_name) -> PermissionRow:
    zh = _zh(lang)
    p = _PHRASES[lang]
    known = kb.permissions.get(name)
    protection = (item.protection_level if item and item.protection_level else None) or (known.protection if known else "unknown")
    label_zh = (item.label_zh if item and item.label_zh else None) or (known.label_zh if known else "") or ""
    label_en = (item.label_en if item and item.label_en else None) or (known.label_en if known else "") or ""
    function = ((known.function_zh if zh else known.function_en) if known else None) or (label_zh if zh else label_en)
    pis = list(item.pi_types) if item else (list(known.pi_types) if known else [])
    status = "declared" if (item and d) else ("undeclared" if item else "not-observed")
    asked = d.text("asked_when", lang) if d else None
    refusal = d.text("refusal_effect", lang) if d else None
    hints: dict[str, str] = {}
    if protection == "normal":
        asked = asked if not is_todo(asked) else p["normal_asked"]
        refusal = refusal if not is_todo(refusal) else p["normal_refusal"]
    elif protection == "special":
        hints["asked_when"] = p["special_asked"]
    row = PermissionRow(
        key=name,
        status=status,
        short_name=name.rsplit(".", 1)[-1],
        label_zh=label_zh,
        label_en=label_en,
        function=function or TODO,
        protection=protection,
        pi=[pi_name(x) for x in pis],
        purpose=_val(d.text("purpose", lang) if d else None),
        scenario=_val(d.text("scenario", lang) if d else None),
        asked_when=_val(asked),
        refusal_effect=_val(refusal),
        notes="" if d is None or is_todo(d.notes) else (d.text("notes", lang) or ""),
        hints=hints,
        evidence=_unique(format_evidence(e, kb, lang) for e in (item.evidence if item else [])),
    )
    row.todo = [f for f in ("purpose", "scenario", "asked_when", "refusal_effect", "function") if getattr(row, f) == TODO]
    return row
