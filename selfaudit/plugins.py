"""The plugin manager: built-ins, entry points, local plugin directories.

Built-in collectors, enrichment, rules and output formats are ordinary plugin modules registered
through the same ``register()`` call an outside plugin goes through (the pytest way), so a team
can disable any of them by name and replace it with its own.

Loading order:

1. hook specifications (``selfaudit.hookspecs``);
2. names blocked by ``disable_plugins`` in the config or ``-p no:NAME`` on the command line;
3. built-in modules (:data:`BUILTIN_PLUGINS`, registered under their module name);
4. installed distributions' entry points in the ``selfaudit`` group, unless
   ``SELFAUDIT_DISABLE_PLUGIN_AUTOLOAD`` is set (``SELFAUDIT_LOAD_PLUGINS=a,b`` loads only those);
5. each ``*.py`` file and package in the config's ``plugin_dirs`` (registered as ``local:<name>``);
6. ``check_pending()``: a ``selfaudit_*`` function that matches no hook is an error.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from selfaudit import hookspecs
from selfaudit.errors import PluginError

if TYPE_CHECKING:
    from selfaudit.config import Config

__all__ = ["BUILTIN_PLUGINS", "ENTRY_POINT_GROUP", "get_plugin_manager", "PluginInfo", "plugin_infos"]

ENTRY_POINT_GROUP = "selfaudit"

#: Built-in plugin modules, in registration order. Each is registered under its module name.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "selfaudit.collect.apk",
    "selfaudit.collect.source",
    "selfaudit.enrich",
    "selfaudit.rules.permissions",
    "selfaudit.rules.self_start",
    "selfaudit.rules.consent",
    "selfaudit.rules.collection",
    "selfaudit.rules.third_party",
    "selfaudit.rules.ads",
    "selfaudit.rules.policy",
    "selfaudit.rules.hygiene",
    "selfaudit.rules.build",
    "selfaudit.render.terminal",
    "selfaudit.render.json_report",
    "selfaudit.render.sarif",
    "selfaudit.render.html",
    "selfaudit.mapping",
    "selfaudit.baseline",
)


def _hook_names() -> list[str]:
    return [n for n in dir(hookspecs) if n.startswith("selfaudit_")]


def _explain_validation(exc: pluggy.PluginValidationError, name: str) -> str:
    msg = str(exc)
    hooks = _hook_names()
    for word in msg.replace("'", " ").replace('"', " ").split():
        if word.startswith("selfaudit_") and word not in hooks:
            close = difflib.get_close_matches(word, hooks, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            return f"plugin {name!r}: {word!r} is not a selfaudit hook{hint}"
    return f"plugin {name!r}: {msg}"


def _register(pm: pluggy.PluginManager, plugin: Any, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(_explain_validation(exc, name)) from None
    except ValueError as exc:  # already registered / name clash
        raise PluginError(f"plugin {name!r}: {exc}") from None
    # pluggy only sees functions marked @hookimpl: an unmarked or misspelt selfaudit_* function
    # would be ignored silently, so both are errors that name the plugin.
    hooks = _hook_names()
    for attr in dir(plugin):
        if not attr.startswith("selfaudit_"):
            continue
        fn = getattr(plugin, attr, None)
        if not callable(fn):
            continue
        marked = pm.parse_hookimpl_opts(plugin, attr) is not None
        if attr not in hooks:
            close = difflib.get_close_matches(attr, hooks, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            pm.unregister(plugin)
            raise PluginError(f"plugin {name!r}: {attr!r} is not a selfaudit hook{hint}")
        if not marked:
            pm.unregister(plugin)
            raise PluginError(f"plugin {name!r}: {attr} is not marked @selfaudit.hookimpl")


def _versions(pm: pluggy.PluginManager) -> dict[str, str]:
    """Distribution name and version per entry-point plugin (for ``selfaudit plugins``)."""
    if not hasattr(pm, "_selfaudit_versions"):
        pm._selfaudit_versions = {}  # type: ignore[attr-defined]
    return pm._selfaudit_versions  # type: ignore[attr-defined]


def _import_builtin(modname: str) -> ModuleType:
    try:
        return importlib.import_module(modname)
    except ImportError as exc:
        raise PluginError(f"built-in plugin {modname!r} cannot be imported: {exc}") from None


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    if os.environ.get("SELFAUDIT_DISABLE_PLUGIN_AUTOLOAD"):
        return
    from importlib.metadata import distributions

    allow = os.environ.get("SELFAUDIT_LOAD_PLUGINS")
    allowed = {a.strip() for a in allow.split(",") if a.strip()} if allow is not None else None
    for dist in list(distributions()):
        for ep in dist.entry_points:
            if ep.group != ENTRY_POINT_GROUP:
                continue
            if allowed is not None and ep.name not in allowed and dist.metadata["name"] not in allowed:
                continue
            if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as exc:  # a plugin's import failing is the plugin's problem
                raise PluginError(
                    f"plugin {ep.name!r} (from {dist.metadata['name']} {dist.version}) failed to load: "
                    f"{type(exc).__name__}: {exc}"
                ) from None
            _register(pm, plugin, ep.name)
            _versions(pm)[ep.name] = f"{dist.metadata['name']} {dist.version}"


def _module_from_path(path: Path, modname: str) -> ModuleType:
    if path.is_dir():
        init = path / "__init__.py"
        spec = importlib.util.spec_from_file_location(modname, init, submodule_search_locations=[str(path)])
    else:
        spec = importlib.util.spec_from_file_location(modname, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"{path}: cannot be loaded as a plugin")
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(modname, None)
        line = ""
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.startswith(str(path)):
                line = f":{tb.tb_lineno}"
            tb = tb.tb_next
        raise PluginError(f"{path}{line}: plugin failed to load: {type(exc).__name__}: {exc}") from None
    return module


def _load_plugin_dirs(pm: pluggy.PluginManager, dirs: Iterable[Path]) -> None:
    for d in dirs:
        if not d.is_dir():
            raise PluginError(f"{d}: plugin directory does not exist")
        for entry in sorted(d.iterdir()):
            if entry.name.startswith(("_", ".")):
                continue
            if entry.is_file() and entry.suffix == ".py":
                stem = entry.stem
            elif entry.is_dir() and (entry / "__init__.py").is_file():
                stem = entry.name
            else:
                continue
            name = f"local:{stem}"
            if pm.is_blocked(name) or pm.is_blocked(stem):
                continue
            module = _module_from_path(entry, f"selfaudit_local_{stem}")
            _register(pm, module, name)


def get_plugin_manager(
    config: Config | None = None,
    *,
    disable: Iterable[str] = (),
    plugin_dirs: Iterable[Path] = (),
    extra_plugins: Iterable[tuple[str, Any]] = (),
) -> pluggy.PluginManager:
    """Build a plugin manager for one audit session (a new one each time: no global state)."""
    pm = pluggy.PluginManager("selfaudit")
    pm.add_hookspecs(hookspecs)
    blocked = list(disable) + (list(config.disable_plugins) if config else [])
    for name in blocked:
        pm.set_blocked(name)
    for modname in BUILTIN_PLUGINS:
        if pm.is_blocked(modname):
            continue
        _register(pm, _import_builtin(modname), modname)
    for name, plugin in extra_plugins:
        if not pm.is_blocked(name):
            _register(pm, plugin, name)
    _load_entry_points(pm)
    dirs = list(plugin_dirs) + (list(config.plugin_dirs) if config else [])
    _load_plugin_dirs(pm, dirs)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or "?"
        raise PluginError(_explain_validation(exc, name)) from None
    return pm


@dataclass
class PluginInfo:
    name: str
    version: str | None
    hooks: list[str] = field(default_factory=list)
    builtin: bool = False


def plugin_infos(pm: pluggy.PluginManager) -> list[PluginInfo]:
    """What ``selfaudit plugins`` prints: name, version (distribution), hooks."""
    versions = _versions(pm)
    infos = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        hooks = sorted(h.name for h in (pm.get_hookcallers(plugin) or []))
        infos.append(
            PluginInfo(
                name=name,
                version=versions.get(name),
                hooks=hooks,
                builtin=name in BUILTIN_PLUGINS,
            )
        )
    return infos
