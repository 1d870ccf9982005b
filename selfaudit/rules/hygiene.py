"""Data-security hygiene: the manifest flags and code patterns that expose users' data (SA701-SA705).

These are not privacy-policy questions but they decide whether the personal information an app
holds stays protected (网络安全法 art. 42, PIPL art. 51, GB/T 35273 §6). App-store reviews and MIIT
test labs check them alongside the red lines, and Android Lint has long-standing equivalents
(HardcodedDebugMode, AllowBackup, ExportedService...).
"""

from __future__ import annotations

from selfaudit import hookimpl
from selfaudit.enrich import SdkAttributor
from selfaudit.model import Confidence, Evidence, Location, Severity
from selfaudit.rules import provide, rule
from selfaudit.rules._common import code_refs, evidence, group, reach_confidence, stable, where


def _app_location(facts) -> Location:
    return facts.application.location or Location(file="AndroidManifest.xml")


@rule(
    code="SA701",
    name="debuggable",
    title_en="Build is debuggable",
    title_zh="应用可被调试（debuggable）",
    severity="high",
    confidence="high",
    category="hygiene",
    explanation_en="""
`android:debuggable="true"`: anyone with a USB cable can attach a debugger, read the app's private
files and databases, and run code as the app. A release build must never be debuggable (Android Lint
HardcodedDebugMode); app stores reject such builds and test labs report them as a data-security
defect.
""",
    explanation_zh="""
`android:debuggable="true"`：任何人通过 USB 即可附加调试器、读取应用私有文件和数据库，并以应用身份执行代码。
正式版本绝不能开启调试（Android Lint HardcodedDebugMode）；应用商店会拒绝此类版本，检测机构将其列为数据安全缺陷。
""",
    remediation_en="""
Remove `android:debuggable` from the manifest and let the build type set it (release builds are not
debuggable by default); audit the release APK, not a debug one.
""",
    remediation_zh="""
从清单中删除 `android:debuggable`，交由构建类型设置（release 默认不可调试）；请审核 release 版本的 APK。
""",
    regulations=["csl", "gbt-35273 6.3", "pipl 51"],
    tags=["hygiene", "security"],
)
def debuggable(facts, inventory, ctx):
    if facts.application.debuggable is True:
        loc = _app_location(facts)
        f = debuggable.finding(
            'android:debuggable="true": the build can be debugged and its private data read',
            message_zh='android:debuggable="true"：应用可被调试，私有数据可被读取',
            location=loc,
            evidence=[Evidence(kind="manifest", detail="application android:debuggable=true", location=loc)],
        )
        yield stable(f, debuggable, "debuggable")


@rule(
    code="SA702",
    name="cleartext-traffic",
    title_en="Cleartext (HTTP) traffic allowed",
    title_zh="允许明文（HTTP）传输",
    severity="medium",
    confidence="high",
    category="hygiene",
    explanation_en="""
The app allows unencrypted HTTP: `android:usesCleartextTraffic="true"`, or a target SDK below 28
with no network security config (cleartext is then allowed by default). Personal information sent
over HTTP can be read and changed by anyone on the network path; GB/T 35273 and PIPL require
encryption in transmission.
""",
    explanation_zh="""
应用允许未加密的 HTTP：`android:usesCleartextTraffic="true"`，或 targetSdk 低于 28 且未配置网络安全配置
（此时默认允许明文）。以 HTTP 传输的个人信息可被网络路径上的任何人读取和篡改；GB/T 35273 与个人信息保护法
要求传输加密。
""",
    remediation_en="""
Set `android:usesCleartextTraffic="false"` (or a network security config with
`cleartextTrafficPermitted="false"`), move every endpoint to HTTPS, and allow cleartext only for
the specific domains that truly need it.
""",
    remediation_zh="""
设置 `android:usesCleartextTraffic="false"`（或在网络安全配置中设置 cleartextTrafficPermitted="false"），
所有接口改用 HTTPS，仅对确需明文的特定域名放开。
""",
    regulations=["gbt-35273 6.3", "pipl 51", "csl"],
    tags=["hygiene", "security", "network"],
)
def cleartext_traffic(facts, inventory, ctx):
    app = facts.application
    loc = _app_location(facts)
    if app.uses_cleartext_traffic is True:
        f = cleartext_traffic.finding(
            'android:usesCleartextTraffic="true": HTTP traffic is allowed',
            message_zh='android:usesCleartextTraffic="true"：允许 HTTP 明文传输',
            location=loc,
            evidence=[Evidence(kind="manifest", detail="application android:usesCleartextTraffic=true", location=loc)],
        )
        yield stable(f, cleartext_traffic, "explicit")
    elif app.uses_cleartext_traffic is None and not app.network_security_config and facts.kind == "apk":
        target = facts.target_sdk or facts.min_sdk
        if target is not None and target < 28:
            f = cleartext_traffic.finding(
                f"targetSdkVersion {target} < 28 with no network security config: HTTP is allowed by default",
                message_zh=f"targetSdkVersion 为 {target}（低于 28）且未配置网络安全配置：默认允许 HTTP 明文传输",
                location=loc,
                evidence=[Evidence(kind="manifest", detail=f"targetSdkVersion {target}", location=loc)],
                confidence=Confidence.MEDIUM,
            )
            yield stable(f, cleartext_traffic, "default")


