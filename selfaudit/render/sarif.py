"""SARIF 2.1.0: the format code-scanning dashboards (GitHub, GitLab, Azure DevOps) read.

One run, one ``tool.driver`` with a reporting descriptor per rule (id = the rule code, which never
changes meaning) and one result per finding. The choices that matter for GitHub code scanning:

* every result has a ``physicalLocation``: the source file and line for source findings, the APK
  itself for APK findings (with the class/method as a ``logicalLocation``), so the upload is
  accepted and the alert shows where the problem was found;
* URIs are relative to the working directory (run the scan from the repository root) with
  ``uriBaseId`` ``%SRCROOT%``; anything outside it is written as an absolute ``file:`` URI;
* ``partialFingerprints.primaryLocationLineHash`` is derived from the finding's own fingerprint
  (rule + stable location + key, never the line number), so alerts survive edits and do not
  depend on the upload action hashing the file — which it cannot do for an APK;
* rule ``properties`` carry ``tags`` (``security``, ``privacy``, the category), ``precision``
  (from confidence) and ``security-severity`` (from severity), which GitHub uses for filtering and
  for the critical/high/medium/low label;
* suppressed findings stay in the file with ``suppressions`` (config and baseline: ``external``;
  inline comments: ``inSource``), and when a baseline was used each result says whether it is
  ``new`` or ``unchanged``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from selfaudit import hookimpl
from selfaudit.baseline import baseline_state
from selfaudit.model import Finding, Location, Report, Rule, Severity
from selfaudit.render import OutputFormat, RenderContext

__all__ = ["SARIF_SCHEMA", "SARIF_VERSION", "render_sarif", "sarif_document", "apk_artifact"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"

LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note", Severity.INFO: "note"}
#: GitHub: >= 9 critical, 7–8.9 high, 4–6.9 medium, 0.1–3.9 low. We never claim "critical".
SECURITY_SEVERITY = {Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0", Severity.INFO: "1.0"}
PROBLEM_SEVERITY = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "recommendation",
                    Severity.INFO: "recommendation"}
SUPPRESSION_KINDS = {"inline": "inSource", "config": "external", "baseline": "external"}
#: GitHub shows at most 10 tags and accepts 20; related locations beyond this are noise.
MAX_TAGS = 20
MAX_RELATED = 100


# --------------------------------------------------------------------------------------------
# Artifact paths
# --------------------------------------------------------------------------------------------


def apk_artifact(report: Report) -> Path:
    """The APK file a report is about: the target itself, or the APK an AGP output dir names.

    AGP's APK output directory holds ``output-metadata.json`` naming the APK(s); the one the
    collector audited (the universal APK when there are splits) stands for the build.
    """
    target = Path(report.facts.target if report.facts is not None else report.target)
    if not target.is_dir():
        return target
    from selfaudit.errors import InputError

    try:
        from selfaudit.collect.apk import agp_output_apk

        return agp_output_apk(target)[0]
    except (ImportError, InputError):
        apks = sorted(target.glob("*.apk"))
        return apks[0] if apks else target


def _uri(path: Path, root: Path) -> dict[str, str]:
    """A repo-relative URI under ``%SRCROOT%`` when possible, else an absolute file URI."""
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(Path(os.path.abspath(root)))
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": rel.as_posix(), "uriBaseId": SRCROOT}


def _source_base(report: Report) -> Path:
    target = Path(report.target)
    return target if target.is_dir() else target.parent


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


def _pick(lang: str, en: str | None, zh: str | None) -> str:
    if lang == "zh-CN":
        return zh or en or ""
    return en or zh or ""


def _regulation_lines(codes: list[str], context: RenderContext) -> list[str]:
    regs = context.knowledge.regulations if context.knowledge is not None else {}
    lines = []
    for display in codes:
        ident, _, article = display.partition(" ")
        known = regs.get(ident)
        if known is None:
            lines.append(display)
            continue
        title = f"{known.short_zh} / {known.short_en}" + (f" {article}" if article else "")
        lines.append(f"[{title}]({known.url})" if known.url else title)
    return lines


def _rule_descriptor(rule: Rule, enabled: bool, context: RenderContext) -> dict[str, Any]:
    lang = context.config.lang
    regs = _regulation_lines([r.display() for r in rule.regulations], context)
    text = "\n\n".join(
        x
        for x in (
            _pick(lang, rule.explanation_en, rule.explanation_zh),
            ("修复建议：" if lang == "zh-CN" else "How to fix: ") + _pick(lang, rule.remediation_en, rule.remediation_zh),
            ("法规依据：" if lang == "zh-CN" else "Regulations: ") + "; ".join(regs) if regs else "",
        )
        if x
    )
    markdown = "\n\n".join(
        x
        for x in (
            f"**{rule.title_zh}** / **{rule.title_en}**",
            rule.explanation_zh,
            rule.explanation_en,
            "#### 修复建议 / How to fix",
            rule.remediation_zh,
            rule.remediation_en,
            "#### 法规依据 / Regulations\n\n" + "\n".join(f"- {line}" for line in regs) if regs else "",
        )
        if x
    )
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _pick(lang, rule.title_en, rule.title_zh)},
        "fullDescription": {"text": _pick(lang, rule.explanation_en, rule.explanation_zh) or rule.title_en},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": enabled},
        "properties": _rule_properties(rule.severity, rule.confidence.value, rule.category, rule.tags,
                                       [r.display() for r in rule.regulations], rule.plugin),
    }


def _rule_properties(severity: Severity, confidence: str, category: str | None, tags: list[str],
                     regulations: list[str], plugin: str | None) -> dict[str, Any]:
    all_tags: list[str] = []
    for tag in ("security", "privacy", category, *tags):
        if tag and tag not in all_tags:
            all_tags.append(tag)
    props: dict[str, Any] = {
        "tags": all_tags[:MAX_TAGS],
        "precision": confidence if confidence in ("low", "medium", "high") else "medium",
        "security-severity": SECURITY_SEVERITY[severity],
        "problem.severity": PROBLEM_SEVERITY[severity],
        "regulations": regulations,
    }
    if plugin:
        props["plugin"] = plugin
    return props


def _descriptor_from_metadata(meta: dict[str, Any], context: RenderContext) -> dict[str, Any]:
    """A descriptor from the report's own rule list (a report re-rendered without the rules)."""
    sev = Severity(meta.get("severity", "medium"))
    title = _pick(context.config.lang, meta.get("title_en"), meta.get("title_zh")) or meta.get("name", "")
    regs = list(meta.get("regulations") or [])
    return {
        "id": meta["code"],
        "name": meta.get("name", meta["code"]),
        "shortDescription": {"text": title},
        "fullDescription": {"text": title},
        "help": {"text": title, "markdown": f"**{meta.get('title_zh', '')}** / **{meta.get('title_en', '')}**"},
        "defaultConfiguration": {"level": LEVELS[sev], "enabled": bool(meta.get("enabled", True))},
        "properties": _rule_properties(sev, meta.get("confidence", "medium"), meta.get("category"), [], regs,
                                       meta.get("plugin")),
    }


