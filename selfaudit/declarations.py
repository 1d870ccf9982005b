"""The declarations file: the human half of the audit.

Static analysis finds *what* a build collects; only the team knows *why*. ``privacy.toml`` (path
configurable) holds the operator, the app category, the consent gate, a few policy-wide facts and,
per PI type, third party and permission, the purpose and scenario the documents print. A detected
item with no declaration is a finding; a declared item nothing in the build shows is "declared,
not observed" (server-side collection is invisible to a static tool, so it stays in the documents).

Values equal to ``TODO`` (as written by ``selfaudit init``) count as *missing*: the item is
declared but the draft documents show the TODO and rules can report it.

Text values may carry a per-language variant with a ``_en`` or ``_zh`` suffix
(``purpose_en = "..."``): the English documents use ``purpose_en`` when it is there and
``purpose`` otherwise. The file format is documented in ``docs/documents.md``.

Loading checks the shape of the file (types, unknown keys) and needs nothing else;
:func:`validate_declarations` checks names against the knowledge base (app category, PI types)
when a caller has one loaded. Both report problems as ``file:line: table.key: message``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selfaudit.config import key_line
from selfaudit.errors import ConfigError

if TYPE_CHECKING:
    from selfaudit.knowledge import KnowledgeBase
    from selfaudit.model import Inventory, PIItem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "Declarations",
    "ConsentGate",
    "PIDeclaration",
    "ThirdPartyDeclaration",
    "PermissionDeclaration",
    "Operator",
    "PolicyInfo",
    "Reconciliation",
    "load_declarations",
    "parse_declarations",
    "validate_declarations",
    "reconcile",
    "covering_third_parties",
    "is_todo",
    "TODO",
]

TODO = "TODO"

#: Language suffixes a text key may carry (``purpose_en``), and the document language each serves.
LANG_SUFFIXES = {"en": "_en", "zh-CN": "_zh"}


_TODO_MARK = re.compile(r"(?i)\s*todo\b")


def is_todo(value: Any) -> bool:
    """True for a missing value or one still marked TODO (``"TODO"``, ``"TODO: ask legal"``).

    A word that merely starts with the letters (``"Todolist sync"``) is a real value.
    """
    return value is None or (isinstance(value, str) and (not value.strip() or bool(_TODO_MARK.match(value))))


class _Texts:
    """Per-language variants of text fields (``purpose_en``), kept apart from the base values."""

    i18n: dict[str, str]

    def text(self, name: str, lang: str = "zh-CN") -> str | None:
        """The value of text field ``name`` for a document language, falling back to the base value."""
        suffix = LANG_SUFFIXES.get(lang)
        if suffix:
            variant = self.i18n.get(name + suffix)
            if not is_todo(variant):
                return variant
        return getattr(self, name)


@dataclass
class Operator(_Texts):
    """The personal-information processor (PIPL art. 17): who the user deals with and how."""

    company: str | None = None
    address: str | None = None
    contact: str | None = None
    email: str | None = None
    dpo_email: str | None = None
    phone: str | None = None
    i18n: dict[str, str] = field(default_factory=dict)


@dataclass
class PolicyInfo(_Texts):
    """Policy-wide facts only the team knows: dates, where it is published, retention, transfers."""

    effective_date: str | None = None
    updated_date: str | None = None
    url: str | None = None
    retention: str | None = None
    security: str | None = None
    cross_border: str | None = None
    children: str | None = None
    rights: str | None = None
    response_time: str | None = None
    i18n: dict[str, str] = field(default_factory=dict)


@dataclass
class ConsentGate:
    """How the app asks for consent, so reachability can tell pre- from post-consent code.

    ``gate_methods`` run only after the user agreed (e.g. the dialog's "agree" handler, or the
    method that initialises SDKs after consent). ``gate_checks`` are boolean checks such as
    ``com.example.Privacy.isAgreed`` that guard SDK initialisation: calls made in a method after
    it calls a gate check are treated as guarded.
    """

    gate_methods: list[str] = field(default_factory=list)
    gate_checks: list[str] = field(default_factory=list)

    @property
    def declared(self) -> bool:
        return bool(self.gate_methods or self.gate_checks)


@dataclass
class PIDeclaration(_Texts):
    """Why and how one PI type is collected. ``name``/``category``/``sensitive`` override the
    knowledge base (and are how a team declares a PI type the knowledge base does not know)."""

    pi_type: str
    purpose: str | None = None
    scenario: str | None = None
    required: bool | None = None
    method: str | None = None
    retention: str | None = None
    notes: str | None = None
    name: str | None = None
    category: str | None = None
    sensitive: bool | None = None
    line: int | None = None
    i18n: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not is_todo(self.purpose) and not is_todo(self.scenario)


@dataclass
class ThirdPartyDeclaration(_Texts):
    """What is shared with one third party (SDK or partner), why, and how.

    ``pi_types``, when given, is exactly what the team says it shares; otherwise the documents
    show what the build and the SDK catalog show. ``name``/``company``/``policy_url`` override
    the catalog (and describe a partner the catalog does not know).
    """

    id: str
    purpose: str | None = None
    scenario: str | None = None
    pi_types: list[str] = field(default_factory=list)
    sharing: str | None = None
    required: bool | None = None
    company: str | None = None
    name: str | None = None
    policy_url: str | None = None
    notes: str | None = None
    line: int | None = None
    i18n: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not is_todo(self.purpose) and not is_todo(self.scenario)


@dataclass
class PermissionDeclaration(_Texts):
    """Why one system permission is requested, when it is asked for, and what refusing does."""

    name: str
    purpose: str | None = None
    scenario: str | None = None
    asked_when: str | None = None
    refusal_effect: str | None = None
    notes: str | None = None
    line: int | None = None
    i18n: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not is_todo(self.purpose)


@dataclass
class Declarations:
    path: Path | None = None
    app_name: str | None = None
    app_category: str | None = None
    app_package: str | None = None
    operator: Operator = field(default_factory=Operator)
    policy: PolicyInfo = field(default_factory=PolicyInfo)
    consent: ConsentGate = field(default_factory=ConsentGate)
    pi: dict[str, PIDeclaration] = field(default_factory=dict)
    third_parties: dict[str, ThirdPartyDeclaration] = field(default_factory=dict)
    permissions: dict[str, PermissionDeclaration] = field(default_factory=dict)
    #: ``[meta] target``: the build ``selfaudit init`` scanned, relative to this file.
    target: str | None = None
    app_i18n: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def declares_permission(self, name: str) -> bool:
        short = name.rsplit(".", 1)[-1]
        return name in self.permissions or short in self.permissions

    def permission(self, name: str) -> PermissionDeclaration | None:
        return self.permissions.get(name) or self.permissions.get(name.rsplit(".", 1)[-1])

    def app_text(self, lang: str = "zh-CN") -> str | None:
        """The app name for a document language (``name_en`` in ``[app]`` for English)."""
        suffix = LANG_SUFFIXES.get(lang)
        variant = self.app_i18n.get("name" + suffix) if suffix else None
        return variant if not is_todo(variant) else self.app_name

    def target_path(self) -> Path | None:
        """``[meta] target`` resolved against the declarations file's directory."""
        if not self.target:
            return None
        p = Path(self.target).expanduser()
        if not p.is_absolute() and self.path is not None:
            p = self.path.resolve().parent / p
        return p


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_TOP_KEYS = {"app", "operator", "policy", "consent", "pi", "third_party", "permission", "meta"}

