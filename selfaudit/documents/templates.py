"""The jinja2 environment for documents: a team's directory first, then the shipped templates.

The templates live in the repository's top-level ``templates/`` and ship in the wheel as
``selfaudit/templates`` (hatchling ``force-include``). ``PackageLoader`` cannot find them in an
editable install, so the search path is built from directories that exist: the team's override
directory (config ``templates`` or ``--templates``), the packaged copy, then the checkout's
``templates/``. A team overrides one template by putting a file with the same relative path
(``documents/zh-CN/policy.html.j2``) in its directory; everything else keeps the defaults.

Every template renders HTML, so autoescaping is on for all of them: anything from the app or the
declarations is escaped. ``StrictUndefined`` turns a misspelt variable into an error instead of
an empty sentence in a privacy policy.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from selfaudit.declarations import is_todo
from selfaudit.errors import ConfigError

__all__ = ["template_dirs", "environment", "CHECKOUT_TEMPLATES"]

#: ``templates/`` of a source checkout (used by editable installs).
CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _packaged() -> Path | None:
    try:
        candidate = resources.files("selfaudit") / "templates"
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - zipimport and friends
        return None
    path = Path(str(candidate))
    return path if path.is_dir() else None


def template_dirs(user_dir: Path | None = None) -> list[Path]:
    """The search path, most specific first; a missing user directory is a config error."""
    dirs: list[Path] = []
    if user_dir is not None:
        user_dir = Path(user_dir)
        if not user_dir.is_dir():
            raise ConfigError(f"{user_dir}: templates directory not found")
        dirs.append(user_dir)
    # The checkout's copy only stands in when the package has none (an editable install), as for
    # the HTML report (selfaudit.render.html.template_dirs).
    builtin = _packaged() or (CHECKOUT_TEMPLATES if CHECKOUT_TEMPLATES.is_dir() else None)
    if builtin is not None and builtin not in dirs:
        dirs.append(builtin)
    if len(dirs) == (1 if user_dir is not None else 0):
        raise ConfigError("selfaudit's document templates are missing from this installation "
                          "(expected selfaudit/templates in the package); reinstall selfaudit")
    return dirs


def environment(user_dir: Path | None = None) -> Any:
    """A jinja2 environment over :func:`template_dirs` with autoescape and strict undefined."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(user_dir)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.tests["todo"] = is_todo
    return env
