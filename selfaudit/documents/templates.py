"""The jinja2 environment for documents (see :mod:`selfaudit.templating` for the search path).

A team overrides one document template by putting a file with the same relative path
(``documents/zh-CN/policy.html.j2``) in its template directory; everything else keeps the defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selfaudit import templating
from selfaudit.declarations import is_todo

__all__ = ["template_dirs", "environment", "CHECKOUT_TEMPLATES"]

CHECKOUT_TEMPLATES = templating.CHECKOUT_TEMPLATES
template_dirs = templating.template_dirs


def environment(user_dir: Path | None = None) -> Any:
    """The shared template environment, plus the ``todo`` test the document templates use."""
    env = templating.environment(user_dir, keep_trailing_newline=True)
    env.tests["todo"] = is_todo
    return env