@rule(
    code="SA703",
    name="allow-backup",
    title_en="App data can be backed up and restored by anyone with adb",
    title_zh="应用数据可被备份（allowBackup）",
    severity="low",
    confidence="high",
    category="hygiene",
    explanation_en="""
`android:allowBackup` is true (explicitly, or by default when unset): the app's private data,
including tokens and cached personal information, can be copied off the device with `adb backup`
or into cloud backups, and restored onto another device. Android Lint (AllowBackup) and security
test specifications flag it.
""",
    explanation_zh="""
`android:allowBackup` 为 true（显式设置，或未设置时的默认值）：应用私有数据（包括令牌和缓存的个人信息）可通过
`adb backup` 或云备份导出，并恢复到其他设备。Android Lint（AllowBackup）与安全检测规范均会标记。
""",
    remediation_en="""
Set `android:allowBackup="false"`, or keep backups but exclude sensitive files with
`android:fullBackupContent` / `android:dataExtractionRules`.
""",
    remediation_zh="""
设置 `android:allowBackup="false"`，或保留备份但通过 `android:fullBackupContent` / `android:dataExtractionRules`
排除敏感文件。
""",
    regulations=["gbt-35273 6.3", "pipl 51"],
    tags=["hygiene", "security"],
)
def allow_backup(facts, inventory, ctx):
    app = facts.application
    if app.allow_backup is False:
        return
    rules_set = any(k in app.attributes for k in ("android:fullBackupContent", "android:dataExtractionRules",
                                                  "fullBackupContent", "dataExtractionRules"))
    loc = _app_location(facts)
    explicit = app.allow_backup is True
    f = allow_backup.finding(
        ('android:allowBackup="true"' if explicit else "android:allowBackup is not set (defaults to true)")
        + ("; backup rules are configured" if rules_set else ": private data can be extracted with adb backup"),
        message_zh=('android:allowBackup="true"' if explicit else "未设置 android:allowBackup（默认为 true）")
        + ("；已配置备份规则" if rules_set else "：私有数据可通过 adb backup 导出"),
        location=loc,
        evidence=[Evidence(kind="manifest", detail=f"application android:allowBackup={app.allow_backup}", location=loc)],
        confidence=Confidence.LOW if rules_set else (Confidence.HIGH if explicit else Confidence.MEDIUM),
    )
    yield stable(f, allow_backup, "allowBackup")


_KIND_SEVERITY = {"provider": Severity.HIGH, "service": Severity.MEDIUM, "receiver": Severity.LOW,
                  "activity": Severity.LOW, "activity-alias": Severity.LOW}


@rule(
    code="SA704",
    name="exported-component",
    title_en="Component exported without a permission",
    title_zh="组件对外导出且未设权限保护",
    severity="medium",
    confidence="high",
    category="hygiene",
    explanation_en="""
A content provider, service, broadcast receiver or activity is exported (`android:exported="true"`,
or implicitly through an intent filter on older target SDKs) with no permission, so any app on the
device can call it. An exported provider can leak the data it serves; an exported service or
receiver lets other apps start the app or drive it (also a path for 关联启动). The launcher activity
and deep-link activities are exported by design and are not reported.
""",
    explanation_zh="""
ContentProvider、服务、广播接收器或 Activity 对外导出（`android:exported="true"`，或在较低 targetSdk 下因
intent-filter 隐式导出）且未设权限，设备上任何应用都能调用。导出的 ContentProvider 可能泄露其提供的数据；
导出的服务或接收器可被其他应用拉起或操控（亦是关联启动的途径）。启动页 Activity 与深度链接 Activity 按设计
需要导出，不予报告。
""",
    remediation_en="""
Set `android:exported="false"` on components only the app itself uses; protect the others with a
signature-level `android:permission`. For SDK components, override them in the app manifest
(`tools:node="merge"` with exported="false") when the SDK allows it.
""",
    remediation_zh="""
仅供应用自身使用的组件设置 `android:exported="false"`；其余组件使用签名级 `android:permission` 保护。SDK
组件在 SDK 允许时，于应用清单中覆盖（tools:node="merge" 并设 exported="false"）。
""",
    regulations=["gbt-35273 6.3", "pipl 51", "csl"],
    tags=["hygiene", "security"],
)
def exported_component(facts, inventory, ctx):
    attr = SdkAttributor(facts, ctx.knowledge)
    for comp in facts.components:
        if not comp.enabled or not comp.exported or comp.permission:
            continue
        if comp.kind in ("activity", "activity-alias"):
            browsable = any("android.intent.category.BROWSABLE" in f.categories for f in comp.intent_filters)
            if comp.is_launcher() or browsable or comp.intent_filters:
                continue
        if comp.kind == "provider" and comp.attributes.get("android:grantUriPermissions") == "true" \
                and comp.exported_explicit is not True:
            continue
        sdk = attr.for_class(comp.name)
        owner = f" ({sdk.name_en})" if sdk else ""
        loc = comp.location or Location(file="AndroidManifest.xml", component=comp.name)
        how = "explicitly" if comp.exported_explicit else "implicitly (intent filter)"
        f = exported_component.finding(
            f"{comp.kind} {comp.name}{owner} is exported {how} without a permission",
            message_zh=f"{comp.kind} {comp.name} 对外导出且未设权限保护",
            location=loc,
            evidence=[Evidence(kind="manifest", detail=f"{comp.kind} {comp.name} exported", location=loc,
                               third_party=sdk.id if sdk else None)],
            severity=_KIND_SEVERITY.get(comp.kind),
        )
        yield stable(f, exported_component, comp.name)


