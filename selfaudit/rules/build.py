"""Packaging and build: packed APKs (SA801) and outdated target SDKs (SA802).

A packer (加固) encrypts the real DEX, so this audit sees only the packer's stub: every other rule's
silence means nothing. The target SDK decides which privacy protections of the platform apply at
all (runtime permissions from 23, package visibility from 30...), and Chinese app stores list only
apps that target a recent level.
"""

from __future__ import annotations

from selfaudit import hookimpl
from selfaudit.model import Evidence, Location, Severity
from selfaudit.rules import provide, rule
from selfaudit.rules._common import stable


@rule(
    code="SA801",
    name="packed-apk",
    title_en="APK is packed: the real code is hidden and results are incomplete",
    title_zh="APK 已加固：真实代码不可见，结果不完整",
    severity="medium",
    confidence="high",
    category="build",
    explanation_en="""
The APK carries a packer (加固) such as 360 Jiagu, Tencent Legu or Bangcle: the app's real code is
encrypted and only unpacked in memory at run time, so the code-level rules (collection before
consent, identifiers, SDK initialisation...) saw only the packer's stub. Their silence says nothing
about the app.
""",
    explanation_zh="""
APK 使用了加固（如 360 加固保、腾讯乐固、梆梆），应用的真实代码被加密、运行时才在内存中解密，因此代码层规则
（同意前收集、设备标识、SDK 初始化等）只分析到了加固壳。这些规则没有报告问题并不代表应用没有问题。
""",
    remediation_en="""
Audit the APK before packing (the build output of `assembleRelease`), or the source tree; pack only
for distribution.
""",
    remediation_zh="""
请审核加固前的 APK（`assembleRelease` 的构建产物）或源代码；仅在分发时加固。
""",
    regulations=["miit-164", "taf-078"],
    tags=["build"],
)
def packed_apk(facts, inventory, ctx):
    for pid in facts.extra.get("packers", []):
        packer = ctx.knowledge.packers.get(pid)
        name = packer.name_en if packer else pid
        name_zh = packer.name_zh if packer else pid
        loc = Location(file=facts.target.rsplit("/", 1)[-1]) if facts.target else None
        f = packed_apk.finding(
            f"Packed with {name}: the code-level results cover only the packer's stub",
            message_zh=f"使用了{name_zh}加固：代码层结果仅覆盖加固壳",
            location=loc,
            evidence=[Evidence(kind="manifest", detail=f"packer {pid}")],
        )
        yield stable(f, packed_apk, pid)


@rule(
    code="SA802",
    name="target-sdk-outdated",
    title_en="Target SDK below app-store minimums",
    title_zh="targetSdkVersion 低于应用商店要求",
    severity="medium",
    confidence="high",
    category="build",
    explanation_en="""
The app targets an old Android API level. Below 23 runtime permissions do not apply: every dangerous
permission is granted at install and the user cannot refuse one, which contradicts the "request when
needed, allow refusal" rules (26号, TC260 permission guide). Below 30 the platform's package
visibility and scoped storage protections are off. Under the 2023 high-API convention the main
Chinese app stores (Huawei, Xiaomi, OPPO, vivo and others) list only apps targeting 30 or higher;
Google Play requires a still higher level each year.

The minimum is configurable: `[rules.target-sdk-outdated.options] min_target_sdk = 30`.
""",
    explanation_zh="""
应用的 targetSdkVersion 过低。低于 23 时运行时权限机制不生效：所有危险权限在安装时即被授予，用户无法拒绝，
与“按需申请、允许拒绝”的要求（26号文、TC260 权限指南）相悖。低于 30 时系统的软件包可见性、分区存储等保护不生效。
按 2023 年高 API 等级自律公约，华为、小米、OPPO、vivo 等主要国内应用商店仅上架 targetSdkVersion ≥ 30 的应用；
Google Play 每年提高要求。

最低值可配置：`[rules.target-sdk-outdated.options] min_target_sdk = 30`。
""",
    remediation_en="""
Raise `targetSdkVersion` to at least the stores' minimum, then handle what changes: runtime
permission prompts, package visibility (`<queries>`), scoped storage, exported flags.
""",
    remediation_zh="""
将 `targetSdkVersion` 提高到至少应用商店的最低要求，并适配随之变化的行为：运行时权限弹窗、软件包可见性
（`<queries>`）、分区存储、组件 exported 声明等。
""",
    regulations=["cn-high-api-convention-2023", "google-play-target-sdk", "miit-26 一(三)", "tc260-permissions"],
    tags=["build", "permissions"],
)
def target_sdk_outdated(facts, inventory, ctx):
    minimum = int(ctx.options().get("min_target_sdk", 30))
    target = facts.target_sdk if facts.target_sdk is not None else facts.min_sdk
    if target is None:
        if facts.kind != "apk":
            return  # source mode: set by Gradle, which the source collector may not resolve
        target = 1
    if target >= minimum:
        return
    implicit = " (not set: defaults to minSdkVersion)" if facts.target_sdk is None else ""
    implicit_zh = "（未设置，取 minSdkVersion）" if facts.target_sdk is None else ""
    if target < 23:
        sev = Severity.HIGH
        why = "dangerous permissions are granted at install and cannot be refused"
        why_zh = "危险权限在安装时即被授予，用户无法拒绝"
    else:
        sev = None
        why = f"app stores require at least {minimum}"
        why_zh = f"应用商店要求至少为 {minimum}"
    loc = Location(file="AndroidManifest.xml") if facts.kind == "apk" else None
    f = target_sdk_outdated.finding(
        f"targetSdkVersion {target}{implicit} is below {minimum}: {why}",
        message_zh=f"targetSdkVersion 为 {target}{implicit_zh}，低于 {minimum}：{why_zh}",
        location=loc,
        evidence=[Evidence(kind="manifest", detail=f"targetSdkVersion {target}")],
        severity=sev,
    )
    yield stable(f, target_sdk_outdated, "target-sdk")


RULES = [packed_apk, target_sdk_outdated]


@hookimpl
def selfaudit_rules():
    return provide(RULES)
