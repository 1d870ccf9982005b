"""``selfaudit docs``: the dual list, the permission list and the policy from one row model."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from selfaudit import __version__
from selfaudit.cli import main
from selfaudit.documents.htmltree import parse_html
from selfaudit.documents.markdown import to_markdown

TODAY = dt.date.today().isoformat()

DECLARED = """\
[app]
name = "演示应用"
name_en = "Demo App"
category = "地图导航类"

[operator]
company = "示例科技有限公司"
address = "北京市海淀区示例路1号"
contact = "400-000-0000"
email = "privacy@example.com"
dpo_email = "dpo@example.com"

[pi."location.precise"]
purpose = "为您提供导航"
purpose_en = "Turn-by-turn navigation"
scenario = "导航"
required = true
method = "App自动采集"

[pi."device.imei"]
purpose = "账号安全风控"
scenario = "登录"
required = false

[pi."account.user_id"]
purpose = "登录"
scenario = "登录"
required = true
method = "用户主动提供"

[pi."order.shipping"]
purpose = "配送商品"
scenario = "下单"
required = true
method = "用户主动提供"

[third_party.sf-express]
name = "顺丰速运"
company = "顺丰速运有限公司"
policy_url = "https://www.sf-express.com/privacy"
pi_types = ["order.shipping", "identity.phone_number"]
purpose = "配送"
scenario = "下单"
sharing = "后台接口传输"

[permission.ACCESS_FINE_LOCATION]
purpose = "导航定位"
scenario = "导航"
asked_when = "首次打开地图时"
refusal_effect = "无法导航，其他功能不受影响"

[permission.RECORD_AUDIO]
purpose = "语音搜索"
"""


def run(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def rows(directory: Path, lang: str = "zh-CN") -> dict:
    return json.loads((directory / f"rows.{lang}.json").read_text(encoding="utf-8"))


def row(data: dict, kind: str, key: str) -> dict:
    return next(r for r in data[kind] if r["key"] == key)


@pytest.fixture
def declared(tmp_path, monkeypatch):
    """A working directory with privacy.toml declaring some detected and some undetected items."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "privacy.toml").write_text(DECLARED, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def jpush_docs(tmp_path_factory, corpus):
    """The corpus HBuilder app with JPush, QQ connect and iFlytek, documented without declarations."""
    import os

    out = tmp_path_factory.mktemp("jpush-docs")
    apk = corpus("jpush_hbuilder-hello.apk")
    here = os.getcwd()
    os.chdir(out)  # no config or declarations of ours around
    try:
        code = main(["docs", str(apk), "-o", str(out), "--lang", "zh-CN", "--lang", "en"])
    finally:
        os.chdir(here)
    assert code == 0
    return out


@pytest.fixture(scope="module")
def corpus():
    from conftest import corpus_dir

    def get(name: str) -> Path:
        path = corpus_dir() / name
        if not path.is_file():
            pytest.skip(f"corpus APK {name} not found in {corpus_dir()} (set SELFAUDIT_CORPUS)")
        return path

    return get


# --------------------------------------------------------------------------------------------
# The corpus app: real SDKs, real code references
# --------------------------------------------------------------------------------------------


def test_sharing_list_names_jpush_tencent_and_iflytek_with_companies_and_policies(jpush_docs):
    data = rows(jpush_docs)
    by_key = {r["key"]: r for r in data["sharing"]}
    jpush = by_key["jpush"]
    assert "极光" in jpush["name"] and "和讯华谷" in jpush["company"]
    tencent = [r for k, r in by_key.items() if k.startswith("tencent")]
    iflytek = [r for k, r in by_key.items() if k.startswith("iflytek")]
    assert tencent and all("腾讯" in r["company"] for r in tencent)
    assert iflytek and all("讯飞" in r["company"] for r in iflytek)
    md = (jpush_docs / "third-party-sharing.zh-CN.md").read_text(encoding="utf-8")
    html = (jpush_docs / "third-party-sharing.zh-CN.html").read_text(encoding="utf-8")
    for r in [jpush, *tencent, *iflytek]:
        assert r["policy_url"].startswith("https://"), r
        line = next(line for line in md.splitlines() if line.startswith("|") and r["name"] in line)
        assert r["company"] in line and f"]({r['policy_url']})" in line
        assert f'<a href="{r["policy_url"]}"' in html
        assert r["packages"] and r["pi"], r  # which SDK, and what it gets
    assert "SDK本机采集" in md  # the suggested sharing method for an embedded SDK


