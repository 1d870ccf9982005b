"""Permission rules: explained (SA301), needed (SA302) and asked for at the right time (SA303).

MIIT 164号 (2.1) and the TC260 permission guide require that each permission's purpose is stated
when it is requested and in the permission list (应用权限申请与使用说明), that no permission is
requested without a function that needs it, and that permissions are requested when the function
is used, not at start-up, and that refusing one does not make the app quit.
"""

from __future__ import annotations

from selfaudit import hookimpl
from selfaudit.model import Confidence, Evidence, Location, Severity
from selfaudit.reach import short, split_key
from selfaudit.rules import provide, rule
from selfaudit.rules._common import (
    analysis,
    attributor,
    call_location,
    code_refs,
    entry_text,
    path_text,
    stable,
    startup,
)

EXPLAINED_LEVELS = ("dangerous", "special")


@rule(
    code="SA301",
    name="undeclared-permission",
    title_en="Dangerous permission without a declared purpose",
    title_zh="危险权限未声明使用目的",
    severity="medium",
    confidence="high",
    category="permissions",
    explanation_en="""
The app requests a dangerous (runtime) or special permission that the declarations file does not
explain. Regulators expect every such permission to be listed with its purpose, the business
function that needs it and when it is asked for (应用权限申请与使用说明), and the purpose to be
shown at the moment of the request. Without a declaration the generated permission list has no
purpose to print.
""",
    explanation_zh="""
应用申请了危险权限或特殊权限，但声明文件中没有说明其用途。监管要求在《应用权限申请与使用说明》中逐项列明
每项权限的使用目的、对应业务功能和申请时机，并在申请时同步告知用户目的。未声明的权限无法生成合规的权限清单。
""",
    remediation_en="""
Add a `[permission."<name>"]` table to the declarations file (privacy.toml) with `purpose`,
`scenario`, `asked_when` and `refusal_effect`, or remove the permission if no feature needs it.
""",
    remediation_zh="""
在声明文件 (privacy.toml) 中为该权限添加 `[permission."<名称>"]`，填写 purpose、scenario、asked_when、
refusal_effect；若没有功能需要该权限，请从清单中删除。
""",
    regulations=["miit-164 2.1", "tc260-permissions 3", "miit-26 一(三)"],
    tags=["permissions", "privacy"],
)
def undeclared_permission(facts, inventory, ctx):
    for item in inventory.permissions:
        if item.protection_level not in EXPLAINED_LEVELS:
            continue
        if ctx.declarations.declares_permission(item.name):
            continue
        loc = item.evidence[0].location if item.evidence else Location(file="AndroidManifest.xml")
        label = f" ({item.label_zh})" if item.label_zh else ""
        yield undeclared_permission.finding(
            f"{item.name} is requested but its purpose is not declared{label}",
            message_zh=f"申请了 {item.name}{label}，但未声明使用目的",
            location=loc,
            evidence=item.evidence,
            key=item.name,
        )


#: Permissions whose use the code scan cannot see reliably (files, intents, WebView, native code):
#: never reported as unused.
_UNOBSERVABLE = {
    "android.permission.READ_EXTERNAL_STORAGE", "android.permission.WRITE_EXTERNAL_STORAGE",
    "android.permission.READ_MEDIA_IMAGES", "android.permission.READ_MEDIA_VIDEO",
    "android.permission.READ_MEDIA_AUDIO", "android.permission.MANAGE_EXTERNAL_STORAGE",
    "android.permission.POST_NOTIFICATIONS", "android.permission.CALL_PHONE",
}


