#!/usr/bin/env python3
"""Assemble the project's own APKs from smali sources with apktool (Debian package ``apktool``).

Each apktool project directory (one holding ``apktool.yml``) is built into an APK next to it:
``demo/app`` → ``demo/demo.apk`` and ``tests/apps/<name>/`` → ``tests/apps/<name>.apk``. The APKs
are committed so a fresh clone needs no apktool; ``--check`` rebuilds into a temporary directory
and fails if a committed APK's manifest, resources or code differ from what its sources give.

    python scripts/build_apks.py            # rebuild all
    python scripts/build_apks.py --check    # verify the committed APKs match their sources
    python scripts/build_apks.py tests/apps/imei_gated   # rebuild one
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: Entries whose bytes must match between the committed APK and a fresh build.
COMPARED = ("AndroidManifest.xml", "resources.arsc")


def projects() -> list[tuple[Path, Path]]:
    """(apktool project dir, output APK path) for every project in the repo."""
    out = [(REPO / "demo" / "app", REPO / "demo" / "demo.apk")]
    apps = REPO / "tests" / "apps"
    if apps.is_dir():
        for d in sorted(apps.iterdir()):
            if (d / "apktool.yml").is_file():
                out.append((d, apps / f"{d.name}.apk"))
    return out


def build(project: Path, output: Path) -> None:
    apktool = shutil.which("apktool")
    if apktool is None:
        sys.exit("apktool not found: install it (Debian: apt-get install apktool)")
    with tempfile.TemporaryDirectory() as tmp:
        # apktool writes build/ and dist/ inside the project; build from a copy to keep the tree clean.
        src = Path(tmp) / project.name
        shutil.copytree(project, src, ignore=shutil.ignore_patterns("build", "dist"))
        res = subprocess.run([apktool, "b", str(src), "-o", str(output)], capture_output=True, text=True)
        if res.returncode != 0 or not output.is_file():
            sys.exit(f"apktool failed on {project}:\n{res.stdout}\n{res.stderr}")


def contents(apk: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(apk) as z:
        return {
            n: z.read(n)
            for n in z.namelist()
            if n in COMPARED or (n.startswith("classes") and n.endswith(".dex"))
        }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify instead of rebuilding")
    ap.add_argument("only", nargs="*", help="project directories to build (default: all)")
    args = ap.parse_args(argv)
    todo = projects()
    if args.only:
        wanted = {Path(p).resolve() for p in args.only}
        todo = [(p, o) for p, o in todo if p.resolve() in wanted]
    failed = []
    for project, output in todo:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / output.name
                build(project, fresh)
                if not output.is_file() or contents(fresh) != contents(output):
                    failed.append(output)
                    print(f"STALE {output.relative_to(REPO)} (rebuild: python scripts/build_apks.py)")
                else:
                    print(f"ok    {output.relative_to(REPO)}")
        else:
            build(project, output)
            print(f"built {output.relative_to(REPO)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
