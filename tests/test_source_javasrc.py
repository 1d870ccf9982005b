"""The Java/Kotlin scanner and its CodeModel: what it sees, and the limits docs/source-mode.md states."""

from __future__ import annotations

import pytest

from selfaudit.collect.javasrc import parse_source, parse_suppression
from selfaudit.collect.source_code import SourceCodeModel, SourceIndex, find_code_refs
from selfaudit.knowledge import load_knowledge


@pytest.fixture(scope="module")
def kb():
    return load_knowledge([])


def scan(kb, files: dict[str, str]):
    parsed = [parse_source(text, path) for path, text in files.items()]
    known = [a.class_name for a in kb.apis.values() if a.class_name]
    model = SourceCodeModel(SourceIndex(parsed, known))
    refs, reflection = find_code_refs(model, kb.apis.values())
    return model, refs, parsed, reflection


def ref_set(refs):
    return {(r.api_id, r.location.class_name, r.location.method, r.location.line) for r in refs}


def targets(model, key):
    return [c.target.split("(")[0] for c in model.calls(key)]


JAVA_APP = """\
package com.example;

import android.app.Activity;
import android.content.Context;
import android.os.Handler;
import android.provider.Settings;
import android.telephony.TelephonyManager;
import java.util.concurrent.Executor;
import static android.os.Build.SERIAL;

public class Main extends Activity implements Runnable {
    private TelephonyManager tm;
    private static final String TAG = "Main";
    static { init(); }

    public Main() { this(1); }
    Main(int x) { }

    @Override
    protected void onCreate(android.os.Bundle b) {
        super.onCreate(b);
        tm = (TelephonyManager) getSystemService(Context.TELEPHONY_SERVICE);
        String id = tm.getDeviceId();
        String imsi = ((TelephonyManager) getSystemService("phone")).getSubscriberId();
        var serial = SERIAL;
        new Handler().post(new Runnable() {
            @Override public void run() { readAndroidId(Main.this); }
        });
        Executor ex = null;
        ex.execute(() -> readAndroidId(this));
        ex.execute(this::run);
        Helper.Inner.collect(this);
        requestPermissions(new String[] {"android.permission.CAMERA"}, 7);
    }

    static void readAndroidId(Context c) {
        Settings.Secure.getString(c.getContentResolver(), Settings.Secure.ANDROID_ID);
    }

    public void run() { }
    static void init() { }
}

class Helper {
    static class Inner {
        static void collect(Context c) { }
    }
}
"""


def test_java_calls_fields_and_receivers(kb):
    model, refs, _p, _r = scan(kb, {"app/src/main/java/com/example/Main.java": JAVA_APP})
    got = ref_set(refs)
    assert ("telephony.get-device-id", "com.example.Main", "onCreate", 23) in got  # field typed in the class
    assert ("telephony.get-subscriber-id", "com.example.Main", "onCreate", 24) in got  # cast of a getter
    assert ("build.serial", "com.example.Main", "onCreate", 25) in got  # static import
    assert ("settings-secure.get-string.android-id", "com.example.Main", "readAndroidId", 37) in got
    # An inherited framework call resolves through the Activity hierarchy.
    assert ("activity.request-permissions", "com.example.Main", "onCreate", 33) in got
    assert ("handler.post", "com.example.Main", "onCreate", 26) in got
    assert ("executor.execute", "com.example.Main", "onCreate", 30) in got


