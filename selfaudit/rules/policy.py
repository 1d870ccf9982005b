"""The privacy policy must exist in the app and be shown on first run (SA601).

认定方法 一-1/一-2: no privacy policy in the app, or no prominent prompt to read it on first run,
is "not publishing the collection rules". Statically we can look for what such an app always
carries: policy wording or a policy link in its strings, resources, assets or code constants.
"""

from __future__ import annotations

import re

from selfaudit import hookimpl
from selfaudit.model import Evidence, Location
from selfaudit.rules import provide, rule
from selfaudit.rules._common import stable

#: Wording and file or URL names a privacy-policy screen or consent dialog uses.
POLICY_WORDS = re.compile(
    r"隐私政策|隐私协议|隐私权政策|隐私声明|隐私保护指引|个人信息保护政策|用户协议|服务协议|"
    r"privacy[ _-]?policy|privacy[ _-]?agreement|privacy[ _-]?notice|privacypolicy|yinsi|"
    r"/privacy|privacy\.html|policy\.html",
    re.IGNORECASE,
)


def _policy_signals(facts) -> list[str]:
    out = []
    for key, value in facts.strings.items():
        if POLICY_WORDS.search(value or "") or POLICY_WORDS.search(key):
            out.append(f"string {key}")
            if len(out) >= 3:
                return out
    for a in facts.assets:
        if POLICY_WORDS.search(a) or re.search(r"privacy|policy|yinsi|agreement", a, re.IGNORECASE):
            out.append(f"asset {a}")
    for ref in facts.code_refs:
        for s in ref.strings:
            if POLICY_WORDS.search(s):
                out.append(f"code constant in {ref.location.class_name}")
                break
        if len(out) >= 3:
            break
    code = facts.code
    strings_of = getattr(code, "strings", None) if code is not None else None
    if not out and strings_of is not None:
        from selfaudit.reach import for_facts

        az = for_facts(facts)
        if az is not None:
            for m in az.pre_consent().methods():
                if any(POLICY_WORDS.search(s) for s in strings_of(m)):
                    out.append(f"code constant in {m}")
                    break
    return out


@rule(
    code="SA601",
    name="privacy-policy-missing",
    title_en="No privacy policy or consent prompt found in the app",
    title_zh="应用内未发现隐私政策或同意提示",
    severity="high",
    confidence="medium",
    category="policy",
    explanation_en="""
The app collects personal information, but nothing in it looks like a privacy policy or a consent
prompt: no policy wording (隐私政策, 用户协议, "privacy policy"), no policy file or link in the
resources, assets or start-up code. 认定方法 一-1 and 一-2 count "no privacy policy in the app" and
"no prominent prompt to read it on first run" as not publishing the collection rules; every first
launch must show the policy and ask for consent before any collection.

The policy may be fetched from a server under a name this check cannot see, hence medium confidence.
""",
    explanation_zh="""
应用收集了个人信息，但其中找不到任何隐私政策或同意提示的迹象：资源、资产文件和启动代码中没有隐私政策相关
文字（隐私政策、用户协议、privacy policy），也没有政策文件或链接。认定方法 一-1、一-2 将“App 中没有隐私政策”
和“首次运行未以弹窗等明显方式提示用户阅读”认定为未公开收集使用规则；首次启动必须先展示隐私政策并在收集
前取得同意。

隐私政策也可能从服务器以本检查无法识别的名称加载，故置信度为中。
""",
    remediation_en="""
Show a consent dialog on first launch, before any collection, with a link to the full privacy policy
(a separate document, reachable within 4 taps from the main screen afterwards) and clear agree /
disagree buttons. `selfaudit docs` drafts the policy from the scan and your declarations.
""",
    remediation_zh="""
首次启动时、任何收集之前展示同意弹窗，附完整隐私政策链接（单独成文，此后从主界面 4 次点击内可达），并提供
明确的“同意/不同意”按钮。`selfaudit docs` 可根据扫描结果和声明生成隐私政策草稿。
""",
    regulations=["cac-rending-fangfa 一-1", "cac-rending-fangfa 一-2", "miit-164 1.1", "pipl-17",
                 "gbt-35273 5.5"],
    tags=["policy", "privacy"],
)
def privacy_policy_missing(facts, inventory, ctx):
    collects = any(s.kind in ("api", "field", "string", "permission") for it in inventory.data_items
                   for s in it.sources)
    if not collects:
        return
    if not (facts.strings or facts.assets or facts.code is not None or facts.kind == "source"):
        return  # nothing to search: the collector gave no resources or code
    if _policy_signals(facts):
        return
    loc = facts.application.location or Location(file="AndroidManifest.xml")
    f = privacy_policy_missing.finding(
        "The app collects personal information but contains no privacy-policy wording, link or consent "
        "prompt (searched strings, assets and start-up code)",
        message_zh="应用收集个人信息，但未发现隐私政策文字、链接或同意提示（已检查字符串资源、资产文件和启动代码）",
        location=loc,
        evidence=[Evidence(kind="manifest", detail=f"{len(facts.strings)} strings, {len(facts.assets)} assets searched")],
    )
    yield stable(f, privacy_policy_missing, "policy")


RULES = [privacy_policy_missing]


@hookimpl
def selfaudit_rules():
    return provide(RULES)
