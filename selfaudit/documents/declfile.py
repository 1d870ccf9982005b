"""Write ``privacy.toml`` from a scan, and add newly detected items to one a human has edited.

``selfaudit init`` writes every unknown as a visible ``TODO`` and comments each detected item
with what the build showed (evidence, catalog facts, a suggestion), so the team fills in the
file with the facts in front of it.

``selfaudit init --update`` edits the *text*: it inserts a table for each item the build shows
and the file does not declare, after the last table of the same kind, and touches no other
line, so comments, order, formatting and every value a human wrote survive. Re-serialising the
parsed TOML would lose all of that. The result is parsed again and compared with the original
data before anything is written: if the edit would change a single existing value (a file laid
out in a way the insertion does not expect), nothing is written and the caller gets an error
with the tables to paste by hand.

Everything from the app (class, permission and component names) is escaped before it lands in
a TOML string and stripped of line breaks before it lands in a comment: a hostile manifest
cannot inject keys into the team's declarations.
"""

from __future__ import annotations

import datetime as _dt
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from selfaudit.documents.rows import format_evidence, listed_permission
from selfaudit.errors import ConfigError

if TYPE_CHECKING:
    from selfaudit.knowledge import KnowledgeBase
    from selfaudit.model import AppFacts, Inventory, PermissionItem, PIItem, ThirdParty

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["new_declarations_text", "update_declarations_text", "UpdateResult", "UpdateConflict", "toml_string"]

MAX_EVIDENCE = 6

BANNERS = {
    "pi": "# Personal information: one table per PI type (ids: docs/pi-type-ids.md)",
    "third_party": "# Third parties: one table per embedded SDK or partner you share PI with",
    "permission": "# Permissions: one table per system permission the app requests",
}
_RULE = "# " + "-" * 98
_KIND_ORDER = ("pi", "third_party", "permission")


