"""The terminal summary: app header, permissions, PI items, third parties and findings.

Rendered with rich. On a TTY it is coloured; in a CI log it is plain text with simple borders
and a fixed width, so it stays readable when captured.
"""

from __future__ import annotations

import io

from selfaudit import hookimpl
from selfaudit.model import Report, Severity
from selfaudit.render import OutputFormat, RenderContext

__all__ = ["render_terminal"]

_SEV_STYLE = {
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "?"}[value]


def _indent(text: str, width: int, pad: str = "       ") -> str:
    """Wrap ``text`` to ``width`` with every line indented under the finding's heading."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width=max(40, width - 1), initial_indent=pad, subsequent_indent=pad,
                                    break_long_words=True, break_on_hyphens=False)) or pad


def render_terminal(report: Report, context: RenderContext) -> str:
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=context.color,
        no_color=not context.color,
        width=context.width,
        highlight=False,
        emoji=False,
    )
    tbox = box.ROUNDED if context.color else box.ASCII2
    app = report.app
    title = " ".join(
        x
        for x in (
            escape(app.package or "(unknown package)"),
            escape(app.version_name or ""),
            f"({app.version_code})" if app.version_code is not None else "",
        )
        if x
    )
    meta = [f"{(app.kind or '').upper()}"]
    if app.min_sdk is not None:
        meta.append(f"minSdk {app.min_sdk}")
    if app.target_sdk is not None:
        meta.append(f"targetSdk {app.target_sdk}")
    console.print(f"[bold]selfaudit {escape(report.tool.get('version', ''))}[/] · {title} · {' · '.join(meta)}")
    if app.label:
        console.print(f"Label: {escape(app.label)}")
    console.print(f"Target: {escape(report.target)}")
    for w in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(w)}")

    dangerous = [p for p in report.permissions if p.protection_level in ("dangerous", "special")]
    t = Table(
        title=f"Permissions ({len(report.permissions)}; {len(dangerous)} dangerous or special)",
        box=tbox,
        title_justify="left",
        expand=False,
    )
    t.add_column("permission")
    t.add_column("level")
    t.add_column("PI types")
    t.add_column("declared")
    for p in report.permissions:
        t.add_row(
            escape(p.name.replace("android.permission.", "")),
            p.protection_level or "-",
            escape(", ".join(p.pi_types)) or "-",
            _yes(p.declared),
        )
    console.print(t)

    t = Table(title=f"Personal information ({len(report.data_items)} types)", box=tbox, title_justify="left")
    t.add_column("PI type")
    t.add_column("名称")
    t.add_column("sensitive")
    t.add_column("evidence")
    t.add_column("reachable")
    t.add_column("declared")
    for it in report.data_items:
        kinds: dict[str, int] = {}
        for s in it.sources:
            kinds[s.kind] = kinds.get(s.kind, 0) + 1
        t.add_row(
            escape(it.name_en),
            escape(it.name_zh),
            "yes" if it.sensitive else "",
            escape(", ".join(f"{k}×{n}" for k, n in kinds.items())),
            _yes(it.reachable),
            _yes(it.declared),
        )
    console.print(t)

    t = Table(title=f"Third parties ({len(report.third_parties)})", box=tbox, title_justify="left")
    t.add_column("SDK")
    t.add_column("company")
    t.add_column("category")
    t.add_column("signals")
    t.add_column("declared")
    for tp in report.third_parties:
        signals = sorted({e.kind for e in tp.evidence})
        t.add_row(
            escape(f"{tp.name_en} / {tp.name_zh}" if tp.name_zh != tp.name_en else tp.name_en),
            escape(tp.company or "-"),
            tp.category or "-",
            escape(", ".join(signals)),
            _yes(tp.declared),
        )
    console.print(t)

    active = report.active_findings()
    counts = {s: sum(1 for f in active if f.severity == s) for s in Severity}
    summary = ", ".join(f"{n} {s.value}" for s, n in reversed(list(counts.items())) if n) or "none"
    # Findings as a list, not a table: messages are long and wrap badly in narrow columns, and a
    # CI log reads best as one heading line per finding with the message indented below it.
    console.print(f"[bold]Findings ({len(active)}: {summary})[/]" if context.color else f"Findings ({len(active)}: {summary})")
    for f in active:
        style = _SEV_STYLE.get(f.severity, "") if context.color else ""
        sev = f"[{style}]{f.severity.value.upper():6}[/]" if style else f"{f.severity.value.upper():6}"
        where = f" — {escape(f.location.display())}" if f.location and f.location.display() else ""
        console.print(f"{sev} {f.code} {escape(f.rule)}{where}", overflow="fold")
        console.print(escape(_indent(f.message, context.width)), overflow="fold")
    suppressed = [f for f in report.findings if f.suppression]
    listed = [f for f in suppressed if f.suppression.kind != "baseline"]
    if report.baseline is not None:
        b = report.baseline
        console.print(
            f"Baseline {escape(b.path)}: {b.new} new, {b.unchanged} known (suppressed), {b.absent} gone"
        )
    if listed:
        # Config and inline suppressions carry a human reason worth seeing; a long list is
        # summarised so a CI log stays readable.
        console.print(f"{len(listed)} finding(s) suppressed by config or inline comments:")
        if len(listed) <= 10:
            for f in listed:
                console.print(f"  {f.code} {escape(f.rule)}: {escape(f.suppression.reason)} ({f.suppression.kind})")
        else:
            by_rule: dict[str, int] = {}
            for f in listed:
                by_rule[f"{f.code} {f.rule}"] = by_rule.get(f"{f.code} {f.rule}", 0) + 1
            for key, n in sorted(by_rule.items()):
                console.print(f"  {escape(key)}: {n}")
    return buf.getvalue()


@hookimpl
def selfaudit_formats() -> list[OutputFormat]:
    return [
        OutputFormat(
            name="terminal",
            description="a readable summary (coloured on a TTY, plain in CI logs)",
            extension="txt",
            render=render_terminal,
        )
    ]
