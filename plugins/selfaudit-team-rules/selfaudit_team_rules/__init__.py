"""Example team rule pack for selfaudit: a forbidden-SDK rule and an in-house SDK entry.

Everything here goes through the public plugin API only: ``selfaudit.hookimpl`` and the hooks
documented in ``selfaudit.hookspecs``. The rule reads its options from the team's config
(``[plugin.team-rules]``), so the same package serves every app in the company.
"""

from __future__ import annotations

from selfaudit import hookimpl
from selfaudit.model import Confidence, Evidence, RegulationRef, Rule, Severity

PLUGIN_NAME = "team-rules"

#: The team's in-house telemetry SDK, described like any vendor SDK so it shows up in the
#: sharing list with its owner and purpose.
ACME_TELEMETRY = {
    "id": "acme-telemetry",
    "name_zh": "Acme 遥测 SDK",
    "name_en": "Acme Telemetry SDK",
    "company_zh": "Acme 科技有限公司",
    "company_en": "Acme Technology Co., Ltd.",
    "category": "analytics",
    "region": "cn",
    "packages": ["com.acme.telemetry"],
    "gradle": ["com.acme:telemetry"],
    "meta_data": ["ACME_TELEMETRY_KEY"],
    "pi_types": ["device.android_id", "device.info", "usage.logs"],
    "purpose_zh": "统计应用使用情况以改进产品",
    "purpose_en": "Measure app usage to improve the product",
    "policy_url": "https://acme.example/privacy/telemetry",
    "source": "Acme internal SDK documentation (example entry)",
}


def _options(ctx) -> dict:
    return ctx.config.plugin_options(PLUGIN_NAME)


def check_forbidden_sdk(facts, inventory, ctx):
    """Every detected SDK on the team's deny-list (by catalog id or package prefix) is a finding."""
    opts = _options(ctx)
    forbidden = [str(x) for x in opts.get("forbidden_sdks", [])]
    reason = str(opts.get("reason", "on the team's forbidden-SDK list"))
    if not forbidden:
        return
    for tp in inventory.third_parties:
        hits = [f for f in forbidden if f == tp.id or any(p == f or p.startswith(f + ".") for p in tp.packages)]
        if hits:
            ev = tp.evidence[0] if tp.evidence else Evidence(kind="sdk", detail=tp.id)
            yield FORBIDDEN_SDK.finding(
                f"{tp.name_en} ({tp.id}) ships in this build but is forbidden: {reason}",
                message_zh=f"构建中包含被禁止的 SDK {tp.name_zh}（{tp.id}）：{reason}",
                location=ev.location,
                evidence=tp.evidence,
                key=tp.id,
            )
    # Packages listed directly (SDKs not in the catalog) are matched against the class list.
    for prefix in forbidden:
        if "." not in prefix or any(prefix in tp.packages for tp in inventory.third_parties):
            continue
        count = sum(n for pkg, n in facts.packages.items() if pkg == prefix or pkg.startswith(prefix + "."))
        if count:
            yield FORBIDDEN_SDK.finding(
                f"classes under {prefix} ({count}) ship in this build but are forbidden: {reason}",
                message_zh=f"构建中包含被禁止的代码包 {prefix}（{count} 个类）：{reason}",
                evidence=[Evidence(kind="sdk-class", detail=f"{prefix} ({count} classes)")],
                key=prefix,
            )


FORBIDDEN_SDK = Rule(
    code="TEAM001",
    name="forbidden-sdk",
    title_en="An SDK the team has banned ships in the build",
    title_zh="构建中包含团队禁用的 SDK",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    category="sdk",
    explanation_en=(
        "The team keeps a list of SDKs that must not ship (for example after a vendor was named in "
        "an MIIT notice for collecting personal information without consent). This build contains one."
    ),
    explanation_zh="团队维护了禁止使用的 SDK 清单（例如因违规收集个人信息被工信部通报的 SDK），本次构建包含其中之一。",
    remediation_en="Remove the dependency (check transitive dependencies with `./gradlew :app:dependencies`).",
    remediation_zh="删除该依赖（可用 `./gradlew :app:dependencies` 检查传递依赖）。",
    regulations=[RegulationRef("miit-164", "1.3")],
    check=check_forbidden_sdk,
    tags=["sdk", "team"],
)


@hookimpl
def selfaudit_rules():
    return [FORBIDDEN_SDK]


@hookimpl
def selfaudit_add_knowledge():
    return {"sdk": [ACME_TELEMETRY]}