def test_java_structure_in_the_code_model(kb):
    model, _refs, _p, _r = scan(kb, {"app/src/main/java/com/example/Main.java": JAVA_APP})
    assert model.has_class("com.example.Main") and model.has_class("com.example.Helper$Inner")
    assert model.superclass("com.example.Main") == "android.app.Activity"
    assert model.interfaces("com.example.Main") == ["java.lang.Runnable"]
    keys = model.methods_of("com.example.Main")
    assert {"com.example.Main.<clinit>(…)", "com.example.Main.<init>(…)", "com.example.Main.onCreate(…)",
            "com.example.Main.readAndroidId(…)", "com.example.Main.run(…)", "com.example.Main.init(…)"} <= set(keys)
    assert targets(model, "com.example.Main.<clinit>(…)") == ["com.example.Main.init"]
    on_create = targets(model, "com.example.Main.onCreate()V")  # a JVM descriptor in the key is accepted
    assert "android.app.Activity.onCreate" in on_create
    assert "com.example.Helper$Inner.collect" in on_create
    assert "android.telephony.TelephonyManager.getDeviceId" in on_create
    # new Runnable() { } is the anonymous class Main$1, made in onCreate; the lambda and the method
    # reference are synthetic classes made there too.
    made = model.instantiated("com.example.Main.onCreate(…)")
    assert "com.example.Main$1" in made and "android.os.Handler" in made
    lambdas = [c for c in made if "$$Lambda$" in c]
    assert len(lambdas) == 2
    assert model.interfaces("com.example.Main$1") == ["java.lang.Runnable"]
    assert targets(model, "com.example.Main$1.run(…)") == ["com.example.Main.readAndroidId"]
    assert all(model.interfaces(c) == ["java.lang.Runnable"] for c in lambdas)  # execute(...) takes a Runnable
    bodies = [t for c in lambdas for t in targets(model, model.methods_of(c)[0])]
    assert "com.example.Main.lambda$onCreate$0" in bodies
    assert targets(model, "com.example.Main.lambda$onCreate$0(…)") == ["com.example.Main.readAndroidId"]
    # Framework calls carry the argument types the hand-off analysis needs.
    post = next(c for c in model.calls("com.example.Main.onCreate(…)") if c.target.startswith("android.os.Handler.post"))
    assert post.target == "android.os.Handler.post(Ljava/lang/Runnable;)V"
    loc = model.location("com.example.Main.readAndroidId(…)")
    assert (loc.file, loc.line, loc.method) == ("app/src/main/java/com/example/Main.java", 36, "readAndroidId")
    assert "android_id" in model.strings("com.example.Main.readAndroidId(…)")
    assert "android.provider.Settings$Secure.ANDROID_ID" in model.field_reads("com.example.Main.readAndroidId(…)")
    assert model.calls("com.example.Nope.x(…)") == [] and model.instantiated("com.example.Nope.x(…)") == []


KOTLIN_APP = """\
package com.example

import android.app.Application
import android.content.ClipboardManager
import android.content.Context
import android.location.LocationManager
import android.os.Build
import android.telephony.TelephonyManager
import kotlin.concurrent.thread

class App : Application() {
    private val tm by lazy { getSystemService(Context.TELEPHONY_SERVICE) as TelephonyManager }

    override fun onCreate() {
        super.onCreate()
        val imei = tm.imei
        thread { readSerial() }
        val lm = getSystemService(LocationManager::class.java)
        lm.getLastKnownLocation("gps")
        val cm = getSystemService<ClipboardManager>()
        cm.primaryClip?.let { println(it) }
        listOf(1, 2).forEach { packageManager.getInstalledPackages(it) }
        applicationContext.readOaid()
        Tracker.start(this)
        Companion.helper()
    }

    fun readSerial() = Build.getSerial()

    companion object {
        fun helper() { }
    }
}

object Tracker {
    fun start(ctx: Context) {
        val text = "${ctx.packageManager.getInstalledApplications(0)}"
    }
}

fun Context.readOaid(): String = "none"
"""


def test_kotlin_calls_properties_and_lambdas(kb):
    model, refs, _p, _r = scan(kb, {"app/src/main/java/com/example/App.kt": KOTLIN_APP})
    got = ref_set(refs)
    assert ("telephony.get-imei", "com.example.App", "onCreate", 16) in got  # property → getter, lazy field type
    assert ("build.get-serial", "com.example.App", "readSerial", 28) in got
    assert ("location-manager.get-last-known-location", "com.example.App", "onCreate", 19) in got
    assert ("clipboard.get-primary-clip", "com.example.App", "onCreate", 21) in got
    # forEach is inline: its body stays in onCreate
    assert ("package-manager.get-installed-packages", "com.example.App", "onCreate", 22) in got
    # thread { } is a Runnable lambda; its body is a synthetic method
    made = model.instantiated("com.example.App.onCreate(…)")
    lam = [c for c in made if "$$Lambda$" in c]
    assert lam and model.interfaces(lam[0]) == ["java.lang.Runnable"]
    assert targets(model, "com.example.App.onCreate(…)").count("com.example.App.readSerial") == 0
    body = targets(model, model.methods_of(lam[0])[0])[0]
    assert targets(model, body + "(…)") == ["com.example.App.readSerial"]
    calls = targets(model, "com.example.App.onCreate(…)")
    assert "com.example.Tracker.start" in calls
    assert "com.example.App$Companion.helper" in calls
    assert "com.example.AppKt.readOaid" in calls  # an extension function goes to its file class
    assert model.has_class("com.example.AppKt") and model.has_class("com.example.App$Companion")
    assert model.superclass("com.example.App") == "android.app.Application"


