"""Third parties: every SDK that collects personal information must be disclosed (SA201).

MIIT 164号 (1.3) and 认定方法 (二-1, 五-1) require the app to name each embedded SDK, the company
behind it, the PI it collects, the purpose and a link to its own rules; 26号 makes the app publish
that list (与第三方共享个人信息清单). Detection comes from the SDK catalog: class packages,
manifest components and meta-data, native libraries and Gradle coordinates.
"""

from __future__ import annotations

from selfaudit import hookimpl
from selfaudit.model import Confidence
from selfaudit.rules import provide, rule
from selfaudit.rules._common import pi_names, stable

_STRONG = ("sdk-class", "gradle", "native-lib")


@rule(
    code="SA201",
    name="undisclosed-third-party",
    title_en="SDK that collects personal information is not disclosed",
    title_zh="收集个人信息的 SDK 未披露",
    severity="high",
    confidence="high",
    category="third-party",
    explanation_en="""
The build embeds a third-party SDK that, according to its vendor, collects personal information,
and the declarations file has no entry for it. The third-party sharing list (与第三方共享个人信息
清单) and the privacy policy must name every such SDK with its company, the PI it collects, the
purpose, the sharing method and a link to its privacy policy; app stores compare the list with the
SDK registry (全国SDK管理服务平台). An SDK missing from the list is "sharing with a third party
without telling the user", one of the categories MIIT notices cite.
""",
    explanation_zh="""
构建中嵌入了第三方 SDK，按其厂商说明会收集个人信息，但声明文件中没有该 SDK 的条目。《与第三方共享个人
信息清单》和隐私政策须逐一列明此类 SDK 的名称、所属公司、收集的个人信息、目的、共享方式及其隐私政策链接，
应用商店会与全国SDK管理服务平台的登记信息比对。清单中遗漏的 SDK 即构成“未告知用户向第三方提供个人信息”，
属于工信部通报的问题类别。
""",
    remediation_en="""
Add a `[third_party."<id>"]` table to privacy.toml with `purpose`, `scenario`, `pi_types`,
`sharing` and `required` (company, name and policy URL come from the catalog), or remove the SDK.
`selfaudit init` writes the entry with TODOs.
""",
    remediation_zh="""
在 privacy.toml 中添加 `[third_party."<id>"]`，填写 purpose、scenario、pi_types、sharing、required（公司、
名称和隐私政策链接取自 SDK 目录），或移除该 SDK。`selfaudit init` 会以 TODO 形式生成条目。
""",
    regulations=["miit-164 1.3", "cac-rending-fangfa 二-1", "cac-rending-fangfa 五-1", "miit-26", "tc260-sdk",
                 "pipl-23"],
    tags=["sdk", "declarations", "privacy"],
)
def undisclosed_third_party(facts, inventory, ctx):
    kb = ctx.knowledge
    for tp in inventory.third_parties:
        if tp.declared or not tp.pi_types:
            continue
        kinds = {e.kind for e in tp.evidence}
        conf = Confidence.HIGH if kinds & set(_STRONG) else Confidence.MEDIUM
        company = f" ({tp.company_en or tp.company})" if (tp.company_en or tp.company) else ""
        company_zh = f"（{tp.company or tp.company_en}）" if (tp.company or tp.company_en) else ""
        signals = ", ".join(sorted(kinds)) or "catalog"
        f = undisclosed_third_party.finding(
            f"{tp.name_en}{company} is embedded ({signals}) and collects {pi_names(kb, tp.pi_types)}, but "
            f"privacy.toml does not disclose it",
            message_zh=f"嵌入了 {tp.name_zh}{company_zh}，会收集{pi_names(kb, tp.pi_types, zh=True)}，但 privacy.toml "
                       f"未披露该 SDK",
            location=next((e.location for e in tp.evidence if e.location), None),
            evidence=tp.evidence[:10],
            confidence=conf,
        )
        yield stable(f, undisclosed_third_party, tp.id)


RULES = [undisclosed_third_party]


@hookimpl
def selfaudit_rules():
    return provide(RULES)
