"""Cross-file resolution of scanned Java/Kotlin: the class index, knowledge-API matches, CodeModel.

:mod:`selfaudit.collect.javasrc` scans each file on its own; names only mean something once every
file is known (``Helper`` in the same package, an inherited ``requestPermissions``, a Kotlin
top-level function). This module holds all scanned files, resolves type names the way ``javac``
does (nested, imported, same package, ``java.lang``, star imports of known framework packages),
turns raw call sites into :class:`~selfaudit.model.CodeRef` facts for the knowledge base's
sensitive APIs, and answers the :class:`~selfaudit.model.CodeModel` questions of the rules stage.

Method keys are ``binary.Class.name(…)``: overloads share one key (a source scan knows arity at
best). Every method accepts any descriptor in a key, so ``App.onCreate()V`` finds ``App.onCreate(…)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from selfaudit.collect.javasrc import ClassInfo, MethodInfo, SourceFile
from selfaudit.collect.source_tables import (
    FRAMEWORK_SUPERTYPES,
    JAVA_LANG,
    KNOWN_INTERFACES,
    framework_classes,
)
from selfaudit.model import Call, CodeRef, Location

__all__ = ["SourceIndex", "SourceCodeModel", "find_code_refs", "split_key"]

OBJECT = "java.lang.Object"
#: Very common member names that never identify an API without a known receiver type.
_GENERIC_MEMBERS = frozenset(
    """start set open load exit invoke commit execute submit schedule post getName getAddress getText
    getType getString getNumber authenticate loadUrl startScan init finish close get put""".split()
)
_CALL_KINDS = {"c": "invoke", "C": "static", "S": "super", "n": "direct", "m": "custom", "p": "invoke"}


def split_key(key: str) -> tuple[str, str]:
    """``com.a.B.m(…)`` / ``com.a.B.m(I)V`` / ``com.a.B.m`` → (``com.a.B``, ``m``)."""
    paren = key.find("(")
    head = key if paren < 0 else key[:paren]
    cls, _, name = head.rpartition(".")
    return cls, name


def _binary(qualified: str) -> str:
    """``a.b.Outer.Inner`` → ``a.b.Outer$Inner``: segments after the first capitalised one nest."""
    if "$" in qualified:
        return qualified
    parts = qualified.split(".")
    for k, p in enumerate(parts):
        if p[:1].isupper():
            return ".".join(parts[: k + 1]) + "".join("$" + q for q in parts[k + 1:])
    return qualified


class SourceIndex:
    """Every scanned file's classes, with names resolved across files."""

    def __init__(self, files: Iterable[SourceFile], known_classes: Iterable[str] = ()) -> None:
        self.files = list(files)
        self.classes: dict[str, ClassInfo] = {}
        self.by_package: dict[str, dict[str, ClassInfo]] = {}
        self.top_functions: dict[str, dict[str, str]] = {}  # package → function → facade class
        for sf in self.files:
            for c in sf.classes:
                self.classes.setdefault(c.name, c)
                if c.outer is None and c.kind not in ("lambda", "anonymous"):
                    self.by_package.setdefault(sf.package, {}).setdefault(c.simple, c)
            if sf.facade is not None:
                for fn in sf.top_functions:
                    self.top_functions.setdefault(sf.package, {}).setdefault(fn, sf.facade.name)
        self.framework = framework_classes(known_classes)
        self._resolved: dict[tuple[int, str], str | None] = {}
        for c in list(self.classes.values()):
            self._resolve_supertypes(c)

    # -- names -------------------------------------------------------------------------------

    def resolve(self, raw: str | None, ctx: ClassInfo) -> str | None:
        """A type name as written in ``ctx``'s file → binary class name (None if unknowable)."""
        if not raw or raw == "?":
            return None
        if raw[0] == "=":
            return raw[1:]
        key = (id(ctx), raw)
        if key in self._resolved:
            return self._resolved[key]
        out = self._resolve(raw, ctx)
        self._resolved[key] = out
        return out

    def _resolve(self, raw: str, ctx: ClassInfo) -> str | None:
        raw = raw.split("<", 1)[0].rstrip("?[]").strip()
        if not raw:
            return None
        if raw in self.classes:
            return raw
        head, _, rest = raw.partition(".")
        suffix = ("$" + rest.replace(".", "$")) if rest else ""
        if not head[:1].isupper():
            # package-qualified (or an expression we cannot type)
            if "." not in raw:
                return None
            b = _binary(raw)
            return b if any(p[:1].isupper() for p in raw.split(".")) else None
        c: ClassInfo | None = ctx
        while c is not None:
            if c.simple == head and c.kind not in ("anonymous", "lambda"):
                return c.name + suffix
            hit = c.nested.get(head)
            if hit is not None:
                return hit.name + suffix
            c = c.outer
        sf = ctx.file
        for top in sf.top_level():
            if top.simple == head:
                return top.name + suffix
        imported = sf.imports.get(head)
        if imported:
            return _binary(imported) + suffix
        same = self.by_package.get(sf.package, {}).get(head)
        if same is not None:
            return same.name + suffix
        if head in JAVA_LANG:
            return f"java.lang.{head}" + suffix
        for pkg in sf.star_imports:
            cand = _binary(f"{pkg}.{head}")
            if cand in self.framework or cand in self.classes:
                return cand + suffix
        if sf.star_imports and not self.by_package.get(sf.package):
            return None
        return (f"{sf.package}.{head}" if sf.package else head) + suffix

    def _resolve_supertypes(self, c: ClassInfo) -> None:
        if c.kind == "lambda":
            return
        sup = self.resolve(c.super_raw, c) if c.super_raw else None
        ifaces = [x for x in (self.resolve(r, c) for r in c.ifaces_raw) if x]
        if sup is not None and self.is_interface(sup):
            ifaces.insert(0, sup)
            sup = None
        if c.kind == "interface":
            sup = None
        c.superclass = sup or (OBJECT if c.kind != "interface" else None)
        c.interfaces = ifaces

    def is_interface(self, name: str) -> bool:
        c = self.classes.get(name)
        if c is not None:
            return c.kind in ("interface", "annotation")
        if name in KNOWN_INTERFACES:
            return True
        last = name.rsplit("$", 1)[-1].rsplit(".", 1)[-1]
        return last.endswith(("Listener", "Callback", "Observer", "Watcher")) or last in ("Runnable", "Callable")

    def supertypes(self, name: str) -> list[str]:
        c = self.classes.get(name)
        if c is not None:
            return ([c.superclass] if c.superclass else []) + list(c.interfaces)
        return list(FRAMEWORK_SUPERTYPES.get(name, ()))

    def is_subtype(self, name: str, of: str) -> bool:
        seen = set()
        todo = [name]
        while todo:
            n = todo.pop()
            if n == of:
                return True
            if n in seen or n == OBJECT:
                continue
            seen.add(n)
            todo.extend(self.supertypes(n))
        return False

    def framework_ancestor(self, name: str) -> str | None:
        """The first non-app superclass of an app class (``android.app.Activity``...)."""
        seen = set()
        c = self.classes.get(name)
        while c is not None and c.name not in seen:
            seen.add(c.name)
            sup = c.superclass
            if not sup or sup == OBJECT:
                return None
            if sup not in self.classes:
                return sup
            c = self.classes[sup]
        return None

    # -- methods -----------------------------------------------------------------------------

    def find_method(self, cls: str, name: str) -> MethodInfo | None:
        seen = set()
        todo = [cls]
        while todo:
            n = todo.pop(0)
            c = self.classes.get(n)
            if c is None or n in seen:
                continue
            seen.add(n)
            m = c.methods.get(name)
            if m is not None:
                return m
            if c.superclass:
                todo.append(c.superclass)
            todo.extend(c.interfaces)
        return None

    @staticmethod
    def _companions(c: ClassInfo) -> list[ClassInfo]:
        return [n for n in c.nested.values() if n.kind == "object"]

    def extension(self, meth: MethodInfo, name: str) -> str | None:
        """The facade class of a Kotlin top-level function ``name`` visible from ``meth``'s file."""
        sf = meth.cls.file
        facade = self.top_functions.get(sf.package, {}).get(name)
        if facade is None:
            imported = sf.imports.get(name)
            if imported:
                facade = self.top_functions.get(imported.rpartition(".")[0], {}).get(name)
        return facade

    def resolve_unqualified(self, meth: MethodInfo, name: str) -> tuple[str, MethodInfo | None]:
        """Where an unqualified ``name(...)`` in ``meth`` goes: (class, app method or None)."""
        c: ClassInfo | None = meth.cls
        first_framework: str | None = None
        while c is not None:
            m = self.find_method(c.name, name)
            if m is not None:
                return m.cls.name, m
            for comp in self._companions(c):
                m = self.find_method(comp.name, name)
                if m is not None:
                    return m.cls.name, m
            if first_framework is None and self.framework_ancestor(c.name):
                first_framework = c.name
            c = c.outer
        facade = self.extension(meth, name)
        if facade is not None:
            return facade, self.classes[facade].methods.get(name)
        if first_framework is not None:
            return first_framework, None
        return "?", None