def test_limit_string_templates_are_not_scanned(kb):
    """Calls inside ``"${...}"`` templates are part of a string token: not seen (documented)."""
    _model, refs, _p, _r = scan(kb, {"app/src/main/java/com/example/App.kt": KOTLIN_APP})
    assert not any(r.api_id == "package-manager.get-installed-applications" for r in refs)


def test_limit_types_from_other_files_fields_and_returns(kb):
    """A receiver typed only in another file (a superclass field, a method's return) is unknown:
    distinctive API names still match, shared ones need an import of the API class."""
    files = {
        "a/Base.java": "package a;\nimport android.location.LocationManager;\n"
                       "public class Base { protected LocationManager lm; protected Object tmHolder; }\n",
        "a/Child.java": "package a;\npublic class Child extends Base {\n"
                        "  void f() { lm.getLastKnownLocation(\"gps\"); tm().getSubscriberId(); }\n"
                        "  Object tm() { return null; }\n}\n",
    }
    _model, refs, _p, _r = scan(kb, files)
    ids = {r.api_id for r in refs}
    assert "telephony.get-subscriber-id" in ids  # distinctive member, unknown receiver
    assert "location-manager.get-last-known-location" not in ids  # shared member, no import: missed


def test_limit_reflection_is_recorded_not_resolved(kb):
    files = {"a/R.java": 'package a;\nclass R { void f() throws Exception {\n'
                         '  Class.forName("android.telephony.TelephonyManager").getMethod("getDeviceId");\n} }\n'}
    _model, refs, _p, reflection = scan(kb, files)
    assert not any(r.api_id.startswith("telephony.") for r in refs)
    values = {(x["value"], x["api"]) for x in reflection}
    assert ("android.telephony.TelephonyManager", "java.lang.Class.forName") in values
    assert ("getDeviceId", "java.lang.Class.getMethod") in values


def test_limit_overloads_share_one_key(kb):
    files = {"a/O.java": "package a;\nclass O {\n void f() { g(); }\n void f(int x) { h(); }\n void g() {}\n void h() {}\n}\n"}
    model, _refs, _p, _r = scan(kb, files)
    assert model.methods_of("a.O").count("a.O.f(…)") == 1
    assert targets(model, "a.O.f(…)") == ["a.O.g", "a.O.h"]


def test_own_methods_named_like_apis_are_not_matched(kb):
    files = {"a/Ids.java": "package a;\nclass Ids {\n String getDeviceId() { return \"x\"; }\n"
                           " void f() { this.getDeviceId(); new Ids().getDeviceId(); }\n}\n"}
    _model, refs, _p, _r = scan(kb, files)
    assert refs == []


def test_string_constants_match_like_a_dex(kb):
    files = {"a/S.java": 'package a;\nclass S { void f() { android.net.Uri u = android.net.Uri.parse("content://sms/inbox"); } }\n'}
    _model, refs, _p, _r = scan(kb, files)
    assert ("uri.content-sms", "a.S", "f", 2) in ref_set(refs)


