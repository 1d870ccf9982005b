"""What the build collects, against what the team declared, and the collection red lines.

SA103/SA104 keep the collected-PI list (已收集个人信息清单) honest in both directions. SA105-SA110
are the specific items MIIT's scenarios name (164号 1.1, 1.2): non-resettable device identifiers,
the installed-app list, the clipboard, collection on a timer, location in the background and the
running-app list. Each reports where the code is, whether it is reachable, and who owns it.
"""

from __future__ import annotations

from selfaudit import hookimpl
from selfaudit.model import Confidence, Evidence, Location, Severity
from selfaudit.reach import short
from selfaudit.rules import provide, rule
from selfaudit.rules._common import (
    analysis,
    code_refs,
    declarations_file,
    entry_text,
    evidence,
    group,
    ignored_apis,
    ignored_pi_types,
    path_owner,
    path_text,
    permission_finding,
    pi_names,
    reach_confidence,
    stable,
    startup,
    where,
)

_CODE_EVIDENCE = ("api", "field", "string")


def _owner(info, zh=False):
    if info.sdk is None:
        return ""
    return f"（SDK：{info.sdk.name_zh}）" if zh else f" (SDK {info.sdk.name_en})"


def _sites(items, zh=False):
    first = where(items[0].ref)
    if len(items) == 1:
        return first
    return f"{first} 等 {len(items)} 处" if zh else f"{first} and {len(items) - 1} more"


def _reach_note(items, zh=False):
    vals = [i.ref.reachable for i in items]
    if any(v is True for v in vals):
        return "" if not zh else ""
    if vals and all(v is False for v in vals):
        return "；静态分析未发现调用路径（库中存在但可能未被调用）" if zh else \
            "; no call path found (present in the code, possibly never called)"
    return ""


def _best_location(items):
    items = sorted(items, key=lambda i: (i.ref.reachable is not True, len(i.ref.path), where(i.ref)))
    return items[0].ref.location


@rule(
    code="SA103",
    name="undeclared-collection",
    title_en="Personal information collected but not declared",
    title_zh="收集的个人信息未在声明中列出",
    severity="medium",
    confidence="high",
    category="declarations",
    explanation_en="""
The build's code reads a type of personal information (directly or through an embedded SDK) that
the declarations file does not list. The collected-PI list (已收集个人信息清单) and the privacy
policy must name every item with its purpose and scenario, item by item, including what SDKs
collect (认定方法 二-1, 26号). An undeclared item is a gap in both documents.

Confidence follows reachability: high when a call site is reachable from an entry point, low when
the code is present but no call path was found.
""",
    explanation_zh="""
代码（直接或通过嵌入的 SDK）读取了某类个人信息，但声明文件中没有列出。《已收集个人信息清单》与隐私政策
须逐项列明每类个人信息及其目的、场景，包括 SDK 收集的信息（认定方法 二-1、26号文）。未声明的项目
意味着两份文档都存在缺口。

置信度取决于可达性：存在可达的调用点为高，代码存在但未发现调用路径为低。
""",
    remediation_en="""
Add a `[pi."<type>"]` table to privacy.toml with `purpose`, `scenario` and `required` (or, for PI
only an SDK collects, list it in that SDK's `[third_party."<id>"] pi_types`), or remove the code that
reads it. `selfaudit init` writes the missing entries as TODO.
""",
    remediation_zh="""
在 privacy.toml 中添加 `[pi."<类型>"]`，填写 purpose、scenario、required（仅由 SDK 收集的信息，也可写入
该 SDK 的 `[third_party."<id>"] pi_types`），或删除读取该信息的代码。`selfaudit init` 会以 TODO 形式补全。
""",
    regulations=["cac-rending-fangfa 二-1", "miit-26", "miit-perception-2021", "pipl-17", "gbt-35273 5.5"],
    tags=["declarations", "privacy"],
)
def undeclared_collection(facts, inventory, ctx):
    decl = ctx.declarations
    via_sdk: dict[str, set[str]] = {}
    for tp_id, tp in decl.third_parties.items():
        for p in tp.pi_types:
            via_sdk.setdefault(p, set()).add(tp_id)
    for item in inventory.data_items:
        if item.declared:
            continue
        code_ev = [e for e in item.sources if e.kind in _CODE_EVIDENCE]
        if not code_ev:
            continue
        owners = {e.third_party for e in code_ev}
        if None not in owners and owners <= via_sdk.get(item.pi_type, set()):
            continue  # only SDKs collect it, and their declarations list it
        reach = [e.reachable for e in code_ev]
        if all(v is False for v in reach):
            continue  # present in the code, never called: not collected
        conf = Confidence.HIGH if True in reach else Confidence.MEDIUM if None in reach else Confidence.LOW
        shown = sorted(code_ev, key=lambda e: (e.reachable is not True, len(e.path)))[0]
        n_reach = sum(1 for v in reach if v)
        sdks = sorted({o for o in owners if o})
        via = f"; via {', '.join(sdks)}" if sdks else ""
        f = undeclared_collection.finding(
            f"{item.name_en} ({item.pi_type}) is collected ({len(code_ev)} code site(s), {n_reach} reachable; "
            f"e.g. {shown.location.display() if shown.location else shown.api}){via} but privacy.toml does not "
            f"declare it",
            message_zh=f"收集了{item.name_zh}（{item.pi_type}，{len(code_ev)} 处代码，{n_reach} 处可达），"
                       f"但 privacy.toml 未声明",
            location=shown.location,
            evidence=code_ev[:10],
            confidence=conf,
        )
        yield stable(f, undeclared_collection, item.pi_type)