@rule(
    code="SA705",
    name="dynamic-code-loading",
    title_en="Code loaded at run time",
    title_zh="运行时动态加载代码",
    severity="medium",
    confidence="high",
    category="hygiene",
    explanation_en="""
The app loads code that is not in its reviewed DEX files: DexClassLoader / InMemoryDexClassLoader /
PathClassLoader on a path, System.load on a file path, or secondary DEX/JAR files in its assets.
Whatever that code does (including collecting personal information) escapes store review and this
audit; MIIT and app stores treat undisclosed hot updates and plug-in SDKs as a risk, and the TC260
SDK guide asks apps to control SDKs' dynamic loading.
""",
    explanation_zh="""
应用加载了未包含在其受审 DEX 中的代码：对某路径使用 DexClassLoader / InMemoryDexClassLoader / PathClassLoader、
以文件路径调用 System.load，或资产目录中带有二级 DEX/JAR。这些代码的行为（包括收集个人信息）不受应用商店审核
和本次审计约束；工信部与应用商店将未披露的热更新和插件化 SDK 视为风险，TC260 SDK 安全指引要求 App 管控 SDK
的动态加载行为。
""",
    remediation_en="""
Ship code in the APK; if a hot-fix or plug-in framework is needed, disclose it, verify what it loads
(signature check), and make sure loaded code follows the same consent rules. Audit the secondary
code separately.
""",
    remediation_zh="""
代码应随 APK 发布；确需热修复或插件化时应予以披露、校验所加载代码（签名校验），并确保其同样遵守同意规则。
二级代码需单独审计。
""",
    regulations=["tc260-sdk", "miit-164", "gbt-35273 6.3"],
    tags=["hygiene", "security", "sdk"],
)
def dynamic_code_loading(facts, inventory, ctx):
    infos = code_refs(facts, ctx, tags=("dynamic-code-loading",))
    for key, items in sorted(group(infos, key=lambda i: ("sdk", i.sdk.id) if i.sdk else ("code", i.method or "")).items()):
        items.sort(key=lambda i: (i.ref.reachable is not True, where(i.ref)))
        info = items[0]
        owner = f" (SDK {info.sdk.name_en})" if info.sdk else ""
        apis = sorted({i.api.api.rsplit(".", 2)[-2] + "." + i.api.member for i in items})
        f = dynamic_code_loading.finding(
            f"{', '.join(apis)} in {where(info.ref)}{owner}: code is loaded at run time",
            message_zh=f"{where(info.ref)} 运行时加载代码（{', '.join(apis)}）",
            location=info.ref.location,
            evidence=[evidence(i) for i in items[:10]],
            confidence=reach_confidence(i.ref for i in items),
        )
        yield stable(f, dynamic_code_loading, "|".join(key))
    for container in facts.extra.get("secondary_code", []):
        loc = Location(file=container)
        f = dynamic_code_loading.finding(
            f"{container} holds DEX code that is loaded at run time; its references are marked with this container",
            message_zh=f"{container} 中含有运行时加载的 DEX 代码",
            location=loc,
            evidence=[Evidence(kind="manifest", detail=f"secondary code {container}", location=loc)],
        )
        yield stable(f, dynamic_code_loading, f"container|{container}")


RULES = [debuggable, cleartext_traffic, allow_backup, exported_component, dynamic_code_loading]


@hookimpl
def selfaudit_rules():
    return provide(RULES)
