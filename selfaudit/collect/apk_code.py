"""The app's code as a set of DEX files: knowledge-API references and the lazy CodeModel.

Two jobs, both over the same :class:`~selfaudit.collect.dex.Dex` objects:

* :func:`find_references` turns the knowledge base's sensitive APIs into ``CodeRef`` facts:
  index lookups per DEX, one regex scan, then decoding only the methods that hit.
* :class:`DexCodeModel` implements :class:`selfaudit.model.CodeModel` for the rules stage's
  reachability. It decodes a class's method table only when that class is asked about and a
  method's bytecode only when its calls are asked for; across DEX files a class resolves to the
  first DEX that defines it, as the platform's class loader does.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from selfaudit.collect.dex import INVOKE_KINDS, Dex, DexError, MethodCode, descriptor_to_name, name_to_descriptor
from selfaudit.model import Call, CodeRef, Location

__all__ = ["find_references", "DexCodeModel", "Inherited", "Reference", "REFLECTION_APIS"]

#: APIs whose constant string arguments name a reflection target; scanned whether or not the
#: knowledge base lists them (kind, class, member).
REFLECTION_APIS = (
    ("class", "java.lang.Class", "forName"),
    ("class", "java.lang.ClassLoader", "loadClass"),
    ("member", "java.lang.Class", "getMethod"),
    ("member", "java.lang.Class", "getDeclaredMethod"),
    ("member", "java.lang.Class", "getField"),
    ("member", "java.lang.Class", "getDeclaredField"),
)
#: Call kind of each invoke opcode, indexed by opcode (only invoke opcodes are looked up).
_KIND_NAMES = tuple(INVOKE_KINDS.get(op, "invoke") for op in range(256))
_CLASS_LIKE = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$")
_MEMBER_LIKE = re.compile(r"^[A-Za-z_$][\w$]*$")


@dataclass
class Reference:
    """One validated reference from app code to a looked-for API (internal form)."""

    target: object  # the SensitiveAPI (or a REFLECTION_APIS tuple)
    kind: str  # call | field | string
    dex: Dex
    caller: tuple[str, str, str]  # class descriptor, method name, proto
    offset: int
    code: MethodCode
    via: str | None = None  # the app class the call names, when it inherits the API's member


def _unique(items: Iterable) -> list:
    seen = set()
    out = []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def find_references(dexes: list[Dex], apis: Iterable, extra_calls: Iterable = (),
                    model: DexCodeModel | None = None) -> list[Reference]:
    """Every validated reference to ``apis`` (SensitiveAPI-like: kind, class_name, member, value)
    plus ``extra_calls`` (objects with ``class_name``/``member``, treated as calls).

    A call site names the class of the receiver's static type, so ``this.requestPermissions()`` in
    an Activity subclass is ``MainActivity.requestPermissions`` in the bytecode. With the app's
    ``model`` (its class hierarchy), such calls are also resolved to the knowledge APIs they
    inherit (:class:`Inherited`); their references carry ``via``, the class the call names.
    """
    apis = list(apis)
    extra = list(extra_calls)
    inherited = Inherited(model, apis) if model is not None else None
    out: list[Reference] = []
    for dex in dexes:
        try:
            out.extend(_dex_references(dex, apis + extra, inherited))
        except (DexError, IndexError, struct.error) as exc:
            raise DexError(f"{_file_of(dex)}: {exc}") from None
    return out


class Inherited:
    """Which knowledge APIs a call naming an app class inherits.

    ``invoke-virtual Lcom/example/MainActivity;->requestPermissions(...)`` names the app class;
    the method it runs is the first declaration up the superclass chain. When the named class
    does not declare the method itself, the chain is walked: app classes (the DEX files), then
    the framework class named as superclass and its known supertypes
    (``source_tables.FRAMEWORK_SUPERTYPES``, the table source mode resolves with). Every
    knowledge API whose class is on that walk and whose member is the call's name matches, up to
    the first app class that declares the method (where the call lands in app code). The
    constructor and static initialiser are never inherited.

    Only calls whose name is a knowledge API member and whose class is an app class are
    considered (a set lookup each), and the walk costs class lookups only for those whose chain
    holds a class with such an API.
    """

    def __init__(self, model: DexCodeModel, apis: list) -> None:
        from selfaudit.collect.source_tables import FRAMEWORK_SUPERTYPES

        self.model = model
        self.framework = FRAMEWORK_SUPERTYPES
        #: member → API class → APIs
        self.by_member: dict[str, dict[str, list]] = {}
        for api in apis:
            if getattr(api, "kind", "call") != "call" or api.member in ("<init>", "<clinit>"):
                continue
            self.by_member.setdefault(api.member, {}).setdefault(api.class_name, []).append(api)
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._resolved: dict[tuple[str, str, str], list] = {}

    def ancestors(self, cls: str) -> tuple[str, ...]:
        """``cls``, its app superclasses, then the first framework class and its known supertypes."""
        hit = self._ancestors.get(cls)
        if hit is None:
            model = self.model
            out = [cls]
            c = model.superclass(cls)
            while c and c not in out and len(out) < 64:
                out.append(c)
                if not model.has_class(c):
                    i = len(out) - 1
                    while i < len(out) and len(out) < 96:
                        for sup in self.framework.get(out[i], ()):
                            if sup not in out:
                                out.append(sup)
                        i += 1
                    break
                c = model.superclass(c)
            hit = self._ancestors[cls] = tuple(out)
        return hit

    def resolve(self, cls: str, name: str, proto: str) -> list:
        """The knowledge APIs a call ``cls.name proto`` inherits (``cls`` an app class)."""
        memo = (cls, name, proto)
        hit = self._resolved.get(memo)
        if hit is not None:
            return hit
        out: list = []
        if self.may_inherit(cls, name):
            classes = self.by_member[name]
            model = self.model
            for c in self.ancestors(cls):
                if c != cls:
                    out.extend(classes.get(c, ()))
                if model.has_class(c) and model.has_method(f"{c}.{name}{proto}"):
                    break
        self._resolved[memo] = out
        return out

    def may_inherit(self, cls: str, name: str) -> bool:
        """Whether a class above ``cls`` has a knowledge API named ``name`` (no method lookups)."""
        classes = self.by_member.get(name)
        return bool(classes) and any(c in classes for c in self.ancestors(cls)[1:])

    def targets(self, dex: Dex) -> dict[int, list[tuple[object, str]]]:
        """method_id → [(API, class named)] for this DEX's calls that inherit a knowledge API."""
        wanted = {}
        for n in self.by_member:
            i = dex.find_string(n)
            if i >= 0:
                wanted[i] = n
        out: dict[int, list[tuple[object, str]]] = {}
        if not wanted:
            return out
        model = self.model
        app: dict[int, str | None] = {}
        for midx in dex.methods_named(set(wanted)):
            try:
                tidx, pidx, nidx = dex.method_id(midx)
                cls = app.get(tidx, "")
                if cls == "":
                    b = dex.binary_name(tidx)
                    cls = app[tidx] = b if model.has_class(b) else None
                if cls is None:
                    continue
                name = wanted[nidx]
                if not self.may_inherit(cls, name):
                    continue
                found = self.resolve(cls, name, dex.proto(pidx))
            except (DexError, IndexError, struct.error):
                continue  # a malformed method_id: no call site can be matched through it anyway
            if found:
                out[midx] = [(api, cls) for api in found]
        return out