@rule(
    code="SA104",
    name="declared-not-observed",
    title_en="Declared personal information or SDK not found in the build",
    title_zh="声明的个人信息或 SDK 在构建中未发现",
    severity="info",
    confidence="medium",
    category="declarations",
    explanation_en="""
The declarations list a type of personal information (or a third party) that nothing in the build
shows: no API, permission or SDK signal. That is often legitimate, because collection on the server
or through the user's own input is invisible to static analysis, and the item stays in the draft
documents. It can also be a leftover from a removed feature, which would make the published lists
claim more than the app does.
""",
    explanation_zh="""
声明中列出的个人信息类型（或第三方）在构建中找不到任何依据（无 API、权限或 SDK 信号）。这常常是正常的：
服务端收集或用户主动填写的信息无法被静态分析发现，该项仍会保留在文档草稿中。但也可能是已删除功能的残留，
导致公开的清单与实际不符。
""",
    remediation_en="""
Keep the entry if the data is collected on the server or typed in by the user (say so in `notes`);
otherwise remove it from privacy.toml so the published lists match the app.
""",
    remediation_zh="""
若该信息由服务端收集或由用户主动填写，请保留并在 notes 中说明；否则请从 privacy.toml 删除，使公开清单与
App 实际一致。
""",
    regulations=["cac-rending-fangfa 三-9", "miit-perception-2021", "gbt-35273 5.5"],
    tags=["declarations"],
)
def declared_not_observed(facts, inventory, ctx):
    decl = ctx.declarations
    file = declarations_file(facts, decl)
    for pi, d in sorted(decl.pi.items()):
        item = inventory.item(pi)
        if item is not None and item.sources:
            continue
        name = ctx.knowledge.pi_name(pi)
        f = declared_not_observed.finding(
            f"{name} ({pi}) is declared but nothing in the build collects it (fine for server-side or "
            f"user-entered data)",
            message_zh=f"声明了{ctx.knowledge.pi_name(pi, 'zh')}（{pi}），但构建中未发现收集行为（服务端收集或用户填写时属正常）",
            location=Location(file=file, line=d.line),
            evidence=[Evidence(kind="declaration", detail=f"pi.{pi}")],
        )
        yield stable(f, declared_not_observed, f"pi|{pi}")
    found = {tp.id for tp in inventory.third_parties}
    for tp_id, d in sorted(decl.third_parties.items()):
        if tp_id in found:
            continue
        f = declared_not_observed.finding(
            f"third party {tp_id} is declared but no signal of it was found in the build",
            message_zh=f"声明了第三方 {tp_id}，但构建中未发现其踪迹",
            location=Location(file=file, line=d.line),
            evidence=[Evidence(kind="declaration", detail=f"third_party.{tp_id}")],
        )
        yield stable(f, declared_not_observed, f"third_party|{tp_id}")


