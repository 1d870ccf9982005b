"""``python -m selfaudit`` runs the CLI."""

from selfaudit.cli import run

run()
