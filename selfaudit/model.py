"""The data model: plain dataclasses that flow through collect → enrich → check → render.

Everything here is plain data so that any stage can be tested on hand-built values, a plugin can
build or inspect them without knowing how they were produced, and a report round-trips through
JSON (`to_dict` / `from_dict`). Nothing downstream of ``collect`` knows whether the facts came
from an APK or a source tree: both fill the same :class:`AppFacts`.

Naming follows the JSON report: class names of Android code are *binary names* with ``$`` for
nested classes (``com.example.Outer$Inner``); an API is written ``fully.qualified.Class.member``.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

__all__ = [
    "SCHEMA_VERSION",
    "Severity",
    "Confidence",
    "Location",
    "Evidence",
    "UsesPermission",
    "IntentFilter",
    "Component",
    "ApplicationInfo",
    "SigningInfo",
    "CodeRef",
    "Dependency",
    "AppFacts",
    "Call",
    "CodeModel",
    "PIItem",
    "ThirdParty",
    "PermissionItem",
    "Inventory",
    "RegulationRef",
    "Rule",
    "Suppression",
    "Finding",
    "AppSummary",
    "BaselineInfo",
    "Report",
    "to_dict",
    "from_dict",
]

_DEX_NAME = re.compile(r"^classes\d*\.dex$")

#: Field metadata for values that never go into JSON (lazy code access, callables, back-references).
_NOT_JSON = {"json": False}

#: Version of the JSON report layout (``schema/report.schema.json``). Bump the minor number for
#: additions and the major number for anything that could break a reader.
SCHEMA_VERSION = "1.0"


class _OrderedStrEnum(str, enum.Enum):
    """A string enum whose members compare by declaration order (``LOW < HIGH``)."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)

    def __lt__(self, other: object) -> bool:
        if isinstance(other, type(self)):
            return self.rank < other.rank
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, type(self)):
            return self.rank <= other.rank
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, type(self)):
            return self.rank > other.rank
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, type(self)):
            return self.rank >= other.rank
        return NotImplemented

    def __str__(self) -> str:
        return self.value

    __hash__ = str.__hash__


class Severity(_OrderedStrEnum):
    """How bad a finding is if it is true (maps to SARIF level and to ``--fail-on``)."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Confidence(_OrderedStrEnum):
    """How often the rule is right when it fires (maps to SARIF precision)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass
class Location:
    """Where something is: a file/line in a source tree, or a class/method in an APK.

    ``file`` is relative to the scan root (POSIX separators). For APK facts it names the entry in
    the archive (``AndroidManifest.xml``, ``classes2.dex``). ``class_name`` is serialised as
    ``class``; ``method`` is the bare method name and ``descriptor`` its JVM descriptor.
    """

    file: str | None = None
    line: int | None = None
    class_name: str | None = None
    method: str | None = None
    descriptor: str | None = None
    component: str | None = None

    def display(self) -> str:
        """Human form: ``file:line`` for sources, ``Class.method`` for bytecode."""
        parts = []
        if self.class_name:
            parts.append(self.class_name + (f".{self.method}" if self.method else ""))
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
            parts.append(where if not parts else f"({where})")
        elif self.component and not parts:
            parts.append(self.component)
        return " ".join(parts)

    def stable_key(self) -> str:
        """The part of the location that survives edits: never the line number.

        For bytecode the DEX file name is left out too: R8 may move a class to another
        ``classesN.dex`` between builds without anything changing in the app.
        """
        file = self.file
        if self.class_name and file and _DEX_NAME.match(file.rsplit("/", 1)[-1]):
            file = None
        return "|".join(x or "" for x in (file, self.class_name, self.method, self.component))


@dataclass
class Evidence:
    """One observation that backs a PI item, a third party, a permission or a finding.

    ``kind`` says what was observed: ``api`` (a call site), ``field`` (a static field read),
    ``string`` (a constant such as ``content://sms``), ``permission``, ``sdk-class`` (class package),
    ``gradle`` (a dependency), ``manifest`` (component or meta-data), ``native-lib``, ``declaration``.
    ``api`` is the code API as ``fully.qualified.Class.member`` for code evidence.
    ``reachable`` is True/False once the call graph has been consulted, None when unknown.
    ``path`` is the call path from an entry point when reachability found one (shortest first).
    """

    kind: str
    api: str | None = None
    detail: str | None = None
    location: Location | None = None
    third_party: str | None = None
    reachable: bool | None = None
    path: list[str] = field(default_factory=list)

    def key(self) -> tuple:
        loc = self.location.stable_key() if self.location else ""
        return (self.kind, self.api or "", self.detail or "", loc)


