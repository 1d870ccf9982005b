"""Ads, downloads and installs: shake-to-jump ads (SA501) and app installs (SA502).

26号 forbids high-sensitivity "摇一摇" ads and T/TAF 078.7-2022 gives the reference thresholds
(acceleration ≥ 15 m/s², rotation ≥ 35°, ≥ 3 s). 164号 (3.1) targets ads that download and
install apps without a clear user decision; the install itself needs REQUEST_INSTALL_PACKAGES
and an APK-install intent, which ad SDKs carry.
"""

from __future__ import annotations

from selfaudit import hookimpl
from selfaudit.model import Confidence, Severity
from selfaudit.rules import provide, rule
from selfaudit.rules._common import code_refs, evidence, group, permission_finding, reach_confidence, stable, where


@rule(
    code="SA501",
    name="shake-ad",
    title_en="Ad SDK uses motion sensors (shake-to-jump ads)",
    title_zh="广告 SDK 使用运动传感器（摇一摇广告）",
    severity="medium",
    confidence="medium",
    category="ads",
    explanation_en="""
An advertising SDK registers for motion sensors (accelerometer, gyroscope, rotation). Ad networks use
them for "摇一摇 / 扭一扭" splash and banner ads that jump to a landing page or another app when the
phone moves. 26号 forbids highly sensitive shake triggers that fire by mistake, and T/TAF
078.7-2022 sets the reference: acceleration ≥ 15 m/s², rotation ≥ 35°, sustained ≥ 3 s, with the
jump clearly explained. Sensor data is also personal information in dual lists (传感器信息).
""",
    explanation_zh="""
广告 SDK 注册了运动传感器（加速度计、陀螺仪、旋转矢量）。广告平台用其实现“摇一摇/扭一扭”开屏或横幅广告，
手机晃动即跳转落地页或其他应用。26号文禁止易误触的高灵敏度摇一摇，T/TAF 078.7-2022 给出参考阈值：加速度
≥15 m/s²、旋转角度≥35°、持续≥3 秒，并须明确提示跳转。传感器信息在双清单中亦属个人信息。
""",
    remediation_en="""
Turn off shake/twist interaction in the ad SDK's configuration (most Chinese ad networks have a
switch, e.g. a "shake" or "interaction type" option) or make sure its thresholds meet 15 m/s² / 35°
/ 3 s; disclose sensor collection in the third-party list.
""",
    remediation_zh="""
在广告 SDK 配置中关闭摇一摇/扭一扭交互（国内主流广告平台均提供开关），或确认其阈值满足 15 m/s²、35°、3 秒；
并在第三方共享清单中披露传感器信息的收集。
""",
    regulations=["miit-26", "taf-078-7-2022", "samr-internet-ads-2023"],
    tags=["ads", "privacy"],
)
def shake_ad(facts, inventory, ctx):
    infos = [i for i in code_refs(facts, ctx, tags=("motion-sensor",)) if i.sdk and i.sdk.category == "ads"]
    for (_kind, sdk_id, _api), items in sorted(group(infos, key=lambda i: ("sdk", i.sdk.id, "")).items()):
        info = items[0]
        f = shake_ad.finding(
            f"{info.sdk.name_en} registers motion sensors ({info.api.member}) in {where(info.ref)}: check its "
            f"shake/twist ad thresholds (≥ 15 m/s², ≥ 35°, ≥ 3 s) or turn the interaction off",
            message_zh=f"{info.sdk.name_zh} 注册了运动传感器（{info.api.member}，{where(info.ref)}），请确认摇一摇/扭一扭"
                       f"阈值（≥15 m/s²、≥35°、≥3 秒）或关闭该交互",
            location=info.ref.location,
            evidence=[evidence(i) for i in items[:10]],
            confidence=reach_confidence(i.ref for i in items) if any(i.ref.reachable for i in items)
            else Confidence.MEDIUM,
        )
        yield stable(f, shake_ad, sdk_id)


@rule(
    code="SA502",
    name="install-packages",
    title_en="App can install other apps (download-and-install ads)",
    title_zh="应用可安装其他应用（诱导下载安装）",
    severity="medium",
    confidence="high",
    category="ads",
    explanation_en="""
The app requests REQUEST_INSTALL_PACKAGES, or its code builds APK-install intents
(application/vnd.android.package-archive, ACTION_INSTALL_PACKAGE, PackageInstaller sessions). Inside
an advertising SDK that is the machinery of "download ads" that MIIT's 164号 (3.1) targets: apps
downloaded and installed after a misleading tap, or with no clear prompt. App self-update is a
legitimate use, but stores require the user to confirm each install.
""",
    explanation_zh="""
应用申请了 REQUEST_INSTALL_PACKAGES，或代码构造了 APK 安装 Intent（application/vnd.android.package-archive、
ACTION_INSTALL_PACKAGE、PackageInstaller 会话）。出现在广告 SDK 中时，这正是工信部164号文（3.1）整治的
“欺骗误导用户下载 APP”的实现手段：误触即下载安装，或无明确提示。应用自更新属于正当用途，但每次安装都须由
用户确认。
""",
    remediation_en="""
Remove REQUEST_INSTALL_PACKAGES unless the app updates itself or is an app store; turn off the ad
SDK's direct-download option (prefer opening the app store page) and require a clear confirmation
before any download starts.
""",
    remediation_zh="""
除应用自更新或应用商店外，删除 REQUEST_INSTALL_PACKAGES；关闭广告 SDK 的直接下载选项（改为跳转应用商店
详情页），任何下载开始前都须由用户明确确认。
""",
    regulations=["miit-164 3.1", "miit-26 安装", "taf-078-7-2022"],
    tags=["ads", "install"],
)
def install_packages(facts, inventory, ctx):
    f = permission_finding(install_packages, facts, "android.permission.REQUEST_INSTALL_PACKAGES",
                           "REQUEST_INSTALL_PACKAGES is requested: the app can prompt to install other apps",
                           "申请了 REQUEST_INSTALL_PACKAGES，可请求安装其他应用", "permission")
    if f is not None:
        yield f
    infos = code_refs(facts, ctx, tags=("install-package",))
    for key, items in sorted(group(infos, key=lambda i: ("sdk", i.sdk.id) if i.sdk else ("code", i.method or "")).items()):
        info = items[0]
        if info.sdk is not None and info.sdk.category == "ads":
            sev, who, who_zh = Severity.HIGH, f"ad SDK {info.sdk.name_en}", f"广告 SDK {info.sdk.name_zh}"
        elif info.sdk is not None:
            sev, who, who_zh = Severity.MEDIUM, f"SDK {info.sdk.name_en}", f"SDK {info.sdk.name_zh}"
        else:
            sev, who, who_zh = Severity.LOW, "app code", "应用代码"
        f = install_packages.finding(
            f"{who} builds APK-install intents ({info.api.api.rsplit('.', 1)[-1] if info.api.kind != 'string' else info.api.value}) "
            f"in {where(info.ref)}",
            message_zh=f"{who_zh} 构造了 APK 安装请求（{where(info.ref)}）",
            location=info.ref.location,
            evidence=[evidence(i) for i in items[:10]],
            severity=sev,
            confidence=reach_confidence(i.ref for i in items),
        )
        yield stable(f, install_packages, "|".join(key))


RULES = [shake_ad, install_packages]


@hookimpl
def selfaudit_rules():
    return provide(RULES)
