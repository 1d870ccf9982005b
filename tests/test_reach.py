"""Reachability over a hand-built code model: entry points, edges, hand-offs, the consent gate.

Each test builds the smallest app that shows one decision of :mod:`selfaudit.reach` (what is an
entry point, which edge is followed, what the gate cuts) with :class:`MemoryCodeModel`, the same
protocol the APK and source collectors implement.
"""

from __future__ import annotations

import pytest

from selfaudit.model import AppFacts, ApplicationInfo, Call, CodeRef, Component, IntentFilter, Location
from selfaudit.reach import (
    MemoryCodeModel,
    Reachability,
    annotate,
    entry_points,
    for_facts,
    location_key,
    method_key,
    param_types,
    split_key,
)

IMEI = "android.telephony.TelephonyManager.getDeviceId()Ljava/lang/String;"
IMSI = "android.telephony.TelephonyManager.getSubscriberId()Ljava/lang/String;"
LAUNCHER = [IntentFilter(actions=["android.intent.action.MAIN"], categories=["android.intent.category.LAUNCHER"])]


def app(code: MemoryCodeModel, *, application: str | None = "com.x.App", components=()) -> AppFacts:
    facts = AppFacts(target="t.apk", kind="apk", package="com.x",
                     application=ApplicationInfo(name=application), components=list(components))
    facts.code = code
    return facts


def ref(key: str, api: str = "android.telephony.TelephonyManager.getDeviceId", api_id="telephony.get-device-id"):
    cls, name, desc = split_key(key)
    return CodeRef(api_id=api_id, api=api, location=Location(file="classes.dex", class_name=cls, method=name,
                                                              descriptor=desc))


def base() -> MemoryCodeModel:
    code = MemoryCodeModel()
    code.add_class("com.x.App", "android.app.Application")
    code.add_method("com.x.App.<init>()V", calls=[("android.app.Application.<init>()V", "direct")])
    return code


# -- keys -------------------------------------------------------------------------------------


def test_method_keys_round_trip():
    assert split_key("com.a.B$C.m(I)V") == ("com.a.B$C", "m", "(I)V")
    assert split_key("com.a.B.<init>") == ("com.a.B", "<init>", "")
    assert method_key("com.a.B", "m", "(I)V") == "com.a.B.m(I)V"
    assert location_key(Location(class_name="com.a.B", method="m", descriptor="()V")) == "com.a.B.m()V"
    assert location_key(Location(file="AndroidManifest.xml")) is None
    assert param_types("(Ljava/lang/Runnable;J[Ljava/lang/String;I)Z") == ("java.lang.Runnable",)


# -- entry points -----------------------------------------------------------------------------


def test_application_entry_walks_the_superclass_chain_inside_app_code():
    code = MemoryCodeModel()
    code.add_class("com.x.Base", "android.app.Application")
    code.add_method("com.x.Base.<clinit>()V")
    code.add_method("com.x.Base.onCreate()V", calls=[IMEI])
    code.add_method("com.x.Base.attachBaseContext(Landroid/content/Context;)V")
    code.add_class("com.x.App", "com.x.Base")
    code.add_method("com.x.App.<init>()V", calls=[("com.x.Base.<init>()V", "direct")])
    entries = {e.method: e for e in entry_points(app(code), code)}
    # App does not override onCreate: the inherited one is the entry; every <clinit> runs.
    assert {"com.x.Base.onCreate()V", "com.x.Base.attachBaseContext(Landroid/content/Context;)V",
            "com.x.Base.<clinit>()V", "com.x.App.<init>()V"} <= set(entries)
    assert entries["com.x.Base.onCreate()V"].kind == "application"
    assert entries["com.x.Base.onCreate()V"].startup


def test_an_override_hides_the_superclass_method_but_super_calls_reach_it():
    code = MemoryCodeModel()
    code.add_class("com.x.Base", "android.app.Application")
    code.add_method("com.x.Base.onCreate()V", calls=[IMEI])
    code.add_class("com.x.App", "com.x.Base")
    code.add_method("com.x.App.onCreate()V", calls=[("com.x.Base.onCreate()V", "super")])
    facts = app(code)
    entries = {e.method for e in entry_points(facts, code)}
    assert "com.x.App.onCreate()V" in entries and "com.x.Base.onCreate()V" not in entries
    g = Reachability(facts, code).pre_consent()
    assert g.path("com.x.Base.onCreate()V") == ["com.x.App.onCreate()V", "com.x.Base.onCreate()V"]