# --------------------------------------------------------------------------------------------
# AppFacts: what the app *is*
# --------------------------------------------------------------------------------------------


@dataclass
class UsesPermission:
    """A ``<uses-permission>`` (or ``-sdk-23``) element."""

    name: str
    max_sdk: int | None = None
    sdk23: bool = False
    location: Location | None = None


@dataclass
class IntentFilter:
    actions: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    data: list[dict[str, str]] = field(default_factory=list)
    priority: int | None = None


@dataclass
class Component:
    """An activity, service, receiver or provider, with its *effective* exported state."""

    kind: str  # activity | activity-alias | service | receiver | provider
    name: str
    exported: bool | None = None
    exported_explicit: bool | None = None
    enabled: bool = True
    permission: str | None = None
    process: str | None = None
    intent_filters: list[IntentFilter] = field(default_factory=list)
    meta_data: dict[str, str] = field(default_factory=dict)
    authorities: list[str] = field(default_factory=list)
    init_order: int | None = None
    target_activity: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    location: Location | None = None

    @property
    def actions(self) -> list[str]:
        return [a for f in self.intent_filters for a in f.actions]

    def is_launcher(self) -> bool:
        return any(
            "android.intent.action.MAIN" in f.actions
            and "android.intent.category.LAUNCHER" in f.categories
            for f in self.intent_filters
        )


@dataclass
class ApplicationInfo:
    """The ``<application>`` element: class name and the flags hygiene rules look at."""

    name: str | None = None
    label: str | None = None
    debuggable: bool | None = None
    allow_backup: bool | None = None
    uses_cleartext_traffic: bool | None = None
    network_security_config: str | None = None
    request_legacy_external_storage: bool | None = None
    app_component_factory: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    meta_data: dict[str, str] = field(default_factory=dict)
    location: Location | None = None


@dataclass
class SigningInfo:
    v1: bool = False
    v2: bool = False
    v3: bool = False
    certificates: list[str] = field(default_factory=list)  # subject strings


@dataclass
class CodeRef:
    """A reference from app code to a knowledge-base API (call site, field read or constant).

    ``api_id`` is the knowledge-base entry id; ``api`` its ``Class.member`` form. ``strings`` holds
    the string constants loaded in the same method (what rules need for constant arguments),
    ``numbers`` the numeric constants (timer intervals, sensor thresholds) where the collector can
    see them. ``container`` says where the code came from when it is not the main DEX set
    (``assets/x.jar``: secondary code, flagged). ``via`` is set when the call names an app class
    that inherits the API's member (``MainActivity.requestPermissions`` for
    ``android.app.Activity.requestPermissions``): the class the call site names.
    """

    api_id: str
    api: str
    kind: str = "call"  # call | field | string
    location: Location = field(default_factory=Location)
    strings: list[str] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)
    container: str | None = None
    via: str | None = None
    #: Set by reachability analysis: reachable from any entry point, and the shortest path.
    reachable: bool | None = None
    path: list[str] = field(default_factory=list)


@dataclass
class Dependency:
    """A declared build dependency (source mode) or a bundled library file."""

    coordinate: str  # group:artifact[:version] or a file path for local aar/jar
    configuration: str | None = None
    module: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Call:
    """One outgoing edge of a method: an invoke (or a hand-off the collector resolved itself).

    ``target`` is a method key (see :class:`CodeModel`). ``offset`` orders calls inside the caller
    (bytecode offset in an APK, line number in source) so a gate check can dominate later calls.
    """

    target: str
    offset: int | None = None
    kind: str = "invoke"  # invoke | static | super | interface | direct | custom


class CodeModel(Protocol):
    """Lazy access to the app's code for reachability, implemented by each collector.

    A *method key* is ``Class.name`` + JVM descriptor, e.g.
    ``com.example.App.onCreate()V``; in source mode the descriptor may be ``(…)`` with only the
    arity known, or empty. Only what a reachability question touches is decoded.
    """

    def has_class(self, class_name: str) -> bool: ...

    def superclass(self, class_name: str) -> str | None: ...

    def interfaces(self, class_name: str) -> list[str]: ...

    def methods_of(self, class_name: str) -> list[str]:
        """Keys of the methods the class itself defines (with code)."""
        ...

    def calls(self, method: str) -> list[Call]:
        """Every invoke in the method, framework targets included, in code order."""
        ...

    def instantiated(self, method: str) -> list[str]:
        """Classes the method creates (``new-instance``/``new X()``): Runnables, lambdas, listeners."""
        ...