class SourceCodeModel:
    """:class:`selfaudit.model.CodeModel` over scanned sources; call targets resolved on demand.

    Beyond the protocol it answers what :class:`selfaudit.collect.apk_code.DexCodeModel` answers, so
    rules can treat both alike: :meth:`class_names`, :meth:`has_method`, :meth:`strings`,
    :meth:`numbers`, :meth:`field_reads`, :meth:`const_classes`, :meth:`location`.
    """

    def __init__(self, index: SourceIndex) -> None:
        self.index = index
        self._calls: dict[str, list[Call]] = {}
        self._fields: dict[str, list[str]] = {}
        self._keys: dict[str, list[str]] = {}  # class → method keys (reachability asks repeatedly)

    def _method(self, key: str) -> MethodInfo | None:
        cls, name = split_key(key)
        c = self.index.classes.get(cls)
        return c.methods.get(name) if c is not None else None

    def class_names(self) -> list[str]:
        return list(self.index.classes)

    def has_class(self, class_name: str) -> bool:
        return class_name in self.index.classes

    def superclass(self, class_name: str) -> str | None:
        c = self.index.classes.get(class_name)
        return c.superclass if c is not None else None

    def interfaces(self, class_name: str) -> list[str]:
        c = self.index.classes.get(class_name)
        return list(c.interfaces) if c is not None else []

    def methods_of(self, class_name: str) -> list[str]:
        keys = self._keys.get(class_name)
        if keys is None:
            c = self.index.classes.get(class_name)
            keys = self._keys[class_name] = [m.key for m in c.methods.values()] if c is not None else []
        return list(keys)

    def has_method(self, key: str) -> bool:
        return self._method(key) is not None

    def calls(self, method: str) -> list[Call]:
        m = self._method(method)
        if m is None:
            return []
        key = m.key
        if key not in self._calls:
            self._resolve(m)
        return list(self._calls[key])

    def instantiated(self, method: str) -> list[str]:
        m = self._method(method)
        if m is None:
            return []
        out: list[str] = []
        for raw in m.inst:
            name = self.index.resolve(raw, m.cls)
            if name and name not in self.index.classes and m.cls.file.kotlin and self.index.extension(m, raw):
                continue  # a top-level function called like a constructor
            if name and name not in out:
                out.append(name)
        return out

    def strings(self, method: str) -> list[str]:
        m = self._method(method)
        return list(dict.fromkeys(s for s, _l in m.strings)) if m is not None else []

    def numbers(self, method: str) -> list[float]:
        m = self._method(method)
        return list(dict.fromkeys(m.numbers)) if m is not None else []

    def field_reads(self, method: str) -> list[str]:
        m = self._method(method)
        if m is None:
            return []
        if m.key not in self._fields:
            self._resolve(m)
        return list(self._fields[m.key])

    def const_classes(self, method: str) -> list[str]:
        m = self._method(method)
        if m is None:
            return []
        return list(dict.fromkeys(x for x in (self.index.resolve(r, m.cls) for r in m.const_classes) if x))

    def location(self, method: str) -> Location | None:
        m = self._method(method)
        if m is None:
            return None
        return Location(file=m.cls.file.path, line=m.line, class_name=m.cls.name, method=m.name)

    # -- resolution ----------------------------------------------------------------------------

    def site_target(self, m: MethodInfo, site: tuple[str, str, str, int]) -> tuple[str | None, str]:
        """(receiver class or None, member) of a raw site, following the app's own classes."""
        kind, recv, member, _line = site
        idx = self.index
        if kind == "n":
            cls = idx.resolve(recv, m.cls)
            if cls not in idx.classes and m.cls.file.kotlin and "." not in recv:
                fn = idx.extension(m, recv)
                if fn is not None:
                    return fn, recv  # Compose-style Capitalised() is a function call, not a constructor
            return cls, "<init>"
        if recv == "":
            if kind in ("f", "F"):
                return m.cls.name, member
            cls, _meth = idx.resolve_unqualified(m, member)
            return (None if cls == "?" else cls), member
        if recv == ".this":
            cls, _meth = idx.resolve_unqualified(m, member) if kind != "p" else (m.cls.name, None)
            return (None if cls == "?" else cls), member
        if recv == ".super":
            c = m.cls
            while c is not None and c.kind in ("lambda", "anonymous") and c.outer is not None:
                c = c.outer
            sup = c.superclass if c is not None else None
            if sup and member != "<init>":
                found = idx.find_method(sup, member)
                if found is not None:
                    return found.cls.name, member
            return sup, member
        if kind == "m" and m.var_type(recv) is not None:
            recv = m.var_type(recv) or recv
        cls = idx.resolve(recv, m.cls)
        if kind == "c" and cls not in idx.classes:
            ext = idx.extension(m, member)
            if ext is not None:
                return ext, member  # a Kotlin extension function: x.readImei() → FileKt.readImei
        if cls is None:
            return None, member
        if kind in ("c", "C", "m") and cls in idx.classes:
            found = idx.find_method(cls, member)
            if found is None:
                # Kotlin: Outer.foo() may be a companion member
                comp = idx.classes.get(cls + "$Companion")
                found = idx.find_method(comp.name, member) if comp is not None else None
            if found is not None:
                return found.cls.name, member
        return cls, member

    def _descriptor(self, m: MethodInfo, site_index: int) -> str:
        """``(Ljava/lang/Runnable;)V`` for a framework call whose arguments are known well enough
        (anonymous classes, lambdas, new objects, typed variables), else ``(…)``.

        Only parameter types mean anything (unknown ones are ``Object``, the return type is always
        ``V``): the rules' hand-off detection reads them to see that ``handler.post(new Runnable()
        {...})`` will call ``run()``, as it does from a DEX descriptor.
        """
        args = m.args.get(site_index)
        if args is None:
            return "(…)"
        out = []
        for a in args:
            t = self._arg_type(a, m) if a else None
            out.append(f"L{t.replace('.', '/')};" if t else "Ljava/lang/Object;")
        return "(" + "".join(out) + ")V"

    def _arg_type(self, raw: str, m: MethodInfo) -> str | None:
        idx = self.index
        name = m.cls.name if raw == ".this" else idx.resolve(raw, m.cls)
        if name is None:
            return None
        # An app class stands for the first framework type it extends or implements.
        seen = set()
        todo = [name]
        while todo:
            n = todo.pop(0)
            if n in seen:
                continue
            seen.add(n)
            c = idx.classes.get(n)
            if c is None:
                return n
            todo.extend(c.interfaces)
            if c.superclass and c.superclass != OBJECT:
                todo.append(c.superclass)
        return OBJECT

    def _resolve(self, m: MethodInfo) -> None:
        calls: list[Call] = []
        fields: list[str] = []
        idx = self.index
        for si, site in enumerate(m.sites):
            kind = site[0]
            cls, member = self.site_target(m, site)
            if kind in ("f", "F"):
                if cls:
                    fields.append(f"{cls}.{member}")
                continue
            if kind == "p":
                if cls is None:
                    continue
                fields.append(f"{cls}.{member}")
                getter = _getter(member)
                if cls in idx.classes:
                    found = idx.find_method(cls, getter)
                    if found is None:
                        continue
                    cls = found.cls.name
                elif member[:1].isupper():
                    continue
                member = getter
            desc = "(…)" if (cls is None or cls in idx.classes) else self._descriptor(m, si)
            ckind = _CALL_KINDS.get(kind, "invoke")
            if kind == "n" and member != "<init>":
                ckind = "static"
            calls.append(Call(f"{cls or '?'}.{member}{desc}", site[3], ckind))
        self._calls[m.key] = calls
        self._fields[m.key] = list(dict.fromkeys(fields))