def test_collected_list_shows_identifiers_and_location_with_code_evidence(jpush_docs):
    data = rows(jpush_docs)
    wanted = ["device.imei", "device.imsi", "device.android_id", "device.mac", "location.precise",
              "location.coarse", "location.cell", "network.wifi", "apps.installed"]
    md = (jpush_docs / "collected-pi.zh-CN.md").read_text(encoding="utf-8")
    for key in wanted:
        r = row(data, "collected", key)
        code_refs = [e for e in r["evidence"] if e.startswith("代码: ")]
        assert code_refs, f"{key}: no code evidence in {r['evidence']}"
        assert r["status"] == "undeclared" and r["purpose"] == "TODO"
        line = next(line for line in md.splitlines() if line.startswith("|") and r["name"] in line)
        assert "检测依据" in line and "代码: " in line
    imei = row(data, "collected", "device.imei")
    assert any("TelephonyManager.getDeviceId" in e and "极光推送" in e for e in imei["evidence"])
    assert "READ_PHONE_STATE（读取手机状态和身份）" in imei["permissions"]
    assert row(data, "collected", "location.precise")["sensitive"] is True
    assert "★ 精确位置信息" in md
    # the same rows drive the English documents
    en = rows(jpush_docs, "en")
    assert [r["key"] for r in en["collected"]] == [r["key"] for r in data["collected"]]
    assert any(e.startswith("code: ") for e in row(en, "collected", "device.imei")["evidence"])


def test_policy_sections_come_from_the_same_rows(jpush_docs):
    data = rows(jpush_docs)
    md = (jpush_docs / "privacy-policy.zh-CN.md").read_text(encoding="utf-8")
    for heading in ("重点说明", "一、我们如何收集和使用您的个人信息", "二、我们如何委托处理、共享、转让、公开披露您的个人信息",
                    "四、您的权利", "五、我们如何处理未成年人的个人信息", "六、您的个人信息如何在全球范围转移",
                    "七、本政策如何更新", "八、如何联系我们", "征得授权同意的例外", "设备权限调用"):
        assert heading in md, heading
    for r in data["collected"]:
        assert r["name"] in md
    for r in data["sharing"]:
        assert r["company"] in md and r["policy_url"] in md
    for r in data["permissions"]:
        assert r["short_name"] in md


# --------------------------------------------------------------------------------------------
# Header, statuses, declared values
# --------------------------------------------------------------------------------------------


def test_every_document_carries_the_draft_header(demo_apk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["docs", demo_apk, "-o", "out", "--lang", "zh-CN", "--lang", "en"], capsys)
    assert code == 0, err
    files = sorted((tmp_path / "out").glob("*.*.md")) + sorted((tmp_path / "out").glob("*.*.html"))
    assert len(files) == 16
    for f in files:
        text = f.read_text(encoding="utf-8")
        head = text[: text.index("</aside>")] if f.suffix == ".html" else text[:800]
        assert f"selfaudit {__version__}" in head and TODAY in head and "demo.apk" in head, f
        if ".zh-CN." in f.name:
            assert "草稿，不构成法律意见" in head, f
        else:
            assert "Draft, not legal advice" in head, f
        todo = re.search(r"(\d+) (?:处|in this document)", head)
        assert todo and int(todo.group(1)) > 0
    data = rows(tmp_path / "out")
    assert data["meta"]["tool_version"] == __version__ and data["meta"]["date"] == TODAY


