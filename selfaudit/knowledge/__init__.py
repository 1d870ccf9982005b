"""The knowledge base: typed, validated views over the TOML data files in this package.

Knowledge is data (``docs/knowledge-format.md`` documents every file), so a reviewer can check
each fact against its ``source`` and a team can add or override entries from a plugin
(``selfaudit_add_knowledge``) without touching code. Loading validates everything and fails with
a message that names the file and the entry, because a silently wrong map from API to PI type
would make every report wrong.

Lookups that run per class or per component (SDK attribution) use structures built once: a
package trie for class prefixes and dicts for exact keys.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from selfaudit.errors import KnowledgeError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DATA_DIR = Path(__file__).parent

__all__ = [
    "PICategory",
    "PIType",
    "Permission",
    "SensitiveAPI",
    "SDK",
    "Packer",
    "AppCategory",
    "Regulation",
    "KnowledgeBase",
    "load_knowledge",
    "KNOWN_TAGS",
    "SDK_CATEGORIES",
]

KNOWN_TAGS = frozenset(
    """device-identifier installed-apps running-apps clipboard-read location location-updates
    sensor motion-sensor camera microphone permission-request permission-check dynamic-code-loading
    reflection associated-start install-package timer alarm handler-post thread-start executor
    app-exit webview network-send sms-send account oaid""".split()
)

SDK_CATEGORIES = frozenset(
    """analytics push map-location ads payment login-share one-click-login crash-apm hotfix oaid
    browser-engine im-rtc risk-control attribution customer-service update cloud-storage ai-speech
    media game-engine framework social security other""".split()
)

PROTECTION_LEVELS = frozenset(
    "normal dangerous signature privileged special development internal".split()
)

_PI_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_KEBAB = re.compile(r"^[a-z0-9][a-z0-9]*(-[a-z0-9]+)*$")
_API_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_CLASS = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$")
_PACKAGE = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")
_GRADLE = re.compile(r"^[\w.\-]+:([\w.\-]+|\*)$")
_SWITCH = re.compile(r"^[A-Za-z_][\w.\-]*=[^\s=]+$")


# --------------------------------------------------------------------------------------------
# Entry types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    source: tuple[str, ...] = ()
    from_memory: bool = False
    note: str | None = None
    origin: str = ""  # file or plugin the entry came from


@dataclass(frozen=True)
class PICategory(_Entry):
    id: str = ""
    name_zh: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class PIType(_Entry):
    id: str = ""
    name_zh: str = ""
    name_en: str = ""
    category: str = ""
    sensitive: bool = False
    group_zh: str = ""
    group_en: str = ""
    non_resettable: bool = False
    #: Read by almost every app and library (device model, network state...) and not what
    #: regulators count as collection before consent: consent and frequency rules skip it by default.
    low_signal: bool = False
    description_en: str | None = None
    description_zh: str | None = None


@dataclass(frozen=True)
class Permission(_Entry):
    name: str = ""
    protection: str = "normal"
    restricted: str | None = None
    group: str | None = None
    label_zh: str = ""
    label_en: str = ""
    function_zh: str | None = None
    function_en: str | None = None
    pi_types: tuple[str, ...] = ()
    api_added: int | None = None
    api_note: str | None = None

    @property
    def id(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def is_dangerous(self) -> bool:
        return self.protection == "dangerous"


@dataclass(frozen=True)
class SensitiveAPI(_Entry):
    id: str = ""
    kind: str = "call"  # call | field | string
    class_name: str | None = None
    member: str | None = None
    value: str | None = None
    args_any: tuple[str, ...] = ()
    pi_types: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    android_note: str | None = None
    #: Its PI mapping holds only for some arguments and the usual call reads the app's own data
    #: (its own uid's packages, its own installer): consent and frequency rules skip it by default.
    low_signal: bool = False

    @property
    def api(self) -> str:
        """``Class.member`` for calls and fields, the constant for strings."""
        if self.kind == "string":
            return self.value or ""
        return f"{self.class_name}.{self.member}"


@dataclass(frozen=True)
class SDK(_Entry):
    id: str = ""
    name_zh: str = ""
    name_en: str = ""
    company_zh: str = ""
    company_en: str = ""
    category: str = "other"
    region: str = "global"
    packages: tuple[str, ...] = ()
    gradle: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    meta_data: tuple[str, ...] = ()
    native_libs: tuple[str, ...] = ()
    pi_types: tuple[str, ...] = ()
    purpose_zh: str = ""
    purpose_en: str = ""
    policy_url: str | None = None
    compliance_url: str | None = None
    init_collecting: tuple[str, ...] = ()
    init_safe: tuple[str, ...] = ()
    consent_apis: tuple[str, ...] = ()
    autoinit_providers: tuple[str, ...] = ()
    #: Manifest ``<meta-data>`` switches that turn the SDK's automatic start-up collection off,
    #: each ``"name=value"`` (``"firebase_analytics_collection_enabled=false"``).
    autoinit_off: tuple[str, ...] = ()

    def autoinit_switches(self) -> list[tuple[str, str]]:
        """``autoinit_off`` as (meta-data name, value meaning "off") pairs."""
        return [(k, v) for k, _, v in (s.partition("=") for s in self.autoinit_off)]

    def switched_off(self, meta_data: Mapping[str, Any]) -> list[str]:
        """The ``autoinit_off`` switches set in a ``<meta-data>`` mapping (values compared
        case-insensitively, so ``"FALSE"`` counts; unresolved placeholders never do)."""
        return [k for k, v in self.autoinit_switches() if str(meta_data.get(k, "")).strip().lower() == v.lower()]


@dataclass(frozen=True)
class Packer(_Entry):
    id: str = ""
    name_zh: str = ""
    name_en: str = ""
    company_zh: str | None = None
    company_en: str | None = None
    classes: tuple[str, ...] = ()
    native_libs: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppCategory(_Entry):
    id: str = ""
    number: int = 0
    name_zh: str = ""
    name_en: str = ""
    basic_function_zh: str = ""
    basic_function_en: str = ""
    necessary_pi: tuple[str, ...] = ()
    necessary_text_zh: str = ""
    verified: bool = False


@dataclass(frozen=True)
class Regulation(_Entry):
    id: str = ""
    short_zh: str = ""
    short_en: str = ""
    title_zh: str = ""
    title_en: str = ""
    number: str | None = None
    issuer: str | None = None
    date: str | None = None
    url: str | None = None


# table name in TOML → (entry class, key attribute, required fields, renamed fields)
_KINDS: dict[str, tuple[type, str, tuple[str, ...], dict[str, str]]] = {
    "category": (PICategory, "id", ("id", "name_zh", "name_en"), {}),
    "pi_type": (PIType, "id", ("id", "name_zh", "name_en", "category", "sensitive"), {}),
    "permission": (Permission, "name", ("name", "protection", "label_zh", "label_en", "pi_types"), {}),
    "api": (SensitiveAPI, "id", ("id", "kind", "pi_types"), {"class": "class_name"}),
    "sdk": (
        SDK,
        "id",
        ("id", "name_zh", "name_en", "company_zh", "company_en", "category", "region", "pi_types"),
        {},
    ),
    "packer": (Packer, "id", ("id", "name_zh", "name_en"), {}),
    "app_category": (
        AppCategory,
        "id",
        ("id", "number", "name_zh", "name_en", "necessary_pi"),
        {},
    ),
    "regulation": (Regulation, "id", ("id", "short_zh", "short_en", "title_zh"), {}),
}


# --------------------------------------------------------------------------------------------
# Package trie
# --------------------------------------------------------------------------------------------


class _PackageTrie:
    """Maps dotted package prefixes to values; lookup finds the longest prefix on a boundary."""

    __slots__ = ("_root",)

    def __init__(self) -> None:
        self._root: dict[str, Any] = {}

    def add(self, prefix: str, value: Any) -> None:
        node = self._root
        for part in prefix.split("."):
            node = node.setdefault(part, {})
        node[None] = value  # type: ignore[index]

    def longest(self, name: str) -> tuple[str, Any] | None:
        node = self._root
        best = None
        parts = name.split(".")
        for i, part in enumerate(parts):
            node = node.get(part)
            if node is None:
                break
            if None in node:
                best = (".".join(parts[: i + 1]), node[None])
        return best


# --------------------------------------------------------------------------------------------
# The knowledge base
# --------------------------------------------------------------------------------------------


@dataclass
class KnowledgeBase:
    categories: dict[str, PICategory] = field(default_factory=dict)
    pi_types: dict[str, PIType] = field(default_factory=dict)
    permissions: dict[str, Permission] = field(default_factory=dict)
    apis: dict[str, SensitiveAPI] = field(default_factory=dict)
    sdks: dict[str, SDK] = field(default_factory=dict)
    packers: dict[str, Packer] = field(default_factory=dict)
    app_categories: dict[str, AppCategory] = field(default_factory=dict)
    regulations: dict[str, Regulation] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index_built = False

    # -- lookup structures -------------------------------------------------------------------

    def _build_index(self) -> None:
        self._pkg_trie = _PackageTrie()
        self._component_sdk: dict[str, SDK] = {}
        self._meta_sdk: dict[str, SDK] = {}
        self._lib_exact: dict[str, SDK] = {}
        self._lib_globs: list[tuple[str, SDK]] = []
        self._gradle_exact: dict[str, SDK] = {}
        self._gradle_group: dict[str, SDK] = {}
        self._class_signals: list[tuple[str, SDK]] = []
        for sdk in self.sdks.values():
            for p in sdk.packages:
                self._pkg_trie.add(p, sdk)
                if p.rsplit(".", 1)[-1][:1].isupper():
                    self._class_signals.append((p, sdk))
            for c in sdk.components:
                self._component_sdk[c] = sdk
            for m in sdk.meta_data:
                self._meta_sdk[m] = sdk
            for lib in sdk.native_libs:
                if any(ch in lib for ch in "*?["):
                    self._lib_globs.append((lib, sdk))
                else:
                    self._lib_exact[lib] = sdk
            for g in sdk.gradle:
                group, artifact = g.split(":", 1)
                if artifact == "*":
                    self._gradle_group[group] = sdk
                else:
                    self._gradle_exact[g] = sdk
        self._index_built = True

    def _ensure_index(self) -> None:
        if not getattr(self, "_index_built", False):
            self._build_index()

    def sdk_for_package(self, package: str) -> tuple[str, SDK] | None:
        """The SDK whose package prefix is the longest match for a class package (or class name)."""
        self._ensure_index()
        return self._pkg_trie.longest(package)

    def sdk_class_signals(self) -> list[tuple[str, SDK]]:
        """SDK "package" entries that are really class names (``com.facebook.FacebookSdk``).

        A package-prefix lookup never sees them (class names are not packages), so the enricher
        checks these few against the app's class list directly.
        """
        self._ensure_index()
        return self._class_signals

    def sdk_for_component(self, class_name: str) -> SDK | None:
        self._ensure_index()
        sdk = self._component_sdk.get(class_name)
        if sdk is None:
            hit = self._pkg_trie.longest(class_name)
            sdk = hit[1] if hit else None
        return sdk

    def sdk_for_meta_data(self, key: str) -> SDK | None:
        self._ensure_index()
        return self._meta_sdk.get(key)

    def sdk_for_native_lib(self, filename: str) -> SDK | None:
        self._ensure_index()
        sdk = self._lib_exact.get(filename)
        if sdk is None:
            for pattern, cand in self._lib_globs:
                if fnmatch.fnmatchcase(filename, pattern):
                    return cand
        return sdk

    def sdk_for_gradle(self, group: str, artifact: str) -> SDK | None:
        self._ensure_index()
        return self._gradle_exact.get(f"{group}:{artifact}") or self._gradle_group.get(group)

    def apis_by_tag(self, tag: str) -> list[SensitiveAPI]:
        return [a for a in self.apis.values() if tag in a.tags]

    def low_signal_pi_types(self) -> tuple[str, ...]:
        """PI types flagged ``low_signal`` (the default that consent and frequency rules skip)."""
        return tuple(t.id for t in self.pi_types.values() if t.low_signal)

    def low_signal_apis(self) -> tuple[str, ...]:
        """API ids flagged ``low_signal`` (their usual call reads only the app's own data)."""
        return tuple(a.id for a in self.apis.values() if a.low_signal)

    def app_category(self, key: str) -> AppCategory | None:
        """Find an app category by id, number or Chinese/English name."""
        if key in self.app_categories:
            return self.app_categories[key]
        for cat in self.app_categories.values():
            if key in (str(cat.number), cat.name_zh, cat.name_en) or key == cat.name_zh.rstrip("类"):
                return cat
        return None

    def pi_name(self, pi_type: str, lang: str = "en") -> str:
        t = self.pi_types.get(pi_type)
        if t is None:
            return pi_type
        return t.name_zh if lang.startswith("zh") else t.name_en

    # -- mutation ----------------------------------------------------------------------------

    def add(self, kind: str, entry: Any) -> None:
        """Add or replace an entry (a plugin's entry overrides a built-in with the same id)."""
        table = self._table(kind)
        key = getattr(entry, _KINDS[kind][1])
        table[key] = entry
        self._index_built = False

    def _table(self, kind: str) -> dict[str, Any]:
        return {
            "category": self.categories,
            "pi_type": self.pi_types,
            "permission": self.permissions,
            "api": self.apis,
            "sdk": self.sdks,
            "packer": self.packers,
            "app_category": self.app_categories,
            "regulation": self.regulations,
        }[kind]

    # -- validation --------------------------------------------------------------------------

    def validate(self) -> list[str]:
        """Cross-entry checks: every PI type, category and regulation referenced exists."""
        errors: list[str] = []

        def where(e: _Entry, kind: str, key: str) -> str:
            return f"{e.origin}: {kind} {key!r}"

        for t in self.pi_types.values():
            if t.category not in self.categories:
                errors.append(f"{where(t, 'pi_type', t.id)}: unknown category {t.category!r}")
        for kind, table in (
            ("permission", self.permissions),
            ("api", self.apis),
            ("sdk", self.sdks),
        ):
            for key, e in table.items():
                for pi in e.pi_types:
                    if pi not in self.pi_types:
                        errors.append(f"{where(e, kind, key)}: unknown pi_type {pi!r}")
        for key, cat in self.app_categories.items():
            for pi in cat.necessary_pi:
                if pi not in self.pi_types:
                    errors.append(f"{where(cat, 'app_category', key)}: unknown pi_type {pi!r}")
        for key, api in self.apis.items():
            for perm in api.permissions:
                if perm not in self.permissions:
                    errors.append(f"{where(api, 'api', key)}: unknown permission {perm!r}")
        seen: dict[str, str] = {}
        for sdk in self.sdks.values():
            for p in sdk.packages:
                if p in seen and seen[p] != sdk.id:
                    errors.append(
                        f"{where(sdk, 'sdk', sdk.id)}: package prefix {p!r} also claimed by sdk {seen[p]!r}"
                    )
                seen[p] = sdk.id
        return errors


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _as_tuple(value: Any) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


_FIELD_TYPES: dict[type, dict[str, str]] = {}


def _field_types(cls: type) -> dict[str, str]:
    """Field name → annotation string, computed once per entry class."""
    types = _FIELD_TYPES.get(cls)
    if types is None:
        types = {f.name: str(f.type) for f in fields(cls) if f.name != "origin"}
        _FIELD_TYPES[cls] = types
    return types


def _check_entry(kind: str, raw: Mapping[str, Any], origin: str, index: int) -> Any:
    cls, key_attr, required, renames = _KINDS[kind]
    label = raw.get(key_attr) if isinstance(raw, Mapping) else None
    where = f"{origin}: {kind} {label!r}" if label else f"{origin}: {kind} #{index + 1}"
    if not isinstance(raw, Mapping):
        raise KnowledgeError(f"{where}: expected a table, got {type(raw).__name__}")
    for req in required:
        if req not in raw:
            raise KnowledgeError(f"{where}: missing required field {req!r}")
    if not raw.get("source"):
        raise KnowledgeError(f"{where}: missing 'source' (every fact needs one)")
    types = _field_types(cls)
    values: dict[str, Any] = {}
    for k, v in raw.items():
        name = renames.get(k, k)
        ftype = types.get(name)
        if ftype is None:
            raise KnowledgeError(f"{where}: unknown field {k!r}")
        if "tuple" in str(ftype):
            if not isinstance(v, (list, str)) or not all(isinstance(x, str) for x in _as_tuple(v)):
                raise KnowledgeError(f"{where}: field {k!r} must be a list of strings")
            v = _as_tuple(v)
        elif ftype.startswith("bool"):
            if not isinstance(v, bool):
                raise KnowledgeError(f"{where}: field {k!r} must be true or false")
        elif ftype.startswith("int"):
            if not isinstance(v, int) or isinstance(v, bool):
                raise KnowledgeError(f"{where}: field {k!r} must be an integer")
        elif ftype.startswith("str"):
            if not isinstance(v, str):
                raise KnowledgeError(f"{where}: field {k!r} must be a string")
        values[name] = v
    entry = cls(origin=origin, **values)
    _check_shape(kind, entry, where)
    return entry


def _check_shape(kind: str, e: Any, where: str) -> None:
    def bad(msg: str) -> None:
        raise KnowledgeError(f"{where}: {msg}")

    if kind == "pi_type" and not _PI_ID.match(e.id):
        bad(f"id {e.id!r} must look like 'area.name' (lowercase)")
    if kind in ("sdk", "packer", "app_category", "regulation", "category") and not _KEBAB.match(e.id):
        bad(f"id {e.id!r} must be kebab-case")
    if kind == "permission":
        if "." not in e.name:
            bad("name must be the full permission name (e.g. android.permission.CAMERA)")
        if e.protection not in PROTECTION_LEVELS:
            bad(f"protection {e.protection!r} is not one of {sorted(PROTECTION_LEVELS)}")
        if e.restricted not in (None, "hard", "soft"):
            bad("restricted must be 'hard' or 'soft'")
    if kind == "api":
        if not _API_ID.match(e.id):
            bad(f"id {e.id!r} has invalid characters")
        if e.kind not in ("call", "field", "string"):
            bad(f"kind {e.kind!r} must be call, field or string")
        if e.kind in ("call", "field"):
            if not e.class_name or not e.member:
                bad("call and field entries need 'class' and 'member'")
            if not _CLASS.match(e.class_name):
                bad(f"class {e.class_name!r} is not a binary class name")
        elif not e.value:
            bad("string entries need 'value'")
        unknown = set(e.tags) - KNOWN_TAGS
        if unknown:
            bad(f"unknown tags {sorted(unknown)} (documented tags: docs/knowledge-format.md)")
        if e.low_signal and not e.pi_types:
            bad("low_signal only means something on an entry with pi_types")
    if kind == "sdk":
        if e.category not in SDK_CATEGORIES:
            bad(f"category {e.category!r} is not one of the documented SDK categories")
        if e.region not in ("cn", "global"):
            bad("region must be 'cn' or 'global'")
        if not (e.packages or e.gradle or e.components or e.meta_data or e.native_libs):
            bad("an SDK needs at least one detection signal")
        for p in e.packages:
            if not _PACKAGE.match(p) or p.count(".") < 1:
                bad(f"package prefix {p!r} must be a dotted package with at least two segments")
        for g in e.gradle:
            if not _GRADLE.match(g):
                bad(f"gradle coordinate {g!r} must be 'group:artifact' (or 'group:*')")
        for sw in e.autoinit_off:
            if not _SWITCH.match(sw):
                bad(f"autoinit_off entry {sw!r} must be 'meta-data-name=value' (e.g. 'io.sentry.auto-init=false')")
            if sw.partition("=")[0] not in e.meta_data:
                bad(f"autoinit_off switch {sw.partition('=')[0]!r} must also be listed in meta_data "
                    "(setting it identifies the SDK)")
    if kind == "app_category" and not 1 <= e.number <= 39:
        bad("number must be 1..39")


_FILE_KINDS = {
    "pi_types.toml": ("category", "pi_type"),
    "permissions.toml": ("permission",),
    "apis.toml": ("api",),
    "packers.toml": ("packer",),
    "app_categories.toml": ("app_category",),
    "regulations.toml": ("regulation",),
}


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read: {exc.strerror}") from None


def _add_document(
    kb: KnowledgeBase, doc: Mapping[str, Any], origin: str, *, override: bool, allowed: Iterable[str] | None = None
) -> None:
    allowed = set(allowed) if allowed is not None else set(_KINDS)
    for kind, items in doc.items():
        if kind not in _KINDS or kind not in allowed:
            raise KnowledgeError(
                f"{origin}: unexpected table [[{kind}]] (expected one of {sorted(allowed)})"
            )
        if not isinstance(items, list):
            raise KnowledgeError(f"{origin}: {kind} must be an array of tables ([[{kind}]])")
        table = kb._table(kind)
        for i, raw in enumerate(items):
            entry = _check_entry(kind, raw, origin, i)
            key = getattr(entry, _KINDS[kind][1])
            if key in table and not override:
                raise KnowledgeError(
                    f"{origin}: {kind} {key!r} is defined twice (also in {table[key].origin})"
                )
            table[key] = entry
    kb._index_built = False


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(DATA_DIR.parent.parent))
    except ValueError:
        return str(path)


