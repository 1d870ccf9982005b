#!/usr/bin/env python3
"""Benchmark the APK path against androguard (DESIGN.md "Performance", issue 3).

Three whole-process commands per APK, run alternately (A B C A B C ...) after one uncounted
warm-up round, timed from start to exit with their peak RSS (``os.wait4``):

* **androguard** (the baseline): androguard 4.1.4 ``AnalyzeAPK`` plus the xref queries for the
  knowledge base's sensitive APIs (callers of every ``call`` API, every ``string`` API, field reads
  of every ``field`` API), loguru handlers removed (its default DEBUG logging costs ~1.5x).
* **scan**: ``selfaudit scan APK --format json -o FILE``: the whole product, start-up reachability
  (enrich's call graph and the rules) included.
* **inventory**: the collector and the inventory alone (manifest, SDKs, call sites: ``collect`` +
  ``enrich`` with the code model detached, so no call graph), through the public ``Auditor`` API.

Reported: the median wall time (min-max) and peak RSS of each, and the median of the per-round
ratios androguard/scan and androguard/inventory (robust to a machine whose speed drifts). Targets
(issue 3): scan >= 15x faster and <= 1/5 of androguard's peak RSS; inventory >= 40x faster.

Before measuring, ``selfaudit`` is byte-compiled (``compileall``) as an installed wheel would be:
with ``PYTHONDONTWRITEBYTECODE=1`` a source checkout would otherwise recompile every module on
every run, which no user pays.

    python benchmarks/apk.py                       # both big corpus APKs, 5 rounds
    python benchmarks/apk.py --runs 7 --apk pypi_airtest-Yosemite.apk
    python benchmarks/apk.py --modes scan,inventory # skip the (slow) baseline
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_APKS = ("pypi_airtest-Yosemite.apk", "npm_appium-uiautomator2-server-v10.6.6.apk")
MODES = ("androguard", "scan", "inventory")

ANDROGUARD = r"""
import re, sys
from loguru import logger
logger.remove()
from androguard.misc import AnalyzeAPK
from selfaudit.knowledge import load_knowledge

apis = list(load_knowledge().apis.values())
_a, _d, dx = AnalyzeAPK(sys.argv[1])
sites = 0
for api in apis:
    if api.kind == "string":
        for sa in dx.find_strings("^" + re.escape(api.value)):
            sites += len(sa.get_xref_from())
        continue
    desc = "^" + re.escape("L" + api.class_name.replace(".", "/") + ";") + "$"
    member = "^" + re.escape(api.member) + "$"
    if api.kind == "field":
        for fa in dx.find_fields(classname=desc, fieldname=member):
            sites += len(fa.get_xref_read())
    else:
        for ma in dx.find_methods(classname=desc, methodname=member):
            sites += len(ma.get_xref_from())
print("androguard sites", sites)
"""

INVENTORY = r"""
import sys
from pathlib import Path
from selfaudit.api import Auditor

auditor = Auditor()
facts = auditor.collect(Path(sys.argv[1]))
facts.code = None  # the inventory alone: no call graph
inventory = auditor.enrich(facts)
print("inventory", len(facts.code_refs), "refs", len(inventory.data_items), "PI types",
      len(inventory.third_parties), "SDKs")