def test_entry_kinds_and_which_run_before_consent():
    code = base()
    for cls, sup in [("com.x.Main", "android.app.Activity"), ("com.x.Other", "android.app.Activity"),
                     ("com.x.Prov", "android.content.ContentProvider"), ("com.x.Boot", "android.content.BroadcastReceiver"),
                     ("com.x.Push", "android.content.BroadcastReceiver"), ("com.x.Svc", "android.app.Service"),
                     ("com.x.Wake", "android.app.Service"), ("com.x.Init", "java.lang.Object")]:
        code.add_class(cls, sup)
    code.add_method("com.x.Main.onCreate(Landroid/os/Bundle;)V")
    code.add_method("com.x.Main.onClick(Landroid/view/View;)V")
    code.add_method("com.x.Other.onCreate(Landroid/os/Bundle;)V")
    code.add_method("com.x.Prov.onCreate()Z")
    code.add_method("com.x.Boot.onReceive(Landroid/content/Context;Landroid/content/Intent;)V")
    code.add_method("com.x.Push.onReceive(Landroid/content/Context;Landroid/content/Intent;)V")
    code.add_method("com.x.Svc.onStartCommand(Landroid/content/Intent;II)I")
    code.add_method("com.x.Wake.onStartCommand(Landroid/content/Intent;II)I")
    code.add_method("com.x.Init.create(Landroid/content/Context;)Ljava/lang/Object;")
    code.add_class("androidx.startup.InitializationProvider", "android.content.ContentProvider")
    comps = [
        Component(kind="activity", name="com.x.Main", exported=True, intent_filters=LAUNCHER),
        Component(kind="activity", name="com.x.Other", exported=False),
        Component(kind="provider", name="com.x.Prov", exported=False),
        Component(kind="receiver", name="com.x.Boot", exported=True,
                  intent_filters=[IntentFilter(actions=["android.intent.action.BOOT_COMPLETED"])]),
        Component(kind="receiver", name="com.x.Push", exported=False,
                  intent_filters=[IntentFilter(actions=["com.x.MESSAGE"])]),
        Component(kind="service", name="com.x.Svc", exported=False),
        Component(kind="service", name="com.x.Wake", exported=True,
                  intent_filters=[IntentFilter(actions=["com.vendor.WAKE"])]),
        Component(kind="provider", name="androidx.startup.InitializationProvider", exported=False,
                  meta_data={"com.x.Init": "androidx.startup"}),
    ]
    entries = entry_points(app(code, components=comps), code)
    startup = {e.method for e in entries if e.startup}
    anyone = {e.method for e in entries}
    assert "com.x.Main.onCreate(Landroid/os/Bundle;)V" in startup            # launcher start-up callback
    assert "com.x.Main.onClick(Landroid/view/View;)V" not in startup         # a user action
    assert "com.x.Main.onClick(Landroid/view/View;)V" in anyone
    assert "com.x.Prov.onCreate()Z" in startup                               # before Application.onCreate
    assert "com.x.Boot.onReceive(Landroid/content/Context;Landroid/content/Intent;)V" in startup
    assert "com.x.Wake.onStartCommand(Landroid/content/Intent;II)I" in startup  # other apps can start it
    assert "com.x.Init.create(Landroid/content/Context;)Ljava/lang/Object;" in startup  # androidx.startup
    assert "com.x.Push.onReceive(Landroid/content/Context;Landroid/content/Intent;)V" not in startup
    assert "com.x.Svc.onStartCommand(Landroid/content/Intent;II)I" not in startup
    assert "com.x.Other.onCreate(Landroid/os/Bundle;)V" not in startup
    assert {"com.x.Push.onReceive(Landroid/content/Context;Landroid/content/Intent;)V",
            "com.x.Svc.onStartCommand(Landroid/content/Intent;II)I",
            "com.x.Other.onCreate(Landroid/os/Bundle;)V"} <= anyone


def test_disabled_components_and_missing_classes_are_no_entry():
    code = base()
    code.add_class("com.x.Off", "android.content.BroadcastReceiver")
    code.add_method("com.x.Off.onReceive(Landroid/content/Context;Landroid/content/Intent;)V")
    boot = [IntentFilter(actions=["android.intent.action.BOOT_COMPLETED"])]
    comps = [Component(kind="receiver", name="com.x.Gone", intent_filters=boot),
             Component(kind="receiver", name="com.x.Off", enabled=False, intent_filters=boot)]
    methods = [e.method for e in entry_points(app(code, components=comps), code)]
    assert not any("Gone" in m or "Off" in m for m in methods)