@rule(
    code="SA302",
    name="excessive-permission",
    title_en="Permission with no use in the code, or beyond the app category's needs",
    title_zh="申请了代码未使用或超出 App 类型所需的权限",
    severity="medium",
    confidence="medium",
    category="permissions",
    explanation_en="""
Two kinds of over-asking. (1) A dangerous permission is declared in the manifest, but none of the
APIs that need it appears anywhere in the code (including SDKs): TC260's permission guide says not
to declare permissions unrelated to the app's functions, and MIIT's scenarios (164号 2.1-8) flag
"permissions with no matching function". (2) The declarations name the app's category from the
2021 necessary-PI rules and the permission unlocks only PI outside that category's necessary set:
it may be requested, but refusing it must not block the basic function (必要个人信息范围规定 art. 4).

Only permissions the knowledge base maps to APIs are checked for (1), and storage, notification
and dialer permissions never are, because their use does not show up as API calls.
""",
    explanation_zh="""
两类过度索取。（1）清单中声明了危险权限，但代码（含 SDK）中没有任何需要该权限的 API：TC260 权限指南要求
不在清单中声明与业务功能无关的权限，工信部检测场景（164号 2.1-8）将“申请的权限无对应功能”列为问题。
（2）声明文件写明了 App 所属的必要个人信息类型，而该权限仅用于获取该类型必要范围之外的个人信息：可以申请，
但用户拒绝时不得影响基本功能（《常见类型移动互联网应用程序必要个人信息范围规定》第四条）。

第（1）类只检查知识库中已映射到 API 的权限；存储、通知、拨号类权限的使用无法从 API 调用中看出，不予检查。
""",
    remediation_en="""
Remove permissions no feature uses (watch for ones merged in from SDK manifests: drop them with
`tools:node="remove"` if the SDK works without them). For permissions outside the category's
necessary PI, request them only when the optional feature is used and keep the basic function
working when they are refused; mark them `required = false` in the declarations.
""",
    remediation_zh="""
删除没有功能使用的权限（注意由 SDK 清单合并进来的权限：SDK 不依赖时可用 tools:node="remove" 移除）。对于
超出必要个人信息范围的权限，仅在使用相应可选功能时申请，拒绝后基本功能仍须可用，并在声明中标记
required = false。
""",
    regulations=["miit-164 2.1", "tc260-permissions 3", "cac-rending-fangfa 四-1", "cac-necessary-pi",
                 "gbt-41391 6.5"],
    tags=["permissions", "privacy"],
)
def excessive_permission(facts, inventory, ctx):
    kb = ctx.knowledge
    has_code = facts.code is not None or bool(facts.code_refs)
    used: set[str] = set()
    for info in code_refs(facts, ctx):
        used.update(info.api.permissions)
    mapped: set[str] = {p for a in kb.apis.values() for p in a.permissions}
    strings = {s for r in facts.code_refs for s in r.strings if s.startswith("android.permission.")}
    for item in inventory.permissions:
        if item.protection_level != "dangerous":
            continue
        if not has_code or item.name not in mapped or item.name in _UNOBSERVABLE or item.name in used:
            continue
        asked = " (it is requested at run time, so a prompt with no feature behind it)" if item.name in strings else ""
        loc = item.evidence[0].location if item.evidence else Location(file="AndroidManifest.xml")
        f = excessive_permission.finding(
            f"{item.name} is declared but no code uses an API that needs it{asked}",
            message_zh=f"声明了 {item.name}（{item.label_zh or ''}），但代码中没有使用需要该权限的 API",
            location=loc,
            evidence=item.evidence,
            confidence=Confidence.MEDIUM if item.name not in strings else Confidence.HIGH,
        )
        yield stable(f, excessive_permission, f"unused|{item.name}")
    cat_key = ctx.declarations.app_category
    category = kb.app_category(cat_key) if cat_key else None
    if category is None:
        return
    necessary = set(category.necessary_pi)
    for item in inventory.permissions:
        if item.protection_level != "dangerous" or not item.pi_types:
            continue
        if set(item.pi_types) & necessary:
            continue
        decl = ctx.declarations.permission(item.name)
        loc = item.evidence[0].location if item.evidence else Location(file="AndroidManifest.xml")
        f = excessive_permission.finding(
            f"{item.name} unlocks PI outside the necessary set of a {category.name_en} app "
            f"({category.name_zh}): refusing it must not block the basic function",
            message_zh=f"{item.name} 对应的个人信息不属于{category.name_zh}的必要个人信息，用户拒绝时不得影响基本功能",
            location=loc,
            evidence=item.evidence,
            severity=Severity.LOW,
            confidence=Confidence.LOW if decl and decl.refusal_effect else Confidence.MEDIUM,
        )
        yield stable(f, excessive_permission, f"category|{category.id}|{item.name}")


_EXIT_CALLS = {"exit", "killProcess", "finishAffinity", "finishAndRemoveTask", "finish", "halt"}