def _descriptors(report: Report, context: RenderContext) -> list[dict[str, Any]]:
    enabled = {m["code"]: bool(m.get("enabled", True)) for m in report.rules}
    used = {f.code for f in report.findings}
    out: dict[str, dict[str, Any]] = {}
    for rule in context.rules:
        on = enabled.get(rule.code, True)
        if on or rule.code in used:
            out[rule.code] = _rule_descriptor(rule, on, context)
    for meta in report.rules:
        if meta["code"] not in out and (meta.get("enabled", True) or meta["code"] in used):
            out[meta["code"]] = _descriptor_from_metadata(meta, context)
    for f in report.findings:  # a finding from a rule nobody described: still a valid reference
        if f.code not in out:
            out[f.code] = {
                "id": f.code,
                "name": f.rule,
                "shortDescription": {"text": f.rule},
                "fullDescription": {"text": f.rule},
                "help": {"text": f.rule},
                "properties": _rule_properties(f.severity, f.confidence.value, None, [], f.regulations, None),
            }
    return [out[code] for code in sorted(out)]


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def _logical(loc: Location, apk: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if loc.class_name and loc.method:
        out.append({
            "name": loc.method,
            "fullyQualifiedName": f"{loc.class_name}.{loc.method}",
            **({"decoratedName": f"{loc.class_name}.{loc.method}{loc.descriptor}"} if loc.descriptor else {}),
            "kind": "function",
        })
    elif loc.class_name:
        out.append({"name": loc.class_name.rpartition(".")[2], "fullyQualifiedName": loc.class_name, "kind": "type"})
    if loc.component and loc.component != loc.class_name:
        out.append({"name": loc.component.rpartition(".")[2], "fullyQualifiedName": loc.component, "kind": "type"})
    if apk and loc.file:
        out.append({"name": loc.file, "fullyQualifiedName": loc.file, "kind": "resource"})
    return out


def _location(loc: Location | None, report: Report, root: Path, message: str | None = None) -> dict[str, Any]:
    apk = report.app.kind == "apk"
    if apk:
        phys: dict[str, Any] = {"artifactLocation": _uri(apk_artifact(report), root)}
    else:
        base = _source_base(report)
        path = base / loc.file if loc is not None and loc.file else Path(report.target)
        phys = {"artifactLocation": _uri(path, root)}
        if loc is not None and loc.line and loc.line >= 1:
            phys["region"] = {"startLine": loc.line}
    out: dict[str, Any] = {"physicalLocation": phys}
    logical = _logical(loc, apk) if loc is not None else []
    if logical:
        out["logicalLocations"] = logical
    if message:
        out["message"] = {"text": message}
    return out


def _message(f: Finding, lang: str) -> str:
    return _pick(lang, f.message, f.message_zh)


def _result(f: Finding, index: dict[str, int], report: Report, context: RenderContext, root: Path) -> dict[str, Any]:
    lang = context.config.lang
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": LEVELS[f.severity],
        "message": {"text": _message(f, lang)},
        "locations": [_location(f.location, report, root)],
        "partialFingerprints": {"primaryLocationLineHash": f"{f.fingerprint}:1"},
        "fingerprints": {"selfaudit/v1": f.fingerprint},
        "properties": {
            "rule": f.rule,
            "severity": f.severity.value,
            "confidence": f.confidence.value,
            "regulations": list(f.regulations),
            **({"message_zh": f.message_zh} if f.message_zh else {}),
            **({"message_en": f.message} if lang == "zh-CN" and f.message_zh else {}),
        },
    }
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    related = []
    for ev in f.evidence:
        if ev.location is None or len(related) >= MAX_RELATED:
            continue
        text = " ".join(x for x in (ev.kind, ev.api or ev.detail or "") if x)
        loc = _location(ev.location, report, root, text)
        loc["id"] = len(related) + 1
        related.append(loc)
    if related:
        result["relatedLocations"] = related
    if f.path:
        steps = [
            {"location": {**_location(Location(), report, root, step),
                          "logicalLocations": [{"fullyQualifiedName": step, "kind": "function"}]}}
            for step in f.path
        ]
        result["codeFlows"] = [{"threadFlows": [{"locations": steps}]}]
    if f.suppression is not None:
        result["suppressions"] = [{
            "kind": SUPPRESSION_KINDS.get(f.suppression.kind, "external"),
            "status": "accepted",
            "justification": f.suppression.reason or f.suppression.kind,
            "properties": {"selfauditKind": f.suppression.kind},
        }]
    state = baseline_state(report, f)
    if state is not None:
        result["baselineState"] = state
    return result


