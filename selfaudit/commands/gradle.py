"""``selfaudit gradle``: the Gradle integration files that ship with this version of the CLI.

The files live in the repository's top-level ``gradle/`` directory and are packaged into the wheel
as ``selfaudit/gradle/`` (hatchling force-include), so what a team writes into its build always
matches the CLI it calls. In an editable install the checkout's ``gradle/`` is used.

* ``script``: the Groovy script plugin (``apply from: 'selfaudit.gradle'``);
* ``init``: the init script for CI (``gradle --init-script …``), which applies the script plugin;
* ``kotlin``: the AGP 7+/8 Kotlin DSL snippet (``androidComponents.onVariants``) to paste;
* ``write DIR``: the script plugin and the init script, side by side, ready to commit;
* ``path NAME``: where the installed file is, for ``--init-script "$(selfaudit gradle path init)"``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

__all__ = ["gradle", "FILES", "gradle_file"]

#: command name → file name in gradle/
FILES = {
    "script": "selfaudit.gradle",
    "init": "selfaudit-init.gradle",
    "kotlin": "selfaudit-agp.gradle.kts",
}
#: What ``write`` puts in a directory: the init script needs the script plugin next to it.
WRITTEN = ("script", "init")
_CHECKOUT = Path(__file__).resolve().parent.parent.parent / "gradle"


def gradle_file(kind: str) -> Path:
    """The installed (wheel) or checkout (editable) copy of one Gradle file."""
    name = FILES[kind]
    packaged = Path(str(resources.files("selfaudit"))) / "gradle" / name
    for candidate in (packaged, _CHECKOUT / name):
        if candidate.is_file():
            return candidate
    from selfaudit.errors import InputError

    raise InputError(f"{name}: not found in the selfaudit package (a broken install? reinstall selfaudit)")


@click.group()
def gradle() -> None:
    """Gradle integration: a script plugin, a CI init script and an AGP Kotlin DSL snippet."""


def _printer(kind: str, help_text: str) -> click.Command:
    @click.command(kind, help=help_text)
    def show() -> int:
        click.echo(gradle_file(kind).read_text(encoding="utf-8"), nl=False)
        return 0

    return show


gradle.add_command(_printer("script", "Print the Groovy script plugin (apply from: 'selfaudit.gradle')."))
gradle.add_command(_printer("init", "Print the CI init script (gradle --init-script selfaudit-init.gradle …)."))
gradle.add_command(_printer("kotlin", "Print the AGP 7+/8 Kotlin DSL snippet for build.gradle.kts."))


@gradle.command("path")
@click.argument("kind", type=click.Choice(sorted(FILES)))
def path(kind: str) -> int:
    """Print where the installed copy of a Gradle file is."""
    click.echo(str(gradle_file(kind)))
    return 0


@gradle.command("write")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that differ from this version's.")
def write(directory: Path, force: bool) -> int:
    """Write selfaudit.gradle and selfaudit-init.gradle into DIRECTORY (for committing to the build)."""
    from selfaudit.errors import InputError

    directory.mkdir(parents=True, exist_ok=True)
    planned = []
    for kind in WRITTEN:
        text = gradle_file(kind).read_text(encoding="utf-8")
        target = directory / FILES[kind]
        if target.exists() and target.read_text(encoding="utf-8") != text and not force:
            raise InputError(f"{target}: exists and differs from this version's (keep your edits, or use --force)")
        planned.append((target, text))
    for target, text in planned:
        if target.exists() and target.read_text(encoding="utf-8") == text:
            click.echo(f"unchanged {target}")
            continue
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {target}")
    return 0
