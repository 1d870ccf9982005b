"""What the built-in rules share: reachability per audit, code references with their owner, wording.

Rules stay small by asking here for "the PI call sites of this tag, with the SDK that owns each and
where it stands in the call graph". Everything is cached in the check context's ``shared`` dict
(one per audit) or, for the call graph, on the code model (:func:`selfaudit.reach.for_facts`).

Grouping keeps reports readable: a call site in the app's own code (or an unattributed library) is
one finding per (API, calling method), because that is what the team edits; inside a catalogued
SDK it is one finding per (SDK, API), because the fix is one SDK setting, not fifty call sites.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selfaudit.enrich import SdkAttributor
from selfaudit.knowledge import SDK, SensitiveAPI
from selfaudit.model import AppFacts, CodeRef, Confidence, Evidence, Finding, Location, Rule, fingerprint
from selfaudit.reach import Entry, Graph, Reachability, for_facts, location_key, short, split_key

__all__ = [
    "RefInfo",
    "analysis",
    "pre_consent",
    "startup",
    "attributor",
    "code_refs",
    "group",
    "where",
    "path_text",
    "entry_text",
    "reach_confidence",
    "lower",
    "stable",
    "evidence",
    "gate_declared",
    "GATE_HINT_EN",
    "GATE_HINT_ZH",
    "pi_names",
    "ignored_pi_types",
    "ignored_apis",
    "path_owner",
    "imprecise",
    "call_location",
    "declarations_file",
]

GATE_HINT_EN = ("no consent gate is declared, so every start-up path counts: name the post-consent "
                "methods in privacy.toml [consent] gate_methods / gate_checks")
GATE_HINT_ZH = "未声明同意门控，所有启动路径均计入：请在 privacy.toml 的 [consent] 中填写 gate_methods / gate_checks"


@dataclass
class RefInfo:
    """A code reference with its knowledge-base API, owning SDK and calling method key."""

    ref: CodeRef
    api: SensitiveAPI
    sdk: SDK | None
    method: str | None

    @property
    def group_key(self) -> tuple[str, ...]:
        if self.sdk is not None:
            return ("sdk", self.sdk.id, self.api.id)
        return ("code", self.api.id, self.method or "")


def analysis(facts: AppFacts) -> Reachability | None:
    return for_facts(facts)


def gate_declared(ctx: Any) -> bool:
    return bool(ctx.declarations.consent.declared)


def pre_consent(facts: AppFacts, ctx: Any) -> Graph | None:
    """The pre-consent graph with the declared gate (None without a code model)."""
    az = analysis(facts)
    if az is None:
        return None
    c = ctx.declarations.consent
    return az.pre_consent(c.gate_methods, c.gate_checks)


def startup(facts: AppFacts, ctx: Any) -> Graph | None:
    """Everything reachable at start-up, ignoring the gate (permission prompts, clipboard reads)."""
    az = analysis(facts)
    return az.pre_consent() if az is not None else None


def attributor(facts: AppFacts, ctx: Any) -> SdkAttributor:
    hit = ctx.shared.get("attributor")
    if hit is None or hit[0] is not facts:
        hit = (facts, SdkAttributor(facts, ctx.knowledge))
        ctx.shared["attributor"] = hit
    return hit[1]


def code_refs(facts: AppFacts, ctx: Any, *, tags: Iterable[str] = (), pi: bool = False,
              where_: Callable[[SensitiveAPI], bool] | None = None) -> list[RefInfo]:
    """Code references whose API matches (any of ``tags``; with PI types if ``pi``), with the
    API's ``args_any`` constraint applied and the owning SDK attributed."""
    kb = ctx.knowledge
    wanted = set(tags)
    attr = attributor(facts, ctx)
    out = []
    for ref in facts.code_refs:
        api = kb.apis.get(ref.api_id)
        if api is None:
            continue
        if wanted and not wanted & set(api.tags):
            continue
        if pi and not api.pi_types:
            continue
        if where_ is not None and not where_(api):
            continue
        if api.args_any and not any(a in ref.strings for a in api.args_any):
            continue
        out.append(RefInfo(ref, api, attr.for_class(ref.location.class_name), location_key(ref.location)))
    return out


def ignored_pi_types(ctx: Any) -> set[str]:
    """PI types a consent or frequency rule skips: its ``ignore_pi_types`` option, else the
    knowledge base's ``low_signal`` PI types (device model, network state, storage paths...:
    ordinary plumbing rather than collection)."""
    opt = ctx.options().get("ignore_pi_types")
    return set(opt) if opt is not None else set(ctx.knowledge.low_signal_pi_types())


def ignored_apis(ctx: Any) -> set[str]:
    """API ids a consent or frequency rule skips: its ``ignore_apis`` option, else the knowledge
    base's ``low_signal`` APIs (calls that, made the usual way, read only the app's own data)."""
    opt = ctx.options().get("ignore_apis")
    return set(opt) if opt is not None else set(ctx.knowledge.low_signal_apis())


def path_owner(facts: AppFacts, ctx: Any, path: Iterable[str]) -> SDK | None:
    """The SDK of the last catalogued class on a call path (the read inside an unattributed
    helper such as ``com.google.android.gms.internal`` belongs to the SDK that called it)."""
    attr = attributor(facts, ctx)
    for key in reversed(list(path)):
        sdk = attr.for_class(split_key(key)[0])
        if sdk is not None:
            return sdk
    return None