# section → {key: kind}; kind is "text" (a string, may have _en/_zh variants), "str" (a string,
# no variants), "bool" (true/false, or TODO), "list" (list of strings).
_SCHEMA: dict[str, dict[str, str]] = {
    "app": {"name": "text", "category": "str", "package": "str"},
    "operator": {k: "text" for k in ("company", "address", "contact")} | {
        "email": "str", "dpo_email": "str", "phone": "str"},
    "policy": {k: "text" for k in ("retention", "security", "cross_border", "children", "rights", "response_time")}
    | {"effective_date": "str", "updated_date": "str", "url": "str"},
    "consent": {"gate_methods": "list", "gate_checks": "list"},
    "meta": {"target": "str", "generated_by": "str"},
    "pi": {"purpose": "text", "scenario": "text", "required": "bool", "method": "text", "retention": "text",
           "notes": "text", "name": "text", "category": "str", "sensitive": "bool"},
    "third_party": {"purpose": "text", "scenario": "text", "pi_types": "list", "sharing": "text", "required": "bool",
                    "company": "text", "name": "text", "policy_url": "str", "notes": "text"},
    "permission": {"purpose": "text", "scenario": "text", "asked_when": "text", "refusal_effect": "text",
                   "notes": "text"},
}


def load_declarations(path: Path) -> Declarations:
    """Read and validate a declarations file; errors name the file, line and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: declarations file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read declarations: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return parse_declarations(data, path, text)


class _Errors:
    """Builds ``file:line: table.key: message`` errors (tomllib keeps no positions)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def __call__(self, table: str | None, key: str | None, msg: str) -> ConfigError:
        line = key_line(self.text, table, key) if self.text else None
        if line is None and self.text and table and key is None and "." in table:
            line = key_line(self.text, table.split(".", 1)[0], table.split(".", 1)[1])
        where = f"{self.path}:{line}" if line else str(self.path)
        shown = ".".join(x for x in (table, key) if x)
        return ConfigError(f"{where}: {shown}: {msg}")