def _data_files() -> list[Path]:
    files = [DATA_DIR / name for name in _FILE_KINDS if (DATA_DIR / name).exists()]
    sdk_dir = DATA_DIR / "sdks"
    if sdk_dir.is_dir():
        files.extend(sorted(sdk_dir.glob("*.toml")))
    return files


def _cache_path() -> Path | None:
    """Where the validated built-in knowledge is cached, keyed by the data files' identity.

    Parsing and validating ~20 TOML files costs ~0.15 s per run; the pickle loads in a few ms.
    The key covers the package version and every data file's name, size and mtime, so an edited
    file (or an upgrade) misses the cache. ``SELFAUDIT_NO_CACHE=1`` turns it off.
    """
    import hashlib

    if os.environ.get("SELFAUDIT_NO_CACHE"):
        return None
    from selfaudit import __version__

    h = hashlib.sha256(__version__.encode())
    h.update(str(DATA_DIR).encode())
    for f in _data_files():
        st = f.stat()
        h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    base = os.environ.get("SELFAUDIT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "selfaudit"
    )
    return Path(base) / f"knowledge-{h.hexdigest()[:24]}.pickle"


def load_builtin() -> KnowledgeBase:
    """Load the data files shipped in this package (no plugins), through the cache."""
    import pickle

    cache = _cache_path()
    if cache is not None and cache.is_file():
        try:
            with cache.open("rb") as fh:
                kb = pickle.load(fh)
            if isinstance(kb, KnowledgeBase):
                kb._index_built = False
                return kb
        except Exception:  # a corrupt or incompatible cache is just a miss
            pass
    kb = _parse_builtin()
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(kb, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cache)
        except OSError:
            pass
    return kb