@rule(
    code="SA105",
    name="device-identifier",
    title_en="Non-resettable device identifier read",
    title_zh="读取不可变更的设备唯一标识符",
    severity="medium",
    confidence="high",
    category="collection",
    explanation_en="""
The code reads a device identifier the user cannot reset: IMEI/MEID, IMSI, ICCID, the hardware serial
number or the MAC address (GB/T 41391 Annex F lists such identifiers). MIIT's scenarios name IMEI and
MAC first among items collected without consent, test labs flag every read, and Android 10+ denies
most of them to ordinary apps anyway. Use a resettable identifier (OAID, an app-scoped random ID)
instead, or justify the need and read it only after consent.
""",
    explanation_zh="""
代码读取了用户无法重置的设备标识符：IMEI/MEID、IMSI、ICCID、设备序列号或 MAC 地址（GB/T 41391 附录F
列出了此类标识符）。工信部检测场景首先点名 IMEI、MAC 等在未同意时被收集，检测机构会标记每一次读取，且
Android 10 及以上系统已不再向普通应用提供其中多数标识。请改用可重置的标识（OAID、应用内随机 ID），
或说明必要性并仅在同意后读取。
""",
    remediation_en="""
Replace the read with a resettable identifier (OAID via the MSA SDK, or a random UUID stored by the
app). If an SDK reads it, use the SDK's switch to turn identifier collection off (many Chinese SDKs
offer one) or initialise it only after consent, and list the identifier in the collected-PI list.
""",
    remediation_zh="""
改用可重置的标识（通过移动安全联盟 MSA SDK 获取 OAID，或应用自行生成并保存的随机 UUID）。若由 SDK 读取，
请使用 SDK 提供的关闭设备标识采集的开关（多数国内 SDK 提供），或仅在同意后初始化，并在已收集个人信息清单
中列出。
""",
    regulations=["miit-164 1.1", "gbt-41391 6.3", "gbt-35273 5.2", "taf-078"],
    tags=["collection", "device-id", "privacy"],
)
def device_identifier(facts, inventory, ctx):
    kb = ctx.knowledge
    non_resettable = {p for p, t in kb.pi_types.items() if t.non_resettable}

    def ids(api):
        return [p for p in api.pi_types if p in non_resettable]

    infos = code_refs(facts, ctx, where_=lambda api: bool(ids(api)))
    yield from _grouped(device_identifier, infos, ctx, lambda i: ids(i.api),
                        "reads {pi} ({api}) in {where}{owner}{note}",
                        "读取{pi}（{api}）：{where}{owner}{note}", keep_unreachable=True, facts=facts)


def _grouped(rule_obj, infos, ctx, pi_of, en, zh, severity=None, keep_unreachable=False, facts=None):
    """One finding per (API, method) in app code, per (SDK, PI type) in an SDK. Code outside any
    catalogued SDK but reached only through one (``com.google.android.gms.internal``...) counts as
    that SDK's. Groups whose every site is unreachable are dropped unless ``keep_unreachable``."""
    kb = ctx.knowledge
    groups: dict[tuple, list] = {}
    for info in infos:
        owner = info.sdk or (path_owner(facts, ctx, info.ref.path) if facts is not None else None)
        pis = pi_of(info)
        key = ("sdk", owner.id, pis[0] if pis else info.api.id) if owner else ("code", info.api.id, info.method or "")
        groups.setdefault(key, []).append((info, owner))
    for key, rows in sorted(groups.items()):
        rows.sort(key=lambda r: (r[0].ref.reachable is not True, len(r[0].ref.path), where(r[0].ref)))
        items = [r[0] for r in rows]
        if not keep_unreachable and all(i.ref.reachable is False for i in items):
            continue
        info, owner = rows[0]
        pis = list(dict.fromkeys(p for i in items for p in pi_of(i)))
        conf = reach_confidence(i.ref for i in items)
        apis = list(dict.fromkeys(short(i.api.api + "()") if i.api.kind != "string" else i.api.api for i in items))
        api = ", ".join(apis[:4]) + (f" (+{len(apis) - 4})" if len(apis) > 4 else "")
        who = f" (SDK {owner.name_en})" if owner else ""
        who_zh = f"（SDK：{owner.name_zh}）" if owner else ""
        fields = dict(pi=pi_names(kb, pis), api=api, where=_sites(items), owner=who, note=_reach_note(items))
        fields_zh = dict(pi=pi_names(kb, pis, zh=True), api=api, where=_sites(items, zh=True), owner=who_zh,
                         note=_reach_note(items, zh=True))
        text = en.format(**fields)
        f = rule_obj.finding(
            text[0].upper() + text[1:],
            message_zh=zh.format(**fields_zh),
            location=_best_location(items),
            evidence=[evidence(i, third_party=owner.id if owner else None) for i in items[:10]],
            path=items[0].ref.path,
            confidence=conf,
            severity=severity(items) if severity else None,
        )
        yield stable(f, rule_obj, "|".join(key))