@rule(
    code="SA303",
    name="permission-at-startup",
    title_en="Runtime permission requested at start-up, or the app quits when one is refused",
    title_zh="启动时申请权限，或拒绝权限后退出应用",
    severity="medium",
    confidence="high",
    category="permissions",
    explanation_en="""
A runtime-permission request (requestPermissions, ActivityCompat.requestPermissions, the Activity
Result permission contracts) is reachable from start-up code, before the user uses any feature that
needs it; or the result callback of a request quits the app (finish, System.exit, killProcess)
when the user refuses. MIIT's scenarios (164号 2.1-1, 2.1-7) name both: asking on first launch
before the function is used, and "不给权限不让用" (no permission, no app). 26号 requires requests to
be made when the related function starts, one at a time.
""",
    explanation_zh="""
运行时权限申请（requestPermissions、ActivityCompat.requestPermissions、Activity Result 权限契约）可从启动
代码到达，即在用户使用需要该权限的功能之前就申请；或权限结果回调在用户拒绝时退出应用（finish、System.exit、
killProcess）。工信部检测场景（164号 2.1-1、2.1-7）均点名：首次启动即在使用功能前申请权限，以及“不给权限
不让用”。26号文要求在相关功能启动时动态申请，不得捆绑申请。
""",
    remediation_en="""
Request each permission when the user starts the feature that needs it, after explaining why (a
purpose dialog or the system dialog's purpose string), and keep the app usable when it is refused.
After a refusal do not ask again for at least 48 hours (the industry convention reviewers apply).
""",
    remediation_zh="""
在用户启动需要该权限的功能时再申请，并先说明目的（目的说明弹窗或系统弹窗中的用途文案）；拒绝后应用仍须可用。
用户拒绝后至少 48 小时内不要再次申请（审核普遍采用的惯例）。
""",
    regulations=["miit-164 2.1", "miit-26 一(三)", "tc260-permissions 3", "cac-rending-fangfa 四-2"],
    tags=["permissions", "reachability", "privacy"],
)
def permission_at_startup(facts, inventory, ctx):
    g = startup(facts, ctx)
    if g is None:
        return
    kb = ctx.knowledge
    apis = {a.api: a for a in kb.apis_by_tag("permission-request")}
    attr = attributor(facts, ctx)
    strings_of = getattr(facts.code, "strings", None)
    ref_strings: dict[str, list[str]] = {}
    for info in code_refs(facts, ctx, tags=("permission-request",)):
        ref_strings.setdefault(info.method or "", []).extend(info.ref.strings)
    best: dict[tuple[str, str], object] = {}
    requesters: dict[str, list[str]] = {}  # class → the path to its start-up request
    for site in g.call_sites(lambda api: api in apis):
        cls = split_key(site.caller)[0]
        if cls not in requesters or len(site.path) < len(requesters[cls]):
            requesters[cls] = list(site.path)
        if split_key(site.caller)[1] == "requestPermissions":
            continue  # a compat wrapper: its caller is reported
        owner = attr.for_class(split_key(site.caller)[0])
        key = (owner.id, site.api) if owner else (site.api, site.caller)
        if key not in best or len(site.path) < len(best[key].path):
            best[key] = site
    for key, site in sorted(best.items()):
        cls, name, desc = split_key(site.caller)
        owner = attr.for_class(cls)
        try:
            strings = list(strings_of(site.caller)) if strings_of else []
        except (KeyError, ValueError, IndexError):
            strings = []
        strings += ref_strings.get(site.caller, [])
        perms = sorted({s.rsplit(".", 1)[-1] for s in strings if s.startswith("android.permission.")})
        which = f" for {', '.join(perms)}" if perms else ""
        who = f" (SDK {owner.name_en})" if owner else ""
        loc = call_location(facts, site.caller, site.call)
        f = permission_at_startup.finding(
            f"Permission request{which} ({short(site.api + '()')}) in {cls}.{name}{who} runs at start-up, from "
            f"{entry_text(site.entry)}: {path_text(site.path)}",
            message_zh=f"启动即申请权限{('（' + '、'.join(perms) + '）') if perms else ''}：{entry_text(site.entry, zh=True)}经 "
                       f"{path_text(site.path)} 到达 {cls}.{name}",
            location=loc,
            evidence=[Evidence(kind="api", api=site.api, location=loc, third_party=owner.id if owner else None,
                               reachable=True, path=site.path)],
            path=site.path,
        )
        yield stable(f, permission_at_startup, "|".join(key))
    yield from _exit_on_denial(facts, ctx, g, requesters)


def _exit_on_denial(facts, ctx, g, requesters=None):
    """``onRequestPermissionsResult`` handlers that quit: those the graph reaches, and those of
    the classes that request a permission at start-up (a static helper such as
    ActivityCompat.requestPermissions(activity, ...) calls back the activity it is given)."""
    az = analysis(facts)
    seen = set()
    candidates = [(m, None) for m in g.methods()]
    for rcls, path in sorted((requesters or {}).items()):
        for m in az.lookup_names(rcls, ("onRequestPermissionsResult",)):
            candidates.append((m, path + [m]))
    for m, via in candidates:
        cls, name, _desc = split_key(m)
        if name != "onRequestPermissionsResult" or m in seen:
            continue
        seen.add(m)
        path = g.path(m) if via is None else via
        exits = []
        first = None  # the handler's first call that quits (its line is the finding's, in source)
        for call, tcls, tname, _d in az.parsed(m):
            if tname in _EXIT_CALLS:
                exits.append(f"{tcls.rsplit('.', 1)[-1]}.{tname}")
                first = first or call
            elif tcls == cls and tname not in ("<init>",):
                for _call2, t2cls, t2name, _d2 in az.parsed(az.lookup(tcls, tname, _d) or ""):
                    if t2name in _EXIT_CALLS:
                        exits.append(f"{tname} → {t2cls.rsplit('.', 1)[-1]}.{t2name}")
                        first = first or call
        if not exits:
            continue
        loc = call_location(facts, m, first)
        f = permission_at_startup.finding(
            f"{cls}.onRequestPermissionsResult quits or closes the screen ({', '.join(sorted(set(exits)))}): "
            f"refusing a permission must not stop the app",
            message_zh=f"{cls}.onRequestPermissionsResult 中调用了 {', '.join(sorted(set(exits)))}：拒绝权限后不得退出应用"
                       f"（不给权限不让用）",
            location=loc,
            evidence=[Evidence(kind="api", api=e, location=loc, reachable=True, path=path)
                      for e in sorted(set(exits))],
            path=path,
            severity=Severity.HIGH,
            confidence=Confidence.MEDIUM,
        )
        yield stable(f, permission_at_startup, f"exit|{cls}")


RULES = [undeclared_permission, excessive_permission, permission_at_startup]


@hookimpl
def selfaudit_rules():
    return provide(RULES)
