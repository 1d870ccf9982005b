"""Local ``libs/*.aar`` and ``*.jar`` files: the way many Chinese SDKs are still shipped.

A Maven coordinate names an SDK; a jar dropped into ``libs/`` names nothing, so the audit reads
it: the class package names (SDK attribution by prefix, like an APK's DEX), and for an AAR its
``AndroidManifest.xml`` (the permissions and components it merges into the app), its nested
``classes.jar``/``libs/*.jar`` and its ``jni/<abi>/*.so`` native libraries. Archives are read
with bounded sizes; a broken one becomes a warning, never a crash.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from selfaudit.collect.source_xml import XmlError, parse_xml

__all__ = ["LocalLibrary", "read_library"]

#: Nested jars larger than this (uncompressed) are not opened: a real SDK's classes.jar is a few MB.
MAX_NESTED = 256 * 1024 * 1024


@dataclass
class LocalLibrary:
    rel: str
    packages: dict[str, int] = field(default_factory=dict)
    manifest: object | None = None  # XmlElement of an AAR's manifest
    manifest_package: str | None = None
    native_libs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def class_count(self) -> int:
        return sum(self.packages.values())


def _count_classes(names: list[str], into: dict[str, int]) -> None:
    for n in names:
        if not n.endswith(".class") or n.startswith("META-INF/") or n.endswith("module-info.class"):
            continue
        pkg = n.rpartition("/")[0].replace("/", ".")
        into[pkg] = into.get(pkg, 0) + 1


def read_library(path: Path, rel: str) -> LocalLibrary:
    lib = LocalLibrary(rel=rel)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = [i.filename for i in infos]
            if path.suffix.lower() == ".jar":
                _count_classes(names, lib.packages)
                return lib
            by_name = {i.filename: i for i in infos}
            if "AndroidManifest.xml" in by_name:
                data = z.read("AndroidManifest.xml")
                try:
                    lib.manifest = parse_xml(data)
                    lib.manifest_package = lib.manifest.attrs.get("package")
                except XmlError as exc:
                    lib.warnings.append(f"{rel}!AndroidManifest.xml:{exc.line or 1}: unparseable manifest: {exc}")
            nested = [n for n in names if n == "classes.jar" or (n.startswith("libs/") and n.endswith(".jar"))]
            for n in nested:
                info = by_name[n]
                if info.file_size > MAX_NESTED:
                    lib.warnings.append(f"{rel}!{n}: {info.file_size} bytes, too large to read; its classes are not counted")
                    continue
                try:
                    with zipfile.ZipFile(io.BytesIO(z.read(n))) as inner:
                        _count_classes(inner.namelist(), lib.packages)
                except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                    lib.warnings.append(f"{rel}!{n}: not a readable jar ({exc})")
            lib.native_libs = [
                "lib/" + n[len("jni/"):] for n in names if n.startswith("jni/") and n.endswith(".so")
            ]
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        lib.warnings.append(f"{rel}: not a readable {path.suffix.lstrip('.')} archive ({exc})")
    return lib