def test_undeclared_and_declared_not_observed_are_both_visible(demo_apk, declared, capsys):
    code, out, err = run(["docs", demo_apk, "-o", "out"], capsys)
    assert code == 0, err
    data = rows(declared / "out")
    assert row(data, "collected", "location.precise")["status"] == "declared"
    assert row(data, "collected", "contacts.address_book")["status"] == "undeclared"
    assert row(data, "collected", "account.user_id")["status"] == "not-observed"  # server side
    assert row(data, "sharing", "sf-express")["status"] == "not-observed"
    assert row(data, "permissions", "android.permission.CAMERA")["status"] == "undeclared"
    assert row(data, "permissions", "android.permission.RECORD_AUDIO")["status"] == "not-observed"
    assert data["summary"]["undeclared"] > 0 and data["summary"]["not_observed"] == 4
    for name in ("collected-pi", "privacy-policy"):
        md = (declared / "out" / f"{name}.zh-CN.md").read_text(encoding="utf-8")
        assert "★ 通讯录** *(检测到，未声明)*" in md
        assert "*(已声明，本次构建未检测到)*" in md
        html = (declared / "out" / f"{name}.zh-CN.html").read_text(encoding="utf-8")
        assert '<span class="badge undeclared">' in html and '<span class="badge not-observed">' in html
    assert re.search(r"\d+ detected but not declared, 4 declared but not observed", out)


def test_declared_values_category_and_english_variants(demo_apk, declared, capsys):
    code, _, err = run(["docs", demo_apk, "-o", "out", "--lang", "zh-CN", "--lang", "en"], capsys)
    assert code == 0, err
    zh, en = rows(declared / "out"), rows(declared / "out", "en")
    loc = row(zh, "collected", "location.precise")
    assert loc["purpose"] == "为您提供导航" and loc["necessary"] is True and loc["required"] is True
    assert row(zh, "collected", "device.imei")["necessary"] is False  # not in 地图导航类's list
    assert row(en, "collected", "location.precise")["purpose"] == "Turn-by-turn navigation"
    assert row(en, "collected", "device.imei")["purpose"] == "账号安全风控"  # no _en variant: the base text
    assert zh["meta"]["category"] == "地图导航类" and en["meta"]["app_name"] == "Demo App"
    fine = row(zh, "permissions", "android.permission.ACCESS_FINE_LOCATION")
    assert fine["asked_when"] == "首次打开地图时" and fine["label_zh"] and fine["function"] != "TODO"
    internet = [r for r in zh["permissions"] if r["key"] == "android.permission.INTERNET"]
    assert not internet  # not personal information, not listed
    policy = (declared / "out" / "privacy-policy.zh-CN.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### （\d）(.+)$", policy, re.M)
    assert {"导航", "登录", "下单"} <= set(headings)  # one section per business function (the declared scenario)
    assert "示例科技有限公司" in policy and "dpo@example.com" in policy and "应用类型：地图导航类" in policy
    nav = re.split(r"^### （\d）导航$", policy, flags=re.M)[1].split("### ")[0]
    assert "为您提供导航" in nav and "必需" in nav and "导航定位" in nav  # the permission of that function
    login = re.split(r"^### （\d）登录$", policy, flags=re.M)[1].split("### ")[0]
    assert "账号安全风控" in login and "可选" in login and "顺丰速运" not in login
    order = re.split(r"^### （\d）下单$", policy, flags=re.M)[1].split("### ")[0]
    assert "配送商品" in order and "顺丰速运（顺丰速运有限公司）：配送" in order  # the partner of that function
    assert "\\*" not in policy.split("## 一")[0]  # nothing escaped needlessly in the header


