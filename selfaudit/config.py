"""Finding, reading and validating the configuration.

A team configures selfaudit in its app repository, either in a ``selfaudit.toml`` (keys at the
top level) or in ``[tool.selfaudit]`` of a ``pyproject.toml``. The file is found by walking up
from the target, so ``selfaudit scan app/build/outputs/apk/release`` inside the repo picks it up.
Every problem is reported with the file, the line (where it can be found) and the key, because
a config error found in CI must be fixable without guessing.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selfaudit.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Config", "RuleOverride", "SuppressEntry", "find_config", "load_config", "FAIL_LEVELS"]

CONFIG_NAMES = ("selfaudit.toml", ".selfaudit.toml")
FAIL_LEVELS = ("none", "info", "low", "medium", "high")
CONFIDENCE_LEVELS = ("low", "medium", "high")
SEVERITIES = ("info", "low", "medium", "high")


@dataclass
class RuleOverride:
    enabled: bool | None = None
    severity: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class SuppressEntry:
    reason: str
    fingerprint: str | None = None
    rule: str | None = None
    path: str | None = None  # a location prefix (file or class) the suppression is limited to


@dataclass
class Config:
    """The effective configuration: file values, then command-line overrides."""

    path: Path | None = None  # the config file, if any
    root: Path = field(default_factory=Path.cwd)  # relative paths resolve against this
    fail_on: str = "high"
    min_confidence: str = "low"
    formats: list[str] = field(default_factory=lambda: ["terminal"])
    output: str | None = None
    declarations: Path | None = None
    plugin_dirs: list[Path] = field(default_factory=list)
    disable_plugins: list[str] = field(default_factory=list)
    disable_rules: list[str] = field(default_factory=list)
    rules: dict[str, RuleOverride] = field(default_factory=dict)
    suppress: list[SuppressEntry] = field(default_factory=list)
    templates: Path | None = None
    baseline: Path | None = None
    use_baseline: bool = True
    mapping: Path | None = None
    docs_dir: Path | None = None
    apk: Path | None = None
    lang: str = "zh-CN"
    plugin: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def plugin_options(self, name: str) -> dict[str, Any]:
        """A plugin's own settings from ``[tool.selfaudit.plugin.<name>]``."""
        return dict(self.plugin.get(name, {}))

    def resolve(self, value: str | Path) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else (self.root / p)


# --------------------------------------------------------------------------------------------
# Locating keys in a file for error messages
# --------------------------------------------------------------------------------------------


def key_line(text: str, table: str | None, key: str | None) -> int | None:
    """Best-effort line number of ``key`` inside ``[table]`` (tomllib keeps no positions)."""
    lines = text.splitlines()
    current = ""
    header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    table_line = None
    for i, line in enumerate(lines, 1):
        m = header.match(line)
        if m:
            current = m.group(1).replace('"', "").replace("'", "")
            if table and current == table and table_line is None:
                table_line = i
            continue
        if key is None:
            continue
        if (table or "") == current:
            km = re.match(r"^\s*[\"']?([A-Za-z0-9_.\-]+)[\"']?\s*=", line)
            if km and km.group(1) == key:
                return i
    return table_line


def _where(path: Path, text: str, table: str | None, key: str | None) -> str:
    line = key_line(text, table, key)
    loc = f"{path}:{line}" if line else str(path)
    shown = ".".join(x for x in (table, key) if x)
    return f"{loc}: {shown}" if shown else loc


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def find_config(start: Path) -> Path | None:
    """Walk up from ``start`` to the first directory holding a selfaudit config."""
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    for d in (here, *here.parents):
        for name in CONFIG_NAMES:
            cand = d / name
            if cand.is_file():
                return cand
        py = d / "pyproject.toml"
        if py.is_file():
            try:
                text = py.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(r"^\s*\[tool\.selfaudit[\].]", text, re.M):
                return py
    return None