# -- edges ------------------------------------------------------------------------------------


def analyse(code, **kw):
    facts = app(code, **kw)
    return facts, Reachability(facts, code)


def test_static_calls_run_the_class_initialiser():
    code = base()
    code.add_method("com.x.App.onCreate()V", calls=[("com.x.Util.go()V", "static")])
    code.add_method("com.x.Util.go()V")
    code.add_method("com.x.Util.<clinit>()V", calls=[IMEI])
    _, az = analyse(code)
    assert az.pre_consent().reached("com.x.Util.<clinit>()V")


def test_virtual_calls_reach_overrides_of_instantiated_classes_only():
    code = base()
    code.add_class("com.x.Tracker", "java.lang.Object")
    code.add_method("com.x.Tracker.track()V")
    code.add_class("com.x.DeviceTracker", "com.x.Tracker")
    code.add_method("com.x.DeviceTracker.<init>()V", calls=[("com.x.Tracker.<init>()V", "direct")])
    code.add_method("com.x.DeviceTracker.track()V", calls=[IMEI])
    code.add_class("com.x.NeverMade", "com.x.Tracker")
    code.add_method("com.x.NeverMade.track()V", calls=[IMSI])
    code.add_method("com.x.App.onCreate()V", calls=[("com.x.DeviceTracker.<init>()V", "direct"),
                                                   ("com.x.Tracker.track()V", "invoke")],
                    new=["com.x.DeviceTracker"])
    _, az = analyse(code)
    g = az.pre_consent()
    assert g.reached("com.x.Tracker.track()V")
    assert g.reached("com.x.DeviceTracker.track()V")     # RTA: instantiated subtype
    assert not g.reached("com.x.NeverMade.track()V")     # never instantiated: not a target


def test_interface_calls_on_framework_types_dispatch_to_instantiated_implementors():
    code = base()
    code.add_class("com.x.Job", "java.lang.Object", ["java.lang.Runnable"])
    code.add_method("com.x.Job.run()V", calls=[IMEI])
    code.add_method("com.x.Pool.submit(Ljava/lang/Runnable;)V", calls=[("java.lang.Runnable.run()V", "interface")])
    code.add_method("com.x.App.onCreate()V", calls=[("com.x.Job.<init>()V", "direct"),
                                                   ("com.x.Pool.submit(Ljava/lang/Runnable;)V", "static")])
    code.add_method("com.x.Job.<init>()V")
    _, az = analyse(code)
    g = az.pre_consent()
    assert g.path("com.x.Job.run()V")[-1] == "com.x.Job.run()V"


@pytest.mark.parametrize("handoff, callback_class, callback", [
    ("android.os.Handler.post(Ljava/lang/Runnable;)Z", "java.lang.Runnable", "run()V"),
    ("android.os.Handler.postDelayed(Ljava/lang/Runnable;J)Z", "java.lang.Runnable", "run()V"),
    ("android.view.View.post(Ljava/lang/Runnable;)Z", "java.lang.Runnable", "run()V"),
    ("android.app.Activity.runOnUiThread(Ljava/lang/Runnable;)V", "java.lang.Runnable", "run()V"),
    ("java.util.concurrent.Executor.execute(Ljava/lang/Runnable;)V", "java.lang.Runnable", "run()V"),
    ("java.util.concurrent.ExecutorService.submit(Ljava/util/concurrent/Callable;)Ljava/util/concurrent/Future;",
     "java.util.concurrent.Callable", "call()Ljava/lang/Object;"),
    ("java.lang.Thread.<init>(Ljava/lang/Runnable;)V", "java.lang.Runnable", "run()V"),
    ("java.util.concurrent.CompletableFuture.supplyAsync(Ljava/util/function/Supplier;)Ljava/util/concurrent/CompletableFuture;",
     "java.util.function.Supplier", "get()Ljava/lang/Object;"),
    ("android.content.Context.registerReceiver(Landroid/content/BroadcastReceiver;Landroid/content/IntentFilter;)Landroid/content/Intent;",
     "android.content.BroadcastReceiver", "onReceive(Landroid/content/Context;Landroid/content/Intent;)V"),
    ("android.location.LocationManager.requestLocationUpdates(Ljava/lang/String;JFLandroid/location/LocationListener;)V",
     "android.location.LocationListener", "onLocationChanged(Landroid/location/Location;)V"),
])
def test_framework_handoffs_call_the_object_back(handoff, callback_class, callback):
    code = base()
    cb = "com.x.App$1"
    if callback_class in ("android.content.BroadcastReceiver",):
        code.add_class(cb, callback_class)
    else:
        code.add_class(cb, "java.lang.Object", [callback_class])
    code.add_method(f"{cb}.<init>(Lcom/x/App;)V")
    code.add_method(f"{cb}.{callback}", calls=[IMEI])
    code.add_method("com.x.App.onCreate()V", calls=[(f"{cb}.<init>(Lcom/x/App;)V", "direct"), (handoff, "invoke")])
    _, az = analyse(code)
    g = az.pre_consent()
    assert g.path(f"{cb}.{callback}") == ["com.x.App.onCreate()V", f"{cb}.{callback}"]