def test_html_escapes_everything_from_the_app_and_the_declarations(demo_apk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "privacy.toml").write_text(textwrap.dedent("""\
        [app]
        name = "<script>alert('name')</script>"
        [operator]
        company = "<img src=x onerror=alert(1)>"
        [pi."device.imei"]
        purpose = "a | b *c* <b>bold</b> & [x](javascript:alert(2))"
        [third_party.evil]
        name = "Evil</td><script>alert(3)</script>"
        company = "Evil & Co"
        policy_url = "javascript:alert(4)"
        """), encoding="utf-8")
    code, _, err = run(["docs", demo_apk, "-o", "out"], capsys)
    assert code == 0, err
    for f in (tmp_path / "out").glob("*.html"):
        html = f.read_text(encoding="utf-8")
        assert "<script" not in html.lower() and "onerror=" not in html.replace("onerror=alert(1)&gt;", ""), f
        assert 'href="javascript' not in html
        assert "&lt;script&gt;" in html, f
    sharing = (tmp_path / "out" / "third-party-sharing.zh-CN.html").read_text(encoding="utf-8")
    assert "Evil&lt;/td&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in sharing and "javascript:alert(4)" in sharing
    md = (tmp_path / "out" / "collected-pi.zh-CN.md").read_text(encoding="utf-8")
    line = next(line for line in md.splitlines() if "IMEI" in line)
    assert "a \\| b \\*c\\* \\<b\\>bold\\</b\\> & \\[x\\](javascript:alert(2))" in line
    header = next(line for line in md.splitlines() if line.startswith("| 类别"))
    assert line.count(" | ") == header.count(" | ")  # the pipe did not add a column
    data = rows(tmp_path / "out")
    assert row(data, "collected", "device.imei")["purpose"].startswith("a | b *c* <b>")  # JSON is raw data