def _read(path: Path) -> tuple[dict[str, Any], str, str | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        section = data.get("tool", {}).get("selfaudit")
        if section is None:
            raise ConfigError(f"{path}: no [tool.selfaudit] table")
        return section, text, "tool.selfaudit"
    return data, text, None


_KNOWN_KEYS = {
    "fail_on", "min_confidence", "format", "output", "declarations", "plugin_dirs",
    "disable_plugins", "disable_rules", "rules", "suppress", "templates", "baseline",
    "mapping", "docs", "apk", "lang", "plugin",
}


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """Load ``path`` (or the config found from ``start``); no file at all gives the defaults."""
    if path is None and start is not None:
        path = find_config(start)
    if path is None:
        cfg = Config(root=(start.resolve() if start and start.is_dir() else (start.resolve().parent if start else Path.cwd())))
        # No config file: the declarations are still found the way a config file is, walking up
        # from the target (``selfaudit init`` then ``selfaudit scan .`` must see privacy.toml).
        for d in (cfg.root, *cfg.root.parents):
            if (d / "privacy.toml").is_file():
                cfg.declarations = d / "privacy.toml"
                break
        return cfg
    path = Path(path)
    data, text, base = _read(path)
    cfg = Config(path=path, root=path.resolve().parent)
    _apply(cfg, data, path, text, base)
    return cfg


def _apply(cfg: Config, data: Mapping[str, Any], path: Path, text: str, base: str | None) -> None:
    def err(key: str | None, msg: str, table: str | None = base) -> ConfigError:
        return ConfigError(f"{_where(path, text, table, key)}: {msg}")

    def want_str(key: str, value: Any, choices: tuple[str, ...] | None = None) -> str:
        if not isinstance(value, str):
            raise err(key, f"must be a string, got {type(value).__name__}")
        if choices and value not in choices:
            raise err(key, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def want_list(key: str, value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise err(key, "must be a list of strings")
        return list(value)

    for key, value in data.items():
        if key not in _KNOWN_KEYS:
            close = [k for k in _KNOWN_KEYS if k.replace("_", "") == key.replace("_", "").replace("-", "")]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise err(key, f"unknown key{hint}")
        if key == "fail_on":
            cfg.fail_on = want_str(key, value, FAIL_LEVELS)
        elif key == "min_confidence":
            cfg.min_confidence = want_str(key, value, CONFIDENCE_LEVELS)
        elif key == "format":
            cfg.formats = [f.strip() for v in want_list(key, value) for f in v.split(",") if f.strip()]
        elif key == "output":
            cfg.output = str(cfg.resolve(want_str(key, value)))
        elif key == "declarations":
            cfg.declarations = cfg.resolve(want_str(key, value))
        elif key == "plugin_dirs":
            cfg.plugin_dirs = [cfg.resolve(v) for v in want_list(key, value)]
            for d in cfg.plugin_dirs:
                if not d.is_dir():
                    raise err(key, f"plugin directory {d} does not exist")
        elif key == "disable_plugins":
            cfg.disable_plugins = want_list(key, value)
        elif key == "disable_rules":
            cfg.disable_rules = want_list(key, value)
        elif key == "templates":
            cfg.templates = cfg.resolve(want_str(key, value))
        elif key == "baseline":
            cfg.baseline = cfg.resolve(want_str(key, value))
        elif key == "mapping":
            cfg.mapping = cfg.resolve(want_str(key, value))
        elif key == "docs":
            cfg.docs_dir = cfg.resolve(want_str(key, value))
        elif key == "apk":
            cfg.apk = cfg.resolve(want_str(key, value))
        elif key == "lang":
            cfg.lang = want_str(key, value, ("zh-CN", "en"))
        elif key == "plugin":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise err(key, "must be tables: [plugin.<name>]")
            cfg.plugin = {k: dict(v) for k, v in value.items()}
        elif key == "rules":
            if not isinstance(value, dict):
                raise err(key, "must be a table of rule names: [rules.<name>]")
            table = f"{base}.rules" if base else "rules"
            for name, opts in value.items():
                sub = f"{table}.{name}"
                if not isinstance(opts, dict):
                    raise err(name, "must be a table with enabled / severity / options", table)
                ov = RuleOverride()
                for k, v in opts.items():
                    if k == "enabled":
                        if not isinstance(v, bool):
                            raise err(k, "must be true or false", sub)
                        ov.enabled = v
                    elif k == "severity":
                        if v not in SEVERITIES:
                            raise err(k, f"must be one of {', '.join(SEVERITIES)}; got {v!r}", sub)
                        ov.severity = v
                    elif k == "options":
                        if not isinstance(v, dict):
                            raise err(k, "must be a table", sub)
                        ov.options = dict(v)
                    else:
                        raise err(k, "unknown key (expected enabled, severity or options)", sub)
                cfg.rules[name] = ov
        elif key == "suppress":
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise err(key, "must be an array of tables: [[suppress]]")
            table = f"{base}.suppress" if base else "suppress"
            for entry in value:
                unknown = set(entry) - {"fingerprint", "rule", "path", "reason"}
                if unknown:
                    raise err(sorted(unknown)[0], "unknown key in [[suppress]]", table)
                reason = entry.get("reason")
                if not isinstance(reason, str) or not reason.strip():
                    raise err("reason", "every suppression needs a non-empty reason", table)
                if not entry.get("fingerprint") and not entry.get("rule"):
                    raise err(None, "a suppression needs a fingerprint or a rule", table)
                cfg.suppress.append(
                    SuppressEntry(
                        reason=reason.strip(),
                        fingerprint=entry.get("fingerprint"),
                        rule=entry.get("rule"),
                        path=entry.get("path"),
                    )
                )
    if cfg.declarations is None:
        default = cfg.root / "privacy.toml"
        if default.is_file():
            cfg.declarations = default