_INSTALLED_STRONG = {"getInstalledPackages", "getInstalledApplications"}
_INSTALLED_MEDIUM = {"queryIntentActivities", "queryIntentServices", "getPackageInfo"}


@rule(
    code="SA106",
    name="installed-apps",
    title_en="Installed-app list read",
    title_zh="读取软件安装列表",
    severity="high",
    confidence="high",
    category="collection",
    explanation_en="""
The app lists (or probes for) other installed apps: PackageManager.getInstalledPackages /
getInstalledApplications, broad queryIntentActivities, getPackageInfo on well-known package names,
the QUERY_ALL_PACKAGES permission, or a `<queries>` element matching every launcher app. The
installed-app list (软件安装列表) is one of the items MIIT notices cite most often; collecting it
needs a stated purpose and consent, and Android 11+ restricts it (package visibility).
""",
    explanation_zh="""
应用列出或探测了其他已安装应用：PackageManager.getInstalledPackages / getInstalledApplications、宽泛的
queryIntentActivities、对知名包名调用 getPackageInfo、QUERY_ALL_PACKAGES 权限，或匹配所有启动器应用的
`<queries>` 声明。软件安装列表是工信部通报中最常点名的项目之一，收集须说明目的并取得同意；Android 11
起系统也对其加以限制（软件包可见性）。
""",
    remediation_en="""
Query only the specific packages a feature needs (declare them in `<queries>` by package name), drop
QUERY_ALL_PACKAGES, and turn off SDK options that upload the app list. If the list is truly needed,
declare `apps.installed` with its purpose and ask for consent first.
""",
    remediation_zh="""
只查询功能确实需要的特定应用（在 `<queries>` 中按包名声明），删除 QUERY_ALL_PACKAGES，并关闭 SDK 上传
应用列表的选项。确需收集时，在声明中列出 apps.installed 及其目的，并先取得同意。
""",
    regulations=["miit-164 1.1", "miit-164 1.2", "cac-rending-fangfa 四-1", "google-play-query-all-packages",
                 "android-package-visibility"],
    tags=["collection", "privacy"],
)
def installed_apps(facts, inventory, ctx):
    wanted = _INSTALLED_STRONG | _INSTALLED_MEDIUM
    infos = code_refs(facts, ctx, tags=("installed-apps",), where_=lambda a: a.member in wanted)

    def sev(items):
        return Severity.HIGH if any(i.api.member in _INSTALLED_STRONG for i in items) else Severity.MEDIUM

    yield from _grouped(installed_apps, infos, ctx, lambda i: i.api.pi_types or ["apps.installed"],
                        "{api} lists or probes installed apps in {where}{owner}{note}",
                        "读取软件安装列表（{api}）：{where}{owner}{note}", severity=sev, facts=facts)
    f = permission_finding(installed_apps, facts, "android.permission.QUERY_ALL_PACKAGES",
                           "QUERY_ALL_PACKAGES is requested: the app can see every installed app",
                           "申请了 QUERY_ALL_PACKAGES 权限，可获取全部已安装应用", "permission|QUERY_ALL_PACKAGES")
    if f is not None:
        yield f
    for q in facts.queries.get("intents", []):
        if q.split(" ", 1)[0] in ("android.intent.action.MAIN", "*"):
            loc = Location(file="AndroidManifest.xml")
            f = installed_apps.finding(
                f"<queries> declares a broad intent ({q}): every matching launcher app becomes visible",
                message_zh=f"<queries> 声明了宽泛的 intent（{q}），可见所有匹配的应用",
                location=loc,
                evidence=[Evidence(kind="manifest", detail=f"queries intent {q}", location=loc)],
                severity=Severity.MEDIUM,
                confidence=Confidence.MEDIUM,
            )
            yield stable(f, installed_apps, f"queries|{q}")


