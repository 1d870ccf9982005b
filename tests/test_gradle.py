"""The Gradle integration, run for real with Debian's Gradle (4.4.1) against a stub Android build.

There is no Android Gradle Plugin offline, so the build under test fakes the part that matters:
an ``assembleRelease`` task that writes a corpus APK and an AGP-style ``output-metadata.json``
into ``build/outputs/apk/release/``. The script plugin (as ``selfaudit gradle write`` ships it)
must then add ``selfauditRelease``, run the installed CLI on that directory after the assemble,
leave the reports in ``build/reports/selfaudit/release/``, be up to date on a second run, and
fail the build when the audit finds something at the fail level. The init script must do the
same to a build that does not mention selfaudit.

Skipped, with the reason, where ``gradle`` or a JDK is missing (CI installs ``gradle``).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from selfaudit.commands.gradle import FILES, gradle_file

pytestmark = pytest.mark.slow

APK = "droidbench_IMEI1.apk"  # requests READ_PHONE_STATE: an undeclared dangerous permission (medium)
METADATA = {
    "version": 3,
    "artifactType": {"type": "APK", "kind": "Directory"},
    "applicationId": "de.ecspride",
    "variantName": "release",
    "elements": [{"type": "SINGLE", "filters": [], "attributes": [], "versionCode": 1, "versionName": "1.0",
                  "outputFile": "app-release.apk"}],
    "elementType": "File",
}
BUILD = """\
apply plugin: 'base'
{apply}
// What AGP's assembleRelease leaves behind, without AGP: the APK and its output-metadata.json.
task assembleRelease {{
    doLast {{
        def out = file("$buildDir/outputs/apk/release")
        out.mkdirs()
        copy {{ from '{apk}'; into out; rename {{ 'app-release.apk' }} }}
        file("$out/output-metadata.json").text = '{metadata}'
    }}
}}
task assembleDebug  // a debug variant: no audit task by default (selfaudit.variants)
"""


def _gradle() -> str:
    exe = shutil.which("gradle")
    if exe is None:
        pytest.skip("Debian's gradle is not installed (apt-get install gradle); .ci/run installs it")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no JDK for gradle (apt-get install default-jdk-headless)")
    return exe


@pytest.fixture(scope="module")
def gradle_home(tmp_path_factory) -> Path:
    """One GRADLE_USER_HOME for this module's builds: isolated from ~/.gradle, warm after the first."""
    return tmp_path_factory.mktemp("gradle-user-home")


@functools.cache
def docs_available() -> bool:
    res = subprocess.run([sys.executable, "-m", "selfaudit", "docs", "--help"], capture_output=True, text=True)
    return res.returncode == 0