def test_handoffs_that_only_drop_the_object_are_not_followed():
    code = base()
    code.add_class("com.x.App$1", "java.lang.Object", ["java.lang.Runnable"])
    code.add_method("com.x.App$1.<init>()V")
    code.add_method("com.x.App$1.run()V", calls=[IMEI])
    code.add_method("com.x.App.onCreate()V", calls=[("com.x.App$1.<init>()V", "direct"),
                                                   ("android.os.Handler.removeCallbacks(Ljava/lang/Runnable;)V", "invoke")])
    _, az = analyse(code)
    assert not az.pre_consent().reached("com.x.App$1.run()V")


@pytest.mark.parametrize("superclass, trigger, callback", [
    ("java.lang.Thread", "start()V", "run()V"),
    ("android.os.AsyncTask", "execute([Ljava/lang/Object;)Landroid/os/AsyncTask;", "doInBackground([Ljava/lang/Object;)Ljava/lang/Object;"),
    ("android.os.Handler", "sendEmptyMessage(I)Z", "handleMessage(Landroid/os/Message;)V"),
])
def test_the_receiver_carries_the_callback(superclass, trigger, callback):
    code = base()
    code.add_class("com.x.Worker", superclass)
    code.add_method("com.x.Worker.<init>()V")
    code.add_method(f"com.x.Worker.{callback}", calls=[IMEI])
    code.add_method("com.x.App.onCreate()V", calls=[("com.x.Worker.<init>()V", "direct"),
                                                   (f"com.x.Worker.{trigger}", "invoke")])
    _, az = analyse(code)
    assert az.pre_consent().reached(f"com.x.Worker.{callback}")


def test_d8_lambda_singletons_are_found_without_a_new_instance():
    code = base()
    lam = "com.x.App$$ExternalSyntheticLambda0"
    code.add_class(lam, "java.lang.Object", ["java.lang.Runnable"])
    code.add_method(f"{lam}.run()V", calls=[("com.x.App.lambda$onCreate$0()V", "static")])
    code.add_method("com.x.App.lambda$onCreate$0()V", calls=[IMEI])
    code.add_method("com.x.App.onCreate()V", calls=[("java.util.concurrent.Executor.execute(Ljava/lang/Runnable;)V", "interface")])
    _, az = analyse(code)
    g = az.pre_consent()
    assert g.path("com.x.App.lambda$onCreate$0()V") == ["com.x.App.onCreate()V", f"{lam}.run()V",
                                                        "com.x.App.lambda$onCreate$0()V"]


def test_kotlin_lambda_classes_are_found_by_name():
    code = base()
    lam = "com.x.App$onCreate$1"
    code.add_class(lam, "kotlin.jvm.internal.Lambda", ["kotlin.jvm.functions.Function0"])
    code.add_method(f"{lam}.invoke()Ljava/lang/Object;", calls=[IMEI])
    code.add_method("com.x.App.onCreate()V", calls=[
        ("kotlinx.coroutines.BuildersKt.launch(Lkotlinx/coroutines/CoroutineScope;Lkotlin/jvm/functions/Function0;)V", "static")])
    _, az = analyse(code)
    assert az.pre_consent().reached(f"{lam}.invoke()Ljava/lang/Object;")


