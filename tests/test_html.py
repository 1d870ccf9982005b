"""The HTML report: self-contained, escaped, filterable; checked in headless Chromium.

The escaping test feeds markup through every place app-controlled text reaches the page (label,
package, messages, class names, evidence, third-party links) and checks the parsed document has
exactly the one script we put there. The Chromium test loads the page with no network, checks the
inline script ran under the page's own Content-Security-Policy (so the CSS/JS hashes are right)
and that no injected script did, with no console messages, and leaves a phone-sized screenshot in
``$SELFAUDIT_ARTIFACTS`` (or the test's tmp dir).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from selfaudit.api import Auditor
from selfaudit.config import Config
from selfaudit.model import (
    AppSummary,
    Confidence,
    Evidence,
    Finding,
    Location,
    PIItem,
    Report,
    Severity,
    Suppression,
    ThirdParty,
)
from selfaudit.render import RenderContext
from selfaudit.render.html import render_html, template_dirs

EVIL = "<script>document.documentElement.setAttribute('data-pwned','1')</script>"
IMG = '<img src=x onerror="document.documentElement.setAttribute(\'data-pwned\',\'2\')">'


class Parsed(HTMLParser):
    """Collect what matters for self-containment and injection: tags, attributes, script bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data


def parse(html: str) -> Parsed:
    p = Parsed()
    p.feed(html)
    return p


def hostile_report() -> Report:
    loc = Location(file="classes.dex", class_name="com.evil.<b>Bold</b>", method="run" + IMG)
    finding = Finding(
        rule="imei-before-consent", code="SA101", severity=Severity.HIGH, confidence=Confidence.HIGH,
        message="IMEI read by " + EVIL, message_zh="读取 IMEI " + IMG, location=loc,
        fingerprint="f" * 32, path=["com.evil.App.onCreate()V", "x" + EVIL],
        evidence=[Evidence(kind="api", api="android.telephony.TelephonyManager.getDeviceId", detail=EVIL,
                           location=loc, reachable=True, path=[EVIL])],
        regulations=["miit-164 2.1"],
    )
    quiet = Finding(
        rule="self-start", code="SA401", severity=Severity.LOW, confidence=Confidence.MEDIUM,
        message="receiver", location=Location(file="AndroidManifest.xml", component="com.evil.Boot"),
        fingerprint="e" * 32, suppression=Suppression(kind="baseline", reason="in baseline " + EVIL),
    )
    return Report(
        target="build/" + EVIL + ".apk",
        app=AppSummary(package="com.evil" + IMG, label=EVIL, version_name="1.0" + EVIL, version_code=1, kind="apk"),
        tool={"name": "selfaudit", "version": "0.1.0"},
        generated_at="2026-01-01T00:00:00+00:00",
        findings=[finding, quiet],
        warnings=["warning " + EVIL],
        data_items=[PIItem(pi_type="device.imei", name_zh="IMEI" + EVIL, name_en="IMEI" + IMG, sensitive=True,
                           sources=finding.evidence)],
        third_parties=[
            ThirdParty(id="evil-sdk", name_zh="坏 SDK" + EVIL, name_en="Evil SDK" + EVIL, company=IMG,
                       policy_url="javascript:document.documentElement.setAttribute('data-pwned','3')"),
            ThirdParty(id="good-sdk", name_zh="好 SDK", name_en="Good SDK", company="Good Inc.",
                       policy_url="https://example.com/privacy?a=1&b=<2>"),
        ],
    )


def context(lang: str = "en", **kw) -> RenderContext:
    return RenderContext(config=Config(lang=lang, **kw))


def test_everything_from_the_app_is_escaped():
    html = render_html(hostile_report(), context())
    doc = parse(html)
    assert len(doc.scripts) == 1 and "data-pwned" not in doc.scripts[0], "only our own script"
    assert not [t for t, a in doc.tags if t == "img"], "no injected element"
    assert not [a for _t, a in doc.tags if any(k.startswith("on") for k in a)], "no event-handler attribute"
    hrefs = [a.get("href") for t, a in doc.tags if t == "a"]
    assert not [h for h in hrefs if h and not h.startswith(("https://", "http://"))], "javascript: URL not linked"
    assert "https://example.com/privacy?a=1&b=<2>" in hrefs  # parsed back from &amp; / &lt;
    assert "&lt;script&gt;document.documentElement" in html  # shown as text, not dropped
    assert html.count("<script>") == 1


