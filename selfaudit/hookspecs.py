"""Every hook selfaudit calls, in one place (the pytest way).

A plugin is a module or object with functions marked ``@selfaudit.hookimpl`` whose names are
these hook names. Implementations may accept any subset of a hook's arguments (pluggy passes
only what they ask for), so new arguments can be added without breaking plugins. A function
named ``selfaudit_*`` that matches no hook here is an error when the plugin is loaded, so a typo
cannot silently disable a team's rule.

The built-in collectors, knowledge, enrichment, rules and output formats are registered through
exactly these hooks; see ``selfaudit/plugins.py`` for the list and the loading order.

Pipeline order: ``selfaudit_configure`` → ``selfaudit_add_knowledge`` → ``selfaudit_collect`` →
``selfaudit_enrich`` → ``selfaudit_rules`` (then each rule's ``check``) → ``selfaudit_report`` →
an output format from ``selfaudit_formats``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # annotations only: keep this module import-light
    from pathlib import Path

    from selfaudit.config import Config
    from selfaudit.knowledge import KnowledgeBase
    from selfaudit.model import AppFacts, Inventory, Report, Rule
    from selfaudit.render import OutputFormat

hookspec = pluggy.HookspecMarker("selfaudit")


@hookspec
def selfaudit_configure(config: Config) -> None:
    """Called once after the configuration is loaded, before anything else runs.

    :param config: the validated configuration. A plugin's own settings live in
        ``[tool.selfaudit.plugin.<name>]`` and are available as ``config.plugin_options(name)``.
    """


@hookspec
def selfaudit_add_knowledge(config: Config) -> Any:
    """Contribute knowledge-base entries: SDKs, PI types, permissions, APIs, app categories...

    Return ``None``, a path to a TOML file or directory in the format of
    ``docs/knowledge-format.md``, or a mapping of table name to entries
    (``{"sdk": [{"id": "acme-analytics", ...}]}``). An entry whose id matches a built-in one
    replaces it. Every entry needs a ``source``.
    """


@hookspec(firstresult=True)
def selfaudit_collect(target: Path, config: Config, knowledge: KnowledgeBase) -> AppFacts | None:
    """Collect facts from a target (an APK, a split bundle, a source tree...).

    Return :class:`~selfaudit.model.AppFacts` if this plugin handles the target, ``None`` to let
    another collector try. Raise :class:`~selfaudit.errors.InputError` when the target is yours
    but unreadable (a truncated APK). Stops at the first non-None result; built-in collectors
    run last (``trylast``) so a plugin can take over any target.
    """


@hookspec
def selfaudit_enrich(
    facts: AppFacts, inventory: Inventory, knowledge: KnowledgeBase, config: Config
) -> None:
    """Add to or refine the inventory (PI items, third parties, permissions) in place.

    The built-in enrichment runs first (``tryfirst``), so implementations see its result.
    """


@hookspec
def selfaudit_rules(config: Config) -> list[Rule] | None:
    """Return the rules this plugin provides (a list of :class:`~selfaudit.model.Rule`).

    Rule names and codes must be unique across all plugins. A rule's ``check`` receives
    ``(facts, inventory, context)`` and yields findings.
    """


@hookspec
def selfaudit_report(report: Report, config: Config) -> None:
    """Post-process the finished report in place (add warnings, adjust findings, annotate).

    Runs after suppressions are applied and before rendering.
    """


@hookspec
def selfaudit_formats() -> list[OutputFormat] | None:
    """Return output formats (:class:`~selfaudit.render.OutputFormat`) this plugin provides.

    The CLI's ``--format`` accepts every registered name.
    """


@hookspec
def selfaudit_document_context(model: Any, lang: str, config: Config) -> dict[str, Any] | None:
    """Add variables to the compliance-document templates (``selfaudit docs``).

    :param model: the :class:`~selfaudit.documents.rows.DocumentModel` being rendered (rows,
        business functions, header facts); plugins may read it, not change it.
    :param lang: the document language (``zh-CN`` or ``en``).
    Return a mapping (or None). Templates see the merged mappings as ``extra``; a plugin
    registered later overrides the keys of an earlier one. A team's template directory
    (``--templates``) is where those variables are used.
    """