def sarif_document(report: Report, context: RenderContext) -> dict[str, Any]:
    """The SARIF log as data (``render_sarif`` serialises it)."""
    root = Path(context.options.get("sarif_root") or Path.cwd())
    rules = _descriptors(report, context)
    index = {r["id"]: i for i, r in enumerate(rules)}
    baseline = report.baseline is not None
    driver: dict[str, Any] = {
        "name": "selfaudit",
        "semanticVersion": report.tool.get("version", "0"),
        "version": report.tool.get("version", "0"),
        "rules": rules,
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"uri": Path(os.path.abspath(root)).as_uri() + "/"}},
        "invocations": [{
            "executionSuccessful": True,
            "workingDirectory": {"uri": Path(os.path.abspath(root)).as_uri() + "/"},
            "toolExecutionNotifications": [{"level": "warning", "message": {"text": w}} for w in report.warnings],
        }],
        "results": [_result(f, index, report, context, root) for f in report.findings],
        "columnKind": "utf16CodeUnits",
        "properties": {
            "target": report.target,
            "package": report.app.package,
            "versionName": report.app.version_name,
            "kind": report.app.kind,
            **({"baseline": report.baseline.path} if baseline else {}),
        },
    }
    if report.generated_at:
        run["invocations"][0]["endTimeUtc"] = report.generated_at.replace("+00:00", "Z")
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(report: Report, context: RenderContext) -> str:
    return json.dumps(sarif_document(report, context), ensure_ascii=False, indent=2) + "\n"


@hookimpl
def selfaudit_formats() -> list[OutputFormat]:
    return [
        OutputFormat(
            name="sarif",
            description="SARIF 2.1.0 for code scanning (GitHub upload-sarif, GitLab, Azure DevOps)",
            extension="sarif",
            render=render_sarif,
        )
    ]
