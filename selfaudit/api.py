"""The Python API: ``audit(target)`` runs collect → enrich → check → report.

The CLI is a thin layer over :class:`Auditor`; everything it does is reachable from Python, e.g.
in a team's own CI script::

    from selfaudit import audit
    report = audit("app/build/outputs/apk/release/app-release.apk")
    bad = [f for f in report.findings if f.severity == "high"]
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selfaudit import __version__
from selfaudit.config import Config, load_config
from selfaudit.declarations import Declarations, load_declarations
from selfaudit.errors import ConfigError, InputError, PluginError
from selfaudit.model import (
    AppFacts,
    AppSummary,
    Confidence,
    Finding,
    Inventory,
    Report,
    Rule,
    Severity,
    Suppression,
)

if TYPE_CHECKING:
    import pluggy

    from selfaudit.knowledge import KnowledgeBase
    from selfaudit.render import OutputFormat

__all__ = ["audit", "Auditor", "CheckContext", "resolve_config"]

Progress = Callable[[str], None]


@dataclass
class CheckContext:
    """What a rule's ``check(facts, inventory, context)`` can use besides the facts."""

    knowledge: KnowledgeBase
    declarations: Declarations
    config: Config
    rule: Rule | None = None
    shared: dict[str, Any] = field(default_factory=dict)  # per-audit cache shared by rules

    def options(self) -> dict[str, Any]:
        """This rule's ``[rules.<name>.options]`` from the config."""
        if self.rule is None:
            return {}
        ov = self.config.rules.get(self.rule.name) or self.config.rules.get(self.rule.code)
        return dict(ov.options) if ov else {}


def resolve_config(config: Config | str | Path | Mapping[str, Any] | None, target: Path | None) -> Config:
    """Accept a Config, a config file path, a mapping of config keys, or None (find it)."""
    if isinstance(config, Config):
        return config
    if config is None:
        return load_config(start=target) if target is not None else Config()
    if isinstance(config, (str, Path)):
        return load_config(Path(config))
    if isinstance(config, Mapping):
        from selfaudit.config import _apply

        cfg = Config(root=(target.resolve().parent if target and target.is_file() else (target or Path.cwd())))
        _apply(cfg, config, Path("<config>"), "", None)
        return cfg
    raise TypeError(f"config must be a Config, a path or a mapping, not {type(config).__name__}")