def _dex_references(dex: Dex, apis: list, inherited: Inherited | None = None) -> list[Reference]:
    out: list[Reference] = []
    m_targets: dict[int, list] = {}
    f_targets: dict[int, list] = {}
    s_targets: dict[int, list] = {}
    for api in apis:
        kind = getattr(api, "kind", "call")
        if kind == "string":
            if api.value:
                for s in dex.string_prefix_range(api.value):
                    s_targets.setdefault(s, []).append(api)
            continue
        desc = name_to_descriptor(api.class_name)
        if kind == "field":
            for f in dex.find_fields(desc, api.member):
                f_targets.setdefault(f, []).append(api)
        else:
            for m in dex.find_methods(desc, api.member):
                m_targets.setdefault(m, []).append(api)
    v_targets = inherited.targets(dex) if inherited is not None else {}
    if not (m_targets or f_targets or s_targets or v_targets):
        return out
    hits = dex.scan(set(m_targets) | set(v_targets), set(f_targets), set(s_targets))
    for code_off, (_start, midx, _cdi) in sorted(hits.items()):
        mc = dex.method_code(code_off)
        caller = dex.method_ref(midx)
        for off, op, t in mc.invokes:
            if op < 0xFA:
                for api in m_targets.get(t, ()):
                    out.append(Reference(api, "call", dex, caller, off, mc))
                for api, via in v_targets.get(t, ()):
                    out.append(Reference(api, "call", dex, caller, off, mc, via))
        for off, _op, f in mc.field_reads:
            for api in f_targets.get(f, ()):
                out.append(Reference(api, "field", dex, caller, off, mc))
        for off, s in mc.strings:
            for api in s_targets.get(s, ()):
                out.append(Reference(api, "string", dex, caller, off, mc))
    return out