def make_build(root: Path, apk: Path, *, applied: bool = True) -> Path:
    """A stub Android build in ``root``; returns it. The selfaudit files come from the package."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "settings.gradle").write_text("rootProject.name = 'app'\n", encoding="utf-8")
    if applied:
        shutil.copy(gradle_file("script"), root / FILES["script"])
    (root / "build.gradle").write_text(BUILD.format(
        apply="apply from: 'selfaudit.gradle'" if applied else "",
        apk=str(apk).replace("\\", "/"),
        metadata=json.dumps(METADATA),
    ), encoding="utf-8")
    return root


def run_gradle(root: Path, home: Path, *args: str, quiet: bool = True) -> subprocess.CompletedProcess:
    cmd = [_gradle(), "--offline", "--no-daemon", *(["-q"] if quiet else []),
           f"-Pselfaudit.executable={sys.executable} -m selfaudit", *args]
    if not docs_available():
        cmd.append("-Pselfaudit.docs=false")
    env = {**os.environ, "GRADLE_USER_HOME": str(home), "SELFAUDIT_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def reports(root: Path) -> Path:
    return root / "build" / "reports" / "selfaudit" / "release"


def test_script_plugin_audits_after_assemble_and_fails_the_build(tmp_path, gradle_home, corpus):
    apk = corpus(APK)
    root = make_build(tmp_path / "app", apk)

    res = run_gradle(root, gradle_home, "-Pselfaudit.failOn=none", "assembleRelease")
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    out = reports(root)
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["selfaudit.html", "selfaudit.json", "selfaudit.sarif"]
    data = json.loads((out / "selfaudit.json").read_text(encoding="utf-8"))
    assert data["target"] == str(root / "build" / "outputs" / "apk" / "release")
    assert data["app"]["package"] and any(f["code"] == "SA301" for f in data["findings"])
    sarif = json.loads((out / "selfaudit.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    if docs_available():
        assert any((out / "docs").iterdir())
    assert not (root / "build" / "reports" / "selfaudit" / "debug").exists()

    # nothing changed: Gradle skips the audit
    res = run_gradle(root, gradle_home, "-Pselfaudit.failOn=none", "assembleRelease", quiet=False)
    assert res.returncode == 0, res.stderr[-3000:]
    assert ":selfauditRelease UP-TO-DATE" in res.stdout

    # a stricter fail level is a new input: the audit runs, writes its reports, fails the build
    res = run_gradle(root, gradle_home, "-Pselfaudit.failOn=medium", "assembleRelease")
    assert res.returncode != 0
    assert "the release APK has findings at or above the fail level" in res.stderr
    assert (out / "selfaudit.sarif").is_file() and (out / "selfaudit.html").is_file()

    # and a failed audit is not up to date: it fails again
    res = run_gradle(root, gradle_home, "-Pselfaudit.failOn=medium", "assembleRelease")
    assert res.returncode != 0

    # findings tolerated on request (reports still written)
    res = run_gradle(root, gradle_home, "-Pselfaudit.failOn=medium", "-Pselfaudit.ignoreFailures=true",
                     "assembleRelease", quiet=False)
    assert res.returncode == 0 and "findings at or above" in res.stdout + res.stderr


def test_dependency_mode_runs_on_request_and_from_check(tmp_path, gradle_home, corpus):
    root = make_build(tmp_path / "app", corpus(APK))
    args = ("-Pselfaudit.runAfter=dependency", "-Pselfaudit.failOn=none")
    res = run_gradle(root, gradle_home, *args, "assembleRelease")
    assert res.returncode == 0 and not reports(root).exists(), "assemble alone does not audit"
    res = run_gradle(root, gradle_home, *args, "check", quiet=False)
    assert res.returncode == 0, res.stderr[-3000:]
    assert ":assembleRelease" in res.stdout and ":selfauditRelease" in res.stdout
    assert (reports(root) / "selfaudit.json").is_file()


def test_a_failed_assemble_does_not_audit_the_stale_apk(tmp_path, gradle_home, corpus):
    root = make_build(tmp_path / "app", corpus(APK))
    assert run_gradle(root, gradle_home, "-Pselfaudit.failOn=none", "assembleRelease").returncode == 0
    shutil.rmtree(reports(root))
    # Gradle runs finalizers even after the finalized task failed, and the APK on disk is the last
    # build's: the audit must not run (it depends on the assemble, and checks its state too).
    build = root / "build.gradle"
    build.write_text(build.read_text(encoding="utf-8").replace(
        "        out.mkdirs()\n", "        out.mkdirs()\n        throw new GradleException('compile error')\n"), encoding="utf-8")
    res = run_gradle(root, gradle_home, "-Pselfaudit.failOn=none", "assembleRelease", quiet=False)
    assert res.returncode != 0 and "compile error" in res.stderr
    assert ":selfauditRelease" not in res.stdout.replace(":selfauditRelease SKIPPED", "")
    assert not reports(root).exists()


def test_init_script_adds_the_task_without_editing_the_build(tmp_path, gradle_home, corpus):
    root = make_build(tmp_path / "app", corpus(APK), applied=False)
    tools = tmp_path / "ci-tools"
    res = subprocess.run([sys.executable, "-m", "selfaudit", "gradle", "write", str(tools)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in tools.iterdir()) == ["selfaudit-init.gradle", "selfaudit.gradle"]
    res = run_gradle(root, gradle_home, "--init-script", str(tools / "selfaudit-init.gradle"),
                     "-Pselfaudit.projects=:", "-Pselfaudit.failOn=medium", "assembleRelease")
    assert res.returncode != 0 and "findings at or above" in res.stderr
    assert (reports(root) / "selfaudit.sarif").is_file()
    # without the project list it waits for the Android application plugin, which a stub lacks
    res = run_gradle(root, gradle_home, "--init-script", str(tools / "selfaudit-init.gradle"),
                     "-Pselfaudit.failOn=medium", "assembleRelease")
    assert res.returncode == 0


def test_snippets_are_printable(capsys):
    from selfaudit.cli import main

    for kind, marker in (("script", "selfauditApkDir"), ("init", "--init-script"), ("kotlin", "SingleArtifact.APK")):
        assert main(["gradle", kind]) == 0
        assert marker in capsys.readouterr().out
    assert main(["gradle", "path", "init"]) == 0
    assert Path(capsys.readouterr().out.strip()).name == "selfaudit-init.gradle"


def test_write_keeps_local_edits(tmp_path, capsys):
    from selfaudit.cli import main

    assert main(["gradle", "write", str(tmp_path)]) == 0
    edited = tmp_path / "selfaudit.gradle"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n// ours\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["gradle", "write", str(tmp_path)]) == 2
    assert "exists and differs" in capsys.readouterr().err
    assert edited.read_text(encoding="utf-8").endswith("// ours\n")
    assert main(["gradle", "write", str(tmp_path), "--force"]) == 0
    assert edited.read_text(encoding="utf-8") == gradle_file("script").read_text(encoding="utf-8")


def test_kotlin_snippet_uses_the_agp_variant_api():
    text = gradle_file("kotlin").read_text(encoding="utf-8")
    for needle in ("androidComponents", "onVariants", "SingleArtifact.APK", "OBFUSCATION_MAPPING_FILE",
                   "tasks.register<Exec>", "finalizedBy(audit)", "--fail-on"):
        assert needle in text
    assert textwrap.dedent(text) == text


def test_docs_show_the_shipped_kotlin_snippet():
    """docs/gradle.md is copy-paste ready: its Kotlin block is exactly the file the CLI prints."""
    docs = (Path(__file__).resolve().parent.parent / "docs" / "gradle.md").read_text(encoding="utf-8")
    blocks = [b.split("\n", 1)[1] for b in docs.split("```")[1::2] if b.startswith("kotlin\n")]
    assert gradle_file("kotlin").read_text(encoding="utf-8") in blocks