@dataclass
class AppFacts:
    """Everything a collector learned about the target: the input of enrich and check."""

    target: str
    kind: str  # apk | source
    package: str | None = None
    label: str | None = None
    version_name: str | None = None
    version_code: int | None = None
    min_sdk: int | None = None
    target_sdk: int | None = None
    max_sdk: int | None = None
    compile_sdk: int | None = None
    permissions: list[UsesPermission] = field(default_factory=list)
    declared_permissions: list[str] = field(default_factory=list)
    queries: dict[str, list[str]] = field(default_factory=dict)  # packages / intents / providers
    application: ApplicationInfo = field(default_factory=ApplicationInfo)
    components: list[Component] = field(default_factory=list)
    #: class package name → number of classes in it (SDK attribution by prefix).
    packages: dict[str, int] = field(default_factory=dict)
    class_count: int = 0
    code_refs: list[CodeRef] = field(default_factory=list)
    dependencies: list[Dependency] = field(default_factory=list)
    native_libs: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    #: resource strings (name → value), default locale first, others as name@locale.
    strings: dict[str, str] = field(default_factory=dict)
    signing: SigningInfo | None = None
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Lazy code access for reachability; not serialised.
    code: Any = field(default=None, repr=False, compare=False, metadata=_NOT_JSON)
    extra: dict[str, Any] = field(default_factory=dict, metadata=_NOT_JSON)

    def component(self, name: str) -> Component | None:
        for c in self.components:
            if c.name == name:
                return c
        return None

    def permission_names(self) -> set[str]:
        return {p.name for p in self.permissions}

    def launcher_activities(self) -> list[Component]:
        return [c for c in self.components if c.kind in ("activity", "activity-alias") and c.is_launcher()]


# --------------------------------------------------------------------------------------------
# Inventory: what the app *collects*
# --------------------------------------------------------------------------------------------


@dataclass
class PIItem:
    """One PI type the build shows it collects, with every piece of evidence."""

    pi_type: str
    name_zh: str
    name_en: str
    category: str | None = None
    sensitive: bool = False
    sources: list[Evidence] = field(default_factory=list)
    declared: bool = False

    @property
    def reachable(self) -> bool | None:
        vals = [s.reachable for s in self.sources if s.kind in ("api", "field", "string")]
        if any(v is True for v in vals):
            return True
        if vals and all(v is False for v in vals):
            return False
        return None


@dataclass
class ThirdParty:
    """An embedded SDK (or other third party) the build ships, with what it is known to collect."""

    id: str
    name_zh: str
    name_en: str
    company: str | None = None
    company_en: str | None = None
    category: str | None = None
    packages: list[str] = field(default_factory=list)
    pi_types: list[str] = field(default_factory=list)
    policy_url: str | None = None
    purpose_zh: str | None = None
    purpose_en: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    declared: bool = False


@dataclass
class PermissionItem:
    name: str
    protection_level: str | None = None
    pi_types: list[str] = field(default_factory=list)
    label_zh: str | None = None
    label_en: str | None = None
    max_sdk: int | None = None
    evidence: list[Evidence] = field(default_factory=list)
    declared: bool = False


@dataclass
class Inventory:
    data_items: list[PIItem] = field(default_factory=list)
    third_parties: list[ThirdParty] = field(default_factory=list)
    permissions: list[PermissionItem] = field(default_factory=list)

    def item(self, pi_type: str) -> PIItem | None:
        for it in self.data_items:
            if it.pi_type == pi_type:
                return it
        return None

    def third_party(self, sdk_id: str) -> ThirdParty | None:
        for tp in self.third_parties:
            if tp.id == sdk_id:
                return tp
        return None

    def permission(self, name: str) -> PermissionItem | None:
        for p in self.permissions:
            if p.name == name:
                return p
        return None


# --------------------------------------------------------------------------------------------
# Rules and findings
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegulationRef:
    """A citation: a knowledge-base regulation id plus article / scenario."""

    id: str
    article: str | None = None

    def display(self) -> str:
        return self.id + (f" {self.article}" if self.article else "")


CheckFn = Callable[..., Iterable["Finding"]]