def method_strings(dex: Dex, mc: MethodCode) -> list[str]:
    return _unique(dex.string(s) for _o, s in mc.strings)


def location_of(ref: Reference) -> Location:
    cls, name, proto = ref.caller
    return Location(file=_file_of(ref.dex), class_name=descriptor_to_name(cls), method=name, descriptor=proto)


def _file_of(dex: Dex) -> str:
    if dex.container and dex.container != dex.name:
        return f"{dex.container}!{dex.name}" if not dex.container.endswith(".dex") else dex.container
    return dex.name


def to_code_refs(refs: list[Reference]) -> list[CodeRef]:
    """``CodeRef`` facts for knowledge-API references, applying each API's ``args_any``."""
    out = []
    cache: dict[int, tuple[list[str], list[int]]] = {}
    for ref in refs:
        api = ref.target
        key = id(ref.code)
        if key not in cache:
            cache[key] = (method_strings(ref.dex, ref.code), _unique(ref.code.numbers))
        strings, numbers = cache[key]
        args_any = getattr(api, "args_any", ())
        if args_any and not any(a in strings for a in args_any):
            continue
        out.append(CodeRef(
            api_id=api.id,
            api=api.api,
            kind=ref.kind,
            location=location_of(ref),
            strings=list(strings),
            numbers=list(numbers),
            container=ref.dex.container,
            via=ref.via,
        ))
    return out


def reflection_targets(refs: list[Reference]) -> list[dict]:
    """Constant strings passed near reflection calls: class names for forName/loadClass, member
    names for getMethod/getField; one entry per (caller, API, value)."""
    out = []
    seen = set()
    for ref in refs:
        kind, cls, member = ref.target
        pattern = _CLASS_LIKE if kind == "class" else _MEMBER_LIKE
        loc = location_of(ref)
        for s in method_strings(ref.dex, ref.code):
            if pattern.match(s):
                key = (loc.class_name, loc.method, loc.descriptor, member, s)
                if key in seen:
                    continue
                seen.add(key)
                out.append({
                    "value": s,
                    "api": f"{cls}.{member}",
                    "class": loc.class_name,
                    "method": loc.method,
                    "descriptor": loc.descriptor,
                    "file": loc.file,
                })
    return out


class _ReflectionAPI:
    __slots__ = ("kind", "class_name", "member", "target")

    def __init__(self, target: tuple[str, str, str]) -> None:
        self.kind = "call"
        self.class_name = target[1]
        self.member = target[2]
        self.target = target


def reflection_apis() -> list[_ReflectionAPI]:
    return [_ReflectionAPI(t) for t in REFLECTION_APIS]


# --------------------------------------------------------------------------------------------
# CodeModel
# --------------------------------------------------------------------------------------------


def split_key(key: str) -> tuple[str, str, str]:
    """``com.a.B.m(I)V`` → (``com.a.B``, ``m``, ``(I)V``)."""
    paren = key.find("(")
    head, desc = (key, "") if paren < 0 else (key[:paren], key[paren:])
    cls, _, name = head.rpartition(".")
    return cls, name, desc