def test_no_network_assets_and_a_strict_csp():
    html = render_html(hostile_report(), context())
    doc = parse(html)
    assert not [t for t, _a in doc.tags if t in ("link", "iframe", "object", "embed", "img", "base")]
    assert not [a for t, a in doc.tags if "src" in a], "no src attribute anywhere"
    assert "@import" not in doc.styles[0] and "url(" not in doc.styles[0]
    csp = next(a["content"] for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert f"script-src {digest(doc.scripts[0])}" in csp
    assert f"style-src {digest(doc.styles[0])}" in csp


def test_sections_and_filter_data():
    html = render_html(hostile_report(), context())
    doc = parse(html)
    ids = {a.get("id") for _t, a in doc.tags}
    assert {"summary", "findings", "pi", "third-parties", "permissions", "filters"} <= ids
    articles = [a for t, a in doc.tags if t == "article"]
    assert [(a["data-severity"], a["data-rule"], a["data-suppressed"]) for a in articles] == [
        ("high", "SA101", "0"), ("low", "SA401", "1")]
    options = [a.get("value") for t, a in doc.tags if t == "option"]
    assert options == ["", "SA101", "SA401"]
    assert "viewport" in {a.get("name") for t, a in doc.tags if t == "meta"}


def test_chinese_labels_and_real_scan(demo_apk):
    auditor = Auditor(Config())
    report = auditor.run(demo_apk)
    ctx = RenderContext(config=auditor.config, knowledge=auditor.knowledge, rules=auditor.all_rules())
    html = render_html(report, ctx)
    assert '<html lang="zh-CN">' in html and "隐私合规自查报告" in html
    assert "应用存在自启动行为" in html and "工信部164号文" in html  # rule title, regulation from the knowledge base
    assert "com.selfaudit.demo.BootReceiver" in html


def test_template_override_directory(tmp_path):
    (tmp_path / "report.html.j2").write_text("<p>{{ app.package }} {{ t.findings }} {{ findings|length }}</p>", encoding="utf-8")
    html = render_html(hostile_report(), context(templates=tmp_path))
    assert html.startswith("<p>com.evil&lt;img") and html.endswith("Findings 2</p>")
    assert template_dirs(Config(templates=tmp_path))[0] == tmp_path


# --------------------------------------------------------------------------------------------
# Headless Chromium
# --------------------------------------------------------------------------------------------


def artifacts_dir(tmp_path: Path) -> Path:
    d = Path(os.environ.get("SELFAUDIT_ARTIFACTS") or tmp_path / "artifacts")
    d.mkdir(parents=True, exist_ok=True)
    return d


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        pytest.skip("headless Chromium not installed (Debian: apt-get install chromium)")
    cmd = [
        exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_renders_in_headless_chromium(tmp_path, demo_apk):
    auditor = Auditor(Config(lang="en"))
    report = auditor.run(demo_apk)
    report.app.label = EVIL + IMG  # hostile, in a real report
    page = tmp_path / "selfaudit.html"
    page.write_text(render_html(report, RenderContext(config=auditor.config, knowledge=auditor.knowledge,
                                                      rules=auditor.all_rules())), encoding="utf-8")
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    root = re.search(r"<html[^>]*>", dom.stdout).group(0)
    assert 'data-js="ready"' in root, "the inline script ran under the page's CSP"
    assert "data-pwned" not in root, "no injected script or handler ran"
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, "\n".join(console)
    # the filter form is shown once the script runs and counts the visible findings
    shown = re.search(r'<output id="shown"[^>]*>(\d+)</output>', dom.stdout)
    assert shown and int(shown.group(1)) == len(report.active_findings())

    # phone-sized screenshots for a human to look at: this page, and the default zh-CN one
    zh_page = tmp_path / "selfaudit.zh-CN.html"
    zh = Auditor(Config())
    zh_page.write_text(render_html(zh.run(demo_apk), RenderContext(config=zh.config, knowledge=zh.knowledge,
                                                                   rules=zh.all_rules())), encoding="utf-8")
    for name, source in (("selfaudit-report-phone.png", page), ("selfaudit-report-phone-zh-CN.png", zh_page)):
        shot = artifacts_dir(tmp_path) / name
        res = chromium(f"--screenshot={shot}", "--window-size=412,915", source.as_uri(), profile=tmp_path / "profile")
        assert res.returncode == 0, res.stderr[-2000:]
        assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