@rule(
    code="SA107",
    name="clipboard-read",
    title_en="Clipboard read",
    title_zh="读取剪切板",
    severity="medium",
    confidence="high",
    category="collection",
    explanation_en="""
The code reads the clipboard (ClipboardManager.getPrimaryClip/getText/hasPrimaryClip, or listens for
clipboard changes). The clipboard can hold passwords, codes and messages from other apps; reading
it without a user action is a common finding in app-store reviews and MIIT tests, and Android 12+
shows the user a toast each time. A read reachable at start-up is reported as high severity.
""",
    explanation_zh="""
代码读取了剪切板（ClipboardManager.getPrimaryClip/getText/hasPrimaryClip，或监听剪切板变化）。剪切板中
可能有其他应用的密码、验证码和消息；无用户操作而读取剪切板是应用商店审核与工信部检测的常见问题，
Android 12 起每次读取都会提示用户。启动即可到达的读取以高严重度报告。
""",
    remediation_en="""
Read the clipboard only when the user pastes or taps a feature that needs it, never at start-up or
in the background; state the purpose in the privacy policy. Turn off SDK features that read it
(e.g. "口令" share-code recognition) until the user opts in.
""",
    remediation_zh="""
仅在用户粘贴或主动使用需要剪切板的功能时读取，不要在启动或后台读取，并在隐私政策中说明目的。SDK 的剪切板
功能（如口令识别）应在用户主动开启后再启用。
""",
    regulations=["miit-164 1.1", "cac-rending-fangfa 三-1", "pipl-14"],
    tags=["collection", "privacy"],
)
def clipboard_read(facts, inventory, ctx):
    infos = code_refs(facts, ctx, tags=("clipboard-read",))
    g = startup(facts, ctx)

    def sev(items):
        if g is not None and any(g.site(i.ref).reachable for i in items):
            return Severity.HIGH
        return None

    yield from _grouped(clipboard_read, infos, ctx, lambda i: i.api.pi_types,
                        "{api} reads the clipboard in {where}{owner}{note}",
                        "读取剪切板（{api}）：{where}{owner}{note}", severity=sev, facts=facts)


#: Hand-offs whose periodicity is a listener's (location, sensors): judged by interval instead.
_LISTENER_APIS = ("LocationManager.", "SensorManager.")


