"""Self-start (自启动, SA401) and associated start (关联启动, SA402).

MIIT 164号 (2.2) and 26号 forbid self-starting and associated starting "without a reasonable
scenario". The classic self-start signal is a receiver for BOOT_COMPLETED; push SDKs add receivers
for USER_PRESENT, CONNECTIVITY_CHANGE and package events, often with a huge priority. Associated
start is one app starting or waking another: explicit intents to other packages, launch intents
fetched by package name, and push SDKs' exported "wake-up" components that other apps carrying the
same SDK call.
"""

from __future__ import annotations

import re

from selfaudit import hookimpl
from selfaudit.enrich import SdkAttributor
from selfaudit.model import Confidence, Evidence, Location, Severity
from selfaudit.rules import provide, rule
from selfaudit.rules._common import code_refs, evidence, group, stable, startup, where

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


_PACKAGE = re.compile(r"^(?:(?:com|cn|org|net|io|me|tv|top)(?:\.[a-z0-9_]+){1,6}|[a-z][a-z0-9_]*(?:\.[a-z0-9_]+){2,6})$")
#: Calls that aim an intent at another app's component or fetch its launch intent (setPackage is
#: left out: it mostly narrows queries and broadcasts).
_EXPLICIT = {"getLaunchIntentForPackage", "setComponent", "setClassName", "<init>"}
#: Packages whose start is the platform's own business (settings, dialer, stores' install UI...).
_SYSTEM_PACKAGES = ("android", "com.android.", "com.google.android.", "androidx.")


def _foreign_packages(strings, own: str, code) -> list[str]:
    out = []
    for s in strings:
        if not _PACKAGE.match(s) or s == own or s.startswith(own + ".") or s.startswith(_SYSTEM_PACKAGES):
            continue
        if code is not None and code.has_class(s):
            continue
        if s.rsplit(".", 1)[-1] in ("html", "json", "xml", "png", "jpg", "txt", "so", "apk", "com", "cn"):
            continue
        out.append(s)
    return sorted(set(out))


@rule(
    code="SA402",
    name="associated-start",
    title_en="App starts or wakes other apps, or can be woken by them (associated start)",
    title_zh="应用存在关联启动行为",
    severity="medium",
    confidence="medium",
    category="self-start",
    explanation_en="""
The app starts another app, or lets other apps start it, without the user asking: explicit intents
or component names aimed at other packages, launch intents fetched with getLaunchIntentForPackage,
and exported services or receivers of push SDKs that other apps carrying the same SDK use to wake
each other up ("链路唤醒"). MIIT lists frequent associated start (APP频繁自启动和关联启动) as a red
line and 26号 forbids waking or calling other apps with no reasonable scenario. Starting an app the
user chose (sharing to WeChat after a tap) is fine; doing it at start-up or from a background
component is not.
""",
    explanation_zh="""
应用在用户未操作的情况下启动其他应用，或允许其他应用拉起自己：指向其他包名的显式 Intent 或组件名、
用 getLaunchIntentForPackage 获取启动 Intent，以及推送 SDK 导出的、供集成同一 SDK 的其他应用相互唤醒的
服务或广播接收器（链路唤醒）。工信部将“APP频繁自启动和关联启动”列为整治问题，26号文禁止无合理场景地唤醒、
调用其他应用。用户主动选择的跳转（如点击后分享到微信）不在此列；启动时或在后台组件中拉起其他应用则属问题。
""",
    remediation_en="""
Start other apps only from a user action. Turn off push SDKs' cross-app wake-up (e.g. JPush
JCollectionAuth.enableAutoWakeup(ctx, false) and its "链路调节器"; Getui/Umeng have similar
switches), and remove or protect (android:exported="false" or a signature permission) the SDK's
wake-up components if the SDK allows it.
""",
    remediation_zh="""
仅在用户操作时启动其他应用。关闭推送 SDK 的关联唤醒（如极光 JCollectionAuth.enableAutoWakeup(ctx, false)
及“链路调节器”，个推、友盟有类似开关）；在 SDK 允许时移除其唤醒组件，或设为 android:exported="false"、
用签名级权限保护。
""",
    regulations=["miit-164 2.2", "miit-26 启动运行", "taf-078 10"],
    tags=["self-start", "privacy"],
)
def associated_start(facts, inventory, ctx):
    own = facts.package or ""
    g = startup(facts, ctx)
    infos = code_refs(facts, ctx, tags=("associated-start",), where_=lambda a: a.member in _EXPLICIT)
    hits = []
    for info in infos:
        if info.api.member == "getLaunchIntentForPackage":
            targets = _foreign_packages(info.ref.strings, own, facts.code) or ["(a package chosen at run time)"]
        else:
            targets = _foreign_packages(info.ref.strings, own, facts.code)
            if not targets:
                continue
        hits.append((info, targets))
    for key in sorted(group([h[0] for h in hits])):
        rows = [h for h in hits if h[0].group_key == key]
        rows.sort(key=lambda h: (h[0].ref.reachable is not True, where(h[0].ref)))
        info = rows[0][0]
        targets = sorted({t for _i, ts in rows for t in ts})
        at_start = g is not None and any(g.site(r[0].ref).reachable for r in rows)
        owner = f" (SDK {info.sdk.name_en})" if info.sdk else ""
        when = ", reachable at start-up" if at_start else ""
        f = associated_start.finding(
            f"{info.api.api.rsplit('.', 2)[-2]}.{info.api.member} in {where(info.ref)}{owner} targets other apps "
            f"({', '.join(targets[:6])}){when}",
            message_zh=f"{where(info.ref)} 指向其他应用（{', '.join(targets[:6])}）"
                       f"{'，启动即可到达' if at_start else ''}",
            location=info.ref.location,
            evidence=[evidence(r[0]) for r in rows[:10]],
            severity=Severity.HIGH if at_start else None,
            confidence=Confidence.MEDIUM if info.ref.reachable else Confidence.LOW,
        )
        yield stable(f, associated_start, "|".join(key))
    attr = SdkAttributor(facts, ctx.knowledge)
    for comp in facts.components:
        if comp.kind not in ("service", "receiver") or not comp.enabled or not comp.exported or comp.permission:
            continue
        sdk = attr.for_class(comp.name)
        if sdk is None or sdk.category != "push":
            continue
        custom = [a for a in comp.actions if not a.startswith("android.")]
        if not custom:
            continue
        loc = comp.location or Location(file="AndroidManifest.xml", component=comp.name)
        f = associated_start.finding(
            f"{comp.kind.capitalize()} {comp.name} ({sdk.name_en}) is exported without a permission for "
            f"{', '.join(custom[:3])}: other apps with the same SDK can wake this app",
            message_zh=f"{sdk.name_zh} 的{'服务' if comp.kind == 'service' else '广播接收器'} {comp.name} 对外导出且"
                       f"未设权限（{', '.join(custom[:3])}），集成同一 SDK 的其他应用可借此唤醒本应用",
            location=loc,
            evidence=[Evidence(kind="manifest", detail=f"{comp.kind} {comp.name}: {a}", location=loc,
                               third_party=sdk.id) for a in custom[:5]],
            confidence=Confidence.HIGH,
        )
        yield stable(f, associated_start, f"wake|{comp.name}")


RULES = [self_start, associated_start]


@hookimpl
def selfaudit_rules():
    return provide(RULES)
