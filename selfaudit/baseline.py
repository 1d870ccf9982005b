"""Baselines: adopt selfaudit on an existing app without fixing everything on day one.

``selfaudit baseline create TARGET`` records today's findings by fingerprint in
``.selfaudit-baseline.json``; later scans mark those findings suppressed (kind ``baseline``) so
only new ones fail the build, the way bandit, detect-secrets and Android Lint baselines work.
Fingerprints never include line numbers (rule + stable location + a rule-chosen key, see
:func:`selfaudit.model.fingerprint`) and APK names are deobfuscated first when a mapping is given
(:mod:`selfaudit.mapping`), so a baseline survives edits above a finding and R8 renaming.

This module is a built-in plugin: its ``selfaudit_report`` hook runs last, after other plugins
had their say, and is switched off by ``--no-baseline`` (``Config.use_baseline``). Which file:
``--baseline FILE``, else the config key ``baseline``, else ``.selfaudit-baseline.json`` next to
the config file (or in the working directory when there is none) if it exists.

The file is meant to be committed and reviewed, so it holds no line numbers (no churn when code
moves) and is sorted::

    {
      "version": 1,
      "generated_by": "selfaudit 0.1.0",
      "findings": [
        {"rule": "self-start", "code": "SA401", "fingerprint": "…",
         "message": "Receiver … starts the app on boot",
         "location": {"file": "app/src/main/AndroidManifest.xml", "component": "….BootReceiver"}}
      ]
    }
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selfaudit import __version__, hookimpl
from selfaudit.errors import ConfigError
from selfaudit.model import BaselineInfo, Finding, Location, Report, Suppression

if TYPE_CHECKING:
    from selfaudit.config import Config

__all__ = [
    "BASELINE_NAME",
    "BASELINE_VERSION",
    "Baseline",
    "BaselineEntry",
    "baseline_path",
    "baseline_from_findings",
    "load_baseline",
    "write_baseline",
    "apply_baseline",
    "baseline_state",
]

BASELINE_NAME = ".selfaudit-baseline.json"
BASELINE_VERSION = 1


@dataclass
class BaselineEntry:
    rule: str
    code: str
    fingerprint: str
    message: str = ""
    location: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "code": self.code, "fingerprint": self.fingerprint,
                "message": self.message, "location": self.location}


@dataclass
class Baseline:
    path: Path | None = None
    generated_by: str = ""
    entries: list[BaselineEntry] = field(default_factory=list)

    @property
    def fingerprints(self) -> set[str]:
        return {e.fingerprint for e in self.entries}

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": BASELINE_VERSION,
            "generated_by": self.generated_by,
            "findings": [e.to_dict() for e in sorted(self.entries, key=lambda e: (e.code, e.rule, e.fingerprint))],
        }


def _stable_location(loc: Location | None) -> dict[str, str]:
    """The location without its line: what a reviewer reads, and what does not churn."""
    if loc is None:
        return {}
    out = {"file": loc.file, "class": loc.class_name, "method": loc.method, "component": loc.component}
    return {k: v for k, v in out.items() if v}


def baseline_from_findings(findings: list[Finding]) -> Baseline:
    """A baseline of every finding nobody suppressed some other way."""
    entries = {}
    for f in findings:
        if f.suppression is not None and f.suppression.kind != "baseline":
            continue
        entries[f.fingerprint] = BaselineEntry(
            rule=f.rule, code=f.code, fingerprint=f.fingerprint, message=f.message,
            location=_stable_location(f.location),
        )
    return Baseline(generated_by=f"selfaudit {__version__}", entries=list(entries.values()))


def write_baseline(baseline: Baseline, path: Path) -> None:
    text = json.dumps(baseline.to_dict(), ensure_ascii=False, indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    baseline.path = path


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; anything malformed is a one-line error naming the file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found (create it with: selfaudit baseline create TARGET)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read baseline: {exc}") from None
    except ValueError as exc:
        raise ConfigError(f"{path}: baseline is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise ConfigError(f"{path}: not a selfaudit baseline (no 'findings' list)")
    version = data.get("version")
    if version != BASELINE_VERSION:
        raise ConfigError(f"{path}: baseline version {version!r} is not supported (expected {BASELINE_VERSION})")
    entries = []
    for i, item in enumerate(data["findings"]):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise ConfigError(f"{path}: findings[{i}] has no fingerprint")
        loc = item.get("location") if isinstance(item.get("location"), dict) else {}
        entries.append(BaselineEntry(
            rule=str(item.get("rule", "")), code=str(item.get("code", "")), fingerprint=item["fingerprint"],
            message=str(item.get("message", "")), location={str(k): str(v) for k, v in loc.items()},
        ))
    return Baseline(path=Path(path), generated_by=str(data.get("generated_by", "")), entries=entries)


def baseline_path(config: Config, *, must_exist: bool = True) -> Path | None:
    """The baseline file a scan with this config uses (None: no baseline).

    Without a ``baseline`` key the default lives next to the config file, or, with no config
    file, in the working directory: never beside the target, which for an APK is a build
    output directory that ``gradle clean`` wipes.
    """
    if config.baseline is not None:
        return config.baseline
    default = (config.path.resolve().parent if config.path is not None else Path.cwd()) / BASELINE_NAME
    if default.is_file() or not must_exist:
        return default
    return None


@dataclass
class BaselineResult:
    new: int = 0
    unchanged: int = 0
    absent: list[BaselineEntry] = field(default_factory=list)


def apply_baseline(report: Report, baseline: Baseline) -> BaselineResult:
    """Mark the report's findings that the baseline knows; count new and vanished ones."""
    known = {e.fingerprint: e for e in baseline.entries}
    seen: set[str] = set()
    result = BaselineResult()
    name = baseline.path.name if baseline.path else BASELINE_NAME
    for f in report.findings:
        if f.fingerprint in known:
            seen.add(f.fingerprint)
            result.unchanged += 1
            if f.suppression is None:
                f.suppression = Suppression(kind="baseline", reason=f"in baseline {name}")
        else:
            result.new += 1
    result.absent = [e for fp, e in known.items() if fp not in seen]
    for f in report.findings:
        f.baseline_state = "unchanged" if f.fingerprint in known else "new"
    report.baseline = BaselineInfo(
        path=str(baseline.path) if baseline.path else name,
        new=result.new,
        unchanged=result.unchanged,
        absent=len(result.absent),
    )
    return result


def baseline_state(report: Report, finding: Finding) -> str | None:
    """SARIF ``baselineState`` of a finding: None when the scan used no baseline."""
    if report.baseline is None:
        return None
    return finding.baseline_state or "new"


@hookimpl(trylast=True)
def selfaudit_report(report: Report, config: Config) -> None:
    """Mark baselined findings suppressed (last, so findings other plugins add count too)."""
    if not config.use_baseline:
        return
    path = baseline_path(config)
    if path is None:
        return
    baseline = load_baseline(path)
    result = apply_baseline(report, baseline)
    if result.absent:
        report.warnings.append(
            f"{len(result.absent)} finding(s) recorded in the baseline {path} no longer occur "
            "(fixed or changed); refresh it with: selfaudit baseline create"
        )