def test_suppression_comments():
    assert parse_suppression("// selfaudit: ignore[device-identifier] only on old devices") == (
        ["device-identifier"], "only on old devices")
    assert parse_suppression("<!-- selfaudit: ignore[a, SA302] why -->") == (["a", "SA302"], "why")
    assert parse_suppression("/* selfaudit: ignore */") == ([], "")
    assert parse_suppression("// nothing to see") is None
    sf = parse_source("class A {\n  // selfaudit: ignore[x] because\n  // selfaudit: ignore[y]\n  // selfaudit: ignore\n}\n", "A.java")
    assert sf.suppressions == [{"file": "A.java", "line": 2, "rules": ["x"], "reason": "because"}]
    assert any(w.startswith("A.java:3:") and "no reason" in w for w in sf.warnings)
    assert any(w.startswith("A.java:4:") and "without rule names" in w for w in sf.warnings)


@pytest.mark.parametrize("text", [
    "class A {\n  void f() {\n",  # unclosed
    "}}} class B { }",  # stray closers
    'class A { String s = "unterminated\n; }',
    "/* never closed",
    "@@@ ((( ]]] -> :: <<< >>>",
    "",
])
def test_odd_input_never_raises(text):
    sf = parse_source(text, "x/Odd.java")
    assert isinstance(sf.warnings, list)
    sf = parse_source(text, "x/Odd.kt")
    assert isinstance(sf.warnings, list)


def test_unbalanced_braces_warn_with_the_line():
    sf = parse_source("package a;\n\nclass A {\n  void f() {\n    g();\n", "a/A.java")
    assert any(w.startswith("a/A.java:3: unbalanced braces") for w in sf.warnings)


MODERN_JAVA = """\
package m;

import android.content.Context;
import android.telephony.TelephonyManager;
import java.util.*;

@SuppressWarnings({"unchecked", "rawtypes"})
public final class J<T extends Comparable<? super T>> implements Comparator<T> {
    private final char brace = '{';
    private final String text = \"\"\"
        { text block }
        \"\"\";
    record Point(int x, int y) { Point { if (x < 0) throw new IllegalArgumentException("{"); } }
    public int compare(T a, T b) { return a.compareTo(b); }
    String kind(Object o, TelephonyManager tm) {
        return switch (o) {
            case Integer i when i > 0 -> { tm.getDeviceId(); yield "pos"; }
            case String s -> "str";
            default -> "other";
        };
    }
}
"""

MODERN_KOTLIN = """\
@file:JvmName("Ids")
package m

import android.telephony.TelephonyManager

class K(private val tm: TelephonyManager) {
    val template = "v ${tm.hashCode()} {"
    fun loop() {
        outer@ for (i in 0..10) {
            listOf(1, 2).forEach inner@{
                if (it == 2) return@inner
                tm.getSubscriberId()
            }
        }
    }
}

fun readImei(tm: TelephonyManager) = tm.imei
"""


def test_modern_syntax_keeps_the_structure(kb):
    model, refs, parsed, _r = scan(kb, {"m/J.java": MODERN_JAVA, "m/K.kt": MODERN_KOTLIN})
    assert all(not sf.warnings for sf in parsed), [sf.warnings for sf in parsed]
    assert model.interfaces("m.J") == ["java.util.Comparator"]  # generic header parsed
    assert model.has_class("m.J$Point")
    # A switch rule's block is part of the method, not a lambda.
    assert ("telephony.get-device-id", "m.J", "kind", 17) in ref_set(refs)
    # forEach with a label stays inline; @file:JvmName names the file class.
    assert ("telephony.get-subscriber-id", "m.K", "loop", 12) in ref_set(refs)
    assert ("telephony.get-imei", "m.Ids", "readImei", 18) in ref_set(refs)


def test_compose_style_capitalised_functions_are_calls(kb):
    files = {"ui/Screen.kt": "package ui\n\n@Composable\nfun Screen() {\n    Card(title = \"x\") { }\n    Row { }\n}\n\n"
                             "@Composable\nfun Card(title: String, content: () -> Unit) { }\n"}
    model, _refs, _p, _r = scan(kb, files)
    calls = [c for c in model.calls("ui.ScreenKt.Screen(…)")]
    assert ("ui.ScreenKt.Card", "static") in [(c.target.split("(")[0], c.kind) for c in calls]
    assert "ui.Card" not in model.instantiated("ui.ScreenKt.Screen(…)")
