"""The privacy policy must exist in the app and be shown on first run (SA601), and the declarations
the documents are drafted from must say why each detected item is collected (SA602).

认定方法 一-1/一-2: no privacy policy in the app, or no prominent prompt to read it on first run,
is "not publishing the collection rules". Statically we can look for what such an app always
carries: policy wording or a policy link in its strings, resources, assets or code constants.

认定方法 二-1: the policy and the dual list must state the purpose, method and scope of every item.
``selfaudit init`` declares every detected item with a TODO purpose and scenario; until the team
fills them in, the drafts print TODO, and SA602 says where.
"""

from __future__ import annotations

import re

from selfaudit import hookimpl
from selfaudit.declarations import is_todo, reconcile
from selfaudit.model import Evidence, Location, Severity
from selfaudit.rules import provide, rule
from selfaudit.rules._common import declarations_file, stable

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


#: Permission protection levels whose purpose the permission list must state (as SA301).
_EXPLAINED_LEVELS = ("dangerous", "special")


def _todo_fields(d, fields=("purpose", "scenario")) -> list[str]:
    return [f for f in fields if is_todo(getattr(d, f, None))]


def _fields_text(fields: list[str], zh: bool = False) -> str:
    if zh:
        return "、".join({"purpose": "目的（purpose）", "scenario": "场景（scenario）"}[f] for f in fields)
    return " and ".join(fields)


@rule(
    code="SA602",
    name="incomplete-declaration",
    title_en="Detected item declared without a purpose or scenario (TODO)",
    title_zh="已检测到的收集项在声明中缺少目的或场景（TODO）",
    severity="medium",
    confidence="high",
    category="declarations",
    explanation_en="""
The build collects a type of personal information, embeds a third party or requests a dangerous
permission, and privacy.toml declares it, but the declaration's purpose (or, for PI and third
parties, scenario) is still missing or `TODO`, as `selfaudit init` writes it. The generated
collected-PI list, third-party sharing list, permission list and privacy policy then print TODO
where the regulator expects the purpose, method and scope of each item, item by item (认定方法
二-1; the dual list of MIIT's 2021 campaign; PIPL art. 17 and, for third parties, art. 23). An
undeclared item is reported by undeclared-collection, undisclosed-third-party and
undeclared-permission; this rule reports the declared-but-unfinished ones, so a file full of
TODOs does not pass.

It uses the same comparison as the documents (`reconcile()`): a row the draft shows with TODO is a
finding here. Items declared but not observed in the build are left to declared-not-observed.
""",
    explanation_zh="""
构建中收集了某类个人信息、嵌入了第三方或申请了危险权限，privacy.toml 中也有对应声明，但其使用目的
（个人信息与第三方还包括使用场景）仍为空或为 `selfaudit init` 写入的 `TODO`。据此生成的《已收集个人信息
清单》《与第三方共享个人信息清单》、权限说明和隐私政策会在监管要求逐项写明目的、方式、范围之处显示 TODO
（认定方法 二-1；工信部 2021 年感知提升行动的双清单；个人信息保护法第十七条，第三方另见第二十三条）。
未声明的项目由 undeclared-collection、undisclosed-third-party、undeclared-permission 报告；本规则报告
已声明但未填写完整的项目，避免满是 TODO 的声明文件通过检查。

本规则与文档生成使用同一比对（`reconcile()`）：草稿中显示 TODO 的行，在此即为一条发现。已声明但构建中
未发现的项目由 declared-not-observed 处理。
""",
    remediation_en="""
Open privacy.toml at the reported line and replace each `TODO` with the real purpose (why the app
needs it) and scenario (the business function, or when it happens), e.g. `purpose = "账号安全风控"`,
`scenario = "登录、支付时"`; for a permission, also when it is asked and what refusing does. If
nothing needs the item, remove the code, SDK or permission instead, then the table.
""",
    remediation_zh="""
打开 privacy.toml 中报告的行，将各 `TODO` 替换为真实的使用目的（为何需要）与使用场景（对应的业务功能或
发生时机），如 `purpose = "账号安全风控"`、`scenario = "登录、支付时"`；权限还需填写申请时机与拒绝后的影响。
若没有功能需要该项，请删除相应代码、SDK 或权限，再删除该表。
""",
    regulations=["cac-rending-fangfa 二-1", "miit-perception-2021", "pipl-17", "pipl-23", "miit-26",
                 "tc260-permissions 3"],
    tags=["declarations", "privacy"],
)
def incomplete_declaration(facts, inventory, ctx):
    decl = ctx.declarations
    if not (decl.pi or decl.third_parties or decl.permissions):
        return
    kb = ctx.knowledge
    rec = reconcile(inventory, decl)
    file = declarations_file(facts, decl)

    def finding(table, ident, d, what_en, what_zh, fields, evidence, severity=None):
        loc = Location(file=file, line=d.line)
        f = incomplete_declaration.finding(
            f"{what_en} is detected and declared in [{table}.\"{ident}\"], but its {_fields_text(fields)} "
            f"{'is' if len(fields) == 1 else 'are'} still TODO: the drafts print TODO for it",
            message_zh=f"检测到{what_zh}，privacy.toml 的 [{table}.\"{ident}\"] 已声明，但{_fields_text(fields, zh=True)}"
                       f"仍为 TODO，生成的文档中该项显示 TODO",
            location=loc,
            evidence=[Evidence(kind="declaration", detail=f"{table}.{ident}", location=loc), *evidence[:5]],
            severity=severity,
        )
        return stable(f, incomplete_declaration, f"{table}|{ident}")

    for pi in rec.incomplete_pi:
        item = inventory.item(pi)
        if item is None:
            continue  # declared, not observed: declared-not-observed's business
        d = decl.pi[pi]
        name_en = d.text("name", "en") if not is_todo(d.name) else kb.pi_name(pi)
        name_zh = d.name if not is_todo(d.name) else kb.pi_name(pi, "zh")
        yield finding("pi", pi, d, name_en, f"收集{name_zh}", _todo_fields(d),
                      item.sources)
    for tp_id in rec.incomplete_third_parties:
        tp = inventory.third_party(tp_id)
        if tp is None:
            continue
        d = decl.third_parties[tp_id]
        shares = bool(tp.pi_types or d.pi_types)
        yield finding("third_party", tp_id, d, f"Third party {tp.name_en}", f"第三方 {tp.name_zh}",
                      _todo_fields(d), tp.evidence, severity=None if shares else Severity.LOW)
    for name in rec.incomplete_permissions:
        items = [p for p in inventory.permissions if name in (p.name, p.name.rsplit(".", 1)[-1])]
        items = [p for p in items if p.protection_level in _EXPLAINED_LEVELS]
        if not items:
            continue
        d = decl.permissions[name]
        p = items[0]
        label = f" ({p.label_en})" if p.label_en else ""
        label_zh = f"（{p.label_zh}）" if p.label_zh else ""
        yield finding("permission", name, d, f"Permission {p.name}{label}", f"权限 {p.name}{label_zh}",
                      _todo_fields(d, ("purpose",)), p.evidence)


RULES = [privacy_policy_missing, incomplete_declaration]


@hookimpl
def selfaudit_rules():
    return provide(RULES)