def _read_section(values: dict[str, Any], section: str, table: str, err: _Errors) -> tuple[dict[str, Any], dict[str, str]]:
    """Type-check one table; return (base values, language variants)."""
    schema = _SCHEMA[section]
    out: dict[str, Any] = {}
    i18n: dict[str, str] = {}
    for key, value in values.items():
        kind = schema.get(key)
        if kind is None:
            for suffix in LANG_SUFFIXES.values():
                if key.endswith(suffix) and schema.get(key[: -len(suffix)]) == "text":
                    kind = "variant"
        if kind is None:
            expected = ", ".join(sorted(schema))
            raise err(table, key, f"unknown key (expected one of {expected})")
        if kind in ("text", "str", "variant"):
            if not isinstance(value, str):
                raise err(table, key, f"must be a string, got {type(value).__name__}")
            if kind == "variant":
                i18n[key] = value
            else:
                out[key] = value
        elif kind == "bool":
            if isinstance(value, str) and is_todo(value):
                out[key] = None
            elif isinstance(value, bool):
                out[key] = value
            else:
                raise err(table, key, "must be true or false")
        elif kind == "list":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise err(table, key, "must be a list of strings")
            out[key] = list(value)
    return out, i18n


def parse_declarations(data: dict[str, Any], path: Path, text: str = "") -> Declarations:
    """Build :class:`Declarations` from parsed TOML, checking types and key names."""
    err = _Errors(path, text)
    decl = Declarations(path=path)
    for key, value in data.items():
        if key not in _TOP_KEYS:
            raise err(None, key, f"unknown section (expected one of {', '.join(sorted(_TOP_KEYS))})")
        if not isinstance(value, dict):
            if key in ("pi", "third_party", "permission"):
                raise err(None, key, f"must be tables: [{key}.\"<id>\"]")
            raise err(None, key, "must be a table")

    raw_app = dict(data.get("app", {}))
    cat = raw_app.get("category")
    if isinstance(cat, int) and not isinstance(cat, bool):  # category = 38 (the number in the rules)
        raw_app["category"] = str(cat)
    app, decl.app_i18n = _read_section(raw_app, "app", "app", err)
    decl.app_name = app.get("name")
    decl.app_category = app.get("category")
    decl.app_package = app.get("package")

    op, op_i18n = _read_section(data.get("operator", {}), "operator", "operator", err)
    decl.operator = Operator(**op, i18n=op_i18n)
    pol, pol_i18n = _read_section(data.get("policy", {}), "policy", "policy", err)
    decl.policy = PolicyInfo(**pol, i18n=pol_i18n)
    consent, _ = _read_section(data.get("consent", {}), "consent", "consent", err)
    decl.consent = ConsentGate(**consent)
    meta, _ = _read_section(data.get("meta", {}), "meta", "meta", err)
    decl.target = meta.get("target")
    if "meta" in data:
        decl.extra["meta"] = data["meta"]

    for section, attr, cls, ident_field in (
        ("pi", "pi", PIDeclaration, "pi_type"),
        ("third_party", "third_parties", ThirdPartyDeclaration, "id"),
        ("permission", "permissions", PermissionDeclaration, "name"),
    ):
        target = getattr(decl, attr)
        for ident, values in data.get(section, {}).items():
            table = f"{section}.{ident}"
            if not isinstance(values, dict):
                raise err(section, ident, f"must be a table: [{section}.\"{ident}\"]")
            base, i18n = _read_section(values, section, table, err)
            line = key_line(text, table, None) if text else None
            if line is None and text:
                line = key_line(text, section, ident)
            target[ident] = cls(**{ident_field: ident}, **base, line=line, i18n=i18n)

    for name in decl.permissions:
        short = name.rsplit(".", 1)[-1]
        if "." in name and short in decl.permissions:
            raise err(f"permission.{name}", None, f"declared twice (also as permission.{short})")
    return decl


# --------------------------------------------------------------------------------------------
# Checking names against the knowledge base
# --------------------------------------------------------------------------------------------