@dataclass
class Rule:
    """A red-line check: metadata in the shape of Android Lint / bandit issues, plus ``check``.

    ``check(facts, inventory, context)`` yields findings; ``context`` is a
    :class:`selfaudit.api.CheckContext` giving the knowledge base, declarations and config.
    ``code`` is stable forever (``SA101``); ``name`` is kebab-case and is what users type.
    """

    code: str
    name: str
    title_en: str
    title_zh: str
    severity: Severity
    confidence: Confidence
    category: str
    explanation_en: str
    explanation_zh: str
    remediation_en: str
    remediation_zh: str
    regulations: list[RegulationRef] = field(default_factory=list)
    check: CheckFn | None = field(default=None, repr=False, compare=False, metadata=_NOT_JSON)
    tags: list[str] = field(default_factory=list)
    enabled_by_default: bool = True
    plugin: str | None = None  # filled by the plugin manager: which plugin provided it

    def finding(
        self,
        message: str,
        *,
        location: Location | None = None,
        evidence: Iterable[Evidence] = (),
        key: str = "",
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        path: Iterable[str] = (),
        message_zh: str | None = None,
    ) -> Finding:
        """Build a finding for this rule; ``key`` makes the fingerprint specific (e.g. the API)."""
        return Finding(
            rule=self.name,
            code=self.code,
            severity=severity or self.severity,
            confidence=confidence or self.confidence,
            message=message,
            message_zh=message_zh,
            location=location,
            evidence=list(evidence),
            regulations=[r.display() for r in self.regulations],
            path=list(path),
            fingerprint=fingerprint(self.name, location, key),
        )


def fingerprint(rule: str, location: Location | None, key: str = "") -> str:
    """A fingerprint that survives line shifts: rule + stable location + a rule-chosen key."""
    raw = "\x1f".join((rule, location.stable_key() if location else "", key))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


@dataclass
class Suppression:
    kind: str  # config | inline | baseline
    reason: str


@dataclass
class Finding:
    rule: str
    code: str
    severity: Severity
    confidence: Confidence
    message: str
    location: Location | None = None
    evidence: list[Evidence] = field(default_factory=list)
    regulations: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    fingerprint: str = ""
    message_zh: str | None = None
    suppression: Suppression | None = None
    #: Set when the scan used a baseline: "new" or "unchanged" (SARIF baselineState).
    baseline_state: str | None = None


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


@dataclass
class AppSummary:
    package: str | None = None
    label: str | None = None
    version_name: str | None = None
    version_code: int | None = None
    min_sdk: int | None = None
    target_sdk: int | None = None
    kind: str | None = None
    signing: SigningInfo | None = None


@dataclass
class BaselineInfo:
    """What the baseline did to this scan: which file, and how many findings were new or known."""

    path: str
    new: int = 0
    unchanged: int = 0
    absent: int = 0


@dataclass
class Report:
    target: str
    app: AppSummary
    tool: dict[str, str] = field(default_factory=dict)
    generated_at: str = ""
    permissions: list[PermissionItem] = field(default_factory=list)
    data_items: list[PIItem] = field(default_factory=list)
    third_parties: list[ThirdParty] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    baseline: BaselineInfo | None = None
    schema_version: str = SCHEMA_VERSION
    #: Not serialised: the facts and inventory the report was built from (for renderers/docs).
    facts: AppFacts | None = field(default=None, repr=False, compare=False, metadata=_NOT_JSON)
    inventory: Inventory | None = field(default=None, repr=False, compare=False, metadata=_NOT_JSON)

    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]


# --------------------------------------------------------------------------------------------
# JSON round trip
# --------------------------------------------------------------------------------------------

_RENAMES = {"class_name": "class"}
_UNRENAMES = {v: k for k, v in _RENAMES.items()}


def to_dict(obj: Any) -> Any:
    """Convert a model object to JSON-ready data (enums → values, ``class_name`` → ``class``)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for f in dataclasses.fields(obj):
            if f.metadata.get("json") is False:
                continue
            out[_RENAMES.get(f.name, f.name)] = to_dict(getattr(obj, f.name))
        return out
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = [to_dict(v) for v in obj]
        return sorted(items) if isinstance(obj, (set, frozenset)) else items
    return obj


T = TypeVar("T")


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a model object from :func:`to_dict` output (the inverse, for the JSON report)."""
    import typing

    if data is None:
        return None  # type: ignore[return-value]
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        key = _RENAMES.get(f.name, f.name)
        if key not in data or f.metadata.get("json") is False:
            continue
        kwargs[f.name] = _convert(hints[f.name], data[key])
    return cls(**kwargs)


def _convert(tp: Any, value: Any) -> Any:
    import types
    import typing

    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(args[0], value) if len(args) == 1 else value
    if origin is list:
        (arg,) = typing.get_args(tp) or (Any,)
        return [_convert(arg, v) for v in value]
    if origin is dict:
        args = typing.get_args(tp)
        vt = args[1] if len(args) == 2 else Any
        return {k: _convert(vt, v) for k, v in value.items()}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    return value