"""

SHIM = "from selfaudit.collect.apk import selfaudit_collect  # noqa: F401\n"


def _scan_command(python: str, apk: Path, out: Path, shim_dir: Path | None) -> list[str]:
    cmd = [python, "-m", "selfaudit", "scan", str(apk), "--format", "json", "-o", str(out),
           "--no-baseline", "--fail-on", "none", "-q"]
    if shim_dir is not None:  # before the lead registered collect.apk as the built-in collector
        cmd += ["-p", "selfaudit.collect.apk_minimal", "--plugins-dir", str(shim_dir)]
    return cmd


class _Runner:
    """Popen + wait4 so each child's own peak RSS is read (communicate() would reap it first)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __call__(self, cmd: list[str]) -> tuple[float, int, str]:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=self.env, cwd=REPO)
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            if proc.returncode != 0:
                raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n"
                                 f"{err.read().decode(errors='replace')[-2000:]}")
            return wall, usage.ru_maxrss, out.read().decode(errors="replace").strip()


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s ({min(values):.3f}–{max(values):.3f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="counted rounds per APK (default 5)")
    ap.add_argument("--apk", action="append", help="corpus APK file name or path (repeatable)")
    ap.add_argument("--corpus", default=os.environ.get("SELFAUDIT_CORPUS", str(REPO.parent / "shared" / "corpus" / "apks")))
    ap.add_argument("--modes", default=",".join(MODES), help=f"comma-separated subset of {','.join(MODES)}")
    ap.add_argument("--python", default=sys.executable, help="interpreter to run the commands with")
    ap.add_argument("--no-compile", action="store_true", help="do not byte-compile selfaudit first")
    ap.add_argument("--json", metavar="FILE", help="also write the raw figures as JSON")
    args = ap.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    unknown = set(modes) - set(MODES)
    if unknown:
        ap.error(f"unknown modes {sorted(unknown)}")
    apks = [Path(a) if "/" in a else Path(args.corpus) / a for a in (args.apk or DEFAULT_APKS)]
    for apk in apks:
        if not apk.is_file():
            ap.error(f"{apk}: not found (set --corpus or SELFAUDIT_CORPUS)")

    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["SELFAUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if not args.no_compile:
        subprocess.run([args.python, "-m", "compileall", "-q", str(REPO / "selfaudit")], check=True,
                       env={**env, "PYTHONDONTWRITEBYTECODE": ""})
    run = _Runner(env)

    tmp = Path(tempfile.mkdtemp(prefix="selfaudit-bench-"))
    shim_dir = None
    check = subprocess.run([args.python, "-c", "import selfaudit.plugins as p; "
                            "print('selfaudit.collect.apk' in p.BUILTIN_PLUGINS)"],
                           capture_output=True, text=True, env=env, cwd=REPO)
    if check.stdout.strip() != "True":
        shim_dir = tmp / "shim"
        shim_dir.mkdir()
        (shim_dir / "selfaudit_apk_shim.py").write_text(SHIM)
    (tmp / "ag_baseline.py").write_text(ANDROGUARD)
    (tmp / "inventory_only.py").write_text(INVENTORY)

    results: dict[str, dict] = {}
    for apk in apks:
        cmds = {
            "androguard": [args.python, str(tmp / "ag_baseline.py"), str(apk)],
            "scan": _scan_command(args.python, apk, tmp / "report.json", shim_dir),
            "inventory": [args.python, str(tmp / "inventory_only.py"), str(apk)],
        }
        times: dict[str, list[float]] = {m: [] for m in modes}
        rss: dict[str, list[int]] = {m: [] for m in modes}
        notes: dict[str, str] = {}
        for rnd in range(args.runs + 1):
            for m in modes:
                wall, peak, out = run(cmds[m])
                print(f"{apk.name} round {rnd}{' (warm-up)' if rnd == 0 else ''}: {m} {wall:.3f} s "
                      f"{peak / 1024:.0f} MiB  {out.splitlines()[-1] if out else ''}", file=sys.stderr)
                if rnd == 0:
                    notes[m] = out.splitlines()[-1] if out else ""
                    continue
                times[m].append(wall)
                rss[m].append(peak)
        res: dict = {"apk": apk.name, "size_mb": round(apk.stat().st_size / 1e6, 1), "runs": args.runs,
                     "modes": {}}
        for m in modes:
            res["modes"][m] = {"median_s": statistics.median(times[m]), "min_s": min(times[m]),
                               "max_s": max(times[m]), "peak_rss_mib": max(rss[m]) / 1024,
                               "output": notes.get(m, ""), "times": times[m]}
        if "androguard" in modes:
            for m in ("scan", "inventory"):
                if m in modes:
                    ratios = [a / b for a, b in zip(times["androguard"], times[m], strict=True)]
                    res["modes"][m]["speedup_median"] = statistics.median(ratios)
                    res["modes"][m]["speedup_min"] = min(ratios)
                    res["modes"][m]["speedup_max"] = max(ratios)
                    res["modes"][m]["rss_fraction"] = max(rss[m]) / max(rss["androguard"])
        results[apk.name] = res

    print()
    print("| APK | command | median wall (min–max) | peak RSS | speed-up vs androguard (per-round median, min–max) | RSS vs androguard |")
    print("| --- | --- | --- | ---: | --- | ---: |")
    for name, res in results.items():
        for m, r in res["modes"].items():
            speed = (f"**{r['speedup_median']:.1f}×** ({r['speedup_min']:.1f}–{r['speedup_max']:.1f})"
                     if "speedup_median" in r else "—")
            frac = f"1/{1 / r['rss_fraction']:.1f}" if "rss_fraction" in r else "—"
            print(f"| {name} | {m} | {_fmt(r['times'])} | {r['peak_rss_mib']:.0f} MiB | {speed} | {frac} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
