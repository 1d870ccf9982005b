"""Errors that reach the user as one line and a documented exit code.

Anything raised from outside input (a bad APK, a bad config, a broken plugin) is a
:class:`SelfauditError` subclass whose message already names the file and the problem; the CLI
prints it as ``selfaudit: error: <message>`` and exits with :attr:`exit_code`, with no
traceback unless ``--debug``. Anything else is a bug (exit 3).
"""

from __future__ import annotations

__all__ = [
    "EXIT_OK",
    "EXIT_FINDINGS",
    "EXIT_USAGE",
    "EXIT_INTERNAL",
    "SelfauditError",
    "InputError",
    "ConfigError",
    "PluginError",
    "KnowledgeError",
]

#: The audit ran and nothing is at or above ``--fail-on``.
EXIT_OK = 0
#: The audit ran and found something at or above ``--fail-on`` (or documents are stale).
EXIT_FINDINGS = 1
#: Usage, configuration, plugin or input error: nothing was audited.
EXIT_USAGE = 2
#: An internal error (a bug in selfaudit or in a plugin's code).
EXIT_INTERNAL = 3


class SelfauditError(Exception):
    """Base class: a problem the user can fix, described in one line."""

    exit_code = EXIT_USAGE


class InputError(SelfauditError):
    """The target cannot be read: missing, not an APK, truncated, not an Android project..."""


class ConfigError(SelfauditError):
    """The configuration or declarations file is invalid."""


class PluginError(SelfauditError):
    """A plugin cannot be loaded or does not follow the hook contract."""


class KnowledgeError(SelfauditError):
    """A knowledge-base entry (built-in or from a plugin) is malformed."""
