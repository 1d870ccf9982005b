"""Built-in rules, one module per area; each module is a plugin (``selfaudit_rules``).

Rule codes are stable forever and grouped by hundreds:

====== =====================================================
SA1xx  collection of personal information and consent
SA2xx  third parties (SDKs)
SA3xx  permissions
SA4xx  self-start and associated start
SA5xx  ads, downloads and installs
SA6xx  privacy policy and declarations
SA7xx  data-security hygiene
SA8xx  packaging and build
====== =====================================================

Use :func:`rule` to declare one: it turns a check function into a :class:`~selfaudit.model.Rule`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable

from selfaudit.model import Confidence, RegulationRef, Rule, Severity

__all__ = ["rule", "reg", "provide"]


def reg(spec: str) -> RegulationRef:
    """``"miit-164 2.2"`` → RegulationRef("miit-164", "2.2")."""
    ident, _, article = spec.partition(" ")
    return RegulationRef(ident, article or None)


def provide(rules: Iterable[Rule]) -> list[Rule]:
    """What a ``selfaudit_rules`` hook returns: a fresh copy of each rule per call, because the
    auditor applies configuration (severity overrides, the providing plugin) to the objects it
    receives, and one audit's configuration must not leak into the next one in the same process."""
    return [copy.copy(r) for r in rules]


def rule(
    *,
    code: str,
    name: str,
    title_en: str,
    title_zh: str,
    severity: str,
    confidence: str,
    category: str,
    explanation_en: str,
    explanation_zh: str,
    remediation_en: str,
    remediation_zh: str,
    regulations: Iterable[str] = (),
    tags: Iterable[str] = (),
    enabled_by_default: bool = True,
) -> Callable[[Callable], Rule]:
    """Decorator: ``@rule(code=..., name=...)`` on ``def check(facts, inventory, ctx)``."""

    def make(check: Callable) -> Rule:
        return Rule(
            code=code,
            name=name,
            title_en=title_en,
            title_zh=title_zh,
            severity=Severity(severity),
            confidence=Confidence(confidence),
            category=category,
            explanation_en=explanation_en.strip(),
            explanation_zh=explanation_zh.strip(),
            remediation_en=remediation_en.strip(),
            remediation_zh=remediation_zh.strip(),
            regulations=[reg(r) for r in regulations],
            check=check,
            tags=list(tags),
            enabled_by_default=enabled_by_default,
        )

    return make