def test_docx_opens_and_holds_the_same_rows(jpush_docs):
    docx = pytest.importorskip("docx")
    data = rows(jpush_docs)
    document = docx.Document(str(jpush_docs / "privacy-policy.zh-CN.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "草稿，不构成法律意见" in text and f"selfaudit {__version__}" in text
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
    sharing = next(t for t in tables if t[0][0] == "第三方名称（主体）")
    assert [r[1].replace(" (检测到，未声明)", "") for r in sharing[1:]] == [r["name"] for r in data["sharing"]]
    assert [r[0] for r in sharing[1:]] == [r["company"] for r in data["sharing"]]
    assert [r[6] for r in sharing[1:]] == [r["policy_url"] for r in data["sharing"]]
    collected = [r[0] for t in tables if t[0][:2] == ["个人信息", "使用目的"] for r in t[1:]]
    assert sorted(collected) == sorted(("★ " if r["sensitive"] else "") + r["name"] + " (检测到，未声明)"
                                       for r in data["collected"])
    permissions = next(t for t in tables if t[0][:2] == ["权限", "使用目的"])
    assert len(permissions) - 1 == len(data["permissions"])
    # each numbered list counts from 1 (Word continues a shared numbering otherwise)
    numbered = [p._p.pPr.numPr.numId.val for p in document.paragraphs if p.style.name == "List Number"]
    assert len(numbered) == 8 + 6 and len(set(numbered[:8])) == 1 and len(set(numbered[8:])) == 1
    assert numbered[0] != numbered[8]
    highlighted = [run for p in document.paragraphs for run in p.runs if run.font.highlight_color]
    assert highlighted and all(run.text == "TODO" for run in highlighted)
    # reproducible: the zip entries carry a fixed time, so unchanged rows give the same bytes
    with zipfile.ZipFile(jpush_docs / "privacy-policy.zh-CN.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --------------------------------------------------------------------------------------------
# --check, hand edits, idempotence
# --------------------------------------------------------------------------------------------


def test_check_is_current_then_stale_then_current(demo_apk, declared, capsys):
    assert run(["docs", demo_apk, "-o", "out"], capsys)[0] == 0
    code, out, _ = run(["docs", "--check", "out"], capsys)  # target recorded in the directory
    assert code == 0 and "up to date (zh-CN)" in out

    decl = declared / "privacy.toml"
    decl.write_text(decl.read_text(encoding="utf-8").replace("为您提供导航", "为您规划路线"), encoding="utf-8")
    code, out, _ = run(["docs", "--check", "out"], capsys)
    assert code == 1 and "out of date" in out
    assert "~ collected: 精确位置信息 (location.precise): purpose '为您提供导航' → '为您规划路线'" in out
    assert "regenerate with: selfaudit docs" in out

    decl.write_text(decl.read_text(encoding="utf-8") + '\n[pi."basic.address"]\npurpose = "收货"\n',
                    encoding="utf-8")
    code, out, _ = run(["docs", "--check", "out"], capsys)
    assert code == 1 and re.search(r"\+ collected: .+ \(basic\.address\) \[not-observed\]", out), out

    assert run(["docs", demo_apk, "-o", "out"], capsys)[0] == 0
    code, out, _ = run(["docs", demo_apk, "--check", "out"], capsys)
    assert code == 0, out


def test_check_without_documents_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["docs", "--check", "nothing-here"], capsys)
    assert code == 1 and "no generated documents" in out


def test_check_sees_a_new_permission_in_the_build(tmp_path, monkeypatch, capsys):
    from test_init import project

    monkeypatch.chdir(tmp_path)
    project(tmp_path)
    assert run(["docs", ".", "-o", "docs", "--format", "json"], capsys)[0] == 0
    assert run(["docs", "--check", "docs"], capsys)[0] == 0
    project(tmp_path, extra='<uses-permission android:name="android.permission.CAMERA" />')
    code, out, _ = run(["docs", "--check", "docs"], capsys)
    assert code == 1
    assert "+ permissions: CAMERA (android.permission.CAMERA) [undeclared]" in out
    assert "+ collected: 摄像头（拍摄的照片、视频） (media.camera) [undeclared]" in out


def test_unchanged_rows_leave_the_directory_byte_identical(demo_apk, declared, capsys):
    assert run(["docs", demo_apk, "-o", "out"], capsys)[0] == 0
    before = {p.name: p.read_bytes() for p in (declared / "out").iterdir()}
    code, out, _ = run(["docs", demo_apk, "-o", "out"], capsys)
    assert code == 0 and "nothing written" in out
    assert {p.name: p.read_bytes() for p in (declared / "out").iterdir()} == before


def test_hand_edited_documents_are_never_overwritten_without_force(demo_apk, declared, capsys):
    assert run(["docs", demo_apk, "-o", "out"], capsys)[0] == 0
    md = declared / "out" / "privacy-policy.zh-CN.md"
    md.write_text(md.read_text(encoding="utf-8") + "\n法务补充的条款。\n", encoding="utf-8")
    code, out, _ = run(["docs", "--check", "out"], capsys)
    assert code == 0 and "edited by hand since generation (zh-CN): privacy-policy.zh-CN.md" in out
    decl = declared / "privacy.toml"
    decl.write_text(decl.read_text(encoding="utf-8").replace("为您提供导航", "为您规划路线"), encoding="utf-8")
    code, _, err = run(["docs", demo_apk, "-o", "out"], capsys)
    assert code == 2 and "privacy-policy.zh-CN.md changed since selfaudit generated it" in err and "--force" in err
    assert "法务补充的条款" in md.read_text(encoding="utf-8")
    assert "为您提供导航" in (declared / "out" / "collected-pi.zh-CN.md").read_text(encoding="utf-8")  # nothing written
    code, _, err = run(["docs", demo_apk, "-o", "out", "--force"], capsys)
    assert code == 0, err
    assert "法务补充的条款" not in md.read_text(encoding="utf-8")
    assert run(["docs", "--check", "out"], capsys)[0] == 0


def test_a_stranger_file_in_the_directory_is_not_overwritten(demo_apk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "permissions.zh-CN.html").write_text("<p>ours</p>", encoding="utf-8")
    code, _, err = run(["docs", demo_apk, "-o", "out"], capsys)
    assert code == 2 and "permissions.zh-CN.html" in err
    assert (tmp_path / "out" / "permissions.zh-CN.html").read_text(encoding="utf-8") == "<p>ours</p>"


# --------------------------------------------------------------------------------------------
# Formats, templates, plugins
# --------------------------------------------------------------------------------------------


def test_formats_and_evidence_switch(demo_apk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["docs", demo_apk, "-o", "md", "--format", "md", "--no-evidence"], capsys)
    assert code == 0, err
    assert sorted(p.suffix for p in (tmp_path / "md").iterdir()) == [".json", ".md", ".md", ".md", ".md"]
    assert "检测依据" not in (tmp_path / "md" / "collected-pi.zh-CN.md").read_text(encoding="utf-8")
    code, _, err = run(["docs", demo_apk, "-o", "x", "--format", "pdf"], capsys)
    assert code == 2 and "unknown document format 'pdf'" in err
    code, _, err = run(["docs", demo_apk], capsys)
    assert code == 2 and "-o DIR" in err


def test_a_team_overrides_one_template(demo_apk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "our-templates" / "documents" / "zh-CN"
    mine.mkdir(parents=True)
    (mine / "collected.html.j2").write_text(textwrap.dedent("""\
        {% extends "documents/_page.html.j2" %}
        {% block title %}{{ meta.app_name }}：我们的个人信息清单{% endblock %}
        {% block content %}<ul>{% for r in rows %}<li>{{ r.name }}</li>{% endfor %}</ul>{% endblock %}
        """), encoding="utf-8")
    code, _, err = run(["docs", demo_apk, "-o", "a", "--templates", "our-templates", "--format", "html"], capsys)
    assert code == 0, err
    assert "我们的个人信息清单" in (tmp_path / "a" / "collected-pi.zh-CN.html").read_text(encoding="utf-8")
    assert "隐私政策" in (tmp_path / "a" / "privacy-policy.zh-CN.html").read_text(encoding="utf-8")
    (tmp_path / "selfaudit.toml").write_text('templates = "our-templates"\n', encoding="utf-8")
    code, _, err = run(["docs", demo_apk, "-o", "b", "--format", "md"], capsys)
    assert code == 0, err
    assert "我们的个人信息清单" in (tmp_path / "b" / "collected-pi.zh-CN.md").read_text(encoding="utf-8")
    code, _, err = run(["docs", demo_apk, "-o", "c", "--templates", "missing"], capsys)
    assert code == 2 and "missing: templates directory not found" in err


def test_a_template_error_names_the_variable(demo_apk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "t" / "documents" / "zh-CN"
    mine.mkdir(parents=True)
    (mine / "permissions.html.j2").write_text("{{ meta.no_such_field }}", encoding="utf-8")
    code, _, err = run(["docs", demo_apk, "-o", "a", "--templates", "t"], capsys)
    assert code == 3 and "no_such_field" in err  # StrictUndefined: no silent empty sentence


def test_plugins_add_template_variables(demo_apk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "brand.py").write_text(textwrap.dedent("""\
        from selfaudit import hookimpl

        @hookimpl
        def selfaudit_document_context(model, lang):
            return {"brand": f"ACME <{lang}> {len(model.collected)} items"}
        """), encoding="utf-8")
    mine = tmp_path / "t" / "documents" / "en"
    mine.mkdir(parents=True)
    (mine / "permissions.html.j2").write_text(
        '{% extends "documents/_page.html.j2" %}{% block title %}P{% endblock %}'
        "{% block content %}<p>{{ extra.brand }}</p>{% endblock %}", encoding="utf-8")
    code, _, err = run(["docs", demo_apk, "-o", "a", "--lang", "en", "--templates", "t", "--plugins-dir", plugins,
                        "--format", "html"], capsys)
    assert code == 0, err
    assert re.search(r"<p>ACME &lt;en&gt; \d+ items</p>", (tmp_path / "a" / "permissions.en.html").read_text(encoding="utf-8"))


def test_invalid_declarations_stop_generation_with_file_line_key(demo_apk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "privacy.toml").write_text('[app]\nname = "x"\ncategory = "宠物类"\n', encoding="utf-8")
    code, _, err = run(["docs", demo_apk, "-o", "a"], capsys)
    assert code == 2 and "privacy.toml:3: app.category: unknown app category '宠物类'" in err
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize(
    "html, md",
    [
        ("<p>a | b *c* _d_ [e] &lt;f&gt; `g` \\h</p>", "a \\| b \\*c\\* \\_d\\_ \\[e\\] \\<f\\> \\`g\\` \\\\h"),
        ("<p><strong>草稿。</strong>本文件</p>", "<strong>草稿。</strong>本文件"),
        ("<p><strong>TODO</strong> x</p>", "**TODO** x"),
        ("<p><code>a_b*c</code></p>", "`a_b*c`"),
        ('<p><a href="https://e.com/a b">link</a></p>', "[link](https://e.com/a%20b)"),
        ("<p>1. not a list</p>", "1\\. not a list"),
        ("<table><tr><th>h</th></tr><tr><td><ul><li>x</li><li>y|z</li></ul></td></tr></table>",
         "| h |\n|---|\n| x<br>y\\|z |"),
        ("<ul><li>a<ul><li>b</li></ul></li></ul>", "- a\n   - b"),
        ('<p data-format="html">web only</p><p data-format="print">print only</p>', "print only"),
        ('<p>a <span class="badge undeclared">未声明</span></p>', "a *(未声明)*"),
    ],
)
def test_markdown_conversion(html, md):
    assert to_markdown(parse_html(f"<html><body>{html}</body></html>")) == md + "\n"


@pytest.mark.slow
def test_templates_ship_in_the_wheel(tmp_path, demo_apk):
    """A non-editable install finds the templates inside the package (hatchling force-include)."""
    pytest.importorskip("hatchling")
    repo = Path(__file__).resolve().parent.parent
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp_path / "dist"), str(repo)], capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {res.stderr[-500:]}")
    wheel = next((tmp_path / "dist").glob("selfaudit-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for lang in ("zh-CN", "en"):
            for doc in ("collected", "sharing", "permissions", "policy", "_draft"):
                assert f"selfaudit/templates/documents/{lang}/{doc}.html.j2" in names
        z.extractall(tmp_path / "site")
    script = (
        "import sys; from selfaudit.documents.templates import template_dirs; "
        "print(template_dirs()); from selfaudit.cli import main; "
        f"sys.exit(main(['docs', {str(demo_apk)!r}, '-o', {str(tmp_path / 'out')!r}, '--format', 'html']))"
    )
    res = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin",
                              "SELFAUDIT_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert res.returncode == 0, res.stderr[-2000:]
    assert str(tmp_path / "site" / "selfaudit" / "templates") in res.stdout
    assert (tmp_path / "out" / "privacy-policy.zh-CN.html").is_file()


def test_pi_only_sdks_collect_may_be_declared_in_the_sdk_table(demo_apk, tmp_path, monkeypatch, capsys):
    """As the undeclared-collection rule accepts: listed in the SDK's pi_types, no [pi] table needed."""
    from selfaudit.api import Auditor
    from selfaudit.config import Config
    from selfaudit.declarations import reconcile

    monkeypatch.chdir(tmp_path)
    (tmp_path / "privacy.toml").write_text(textwrap.dedent("""\
        [third_party.umeng-common]
        purpose = "统计分析"
        scenario = "使用过程中"
        sharing = "SDK本机采集"
        required = false
        pi_types = ["device.oaid", "device.imei"]
        """), encoding="utf-8")
    assert run(["docs", demo_apk, "-o", "out", "--format", "json"], capsys)[0] == 0
    data = rows(tmp_path / "out")
    oaid = row(data, "collected", "device.oaid")  # only the Umeng SDK collects it
    assert oaid["status"] == "declared" and oaid["purpose"] == "统计分析" and oaid["scenario"] == "使用过程中"
    assert oaid["required"] is False and oaid["declared_via"] and "自动采集" in oaid["method"]
    imei = row(data, "collected", "device.imei")  # the app's own code reads it too
    assert imei["status"] == "undeclared" and imei["purpose"] == "TODO"
    auditor = Auditor(Config(declarations=tmp_path / "privacy.toml"))
    r = reconcile(auditor.enrich(auditor.collect(demo_apk)), auditor.declarations)
    assert "device.oaid" not in r.undeclared_pi and "device.imei" in r.undeclared_pi
