"""Output formats: how a :class:`~selfaudit.model.Report` becomes text or bytes.

Formats are provided by plugins through ``selfaudit_formats`` (the built-in terminal and JSON
formats too), so a team can add one (a CSV for its tracker, say) or replace a built-in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from selfaudit.config import Config
    from selfaudit.knowledge import KnowledgeBase
    from selfaudit.model import Report, Rule

__all__ = ["OutputFormat", "RenderContext"]


@dataclass
class RenderContext:
    """What a renderer may use besides the report."""

    config: Config
    knowledge: KnowledgeBase | None = None
    rules: list[Rule] = field(default_factory=list)
    color: bool = False
    width: int = 120
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class OutputFormat:
    """A named output format.

    ``render(report, context)`` returns ``str`` (written as UTF-8) or ``bytes``. ``extension``
    names the file when several formats are written into one directory (``-o DIR``).
    """

    name: str
    description: str
    extension: str
    render: Callable[[Report, RenderContext], str | bytes]
    plugin: str | None = None
