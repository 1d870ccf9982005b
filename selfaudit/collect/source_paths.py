"""Which files of a repository can change a source-mode audit.

Kept apart (it imports only ``re``) because the pre-commit hook asks this question before anything
else, on every commit, and must answer in the time Python takes to start. ``.pre-commit-hooks.yaml``
repeats the same pattern as its ``files:`` regex; a test keeps the two in step.
"""

from __future__ import annotations

import re

__all__ = ["RELEVANT_PATTERN", "relevant_file", "SOURCE_SUFFIXES"]

SOURCE_SUFFIXES = (".java", ".kt")

#: Manifests, Gradle files (incl. ``.kts`` and ``gradle.properties``), Java/Kotlin sources, local
#: AAR/JAR/.so libraries, TOML (version catalogs, ``privacy.toml``, ``selfaudit.toml``,
#: ``pyproject.toml``), resource values and XML configs, and assets (privacy-policy pages).
RELEVANT_PATTERN = (
    r"(^|/)(AndroidManifest\.xml|[^/]+\.(java|kt|kts|gradle|aar|jar|so|toml)|gradle\.properties"
    r"|res/(values[^/]*|xml)/[^/]+\.xml|assets/.+)$"
)
_RELEVANT = re.compile(RELEVANT_PATTERN)


def relevant_file(path: str) -> bool:
    """Could a change to this repository-relative path change the audit's result?"""
    return bool(_RELEVANT.search(path.replace("\\", "/")))