def validate_declarations(decl: Declarations, knowledge: KnowledgeBase) -> None:
    """Check the names a declarations file uses: app category, PI types, PI categories.

    Separate from loading because it needs the knowledge base (plugins may add PI types and
    categories); the document commands call it before generating anything.
    """
    text = ""
    if decl.path is not None:
        try:
            text = decl.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
    err = _Errors(decl.path or Path("<declarations>"), text)
    if not is_todo(decl.app_category) and knowledge.app_categories and knowledge.app_category(decl.app_category) is None:
        numbers = ", ".join(f"{c.number} {c.id}" for c in sorted(knowledge.app_categories.values(), key=lambda c: c.number)[:3])
        raise err("app", "category", f"unknown app category {decl.app_category!r} (use one of the 39 types by id, "
                  f"number or Chinese name, e.g. {numbers}…; `selfaudit init` lists them all)")
    for ident, d in decl.pi.items():
        table = f"pi.{ident}"
        if ident not in knowledge.pi_types and is_todo(d.name):
            raise err(table, None, "unknown PI type: give it a `name` (and `category`, `sensitive`) "
                      "or use an id from docs/pi-type-ids.md")
        if d.category is not None and d.category not in knowledge.categories:
            raise err(table, "category", f"unknown PI category {d.category!r} "
                      f"(one of {', '.join(sorted(knowledge.categories))})")
    for ident, tp in decl.third_parties.items():
        table = f"third_party.{ident}"
        if ident not in knowledge.sdks and (is_todo(tp.name) or is_todo(tp.company)):
            raise err(table, None, "not in the SDK catalog: give it a `name` and a `company`")
        for pi in tp.pi_types:
            if pi not in knowledge.pi_types and pi not in decl.pi:
                raise err(table, "pi_types", f"unknown PI type {pi!r}")


# --------------------------------------------------------------------------------------------
# Detected vs declared
# --------------------------------------------------------------------------------------------


@dataclass
class Reconciliation:
    """What the build shows against what the team declared, per kind of item.

    ``undeclared_*``: detected, no declaration (a finding and a TODO row in the documents).
    ``not_observed_*``: declared, nothing in the build shows it (kept in the documents: the
    collection may happen on the server). ``incomplete_*``: declared with TODO purpose/scenario.
    Permissions are matched by full or short name; a PI type only SDKs collect counts as
    declared when those SDKs' declarations list it (:func:`covering_third_parties`).
    """

    undeclared_pi: list[str] = field(default_factory=list)
    undeclared_third_parties: list[str] = field(default_factory=list)
    undeclared_permissions: list[str] = field(default_factory=list)
    not_observed_pi: list[str] = field(default_factory=list)
    not_observed_third_parties: list[str] = field(default_factory=list)
    not_observed_permissions: list[str] = field(default_factory=list)
    incomplete_pi: list[str] = field(default_factory=list)
    incomplete_third_parties: list[str] = field(default_factory=list)
    incomplete_permissions: list[str] = field(default_factory=list)


#: Evidence kinds that say who collects a PI type (code sites and SDK catalog entries).
_OWNER_KINDS = ("api", "field", "string", "sdk")


def covering_third_parties(item: PIItem, declarations: Declarations) -> list[str]:
    """The declared third parties that account for a PI item nobody declared under ``[pi]``.

    A PI type that only SDKs collect may be declared in those SDKs' ``pi_types`` instead of a
    ``[pi]`` table (the ``undeclared-collection`` rule accepts that). Returns their ids when every
    code site and catalog entry behind the item belongs to a third party whose declaration lists
    it; an empty list when the app's own code collects it or some owner does not list it.
    """
    owners = {s.third_party for s in item.sources if s.kind in _OWNER_KINDS}
    if not owners or None in owners:
        return []
    listing = {tp for tp, d in declarations.third_parties.items() if item.pi_type in d.pi_types}
    return sorted(owners) if owners <= listing else []


def reconcile(inventory: Inventory, declarations: Declarations) -> Reconciliation:
    """Compare an inventory with the declarations (cheap: no knowledge base needed).

    The ``undeclared-collection`` and ``declared-not-observed`` rules and the documents share
    this, so a row's status in the draft and the finding about it always agree.
    """
    r = Reconciliation()
    seen_pi = {i.pi_type for i in inventory.data_items}
    seen_tp = {t.id for t in inventory.third_parties}
    seen_perm = {p.name for p in inventory.permissions} | {p.name.rsplit(".", 1)[-1] for p in inventory.permissions}
    r.undeclared_pi = [i.pi_type for i in sorted(inventory.data_items, key=lambda i: i.pi_type)
                       if i.pi_type not in declarations.pi and not covering_third_parties(i, declarations)]
    r.undeclared_third_parties = [t for t in sorted(seen_tp) if t not in declarations.third_parties]
    r.undeclared_permissions = sorted(p.name for p in inventory.permissions if not declarations.declares_permission(p.name))
    r.not_observed_pi = [i for i in declarations.pi if i not in seen_pi]
    r.not_observed_third_parties = [t for t in declarations.third_parties if t not in seen_tp]
    r.not_observed_permissions = [p for p in declarations.permissions if p not in seen_perm]
    r.incomplete_pi = [i for i, d in declarations.pi.items() if not d.complete]
    r.incomplete_third_parties = [t for t, d in declarations.third_parties.items() if not d.complete]
    r.incomplete_permissions = [p for p, d in declarations.permissions.items() if not d.complete]
    return r