class Auditor:
    """One audit session: the configuration, the plugin manager, knowledge and rules."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        plugin_manager: pluggy.PluginManager | None = None,
        extra_plugins: Iterable[tuple[str, Any]] = (),
        disable_plugins: Iterable[str] = (),
    ) -> None:
        from selfaudit.plugins import get_plugin_manager

        self.config = config or Config()
        self.pm = plugin_manager or get_plugin_manager(
            self.config, disable=disable_plugins, extra_plugins=extra_plugins
        )
        self.pm.hook.selfaudit_configure(config=self.config)
        self._knowledge: KnowledgeBase | None = None
        self._rules: list[Rule] | None = None
        self._declarations: Declarations | None = None

    # -- knowledge, rules, formats -----------------------------------------------------------

    @property
    def knowledge(self) -> KnowledgeBase:
        if self._knowledge is None:
            from selfaudit.knowledge import load_knowledge

            contributions = []
            for impl in reversed(self.pm.hook.selfaudit_add_knowledge.get_hookimpls()):
                result = impl.function(**_args(impl, config=self.config))
                if result is not None:
                    contributions.append((f"plugin {impl.plugin_name}", result))
            self._knowledge = load_knowledge(contributions)
        return self._knowledge

    def all_rules(self) -> list[Rule]:
        """Every rule any plugin provides, with config overrides applied (disabled ones included)."""
        if self._rules is not None:
            return self._rules
        rules: list[Rule] = []
        by_name: dict[str, Rule] = {}
        by_code: dict[str, Rule] = {}
        for impl in reversed(self.pm.hook.selfaudit_rules.get_hookimpls()):
            provided = impl.function(**_args(impl, config=self.config)) or []
            for rule in provided:
                if isinstance(rule, Rule):
                    # A private copy: configuration (severity, providing plugin) must not leak into
                    # the plugin's own object, which another audit in this process may use.
                    rule = dataclasses.replace(rule)
                if not isinstance(rule, Rule):
                    raise PluginError(
                        f"plugin {impl.plugin_name!r}: selfaudit_rules returned {type(rule).__name__}, not Rule"
                    )
                if rule.check is None:
                    raise PluginError(f"plugin {impl.plugin_name!r}: rule {rule.name!r} has no check function")
                rule.plugin = impl.plugin_name
                for key, index in ((rule.name, by_name), (rule.code, by_code)):
                    if key in index:
                        raise PluginError(
                            f"plugin {impl.plugin_name!r}: rule {key!r} is already provided by plugin "
                            f"{index[key].plugin!r}"
                        )
                    index[key] = rule
                rules.append(rule)
        known = set(by_name) | set(by_code)
        for name in list(self.config.disable_rules) + list(self.config.rules):
            if name not in known:
                import difflib

                close = difflib.get_close_matches(name, sorted(by_name), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                where = self.config.path or "configuration"
                raise ConfigError(f"{where}: unknown rule {name!r}{hint}")
        for rule in rules:
            ov = self.config.rules.get(rule.name) or self.config.rules.get(rule.code)
            if ov and ov.severity:
                rule.severity = Severity(ov.severity)
        rules.sort(key=lambda r: r.code)
        self._rules = rules
        return rules

    def rule_enabled(self, rule: Rule) -> bool:
        if rule.name in self.config.disable_rules or rule.code in self.config.disable_rules:
            return False
        ov = self.config.rules.get(rule.name) or self.config.rules.get(rule.code)
        if ov and ov.enabled is not None:
            return ov.enabled
        return rule.enabled_by_default

    def formats(self) -> dict[str, OutputFormat]:
        out: dict[str, OutputFormat] = {}
        for impl in reversed(self.pm.hook.selfaudit_formats.get_hookimpls()):
            for fmt in impl.function() or []:
                fmt.plugin = impl.plugin_name
                out[fmt.name] = fmt  # later registration (plugins) overrides built-ins
        return out

    @property
    def declarations(self) -> Declarations:
        if self._declarations is None:
            path = self.config.declarations
            self._declarations = load_declarations(path) if path else Declarations()
        return self._declarations

    # -- pipeline -----------------------------------------------------------------------------

    def collect(self, target: Path) -> AppFacts:
        if not target.exists():
            raise InputError(f"{target}: no such file or directory")
        facts = self.pm.hook.selfaudit_collect(target=target, config=self.config, knowledge=self.knowledge)
        if facts is None:
            if target.is_dir():
                raise InputError(
                    f"{target}: not an Android project (no AndroidManifest.xml or Gradle build file) "
                    "and not an APK output directory"
                )
            raise InputError(f"{target}: not an APK, split bundle (.apks/.xapk) or Android project")
        return facts

    def enrich(self, facts: AppFacts) -> Inventory:
        inventory = Inventory()
        self.pm.hook.selfaudit_enrich(
            facts=facts, inventory=inventory, knowledge=self.knowledge, config=self.config
        )
        mark_declared(inventory, self.declarations)
        return inventory

    def check(self, facts: AppFacts, inventory: Inventory) -> list[Finding]:
        findings: list[Finding] = []
        shared: dict[str, Any] = {}
        min_conf = Confidence(self.config.min_confidence)
        for rule in self.all_rules():
            if not self.rule_enabled(rule):
                continue
            ctx = CheckContext(
                knowledge=self.knowledge,
                declarations=self.declarations,
                config=self.config,
                rule=rule,
                shared=shared,
            )
            try:
                produced = list(rule.check(facts, inventory, ctx) or [])  # type: ignore[misc]
            except (InputError, ConfigError, PluginError):
                raise
            except Exception as exc:
                err = PluginError(
                    f"rule {rule.name!r} (plugin {rule.plugin!r}) crashed: {type(exc).__name__}: {exc}"
                )
                err.exit_code = 3
                raise err from exc
            for f in produced:
                if not isinstance(f, Finding):
                    raise PluginError(f"rule {rule.name!r} yielded {type(f).__name__}, not Finding")
                ov = self.config.rules.get(rule.name) or self.config.rules.get(rule.code)
                if ov and ov.severity:
                    f.severity = Severity(ov.severity)
                if f.confidence < min_conf:
                    continue
                findings.append(f)
        self._apply_suppressions(findings, facts)
        findings.sort(key=lambda f: (-f.severity.rank, f.code, f.location.display() if f.location else "", f.message))
        return _dedupe(findings)

    def _apply_suppressions(self, findings: list[Finding], facts: AppFacts) -> None:
        inline = facts.extra.get("inline_suppressions", [])
        for f in findings:
            for s in self.config.suppress:
                if s.fingerprint and s.fingerprint != f.fingerprint:
                    continue
                if s.rule and s.rule not in (f.rule, f.code):
                    continue
                if s.path and not (f.location and (f.location.display().startswith(s.path) or (f.location.file or "").startswith(s.path))):
                    continue
                f.suppression = Suppression(kind="config", reason=s.reason)
                break
            if f.suppression is None and f.location and f.location.file:
                for sup in inline:
                    if (
                        sup.get("file") == f.location.file
                        and sup.get("line") in (f.location.line, (f.location.line or 0) - 1)
                        and (f.rule in sup.get("rules", ()) or f.code in sup.get("rules", ()))
                    ):
                        f.suppression = Suppression(kind="inline", reason=sup.get("reason") or "")
                        break

    def run(self, target: str | Path, *, progress: Progress | None = None) -> Report:
        """Audit ``target``. The cyclic garbage collector is paused meanwhile: an audit allocates
        hundreds of thousands of small objects that live until it ends, and generational scans of
        them cost a third of a large APK's run time (measured) while freeing nothing."""
        import gc

        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run(target, progress=progress)
        finally:
            if was_enabled:
                gc.enable()

    def _run(self, target: str | Path, *, progress: Progress | None = None) -> Report:
        target = Path(target)
        say = progress or (lambda _stage: None)
        say("loading knowledge")
        _ = self.knowledge
        _ = self.all_rules()
        _ = self.declarations
        say(f"collecting facts from {target.name}")
        facts = self.collect(target)
        say("building the inventory")
        inventory = self.enrich(facts)
        say("checking rules")
        findings = self.check(facts, inventory)
        report = Report(
            target=str(target),
            app=AppSummary(
                package=facts.package,
                label=facts.label,
                version_name=facts.version_name,
                version_code=facts.version_code,
                min_sdk=facts.min_sdk,
                target_sdk=facts.target_sdk,
                kind=facts.kind,
                signing=facts.signing,
            ),
            tool={"name": "selfaudit", "version": __version__},
            generated_at=_dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
            permissions=inventory.permissions,
            data_items=inventory.data_items,
            third_parties=inventory.third_parties,
            findings=findings,
            warnings=list(facts.warnings),
            rules=[rule_metadata(r, self.rule_enabled(r)) for r in self.all_rules()],
            facts=facts,
            inventory=inventory,
        )
        say("finishing the report")
        self.pm.hook.selfaudit_report(report=report, config=self.config)
        return report


