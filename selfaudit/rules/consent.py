"""Collection before consent (SA101) and SDKs initialised before consent (SA102).

The red line MIIT punishes most (164号 1.1; 认定方法 三-1): the app, or an SDK inside it, reads
IMEI, location, the app list... before the user agreed to the privacy policy. Statically that is
"reachable from an entry point the platform calls on its own without passing the consent gate"
(:mod:`selfaudit.reach` builds that graph; the team names its gate in privacy.toml ``[consent]``).
"""

from __future__ import annotations

from selfaudit import hookimpl
from selfaudit.model import Confidence, Evidence, Location
from selfaudit.reach import short, split_key
from selfaudit.rules import provide, rule
from selfaudit.rules._common import (
    GATE_HINT_EN,
    GATE_HINT_ZH,
    attributor,
    call_location,
    code_refs,
    entry_text,
    evidence,
    gate_declared,
    ignored_apis,
    ignored_pi_types,
    imprecise,
    lower,
    path_owner,
    path_text,
    pi_names,
    pre_consent,
    stable,
    where,
)

_GATE_HOWTO_EN = """
Declare the gate in privacy.toml so the analysis knows which code runs only after consent:

    [consent]
    gate_methods = ["com.example.PrivacyDialog.onAgree"]   # run only after the user agreed
    gate_checks  = ["com.example.Privacy.isAgreed"]        # calls after this check are guarded

With no gate declared, every PI access reachable at start-up is reported at lower confidence.
"""

_GATE_HOWTO_ZH = """
在 privacy.toml 中声明同意门控，分析才能区分同意前后的代码：

    [consent]
    gate_methods = ["com.example.PrivacyDialog.onAgree"]   # 仅在用户同意后执行的方法
    gate_checks  = ["com.example.Privacy.isAgreed"]        # 该判断之后的调用视为已受门控

未声明门控时，所有启动即可到达的个人信息访问都会以较低置信度报告。
"""