def _getter(prop: str) -> str:
    if prop.startswith("is") and prop[2:3].isupper():
        return prop
    return "get" + prop[:1].upper() + prop[1:]


# --------------------------------------------------------------------------------------------
# Knowledge-API references
# --------------------------------------------------------------------------------------------


class _ApiIndex:
    def __init__(self, apis: Iterable[Any]) -> None:
        self.calls: dict[str, list[Any]] = {}
        self.fields: dict[str, list[Any]] = {}
        self.strings: list[Any] = []
        classes_per_member: dict[str, set[str]] = {}
        for api in apis:
            if api.kind == "string":
                if api.value:
                    self.strings.append(api)
                continue
            table = self.fields if api.kind == "field" else self.calls
            table.setdefault(api.member, []).append(api)
            classes_per_member.setdefault(api.member, set()).add(api.class_name.split("$", 1)[0])
        # One alternation of every string API's prefix: a C-speed test per string constant.
        self.string_prefixes = re.compile("|".join(re.escape(a.value) for a in self.strings)) if self.strings else None
        #: members that name one API class and are not common words: enough on their own
        self.distinctive = {m for m, cs in classes_per_member.items() if len(cs) == 1 and m not in _GENERIC_MEMBERS}
        self.members = set(self.calls) | set(self.fields)
        self.getters = {m for m in self.calls if m.startswith(("get", "is"))}