def mark_declared(inventory: Inventory, declarations: Declarations) -> None:
    """Flag every inventory entry the team's declarations cover."""
    from selfaudit.declarations import covering_third_parties

    for item in inventory.data_items:
        # A PI type only SDKs collect may be declared through those SDKs' pi_types.
        item.declared = item.pi_type in declarations.pi or bool(covering_third_parties(item, declarations))
    for tp in inventory.third_parties:
        tp.declared = tp.id in declarations.third_parties
    for perm in inventory.permissions:
        perm.declared = declarations.declares_permission(perm.name)


def rule_metadata(rule: Rule, enabled: bool = True) -> dict[str, Any]:
    """A rule's metadata as plain data (JSON report, SARIF driver rules, ``selfaudit rules``)."""
    return {
        "code": rule.code,
        "name": rule.name,
        "title_en": rule.title_en,
        "title_zh": rule.title_zh,
        "severity": rule.severity.value,
        "confidence": rule.confidence.value,
        "category": rule.category,
        "regulations": [r.display() for r in rule.regulations],
        "plugin": rule.plugin,
        "enabled": enabled,
    }


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in findings:
        key = (f.rule, f.fingerprint)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def _args(impl: Any, **available: Any) -> dict[str, Any]:
    """Pass a hook implementation only the arguments it asks for (pluggy's opt-in arguments)."""
    return {name: available[name] for name in impl.argnames if name in available}


def audit(
    target: str | Path,
    config: Config | str | Path | Mapping[str, Any] | None = None,
    *,
    progress: Progress | None = None,
) -> Report:
    """Audit an APK, split bundle, APK output directory or Android source tree.

    :param target: what to audit.
    :param config: a :class:`~selfaudit.config.Config`, a path to a config file, a mapping of
        config keys (as in ``[tool.selfaudit]``), or None to find the config by walking up from
        the target.
    :raises selfaudit.errors.SelfauditError: with a one-line message for bad input or config.
    """
    target = Path(target)
    cfg = resolve_config(config, target)
    return Auditor(cfg).run(target, progress=progress)
