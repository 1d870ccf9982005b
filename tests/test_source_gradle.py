"""The Gradle reader: statements in blocks, values, catalogs, every dependency notation, settings."""

from __future__ import annotations

import pytest
from test_source_fixtures import write_project

from selfaudit.collect.gradle import (
    Catalog,
    Scope,
    load_catalog,
    load_project,
    parse_dependencies,
    parse_gradle,
    shipped_configuration,
)


def deps_of(text: str, rel: str = "app/build.gradle", catalogs=None, props=None, warnings=None):
    gf = parse_gradle(text, rel)
    scope = Scope(props or {}, catalogs or {})
    scope.learn(gf)
    w = warnings if warnings is not None else []
    return [(d.kind, d.value, d.configuration, d.line) for d in parse_dependencies(gf, scope, w)]


def test_statements_know_their_block_and_line():
    gf = parse_gradle("android {\n    defaultConfig {\n        minSdk 21\n    }\n}\n", "b.gradle")
    st = gf.in_block("android", "defaultConfig")
    assert [(s.text, s.line) for s in st] == [("minSdk 21", 3)]


def test_multi_line_argument_lists_are_one_statement():
    gf = parse_gradle('dependencies {\n    implementation(\n        "a:b:1"\n    )\n}\n', "b.gradle.kts")
    assert [s.text for s in gf.in_block("dependencies")] == ['implementation( "a:b:1" )']


def test_comments_and_strings_do_not_break_structure():
    text = 'android { // a { brace in a comment\n  namespace "x}y" /* } */\n}\ndependencies { implementation "a:b:1" }\n'
    gf = parse_gradle(text, "b.gradle")
    assert [s.text for s in gf.directly_in("android")] == ['namespace "x}y"']
    assert deps_of(text) == [("maven", "a:b:1", "implementation", 4)]


@pytest.mark.parametrize("line, expected", [
    ("implementation 'com.a:b:1.0'", ("maven", "com.a:b:1.0")),
    ('implementation("com.a:b:1.0")', ("maven", "com.a:b:1.0")),
    ('api "com.a:b:1.0@aar"', ("maven", "com.a:b:1.0")),
    ("implementation group: 'com.a', name: 'b', version: '1.0'", ("maven", "com.a:b:1.0")),
    ('implementation(group = "com.a", name = "b", version = "1.0")', ("maven", "com.a:b:1.0")),
    ("implementation project(':lib')", ("project", ":lib")),
    ('implementation(project(":lib:core"))', ("project", ":lib:core")),
    ("implementation(projects.featureLogin)", ("project-accessor", "featureLogin")),
    ("implementation files('libs/a.jar')", ("files", "libs/a.jar")),
    ("implementation(name: 'umeng-common', ext: 'aar')", ("flatdir", "umeng-common.aar")),
    ('implementation(platform("com.google.firebase:firebase-bom:32.0.0"))', ("maven", "com.google.firebase:firebase-bom:32.0.0")),
    ('implementation(kotlin("stdlib"))', ("maven", "org.jetbrains.kotlin:kotlin-stdlib")),
    ('add("implementation", "com.a:b:1")', ("maven", "com.a:b:1")),
    ("implementation('com.a:b:1') { exclude group: 'x' }", ("maven", "com.a:b:1")),
    ("huaweiImplementation 'com.huawei.hms:push:6.0'", ("maven", "com.huawei.hms:push:6.0")),
])
def test_dependency_notations(line, expected):
    found = deps_of("dependencies {\n    " + line + "\n}\n")
    assert [(k, v) for k, v, _c, _l in found] == [expected]
    assert found[0][3] == 2


def test_file_tree_forms():
    found = deps_of("dependencies {\n    implementation fileTree(dir: 'libs', include: ['*.jar', '*.aar'])\n"
                    '    implementation(fileTree(mapOf("dir" to "sdk", "include" to listOf("*.aar"))))\n}\n')
    assert [(k, v) for k, v, _c, _l in found] == [("files", "*.jar"), ("files", "*.aar"), ("files", "*.aar")]


def test_version_variables_are_interpolated():
    text = ("ext.umengVersion = '9.6.3'\ndef jpush = '5.0.0'\ndependencies {\n"
            '    implementation "com.umeng.umsdk:common:$umengVersion"\n'
            '    implementation "cn.jiguang.sdk:jpush:${jpush}"\n}\n')
    assert [v for _k, v, _c, _l in deps_of(text)] == ["com.umeng.umsdk:common:9.6.3", "cn.jiguang.sdk:jpush:5.0.0"]


def test_buildscript_classpath_is_not_an_app_dependency():
    text = "buildscript {\n  dependencies {\n    classpath 'com.android.tools.build:gradle:8.1.0'\n  }\n}\n"
    assert deps_of(text) == []


