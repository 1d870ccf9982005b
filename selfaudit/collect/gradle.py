"""Read a Gradle Android project without running Gradle: modules, versions, dependencies.

Running Gradle would be exact but takes tens of seconds, needs the network and a JDK, and
executes the project's build logic; a pre-commit hook can afford none of that. Build files are
overwhelmingly declarative, so this reader splits Groovy and Kotlin DSL files into *blocks*
(``android { defaultConfig { ... } }``) and *statements* with their line numbers, and then reads
the handful of statements an audit needs:

* ``settings.gradle(.kts)``: ``include`` (which modules exist) and ``projectDir`` overrides,
  extra version catalogs (``versionCatalogs { create("x") { from(files(...)) } }``);
* ``gradle/libs.versions.toml`` (and other catalogs): libraries, bundles, plugins, versions;
* each module's plugins (application / library), ``namespace``, ``defaultConfig``
  (``applicationId``, ``minSdk``, ``targetSdk``, ``versionName``, ``versionCode``,
  ``manifestPlaceholders``), ``buildTypes`` and ``productFlavors`` names, a custom
  ``manifest.srcFile``;
* ``dependencies { }``: string (``"g:a:v"``), map (``group: 'g', name: 'a'``; ``group = "g"``),
  version-catalog (``libs.umeng.common``, ``libs.bundles.x``), ``project(':lib')`` /
  ``projects.lib``, ``files(...)``, ``fileTree(...)`` and flatDir (``name: 'x', ext: 'aar'``).

Values given as simple expressions are resolved (``ext``/``extra`` properties, local ``def``/``val``,
``gradle.properties``, ``libs.versions.x.get()``); anything else becomes a warning with file:line.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "GradleFile", "Statement", "Module", "Project", "DependencyDecl", "Catalog",
    "parse_gradle", "load_project", "shipped_configuration",
]

_TOKEN = re.compile(
    r"(//[^\n]*|/\*[\s\S]*?(?:\*/|\Z))"  # 1 comment
    r"|(\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')"  # 2 string
    r"|([{}()\[\]\n;])"  # 3 structure
    r"|([^{}()\[\]\n;\"'/]+|/)"  # 4 anything else
)
_STR = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'")
_ASSIGN = re.compile(r"^([A-Za-z_][\w.]*)\s*(=(?!=)|\(|\s)\s*(.+?)\s*$", re.S)
_NAMED_BLOCK = re.compile(r"""^(?:create|getByName|register|named|maybeCreate)\s*\(\s*["']([^"']+)["']\s*\)$""")
_CONFIG = re.compile(r"^([A-Za-z_]\w*)\s*(\(.*\)|\s.*)?$", re.S)
_FLAVORS = "productFlavors"
_CONFIG_SUFFIXES = ("implementation", "api", "compile", "runtimeOnly", "runtime", "Implementation", "Api",
                    "Compile", "RuntimeOnly", "compileOnly", "CompileOnly", "annotationProcessor",
                    "AnnotationProcessor")
_COORD = re.compile(r"^[\w.\-]+:[\w.\-]+(:[^:@\s]*)?(:[\w.\-]+)?(@\w+)?$")


@dataclass
class Statement:
    """One statement with the block path it sits in: ``("android", "defaultConfig")``."""

    text: str
    line: int
    path: tuple[str, ...]
    header: bool = False  # the text before a "{" (a block's own declaration)


@dataclass
class GradleFile:
    path: Path
    rel: str
    kts: bool
    statements: list[Statement] = field(default_factory=list)
    suppressions: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def in_block(self, *path: str) -> list[Statement]:
        n = len(path)
        return [s for s in self.statements if s.path[:n] == path and not s.header]

    def directly_in(self, *path: str) -> list[Statement]:
        return [s for s in self.statements if s.path == path and not s.header]

    def block_names(self, *path: str) -> list[tuple[str, int]]:
        """Names of the blocks (and ``create("x")`` statements) directly inside ``path``."""
        out: list[tuple[str, int]] = []
        for s in self.statements:
            if s.path == path and (s.header or _NAMED_BLOCK.match(s.text)):
                name = block_name(s.text)
                if name and name not in [o[0] for o in out]:
                    out.append((name, s.line))
        return out


def block_name(text: str) -> str:
    text = text.strip()
    m = _NAMED_BLOCK.match(text)
    if m:
        return m.group(1)
    if text.startswith("val ") or text.startswith("def "):
        return ""
    return text.split("(", 1)[0].strip()


def parse_gradle(text: str, rel: str, path: Path | None = None) -> GradleFile:
    """Split a build script into statements inside named blocks; never raises."""
    from selfaudit.collect.javasrc import parse_suppression

    gf = GradleFile(path=path or Path(rel), rel=rel, kts=rel.endswith(".kts"))
    stack: list[str] = []
    buf: list[str] = []
    buf_line = 0
    line = 1
    depth = 0  # () and [] nesting: newlines inside do not end a statement

    def flush(header: bool = False) -> str:
        nonlocal buf, buf_line
        text = " ".join("".join(buf).split())
        if text:
            gf.statements.append(Statement(text, buf_line or line, tuple(stack), header))
        buf = []
        buf_line = 0
        return text

    for m in _TOKEN.finditer(text):
        kind = m.lastindex
        v = m.group(kind)
        if kind == 1:
            parsed = parse_suppression(v) if "selfaudit" in v else None
            if parsed is not None:
                rules, reason = parsed
                if rules and reason:
                    gf.suppressions.append({"file": rel, "line": line, "rules": rules, "reason": reason})
                else:
                    gf.warnings.append(
                        f"{rel}:{line}: inline suppression needs rule names and a reason "
                        "('selfaudit: ignore[rule-name] reason'); not applied"
                    )
            line += v.count("\n")
            continue
        if kind == 3:
            if v == "\n":
                line += 1
                if depth == 0 and buf:
                    flush()
                elif buf:
                    buf.append(" ")
                continue
            if v in "([":
                depth += 1
            elif v in ")]":
                depth = max(0, depth - 1)
            elif v == ";" and depth == 0:
                flush()
                continue
            elif v == "{":
                if depth > 0:
                    # a closure inside an argument list: keep it in the statement text
                    buf.append(v)
                    depth += 1
                    continue
                name = flush(header=True)
                stack.append(block_name(name) or name)
                continue
            elif v == "}":
                if depth > 0:
                    buf.append(v)
                    depth = max(0, depth - 1)
                    continue
                flush()
                if stack:
                    stack.pop()
                else:
                    gf.warnings.append(f"{rel}:{line}: unbalanced '}}'")
                continue
        if not buf_line and v.strip():
            buf_line = line
        buf.append(v)
        if kind == 2:
            line += v.count("\n")
    flush()
    if stack:
        gf.warnings.append(f"{rel}:{line}: unclosed block '{stack[-1]}'; the rest of the file may be misread")
    return gf


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def strings_in(text: str) -> list[str]:
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in _STR.finditer(text)]


class Scope:
    """What a value expression may refer to: ext/extra, local variables, gradle.properties, catalogs."""

    def __init__(self, props: dict[str, str], catalogs: dict[str, Catalog], parent: Scope | None = None) -> None:
        self.vars: dict[str, str] = {}
        self.props = props
        self.catalogs = catalogs
        self.parent = parent

    def lookup(self, name: str) -> str | None:
        s: Scope | None = self
        while s is not None:
            if name in s.vars:
                return s.vars[name]
            s = s.parent
        return self.props.get(name)

    def value(self, expr: str) -> str | None:
        """A simple expression → its string value, or None."""
        e = expr.strip().rstrip(",").strip()
        for suffix in (".toInteger()", ".toInt()", ".get()", ".toString()", " as int", " as Integer"):
            while e.endswith(suffix):
                e = e[: -len(suffix)].rstrip()
        m = re.fullmatch(r"(?:Integer\.(?:parseInt|valueOf)|JavaVersion\.toVersion)\((.*)\)", e)
        if m:
            e = m.group(1).strip()
        if re.fullmatch(r"-?\d+", e):
            return e
        s = _STR.fullmatch(e)
        if s:
            raw = s.group(1) if s.group(1) is not None else s.group(2)
            return self.interpolate(raw) if s.group(1) is not None else raw
        m = re.fullmatch(r"(\w+)\.versions\.([\w.]+)", e)
        if m and m.group(1) in self.catalogs:
            return self.catalogs[m.group(1)].version(m.group(2))
        m = re.fullmatch(r"(?:rootProject\.|project\.)?(?:ext|extra)\s*(?:\.(\w+)|\[\s*[\"'](\w+)[\"']\s*\])", e)
        if m:
            return self.lookup(m.group(1) or m.group(2))
        m = re.fullmatch(r"(?:rootProject|project)\.(?:ext\.)?(\w+)", e)
        if m:
            return self.lookup(m.group(1))
        m = re.fullmatch(r"(?:project\.)?(?:property|findProperty|providers\.gradleProperty)\(\s*[\"']([\w.]+)[\"']\s*\)(?:\.get\(\))?!?!?", e)
        if m:
            return self.props.get(m.group(1))
        m = re.fullmatch(r"(?:rootProject\.)?extra\[\s*\"(\w+)\"\s*\](?:\s+as\s+\w+)?", e)
        if m:
            return self.lookup(m.group(1))
        if re.fullmatch(r"[A-Za-z_][\w.]*", e):
            v = self.lookup(e) or self.lookup(e.rsplit(".", 1)[-1])
            return v
        return None

    def interpolate(self, raw: str) -> str:
        def one(m: re.Match) -> str:
            v = self.value(m.group(1) or m.group(2))
            return v if v is not None else m.group(0)

        return re.sub(r"\$\{([^}]+)\}|\$([A-Za-z_][\w.]*)", one, raw)

    def learn(self, gf: GradleFile) -> None:
        """Record ``ext { x = 1 }``, ``ext.x = 1``, ``def x = 1``, ``val x = 1``, ``extra["x"] = 1``."""
        for st in gf.statements:
            if st.header:
                continue
            t = st.text
            m = re.match(r"^(?:def|val|var|const val|private val)\s+(\w+)(?:\s*:\s*\w+)?\s*=\s*(.+)$", t)
            if m is None and st.path and st.path[-1] in ("ext", "extra", "extensions.extraProperties"):
                m = re.match(r"^(\w+)\s*=\s*(.+)$", t)
            if m is None:
                m = re.match(r"^(?:rootProject\.|project\.)?(?:ext|extra)\s*(?:\.(\w+)|\[\s*[\"'](\w+)[\"']\s*\])\s*=\s*(.+)$", t)
                if m is not None:
                    value = self.value(m.group(3))
                    if value is not None:
                        self.vars[m.group(1) or m.group(2)] = value
                    continue
                m = re.match(r"^(?:val|var)?\s*(\w+)\s+by\s+extra\((.+)\)$", t)
            if m is not None:
                value = self.value(m.group(2))
                if value is not None:
                    self.vars[m.group(1)] = value


# --------------------------------------------------------------------------------------------
# Version catalogs
# --------------------------------------------------------------------------------------------


def _accessor(alias: str) -> str:
    """Catalog alias → accessor path: ``umeng-common`` / ``umeng_common`` → ``umeng.common``."""
    return re.sub(r"[-_.]", ".", alias)


@dataclass
class Catalog:
    name: str
    rel: str
    libraries: dict[str, tuple[str, int]] = field(default_factory=dict)  # accessor → (coordinate, line)
    bundles: dict[str, list[str]] = field(default_factory=dict)  # accessor → library accessors
    plugins: dict[str, str] = field(default_factory=dict)  # accessor → plugin id
    versions: dict[str, str] = field(default_factory=dict)  # accessor → version

    def version(self, accessor: str) -> str | None:
        return self.versions.get(_accessor(accessor))

    def library(self, accessor: str) -> tuple[str, int] | None:
        return self.libraries.get(accessor)


def load_catalog(path: Path, rel: str, name: str, warnings: list[str]) -> Catalog | None:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        warnings.append(f"{rel}: cannot read version catalog: {exc.strerror}")
        return None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        warnings.append(f"{rel}:{_toml_line(exc)}: unparseable version catalog: {exc}")
        return None
    cat = Catalog(name=name, rel=rel)
    lines = text.splitlines()

    def line_of(section: str, alias: str) -> int:
        current = None
        for i, ln in enumerate(lines, 1):
            s = ln.strip()
            if s.startswith("["):
                current = s.strip("[] ")
            elif current == section and re.match(rf"^[\"']?{re.escape(alias)}[\"']?\s*=", s):
                return i
        return 1

    versions = data.get("versions", {})
    if isinstance(versions, dict):
        for k, v in versions.items():
            if isinstance(v, str):
                cat.versions[_accessor(k)] = v
            elif isinstance(v, dict):
                r = v.get("strictly") or v.get("require") or v.get("prefer")
                if isinstance(r, str):
                    cat.versions[_accessor(k)] = r
    libs = data.get("libraries", {})
    if isinstance(libs, dict):
        for alias, spec in libs.items():
            coord = None
            if isinstance(spec, str):
                coord = spec
            elif isinstance(spec, dict):
                module = spec.get("module")
                if not module and spec.get("group") and spec.get("name"):
                    module = f"{spec['group']}:{spec['name']}"
                version = spec.get("version")
                if isinstance(version, dict):
                    ref = version.get("ref")
                    version = cat.versions.get(_accessor(ref)) if ref else (version.get("strictly") or version.get("require"))
                elif "version.ref" in spec:
                    version = cat.versions.get(_accessor(spec["version.ref"]))
                if isinstance(module, str):
                    coord = module + (f":{version}" if isinstance(version, str) and version else "")
            if coord:
                cat.libraries[_accessor(alias)] = (coord, line_of("libraries", alias))
            else:
                warnings.append(f"{rel}:{line_of('libraries', alias)}: library {alias!r}: cannot read its coordinate")
    bundles = data.get("bundles", {})
    if isinstance(bundles, dict):
        for alias, members in bundles.items():
            if isinstance(members, list):
                cat.bundles[_accessor(alias)] = [_accessor(m) for m in members if isinstance(m, str)]
    plugins = data.get("plugins", {})
    if isinstance(plugins, dict):
        for alias, spec in plugins.items():
            pid = spec if isinstance(spec, str) else (spec.get("id") if isinstance(spec, dict) else None)
            if isinstance(pid, str):
                cat.plugins[_accessor(alias)] = pid.split(":", 1)[0]
    return cat


def _toml_line(exc: Exception) -> int:
    m = re.search(r"line (\d+)", str(exc))
    return int(m.group(1)) if m else 1


# --------------------------------------------------------------------------------------------
# Dependencies
# --------------------------------------------------------------------------------------------


@dataclass
class DependencyDecl:
    """A dependency as declared: ``kind`` is maven | project | files | catalog-missing."""

    kind: str
    value: str  # coordinate, project path, or file pattern ("libs/*.aar")
    configuration: str
    line: int
    file: str
    base: str = ""  # for files: the directory patterns are relative to (module-relative)


def shipped_configuration(config: str) -> bool:
    """Does a configuration end up in the release APK? (``debugImplementation``, tests, kapt: no)."""
    c = config
    if c in ("implementation", "api", "compile", "runtimeOnly", "runtime"):
        return True
    low = c.lower()
    if any(low.startswith(p.lower()) for p in ("test", "androidTest", "testFixtures", "debug", "lint", "kapt",
                                               "ksp", "annotationProcessor", "coreLibraryDesugaring",
                                               "detekt", "classpath", "wear")):
        return False
    if low.endswith(("compileonly", "annotationprocessor")):
        return False
    return c.endswith(("Implementation", "Api", "Compile", "RuntimeOnly"))


def _is_configuration(name: str) -> bool:
    return name in ("implementation", "api", "compile", "runtimeOnly", "runtime", "compileOnly", "kapt", "ksp",
                    "annotationProcessor", "coreLibraryDesugaring", "classpath", "lintChecks") or name.endswith(
        _CONFIG_SUFFIXES)


def _split_args(text: str) -> list[str]:
    out, depth, cur, quote = [], 0, [], None
    for ch in text:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    return out


def _named(args: list[str]) -> dict[str, str]:
    """``group: 'g'`` / ``group = "g"`` / ``"dir" to "libs"`` arguments by name."""
    out = {}
    for a in args:
        m = re.match(r"""^["']?(\w+)["']?\s*(?::|=|\bto\b)\s*(.+)$""", a, re.S)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def parse_dependencies(gf: GradleFile, scope: Scope, warnings: list[str]) -> list[DependencyDecl]:
    out: list[DependencyDecl] = []
    for st in gf.statements:
        if not st.path or st.path[-1] != "dependencies" or "buildscript" in st.path:
            continue
        text = st.text
        m = _CONFIG.match(text)
        if not m:
            continue
        config = m.group(1)
        rest = (m.group(2) or "").strip()
        if config == "add":
            args = _split_args(rest[1:-1] if rest.startswith("(") else rest)
            if len(args) < 2 or not strings_in(args[0]):
                continue
            config = strings_in(args[0])[0]
            rest = ", ".join(args[1:])
        elif not _is_configuration(config):
            continue
        if rest.startswith("(") and rest.endswith(")"):
            rest = rest[1:-1]
        # trailing closure / configuration block: implementation("x") { exclude ... }
        rest = re.sub(r"\)\s*\{.*\}$", ")", rest, flags=re.S)
        rest = re.sub(r"\s*\{.*\}$", "", rest, flags=re.S)
        out.extend(_notations(rest, config, st, gf, scope, warnings))
    return out


def _notations(rest: str, config: str, st: Statement, gf: GradleFile, scope: Scope,
               warnings: list[str]) -> list[DependencyDecl]:
    out: list[DependencyDecl] = []
    args = _split_args(rest)
    named = _named(args)
    if "name" in named and ("group" in named or "ext" in named or "version" in named):
        group = scope.value(named.get("group", "")) if "group" in named else None
        name = scope.value(named["name"])
        if group and name:
            version = scope.value(named["version"]) if "version" in named else None
            out.append(DependencyDecl("maven", f"{group}:{name}" + (f":{version}" if version else ""),
                                      config, st.line, gf.rel))
        elif name and "ext" in named:
            ext = scope.value(named["ext"]) or "aar"
            out.append(DependencyDecl("flatdir", f"{name}.{ext}", config, st.line, gf.rel))
        else:
            warnings.append(f"{gf.rel}:{st.line}: cannot read dependency '{st.text}'")
        return out
    for a in args:
        a = a.strip()
        inner = re.fullmatch(r"(?:platform|enforcedPlatform|kotlin|testFixtures)\s*\((.*)\)", a, re.S)
        if inner:
            a = inner.group(1).strip()
            if re.fullmatch(r"[\"']?[\w.-]+[\"']?", a) and not re.search(r"[:.]", a.strip("\"'")):
                # kotlin("stdlib") → org.jetbrains.kotlin:kotlin-stdlib
                out.append(DependencyDecl("maven", f"org.jetbrains.kotlin:kotlin-{a.strip(chr(34) + chr(39))}",
                                          config, st.line, gf.rel))
                continue
        s = _STR.fullmatch(a)
        if s:
            value = scope.interpolate(s.group(1)) if s.group(1) is not None else s.group(2)
            if _COORD.match(value):
                out.append(DependencyDecl("maven", value.split("@", 1)[0], config, st.line, gf.rel))
            else:
                warnings.append(f"{gf.rel}:{st.line}: not a group:artifact[:version] dependency: {value!r}")
            continue
        pm = re.fullmatch(r"project\s*\(\s*(?:path\s*[:=]\s*)?[\"']([^\"']+)[\"'].*\)", a, re.S)
        if pm:
            out.append(DependencyDecl("project", pm.group(1), config, st.line, gf.rel))
            continue
        pm = re.fullmatch(r"projects\.([\w.]+)", a)
        if pm:
            out.append(DependencyDecl("project-accessor", pm.group(1), config, st.line, gf.rel))
            continue
        fm = re.fullmatch(r"files\s*\((.*)\)", a, re.S)
        if fm:
            for path in strings_in(fm.group(1)):
                out.append(DependencyDecl("files", scope.interpolate(path), config, st.line, gf.rel))
            continue
        fm = re.fullmatch(r"fileTree\s*\((.*)\)", a, re.S)
        if fm:
            targs = _split_args(fm.group(1))
            if len(targs) == 1:
                mm = re.fullmatch(r"(?:mapOf|hashMapOf|mutableMapOf)\s*\((.*)\)", targs[0], re.S)
                if mm:
                    targs = _split_args(mm.group(1))
            tn = _named(targs)
            base = strings_in(tn.get("dir", "") or tn.get("baseDir", "") or (targs[0] if targs and not _named(targs[:1]) else ""))
            includes = strings_in(tn.get("include", "")) or ["**/*.jar", "**/*.aar"]
            for inc in includes:
                out.append(DependencyDecl("files", inc, config, st.line, gf.rel, base=base[0] if base else "libs"))
            continue
        cm = re.fullmatch(r"(\w+)\.([\w.]+?)(?:\.get\(\))?", a)
        if cm and cm.group(1) in scope.catalogs:
            cat = scope.catalogs[cm.group(1)]
            acc = cm.group(2)
            if acc.startswith("bundles."):
                members = cat.bundles.get(acc[len("bundles."):])
                if members is None:
                    warnings.append(f"{gf.rel}:{st.line}: no bundle {acc[8:]!r} in version catalog {cat.rel}")
                    continue
                for mem in members:
                    lib = cat.library(mem)
                    if lib:
                        out.append(DependencyDecl("maven", lib[0], config, st.line, gf.rel))
                continue
            lib = cat.library(acc)
            if lib is None:
                warnings.append(f"{gf.rel}:{st.line}: no library {acc!r} in version catalog {cat.rel}")
                continue
            out.append(DependencyDecl("maven", lib[0], config, st.line, gf.rel))
            continue
        if a:
            value = scope.value(a)
            if value and _COORD.match(value):
                out.append(DependencyDecl("maven", value, config, st.line, gf.rel))
            else:
                warnings.append(f"{gf.rel}:{st.line}: cannot read dependency notation {a!r}")
    return out


# --------------------------------------------------------------------------------------------
# The project
# --------------------------------------------------------------------------------------------


@dataclass
class Module:
    path: str  # Gradle path, ":app"
    dir: Path
    rel: str  # directory relative to the root ("" for the root project)
    build: GradleFile | None = None
    kind: str = "other"  # application | library | feature | other
    namespace: str | None = None
    application_id: str | None = None
    min_sdk: int | None = None
    target_sdk: int | None = None
    compile_sdk: int | None = None
    version_name: str | None = None
    version_code: int | None = None
    placeholders: dict[str, str] = field(default_factory=dict)
    build_types: list[str] = field(default_factory=list)
    flavors: list[str] = field(default_factory=list)
    manifest_files: dict[str, str] = field(default_factory=dict)  # source set → custom manifest path
    dependencies: list[DependencyDecl] = field(default_factory=list)
    locations: dict[str, tuple[str, int]] = field(default_factory=dict)  # key → (file, line)

    def accessor(self) -> str:
        return ".".join(_camel(p) for p in self.path.strip(":").split(":") if p)


def _camel(s: str) -> str:
    parts = re.split(r"[-_]", s)
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


@dataclass
class Project:
    root: Path
    settings: GradleFile | None = None
    modules: dict[str, Module] = field(default_factory=dict)
    catalogs: dict[str, Catalog] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    suppressions: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def module_for_accessor(self, accessor: str) -> Module | None:
        for m in self.modules.values():
            if m.accessor() == accessor:
                return m
        return None


def _read(path: Path, root: Path, warnings: list[str]) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        warnings.append(f"{path.relative_to(root).as_posix()}: cannot read: {exc.strerror}")
        return None


def _properties(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return out
    for ln in text.splitlines():
        ln = ln.strip()
        if not ln or ln[0] in "#!":
            continue
        m = re.match(r"^([^=:\s]+)\s*[=:]\s*(.*)$", ln)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def _build_file(d: Path) -> Path | None:
    for name in ("build.gradle.kts", "build.gradle"):
        if (d / name).is_file():
            return d / name
    return None


def load_project(root: Path) -> Project:
    """Read settings, catalogs and every module's build file under ``root``."""
    proj = Project(root=root)
    proj.properties = _properties(root / "gradle.properties")
    settings_path = next((root / n for n in ("settings.gradle.kts", "settings.gradle") if (root / n).is_file()), None)
    includes: list[tuple[str, int]] = []
    dirs: dict[str, str] = {}
    catalog_files: dict[str, str] = {}
    if settings_path is not None:
        text = _read(settings_path, root, proj.warnings)
        if text is not None:
            rel = settings_path.relative_to(root).as_posix()
            proj.files.append(rel)
            sf = parse_gradle(text, rel, settings_path)
            proj.settings = sf
            proj.warnings.extend(sf.warnings)
            proj.suppressions.extend(sf.suppressions)
            for st in sf.statements:
                t = st.text
                if re.match(r"^include\b", t) and not t.startswith("includeBuild"):
                    for p in strings_in(t):
                        includes.append((p if p.startswith(":") else ":" + p, st.line))
                m = re.match(r"""^project\s*\(\s*["']([^"']+)["']\s*\)\.projectDir\s*=\s*(.+)$""", t)
                if m:
                    paths = strings_in(m.group(2))
                    if paths:
                        dirs[m.group(1) if m.group(1).startswith(":") else ":" + m.group(1)] = paths[-1]
                if "versionCatalogs" in st.path and "from" in t and "files" in t:
                    name = st.path[-1] if st.path[-1] != "versionCatalogs" else None
                    for p in strings_in(t):
                        if name:
                            catalog_files[name] = p
    default_catalog = root / "gradle" / "libs.versions.toml"
    if default_catalog.is_file():
        catalog_files.setdefault("libs", "gradle/libs.versions.toml")
    for name, rel in catalog_files.items():
        path = (root / rel).resolve()
        try:
            rel_path = path.relative_to(root.resolve()).as_posix()
        except ValueError:
            rel_path = rel
        if path.is_file():
            cat = load_catalog(path, rel_path, name, proj.warnings)
            if cat is not None:
                proj.catalogs[name] = cat
                proj.files.append(rel_path)
        else:
            proj.warnings.append(f"{rel_path}: version catalog {name!r} named in settings does not exist")
    if not includes:
        # No settings (or nothing included): a single-module project, or modules found by their build files.
        if _build_file(root) is not None and _looks_android(_build_file(root)):
            includes = [(":", 0)]
        else:
            for d in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
                bf = _build_file(d)
                if bf is not None and d.name not in ("buildSrc", "build"):
                    includes.append((":" + d.name, 0))
            if not includes:
                includes = [(":", 0)]
    root_scope = Scope(proj.properties, proj.catalogs)
    root_build = _build_file(root)
    if root_build is not None and (":", 0) not in includes:
        text = _read(root_build, root, proj.warnings)
        if text is not None:
            rel = root_build.relative_to(root).as_posix()
            gf = parse_gradle(text, rel, root_build)
            proj.files.append(rel)
            proj.warnings.extend(gf.warnings)
            proj.suppressions.extend(gf.suppressions)
            root_scope.learn(gf)
    for path, _line in includes:
        rel_dir = dirs.get(path) or path.strip(":").replace(":", "/")
        mdir = (root / rel_dir) if rel_dir else root
        mod = Module(path=path, dir=mdir, rel=rel_dir)
        proj.modules[path] = mod
        bf = _build_file(mdir)
        if bf is None:
            if mdir.is_dir():
                proj.warnings.append(f"{rel_dir or '.'}: module {path} has no build.gradle(.kts)")
            else:
                proj.warnings.append(
                    f"{proj.settings.rel if proj.settings else 'settings.gradle'}: module {path} is included "
                    f"but its directory {rel_dir} does not exist"
                )
            continue
        text = _read(bf, root, proj.warnings)
        if text is None:
            continue
        rel = bf.relative_to(root).as_posix()
        proj.files.append(rel)
        gf = parse_gradle(text, rel, bf)
        mod.build = gf
        proj.warnings.extend(gf.warnings)
        proj.suppressions.extend(gf.suppressions)
        scope = Scope(proj.properties, proj.catalogs, root_scope)
        scope.learn(gf)
        _read_module(mod, gf, scope, proj)
    return proj


def _looks_android(build: Path | None) -> bool:
    if build is None:
        return False
    try:
        text = build.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "com.android." in text or "android {" in text or "android{" in text or "androidApplication" in text


def _plugin_ids(gf: GradleFile, catalogs: dict[str, Catalog]) -> list[str]:
    ids = []
    for st in gf.statements:
        t = st.text
        if st.path == ("plugins",) or st.path == ():
            m = re.match(r"""^id\s*\(?\s*["']([\w.\-]+)["']""", t)
            if m:
                ids.append(m.group(1))
                continue
            m = re.match(r"^alias\s*\(\s*(\w+)\.plugins\.([\w.]+)\s*\)", t)
            if m and m.group(1) in catalogs:
                pid = catalogs[m.group(1)].plugins.get(m.group(2))
                ids.append(pid or m.group(2))
                continue
            m = re.match(r"""^apply\s*\(?\s*plugin\s*[:=]\s*["']([\w.\-]+)["']""", t)
            if m:
                ids.append(m.group(1))
                continue
            m = re.match(r"""^kotlin\s*\(\s*["']([\w.\-]+)["']\s*\)""", t)
            if m:
                ids.append("org.jetbrains.kotlin." + m.group(1))
            if st.path == ("plugins",) and re.match(r"^`?[\w-]+`?$", t):
                ids.append(t.strip("`"))
    return ids


def _read_module(mod: Module, gf: GradleFile, scope: Scope, proj: Project) -> None:
    ids = _plugin_ids(gf, proj.catalogs)
    if any(i in ("com.android.application", "android", "com.android.application.gradle.plugin") or
           i.endswith("android.application") or i == "android.application" for i in ids):
        mod.kind = "application"
    elif any(i in ("com.android.library", "android-library") or i.endswith("android.library") for i in ids):
        mod.kind = "library"
    elif any(i == "com.android.dynamic-feature" or i.endswith("dynamic.feature") for i in ids):
        mod.kind = "feature"
    elif any(s.path[:1] == ("android",) for s in gf.statements):
        mod.kind = "library"

    def setting(keys: tuple[str, ...], stmts: list[Statement]) -> tuple[str, Statement] | None:
        for st in stmts:
            m = _ASSIGN.match(st.text)
            if m and m.group(1) in keys:
                expr = m.group(3)
                if m.group(2) == "(" and expr.endswith(")"):
                    expr = expr[:-1].rstrip()  # minSdkVersion(21)
                v = scope.value(expr)
                if v is None:
                    proj.warnings.append(f"{gf.rel}:{st.line}: cannot resolve {m.group(1)} value '{expr}'")
                    return None
                return v, st
        return None

    android = gf.directly_in("android")
    default = gf.directly_in("android", "defaultConfig")
    for keys, attr, conv, stmts in (
        (("namespace",), "namespace", str, android),
        (("applicationId",), "application_id", str, default),
        (("minSdk", "minSdkVersion"), "min_sdk", int, default),
        (("targetSdk", "targetSdkVersion"), "target_sdk", int, default),
        (("compileSdk", "compileSdkVersion"), "compile_sdk", int, android),
        (("versionName",), "version_name", str, default),
        (("versionCode",), "version_code", int, default),
    ):
        hit = setting(keys, stmts)
        if hit is None:
            continue
        value, st = hit
        try:
            setattr(mod, attr, conv(value.split("-", 1)[-1] if conv is int and value.startswith("android-") else value))
        except ValueError:
            proj.warnings.append(f"{gf.rel}:{st.line}: {keys[0]} is not a number: {value!r}")
            continue
        mod.locations[attr] = (gf.rel, st.line)
    for st in gf.in_block("android", "defaultConfig"):
        _placeholders(st.text, mod.placeholders, scope)
    mod.build_types = [n for n, _l in gf.block_names("android", "buildTypes")]
    mod.flavors = [n for n, _l in gf.block_names("android", _FLAVORS)]
    for st in gf.in_block("android", "sourceSets"):
        m = re.search(r"""manifest\.srcFile\s*\(?\s*(?:=\s*)?(?:file\()?\s*["']([^"']+)["']""", st.text)
        if m and len(st.path) >= 3:
            mod.manifest_files[st.path[2]] = m.group(1)
        m2 = re.match(r"""^(\w+)\.manifest\.srcFile\s*\(?\s*(?:=\s*)?(?:file\()?\s*["']([^"']+)["']""", st.text)
        if m2:
            mod.manifest_files[m2.group(1)] = m2.group(2)
    mod.dependencies = parse_dependencies(gf, scope, proj.warnings)


def _placeholders(text: str, into: dict[str, str], scope: Scope) -> None:
    m = re.match(r"""^manifestPlaceholders\s*(?:\+?=|\.putAll\(|\s)\s*(.+)$""", text, re.S)
    if m:
        body = m.group(1).strip().rstrip(")")
        body = re.sub(r"^(?:mapOf|hashMapOf|mutableMapOf)\s*\(", "", body).strip("[]() ")
        for k, v in _named(_split_args(body)).items():
            val = scope.value(v)
            if val is not None:
                into[k] = val
        return
    m = re.match(r"""^manifestPlaceholders\s*\[\s*["'](\w+)["']\s*\]\s*=\s*(.+)$""", text)
    if m:
        val = scope.value(m.group(2))
        if val is not None:
            into[m.group(1)] = val
