"""Where jinja2 templates come from, for every renderer (HTML report and compliance documents).

The templates live in the repository's top-level ``templates/`` and ship in the wheel as
``selfaudit/templates`` (hatchling ``force-include``). ``PackageLoader`` cannot find them in an
editable install, so the search path is built from directories that exist: the team's override
directory (config ``templates`` or ``--templates``) first, then the packaged copy, or — only when
the package has none, as in an editable install — the checkout's ``templates/``. A team overrides
one template by putting a file with the same relative path in its directory.

Every template renders HTML, so autoescaping is always on (anything from the app or the
declarations is escaped) and ``StrictUndefined`` turns a misspelt variable into an error instead of
an empty sentence in a report or a privacy policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selfaudit.errors import ConfigError

__all__ = ["CHECKOUT_TEMPLATES", "template_dirs", "environment"]

#: ``templates/`` of a source checkout (used by editable installs).
CHECKOUT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _packaged() -> Path | None:
    from importlib import resources  # here, not at import: every CLI start registers the renderers

    try:
        candidate = Path(str(resources.files("selfaudit") / "templates"))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - zipimport and friends
        return None
    return candidate if candidate.is_dir() else None


def template_dirs(user_dir: Path | str | None = None) -> list[Path]:
    """The search path, most specific first. A configured directory that does not exist, or an
    installation without its templates, is a one-line configuration error."""
    dirs: list[Path] = []
    if user_dir:
        user = Path(user_dir)
        if not user.is_dir():
            raise ConfigError(f"{user}: templates directory not found")
        dirs.append(user)
    builtin = _packaged() or (CHECKOUT_TEMPLATES if CHECKOUT_TEMPLATES.is_dir() else None)
    if builtin is None:
        raise ConfigError(
            "selfaudit's templates are missing from this installation "
            "(expected selfaudit/templates in the package); reinstall selfaudit"
        )
    if builtin not in dirs:
        dirs.append(builtin)
    return dirs


def environment(user_dir: Path | str | None = None, **options: Any) -> Any:
    """A jinja2 environment over :func:`template_dirs`: autoescape, strict undefined, tidy blocks."""
    import jinja2

    settings: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True}
    settings.update(options)
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(user_dir)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        **settings,
    )
