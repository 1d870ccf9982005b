"""Permission rules: every dangerous or special permission must be explained to the user.

MIIT 164号 (2.1) and the TC260 permission guide require that each permission's purpose is stated
when it is requested and in the permission list (应用权限申请与使用说明). A permission the team
has not declared has no purpose to show, so the draft list would carry a TODO.
"""

from __future__ import annotations

from selfaudit import hookimpl
from selfaudit.model import Location
from selfaudit.rules import rule

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


RULES = [undeclared_permission]


@hookimpl
def selfaudit_rules():
    return RULES