def test_an_sdk_executor_wrapper_forwards_its_callers_runnable():
    code = base()
    code.add_class("com.sdk.Pool", "java.lang.Object")
    code.add_method("com.sdk.Pool.run(Ljava/lang/Runnable;J)V",
                    calls=[("java.util.concurrent.ScheduledExecutorService.schedule(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/ScheduledFuture;", "interface")])
    code.add_class("com.sdk.Init$2", "java.lang.Object", ["java.lang.Runnable"])
    code.add_method("com.sdk.Init$2.<init>()V")
    code.add_method("com.sdk.Init$2.run()V", calls=[IMEI])
    code.add_method("com.x.App.onCreate()V", calls=[("com.sdk.Init$2.<init>()V", "direct"),
                                                   ("com.sdk.Pool.run(Ljava/lang/Runnable;J)V", "static")])
    _, az = analyse(code)
    # The path names the method that made the Runnable, not the wrapper's internals.
    assert az.pre_consent().path("com.sdk.Init$2.run()V") == ["com.x.App.onCreate()V", "com.sdk.Init$2.run()V"]


def test_ui_listeners_are_not_followed_before_consent_but_count_as_reachable():
    code = base()
    code.add_class("com.x.Main", "android.app.Activity")
    code.add_method("com.x.Main.onCreate(Landroid/os/Bundle;)V", calls=[
        ("com.x.Main$1.<init>(Lcom/x/Main;)V", "direct"),
        ("android.view.View.setOnClickListener(Landroid/view/View$OnClickListener;)V", "invoke")])
    code.add_class("com.x.Main$1", "java.lang.Object", ["android.view.View$OnClickListener"])
    code.add_method("com.x.Main$1.<init>(Lcom/x/Main;)V")
    code.add_method("com.x.Main$1.onClick(Landroid/view/View;)V", calls=[IMEI])
    facts, az = analyse(code, components=[Component(kind="activity", name="com.x.Main", exported=True,
                                                    intent_filters=LAUNCHER)])
    assert not az.pre_consent().reached("com.x.Main$1.onClick(Landroid/view/View;)V")
    assert az.any().reached("com.x.Main$1.onClick(Landroid/view/View;)V")


def test_component_starts_follow_class_constants_to_the_manifest_component():
    code = base()

    class WithConstants(MemoryCodeModel):
        def const_classes(self, method):
            return ["com.x.Svc"] if method == "com.x.App.onCreate()V" else []

    code.__class__ = WithConstants
    code.add_class("com.x.Svc", "android.app.Service")
    code.add_method("com.x.Svc.onStartCommand(Landroid/content/Intent;II)I", calls=[IMEI])
    code.add_method("com.x.App.onCreate()V", calls=[
        ("android.content.Intent.<init>(Landroid/content/Context;Ljava/lang/Class;)V", "direct"),
        ("android.content.Context.startService(Landroid/content/Intent;)Landroid/content/ComponentName;", "invoke")])
    facts, az = analyse(code, components=[Component(kind="service", name="com.x.Svc", exported=False)])
    assert az.pre_consent().path("com.x.Svc.onStartCommand(Landroid/content/Intent;II)I") == [
        "com.x.App.onCreate()V", "com.x.Svc.onStartCommand(Landroid/content/Intent;II)I"]


def test_fragments_made_in_reached_code_run_their_lifecycle():
    code = base()
    code.add_class("com.x.MapFragment", "android.app.Fragment")
    code.add_method("com.x.MapFragment.<init>()V")
    code.add_method("com.x.MapFragment.onResume()V", calls=[IMEI])
    code.add_method("com.x.App.onCreate()V", calls=[("com.x.MapFragment.<init>()V", "direct")])
    _, az = analyse(code)
    assert az.pre_consent().reached("com.x.MapFragment.onResume()V")


# -- the consent gate ---------------------------------------------------------------------------


def gated_code() -> MemoryCodeModel:
    code = base()
    code.add_method("com.x.Privacy.isAgreed(Landroid/content/Context;)Z")
    code.add_method("com.x.App.onCreate()V", calls=[
        ("com.x.App.early()V", "direct"),
        ("com.x.Privacy.isAgreed(Landroid/content/Context;)Z", "static"),
        ("com.x.App.initSdks()V", "direct"),
        IMSI,
    ])
    code.add_method("com.x.App.early()V", calls=[IMEI])
    code.add_method("com.x.App.initSdks()V", calls=[IMEI])
    return code


