"""The H5 pages in headless Chromium: no console errors, no CSP violations, fit a phone screen.

Chromium is driven over the DevTools protocol (``--remote-debugging-pipe``), which reports
console calls, uncaught exceptions and browser log entries (failed loads, CSP violations) as
events, rather than scraping its log output. A control page proves the capture sees errors.
Screenshots go to ``$SELFAUDIT_ARTIFACTS`` (or the test's temporary directory).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from selfaudit.cli import main

pytestmark = pytest.mark.slow

PHONE = {"width": 412, "height": 915, "deviceScaleFactor": 1, "mobile": True}

HOSTILE = """\
[app]
name = "<script>alert('app')</script>演示"
category = "实用工具类"
[operator]
company = "<img src=x onerror=alert(1)>"
[pi."device.imei"]
purpose = "</td></tr></table><script>console.error('x')</script>"
[third_party.evil]
name = "Evil<style>body{display:none}</style>"
company = "Evil & Co"
policy_url = "javascript:alert(4)"
"""


def chromium_exe() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        pytest.skip("headless Chromium not installed (Debian: apt-get install chromium)")
    return exe


def artifacts(tmp_path: Path) -> Path:
    d = Path(os.environ.get("SELFAUDIT_ARTIFACTS") or tmp_path / "artifacts") / "documents"
    d.mkdir(parents=True, exist_ok=True)
    return d


class DevTools:
    """A headless Chromium and a DevTools-protocol connection over its fds 3 (in) and 4 (out)."""

    def __init__(self, profile: Path) -> None:
        cmd_r, self._out = os.pipe()
        self._in, resp_w = os.pipe()

        def child() -> None:
            os.dup2(cmd_r, 3)
            os.dup2(resp_w, 4)

        self.proc = subprocess.Popen(
            [chromium_exe(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=child, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        os.close(cmd_r)
        os.close(resp_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._out, json.dumps(msg).encode() + b"\0")
        wanted = self._id
        reply = self._until(lambda m: m.get("id") == wanted, timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_for(self, method: str, session: str, timeout: float = 30) -> dict:
        """The first event ``method`` of a tab (one that already arrived counts)."""

        def match(m: dict) -> bool:
            return m.get("method") == method and m.get("sessionId") == session

        for m in self.events:
            if match(m):
                return m
        return self._until(match, timeout)

    def _until(self, pred, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" not in self._buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("Chromium did not answer in time")
                ready, _, _ = select.select([self._in], [], [], left)
                if ready:
                    chunk = os.read(self._in, 1 << 20)
                    if not chunk:
                        raise RuntimeError("Chromium exited: " + self.proc.stderr.read().decode(errors="replace")[-2000:])
                    self._buf += chunk
            raw, self._buf = self._buf.split(b"\0", 1)
            msg = json.loads(raw)
            if pred(msg):
                return msg
            self.events.append(msg)

    def problems(self, session: str) -> list[str]:
        """Console errors and warnings, uncaught exceptions, failed loads, CSP violations."""
        out = []
        for m in self.events:
            if m.get("sessionId") != session:
                continue
            p = m.get("params", {})
            if m.get("method") == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                out.append(f"console.{p['type']}: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif m.get("method") == "Runtime.exceptionThrown":
                out.append(f"exception: {p['exceptionDetails'].get('text')}")
            elif m.get("method") == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                out.append(f"log {p['entry']['level']}: {p['entry']['text']}")
        return out

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._out)
        os.close(self._in)


@pytest.fixture
def browser(tmp_path):
    dt = DevTools(tmp_path / "chromium-profile")
    yield dt
    dt.close()


def load(dt: DevTools, page: Path, screenshot: Path | None = None) -> tuple[list[str], dict]:
    """Open a page in a new tab as a phone would; return (problems, layout facts), save a screenshot."""
    target = dt.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = dt.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    try:
        for domain in ("Runtime", "Log", "Page"):
            dt.send(f"{domain}.enable", session=session)
        dt.send("Emulation.setDeviceMetricsOverride", PHONE, session=session)
        dt.send("Page.navigate", {"url": page.as_uri()}, session=session)
        dt.wait_for("Page.loadEventFired", session)
        facts = dt.send("Runtime.evaluate", {"returnByValue": True, "expression": """JSON.stringify({
            scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
            title: document.title, scripts: document.scripts.length,
            hidden: getComputedStyle(document.body).display === 'none',
            external: [...document.querySelectorAll('[src],link[href]')].map(e => e.src || e.href)
                      .filter(u => u && !u.startsWith('data:'))})"""}, session=session)
        if screenshot is not None:
            data = dt.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
            screenshot.write_bytes(base64.b64decode(data))
        dt.send("Runtime.evaluate", {"expression": "1"}, session=session)  # flush late log entries
        return dt.problems(session), json.loads(facts["result"]["value"])
    finally:
        dt.send("Target.closeTarget", {"targetId": target})


def test_the_capture_sees_errors(tmp_path, browser):
    """Control: a page with a console error, an exception, a missing file and a CSP block."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>bad</title></head><body><img src='missing.png'>"
        "<script>console.error('boom'); undefinedFunction();</script></body></html>", encoding="utf-8")
    problems, _ = load(browser, page)
    assert any("console.error: boom" in p for p in problems), problems
    assert any(p.startswith("exception:") for p in problems), problems
    assert any("ERR_FILE_NOT_FOUND" in p for p in problems), problems
    page = tmp_path / "csp.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\">"
        "</head><body><img src='https://example.invalid/x.png'></body></html>", encoding="utf-8")
    problems, _ = load(browser, page)
    assert any("Content Security Policy" in p for p in problems), problems


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_pages_render_without_errors_and_fit_a_phone(demo_apk, tmp_path, monkeypatch, browser, lang):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "privacy.toml").write_text(HOSTILE, encoding="utf-8")
    assert main(["docs", str(demo_apk), "-o", "out", "--lang", lang, "--format", "html"]) == 0
    pages = sorted((tmp_path / "out").glob(f"*.{lang}.html"))
    assert [p.name.split(".")[0] for p in pages] == ["collected-pi", "permissions", "privacy-policy",
                                                      "third-party-sharing"]
    shots = artifacts(tmp_path)
    for page in pages:
        shot = shots / f"{page.stem}.phone.png"
        problems, facts = load(browser, page, shot)
        assert not problems, f"{page.name}: {problems}"
        assert facts["scripts"] == 0 and not facts["external"], facts  # nothing injected, nothing fetched
        assert not facts["hidden"], "an injected <style> took effect"
        assert facts["scrollWidth"] <= facts["innerWidth"] == PHONE["width"], f"{page.name} scrolls sideways: {facts}"
        assert "<script>" in facts["title"]  # the hostile app name is shown as text
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000


def test_corpus_policy_page_screenshot(corpus, tmp_path, monkeypatch, browser):
    """The policy of a real app (JPush, QQ connect, iFlytek) on a phone, for a human to look at."""
    monkeypatch.chdir(tmp_path)
    apk = corpus("jpush_hbuilder-hello.apk")
    assert main(["docs", str(apk), "-o", "out", "--format", "html"]) == 0
    shots = artifacts(tmp_path)
    for name in ("privacy-policy", "third-party-sharing", "collected-pi"):
        page = tmp_path / "out" / f"{name}.zh-CN.html"
        shot = shots / f"jpush-{name}.zh-CN.phone.png"
        problems, facts = load(browser, page, shot)
        assert not problems, problems
        assert facts["scrollWidth"] <= facts["innerWidth"], facts
        assert shot.is_file() and shot.stat().st_size > 5000