@rule(
    code="SA108",
    name="frequent-collection",
    title_en="Personal information collected on a timer or at a high rate",
    title_zh="定时或高频收集个人信息",
    severity="medium",
    confidence="medium",
    category="collection",
    explanation_en="""
A PI read runs inside something the system repeats: a Timer or fixed-rate executor task, a
Handler/View runnable that re-posts itself, a CountDownTimer; or location updates are requested
with a small interval. MIIT's 164号 scenarios (1.2) name collection "at a fixed frequency beyond
what the function needs" (every 30 s, every 2 s in its examples) as over-scope collection, and
认定方法 四-4 counts frequency beyond need as a violation of the necessity principle.

Timer reads of PI types and APIs the knowledge base flags `low_signal` (device model, network
state...) are not reported; the options `ignore_pi_types` and `ignore_apis` replace those defaults,
and `interval_ms` (default 30000) sets what counts as a short location-update interval.
""",
    explanation_zh="""
个人信息的读取位于系统重复执行的任务中：Timer 或固定频率线程池任务、不断重新投递自身的 Handler/View
任务、CountDownTimer；或以很小的间隔请求位置更新。工信部164号文检测场景（1.2）将“超出业务需要的固定频率
收集”（示例为每30秒、每2秒）列为超范围收集，认定方法 四-4 亦将超出需要的收集频率认定为违反必要原则。

知识库标记为 `low_signal` 的个人信息类型和 API（设备型号、网络状态等）在定时任务中的读取不予报告；选项
`ignore_pi_types`、`ignore_apis` 可替换该默认值，`interval_ms`（默认 30000）设定位置更新间隔多短算“短”。
""",
    remediation_en="""
Collect on demand when the feature needs the value, cache it, and stop the timer when the feature is
not in use. For location, use the largest interval and distance the feature tolerates. State the
frequency in the privacy policy if it must stay.
""",
    remediation_zh="""
改为在功能需要时按需获取并缓存，功能不用时停止定时器。位置请使用功能可接受的最大间隔和距离。确需定时
收集的，在隐私政策中说明频率。
""",
    regulations=["miit-164 1.2", "cac-rending-fangfa 四-4", "gbt-41391 6.1"],
    tags=["collection", "reachability", "privacy"],
)
def frequent_collection(facts, inventory, ctx):
    kb = ctx.knowledge
    az = analysis(facts)
    max_ms = int(ctx.options().get("interval_ms", 30_000))
    if az is not None:
        g = az.any()
        roots = [(caller, api, cb) for caller, api, cb in g.periodic_callbacks()
                 if not any(x in api for x in _LISTENER_APIS)]
        if roots:
            sub = az.from_methods(cb for _c, _a, cb in roots)
            by_cb = {cb: (caller, api) for caller, api, cb in roots}
            ignored = ignored_pi_types(ctx)
            skip_apis = ignored_apis(ctx)
            infos = [i for i in code_refs(facts, ctx, pi=True)
                     if not i.ref.container and i.ref.location.method != "<clinit>" and i.api.id not in skip_apis
                     and any(p not in ignored for p in i.api.pi_types)]
            hits = []
            for info in infos:
                site = sub.site(info.ref)
                if site.reachable:
                    caller, api = by_cb.get(site.path[0], ("", ""))
                    hits.append((info, [caller] + site.path if caller else site.path, api))
            for key in sorted(group([h[0] for h in hits])):
                rows = sorted((h for h in hits if h[0].group_key == key), key=lambda h: len(h[1]))
                info, path, api = rows[0]
                owner = f" (SDK {info.sdk.name_en})" if info.sdk else ""
                f = frequent_collection.finding(
                    f"{pi_names(kb, info.api.pi_types)} ({short(info.api.api + '()')}) is read in "
                    f"{where(info.ref)}{owner}, which runs repeatedly via {short(api + '()')}: {path_text(path)}",
                    message_zh=f"{pi_names(kb, info.api.pi_types, zh=True)}（{short(info.api.api + '()')}）在 "
                               f"{where(info.ref)} 中被周期性读取（经 {short(api + '()')}）：{path_text(path)}",
                    location=info.ref.location,
                    evidence=[evidence(r[0], r[1]) for r in rows[:10]],
                    path=path,
                )
                yield stable(f, frequent_collection, "timer|" + "|".join(key))
    for info in code_refs(facts, ctx, tags=("location-updates",)):
        small = [n for n in info.ref.numbers if 500 <= n < max_ms]
        if not small:
            continue
        f = frequent_collection.finding(
            f"{short(info.api.api + '()')} in {where(info.ref)}{_owner(info)} requests location updates with a "
            f"short interval constant ({min(small)} ms)",
            message_zh=f"{where(info.ref)} 以较短间隔（{min(small)} 毫秒）请求位置更新（{short(info.api.api + '()')}）{_owner(info, zh=True)}",
            location=info.ref.location,
            evidence=[evidence(info)],
            confidence=Confidence.LOW,
        )
        yield stable(f, frequent_collection, "interval|" + "|".join(info.group_key))