def _parse_builtin() -> KnowledgeBase:
    kb = KnowledgeBase()
    for name, kinds in _FILE_KINDS.items():
        path = DATA_DIR / name
        if path.exists():
            _add_document(kb, _load_toml(path), _rel(path), override=False, allowed=kinds)
    sdk_dir = DATA_DIR / "sdks"
    if sdk_dir.is_dir():
        for path in sorted(sdk_dir.glob("*.toml")):
            _add_document(kb, _load_toml(path), _rel(path), override=False, allowed=("sdk",))
    return kb


def add_contribution(kb: KnowledgeBase, contribution: Any, origin: str) -> None:
    """Merge a plugin's contribution: a TOML path, a directory of TOML files, or a mapping.

    A mapping uses the TOML table names as keys (``{"sdk": [{...}], "pi_type": [...]}``).
    Entries with an existing id replace the built-in ones.
    """
    if contribution is None:
        return
    if isinstance(contribution, (str, Path)):
        path = Path(contribution)
        paths = sorted(path.glob("**/*.toml")) if path.is_dir() else [path]
        for p in paths:
            _add_document(kb, _load_toml(p), f"{origin}:{p}", override=True)
        return
    if isinstance(contribution, Mapping):
        _add_document(kb, contribution, origin, override=True)
        return
    if isinstance(contribution, (list, tuple)):
        for c in contribution:
            add_contribution(kb, c, origin)
        return
    raise KnowledgeError(
        f"{origin}: selfaudit_add_knowledge returned {type(contribution).__name__}; "
        "expected a path, a directory or a mapping of entries"
    )


def load_knowledge(contributions: Iterable[tuple[str, Any]] = ()) -> KnowledgeBase:
    """Built-in data plus plugin contributions ``(origin, contribution)``, validated as a whole."""
    kb = load_builtin()
    for origin, contribution in contributions:
        add_contribution(kb, contribution, origin)
    errors = kb.validate()
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise KnowledgeError(errors[0] + more)
    return kb