def toml_string(value: str) -> str:
    """A TOML basic string (quotes, backslashes and control characters escaped)."""
    out = []
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _comment(text: str) -> str:
    """Text safe inside a ``#`` comment: one line, no control characters."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()


def _kv(key: str, value: str, note: str, width: int = 22) -> str:
    left = f"{key} = {value}"
    return f"{left.ljust(width)} # {_comment(note)}" if note else left


def _evidence_lines(lines: list[str]) -> list[str]:
    out = []
    for i, line in enumerate(lines[:MAX_EVIDENCE]):
        out.append(("# evidence: " if i == 0 else "#           ") + _comment(line))
    if len(lines) > MAX_EVIDENCE:
        out.append(f"#           … and {len(lines) - MAX_EVIDENCE} more (`selfaudit scan -f json` lists them all)")
    return out


# --------------------------------------------------------------------------------------------
# One table per item
# --------------------------------------------------------------------------------------------


def pi_block(item: PIItem, kb: KnowledgeBase, inventory: Inventory) -> list[str]:
    t = kb.pi_types.get(item.pi_type)
    cat = kb.categories.get(t.category if t else (item.category or ""))
    lines = ["# " + _comment(f"{item.name_zh} · {item.name_en}" + (f" · {cat.name_zh}" if cat else ""))]
    if item.sensitive:
        lines.append("# sensitive (敏感个人信息): the policy must say why it is necessary; needs separate consent")
    sdk_ids = list(dict.fromkeys(s.third_party for s in item.sources if s.third_party))
    own = any(s.kind in ("api", "field", "string") and not s.third_party for s in item.sources)
    ways = (["App自动采集"] if own else []) + (
        [f"第三方SDK（{'、'.join(kb.sdks[s].name_zh if s in kb.sdks else s for s in sdk_ids)}）自动采集"] if sdk_ids else [])
    lines += _evidence_lines(list(dict.fromkeys(format_evidence(s, kb, "en") for s in item.sources)))
    lines.append(f"[pi.{toml_string(item.pi_type)}]")
    lines.append(_kv("purpose", '"TODO"', "why the app needs it (使用目的)"))
    lines.append(_kv("scenario", '"TODO"', "the business function / when (使用场景/业务功能)"))
    lines.append(_kv("required", '"TODO"', "true: the basic function needs it; false: optional"))
    method_note = "how: 用户主动提供 / App自动采集 / SDK采集" + (f" (build shows: {'；'.join(ways)})" if ways else "")
    lines.append(_kv("method", '"TODO"', method_note))
    lines.append(_kv("retention", '"TODO"', "how long it is kept (保存期限); default: [policy] retention"))
    return lines


def third_party_block(tp: ThirdParty, kb: KnowledgeBase) -> list[str]:
    sdk = kb.sdks.get(tp.id)
    lines = ["# " + _comment(f"{tp.name_zh} · {tp.name_en}" + (f" · {tp.company}" if tp.company else ""))]
    if tp.policy_url:
        lines.append("# policy: " + _comment(tp.policy_url))
    purpose = (sdk.purpose_zh if sdk else None) or tp.purpose_zh
    if purpose:
        lines.append("# catalog purpose: " + _comment(purpose))
    if tp.pi_types:
        lines.append("# collects (catalog and code): " + _comment(", ".join(tp.pi_types)))
    lines += _evidence_lines(list(dict.fromkeys(format_evidence(e, kb, "en") for e in tp.evidence)))
    lines.append(f"[third_party.{toml_string(tp.id)}]")
    lines.append(_kv("purpose", '"TODO"', "why you share with it (使用目的)"))
    lines.append(_kv("scenario", '"TODO"', "when / which business function (使用场景)"))
    lines.append(_kv("sharing", '"TODO"', 'how: "SDK本机采集" (the SDK collects on the device) or "后台接口传输"'))
    lines.append(_kv("required", '"TODO"', "true: the basic function needs it; false: optional"))
    if tp.pi_types:
        listed = ", ".join(toml_string(p) for p in tp.pi_types)
        lines.append(f"# pi_types = [{listed}]")
        lines.append("#   ^ uncomment and trim to state exactly what you share (default: what the build and catalog show)")
    return lines


def permission_block(item: PermissionItem, kb: KnowledgeBase) -> list[str]:
    known = kb.permissions.get(item.name)
    label = " · ".join(x for x in (item.label_zh, item.label_en, item.protection_level) if x)
    lines = ["# " + _comment(label or item.name)]
    if known and known.function_zh:
        lines.append("# function: " + _comment(known.function_zh))
    if item.pi_types:
        lines.append("# reaches: " + _comment(", ".join(item.pi_types)))
    lines += _evidence_lines(list(dict.fromkeys(format_evidence(e, kb, "en") for e in item.evidence)))
    lines.append(f"[permission.{toml_string(item.name)}]")
    lines.append(_kv("purpose", '"TODO"', "why (使用目的): shown in the permission list and when asking"))
    lines.append(_kv("scenario", '"TODO"', "the business function that needs it"))
    if item.protection_level != "normal":
        lines.append(_kv("asked_when", '"TODO"', "when the app asks (申请时机), e.g. the first time the user scans a code"))
        lines.append(_kv("refusal_effect", '"TODO"', "what happens if the user refuses (拒绝授权的影响)"))
    return lines


def _items(inventory: Inventory, kb: KnowledgeBase) -> dict[str, list[tuple[str, list[str]]]]:
    """Every detected item as (id, table lines), per kind, in document order."""
    cat_order = {c: i for i, c in enumerate(kb.categories)}
    pis = sorted(inventory.data_items, key=lambda i: (cat_order.get(i.category or "", 99), i.pi_type))
    perms = [p for p in inventory.permissions if listed_permission(p)]
    rank = {"dangerous": 0, "special": 1, "normal": 2}
    perms.sort(key=lambda p: (rank.get(p.protection_level or "", 3), p.name))
    return {
        "pi": [(i.pi_type, pi_block(i, kb, inventory)) for i in pis],
        "third_party": [(t.id, third_party_block(t, kb)) for t in inventory.third_parties],
        "permission": [(p.name, permission_block(p, kb)) for p in perms],
    }


# --------------------------------------------------------------------------------------------
# A new file
# --------------------------------------------------------------------------------------------


def _categories_comment(kb: KnowledgeBase) -> list[str]:
    cats = sorted(kb.app_categories.values(), key=lambda c: c.number)
    lines, current = [], "#  "
    for c in cats:
        part = f" {c.number} {c.id} {c.name_zh} ·"
        if len(current) + len(part) > 100:
            lines.append(current.rstrip(" ·"))
            current = "#  "
        current += part
    if current.strip("# "):
        lines.append(current.rstrip(" ·"))
    return lines


def new_declarations_text(
    facts: AppFacts,
    inventory: Inventory,
    kb: KnowledgeBase,
    *,
    target: str,
    tool_version: str,
    today: _dt.date | None = None,
) -> str:
    """The first ``privacy.toml`` for a build: facts filled in, everything else TODO."""
    day = (today or _dt.date.today()).isoformat()
    name = facts.label or facts.package or "TODO"
    out = [
        "# privacy.toml: what only your team knows about the personal information the app handles.",
        "#",
        f"# Written by `selfaudit init` (selfaudit {tool_version}) from {_comment(target)} on {day}.",
        '# Every "TODO" is a gap only you can fill: the generated documents show it until you do.',
        "# `selfaudit init --update` adds the items a new build shows and leaves everything else as it is;",
        "# `selfaudit docs` turns this file and the build into the dual list, the permission list and a",
        '# privacy-policy draft. A text value may have an English variant (purpose_en = "...") for --lang en.',
        "# File format: docs/documents.md.",
        "",
        "[meta]",
        _kv("target", toml_string(target), "the build `init --update` and `docs` scan when given none", 40),
        _kv("generated_by", toml_string(f"selfaudit {tool_version}"), "", 40),
        "",
        "[app]",
        _kv("name", toml_string(name), "as the policy names the app (name_en for English)", 40),
        _kv("package", toml_string(facts.package or "TODO"), "", 40),
        "# The app type under 《常见类型移动互联网应用程序必要个人信息范围规定》 (number, id or Chinese name);",
        "# it decides which personal information the documents call necessary. The 39 types:",
        *_categories_comment(kb),
        'category = "TODO"',
        "",
        "[operator]  # the personal-information processor (PIPL art. 17)",
        _kv("company", '"TODO"', "legal name (公司全称)"),
        _kv("address", '"TODO"', "registered address"),
        _kv("contact", '"TODO"', "how users reach you: customer-service phone, web form"),
        _kv("email", '"TODO"', "e-mail for privacy requests"),
        _kv("dpo_email", '"TODO"', "personal-information protection officer (个人信息保护负责人)"),
        "",
        "[policy]  # policy-wide facts the privacy-policy draft needs",
        _kv("effective_date", '"TODO"', "生效日期, e.g. 2025-01-01", 26),
        _kv("updated_date", '"TODO"', "更新日期", 26),
        _kv("url", '"TODO"', "where the policy is published (H5 page)", 26),
        _kv("retention", '"TODO"', "default retention when a PI item states none", 26),
        _kv("security", '"TODO"', "security measures: encryption, access control, certification", 26),
        _kv("rights", '"TODO"', "how users access, correct, delete, withdraw consent, delete the account", 26),
        _kv("response_time", '"TODO"', 'how fast you answer a request, e.g. "15个工作日"', 26),
        _kv("children", '"TODO"', "minors: does the app target children under 14? parental consent?", 26),
        _kv("cross_border", '"TODO"', "does personal information leave mainland China? to whom, why?", 26),
        "",
        "[consent]",
        "# The consent gate, so the pre-consent rules can tell code that runs after the user agreed:",
        "# gate_methods run only after consent (the dialog's agree handler, the post-consent SDK init);",
        "# gate_checks are boolean checks guarding SDK initialisation. Names as Class.method.",
        "gate_methods = []",
        "gate_checks = []",
    ]
    for kind, items in _items(inventory, kb).items():
        out += ["", _RULE, BANNERS[kind], _RULE]
        for _, block in items:
            out += ["", *block]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Updating an edited file
# --------------------------------------------------------------------------------------------


class UpdateConflict(ConfigError):
    """The insertion would change existing values; ``tables`` is what to add by hand."""

    def __init__(self, message: str, tables: str) -> None:
        super().__init__(message)
        self.tables = tables


@dataclass
class UpdateResult:
    text: str
    added: list[str]  # "pi.device.imei", "permission.android.permission.CAMERA", ...


_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_\-]+)\s*(\.|\])")


def _header_kind(line: str) -> str | None:
    """The top-level table of a ``[table]`` header line (None for other lines and ``[[...]]``)."""
    if line.lstrip().startswith("[["):
        return None
    m = _HEADER.match(line)
    return m.group(1) if m else None


def _is_blank_or_comment(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def _insertion_index(lines: list[str], kind: str) -> int:
    """Where new tables of ``kind`` go: after the last line of the last such table.

    Comment lines right above the next header belong to that header (they describe it), so the
    new tables go above them. With no table of this kind yet: after its banner comment if
    ``init`` wrote one, else before the first table of a kind that comes later, else at the end.
    """
    headers = [(i, _header_kind(line)) for i, line in enumerate(lines)]
    headers = [(i, k) for i, k in headers if k is not None]
    mine = [i for i, k in headers if k == kind]
    if mine:
        nxt = next((i for i, _ in headers if i > mine[-1]), len(lines))
        j = nxt
        while j > mine[-1] + 1 and _is_blank_or_comment(lines[j - 1]):
            j -= 1
        return j
    banner = BANNERS[kind]
    for i, line in enumerate(lines):
        if line.strip() == banner:
            j = i + 1
            while j < len(lines) and lines[j].strip() == _RULE.strip():
                j += 1
            return j
    later = [k for k in _KIND_ORDER[_KIND_ORDER.index(kind) + 1:]]
    first_later = next((i for i, k in headers if k in later), None)
    if first_later is None:
        j = len(lines)
    else:
        j = first_later
    while j > 0 and _is_blank_or_comment(lines[j - 1]):
        j -= 1
    return j


def _declared_ids(data: dict) -> dict[str, set[str]]:
    perms = set()
    for name in (data.get("permission") or {}):
        perms.add(name)
        perms.add(name.rsplit(".", 1)[-1])
    return {
        "pi": set(data.get("pi") or {}),
        "third_party": set(data.get("third_party") or {}),
        "permission": perms,
    }


def update_declarations_text(
    text: str,
    path: str,
    inventory: Inventory,
    kb: KnowledgeBase,
    *,
    today: _dt.date | None = None,
) -> UpdateResult:
    """Insert tables for detected items the file does not declare; change nothing else."""
    try:
        old = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    declared = _declared_ids(old)
    day = (today or _dt.date.today()).isoformat()
    lines = text.splitlines()
    newline = "\r\n" if "\r\n" in text else "\n"
    added: list[str] = []
    pending: dict[str, list[str]] = {}
    for kind, items in _items(inventory, kb).items():
        blocks: list[str] = []
        for ident, block in items:
            short = ident.rsplit(".", 1)[-1] if kind == "permission" else ident
            if ident in declared[kind] or short in declared[kind]:
                continue
            blocks += ["", f"# added by `selfaudit init --update` on {day}", *block]
            added.append(f"{kind}.{ident}")
        if blocks:
            pending[kind] = blocks
    if not added:
        return UpdateResult(text=text, added=[])
    # Insert from the bottom up so earlier indices stay valid.
    spots = sorted(((_insertion_index(lines, kind), _KIND_ORDER.index(kind), kind) for kind in pending), reverse=True)
    for index, _, kind in spots:
        block = pending[kind]
        if index < len(lines) and lines[index].strip():
            block = [*block, ""]
        lines[index:index] = block
    new_text = newline.join(lines) + (newline if text.endswith(("\n", "\r")) or not text else "")
    _verify(old, new_text, added, path, pending)
    return UpdateResult(text=new_text, added=added)


def _verify(old: dict, new_text: str, added: list[str], path: str, pending: dict[str, list[str]]) -> None:
    """Refuse an edit that changes anything but the added tables (the human's file is sacred)."""
    try:
        new = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError as exc:
        problem = f"the result would not parse ({exc})"
    else:
        stripped = {k: (dict(v) if isinstance(v, dict) else v) for k, v in new.items()}
        for entry in added:
            kind, ident = entry.split(".", 1)
            table = stripped.get(kind)
            if isinstance(table, dict):
                table.pop(ident, None)
                if not table and kind not in old:
                    stripped.pop(kind)
        if stripped == old:
            return
        problem = "the result would change existing values"
    tables = "\n".join(line for block in pending.values() for line in block)
    raise UpdateConflict(
        f"{path}: cannot add the new items safely: {problem}. Nothing was written; "
        "add the tables printed above by hand",
        tables,
    )
