"""Self-start (自启动): receivers that wake the app on system broadcasts.

MIIT 164号 (2.2) and 26号 forbid self-starting and associated starting "without a reasonable
scenario". The classic signal is a receiver for BOOT_COMPLETED; push SDKs add receivers for
USER_PRESENT, CONNECTIVITY_CHANGE and package events, often with a huge priority.
"""

from __future__ import annotations

from selfaudit import hookimpl
from selfaudit.enrich import SdkAttributor
from selfaudit.model import Evidence, Location
from selfaudit.rules import rule

#: Broadcasts that (re)start an app without the user opening it.
WAKE_ACTIONS = {
    "android.intent.action.BOOT_COMPLETED": "boot",
    "android.intent.action.LOCKED_BOOT_COMPLETED": "boot",
    "android.intent.action.QUICKBOOT_POWERON": "boot",
    "com.htc.intent.action.QUICKBOOT_POWERON": "boot",
    "android.intent.action.REBOOT": "boot",
    "android.intent.action.USER_PRESENT": "unlock",
    "android.net.conn.CONNECTIVITY_CHANGE": "network change",
    "android.intent.action.PACKAGE_ADDED": "app installed",
    "android.intent.action.PACKAGE_REMOVED": "app removed",
    "android.intent.action.PACKAGE_REPLACED": "app updated",
    "android.intent.action.ACTION_POWER_CONNECTED": "power connected",
    "android.intent.action.ACTION_POWER_DISCONNECTED": "power disconnected",
    "android.intent.action.BATTERY_CHANGED": "battery change",
    "android.intent.action.MY_PACKAGE_REPLACED": "own update",
}
BOOT = {a for a, k in WAKE_ACTIONS.items() if k == "boot"}


@rule(
    code="SA401",
    name="self-start",
    title_en="App starts itself on system events (self-start)",
    title_zh="应用存在自启动行为",
    severity="medium",
    confidence="high",
    category="self-start",
    explanation_en="""
A broadcast receiver listens for boot completion or other system events (unlock, network change,
package changes). Android then starts the app's process on that event without the user opening
it. MIIT counts self-start without a reasonable scenario, and without telling the user, as a red
line (APP频繁自启动和关联启动), and 26号 forbids it where the service does not need it.
""",
    explanation_zh="""
应用注册了监听开机完成或其他系统事件（解锁、网络变化、应用安装卸载等）的广播接收器，系统会在这些事件发生时
自动拉起应用进程。工信部将无合理场景、未告知用户的自启动列为整治问题（APP频繁自启动和关联启动），26号文
要求无必要不得自启动。
""",
    remediation_en="""
Remove the receiver (or the SDK option that adds it, e.g. JPush `JCollectionAuth.enableAutoWakeup(ctx, false)`)
unless a user-visible feature needs it; if it stays, say so in the privacy policy and explain the
scenario in the declarations.
""",
    remediation_zh="""
若无用户可感知的功能需要，请删除该接收器（或关闭 SDK 的自启动选项，如极光 JCollectionAuth.enableAutoWakeup(ctx, false)）；
确需保留的，在隐私政策中说明并在声明文件中写明使用场景。
""",
    regulations=["miit-164 2.2", "miit-26 启动运行", "taf-078 10"],
    tags=["self-start", "privacy"],
)
def self_start(facts, inventory, ctx):
    attr = SdkAttributor(facts, ctx.knowledge)
    for comp in facts.components:
        if comp.kind != "receiver" or not comp.enabled:
            continue
        actions = [a for a in comp.actions if a in WAKE_ACTIONS]
        if not actions:
            continue
        sdk = attr.for_class(comp.name)
        owner = f" (from {sdk.name_en})" if sdk else ""
        events = ", ".join(sorted({WAKE_ACTIONS[a] for a in actions}))
        priorities = [f.priority for f in comp.intent_filters if f.priority is not None]
        high = max(priorities) if priorities else None
        boost = f"; intent-filter priority {high}" if high and high >= 1000 else ""
        yield self_start.finding(
            f"Receiver {comp.name}{owner} starts the app on {events}{boost}",
            message_zh=f"广播接收器 {comp.name} 在以下事件时自启动：{events}",
            location=comp.location or Location(file="AndroidManifest.xml", component=comp.name),
            evidence=[
                Evidence(kind="manifest", detail=f"receiver {comp.name}: {a}", location=comp.location,
                         third_party=sdk.id if sdk else None)
                for a in actions
            ],
            key=comp.name,
            confidence=None,
        )


RULES = [self_start]


@hookimpl
def selfaudit_rules():
    return RULES