@rule(
    code="SA101",
    name="pre-consent-collection",
    title_en="Personal information collected before the user consents",
    title_zh="用户同意隐私政策前收集个人信息",
    severity="high",
    confidence="high",
    category="consent",
    explanation_en="""
Code that the platform runs on its own (Application start-up, ContentProviders, the launcher
Activity, receivers of system broadcasts, services other apps can start) reaches an API that reads
personal information, without passing the consent gate. That read happens before the user can
agree to the privacy policy: the most frequently punished item in MIIT's campaigns (违规收集个人
信息, "collecting before consent"), including reads made by embedded SDKs, for which the app is
liable.

The finding shows the shortest path from the entry point to the read. Threads, handlers, executors,
timers and lambdas are followed; UI click listeners are not, because the consent dialog's own
"agree" button is one of them. PI types and APIs the knowledge base flags `low_signal` (device
model, network state, IP, carrier, storage paths, sensors, crash logs; getPackagesForUid and
getInstallerPackageName, which usually read the app's own data) are not reported; the rule options
`ignore_pi_types` and `ignore_apis` replace those defaults.
""" + _GATE_HOWTO_EN,
    explanation_zh="""
系统自行调用的入口（Application 启动、ContentProvider、启动页 Activity、系统广播接收器、可被其他应用
拉起的服务）不经过同意门控即可到达读取个人信息的 API，即在用户同意隐私政策之前就收集了个人信息。
这是工信部专项整治中最常被通报的问题（违规收集个人信息），嵌入的 SDK 的收集行为同样由 App 负责。

发现中给出从入口到读取点的最短调用路径。线程、Handler、线程池、定时器与 lambda 均会跟踪；界面点击
监听器不跟踪，因为隐私弹窗的“同意”按钮本身就是其中之一。知识库标记为 `low_signal` 的个人信息类型和 API
（设备型号、网络状态、IP、运营商、存储路径、传感器、崩溃日志；通常只读取本应用自身信息的
getPackagesForUid、getInstallerPackageName）不予报告；规则选项 `ignore_pi_types`、`ignore_apis` 可替换该默认值。
""" + _GATE_HOWTO_ZH,
    remediation_en="""
Move the call (or the SDK initialisation that leads to it) behind the consent: call it from the
"agree" handler, or guard it with the consent check, and declare that handler or check as the gate.
For SDKs, use the vendor's compliant pre-initialisation (e.g. Umeng preInit, JPush
JCollectionAuth.setAuth(false)) until the user agrees.
""",
    remediation_zh="""
将该调用（或导致该调用的 SDK 初始化）移到用户同意之后：在“同意”回调中调用，或用同意状态判断包裹，
并把该回调或判断声明为门控。SDK 请使用厂商提供的合规预初始化（如友盟 preInit、极光
JCollectionAuth.setAuth(false)），待用户同意后再正式初始化。
""",
    regulations=["miit-164 1.1", "cac-rending-fangfa 三-1", "miit-26", "pipl-14", "gbt-41391 6.4",
                 "taf-078"],
    tags=["consent", "reachability", "privacy"],
)
def pre_consent_collection(facts, inventory, ctx):
    g = pre_consent(facts, ctx)
    if g is None:
        return
    kb = ctx.knowledge
    ignored = ignored_pi_types(ctx)
    skip_apis = ignored_apis(ctx)
    declared = gate_declared(ctx)
    hits: dict[tuple, list] = {}
    for info in code_refs(facts, ctx, pi=True):
        if info.ref.container or info.api.id in skip_apis:
            continue
        pis = [p for p in info.api.pi_types if p not in ignored]
        if not pis:
            continue
        site = g.site(info.ref)
        if not site.reachable or site.guarded:
            continue
        owner = info.sdk or path_owner(facts, ctx, site.path)
        key = ("sdk", owner.id, pis[0]) if owner else ("code", info.api.id, info.method or "")
        hits.setdefault(key, []).append((info, site, pis, owner))
    for key, rows in sorted(hits.items()):
        rows.sort(key=lambda h: (len(h[1].path), where(h[0].ref)))
        info, site, pis, owner = rows[0]
        all_pis = list(dict.fromkeys(p for r in rows for p in r[2]))
        conf = Confidence.MEDIUM if imprecise(g, g.find(info.method), site.path) else Confidence.HIGH
        if not declared:
            conf = lower(conf)
        apis = list(dict.fromkeys(short(r[0].api.api + "()") for r in rows))
        api_text = ", ".join(apis[:4]) + (f" (+{len(apis) - 4})" if len(apis) > 4 else "")
        who = f" (SDK {owner.name_en})" if owner else ""
        who_zh = f"（SDK：{owner.name_zh}）" if owner else ""
        sites = {where(r[0].ref) for r in rows}
        more = f" and {len(sites) - 1} more method(s)" if len(sites) > 1 else ""
        more_zh = f"等 {len(sites)} 处" if len(sites) > 1 else ""
        hint = f"; {GATE_HINT_EN}" if not declared else ""
        hint_zh = f"；{GATE_HINT_ZH}" if not declared else ""
        f = pre_consent_collection.finding(
            f"{pi_names(kb, all_pis)} read by {api_text} in {where(info.ref)}{more}{who} before consent, "
            f"from {entry_text(site.entry)}: {path_text(site.path)}{hint}",
            message_zh=f"同意前收集{pi_names(kb, all_pis, zh=True)}：{entry_text(site.entry, zh=True)}经 "
                       f"{path_text(site.path)} 调用 {api_text}（{where(info.ref)}{more_zh}）{who_zh}{hint_zh}",
            location=info.ref.location,
            evidence=[evidence(r[0], r[1].path, True, third_party=r[3].id if r[3] else None) for r in rows[:10]],
            path=site.path,
            confidence=conf,
        )
        yield stable(f, pre_consent_collection, "|".join(key))