def _imported(api_class: str, sf: SourceFile) -> bool:
    top = api_class.split("$", 1)[0]
    simple = top.rsplit(".", 1)[-1]
    if sf.imports.get(simple) == top:
        return True
    pkg = top.rpartition(".")[0]
    return pkg in sf.star_imports or pkg == sf.package


def find_code_refs(model: SourceCodeModel, apis: Iterable[Any]) -> tuple[list[CodeRef], list[dict[str, Any]]]:
    """Every reference in the scanned code to a knowledge-base API, as the APK collector reports
    them (``args_any`` applied), plus reflection targets given as constant strings."""
    index = _ApiIndex(apis)
    idx = model.index
    refs: list[CodeRef] = []
    reflection: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    for cls in idx.classes.values():
        sf = cls.file
        for m in cls.methods.values():
            hits: list[tuple[Any, str, int]] = []
            for site in m.sites:
                kind, _recv, member, line = site
                if kind == "n":
                    cands = index.calls.get("<init>")
                    table_member = "<init>"
                elif kind == "p":
                    cands = index.fields.get(member)
                    table_member = member
                    if not cands:
                        table_member = _getter(member)
                        cands = index.calls.get(table_member)
                elif kind in ("f", "F"):
                    cands = index.fields.get(member)
                    table_member = member
                else:
                    cands = index.calls.get(member)
                    table_member = member
                    if member in ("forName", "loadClass", "getMethod", "getDeclaredMethod", "getField",
                                  "getDeclaredField"):
                        reflection.extend(_reflection(model, m, member, line))
                if not cands:
                    continue
                owner, _ = model.site_target(m, site)
                if kind == "p" and owner is not None and owner in idx.classes:
                    continue  # an app property of that name, not the framework getter
                matched = _match(idx, sf, owner, cands, table_member, index)
                for api in matched:
                    hits.append((api, "field" if api.kind == "field" else "call", line))
            prefixes = index.string_prefixes
            if prefixes is not None:
                for value, line in m.strings:
                    if prefixes.match(value):
                        for api in index.strings:
                            if value.startswith(api.value):
                                hits.append((api, "string", line))
            if not hits:
                continue
            strings = list(dict.fromkeys(s for s, _l in m.strings))
            numbers = list(dict.fromkeys(m.numbers))
            for api, kind, line in hits:
                if api.args_any and not any(a in strings for a in api.args_any):
                    continue
                key = (api.id, cls.name, m.name, line)
                if key in seen:
                    continue
                seen.add(key)
                refs.append(CodeRef(
                    api_id=api.id,
                    api=api.api,
                    kind=kind,
                    location=Location(file=sf.path, line=line, class_name=cls.name, method=m.name),
                    strings=strings,
                    numbers=numbers,
                ))
    refs.sort(key=lambda r: (r.location.file or "", r.location.line or 0, r.api_id))
    return refs, reflection


def _match(idx: SourceIndex, sf: SourceFile, owner: str | None, cands: list[Any], member: str,
           index: _ApiIndex) -> list[Any]:
    if owner is not None:
        # A known receiver type decides: the API's class or a subtype of it, nothing else.
        return [a for a in cands if idx.is_subtype(owner, a.class_name)]
    # Unknown receiver: accept an API whose class the file imports, or a distinctive member.
    imported = [a for a in cands if _imported(a.class_name, sf)]
    if imported:
        return imported[:1]
    if member in index.distinctive:
        return cands[:1]
    return []


_CLASS_LIKE = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$")
_MEMBER_LIKE = re.compile(r"^[A-Za-z_$][\w$]*$")


def _reflection(model: SourceCodeModel, m: MethodInfo, member: str, line: int) -> list[dict[str, Any]]:
    pattern = _CLASS_LIKE if member in ("forName", "loadClass") else _MEMBER_LIKE
    api = ("java.lang.Class." if member != "loadClass" else "java.lang.ClassLoader.") + member
    out = []
    for value, sline in m.strings:
        if sline == line and pattern.match(value):
            out.append({"value": value, "api": api, "class": m.cls.name, "method": m.name,
                        "file": m.cls.file.path, "line": line})
    return out
