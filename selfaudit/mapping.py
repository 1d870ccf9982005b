"""ProGuard/R8 ``mapping.txt``: put the original class and method names back into APK facts.

An obfuscated release build renames ``com.example.Tracker.collectIds`` to ``a.b.c`` and gives it a
different short name in every build. A finding located there would get a new fingerprint each
release, so a baseline would never match and a report would be unreadable. With ``--mapping FILE``
(config key ``mapping``) this built-in plugin wraps the ``selfaudit_collect`` hook: whatever
collector produced the facts, every class and method name in them is translated back before
enrichment, rules and fingerprints see it. The lazy code model is wrapped too, so reachability
questions asked in original names reach the obfuscated code.

Only APK facts are touched; source trees are never obfuscated. A mapping that does not fit the
APK (a stale ``mapping.txt`` from another build) is reported as a warning, not guessed around.

The format (ProGuard, and R8's superset)::

    # compiler: R8                                   comments, also R8's JSON metadata
    com.example.Tracker -> a.b:                      class line
        java.lang.String id -> a                     field line (ignored)
        1:4:void collectIds(android.content.Context):20:23 -> c      method with line ranges
        5:5:void com.example.Util.inlined():40:40 -> c               inlined frame...
        5:5:void collectIds(android.content.Context):24 -> c         ...and its outer method

Lines that share an obfuscated line range and name are one inlining stack, innermost first; the
last one is the method the code really sits in, which is what a location names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selfaudit import hookimpl
from selfaudit.errors import InputError

if TYPE_CHECKING:
    from selfaudit.config import Config
    from selfaudit.model import AppFacts, Location

__all__ = ["Mapping", "MethodMapping", "parse_mapping", "load_mapping", "deobfuscate_facts", "DeobfuscatedCode"]

_CLASS = re.compile(r"^(\S+)\s+->\s+(\S+?):\s*$")
_METHOD = re.compile(
    r"^(?:(?P<s>\d+):(?P<e>\d+):)?(?P<ret>[^\s(]+)\s+(?P<name>[^\s(]+)\((?P<args>[^)]*)\)"
    r"(?::\d+(?::\d+)?)?\s+->\s+(?P<obf>\S+)\s*$"
)
_FIELD = re.compile(r"^[^\s(]+\s+[^\s(]+\s+->\s+\S+\s*$")
_PRIMITIVES = {
    "void": "V", "boolean": "Z", "byte": "B", "char": "C", "short": "S",
    "int": "I", "long": "J", "float": "F", "double": "D",
}


@dataclass(frozen=True)
class MethodMapping:
    """One original method an obfuscated name stands for (types in Java notation, original names)."""

    class_name: str
    name: str
    ret: str
    args: tuple[str, ...]


@dataclass
class Mapping:
    """Class and method renames of one build, queried in the obfuscated → original direction."""

    classes: dict[str, str] = field(default_factory=dict)  # obfuscated → original
    originals: dict[str, str] = field(default_factory=dict)  # original → obfuscated
    #: (obfuscated class, obfuscated method name) → the outer methods that name stands for.
    methods: dict[tuple[str, str], list[MethodMapping]] = field(default_factory=dict)
    source: str = ""

    # -- classes ----------------------------------------------------------------------------

    def class_name(self, obfuscated: str) -> str:
        return self.classes.get(obfuscated, obfuscated)

    def obfuscated_class(self, original: str) -> str:
        return self.originals.get(original, original)

    def renamed(self) -> dict[str, str]:
        """The classes whose name actually changed (obfuscated → original)."""
        return {o: c for o, c in self.classes.items() if o != c}

    # -- descriptors -------------------------------------------------------------------------

    def _map_descriptor(self, descriptor: str, table: dict[str, str]) -> str:
        def repl(m: re.Match[str]) -> str:
            name = m.group(1).replace("/", ".")
            return "L" + table.get(name, name).replace(".", "/") + ";"

        return re.sub(r"L([^;()]+);", repl, descriptor)

    def descriptor(self, obfuscated: str) -> str:
        """A JVM descriptor with every class type translated back."""
        return self._map_descriptor(obfuscated, self.classes)

    def obfuscated_descriptor(self, original: str) -> str:
        return self._map_descriptor(original, self.originals)

    def _java_to_descriptor(self, java: str) -> str:
        dims = 0
        while java.endswith("[]"):
            java, dims = java[:-2], dims + 1
        base = _PRIMITIVES.get(java) or "L" + self.obfuscated_class(java).replace(".", "/") + ";"
        return "[" * dims + base

    def _obf_descriptor_of(self, m: MethodMapping) -> str:
        return "(" + "".join(self._java_to_descriptor(a) for a in m.args) + ")" + self._java_to_descriptor(m.ret)

    def _orig_descriptor_of(self, m: MethodMapping) -> str:
        def d(java: str) -> str:
            dims = 0
            while java.endswith("[]"):
                java, dims = java[:-2], dims + 1
            return "[" * dims + (_PRIMITIVES.get(java) or "L" + java.replace(".", "/") + ";")

        return "(" + "".join(d(a) for a in m.args) + ")" + d(m.ret)

    # -- methods -----------------------------------------------------------------------------

    def method(self, obf_class: str, obf_name: str, obf_descriptor: str | None = None) -> tuple[str, str, str | None]:
        """(original class, original method name, original descriptor) of an obfuscated method.

        When the name alone is ambiguous (R8 gives overloads the same short name) the descriptor
        decides; when even that cannot decide, the method name is left as it is rather than guessed.
        """
        cls = self.class_name(obf_class)
        cands = self.methods.get((obf_class, obf_name), [])
        if obf_descriptor is not None:
            exact = [m for m in cands if self._obf_descriptor_of(m) == obf_descriptor]
            cands = exact or cands
        distinct = {(m.class_name, m.name, m.args, m.ret) for m in cands}
        if len(distinct) == 1:
            m = cands[0]
            return m.class_name, m.name, self._orig_descriptor_of(m) if obf_descriptor is not None else None
        names = {m.name for m in cands}
        name = names.pop() if len(names) == 1 else obf_name
        return cls, name, self.descriptor(obf_descriptor) if obf_descriptor is not None else None

    def obfuscated_method(self, orig_class: str, orig_name: str, orig_descriptor: str) -> tuple[str, str, str]:
        """The inverse of :meth:`method`, for asking the obfuscated code model a question."""
        obf_class = self.obfuscated_class(orig_class)
        obf_desc = self.obfuscated_descriptor(orig_descriptor)
        for (c, obf_name), cands in self._by_obf_class().get(obf_class, {}).items():
            for m in cands:
                if m.name == orig_name and self._orig_descriptor_of(m) == orig_descriptor:
                    return c, obf_name, obf_desc
        return obf_class, orig_name, obf_desc

    def _by_obf_class(self) -> dict[str, dict[tuple[str, str], list[MethodMapping]]]:
        cache = getattr(self, "_by_class_cache", None)
        if cache is None:
            cache = {}
            for key, cands in self.methods.items():
                cache.setdefault(key[0], {})[key] = cands
            self._by_class_cache = cache  # type: ignore[attr-defined]
        return cache

    # -- method keys (CodeModel) -------------------------------------------------------------

    def method_key(self, key: str) -> str:
        """``a.b.c(La/d;)V`` → ``com.example.Tracker.collectIds(Lcom/example/Ids;)V``."""
        head, paren, rest = key.partition("(")
        cls, dot, name = head.rpartition(".")
        if not dot:
            return key
        desc = paren + rest if paren else None
        ocls, oname, odesc = self.method(cls, name, desc)
        return f"{ocls}.{oname}{odesc or ''}"

    def obfuscated_method_key(self, key: str) -> str:
        head, paren, rest = key.partition("(")
        cls, dot, name = head.rpartition(".")
        if not dot:
            return key
        if not paren:
            return f"{self.obfuscated_class(cls)}.{name}"
        c, n, d = self.obfuscated_method(cls, name, paren + rest)
        return f"{c}.{n}{d}"


def parse_mapping(text: str, source: str = "mapping.txt") -> Mapping:
    """Parse a ProGuard/R8 mapping file; a line that fits no form is an error naming the line."""
    mapping = Mapping(source=source)
    current: str | None = None
    current_orig: str | None = None
    group_key: tuple[str, str, str] | None = None  # (start, end, obfuscated name) of an inline stack
    group: list[MethodMapping] = []

    def flush() -> None:
        nonlocal group, group_key
        if group and current is not None and group_key is not None:
            outer = group[-1]
            lst = mapping.methods.setdefault((current, group_key[2]), [])
            if outer not in lst:
                lst.append(outer)
        group, group_key = [], None

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not raw[:1].isspace():
            flush()
            m = _CLASS.match(line)
            if m is None:
                raise InputError(f"{source}:{lineno}: not a ProGuard/R8 mapping line: {line[:80]!r}")
            current_orig, current = m.group(1), m.group(2)
            mapping.classes[current] = current_orig
            mapping.originals[current_orig] = current
            continue
        if current is None:
            raise InputError(f"{source}:{lineno}: member line before any class line")
        m = _METHOD.match(line)
        if m is None:
            if _FIELD.match(line):
                continue
            raise InputError(f"{source}:{lineno}: not a ProGuard/R8 mapping line: {line[:80]!r}")
        name = m.group("name")
        owner = current_orig
        if "." in name:  # an inlined (or moved) method from another class: Class.method
            owner, _, name = name.rpartition(".")
        args = tuple(a.strip() for a in m.group("args").split(",") if a.strip())
        entry = MethodMapping(class_name=owner or "", name=name, ret=m.group("ret"), args=args)
        obf = m.group("obf")
        if m.group("s") is None:  # no line information: a method of its own, never inlined into
            flush()
            lst = mapping.methods.setdefault((current, obf), [])
            if entry not in lst:
                lst.append(entry)
            continue
        key = (m.group("s"), m.group("e"), obf)
        if key != group_key:
            flush()
            group_key = key
        group.append(entry)
    flush()
    return mapping


def load_mapping(path: Path) -> Mapping:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: mapping file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read mapping file: {exc}") from None
    return parse_mapping(text, str(path))


# --------------------------------------------------------------------------------------------
# Applying a mapping to facts
# --------------------------------------------------------------------------------------------


def _package(cls: str) -> str:
    return cls.rpartition(".")[0]


def _location(loc: Location | None, mapping: Mapping) -> None:
    if loc is None:
        return
    if loc.class_name:
        obf_class = loc.class_name
        loc.class_name = mapping.class_name(obf_class)
        if loc.method:
            _cls, loc.method, desc = mapping.method(obf_class, loc.method, loc.descriptor)
            if loc.descriptor is not None:
                loc.descriptor = desc
        elif loc.descriptor:
            loc.descriptor = mapping.descriptor(loc.descriptor)
    if loc.component:
        loc.component = mapping.class_name(loc.component)


class DeobfuscatedCode:
    """A :class:`~selfaudit.model.CodeModel` over the obfuscated one that speaks original names."""

    def __init__(self, inner: Any, mapping: Mapping) -> None:
        self.inner = inner
        self.mapping = mapping

    def has_class(self, class_name: str) -> bool:
        return self.inner.has_class(self.mapping.obfuscated_class(class_name))

    def superclass(self, class_name: str) -> str | None:
        sup = self.inner.superclass(self.mapping.obfuscated_class(class_name))
        return self.mapping.class_name(sup) if sup else sup

    def interfaces(self, class_name: str) -> list[str]:
        return [self.mapping.class_name(i) for i in self.inner.interfaces(self.mapping.obfuscated_class(class_name))]

    def methods_of(self, class_name: str) -> list[str]:
        return [self.mapping.method_key(k) for k in self.inner.methods_of(self.mapping.obfuscated_class(class_name))]

    def calls(self, method: str) -> list[Any]:
        from dataclasses import replace

        return [replace(c, target=self.mapping.method_key(c.target))
                for c in self.inner.calls(self.mapping.obfuscated_method_key(method))]

    def instantiated(self, method: str) -> list[str]:
        return [self.mapping.class_name(c) for c in self.inner.instantiated(self.mapping.obfuscated_method_key(method))]

    def __getattr__(self, name: str) -> Any:  # anything beyond the protocol passes through
        return getattr(self.inner, name)


def deobfuscate_facts(facts: AppFacts, mapping: Mapping) -> None:
    """Translate every class and method name in APK facts back to the original, in place."""
    renamed = mapping.renamed()
    if facts.packages and renamed:
        obf_packages = {_package(o) for o in renamed}
        if not obf_packages & set(facts.packages):
            facts.warnings.append(
                f"{mapping.source}: none of its {len(renamed)} renamed classes is in this APK; "
                "is it the mapping of this build?"
            )
        counts = dict(facts.packages)
        for obf, orig in renamed.items():
            op, np = _package(obf), _package(orig)
            if op == np or counts.get(op, 0) <= 0:
                continue
            counts[op] -= 1
            if counts[op] == 0:
                del counts[op]
            counts[np] = counts.get(np, 0) + 1
        facts.packages = counts
    for ref in facts.code_refs:
        _location(ref.location, mapping)
        ref.path = [mapping.method_key(k) for k in ref.path]
    for comp in facts.components:
        comp.name = mapping.class_name(comp.name)
        _location(comp.location, mapping)
    app = facts.application
    if app.name:
        app.name = mapping.class_name(app.name)
    if app.app_component_factory:
        app.app_component_factory = mapping.class_name(app.app_component_factory)
    for perm in facts.permissions:
        _location(perm.location, mapping)
    if facts.code is not None:
        facts.code = DeobfuscatedCode(facts.code, mapping)
    facts.extra["mapping"] = mapping.source


@hookimpl(wrapper=True)
def selfaudit_collect(target: Path, config: Config):
    """Wrap every collector: deobfuscate APK facts when a mapping is configured."""
    facts = yield
    if facts is None or config.mapping is None:
        return facts
    if facts.kind != "apk":
        facts.warnings.append(f"mapping {config.mapping} ignored: {facts.kind} targets are not obfuscated")
        return facts
    deobfuscate_facts(facts, load_mapping(config.mapping))
    return facts