@rule(
    code="SA102",
    name="sdk-init-before-consent",
    title_en="SDK initialised before the user consents",
    title_zh="用户同意隐私政策前初始化 SDK",
    severity="high",
    confidence="high",
    category="consent",
    explanation_en="""
A third-party SDK that collects personal information is started before consent: its collecting
initialisation call (from the SDK catalog, e.g. Umeng UMConfigure.init rather than preInit,
JPushInterface.init, Bugly.init) is reachable from start-up code without passing the consent gate,
or the SDK ships a ContentProvider that initialises it automatically when the process starts
(before Application.onCreate). SDK vendors' compliance guides and MIIT's 164号 campaign require
SDKs to start collecting only after the user agreed; the app answers for its SDKs.
""" + _GATE_HOWTO_EN,
    explanation_zh="""
会收集个人信息的第三方 SDK 在用户同意前即被启动：其会触发收集的初始化调用（取自 SDK 目录，如友盟
UMConfigure.init 而非 preInit、JPushInterface.init、Bugly.init）不经门控即可从启动代码到达；或 SDK
自带的 ContentProvider 会在进程启动时（早于 Application.onCreate）自动初始化。SDK 合规指南与工信部
164号文均要求在用户同意后再初始化收集类 SDK，App 需对其嵌入的 SDK 负责。
""" + _GATE_HOWTO_ZH,
    remediation_en="""
Initialise the SDK from the consent callback (keep only the vendor's documented pre-consent call,
such as UMConfigure.preInit, at start-up). For an auto-initialising provider, disable it (the
vendor's meta-data switch, or `tools:node="remove"` on the provider) and initialise by hand after
consent. Declare the gate in privacy.toml.
""",
    remediation_zh="""
在同意回调中初始化 SDK（启动时仅保留厂商文档说明的合规预初始化，如 UMConfigure.preInit）。对自动初始化的
ContentProvider，使用厂商提供的 meta-data 开关或在清单中以 tools:node="remove" 移除，并在同意后手动
初始化。在 privacy.toml 中声明门控。
""",
    regulations=["miit-164 1.1", "cac-rending-fangfa 三-1", "tc260-sdk", "miit-26", "gbt-41391 6.6"],
    tags=["consent", "sdk", "reachability", "privacy"],
)
def sdk_init_before_consent(facts, inventory, ctx):
    kb = ctx.knowledge
    detected = {tp.id for tp in inventory.third_parties}
    init: dict[str, list] = {}
    consent_api: dict[str, list] = {}
    for sdk in kb.sdks.values():
        for api in sdk.init_collecting:
            init.setdefault(api, []).append(sdk)
        for api in sdk.consent_apis:
            consent_api.setdefault(api, []).append(sdk)
    declared = gate_declared(ctx)
    g = pre_consent(facts, ctx)
    if g is not None and init:
        sites = g.call_sites(lambda api: api in init)
        consents = g.call_sites(lambda api: api in consent_api)
        consented = {s.id for c in consents if not c.guarded for s in consent_api[c.api]}
        best: dict[tuple[str, str, str], object] = {}
        for site in sites:
            if site.guarded:
                continue
            sdks = sorted(init[site.api], key=lambda s: (s.id not in detected, s.id))
            sdk = sdks[0]
            owner = path_owner(facts, ctx, site.path)
            if owner is not None and owner.id in {s.id for s in sdks}:
                continue  # the SDK calling its own entry point
            key = (sdk.id, site.api, f"sdk:{owner.id}" if owner else site.caller)
            if key not in best or len(site.path) < len(best[key].path):
                best[key] = site
        for (sdk_id, api, via), site in sorted(best.items()):
            sdk = kb.sdks[sdk_id]
            caller = site.caller
            via_sdk = kb.sdks.get(via[4:]) if via.startswith("sdk:") else None
            conf = Confidence.HIGH if declared else Confidence.MEDIUM
            note = note_zh = ""
            if sdk_id in consented:
                conf = Confidence.LOW
                note = "; the app also calls the SDK's consent switch before consent, check it passes 'not agreed'"
                note_zh = "；同意前也调用了该 SDK 的授权开关，请确认传入“未同意”"
            hint = f"; {GATE_HINT_EN}" if not declared else ""
            hint_zh = f"；{GATE_HINT_ZH}" if not declared else ""
            cls, name, _desc = split_key(caller)
            loc = call_location(facts, caller, site.call)
            by = f" by {via_sdk.name_en}" if via_sdk else ""
            by_zh = f"（由 {via_sdk.name_zh} 调用）" if via_sdk else ""
            f = sdk_init_before_consent.finding(
                f"{sdk.name_en} is initialised ({short(api + '()')}) in {cls}.{name}{by} before consent, from "
                f"{entry_text(site.entry)}: {path_text(site.path)}{note}{hint}",
                message_zh=f"同意前初始化 {sdk.name_zh}{by_zh}：{entry_text(site.entry, zh=True)}经 {path_text(site.path)} "
                           f"调用 {short(api + '()')}{note_zh}{hint_zh}",
                location=loc,
                evidence=[Evidence(kind="api", api=api, location=loc, third_party=sdk_id, reachable=True,
                                   path=site.path)],
                path=site.path,
                confidence=conf,
            )
            yield stable(f, sdk_init_before_consent, f"{sdk_id}|{api}|{via if via_sdk else cls + '.' + name}")
    yield from _autoinit_providers(facts, ctx, detected)