class DexCodeModel:
    """Lazy :class:`selfaudit.model.CodeModel` over a list of DEX files (first definition wins).

    Method keys are ``binary.Class.name`` + JVM descriptor. Methods outside the app (framework,
    missing classes) have no calls. Beyond the protocol it answers what reachability rules ask
    cheaply: :meth:`strings`, :meth:`numbers`, :meth:`field_reads`, :meth:`location`.

    The model is queried after collection, by rules, so it never raises on a malformed DEX: a
    class or method that cannot be decoded has no methods or calls, and the problem is kept in
    :attr:`errors` (one line each) for the report.
    """

    def __init__(self, dexes: list[Dex]) -> None:
        self._dexes = dexes
        self._classes: dict[str, tuple[Dex, object]] | None = None
        self._loaded: set[str] = set()
        # method key → (dex, code_off, access) for every method of the classes decoded so far
        self._by_key: dict[str, tuple[Dex, int, int]] = {}
        self.errors: list[str] = []
        self._calls: dict[str, list[Call]] = {}
        self._with_code: dict[str, list[str]] = {}
        self._tables: dict[str, list[tuple[str, str, str]]] = {}
        self._new_cache: dict[str, list[str]] = {}
        self._light_cache: dict[str, tuple[Dex, tuple[list, list, list]] | None] = {}

    def _failed(self, where: str, exc: Exception) -> None:
        if len(self.errors) < 100:
            self.errors.append(f"{where}: {exc}")

    # -- classes -----------------------------------------------------------------------------

    def _index(self) -> dict[str, tuple[Dex, object]]:
        if self._classes is None:
            classes: dict[str, tuple[Dex, object]] = {}
            for dex in self._dexes:
                try:
                    for cdef, desc in zip(dex.class_defs(), dex.class_descriptors(), strict=True):
                        name = desc[1:-1].replace("/", ".") if desc[:1] == "L" else desc
                        if name not in classes:
                            classes[name] = (dex, cdef)
                except (DexError, IndexError, struct.error) as exc:
                    self._failed(dex.name, exc)
            self._classes = classes
            # The reachability analysis asks this tens of thousands of times: answer from the
            # dict itself from now on.
            self.has_class = classes.__contains__  # type: ignore[method-assign]
        return self._classes

    def class_names(self) -> list[str]:
        return list(self._index())

    def has_class(self, class_name: str) -> bool:
        return class_name in self._index()

    def superclass(self, class_name: str) -> str | None:
        hit = self._index().get(class_name)
        if hit is None:
            return None
        try:
            sup = hit[0].superclass(hit[1])
        except DexError as exc:
            self._failed(f"{hit[0].name}: class {class_name}", exc)
            return None
        return descriptor_to_name(sup) if sup else None

    def interfaces(self, class_name: str) -> list[str]:
        hit = self._index().get(class_name)
        if hit is None:
            return []
        try:
            return [descriptor_to_name(i) for i in hit[0].interfaces(hit[1])]
        except DexError as exc:
            self._failed(f"{hit[0].name}: class {class_name}", exc)
            return []

    def _load(self, class_name: str) -> None:
        """Decode a class's method table once: its methods go into the key index, and those with
        code into ``methods_of`` / ``method_table`` (in class_data order)."""
        if class_name in self._loaded:
            return
        self._loaded.add(class_name)
        with_code: list[str] = []
        table: list[tuple[str, str, str]] = []
        hit = self._index().get(class_name)
        if hit is not None:
            dex, cdef = hit
            by_key = self._by_key
            try:
                parts = dex.method_parts
                known = dex.parts_table()
                for midx, access, code_off in dex.class_methods(cdef):
                    hit = known[midx] if midx < len(known) else None
                    key, cls, name, desc = hit if hit is not None else parts(midx)
                    if cls != class_name:  # a method_id of another class: not this class's method
                        key = f"{class_name}.{name}{desc}"
                    if key not in by_key:
                        by_key[key] = (dex, code_off, access)
                        if code_off:
                            with_code.append(key)
                            table.append((name, desc, key))
            except (DexError, IndexError, struct.error) as exc:
                self._failed(f"{dex.name}: class {class_name}", exc)
        self._with_code[class_name] = with_code
        self._tables[class_name] = table

    def _method(self, key: str) -> tuple[Dex, int, int] | None:
        """(dex, code_off, access) of a method key, decoding its class's table on first use."""
        hit = self._by_key.get(key)
        if hit is None:
            cls = split_key(key)[0]
            if cls not in self._loaded:
                self._load(cls)
                hit = self._by_key.get(key)
        return hit

    def methods_of(self, class_name: str) -> list[str]:
        self._load(class_name)
        return list(self._with_code[class_name])

    def method_table(self, class_name: str) -> list[tuple[str, str, str]]:
        """``(name, descriptor, key)`` of each method with code the class defines, in the order of
        :meth:`methods_of` (an optional CodeModel extension: saves splitting every key)."""
        table = self._tables.get(class_name)
        if table is None:
            self._load(class_name)
            table = self._tables[class_name]
        return table

    def has_method(self, key: str) -> bool:
        return self._method(key) is not None

    def _light(self, key: str) -> tuple[Dex, tuple[list, list, list]] | None:
        cached = self._light_cache.get(key)
        if cached is not None or key in self._light_cache:
            return cached
        found = self._light_cache[key] = self._light_uncached(key)
        return found

    def _light_uncached(self, key: str) -> tuple[Dex, tuple[list, list, list]] | None:
        hit = self._method(key)
        if hit is None or not hit[1]:
            return None
        dex, code_off, _acc = hit
        try:
            return dex, dex.method_calls(code_off)
        except (DexError, IndexError, struct.error) as exc:
            self._failed(f"{dex.name}: {key}", exc)
            return None

    def _code(self, key: str) -> tuple[Dex, MethodCode] | None:
        hit = self._method(key)
        if hit is None or not hit[1]:
            return None
        dex, code_off, _acc = hit
        try:
            return dex, dex.method_code(code_off)
        except (DexError, IndexError, struct.error) as exc:
            self._failed(f"{dex.name}: {key}", exc)
            return None

    # -- methods -----------------------------------------------------------------------------

    def calls(self, method: str) -> list[Call]:
        cached = self._calls.get(method)
        if cached is None:
            cached = self._calls[method] = [Call(target, off, kind) for target, kind, off in self._invokes(method)]
        return list(cached)

    def call_targets(self, method: str) -> list[tuple[str, str, str, str, str]]:
        """``(target key, kind, class, name, descriptor)`` of each call of :meth:`calls`, same
        order (an optional CodeModel extension: no Call objects, targets already split)."""
        found = self._light(method)
        if found is None:
            return []
        dex, (invokes, _news, _classes) = found
        parts = dex.method_parts
        known = dex.parts_table()
        kinds = _KIND_NAMES
        out = []
        append = out.append
        for _off, op, midx in invokes:
            try:
                if op < 0xFC:
                    hit = known[midx] if midx < len(known) else None
                    key, cls, name, desc = hit if hit is not None else parts(midx)
                    append((key, kinds[op], cls, name, desc))
                else:  # invoke-custom: the methods its call site hands over (lambda bodies)
                    for m in dex.call_site_methods(midx):
                        key, cls, name, desc = parts(m)
                        append((key, "custom", cls, name, desc))
            except (DexError, IndexError, struct.error) as exc:
                self._failed(f"{dex.name}: {method}", exc)
        return out

    def _invokes(self, method: str) -> list[tuple[str, str, int]]:
        found = self._light(method)
        if found is None:
            return []
        dex, (invokes, _news, _classes) = found
        key = dex.method_key
        kinds = INVOKE_KINDS
        out = []
        for off, op, midx in invokes:
            try:
                if op >= 0xFC:  # invoke-custom: the methods its call site hands over (lambda bodies)
                    for m in dex.call_site_methods(midx):
                        out.append((key(m), "custom", off))
                else:
                    out.append((key(midx), kinds.get(op, "invoke"), off))
            except (DexError, IndexError, struct.error) as exc:
                self._failed(f"{dex.name}: {method}", exc)
        return out

    def instantiated(self, method: str) -> list[str]:
        cached = self._new_cache.get(method)
        if cached is None:
            found = self._light(method)
            if found is None:
                return []
            dex, (_invokes, news, _classes) = found
            cached = self._new_cache[method] = self._types(dex, [t for _o, t in news], method) if news else []
        return list(cached)

    def strings(self, method: str) -> list[str]:
        """The method's ``const-string`` values in code order (no duplicates)."""
        found = self._code(method)
        if not found:
            return []
        try:
            return method_strings(*found)
        except DexError as exc:
            self._failed(f"{found[0].name}: {method}", exc)
            return []

    def numbers(self, method: str) -> list[int]:
        """Numeric constants (float/double as IEEE bit patterns), no duplicates."""
        found = self._code(method)
        return _unique(found[1].numbers) if found else []

    def field_reads(self, method: str) -> list[str]:
        """Fields the method reads (``iget``/``sget``) as ``binary.Class.field``."""
        found = self._code(method)
        if found is None:
            return []
        dex, mc = found
        out = []
        for _o, _op, fidx in mc.field_reads:
            try:
                cls, name, _typ = dex.field_ref(fidx)
            except DexError as exc:
                self._failed(f"{dex.name}: {method}", exc)
                continue
            out.append(f"{descriptor_to_name(cls)}.{name}")
        return _unique(out)

    def const_classes(self, method: str) -> list[str]:
        found = self._light(method)
        if found is None:
            return []
        dex, (_invokes, _news, classes) = found
        return self._types(dex, [t for _o, t in classes], method) if classes else []

    def _types(self, dex: Dex, indices: list[int], method: str) -> list[str]:
        out = []
        for t in indices:
            try:
                name = dex.binary_name(t)
            except DexError as exc:
                self._failed(f"{dex.name}: {method}", exc)
                continue
            if name not in out:
                out.append(name)
        return out

    def location(self, method: str) -> Location | None:
        hit = self._method(method)
        if hit is None:
            return None
        cls, name, desc = split_key(method)
        return Location(file=_file_of(hit[0]), class_name=cls, method=name, descriptor=desc)
