"""selfaudit: a privacy-compliance self-audit for Android apps (MIIT red lines, dual list, policy).

The public API::

    import selfaudit
    report = selfaudit.audit("app-release.apk")          # -> selfaudit.model.Report
    for finding in report.findings: ...

Plugins mark hook implementations with :data:`hookimpl` (see ``selfaudit.hookspecs``).
Heavy modules load lazily so that importing this package stays cheap (the pre-commit path).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

__version__ = "0.1.0"

#: Marker for hook implementations in plugins: ``@selfaudit.hookimpl``.
hookimpl = pluggy.HookimplMarker("selfaudit")

_LAZY = {
    "audit": "selfaudit.api",
    "Auditor": "selfaudit.api",
    "CheckContext": "selfaudit.api",
    "Config": "selfaudit.config",
    "load_config": "selfaudit.config",
    "SelfauditError": "selfaudit.errors",
    "InputError": "selfaudit.errors",
    "ConfigError": "selfaudit.errors",
    "PluginError": "selfaudit.errors",
}
_MODEL_NAMES = (
    "AppFacts", "Inventory", "PIItem", "ThirdParty", "PermissionItem", "Evidence", "Location",
    "Finding", "Rule", "Report", "Severity", "Confidence", "RegulationRef", "CodeRef", "Component",
)
for _name in _MODEL_NAMES:
    _LAZY[_name] = "selfaudit.model"

__all__ = ["__version__", "hookimpl", *_LAZY]

if TYPE_CHECKING:  # pragma: no cover
    from selfaudit.api import Auditor, CheckContext, audit  # noqa: F401
    from selfaudit.config import Config, load_config  # noqa: F401
    from selfaudit.model import *  # noqa: F401,F403


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'selfaudit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