def test_catalog_accessors_and_bundles(tmp_path):
    toml = tmp_path / "libs.versions.toml"
    toml.write_text('[versions]\nu = "1"\n[libraries]\numeng-common = { module = "com.umeng.umsdk:common", version.ref = "u" }\n'
                    'a_b = "g:a-b:2"\n[bundles]\nall = ["umeng-common", "a_b"]\n[plugins]\napp = { id = "com.android.application" }\n',
                    encoding="utf-8")
    w: list[str] = []
    cat = load_catalog(toml, "gradle/libs.versions.toml", "libs", w)
    assert isinstance(cat, Catalog) and not w
    assert cat.library("umeng.common") == ("com.umeng.umsdk:common:1", 4)
    assert cat.bundles["all"] == ["umeng.common", "a.b"]
    assert cat.plugins["app"] == "com.android.application"
    found = deps_of("dependencies {\n implementation libs.umeng.common\n implementation(libs.bundles.all)\n"
                    " implementation libs.missing.thing\n}\n", catalogs={"libs": cat}, warnings=w)
    assert [v for _k, v, _c, _l in found] == ["com.umeng.umsdk:common:1", "com.umeng.umsdk:common:1", "g:a-b:2"]
    assert any("no library 'missing.thing'" in x and x.startswith("app/build.gradle:4") for x in w)


def test_unreadable_notation_is_a_warning_with_line():
    w: list[str] = []
    deps_of("dependencies {\n    implementation someFunction()\n}\n", warnings=w)
    assert w and w[0].startswith("app/build.gradle:2: cannot read dependency notation")


@pytest.mark.parametrize("config, shipped", [
    ("implementation", True), ("api", True), ("releaseImplementation", True), ("huaweiApi", True),
    ("runtimeOnly", True), ("compile", True), ("debugImplementation", False), ("testImplementation", False),
    ("androidTestImplementation", False), ("kapt", False), ("ksp", False), ("annotationProcessor", False),
    ("compileOnly", False), ("huaweiCompileOnly", False), ("classpath", False),
])
def test_shipped_configurations(config, shipped):
    assert shipped_configuration(config) is shipped


def test_project_settings_modules_values_and_catalog(tmp_path):
    root = write_project(tmp_path, {
        "settings.gradle.kts": 'rootProject.name = "x"\ninclude(":app", ":core")\n'
                               'project(":core").projectDir = file("libraries/core")\n'
                               "dependencyResolutionManagement {\n  versionCatalogs {\n"
                               '    create("sdk") { from(files("gradle/sdk.versions.toml")) }\n  }\n}\n',
        "gradle/libs.versions.toml": '[versions]\nmin = "23"\n[libraries]\nx = "g:x:1"\n',
        "gradle/sdk.versions.toml": '[libraries]\njpush = "cn.jiguang.sdk:jpush:5.0.0"\n',
        "gradle.properties": "targetSdkProp=34\n",
        "app/build.gradle.kts": 'plugins { id("com.android.application") }\n'
                                'val appVersion = "2.0"\n'
                                "android {\n"
                                '    namespace = "com.x"\n'
                                "    compileSdk = 34\n"
                                "    defaultConfig {\n"
                                '        applicationId = "com.x.app"\n'
                                "        minSdk = libs.versions.min.get().toInt()\n"
                                '        targetSdk = project.property("targetSdkProp").toString().toInt()\n'
                                "        versionName = appVersion\n"
                                "        versionCode = Versions.code\n"
                                '        manifestPlaceholders["CHANNEL"] = "store"\n'
                                "    }\n"
                                "    productFlavors {\n"
                                '        create("huawei") { }\n'
                                '        create("oppo") { }\n'
                                "    }\n"
                                "}\n"
                                "dependencies {\n    implementation(sdk.jpush)\n    implementation(projects.core)\n}\n",
        "libraries/core/build.gradle": "apply plugin: 'com.android.library'\nandroid { namespace 'com.x.core' }\n",
    })
    proj = load_project(root)
    assert list(proj.modules) == [":app", ":core"]
    app, core = proj.modules[":app"], proj.modules[":core"]
    assert (app.kind, core.kind) == ("application", "library")
    assert core.rel == "libraries/core" and core.namespace == "com.x.core"
    assert (app.application_id, app.min_sdk, app.target_sdk, app.version_name, app.compile_sdk) == (
        "com.x.app", 23, 34, "2.0", 34)
    assert app.version_code is None
    assert any(w.startswith("app/build.gradle.kts:11: cannot resolve versionCode") for w in proj.warnings)
    assert app.placeholders == {"CHANNEL": "store"}
    assert app.flavors == ["huawei", "oppo"]
    assert [(d.kind, d.value) for d in app.dependencies] == [("maven", "cn.jiguang.sdk:jpush:5.0.0"),
                                                              ("project-accessor", "core")]
    assert proj.module_for_accessor("core") is core
    assert app.locations["min_sdk"] == ("app/build.gradle.kts", 8)


def test_missing_module_directory_is_a_warning(tmp_path):
    root = write_project(tmp_path, {"settings.gradle": "include ':app', ':gone'\n",
                                    "app/build.gradle": "apply plugin: 'com.android.application'\n"})
    proj = load_project(root)
    assert any("module :gone is included but its directory gone does not exist" in w for w in proj.warnings)


def test_single_module_project_without_settings(tmp_path):
    root = write_project(tmp_path, {"build.gradle": "apply plugin: 'com.android.application'\n"
                                                    "android { defaultConfig { minSdkVersion 19 } }\n"})
    proj = load_project(root)
    assert list(proj.modules) == [":"]
    assert proj.modules[":"].min_sdk == 19