def test_gate_checks_guard_the_calls_after_them_in_the_same_method():
    facts, az = analyse(gated_code())
    g = az.pre_consent(gate_checks=["com.x.Privacy.isAgreed"])
    assert g.reached("com.x.App.early()V")            # before the check: still pre-consent
    assert not g.reached("com.x.App.initSdks()V")     # after the check: guarded
    site = g.site(ref("com.x.App.onCreate()V", "android.telephony.TelephonyManager.getSubscriberId",
                      "telephony.get-subscriber-id"))
    assert site.reachable and site.guarded             # a read after the check in the same method
    ungated = az.pre_consent()
    assert ungated.reached("com.x.App.initSdks()V")    # without a gate everything counts


def test_gate_methods_cut_every_path_through_them():
    facts, az = analyse(gated_code())
    g = az.pre_consent(gate_methods=["com.x.App.initSdks"])
    assert not g.reached("com.x.App.initSdks()V") and "com.x.App.initSdks()V" in g.gated
    assert g.reached("com.x.App.early()V")
    whole_class = az.pre_consent(gate_methods=["com.x.App.*"])
    assert len(whole_class) == 0


def test_any_graph_ignores_the_gate():
    facts, az = analyse(gated_code())
    az.pre_consent(gate_methods=["com.x.App.initSdks"])
    assert az.any().reached("com.x.App.initSdks()V")


# -- sites, paths and integration ----------------------------------------------------------------


def test_annotate_sets_reachable_and_a_shortest_path_on_code_refs():
    code = base()
    code.add_method("com.x.App.onCreate()V", calls=[("com.x.A.a()V", "static"), ("com.x.B.b()V", "static")])
    code.add_method("com.x.A.a()V", calls=[("com.x.B.b()V", "static")])
    code.add_method("com.x.B.b()V", calls=[IMEI])
    code.add_method("com.x.Dead.d()V", calls=[IMEI])
    facts = app(code)
    facts.code_refs = [ref("com.x.B.b()V"), ref("com.x.Dead.d()V")]
    secondary = ref("com.x.B.b()V")
    secondary.container = "assets/plugin.jar"
    facts.code_refs.append(secondary)
    annotate(facts)
    live, dead, loaded = facts.code_refs
    assert live.reachable is True and live.path == ["com.x.App.onCreate()V", "com.x.B.b()V"]
    assert dead.reachable is False and dead.path == []
    assert loaded.reachable is None      # code loaded at run time: the graph cannot tell


def test_source_mode_descriptors_match_by_arity():
    code = MemoryCodeModel()
    code.add_class("com.x.App", "android.app.Application")
    code.add_method("com.x.App.onCreate(0)", calls=[("com.x.Util.read(1)", "static")])
    code.add_method("com.x.Util.read(1)")
    facts = app(code)
    facts.kind = "source"
    g = Reachability(facts, code).pre_consent()
    assert g.reached("com.x.Util.read(1)")
    # A code ref whose location has no descriptor still finds its method.
    site = g.site(CodeRef(api_id="x", api="a.B.c", location=Location(class_name="com.x.Util", method="read")))
    assert site.reachable


def test_source_mode_orders_gate_and_field_reads_by_line():
    code = MemoryCodeModel()
    code.add_class("com.x.App", "android.app.Application")
    code.add_method("com.x.App.onCreate(0)", calls=[Call("com.x.Privacy.isAgreed(0)", 20, "static")])
    facts = app(code)
    facts.kind = "source"
    g = Reachability(facts, code).pre_consent(gate_checks=["com.x.Privacy.isAgreed"])
    before = CodeRef(api_id="build.serial", api="android.os.Build.SERIAL", kind="field",
                     location=Location(file="App.java", line=12, class_name="com.x.App", method="onCreate"))
    after = CodeRef(api_id="build.serial", api="android.os.Build.SERIAL", kind="field",
                    location=Location(file="App.java", line=25, class_name="com.x.App", method="onCreate"))
    assert not g.site(before).guarded
    assert g.site(after).guarded


def test_for_facts_caches_one_analysis_per_code_model_and_decodes_lazily():
    code = base()
    code.add_method("com.x.App.onCreate()V")
    for i in range(50):
        code.add_method(f"com.x.Unrelated{i}.m()V", calls=[IMEI])
    facts = app(code)
    assert for_facts(facts) is for_facts(facts)
    for_facts(facts).pre_consent()
    assert not any("Unrelated" in m for m in code.asked)   # only reached methods are decoded
    assert for_facts(AppFacts(target="x", kind="apk")) is None