@rule(
    code="SA109",
    name="background-location",
    title_en="Location collected in the background",
    title_zh="后台收集位置信息",
    severity="medium",
    confidence="high",
    category="collection",
    explanation_en="""
The app requests ACCESS_BACKGROUND_LOCATION, or reads location from code that runs without a
visible screen: code whose nearest entry point is a service or a broadcast receiver. Location and whereabouts are sensitive personal
information (GB/T 35273, PIPL art. 28); MIIT's scenarios (164号 1.2) name collecting location
"while silent or in the background" as over-scope collection.
""",
    explanation_zh="""
应用申请了 ACCESS_BACKGROUND_LOCATION，或在没有可见界面的代码（服务、广播接收器）中读取位置。位置与行踪
轨迹属于敏感个人信息（GB/T 35273、个人信息保护法第二十八条）；工信部164号文检测场景（1.2）将“静默或后台
收集位置”列为超范围收集。
""",
    remediation_en="""
Collect location only while the feature is on screen, drop ACCESS_BACKGROUND_LOCATION unless a
background feature the user turned on needs it, and turn off SDK background location options
(push and analytics SDKs often have one).
""",
    remediation_zh="""
仅在相关功能界面可见时获取位置；除非用户主动开启的后台功能确需，否则删除 ACCESS_BACKGROUND_LOCATION，并
关闭 SDK 的后台定位选项（推送、统计类 SDK 常有此选项）。
""",
    regulations=["miit-164 1.2", "pipl-28", "gbt-35273 5.4", "tc260-permissions 5"],
    tags=["collection", "location", "privacy"],
)
def background_location(facts, inventory, ctx):
    f = permission_finding(background_location, facts, "android.permission.ACCESS_BACKGROUND_LOCATION",
                           "ACCESS_BACKGROUND_LOCATION is requested: location can be read while the app is not in use",
                           "申请了 ACCESS_BACKGROUND_LOCATION，可在未使用应用时读取位置", "permission")
    if f is not None:
        yield f
    az = analysis(facts)
    if az is None:
        return
    g = az.any()
    infos = [i for i in code_refs(facts, ctx, tags=("location",), pi=True) if not i.ref.container]
    hits = []
    for info in infos:
        site = g.site(info.ref)
        # Background: the read's nearest entry point is a service or a receiver, not a screen.
        if site.reachable and site.entry is not None and site.entry.kind in ("service", "receiver"):
            hits.append((info, site))
    for key in sorted(group([h[0] for h in hits])):
        rows = sorted((h for h in hits if h[0].group_key == key), key=lambda h: len(h[1].path))
        info, site = rows[0]
        f = background_location.finding(
            f"{short(info.api.api + '()')} reads location in {where(info.ref)}{_owner(info)}, reached from "
            f"{entry_text(site.entry)} {site.entry.component if site.entry else ''}: {path_text(site.path)}",
            message_zh=f"{where(info.ref)} 在后台组件中读取位置（{short(info.api.api + '()')}）{_owner(info, zh=True)}："
                       f"{path_text(site.path)}",
            location=info.ref.location,
            evidence=[evidence(r[0], r[1].path, True) for r in rows[:10]],
            path=site.path,
            confidence=Confidence.MEDIUM,
        )
        yield stable(f, background_location, "code|" + "|".join(key))


@rule(
    code="SA110",
    name="running-apps",
    title_en="Running-app list read",
    title_zh="读取正在运行的应用列表",
    severity="low",
    confidence="medium",
    category="collection",
    explanation_en="""
The code reads the list of running apps, tasks or usage statistics (ActivityManager
getRunningAppProcesses/getRunningTasks/getRecentTasks, UsageStatsManager). Push and analytics SDKs
often list it; dual lists name it as 正在运行的应用列表 and test labs flag it. A call that only looks
for the app's own process is harmless but is still reported by scanners, so it is listed here at
low severity.
""",
    explanation_zh="""
代码读取了正在运行的应用、任务列表或使用统计（ActivityManager getRunningAppProcesses/getRunningTasks/
getRecentTasks、UsageStatsManager）。推送、统计类 SDK 常收集此信息，双清单中列为“正在运行的应用列表”，
检测机构会标记。仅用于查找自身进程的调用并无害处，但仍会被扫描工具报出，因此以低严重度列出。
""",
    remediation_en="""
To get the app's own process name use Application.getProcessName() (API 28+) or read
/proc/self/cmdline; do not list other apps. Declare `apps.running` if an SDK collects it.
""",
    remediation_zh="""
获取自身进程名请使用 Application.getProcessName()（API 28 起）或读取 /proc/self/cmdline，不要枚举其他应用。
若 SDK 收集该信息，请在声明中列出 apps.running。
""",
    regulations=["miit-164 1.2", "cac-rending-fangfa 四-1"],
    tags=["collection", "privacy"],
)
def running_apps(facts, inventory, ctx):
    infos = code_refs(facts, ctx, tags=("running-apps",))
    yield from _grouped(running_apps, infos, ctx, lambda i: i.api.pi_types,
                        "{api} reads running apps or usage in {where}{owner}{note}",
                        "读取正在运行的应用列表（{api}）：{where}{owner}{note}", facts=facts)


RULES = [undeclared_collection, declared_not_observed, device_identifier, installed_apps, clipboard_read,
         frequent_collection, background_location, running_apps]


@hookimpl
def selfaudit_rules():
    return provide(RULES)
