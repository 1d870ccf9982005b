"""CLI commands that live in their own modules (see ``LAZY_COMMANDS`` in ``selfaudit.cli``).

Each module exposes one click command; it is imported only when that command runs, so the
pre-commit hook does not pay for the others. Helpers shared by commands (building an Auditor
from the common options) live in ``selfaudit.cli``.
"""