def _switches(sdks, meta):
    """The autoinit_off switches (SDK catalog) set in the manifest for these SDKs, and the SDKs
    that have switches none of which is set."""
    off = {s.id: s.switched_off(meta) for s in sdks}
    still_on = [s for s in sdks if s.autoinit_off and not off[s.id]]
    return [k for s in sdks for k in off[s.id]], still_on


def _autoinit_providers(facts, ctx, detected):
    """Providers and androidx.startup initializers that start a collecting SDK at process start.

    Confidence drops to low when the manifest sets the catalog's ``autoinit_off`` switch of every
    SDK behind the provider that has one (FirebaseInitProvider starts several Firebase products:
    switching Analytics off leaves Crashlytics on)."""
    kb = ctx.knowledge
    by_provider: dict[str, list] = {}
    for sdk in kb.sdks.values():
        for p in sdk.autoinit_providers:
            by_provider.setdefault(p, []).append(sdk)
    meta = dict(facts.application.meta_data)
    for comp in facts.components:
        if comp.kind != "provider" or not comp.enabled or comp.name not in by_provider:
            continue
        sdks = sorted(by_provider[comp.name], key=lambda s: (s.id not in detected, s.id))
        collecting = [s for s in sdks if s.pi_types]
        if not collecting:
            continue
        behind = [s for s in collecting if s.id in detected] or collecting
        names = ", ".join(s.name_en for s in collecting if s.id in detected) or collecting[0].name_en
        names_zh = "、".join(s.name_zh for s in collecting if s.id in detected) or collecting[0].name_zh
        switched_off, still_on = _switches(behind, meta)
        conf = Confidence.LOW if switched_off and not still_on else Confidence.HIGH
        off = off_zh = ""
        if switched_off:
            keys = ", ".join(switched_off)
            off = f"; collection switched off by meta-data {keys}"
            off_zh = f"；已通过 meta-data 关闭：{keys}"
            if still_on:
                off += f", but not for {', '.join(s.name_en for s in still_on)}"
                off_zh += f"，但 {'、'.join(s.name_zh for s in still_on)} 未关闭"
        loc = comp.location or Location(file="AndroidManifest.xml", component=comp.name)
        f = sdk_init_before_consent.finding(
            f"{names} starts automatically through the ContentProvider {comp.name}, before "
            f"Application.onCreate and before any consent{off}",
            message_zh=f"{names_zh} 通过 ContentProvider {comp.name} 在进程启动时（早于 Application.onCreate）"
                       f"自动初始化，早于用户同意{off_zh}",
            location=loc,
            evidence=[Evidence(kind="manifest", detail=f"provider {comp.name}", location=loc,
                               third_party=collecting[0].id)],
            confidence=conf,
        )
        yield stable(f, sdk_init_before_consent, f"provider|{comp.name}")
    startup = facts.component("androidx.startup.InitializationProvider")
    if startup is None or not startup.enabled:
        return
    attr = attributor(facts, ctx)
    for key, value in startup.meta_data.items():
        if value != "androidx.startup":
            continue
        sdk = attr.for_class(key)
        if sdk is None or not sdk.pi_types:
            continue
        switched_off = sdk.switched_off(meta)
        off = f"; collection switched off by meta-data {', '.join(switched_off)}" if switched_off else ""
        off_zh = f"；已通过 meta-data 关闭：{', '.join(switched_off)}" if switched_off else ""
        loc = startup.location or Location(file="AndroidManifest.xml", component=startup.name)
        f = sdk_init_before_consent.finding(
            f"{sdk.name_en} starts automatically at process start through the androidx.startup "
            f"initializer {key}, before any consent{off}",
            message_zh=f"{sdk.name_zh} 通过 androidx.startup 初始化器 {key} 在进程启动时自动初始化，早于用户同意{off_zh}",
            location=loc,
            evidence=[Evidence(kind="manifest", detail=f"androidx.startup initializer {key}", location=loc,
                               third_party=sdk.id)],
            confidence=Confidence.LOW if switched_off else None,
        )
        yield stable(f, sdk_init_before_consent, f"initializer|{key}")


RULES = [pre_consent_collection, sdk_init_before_consent]


@hookimpl
def selfaudit_rules():
    return provide(RULES)
