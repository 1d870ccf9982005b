"""The declarations file: the human half of the audit.

Static analysis finds *what* a build collects; only the team knows *why*. ``privacy.toml`` (path
configurable) holds the operator, the app category, the consent gate and, per PI type, third
party and permission, the purpose and scenario the documents print. A detected item with no
declaration is a finding; a declared item nothing in the build shows is "declared, not observed".

Values equal to ``TODO`` (as written by ``selfaudit init``) count as *missing*: the item is
declared but the draft documents show the TODO and rules can report it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selfaudit.config import key_line
from selfaudit.errors import ConfigError

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
    "load_declarations",
    "is_todo",
]

TODO = "TODO"


def is_todo(value: Any) -> bool:
    """True for a missing value or one still marked TODO by ``selfaudit init``."""
    return value is None or (isinstance(value, str) and (not value.strip() or value.strip().upper().startswith(TODO)))


@dataclass
class Operator:
    company: str | None = None
    address: str | None = None
    contact: str | None = None
    email: str | None = None
    dpo_email: str | None = None
    phone: str | None = None


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
class PIDeclaration:
    pi_type: str
    purpose: str | None = None
    scenario: str | None = None
    required: bool | None = None
    method: str | None = None
    retention: str | None = None
    notes: str | None = None
    line: int | None = None

    @property
    def complete(self) -> bool:
        return not is_todo(self.purpose) and not is_todo(self.scenario)


@dataclass
class ThirdPartyDeclaration:
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

    @property
    def complete(self) -> bool:
        return not is_todo(self.purpose) and not is_todo(self.scenario)


@dataclass
class PermissionDeclaration:
    name: str
    purpose: str | None = None
    scenario: str | None = None
    asked_when: str | None = None
    refusal_effect: str | None = None
    notes: str | None = None
    line: int | None = None

    @property
    def complete(self) -> bool:
        return not is_todo(self.purpose)


@dataclass
class Declarations:
    path: Path | None = None
    app_name: str | None = None
    app_category: str | None = None
    operator: Operator = field(default_factory=Operator)
    consent: ConsentGate = field(default_factory=ConsentGate)
    pi: dict[str, PIDeclaration] = field(default_factory=dict)
    third_parties: dict[str, ThirdPartyDeclaration] = field(default_factory=dict)
    permissions: dict[str, PermissionDeclaration] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def declares_permission(self, name: str) -> bool:
        short = name.rsplit(".", 1)[-1]
        return name in self.permissions or short in self.permissions

    def permission(self, name: str) -> PermissionDeclaration | None:
        return self.permissions.get(name) or self.permissions.get(name.rsplit(".", 1)[-1])


_TOP_KEYS = {"app", "operator", "consent", "pi", "third_party", "permission", "meta"}
_SECTION_KEYS = {
    "app": {"name", "category", "package"},
    "operator": {"company", "address", "contact", "email", "dpo_email", "phone"},
    "consent": {"gate_methods", "gate_checks"},
    "pi": {"purpose", "scenario", "required", "method", "retention", "notes"},
    "third_party": {"purpose", "scenario", "pi_types", "sharing", "required", "company", "name",
                    "policy_url", "notes"},
    "permission": {"purpose", "scenario", "asked_when", "refusal_effect", "notes"},
}


def load_declarations(path: Path) -> Declarations:
    """Read and validate a declarations file; errors name the file, line and key."""
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


def parse_declarations(data: dict[str, Any], path: Path, text: str = "") -> Declarations:
    def err(table: str | None, key: str | None, msg: str) -> ConfigError:
        line = key_line(text, table, key) if text else None
        where = f"{path}:{line}" if line else str(path)
        shown = ".".join(x for x in (table, key) if x)
        return ConfigError(f"{where}: {shown}: {msg}")

    def opt_str(table: str, key: str, value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        raise err(table, key, f"must be a string, got {type(value).__name__}")

    def opt_bool(table: str, key: str, value: Any) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and is_todo(value):
            return None
        raise err(table, key, "must be true or false")

    def str_list(table: str, key: str, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise err(table, key, "must be a list of strings")
        return list(value)

    def check_keys(table: str, section: str, values: dict[str, Any]) -> None:
        for k in values:
            if k not in _SECTION_KEYS[section]:
                raise err(table, k, f"unknown key (expected one of {', '.join(sorted(_SECTION_KEYS[section]))})")

    decl = Declarations(path=path)
    for key in data:
        if key not in _TOP_KEYS:
            raise err(None, key, f"unknown section (expected one of {', '.join(sorted(_TOP_KEYS))})")
    for section in ("app", "operator", "consent"):
        if section in data and not isinstance(data[section], dict):
            raise err(None, section, "must be a table")
    app = data.get("app", {})
    check_keys("app", "app", app)
    decl.app_name = opt_str("app", "name", app.get("name"))
    cat = app.get("category")
    if isinstance(cat, int) and not isinstance(cat, bool):
        cat = str(cat)
    decl.app_category = opt_str("app", "category", cat)
    op = data.get("operator", {})
    check_keys("operator", "operator", op)
    decl.operator = Operator(**{k: opt_str("operator", k, v) for k, v in op.items()})
    consent = data.get("consent", {})
    check_keys("consent", "consent", consent)
    decl.consent = ConsentGate(
        gate_methods=str_list("consent", "gate_methods", consent.get("gate_methods")),
        gate_checks=str_list("consent", "gate_checks", consent.get("gate_checks")),
    )
    for section, attr in (("pi", "pi"), ("third_party", "third_parties"), ("permission", "permissions")):
        entries = data.get(section, {})
        if not isinstance(entries, dict):
            raise err(None, section, f"must be tables: [{section}.<id>]")
        target = getattr(decl, attr)
        for ident, values in entries.items():
            table = f'{section}.{ident}'
            if not isinstance(values, dict):
                raise err(section, ident, f"must be a table: [{section}.\"{ident}\"]")
            check_keys(table, section, values)
            line = key_line(text, table, None) if text else None
            if line is None and text:
                line = key_line(text, f'{section}."{ident}"', None)
            if section == "pi":
                target[ident] = PIDeclaration(
                    pi_type=ident,
                    purpose=opt_str(table, "purpose", values.get("purpose")),
                    scenario=opt_str(table, "scenario", values.get("scenario")),
                    required=opt_bool(table, "required", values.get("required")),
                    method=opt_str(table, "method", values.get("method")),
                    retention=opt_str(table, "retention", values.get("retention")),
                    notes=opt_str(table, "notes", values.get("notes")),
                    line=line,
                )
            elif section == "third_party":
                target[ident] = ThirdPartyDeclaration(
                    id=ident,
                    purpose=opt_str(table, "purpose", values.get("purpose")),
                    scenario=opt_str(table, "scenario", values.get("scenario")),
                    pi_types=str_list(table, "pi_types", values.get("pi_types")),
                    sharing=opt_str(table, "sharing", values.get("sharing")),
                    required=opt_bool(table, "required", values.get("required")),
                    company=opt_str(table, "company", values.get("company")),
                    name=opt_str(table, "name", values.get("name")),
                    policy_url=opt_str(table, "policy_url", values.get("policy_url")),
                    notes=opt_str(table, "notes", values.get("notes")),
                    line=line,
                )
            else:
                target[ident] = PermissionDeclaration(
                    name=ident,
                    purpose=opt_str(table, "purpose", values.get("purpose")),
                    scenario=opt_str(table, "scenario", values.get("scenario")),
                    asked_when=opt_str(table, "asked_when", values.get("asked_when")),
                    refusal_effect=opt_str(table, "refusal_effect", values.get("refusal_effect")),
                    notes=opt_str(table, "notes", values.get("notes")),
                    line=line,
                )
    if "meta" in data:
        decl.extra["meta"] = data["meta"]
    return decl
