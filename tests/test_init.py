"""``selfaudit init``: privacy.toml from a scan, and ``--update`` on a file a human edited."""

from __future__ import annotations

import difflib
import sys
import textwrap
from pathlib import Path

import pytest

from selfaudit.cli import main
from selfaudit.declarations import is_todo, load_declarations

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MANIFEST = """\
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.shop">
    <uses-permission android:name="android.permission.INTERNET" />
    <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION" />
    {extra}
    <application android:label="Shop">
        <activity android:name=".MainActivity" android:exported="true">
            <intent-filter>
                <action android:name="android.intent.action.MAIN" />
                <category android:name="android.intent.category.LAUNCHER" />
            </intent-filter>
        </activity>
        {components}
    </application>
</manifest>
"""


def project(root: Path, extra: str = "", components: str = "") -> Path:
    """A minimal Android source tree (what the pre-commit hook scans)."""
    main_dir = root / "app" / "src" / "main"
    main_dir.mkdir(parents=True, exist_ok=True)
    (main_dir / "AndroidManifest.xml").write_text(MANIFEST.format(extra=extra, components=components), encoding="utf-8")
    (root / "settings.gradle").write_text("include ':app'\n", encoding="utf-8")
    return root


def run(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def tables(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("[")]


def test_init_writes_every_unknown_as_todo_with_evidence(demo_apk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["init", demo_apk], capsys)
    assert code == 0, err
    path = tmp_path / "privacy.toml"
    assert f"wrote {path}" in out and "TODO" in out
    text = path.read_text(encoding="utf-8")
    decl = load_declarations(path)  # what init writes, the loader reads
    assert decl.app_package == "com.selfaudit.demo" and decl.app_name == "selfaudit demo"
    assert is_todo(decl.app_category) and is_todo(decl.operator.company) and is_todo(decl.policy.effective_date)
    assert decl.target_path() == demo_apk.resolve()
    # every detected item has a table, every human value in it is TODO
    assert {"device.imei", "location.precise", "contacts.address_book"} <= set(decl.pi)
    for d in decl.pi.values():
        assert is_todo(d.purpose) and is_todo(d.scenario) and d.required is None
    assert {"android.permission.READ_PHONE_STATE", "android.permission.CAMERA"} <= set(decl.permissions)
    assert "android.permission.INTERNET" not in decl.permissions  # not personal information
    # each table is commented with its evidence, right above it
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(("[pi.", "[permission.")):
            above = "\n".join(lines[max(0, i - 8):i])
            assert "# evidence: " in above, line
    assert "# evidence: permission: android.permission.READ_PHONE_STATE" in text
    assert "网上购物类" in text and "38 utilities 实用工具类" in text  # the 39 categories are listed


def test_init_never_overwrites_without_force(demo_apk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "privacy.toml"
    path.write_text("[app]\nname = \"mine\"\n", encoding="utf-8")
    code, _, err = run(["init", demo_apk], capsys)
    assert code == 2 and "already exists" in err and "--update" in err and "--force" in err
    assert path.read_text(encoding="utf-8") == "[app]\nname = \"mine\"\n"
    code, _, err = run(["init", demo_apk, "--force"], capsys)
    assert code == 0, err
    assert "selfaudit demo" in path.read_text(encoding="utf-8")


def test_init_output_path_and_config_key(demo_apk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["init", demo_apk, "-o", tmp_path / "legal" / "decl.toml"], capsys)
    assert code == 0, err and (tmp_path / "legal" / "decl.toml").is_file()
    (tmp_path / "selfaudit.toml").write_text('declarations = "compliance/privacy.toml"\n', encoding="utf-8")
    code, _, err = run(["init", demo_apk], capsys)
    assert code == 0, err
    assert (tmp_path / "compliance" / "privacy.toml").is_file() and not (tmp_path / "privacy.toml").exists()


def test_round_trip_edit_survives_update_and_new_permission_is_todo(tmp_path, monkeypatch, capsys):
    """init → a human edits → the build adds CAMERA → init --update → docs."""
    monkeypatch.chdir(tmp_path)
    project(tmp_path)
    assert run(["init", "."], capsys)[0] == 0
    path = tmp_path / "privacy.toml"
    text = path.read_text(encoding="utf-8")
    # A human fills in values, adds comments, moves a table and reformats a line.
    edited = text.replace(
        '[pi."location.precise"]\npurpose = "TODO"',
        '# Legal: only while the map screen is open (ticket PRIV-12)\n[pi."location.precise"]\n'
        'purpose = "为您推荐附近门店并计算配送距离"',
    ).replace('company = "TODO"', 'company   =   "示例科技有限公司"   # per business licence')
    edited = edited.replace('category = "TODO"', "category = 6  # 网上购物类")
    coarse_start = edited.index("# 粗略位置信息")
    coarse_end = edited.index("\n\n", coarse_start) + 2
    coarse = edited[coarse_start:coarse_end]
    edited = edited[:coarse_start] + edited[coarse_end:]
    after_precise = edited.index("\n\n", edited.index('[pi."location.precise"]')) + 2
    edited = edited[:after_precise] + coarse + edited[after_precise:]  # the human reordered two tables
    assert edited != text
    path.write_text(edited, encoding="utf-8")

    project(tmp_path, extra='<uses-permission android:name="android.permission.CAMERA" />')
    code, out, err = run(["init", "--update"], capsys)
    assert code == 0, err
    assert "+ permission.android.permission.CAMERA" in out and "+ pi.media.camera" in out
    updated = path.read_text(encoding="utf-8")
    # Every line of the human's file is still there, in order: the update only inserted lines.
    diff = list(difflib.ndiff(edited.splitlines(), updated.splitlines()))
    assert not [d for d in diff if d.startswith("- ")], "an existing line changed"
    added = [d[2:] for d in diff if d.startswith("+ ")]
    assert '[permission."android.permission.CAMERA"]' in added and '[pi."media.camera"]' in added
    decl = load_declarations(path)
    assert decl.pi["location.precise"].purpose == "为您推荐附近门店并计算配送距离"
    assert decl.operator.company == "示例科技有限公司" and decl.app_category == "6"
    assert is_todo(decl.permissions["android.permission.CAMERA"].purpose)
    assert is_todo(decl.pi["media.camera"].purpose)
    # the new tables go after the last table of their kind
    assert updated.index('[pi."location.coarse"]') < updated.index('[pi."media.camera"]') < updated.index("# Third parties")
    assert updated.index('[permission."android.permission.CAMERA"]') > updated.index("# Permissions")

    # a second update finds nothing new and leaves the file alone
    code, out, _ = run(["init", "--update"], capsys)
    assert code == 0 and "nothing new" in out and path.read_text(encoding="utf-8") == updated

    # the documents carry the human's purpose and the new permission as TODO
    code, out, err = run(["docs", "-o", tmp_path / "docs", "--format", "md,json"], capsys)
    assert code == 0, err
    collected = (tmp_path / "docs" / "collected-pi.zh-CN.md").read_text(encoding="utf-8")
    row = next(line for line in collected.splitlines() if "精确位置信息" in line)
    assert "为您推荐附近门店并计算配送距离" in row and "非必要" in row  # category 6 does not need location
    perms = (tmp_path / "docs" / "permissions.zh-CN.md").read_text(encoding="utf-8")
    camera = next(line for line in perms.splitlines() if "android.permission.CAMERA" in line)
    assert camera.count("**TODO**") >= 3 and "拍摄照片和视频" in camera


def test_update_keeps_unusual_layouts(tmp_path, monkeypatch, capsys):
    """Inline tables, a [pi] super-table, CRLF line endings and trailing comments survive."""
    monkeypatch.chdir(tmp_path)
    project(tmp_path, extra='<uses-permission android:name="android.permission.CAMERA" />')
    path = tmp_path / "privacy.toml"
    original = textwrap.dedent("""\
        # our own file, written by hand
        [app]
        name = "Shop"

        [pi]
        "location.precise" = { purpose = "附近门店", scenario = "首页" }  # inline
        "location.coarse" = { purpose = "城市", scenario = "首页" }

        [permission]
        ACCESS_FINE_LOCATION = { purpose = "定位" }
        # the end
        """).replace("\n", "\r\n")
    path.write_bytes(original.encode("utf-8"))
    code, out, err = run(["init", "--update", "."], capsys)
    assert code == 0, err
    updated = path.read_bytes().decode("utf-8")
    assert "\r\n" in updated and "\n" not in updated.replace("\r\n", "")
    diff = list(difflib.ndiff(original.splitlines(), updated.splitlines()))
    assert not [d for d in diff if d.startswith("- ")], "an existing line changed"
    assert updated.rstrip().endswith("# the end")
    data = tomllib.loads(updated)
    assert data["pi"]["location.precise"] == {"purpose": "附近门店", "scenario": "首页"}
    assert data["permission"]["ACCESS_FINE_LOCATION"] == {"purpose": "定位"}
    assert data["permission"]["android.permission.CAMERA"]["purpose"] == "TODO"
    assert "android.permission.ACCESS_FINE_LOCATION" not in data["permission"]  # declared by short name


def test_update_that_cannot_be_done_safely_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    project(tmp_path, extra='<uses-permission android:name="android.permission.CAMERA" />')
    path = tmp_path / "privacy.toml"
    # An inline table cannot be extended by a [permission."..."] header: the edit would not parse.
    original = 'permission = { ACCESS_FINE_LOCATION = { purpose = "定位" } }\npi = {}\n'
    path.write_text(original, encoding="utf-8")
    code, out, err = run(["init", "--update", "."], capsys)
    assert code == 2 and "cannot add the new items safely" in err and "Nothing was written" in err
    assert '[permission."android.permission.CAMERA"]' in err  # the tables to paste by hand
    assert path.read_text(encoding="utf-8") == original


def test_app_controlled_names_cannot_inject_into_the_file(tmp_path, monkeypatch, capsys):
    """A component name with a line break lands in a comment; it must not become TOML."""
    monkeypatch.chdir(tmp_path)
    evil = 'cn.jpush.android.service.X&#10;[app]&#10;name = &quot;pwned&quot;'
    project(tmp_path, components=f'<receiver android:name="{evil}" />')
    code, _, err = run(["init", "."], capsys)
    assert code == 0, err
    path = tmp_path / "privacy.toml"
    text = path.read_text(encoding="utf-8")
    assert "[third_party.\"jpush\"]" in text
    assert not any(line.startswith('name = "pwned"') for line in text.splitlines())
    assert load_declarations(path).app_name == "Shop"


def test_toml_string_escapes():
    from selfaudit.documents.declfile import toml_string

    value = 'a"b\\c\nd\te\x01'
    assert tomllib.loads(f"k = {toml_string(value)}")["k"] == value


def test_init_update_without_a_file_writes_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    project(tmp_path)
    code, out, err = run(["init", "--update", "."], capsys)
    assert code == 0, err and (tmp_path / "privacy.toml").is_file()


@pytest.mark.parametrize("lang_marker", ["purpose_en"])
def test_english_variants_are_documented_in_the_header(demo_apk, tmp_path, monkeypatch, capsys, lang_marker):
    monkeypatch.chdir(tmp_path)
    run(["init", demo_apk], capsys)
    head = (tmp_path / "privacy.toml").read_text(encoding="utf-8").split("[meta]")[0]
    assert lang_marker in head and "docs/documents.md" in head and "TODO" in head
