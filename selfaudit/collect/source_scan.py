"""Read and scan a project's Java/Kotlin files, on two CPUs when the project is large.

Scanning is the bulk of a source audit (about 0.5 ms per file) and every file is independent, so
on Linux a large project is split with one ``fork()``ed child: it scans its share and sends the
results back pickled while this process scans the rest. The child's share is a little smaller
than half because pickling costs it about a quarter of its scanning time. Anything unusual (no
fork, a single CPU, a child that fails) falls back to scanning everything here, so the result
never depends on the machine. ``SELFAUDIT_JOBS=1`` turns the split off.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from selfaudit.collect.javasrc import SourceFile, parse_source

__all__ = ["scan_files", "PARALLEL_MIN_FILES"]

#: Below this many files the fork and the pickling cost more than they save.
PARALLEL_MIN_FILES = 400
_CHILD_SHARE = 0.45


def scan_files(items: list[tuple[Path, str]]) -> tuple[list[SourceFile], list[str]]:
    """(scanned files in the order given, read warnings) for ``(path, project-relative name)`` pairs."""
    import gc

    # The scan allocates hundreds of thousands of small containers and frees none of them: the
    # cyclic collector would only re-walk them (about a tenth of the scan's time).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        if len(items) >= PARALLEL_MIN_FILES and _can_fork():
            try:
                return _scan_forked(items)
            except OSError:
                pass
        return _scan(items)
    finally:
        if was_enabled:
            gc.enable()


def _can_fork() -> bool:
    return (
        hasattr(os, "fork")
        and sys.platform.startswith("linux")
        and (os.cpu_count() or 1) > 1
        and os.environ.get("SELFAUDIT_JOBS", "") != "1"
    )


def _scan(items: list[tuple[Path, str]]) -> tuple[list[SourceFile], list[str]]:
    parsed: list[SourceFile] = []
    warnings: list[str] = []
    for path, rel in items:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            warnings.append(f"{rel}: cannot read: {exc.strerror}")
            continue
        parsed.append(parse_source(text, rel))
    return parsed, warnings


def _scan_forked(items: list[tuple[Path, str]]) -> tuple[list[SourceFile], list[str]]:
    import pickle

    split = int(len(items) * _CHILD_SHARE)
    theirs, mine = items[:split], items[split:]
    r, w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which leaves through os._exit
        code = 1
        try:
            os.close(r)
            data = pickle.dumps(_scan(theirs), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(w, "wb") as fh:
                fh.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    data = b""
    try:
        ours = _scan(mine)
        with os.fdopen(r, "rb") as fh:
            data = fh.read()
    finally:
        _pid, status = os.waitpid(pid, 0)
    theirs_result = None
    if os.waitstatus_to_exitcode(status) == 0 and data:
        try:
            theirs_result = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a broken hand-over is redone here, never fatal
            theirs_result = None
    if theirs_result is None:
        theirs_result = _scan(theirs)
    return theirs_result[0] + ours[0], theirs_result[1] + ours[1]