def group(items: Iterable[RefInfo], key: Callable[[RefInfo], Any] | None = None) -> dict[Any, list[RefInfo]]:
    out: dict[Any, list[RefInfo]] = {}
    for it in items:
        out.setdefault(key(it) if key else it.group_key, []).append(it)
    return out


def where(ref: CodeRef) -> str:
    loc = ref.location
    if loc.class_name and loc.method:
        return f"{loc.class_name}.{loc.method}"
    return loc.display() or "?"


def path_text(path: list[str], limit: int = 6) -> str:
    parts = [short(k) for k in path]
    if len(parts) > limit:
        parts = parts[:2] + [f"… {len(parts) - limit + 2} more …"] + parts[-(limit - 3):]
    return " → ".join(parts)


_ENTRY_ZH = {
    "application": "应用启动（Application）",
    "app-factory": "应用启动（AppComponentFactory）",
    "provider": "ContentProvider 初始化（早于 Application.onCreate）",
    "initializer": "androidx.startup 初始化器",
    "launcher": "启动页 Activity",
    "receiver": "广播接收器",
    "service": "可被其他应用拉起的服务",
    "activity": "Activity",
    "root": "定时任务",
}


def entry_text(entry: Entry | None, zh: bool = False) -> str:
    if entry is None:
        return "入口" if zh else "an entry point"
    if zh:
        base = _ENTRY_ZH.get(entry.kind, entry.kind)
        if entry.kind == "receiver" and entry.reason.startswith("receiver for "):
            return f"系统广播（{entry.reason[len('receiver for '):]}）"
        return base
    return entry.reason


def reach_confidence(refs: Iterable[CodeRef]) -> Confidence:
    """High when some site is reachable, medium when unknown, low when none is."""
    vals = [r.reachable for r in refs]
    if any(v is True for v in vals):
        return Confidence.HIGH
    if any(v is None for v in vals):
        return Confidence.MEDIUM
    return Confidence.LOW


def imprecise(g: Graph, method: str | None, path: list[str]) -> bool:
    """True when the path to ``method`` needed a plain-RTA guess (an edge costing 3 or more)."""
    if not method or not path:
        return False
    return g.dist.get(method, 0) - (len(path) - 1) >= 3


def lower(c: Confidence, steps: int = 1) -> Confidence:
    order = list(Confidence)
    return order[max(0, order.index(c) - steps)]


def stable(f: Finding, rule: Rule, key: str) -> Finding:
    """Make the fingerprint depend on the rule and ``key`` only (not on which site was shown)."""
    f.fingerprint = fingerprint(rule.name, None, key)
    return f


def permission_finding(rule: Rule, facts: AppFacts, name: str, message: str, message_zh: str,
                       key: str) -> Finding | None:
    """A finding on a requested permission itself (at its manifest line), or None if not requested."""
    perm = next((p for p in facts.permissions if p.name == name), None)
    if perm is None:
        return None
    loc = perm.location or Location(file="AndroidManifest.xml")
    f = rule.finding(message, message_zh=message_zh, location=loc,
                     evidence=[Evidence(kind="permission", detail=perm.name, location=loc)])
    return stable(f, rule, key)


def evidence(info: RefInfo, path: list[str] | None = None, reachable: bool | None = None, *,
             third_party: str | None = None) -> Evidence:
    ref = info.ref
    return Evidence(
        kind={"call": "api", "field": "field", "string": "string"}.get(ref.kind, ref.kind),
        api=ref.api,
        location=ref.location,
        third_party=third_party or (info.sdk.id if info.sdk else None),
        reachable=ref.reachable if reachable is None else reachable,
        path=list(path if path is not None else ref.path),
    )


def pi_names(kb: Any, pi_types: Iterable[str], zh: bool = False) -> str:
    sep = "、" if zh else ", "
    return sep.join(kb.pi_name(p, "zh" if zh else "en") for p in dict.fromkeys(pi_types))


def call_location(facts: AppFacts, caller: str, call: Any = None) -> Location:
    """Where a call found in the graph is: the code model's location of the calling method (file
    and line in source mode, the DEX file in an APK), at the call's line when the model gives lines."""
    cls, name, desc = split_key(caller)
    fn = getattr(facts.code, "location", None)
    loc = None
    if fn is not None:
        try:
            loc = fn(caller)
        except (KeyError, ValueError, IndexError):
            loc = None
    if loc is None:
        loc = Location(class_name=cls, method=name, descriptor=desc or None)
    else:
        loc = Location(file=loc.file, line=loc.line, class_name=loc.class_name or cls, method=loc.method or name,
                       descriptor=loc.descriptor or (desc or None))
    if facts.kind == "source" and call is not None and getattr(call, "offset", None):
        loc.line = call.offset
    return loc


def declarations_file(facts: AppFacts, declarations: Any) -> str:
    """How findings name the declarations file: relative to the scanned tree in source mode (so
    SARIF and the pre-commit output point at it), its file name otherwise."""
    path = getattr(declarations, "path", None)
    if path is None:
        return "privacy.toml"
    if facts.kind == "source" and facts.target:
        try:
            return Path(path).resolve().relative_to(Path(facts.target).resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return Path(path).name


def location_or_manifest(loc: Location | None, component: str | None = None) -> Location:
    return loc or Location(file="AndroidManifest.xml", component=component)
