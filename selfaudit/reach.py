"""Static reachability over a :class:`~selfaudit.model.CodeModel`: what runs, and what runs before consent.

The most punished red line is collecting before the user agrees to the privacy policy. No device is
needed to find most of it: the platform calls a handful of entry points on its own (Application,
every ContentProvider, the launcher Activity, receivers for system broadcasts...), and whatever they
call, directly or through a thread, a handler or an executor, runs before any consent dialog can be
answered. This module builds that call graph lazily over the collector's code model (APK or source
alike: it only uses the protocol in ``selfaudit.model``), decoding only the methods it reaches.

Two questions, two graphs, both explored cheapest-first so that every recorded path is a shortest
one, preferring precise edges over guesses (:class:`Graph` gives the costs):

* **any**: reachable from *any* manifest entry point, following every edge including user-driven UI
  callbacks, ignoring the consent gate. It sets ``CodeRef.reachable``/``path``: "present in a
  library" versus "actually called by the app".
* **pre-consent** (:meth:`Reachability.pre_consent`): reachable from the entry points that run
  without the user having agreed to anything (start-up, system broadcasts, other apps), following
  only system-driven edges, and cut by the declared consent gate. The rules use it.

Edges, and the choices behind them (each is a trade-off between missing collection and inventing it):

* ``invoke``: static/direct/super calls resolve up the superclass chain inside app code; virtual and
  interface calls resolve to the declared type's implementation plus, by rapid type analysis (RTA),
  the overrides in every class *instantiated in reached code* (``new``, constructor calls, and
  class names given to reflection). Manifest components count as instantiated (the platform makes
  them). Calling into a class also runs its static initialiser.
* hand-offs to framework code: a framework method that receives a ``Runnable``, ``Callable``,
  ``TimerTask``, ``Handler.Callback``, listener... will call it back (``Handler.post*``,
  ``View.post``, ``Executor.execute/submit``, ``Timer.schedule``, ``new Thread(r)``,
  ``runOnUiThread``, ``CompletableFuture.*Async``, ``registerReceiver``, ``requestLocationUpdates``,
  ``SensorManager.registerListener``...). The callback object is taken from the same method first
  (including D8 ``$$ExternalSyntheticLambda`` and Kotlin ``$method$1`` lambda classes, which may be
  singletons never ``new``-ed there), then from the same top-level class, and only then from every
  instantiated class of the right type (plain RTA). The receiver itself carries the callback for
  ``Thread.start``, ``AsyncTask.execute``, ``Handler.sendMessage*`` and ``requestPermissions``
  (``onRequestPermissionsResult``: answering a permission dialog is not agreeing to the policy).
  Kotlin coroutine builders and RxJava operators get the same treatment, for lambdas of the method.
* system callbacks made live by instantiation: Fragment and lifecycle-observer callbacks, WorkManager
  workers, androidx.startup initializers, and Tinker's ``ApplicationLike`` (the hot-fix
  framework's reflective Application delegate). Classes named by a ``const-class`` in reached code
  count as instantiated (workers, fragments and Gson models are made by reflection from them), as
  do app classes named by a constant string in a method that calls reflection.
* components started by class: ``startService``/``bindService``/``startActivity``/``sendBroadcast``
  in a method that names a manifest component by ``X.class`` (or by its name) reach that
  component's lifecycle (a push receiver starting its service, a splash starting the home screen).
* **not followed before consent**: UI listeners (``OnClickListener`` and friends, dialog buttons,
  text watchers, ``ClickableSpan``...) and the crash handler. The consent dialog's "agree" button
  is one of them: following clicks would put the post-consent code before consent. They are
  followed for the *any* graph, which also treats every ``on*`` method of an instantiated class
  with a framework supertype as a possible callback.
* **not followed at all**: intents whose target is not a class constant in the same method,
  ``JobScheduler`` jobs, ``AlarmManager`` ``PendingIntent`` targets, JNI, reflection beyond constant
  class names, and ``Object.toString/equals/hashCode`` dispatch (every class overrides them and none
  is a privacy question).

The consent gate (``[consent]`` in the declarations) cuts the pre-consent graph: a ``gate_method``
(``Class.method``, ``Class.method(desc)`` or ``Class.*``) is never entered, and in a method that
calls a ``gate_check``, every call after the check (code order) is treated as guarded.
"""

from __future__ import annotations

import heapq
import re
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from selfaudit.model import AppFacts, Call, CodeRef, Component, Location

__all__ = [
    "Entry",
    "Site",
    "CallSite",
    "Graph",
    "Reachability",
    "MemoryCodeModel",
    "entry_points",
    "for_facts",
    "annotate",
    "split_key",
    "method_key",
    "location_key",
    "SYSTEM_ACTION_PREFIXES",
]

# --------------------------------------------------------------------------------------------
# Method keys
# --------------------------------------------------------------------------------------------


_SPLIT: dict[str, tuple[str, str, str]] = {}
_MISSING: Any = object()


def split_key(key: str) -> tuple[str, str, str]:
    """``com.a.B.m(I)V`` → (``com.a.B``, ``m``, ``(I)V``); the descriptor may be empty."""
    hit = _SPLIT.get(key)
    if hit is not None:
        return hit
    paren = key.find("(")
    head, desc = (key, "") if paren < 0 else (key[:paren], key[paren:])
    cls, _, name = head.rpartition(".")
    hit = (cls, name, desc)
    if len(_SPLIT) < 500_000:
        _SPLIT[key] = hit
    return hit


def method_key(cls: str, name: str, desc: str | None = "") -> str:
    return f"{cls}.{name}{desc or ''}"


def location_key(loc: Location | None) -> str | None:
    """The method key of a code location (class + method + descriptor), or None."""
    if loc is None or not loc.class_name or not loc.method:
        return None
    return method_key(loc.class_name, loc.method, loc.descriptor)


def short(key: str) -> str:
    """``com.a.B.m(I)V`` → ``B.m``: for messages."""
    cls, name, _ = split_key(key)
    return f"{cls.rsplit('.', 1)[-1]}.{name}"


_JVM_TYPE = r"\[*(?:[ZBSCIJFDV]|L[^;()]+;)"
_JVM_DESC = re.compile(rf"^\(((?:{_JVM_TYPE})*)\)({_JVM_TYPE})$")
_ONE_TYPE = re.compile(_JVM_TYPE)


_PARAMS: dict[str, tuple[str, ...]] = {}


def param_types(desc: str) -> tuple[str, ...]:
    """Binary class names of the object parameters of a JVM descriptor (arrays skipped)."""
    out = _PARAMS.get(desc)
    if out is None:
        m = _JVM_DESC.match(desc)
        found = _ONE_TYPE.findall(m.group(1)) if m else ()
        out = tuple(t[1:-1].replace("/", ".") for t in found if t.startswith("L"))
        if len(_PARAMS) < 200_000:
            _PARAMS[desc] = out
    return out


_JVM: dict[str, bool] = {}


def _is_jvm(desc: str) -> bool:
    hit = _JVM.get(desc)
    if hit is None:
        hit = _JVM[desc] = bool(_JVM_DESC.match(desc))
    return hit


def _compatible(a: str, b: str) -> bool:
    """Descriptors match exactly when both are JVM descriptors; otherwise by arity if known."""
    if not a or not b or a == b:
        return True
    if _is_jvm(a) and _is_jvm(b):
        return False
    return _arity(a) is None or _arity(b) is None or _arity(a) == _arity(b)


def _arity(desc: str) -> int | None:
    m = _JVM_DESC.match(desc)
    if m:
        return len(_ONE_TYPE.findall(m.group(1)))
    m = re.match(r"^\((\d+)\)", desc)  # source mode may give "(3)"
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------------------------
# Tables: the framework's hand-offs and callbacks
# --------------------------------------------------------------------------------------------

#: Framework supertypes the tables need (the platform's classes are not in the code model).
FRAMEWORK_SUPERS: dict[str, tuple[str, ...]] = {
    "java.lang.Thread": ("java.lang.Runnable",),
    "android.os.HandlerThread": ("java.lang.Thread",),
    "java.util.TimerTask": ("java.lang.Runnable",),
    "java.util.concurrent.FutureTask": ("java.util.concurrent.RunnableFuture",),
    "java.util.concurrent.RunnableFuture": ("java.lang.Runnable", "java.util.concurrent.Future"),
    "java.util.concurrent.ForkJoinTask": ("java.util.concurrent.Future",),
    "java.util.concurrent.ThreadPoolExecutor": ("java.util.concurrent.AbstractExecutorService",),
    "java.util.concurrent.ScheduledThreadPoolExecutor": (
        "java.util.concurrent.ThreadPoolExecutor", "java.util.concurrent.ScheduledExecutorService"),
    "java.util.concurrent.AbstractExecutorService": ("java.util.concurrent.ExecutorService",),
    "java.util.concurrent.ForkJoinPool": ("java.util.concurrent.AbstractExecutorService",),
    "java.util.concurrent.ScheduledExecutorService": ("java.util.concurrent.ExecutorService",),
    "java.util.concurrent.ExecutorService": ("java.util.concurrent.Executor",),
    "android.app.Application": ("android.content.ContextWrapper",),
    "android.app.Service": ("android.content.ContextWrapper",),
    "android.app.IntentService": ("android.app.Service",),
    "android.app.job.JobService": ("android.app.Service",),
    "android.app.Activity": ("android.view.ContextThemeWrapper",),
    "android.app.ListActivity": ("android.app.Activity",),
    "android.app.ActivityGroup": ("android.app.Activity",),
    "android.app.TabActivity": ("android.app.ActivityGroup",),
    "android.app.NativeActivity": ("android.app.Activity",),
    "android.app.ExpandableListActivity": ("android.app.Activity",),
    "android.preference.PreferenceActivity": ("android.app.ListActivity",),
    "android.accounts.AccountAuthenticatorActivity": ("android.app.Activity",),
    "android.view.ContextThemeWrapper": ("android.content.ContextWrapper",),
    "android.content.ContextWrapper": ("android.content.Context",),
    "android.app.DialogFragment": ("android.app.Fragment",),
    "android.app.ListFragment": ("android.app.Fragment",),
    "android.preference.PreferenceFragment": ("android.app.Fragment",),
    "android.webkit.WebView": ("android.widget.AbsoluteLayout",),
    "android.widget.AbsoluteLayout": ("android.view.ViewGroup",),
    "android.widget.FrameLayout": ("android.view.ViewGroup",),
    "android.widget.LinearLayout": ("android.view.ViewGroup",),
    "android.widget.RelativeLayout": ("android.view.ViewGroup",),
    "android.widget.ScrollView": ("android.widget.FrameLayout",),
    "android.widget.AdapterView": ("android.view.ViewGroup",),
    "android.widget.AbsListView": ("android.widget.AdapterView",),
    "android.widget.ListView": ("android.widget.AbsListView",),
    "android.widget.GridView": ("android.widget.AbsListView",),
    "android.view.ViewGroup": ("android.view.View",),
    "android.view.SurfaceView": ("android.view.View",),
    "android.view.TextureView": ("android.view.View",),
    "android.widget.TextView": ("android.view.View",),
    "android.widget.Button": ("android.widget.TextView",),
    "android.widget.EditText": ("android.widget.TextView",),
    "android.widget.CompoundButton": ("android.widget.Button",),
    "android.widget.CheckBox": ("android.widget.CompoundButton",),
    "android.widget.ImageView": ("android.view.View",),
    "android.widget.ImageButton": ("android.widget.ImageView",),
    "android.widget.ProgressBar": ("android.view.View",),
    "android.text.style.ClickableSpan": ("android.text.style.CharacterStyle",),
    "android.text.style.URLSpan": ("android.text.style.ClickableSpan",),
    "android.os.CountDownTimer": (),
    "android.database.ContentObserver": (),
    "java.util.concurrent.CompletableFuture": ("java.util.concurrent.Future",),
}

_LOCATION_CB = ("onLocationChanged", "onStatusChanged", "onProviderEnabled", "onProviderDisabled")
_PHONE_STATE_CB = ("onCallStateChanged", "onCellLocationChanged", "onServiceStateChanged",
                   "onSignalStrengthsChanged", "onDataConnectionStateChanged", "onCellInfoChanged")
_LIFECYCLE_CB = ("onActivityCreated", "onActivityStarted", "onActivityResumed", "onActivityPaused",
                 "onActivityStopped", "onActivitySaveInstanceState", "onActivityDestroyed",
                 "onActivityPreCreated", "onActivityPostCreated")

#: Parameter type → methods the framework calls on the object it receives, without the user
#: doing anything (timers, threads, system events, page loads).
SYSTEM_CALLBACK_PARAMS: dict[str, tuple[str, ...]] = {
    "java.lang.Runnable": ("run",),
    "java.util.concurrent.Callable": ("call",),
    "java.util.TimerTask": ("run",),
    "java.lang.Thread": ("run",),
    "android.os.Handler$Callback": ("handleMessage",),
    "android.os.Handler": ("handleMessage",),
    "android.os.MessageQueue$IdleHandler": ("queueIdle",),
    "android.view.Choreographer$FrameCallback": ("doFrame",),
    "android.content.BroadcastReceiver": ("onReceive",),
    "android.location.LocationListener": _LOCATION_CB,
    "android.location.LocationCallback": ("onLocationResult", "onLocationAvailability"),
    "com.google.android.gms.location.LocationCallback": ("onLocationResult", "onLocationAvailability"),
    "android.hardware.SensorEventListener": ("onSensorChanged", "onAccuracyChanged"),
    "android.hardware.SensorListener": ("onSensorChanged", "onAccuracyChanged"),
    "android.database.ContentObserver": ("onChange",),
    "android.content.ServiceConnection": ("onServiceConnected", "onServiceDisconnected", "onBindingDied"),
    "android.telephony.PhoneStateListener": _PHONE_STATE_CB,
    "android.net.ConnectivityManager$NetworkCallback": (
        "onAvailable", "onLost", "onCapabilitiesChanged", "onLinkPropertiesChanged"),
    "android.content.ClipboardManager$OnPrimaryClipChangedListener": ("onPrimaryClipChanged",),
    "android.app.Application$ActivityLifecycleCallbacks": _LIFECYCLE_CB,
    "android.content.ComponentCallbacks": ("onConfigurationChanged", "onLowMemory"),
    "android.content.ComponentCallbacks2": ("onTrimMemory", "onConfigurationChanged", "onLowMemory"),
    "android.view.ViewTreeObserver$OnGlobalLayoutListener": ("onGlobalLayout",),
    "android.view.ViewTreeObserver$OnPreDrawListener": ("onPreDraw",),
    "android.webkit.WebViewClient": ("onPageStarted", "onPageFinished", "onLoadResource",
                                     "onReceivedError", "shouldInterceptRequest"),
    "android.webkit.WebChromeClient": ("onProgressChanged", "onReceivedTitle",
                                       "onGeolocationPermissionsShowPrompt", "onPermissionRequest"),
    "android.accounts.OnAccountsUpdateListener": ("onAccountsUpdated",),
    "android.app.AlarmManager$OnAlarmListener": ("onAlarm",),
    "java.util.function.Supplier": ("get",),
    "java.util.function.Consumer": ("accept",),
    "java.util.function.BiConsumer": ("accept",),
    "java.util.function.Function": ("apply",),
    "java.util.function.BiFunction": ("apply",),
    "java.util.function.Predicate": ("test",),
    # Kotlin lambdas and coroutine blocks; RxJava functional interfaces (see LIBRARY_HANDOFF).
    "kotlin.jvm.functions.Function0": ("invoke",),
    "kotlin.jvm.functions.Function1": ("invoke",),
    "kotlin.jvm.functions.Function2": ("invoke",),
    "kotlin.jvm.functions.Function3": ("invoke",),
    "io.reactivex.functions.Consumer": ("accept",),
    "io.reactivex.functions.Function": ("apply",),
    "io.reactivex.functions.BiFunction": ("apply",),
    "io.reactivex.functions.Action": ("run",),
    "io.reactivex.functions.Predicate": ("test",),
    "io.reactivex.ObservableOnSubscribe": ("subscribe",),
    "io.reactivex.FlowableOnSubscribe": ("subscribe",),
    "io.reactivex.SingleOnSubscribe": ("subscribe",),
    "io.reactivex.MaybeOnSubscribe": ("subscribe",),
    "io.reactivex.CompletableOnSubscribe": ("subscribe",),
    "io.reactivex.rxjava3.functions.Consumer": ("accept",),
    "io.reactivex.rxjava3.functions.Function": ("apply",),
    "io.reactivex.rxjava3.functions.Action": ("run",),
    "io.reactivex.rxjava3.functions.Supplier": ("get",),
    "io.reactivex.rxjava3.core.ObservableOnSubscribe": ("subscribe",),
    "io.reactivex.rxjava3.core.SingleOnSubscribe": ("subscribe",),
    "io.reactivex.rxjava3.core.FlowableOnSubscribe": ("subscribe",),
    "rx.functions.Action1": ("call",),
    "rx.functions.Func1": ("call",),
    "rx.Observable$OnSubscribe": ("call",),
}

#: Parameter type → callbacks the framework calls only when the user acts (or, for the crash
#: handler, when the app crashes). Followed for the *any* graph, never before consent: the consent
#: dialog's "agree" button is one of them.
ON_DEMAND_CALLBACK_PARAMS: dict[str, tuple[str, ...]] = {
    "java.lang.Thread$UncaughtExceptionHandler": ("uncaughtException",),
    "android.view.View$OnClickListener": ("onClick",),
    "android.view.View$OnLongClickListener": ("onLongClick",),
    "android.view.View$OnTouchListener": ("onTouch",),
    "android.view.View$OnKeyListener": ("onKey",),
    "android.view.View$OnFocusChangeListener": ("onFocusChange",),
    "android.content.DialogInterface$OnClickListener": ("onClick",),
    "android.content.DialogInterface$OnMultiChoiceClickListener": ("onClick",),
    "android.content.DialogInterface$OnCancelListener": ("onCancel",),
    "android.content.DialogInterface$OnDismissListener": ("onDismiss",),
    "android.content.DialogInterface$OnKeyListener": ("onKey",),
    "android.widget.AdapterView$OnItemClickListener": ("onItemClick",),
    "android.widget.AdapterView$OnItemLongClickListener": ("onItemLongClick",),
    "android.widget.AdapterView$OnItemSelectedListener": ("onItemSelected", "onNothingSelected"),
    "android.widget.CompoundButton$OnCheckedChangeListener": ("onCheckedChanged",),
    "android.widget.RadioGroup$OnCheckedChangeListener": ("onCheckedChanged",),
    "android.widget.TextView$OnEditorActionListener": ("onEditorAction",),
    "android.text.TextWatcher": ("beforeTextChanged", "onTextChanged", "afterTextChanged"),
    "android.widget.SeekBar$OnSeekBarChangeListener": (
        "onProgressChanged", "onStartTrackingTouch", "onStopTrackingTouch"),
    "android.view.MenuItem$OnMenuItemClickListener": ("onMenuItemClick",),
    "android.widget.PopupMenu$OnMenuItemClickListener": ("onMenuItemClick",),
    "android.widget.Toolbar$OnMenuItemClickListener": ("onMenuItemClick",),
    "android.view.GestureDetector$OnGestureListener": (
        "onDown", "onFling", "onScroll", "onSingleTapUp", "onLongPress", "onShowPress"),
    "android.view.GestureDetector$OnDoubleTapListener": ("onDoubleTap", "onSingleTapConfirmed"),
    "android.widget.AbsListView$OnScrollListener": ("onScroll", "onScrollStateChanged"),
    "android.widget.ExpandableListView$OnChildClickListener": ("onChildClick",),
    "android.widget.ExpandableListView$OnGroupClickListener": ("onGroupClick",),
    "android.text.style.ClickableSpan": ("onClick",),
    "android.webkit.DownloadListener": ("onDownloadStart",),
}

#: (framework class, method) → callbacks on the *receiver* object (its own overrides).
RECEIVER_CALLBACKS: dict[tuple[str, str], tuple[str, ...]] = {
    ("java.lang.Thread", "start"): ("run",),
    ("android.os.AsyncTask", "execute"): ("onPreExecute", "doInBackground", "onPostExecute", "onProgressUpdate"),
    ("android.os.AsyncTask", "executeOnExecutor"): (
        "onPreExecute", "doInBackground", "onPostExecute", "onProgressUpdate"),
    ("android.os.Handler", "sendMessage"): ("handleMessage",),
    ("android.os.Handler", "sendMessageDelayed"): ("handleMessage",),
    ("android.os.Handler", "sendMessageAtTime"): ("handleMessage",),
    ("android.os.Handler", "sendMessageAtFrontOfQueue"): ("handleMessage",),
    ("android.os.Handler", "sendEmptyMessage"): ("handleMessage",),
    ("android.os.Handler", "sendEmptyMessageDelayed"): ("handleMessage",),
    ("android.os.Handler", "sendEmptyMessageAtTime"): ("handleMessage",),
    ("android.os.Handler", "dispatchMessage"): ("handleMessage",),
    ("android.os.CountDownTimer", "start"): ("onTick", "onFinish"),
    ("android.app.Activity", "requestPermissions"): ("onRequestPermissionsResult",),
    ("android.app.Fragment", "requestPermissions"): ("onRequestPermissionsResult",),
    ("java.util.concurrent.FutureTask", "run"): ("done",),
}

#: Methods whose callback object the framework keeps calling periodically (frequent collection).
PERIODIC_HANDOFFS: dict[tuple[str, str], int | None] = {
    # (class, method) → arity from which the call is periodic (None: always)
    ("java.util.Timer", "schedule"): 3,
    ("java.util.Timer", "scheduleAtFixedRate"): None,
    ("java.util.concurrent.ScheduledExecutorService", "scheduleAtFixedRate"): None,
    ("java.util.concurrent.ScheduledExecutorService", "scheduleWithFixedDelay"): None,
    ("java.util.concurrent.ScheduledThreadPoolExecutor", "scheduleAtFixedRate"): None,
    ("java.util.concurrent.ScheduledThreadPoolExecutor", "scheduleWithFixedDelay"): None,
    ("android.os.CountDownTimer", "start"): None,
    ("android.location.LocationManager", "requestLocationUpdates"): None,
    ("android.hardware.SensorManager", "registerListener"): None,
}

#: Delayed Handler/View posts: a callback that makes one again is a timer loop.
REPOST_METHODS = frozenset({"postDelayed", "postAtTime", "sendEmptyMessageDelayed", "sendMessageDelayed",
                            "sendEmptyMessageAtTime", "sendMessageAtTime"})

#: ``java.lang.Object`` methods are not dispatched by RTA: every class overrides them, and what
#: they do is never the point of a privacy question.
OBJECT_METHODS = frozenset({"toString", "equals", "hashCode", "finalize", "clone", "getClass"})

#: Framework calls that start a manifest component named in the same method (by a class constant
#: or a string): the component kinds each may start.
COMPONENT_STARTS: dict[str, tuple[str, ...]] = {
    "startService": ("service",), "startForegroundService": ("service",), "bindService": ("service",),
    "enqueueWork": ("service",),
    "sendBroadcast": ("receiver",), "sendOrderedBroadcast": ("receiver",),
    "startActivity": ("activity",), "startActivities": ("activity",), "startActivityForResult": ("activity",),
}

#: Method-name prefixes that take a callback object only to compare or drop it.
NOT_A_HANDOFF = ("remove", "unregister", "unbind", "has", "cancel", "equals", "stop", "set", "is")

#: Library entry points (inside the APK) treated like framework hand-offs for lambdas created in
#: the calling method: their internals are long and reflective enough to lose the trail.
LIBRARY_HANDOFF = ("kotlinx.coroutines.", "io.reactivex.", "rx.", "java.util.concurrent.CompletableFuture")

#: Supertype → callbacks live as soon as an instance exists (the system drives them).
INSTANCE_CALLBACKS: dict[str, tuple[str, ...]] = {
    "android.app.Fragment": ("onAttach", "onCreate", "onCreateView", "onViewCreated", "onActivityCreated",
                             "onViewStateRestored", "onStart", "onResume", "onCreateDialog"),
    "androidx.fragment.app.Fragment": ("onAttach", "onCreate", "onCreateView", "onViewCreated",
                                       "onActivityCreated", "onViewStateRestored", "onStart", "onResume",
                                       "onCreateDialog"),
    "android.support.v4.app.Fragment": ("onAttach", "onCreate", "onCreateView", "onViewCreated",
                                        "onActivityCreated", "onViewStateRestored", "onStart", "onResume",
                                        "onCreateDialog"),
    "androidx.lifecycle.DefaultLifecycleObserver": ("onCreate", "onStart", "onResume"),
    "androidx.lifecycle.LifecycleEventObserver": ("onStateChanged",),
    "androidx.lifecycle.FullLifecycleObserver": ("onCreate", "onStart", "onResume"),
    "androidx.startup.Initializer": ("create",),
    "androidx.work.Worker": ("doWork",),
    "androidx.work.CoroutineWorker": ("doWork",),
    "androidx.work.ListenableWorker": ("startWork",),
    # Tinker: TinkerApplication creates the ApplicationLike named in its constructor by reflection
    # and calls its lifecycle by reflection; Bugly hot-fix apps initialise SDKs there.
    "com.tencent.tinker.entry.ApplicationLike": ("onBaseContextAttached", "onCreate"),
    "com.tencent.tinker.entry.ApplicationLifeCycle": ("onBaseContextAttached", "onCreate"),
}

#: Reflection APIs: constant class names in a method that calls one of these are instantiated.
REFLECTION_CALLS = frozenset({
    ("java.lang.Class", "forName"), ("java.lang.ClassLoader", "loadClass"),
    ("java.lang.Class", "newInstance"), ("java.lang.reflect.Constructor", "newInstance"),
    ("dalvik.system.DexClassLoader", "loadClass"), ("dalvik.system.PathClassLoader", "loadClass"),
})
_REFLECTION_NAMES = frozenset(n for _c, n in REFLECTION_CALLS)

# -- entry points ----------------------------------------------------------------------------

APPLICATION_STARTUP = ("attachBaseContext", "onCreate")
PROVIDER_STARTUP = ("attachInfo", "onCreate")
ACTIVITY_STARTUP = ("attachBaseContext", "onCreate", "onPostCreate", "onStart", "onRestart", "onResume",
                    "onPostResume", "onRestoreInstanceState", "onAttachedToWindow", "onWindowFocusChanged",
                    "onContentChanged", "onCreateOptionsMenu", "onPrepareOptionsMenu", "onCreateView")
SERVICE_STARTUP = ("attachBaseContext", "onCreate", "onStartCommand", "onStart", "onBind", "onRebind",
                   "onHandleIntent", "onStartJob", "onPerformSync", "getAuthenticator",
                   "onNotificationPosted", "onListenerConnected", "onAccessibilityEvent",
                   "onServiceConnected", "onMessageReceived", "onNewToken")
RECEIVER_STARTUP = ("onReceive",)
APP_FACTORY = ("instantiateApplication", "instantiateClassLoader", "instantiateProvider",
               "instantiateActivity", "instantiateReceiver", "instantiateService")

#: Broadcast actions the system (or a vendor) sends on its own: receivers for them run without the
#: user opening the app.
SYSTEM_ACTION_PREFIXES = ("android.", "com.htc.intent.action.QUICKBOOT", "com.android.", "miui.",
                          "com.huawei.", "com.oppo.", "com.vivo.")

_ON_METHOD = re.compile(r"^on[A-Z]")


@dataclass(frozen=True)
class Entry:
    """A method the platform (or another app) calls on its own.

    ``startup`` says it can run before the user agreed to anything: Application, providers, the
    launcher Activity's start-up callbacks, receivers of system broadcasts, and services or
    receivers other apps can start (exported without a permission).
    """

    method: str
    kind: str  # application | app-factory | provider | initializer | launcher | activity | service | receiver
    component: str
    startup: bool
    reason: str


def _system_actions(comp: Component) -> list[str]:
    return [a for a in comp.actions if a.startswith(SYSTEM_ACTION_PREFIXES)]


def entry_points(facts: AppFacts, code: Any) -> list[Entry]:
    """Every entry point of the app's manifest that exists in the code model."""
    out: list[Entry] = []
    seen: set[tuple[str, bool]] = set()

    def add(cls: str, names: Iterable[str], kind: str, startup: bool, reason: str,
            component: str | None = None, all_on: bool = False) -> None:
        if not cls or not code.has_class(cls):
            return
        keys = _lifecycle(code, cls, names, all_on=all_on)
        for key in keys:
            if (key, startup) in seen:
                continue
            seen.add((key, startup))
            out.append(Entry(key, kind, component or cls, startup, reason))

    app = facts.application
    if app.app_component_factory:
        add(app.app_component_factory, APP_FACTORY, "app-factory", True, "AppComponentFactory")
    if app.name:
        add(app.name, APPLICATION_STARTUP, "application", True, "Application start-up")
    for comp in facts.components:
        if not comp.enabled:
            continue
        if comp.kind == "provider":
            add(comp.name, PROVIDER_STARTUP, "provider", True,
                "ContentProvider.onCreate (runs before Application.onCreate)")
            if comp.name == "androidx.startup.InitializationProvider":
                for key, value in comp.meta_data.items():
                    if value == "androidx.startup":
                        add(key, ("create",), "initializer", True,
                            f"androidx.startup initializer (via {comp.name})")
    launchers = {c.target_activity or c.name for c in facts.launcher_activities()}
    for comp in facts.components:
        if not comp.enabled:
            continue
        cls = comp.target_activity if comp.kind == "activity-alias" else comp.name
        if comp.kind in ("activity", "activity-alias"):
            if cls in launchers:
                add(cls, ACTIVITY_STARTUP, "launcher", True, "launcher Activity start-up")
            add(cls, ACTIVITY_STARTUP, "activity", False, "Activity", component=comp.name, all_on=True)
        elif comp.kind == "receiver":
            system = _system_actions(comp)
            external = comp.exported and not comp.permission
            if system:
                add(cls, RECEIVER_STARTUP, "receiver", True, "receiver for " + ", ".join(
                    a.rsplit(".", 1)[-1] for a in system))
            elif external:
                add(cls, RECEIVER_STARTUP, "receiver", True, "exported receiver (other apps can wake it)")
            add(cls, RECEIVER_STARTUP, "receiver", False, "receiver", all_on=True)
        elif comp.kind == "service":
            if comp.exported and not comp.permission:
                add(cls, SERVICE_STARTUP, "service", True, "exported service (other apps can start it)")
            add(cls, SERVICE_STARTUP, "service", False, "service", all_on=True)
        elif comp.kind == "provider":
            add(cls, PROVIDER_STARTUP, "provider", False, "provider", all_on=True)
    return out


def _lifecycle(code: Any, cls: str, names: Iterable[str], *, all_on: bool = False) -> list[str]:
    """``<clinit>`` of the app-code superclass chain, the class's constructors, and for each name
    the first declaration up the chain (all overloads). ``all_on`` adds every ``on*`` method."""
    chain = _chain(code, cls)
    keys: list[str] = []
    for c in chain:
        keys.extend(k for k in code.methods_of(c) if split_key(k)[1] == "<clinit>")
    keys.extend(k for k in code.methods_of(cls) if split_key(k)[1] == "<init>")
    wanted = set(names)
    found: set[str] = set()
    for c in chain:
        for k in code.methods_of(c):
            name = split_key(k)[1]
            if name in found and name in wanted:
                continue
            if name in wanted or (all_on and _ON_METHOD.match(name)):
                keys.append(k)
        found |= {split_key(k)[1] for k in code.methods_of(c)} & wanted
    return list(dict.fromkeys(keys))


def _chain(code: Any, cls: str) -> list[str]:
    out = []
    c: str | None = cls
    while c and code.has_class(c) and c not in out and len(out) < 64:
        out.append(c)
        c = code.superclass(c)
    return out


# --------------------------------------------------------------------------------------------
# The analysis
# --------------------------------------------------------------------------------------------


@dataclass
class Site:
    """Where a code reference stands in a graph."""

    reachable: bool
    path: list[str] = field(default_factory=list)
    guarded: bool = False  # reached method, but the site comes after a gate check
    entry: Entry | None = None


@dataclass
class CallSite:
    """A call found in a reached method (for rules looking for SDK init calls and the like)."""

    caller: str
    index: int
    call: Call
    api: str  # Class.member as matched
    guarded: bool
    path: list[str]
    entry: Entry | None


@dataclass(slots=True)
class CallPlan:
    """The graph-independent meaning of one call target (see :meth:`Reachability.plan`).

    Besides what the call does (``resolved`` ... ``starts``), a plan carries the call target split
    once (``target``, ``kind``, ``cls``, ``name``, ``desc``) and what the graphs' inner loop tests
    on every call site, precomputed: the RTA site key ``vkey`` (``(name, desc)``), whether the
    descriptor is a JVM one (``exact``), the cost of a dispatched edge (``vcost``), whether any
    hand-off or component start applies (``extra``), and whether it is a reflection call.
    """

    api: str
    resolved: str | None = None
    clinit: str | None = None
    dispatch: bool = False
    periodic: bool = False
    receiver: tuple[str, ...] | None = None
    receiver_type: str | None = None
    receiver_app: bool = False
    params: tuple[tuple[str, tuple[str, ...] | None, tuple[str, ...] | None], ...] = ()
    starts: tuple[str, ...] = ()
    target: str = ""
    kind: str = "invoke"
    cls: str = ""
    name: str = ""
    desc: str = ""
    vkey: tuple[str, str] = ("", "")
    exact: bool = True
    vcost: int = 1
    extra: bool = False
    reflect: bool = False
    init: bool = False  # a constructor call
    names: tuple[str, ...] | None = None  # api_names, filled on first use


class Graph:
    """One exploration from a set of entry points; ``parent`` links give a best path to every method.

    Exploration is Dijkstra-like over edge costs so that a reported path prefers precise edges:
    a call or a callback created in the same method costs 1, a callback found in the same
    top-level class 2, a hand-off resolved by plain RTA (any instance of the type) 4, and a
    virtual call on a framework type (``Runnable.run()`` inside some executor) dispatched by RTA 20
    (a last resort: any explanation through the code that made the object is preferred). The reached set does not depend
    on the costs, only the paths do.
    """

    def __init__(self, az: Reachability, entries: list[Entry], *, follow_user: bool,
                 gate_methods: Iterable[str] = (), gate_checks: Iterable[str] = ()) -> None:
        self.az = az
        self.code = az.code
        self.entries = {e.method: e for e in entries}
        self.follow_user = follow_user
        self._gate_methods = set(gate_methods)
        self._gate_checks = set(gate_checks)
        self.parent: dict[str, str | None] = {}
        self.dist: dict[str, int] = {}
        self.guard: dict[str, int] = {}  # method → index of its first gate-check call
        self.gated: dict[str, str] = {}  # gate method → the reached caller that would enter it
        self.instantiated: set[str] = set()
        self._by_outer: dict[str, list[str]] = {}
        self.handoffs: list[tuple[str, str, str, bool]] = []  # (caller, api, callback, periodic)
        self._heap: list[tuple[int, int, str]] = []
        self._seq = 0
        self._expanded: set[str] = set()
        self._inst_here: dict[str, list[str]] = {}
        # RTA bookkeeping: virtual call sites (static type → first caller) by (name, descriptor), or
        # by name alone when the descriptor is not a JVM one; instantiated classes' methods alike.
        self._virtual: dict[tuple[str, str], dict[str, str]] = {}
        self._virtual_loose: dict[str, dict[tuple[str, str], str]] = {}
        # (name, desc) → (cls, key, cls's supertypes); name → (cls, desc, key, supertypes)
        self._inst_methods: dict[tuple[str, str], list[tuple[str, str, frozenset[str]]]] = {}
        self._inst_by_name: dict[str, list[tuple[str, str, str, frozenset[str]]]] = {}
        self._inst_loose: dict[str, list[tuple[str, str, str, frozenset[str]]]] = {}  # non-JVM descriptors only
        # By-name indexes are only needed where descriptors are not JVM ones (source code models).
        self._loose = az.facts.kind != "apk"
        self._pending_types: dict[str, tuple[tuple[str, ...], str]] = {}
        self._dispatched: set[int] = set()  # ids of the plans whose call site is registered
        self._sites: dict[str, list[tuple[str, int]]] | None = None
        self._reached_names: set[tuple[str, str]] | None = None  # (class, name) of reached methods
        # Methods that pass a callback parameter on to a hand-off (an SDK's executor wrapper):
        # their callers' objects are the candidates.
        self._callers: dict[str, dict[str, None]] = {}
        self._forwarders: dict[str, list[tuple[frozenset[str], tuple[str, ...], str, bool]]] = {}
        started = time.perf_counter()
        for e in entries:
            self._reach(e.method, None, 0)
        for e in entries:
            self._instantiate(split_key(e.method)[0], e.method)
        self._run()
        self.seconds = time.perf_counter() - started

    # -- gate ----------------------------------------------------------------------------------

    def _is_gate_method(self, key: str) -> bool:
        if not self._gate_methods:
            return False
        cls, name, _ = split_key(key)
        return key in self._gate_methods or f"{cls}.{name}" in self._gate_methods or f"{cls}.*" in self._gate_methods

    def _is_gate_check(self, plan: CallPlan) -> bool:
        gc = self._gate_checks
        if not gc:
            return False
        cls, name = plan.cls, plan.name
        if plan.api in gc or plan.target in gc:
            return True
        resolved = self.az.lookup(cls, name, plan.desc)
        return bool(resolved) and f"{split_key(resolved)[0]}.{name}" in gc

    # -- exploration ---------------------------------------------------------------------------
    #
    # The graph-independent work (decoding a method, splitting its call targets, resolving them,
    # what it instantiates) is done once per method by :meth:`Reachability.info` and shared by
    # every graph; what is left here is the graph's own bookkeeping, in the hottest loops of an
    # audit. ``_reach`` calls are made in a fixed order (ties between equal-cost paths go to the
    # first), so the inner loop only skips calls that provably change nothing.

    def _reach(self, key: str | None, pred: str | None, cost: int = 1) -> None:
        if key is None:
            return
        dist = self.dist
        d = (dist[pred] if pred is not None else 0) + cost
        old = dist.get(key)
        if old is not None and old <= d:
            return
        if old is None and self._gate_methods and self._is_gate_method(key):
            self.gated.setdefault(key, pred or key)
            return
        dist[key] = d
        self.parent[key] = pred
        if key not in self._expanded:
            self._seq += 1
            heapq.heappush(self._heap, (d, self._seq, key))

    def _run(self) -> None:
        heap = self._heap
        pop = heapq.heappop
        expanded = self._expanded
        expand = self._expand
        while heap:
            _d, _s, key = pop(heap)
            if key in expanded:
                continue
            expanded.add(key)
            expand(key)

    def _expand(self, m: str) -> None:
        az = self.az
        plans, made = az.info(m)
        if self._gate_checks:
            for i, plan in enumerate(plans):
                if self._is_gate_check(plan):
                    # Constructor calls before the gate only, no new-instance or class constants.
                    self.guard[m] = i
                    plans = plans[:i + 1]
                    made = az.made(m, plans, guarded=True)
                    break
        self._inst_here[m] = made
        instantiated = self.instantiated
        for c in made:
            if c not in instantiated:
                self._instantiate(c, m)
        dist = self.dist
        dist_get = dist.get
        reach = self._reach
        callers_of = self._callers
        forwarders = self._forwarders
        dispatched = self._dispatched
        d1 = dist[m] + 1
        for plan in plans:
            r = plan.resolved
            if r is not None:
                old = dist_get(r)
                if old is None or old > d1:
                    reach(r, m)
                callers = callers_of.get(r)
                if callers is None:
                    callers_of[r] = {m: None}
                    fws = forwarders.get(r)
                elif m not in callers:
                    callers[m] = None
                    fws = forwarders.get(r)
                else:
                    fws = None
                if fws:
                    for types, names, api, periodic in fws:
                        self._from_caller(m, types, names, api, periodic, 0)
                    d1 = dist[m] + 1
                c = plan.clinit
                if c is not None:
                    old = dist_get(c)
                    if old is None or old > d1:
                        reach(c, m)
            if plan.dispatch:
                # A virtual call site registers once per graph (later ones return at once).
                pid = id(plan)
                if pid not in dispatched:
                    dispatched.add(pid)
                    self._dispatch(plan.cls, plan.name, plan.desc, m, plan)
            if plan.extra:
                self._follow_extra(m, plan)
                d1 = dist[m] + 1  # an instantiation on the way may have shortened m's own path

    def _instantiate(self, cls: str, via: str) -> None:
        if cls in self.instantiated or not self.code.has_class(cls):
            return
        self.instantiated.add(cls)
        self._by_outer.setdefault(_outer(cls), []).append(cls)
        az = self.az
        reach = self._reach
        for k in az.clinits(cls):
            reach(k, via)
        supers = az.supertypes(cls)
        # RTA: pending virtual calls this class overrides.
        inst_methods = self._inst_methods
        virtual_get = self._virtual.get
        vloose = self._virtual_loose
        loose = self._loose
        has_class = self.code.has_class
        for name, desc, key, vkey in az.dispatch_entries(cls):
            row = inst_methods.get(vkey)
            if row is None:
                inst_methods[vkey] = [(cls, key, supers)]
            else:
                row.append((cls, key, supers))
            if loose:
                self._inst_by_name.setdefault(name, []).append((cls, desc, key, supers))
                if not _is_jvm(desc):
                    self._inst_loose.setdefault(name, []).append((cls, desc, key, supers))
            sites = virtual_get(vkey)
            if sites:
                for t, caller in sites.items():
                    if t in supers:
                        reach(key, caller, 1 if has_class(t) else 20)
            if vloose:
                lsites = vloose.get(name)
                if lsites:
                    for (t, tdesc), caller in lsites.items():
                        if t in supers and _compatible(desc, tdesc):
                            reach(key, caller, 1 if has_class(t) else 20)
        # Hand-offs waiting for any instance of a type (the RTA fallback).
        if self._pending_types:
            for t, (names, caller) in list(self._pending_types.items()):
                if t in supers:
                    for k in az.lookup_names(cls, names):
                        reach(k, caller, 4)
        for k in az.instance_callbacks(cls):
            reach(k, via)
        if self.follow_user:
            # A class with a framework supertype may be called back on any on* method.
            for key in az.on_callbacks(cls):
                reach(key, via, 2)

    def _follow(self, m: str, call: Call, cls: str, name: str, desc: str) -> None:
        """Follow one call of ``m`` (what :meth:`_expand` does for each call, kept for plugins)."""
        plan = self.az.plan(call.target, call.kind)
        if plan.resolved:
            self._reach(plan.resolved, m)
            callers = self._callers.setdefault(plan.resolved, {})
            if m not in callers:
                callers[m] = None
                for types, names, api, periodic in self._forwarders.get(plan.resolved, ()):
                    self._from_caller(m, types, names, api, periodic, 0)
            if plan.clinit:
                self._reach(plan.clinit, m)
        if plan.dispatch:
            self._dispatch(cls, name, desc, m, plan)
        if plan.extra:
            self._follow_extra(m, plan)

    def _follow_extra(self, m: str, plan: CallPlan) -> None:
        """The hand-offs and component starts of one call (rare: most calls have none)."""
        if plan.receiver is not None:
            names = plan.receiver
            if plan.receiver_app:
                for k in self.az.lookup_names(plan.cls, names):
                    self._note(m, plan.api, k, plan.periodic, 1)
                # ...or an instantiated subclass of the receiver's type.
                self._candidates(m, plan.api, (plan.cls,), names, plan.periodic)
            else:
                self._candidates(m, plan.api, (plan.receiver_type,), names, plan.periodic)
        for p, system, on_demand in plan.params:
            names = on_demand if self.follow_user and on_demand else system
            if names:
                self._candidates(m, plan.api, (p,), names, plan.periodic)
        if plan.starts:
            self._start_components(m, plan.starts)

    def _start_components(self, m: str, kinds: tuple[str, ...]) -> None:
        """``startService(new Intent(ctx, X.class))`` and friends: the manifest components named by
        a class constant (or a string) in the same method start; their lifecycle is reached."""
        az = self.az
        for cls in az.named_classes(m):
            kind = az.component_kind(cls)
            if kind not in kinds:
                continue
            self._instantiate(cls, m)
            names = {"service": SERVICE_STARTUP, "receiver": RECEIVER_STARTUP,
                     "activity": ACTIVITY_STARTUP}[kind]
            for k in az.lookup_names(cls, names):
                self._note(m, f"start {kind}", k, False, 1)

    def _dispatch(self, t: str, name: str, desc: str, caller: str, plan: CallPlan | None = None) -> None:
        exact = plan.exact if plan is not None else _is_jvm(desc)
        if exact:
            vkey = plan.vkey if plan is not None else (name, desc)
            sites = self._virtual.get(vkey)
            if sites is None:
                sites = self._virtual[vkey] = {}
            elif t in sites:
                return
            sites[t] = caller
        else:
            loose = self._virtual_loose.setdefault(name, {})
            if (t, desc) in loose:
                return
            loose[(t, desc)] = caller
        cost = plan.vcost if plan is not None else (1 if self.code.has_class(t) else 20)
        reach = self._reach
        if exact:
            for _cls, key, supers in self._inst_methods.get(vkey, ()):
                if t in supers:
                    reach(key, caller, cost)
            if self._inst_loose:
                for _cls, _cdesc, key, supers in self._inst_loose.get(name, ()):
                    if t in supers:
                        reach(key, caller, cost)
        else:
            for _cls, cdesc, key, supers in self._inst_by_name.get(name, ()):
                if t in supers and _compatible(cdesc, desc):
                    reach(key, caller, cost)

    def _candidates(self, m: str, api: str, types: tuple[str, ...], names: tuple[str, ...],
                    periodic: bool) -> None:
        """Callbacks of the objects a hand-off may receive: made in this method (or its lambdas),
        else in the same top-level class, else any instance of the type (plain RTA)."""
        az = self.az
        wanted = set(types)
        here = [c for c in self._inst_here.get(m, ()) if az.supertypes(c) & wanted]
        lambdas = [c for c in az.lambda_classes(m) if az.supertypes(c) & wanted and c not in here]
        for c in lambdas:
            self._instantiate(c, m)
        here += lambdas
        cost = 1
        if not here:
            outer = _outer(split_key(m)[0])
            here = sorted(c for c in self._by_outer.get(outer, ()) if az.supertypes(c) & wanted)
            cost = 2
        if here:
            for c in here:
                for k in az.lookup_names(c, names):
                    self._note(m, api, k, periodic, cost)
            return
        if self._forward(m, wanted, names, api, periodic, 0):
            return
        for t in types:
            if t not in self._pending_types:
                self._pending_types[t] = (names, m)
        for c in sorted(self.instantiated):
            if az.supertypes(c) & wanted:
                for k in az.lookup_names(c, names):
                    self._note(m, api, k, periodic, 4)

    def _forward(self, m: str, wanted: set[str] | frozenset[str], names: tuple[str, ...], api: str,
                 periodic: bool, depth: int) -> bool:
        """If ``m`` takes a parameter of a wanted type, it forwards its caller's object: take the
        candidates from the callers (now and later). True when ``m`` is such a forwarder."""
        if depth > 3 or not any(self.az.supertypes(p) & wanted for p in param_types(split_key(m)[2])):
            return False
        entry = (frozenset(wanted), names, api, periodic)
        known = self._forwarders.setdefault(m, [])
        if entry in known:
            return True
        known.append(entry)
        for caller in list(self._callers.get(m, ())):
            self._from_caller(caller, entry[0], names, api, periodic, depth)
        return True

    def _from_caller(self, caller: str, wanted: frozenset[str], names: tuple[str, ...], api: str,
                     periodic: bool, depth: int) -> None:
        az = self.az
        here = [c for c in self._inst_here.get(caller, ()) if az.supertypes(c) & wanted]
        if not here:
            here = [c for c in az.lambda_classes(caller) if az.supertypes(c) & wanted]
            for c in here:
                self._instantiate(c, caller)
        for c in here:
            for k in az.lookup_names(c, names):
                self._note(caller, api, k, periodic, 1)
        if not here:
            self._forward(caller, wanted, names, api, periodic, depth + 1)

    def _note(self, caller: str, api: str, callback: str, periodic: bool, cost: int) -> None:
        self.handoffs.append((caller, api, callback, periodic))
        self._reach(callback, caller, cost)

    # -- queries -------------------------------------------------------------------------------

    def reached(self, key: str) -> bool:
        return key in self.parent

    def __len__(self) -> int:
        return len(self.parent)

    def methods(self) -> Iterator[str]:
        return iter(self.parent)

    def path(self, key: str) -> list[str]:
        """Shortest path from an entry point to ``key``, entry first (empty if unreached)."""
        if key not in self.parent:
            return []
        out = [key]
        seen = {key}
        p = self.parent[key]
        while p is not None and p not in seen:
            out.append(p)
            seen.add(p)
            p = self.parent.get(p)
        out.reverse()
        return out

    def entry_of(self, key: str) -> Entry | None:
        path = self.path(key)
        return self.entries.get(path[0]) if path else None

    def find(self, key: str | None) -> str | None:
        """The reached method for a key, tolerating a missing or source-mode descriptor."""
        if not key:
            return None
        if key in self.parent:
            return key
        cls, name, desc = split_key(key)
        reached = self._reached_names
        if reached is None:
            reached = set()
            for k in self.parent:  # split_key's (class, name), without filling its cache
                c, _, n = k.partition("(")[0].rpartition(".")
                reached.add((c, n))
            self._reached_names = reached
        if (cls, name) not in reached:
            return None  # no method of that name reached: no need to look at the class
        best = None
        for k in self.az.methods_named(cls, name):
            if k in self.parent and _compatible(split_key(k)[2], desc):
                if best is None or len(self.path(k)) < len(self.path(best)):
                    best = k
        return best

    def site(self, ref: CodeRef) -> Site:
        """Reachability of one code reference (its method, and whether a gate check guards it)."""
        key = self.find(location_key(ref.location))
        if key is None:
            return Site(False)
        path = self.path(key)
        site = Site(True, path, entry=self.entries.get(path[0]))
        gi = self.guard.get(key)
        if gi is not None:
            site.guarded = self._after_gate(key, gi, ref)
        return site

    def _after_gate(self, key: str, gi: int, ref: CodeRef) -> bool:
        calls = self.az.calls(key)
        if ref.kind == "call":
            member = ref.api.rsplit(".", 1)[-1]
            idx = [i for i, c in enumerate(calls) if split_key(c.target)[1] == member]
            if idx:
                return min(idx) > gi
        line = ref.location.line if ref.location else None
        gate_off = calls[gi].offset
        if self.az.line_offsets and line is not None and gate_off is not None:
            return line > gate_off
        return True  # order unknown (a field or string in a method that checks the gate)

    def call_sites(self, match: Callable[[str], bool]) -> list[CallSite]:
        """Calls in reached methods whose ``Class.member`` satisfies ``match``: as written, as
        resolved in app code, or as the framework class it lands on (``this.requestPermissions()``
        in an Activity subclass matches ``android.app.Activity.requestPermissions``). Guarded calls
        are included with ``guarded=True``."""
        out = []
        for api, sites in self._site_index().items():
            if not match(api):
                continue
            for m, i in sites:
                gi = self.guard.get(m)
                path = self.path(m)
                out.append(CallSite(m, i, self.az.calls(m)[i], api, gi is not None and i > gi, path,
                                    self.entries.get(path[0])))
        out.sort(key=lambda s: (len(s.path), s.caller, s.index))
        return out

    def _site_index(self) -> dict[str, list[tuple[str, int]]]:
        """Every call in reached code under each ``Class.member`` it can be named by (built once)."""
        if self._sites is None:
            index: dict[str, list[tuple[str, int]]] = {}
            az = self.az
            for m in self.parent:
                for i, plan in enumerate(az.info(m)[0]):
                    names = plan.names
                    if names is None:
                        names = plan.names = az.api_names(plan.cls, plan.name, plan.desc)
                    for api in names:
                        row = index.get(api)
                        if row is None:
                            index[api] = [(m, i)]
                        else:
                            row.append((m, i))
            self._sites = index
        return self._sites

    def periodic_callbacks(self) -> list[tuple[str, str, str]]:
        """(scheduling method, API, callback) for callbacks the framework runs repeatedly: timers,
        fixed-rate executors, location/sensor updates, and handler or view posts whose callback
        re-posts itself with a delay."""
        out = [(caller, api, cb) for caller, api, cb, periodic in self.handoffs
               if periodic or self.az.reposts(cb)]
        return list(dict.fromkeys(out))


def _periodic(fw_types: Iterable[str], name: str, desc: str) -> bool:
    for t in fw_types:
        if (t, name) in PERIODIC_HANDOFFS:
            arity = PERIODIC_HANDOFFS[(t, name)]
            return arity is None or (_arity(desc) or 0) >= arity
    return False


def _defines(obj: Any, attr: str) -> bool:
    """True when ``obj``'s class itself provides ``attr`` (not an instance ``__getattr__``)."""
    return callable(getattr(type(obj), attr, None))


def _outer(cls: str) -> str:
    return cls.split("$", 1)[0]


class Reachability:
    """Reachability questions about one app's code, with shared caches.

    Build one per code model (:func:`for_facts` caches it); graphs are computed on first use.
    """

    def __init__(self, facts: AppFacts, code: Any) -> None:
        self.facts = facts
        self.code = code
        self.line_offsets = facts.kind == "source"
        self._calls: dict[str, list[Call]] = {}
        self._parsed: dict[str, list[tuple[Call, str, str, str]]] = {}
        self._chain: dict[str, list[str]] = {}
        self._supers: dict[str, frozenset[str]] = {}
        self._index: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self._dispatch: dict[str, list[tuple[str, str, str]]] = {}
        self._lookup: dict[tuple[str, str, str], str | None] = {}
        self._lambdas: dict[str, list[str]] = {}
        self._fw_types: dict[str, list[str]] = {}
        self._api_names: dict[tuple[str, str, str], tuple[str, ...]] = {}
        self._plans: dict[str, dict[str, CallPlan]] = {}  # kind → target → plan
        self._info: dict[str, tuple[list[CallPlan], list[str]]] = {}
        self._params: dict[str, tuple] = {}
        # Method names worth a look in the hand-off tables (read here: plugins may extend them).
        self._periodic_names = frozenset(n for _t, n in PERIODIC_HANDOFFS)
        self._receiver_names = frozenset({n for _t, n in RECEIVER_CALLBACKS} | {"requestPermissions"})
        self._clinits: dict[str, list[str]] = {}
        self._dispatch_entries: dict[str, list[tuple[str, str, str, tuple[str, str]]]] = {}
        self._instance_cbs: dict[str, list[str]] = {}
        self._on_cbs: dict[str, list[str]] = {}
        self._entries: list[Entry] | None = None
        self._components: dict[str, str] | None = None
        self._any: Graph | None = None
        self._pre: dict[tuple, Graph] = {}
        self.timings: dict[str, float] = {}
        self._strings = getattr(code, "strings", None)
        # Optional code-model extensions: calls with their targets already split
        # (``call_targets``), and a class's methods as (name, descriptor, key) (``method_table``).
        # Without them the same comes from calls() and methods_of() through split_key. Only a
        # model whose class defines them is asked: a wrapper passing unknown attributes through
        # to an inner model (selfaudit.mapping) would hand out the inner model's names.
        self._call_targets = code.call_targets if _defines(code, "call_targets") else None
        self._method_table = code.method_table if _defines(code, "method_table") else None
        self._const_classes = getattr(code, "const_classes", None)

    # -- code model, cached --------------------------------------------------------------------

    def calls(self, key: str) -> list[Call]:
        out = self._calls.get(key)
        if out is None:
            try:
                out = list(self.code.calls(key))
            except (KeyError, ValueError, IndexError):
                out = []
            self._calls[key] = out
        return out

    def parsed(self, key: str) -> list[tuple[Call, str, str, str]]:
        """The method's calls with their targets split into (class, name, descriptor)."""
        out = self._parsed.get(key)
        if out is None:
            out = [(c, *split_key(c.target)) for c in self.calls(key)]
            self._parsed[key] = out
        return out

    def targets(self, key: str) -> list[tuple[str, str, str, str, str]]:
        """``(target, kind, class, name, descriptor)`` of each of the method's calls, in code order
        (one per :class:`Call` of :meth:`calls`)."""
        fast = self._call_targets
        if fast is not None:
            try:
                return fast(key)
            except (KeyError, ValueError, IndexError):
                return []
        return [(c.target, c.kind, *split_key(c.target)) for c in self.calls(key)]

    def info(self, m: str) -> tuple[list[CallPlan], list[str]]:
        """What expanding ``m`` needs, the same for every graph: the plan of each call (code order)
        and the app classes it instantiates when no gate check guards it (computed once)."""
        hit = self._info.get(m)
        if hit is None:
            plans_by_kind = self._plans
            new_plan = self._new_plan
            plans = []
            for target, kind, cls, name, desc in self.targets(m):
                by_target = plans_by_kind.get(kind)
                if by_target is None:
                    by_target = plans_by_kind[kind] = {}
                plan = by_target.get(target)
                if plan is None:
                    plan = by_target[target] = new_plan(target, kind, cls, name, desc)
                plans.append(plan)
            hit = self._info[m] = (plans, self.made(m, plans, guarded=False))
        return hit

    def made(self, m: str, plans: list[CallPlan], *, guarded: bool) -> list[str]:
        """App classes ``m`` instantiates through ``plans``: constructor calls (not its own or its
        superclass's from a constructor), plus ``new-instance`` and class constants when unguarded,
        plus classes named for reflection."""
        made: list[str] = []
        parts: tuple[str, str, str] | None = None
        sup: list[str | None] | None = None
        reflect = False
        for p in plans:
            if p.init:
                if parts is None:
                    parts = split_key(m)
                tcls = p.cls
                if parts[1] == "<init>":
                    if tcls == parts[0]:
                        continue
                    if sup is None:
                        sup = [self.code.superclass(parts[0])]
                    if tcls == sup[0]:
                        continue
                made.append(tcls)
            elif p.reflect:
                reflect = True
        if not guarded:
            made += self.code.instantiated(m)
        app = self.facts.application.name
        if not reflect and app and m.startswith(app):
            if parts is None:
                parts = split_key(m)
            reflect = parts[1] == "<init>" and parts[0] == app
        if reflect:
            made += self._reflective(m)
        if not guarded and self._const_classes is not None:
            made += self.class_constants(m)
        if not made:
            return made
        has = self.code.has_class
        return [c for c in dict.fromkeys(made) if has(c)]

    @property
    def decoded(self) -> int:
        """How many methods' bytecode the analysis asked for."""
        return len(self._calls.keys() | self._info.keys())

    def chain(self, cls: str) -> list[str]:
        out = self._chain.get(cls)
        if out is None:
            out = self._chain[cls] = _chain(self.code, cls)
        return out

    def supertypes(self, cls: str) -> frozenset[str]:
        """The class and all its supertypes (app classes, their interfaces, known framework ones)."""
        out = self._supers.get(cls)
        if out is not None:
            return out
        self._supers[cls] = frozenset((cls,))  # cycle guard
        acc = {cls}
        if self.code.has_class(cls):
            sup = self.code.superclass(cls)
            parents = ([sup] if sup else []) + list(self.code.interfaces(cls))
        else:
            parents = list(FRAMEWORK_SUPERS.get(cls, ()))
        for p in parents:
            acc |= self.supertypes(p)
        out = frozenset(acc)
        self._supers[cls] = out
        return out

    def framework_types(self, cls: str | None) -> list[str]:
        """``cls`` (a framework class) and its known framework supertypes, nearest first."""
        if not cls:
            return []
        out = self._fw_types.get(cls)
        if out is None:
            out = [cls]
            i = 0
            while i < len(out) and len(out) < 32:
                for s in FRAMEWORK_SUPERS.get(out[i], ()):
                    if s not in out:
                        out.append(s)
                i += 1
            self._fw_types[cls] = out
        return out

    def reposts(self, callback: str) -> bool:
        """A ``run``/``handleMessage`` that posts to a Handler or View with a delay: a timer loop."""
        if split_key(callback)[1] not in ("run", "handleMessage"):
            return False
        for _c, cls, name, _d in self.parsed(callback):
            if name in REPOST_METHODS and ({"android.os.Handler", "android.view.View"} & self.supertypes(cls)):
                return True
        return False

    def plan(self, target: str, kind: str) -> CallPlan:
        """What a call means for any graph, worked out once per (target, kind): where it lands in
        app code, whether it dispatches virtually, and which callbacks it hands the framework."""
        by_target = self._plans.get(kind)
        if by_target is None:
            by_target = self._plans[kind] = {}
        plan = by_target.get(target)
        if plan is None:
            plan = by_target[target] = self._new_plan(target, kind, *split_key(target))
        return plan

    def _new_plan(self, target: str, kind: str, cls: str, name: str, desc: str) -> CallPlan:
        plan = CallPlan(f"{cls}.{name}")
        plan.target, plan.kind, plan.cls, plan.name, plan.desc = target, kind, cls, name, desc
        if name == "<init>":
            plan.init = True
        elif name in _REFLECTION_NAMES and (cls, name) in REFLECTION_CALLS:
            plan.reflect = True
        if kind == "custom":
            plan.resolved = target if self.code.has_class(cls) else None
            return plan
        plan.resolved = resolved = self.lookup(cls, name, desc)
        if resolved and kind == "static":
            plan.clinit = self.clinit(split_key(resolved)[0])
        if kind in ("invoke", "interface") and name not in OBJECT_METHODS:
            plan.dispatch = True
            plan.vkey = (name, desc)
            plan.exact = _is_jvm(desc)
            plan.vcost = 1 if self.code.has_class(cls) else 20
        rcls = split_key(resolved)[0] if resolved else None
        if rcls is None or rcls.startswith(LIBRARY_HANDOFF):
            # Framework (or library hand-off) method: does it call back into app code?
            owner = rcls or self.framework_owner(cls)
            fw_types = self.framework_types(owner) if owner else []
            if name in self._periodic_names:
                plan.periodic = _periodic(fw_types, name, desc)
            if name in self._receiver_names:
                for t in fw_types:
                    names = RECEIVER_CALLBACKS.get((t, name))
                    if names is None and name == "requestPermissions":
                        names = ("onRequestPermissionsResult",)
                    if names:
                        plan.receiver, plan.receiver_type = names, t
                        plan.receiver_app = self.code.has_class(cls)
                        break
            if not name.startswith(NOT_A_HANDOFF):
                plan.params = self._param_callbacks(desc)
            plan.starts = COMPONENT_STARTS.get(name, ())
        plan.extra = plan.receiver is not None or bool(plan.params) or bool(plan.starts)
        return plan

    def _param_callbacks(self, desc: str) -> tuple[tuple[str, tuple[str, ...] | None, tuple[str, ...] | None], ...]:
        """(parameter type, system callbacks, on-demand callbacks) of each parameter of ``desc``
        whose type (or a known supertype) receives callbacks (cached per descriptor)."""
        out = self._params.get(desc)
        if out is None:
            params = []
            for p in param_types(desc):
                system = on_demand = None
                for s in self.framework_types(p):
                    system = system or SYSTEM_CALLBACK_PARAMS.get(s)
                    on_demand = on_demand or ON_DEMAND_CALLBACK_PARAMS.get(s)
                if system or on_demand:
                    params.append((p, system, on_demand))
            out = self._params[desc] = tuple(params)
        return out

    def api_names(self, cls: str, name: str, desc: str) -> tuple[str, ...]:
        """The ``Class.member`` names a call answers to: as written, the app-code implementation it
        resolves to, or else the framework class it lands on and that class's known supertypes."""
        memo = (cls, name, desc)
        hit = self._api_names.get(memo)
        if hit is not None:
            return hit
        names = [f"{cls}.{name}"]
        resolved = self.lookup(cls, name, desc)
        if resolved:
            rcls = split_key(resolved)[0]
            if rcls != cls:
                names.append(f"{rcls}.{name}")
        elif self.code.has_class(cls):
            names.extend(f"{t}.{name}" for t in self.framework_types(self.framework_owner(cls)))
        hit = tuple(names)
        self._api_names[memo] = hit
        return hit

    def framework_owner(self, cls: str) -> str | None:
        """The first class up the chain that is not app code (where an unresolved call lands)."""
        c: str | None = cls
        n = 0
        while c and self.code.has_class(c) and n < 64:
            c = self.code.superclass(c)
            n += 1
        return c

    def _methods(self, cls: str) -> dict[str, list[tuple[str, str]]]:
        idx = self._index.get(cls)
        if idx is None:
            idx = {}
            if self.code.has_class(cls):
                table = self._method_table
                if table is not None:
                    for name, desc, k in table(cls):
                        row = idx.get(name)
                        if row is None:
                            idx[name] = [(desc, k)]
                        else:
                            row.append((desc, k))
                else:
                    for k in self.code.methods_of(cls):
                        _c, name, desc = split_key(k)
                        idx.setdefault(name, []).append((desc, k))
            self._index[cls] = idx
        return idx

    def methods_named(self, cls: str, name: str) -> list[str]:
        return [k for _d, k in self._methods(cls).get(name, ())]

    def clinit(self, cls: str) -> str | None:
        for _d, k in self._methods(cls).get("<clinit>", ()):
            return k
        return None

    def clinits(self, cls: str) -> list[str]:
        """The static initialisers up ``cls``'s app-code superclass chain, nearest first."""
        out = self._clinits.get(cls)
        if out is None:
            out = self._clinits[cls] = [k for k in map(self.clinit, self.chain(cls)) if k is not None]
        return out

    def lookup(self, cls: str, name: str, desc: str) -> str | None:
        """The implementation a call ``cls.name desc`` lands on in app code, up the superclass chain."""
        memo = (cls, name, desc)
        found = self._lookup.get(memo, _MISSING)
        if found is not _MISSING:
            return found
        found = None
        for c in self.chain(cls):
            for d, k in self._methods(c).get(name, ()):
                if d == desc or _compatible(d, desc):
                    found = k
                    break
            if found or name in ("<init>", "<clinit>"):
                break
        self._lookup[memo] = found
        return found

    def lookup_names(self, cls: str, names: Iterable[str]) -> list[str]:
        """For each name, every overload of its first declaration up ``cls``'s chain."""
        out = []
        for n in names:
            for c in self.chain(cls):
                ks = self.methods_named(c, n)
                if ks:
                    out.extend(ks)
                    break
        return out

    def dispatch_table(self, cls: str) -> list[tuple[str, str, str]]:
        """(name, descriptor, key) of every method an instance of ``cls`` answers with app code."""
        out = self._dispatch.get(cls)
        if out is None:
            out = []
            seen: set[tuple[str, str]] = set()
            for c in self.chain(cls):
                for name, items in self._methods(c).items():
                    if name in ("<init>", "<clinit>"):
                        continue
                    for d, k in items:
                        if (name, d) not in seen:
                            seen.add((name, d))
                            out.append((name, d, k))
            self._dispatch[cls] = out
        return out

    def dispatch_entries(self, cls: str) -> list[tuple[str, str, str, tuple[str, str]]]:
        """:meth:`dispatch_table` with each entry's RTA key ``(name, descriptor)`` built once."""
        out = self._dispatch_entries.get(cls)
        if out is None:
            out = self._dispatch_entries[cls] = [(n, d, k, (n, d)) for n, d, k in self.dispatch_table(cls)]
        return out

    def instance_callbacks(self, cls: str) -> list[str]:
        """Callbacks the system drives as soon as an instance of ``cls`` exists (Fragment lifecycle,
        workers, initializers...: :data:`INSTANCE_CALLBACKS`), in table order."""
        out = self._instance_cbs.get(cls)
        if out is None:
            supers = self.supertypes(cls)
            out = []
            for t, names in INSTANCE_CALLBACKS.items():
                if t in supers:
                    out.extend(self.lookup_names(cls, names))
            self._instance_cbs[cls] = out
        return out

    def on_callbacks(self, cls: str) -> list[str]:
        """Every ``on*`` method an instance of ``cls`` answers, when ``cls`` has a framework
        supertype (other than ``Object``): the *any* graph's guess at UI and system callbacks."""
        out = self._on_cbs.get(cls)
        if out is None:
            has = self.code.has_class
            out = []
            if any(not has(s) and s != "java.lang.Object" for s in self.supertypes(cls)):
                out = [key for name, _desc, key in self.dispatch_table(cls) if _ON_METHOD.match(name)]
            self._on_cbs[cls] = out
        return out

    def lambda_classes(self, m: str) -> list[str]:
        """Synthetic lambda classes whose body belongs to method ``m`` (D8 ``$$ExternalSyntheticLambdaN``
        calling ``lambda$m$N``; Kotlin ``Outer$m$N``): they are often singletons read from a static
        field, so no ``new`` appears in ``m``."""
        cls, name, _ = split_key(m)
        if m in self._lambdas:
            return self._lambdas[m]
        out: list[str] = []
        has = self.code.has_class
        prefix = f"lambda${name}$"
        for i in range(256):
            lam = f"{cls}$$ExternalSyntheticLambda{i}"
            if not has(lam):
                break
            for k in self.code.methods_of(lam):
                if any(tcls == cls and tname.startswith(prefix) for _c, tcls, tname, _d in self.parsed(k)):
                    out.append(lam)
                    break
        for i in range(1, 64):
            lam = f"{cls}${name}${i}"
            if not has(lam):
                break
            out.append(lam)
        self._lambdas[m] = out
        return out

    def reflective_classes(self, m: str, calls: list[tuple[Call, str, str, str]]) -> list[str]:
        """App classes named by constant strings in a method that uses reflection (or in an
        Application constructor handing a delegate's name to its superclass, as Tinker does)."""
        if self._strings is None:
            return []
        cls, name, _ = split_key(m)
        uses = any((tcls, tname) in REFLECTION_CALLS for _c, tcls, tname, _d in calls)
        if not uses and not (name == "<init>" and cls == self.facts.application.name):
            return []
        return self._reflective(m)

    def _reflective(self, m: str) -> list[str]:
        if self._strings is None:
            return []
        try:
            strings = self._strings(m)
        except (KeyError, ValueError, IndexError):
            return []
        return [s for s in strings if "." in s and self.code.has_class(s)]

    def class_constants(self, m: str) -> list[str]:
        """App classes named by ``const-class`` (``X.class``) in ``m``, when the model can tell.
        They count as instantiated: such constants mostly feed reflection (WorkManager workers,
        fragments, Gson), intents or service loaders."""
        fn = self._const_classes
        if fn is None:
            return []
        try:
            found = fn(m)
        except (KeyError, ValueError, IndexError):
            return []
        if not found:
            return []
        has = self.code.has_class
        return [c for c in found if has(c)]

    def named_classes(self, m: str) -> list[str]:
        """App classes a method names by ``const-class`` or by a constant string (when the code
        model can tell; an optional extension of the protocol)."""
        out: list[str] = []
        for attr in ("const_classes", "strings"):
            fn = getattr(self.code, attr, None)
            if fn is None:
                continue
            try:
                out.extend(x for x in fn(m) if "." in x and self.code.has_class(x))
            except (KeyError, ValueError, IndexError):
                continue
        return list(dict.fromkeys(out))

    def component_kind(self, cls: str) -> str | None:
        if self._components is None:
            self._components = {}
            for c in self.facts.components:
                if not c.enabled:
                    continue
                kind = "activity" if c.kind in ("activity", "activity-alias") else c.kind
                self._components.setdefault(c.target_activity if c.kind == "activity-alias" else c.name, kind)
        return self._components.get(cls)

    # -- graphs --------------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        if self._entries is None:
            self._entries = entry_points(self.facts, self.code)
        return self._entries

    def any(self) -> Graph:
        """Reachable from any entry point, every edge, gate ignored."""
        if self._any is None:
            self._any = Graph(self, self.entries(), follow_user=True)
            self.timings["any"] = self._any.seconds
        return self._any

    def pre_consent(self, gate_methods: Iterable[str] = (), gate_checks: Iterable[str] = ()) -> Graph:
        """Reachable before consent: start-up entries, system-driven edges, cut by the gate."""
        gm = tuple(sorted(set(gate_methods)))
        gc = tuple(sorted(set(gate_checks)))
        g = self._pre.get((gm, gc))
        if g is None:
            g = Graph(self, [e for e in self.entries() if e.startup], follow_user=False,
                      gate_methods=gm, gate_checks=gc)
            self._pre[(gm, gc)] = g
            self.timings["pre-consent" + ("+gate" if gm or gc else "")] = g.seconds
        return g

    def from_methods(self, roots: Iterable[str], *, follow_user: bool = False) -> Graph:
        """A graph from arbitrary roots (e.g. periodic callbacks), system edges only by default."""
        entries = [Entry(r, "root", split_key(r)[0], False, "root") for r in dict.fromkeys(roots)]
        return Graph(self, entries, follow_user=follow_user)


# --------------------------------------------------------------------------------------------
# Integration
# --------------------------------------------------------------------------------------------

_CACHE: weakref.WeakKeyDictionary[Any, Reachability] = weakref.WeakKeyDictionary()


def for_facts(facts: AppFacts) -> Reachability | None:
    """The (cached) reachability analysis of ``facts.code``, or None without a code model."""
    code = facts.code
    if code is None:
        return None
    try:
        hit = _CACHE.get(code)
    except TypeError:  # an unhashable or non-weakref-able code model: no caching
        return Reachability(facts, code)
    if hit is None or hit.facts is not facts:
        hit = Reachability(facts, code)
        try:
            _CACHE[code] = hit
        except TypeError:
            pass
    return hit


def annotate(facts: AppFacts) -> Reachability | None:
    """Set ``reachable``/``path`` on every code reference from the *any* graph.

    References in code loaded at run time (``container`` set: assets, secondary DEX) keep
    ``reachable=None``: whether that code runs is not something the call graph can see.
    """
    az = for_facts(facts)
    if az is None:
        return None
    g = az.any()
    seen: dict[str | None, Site] = {}  # the any graph has no gate: a site depends on its method only
    for ref in facts.code_refs:
        if ref.container:
            continue
        key = location_key(ref.location)
        site = seen.get(key)
        if site is None:
            site = seen[key] = g.site(ref)
        ref.reachable = site.reachable
        ref.path = list(site.path)
    return az


# --------------------------------------------------------------------------------------------
# An in-memory code model
# --------------------------------------------------------------------------------------------


class MemoryCodeModel:
    """A :class:`~selfaudit.model.CodeModel` held in dictionaries.

    For tests, and for plugins that get a call graph from another analyser::

        code = MemoryCodeModel()
        code.add_class("com.x.App", "android.app.Application")
        code.add_method("com.x.App.onCreate()V", calls=["android.telephony.TelephonyManager.getDeviceId()Ljava/lang/String;"])

    ``calls`` items are method keys (kind ``invoke``), ``(key, kind)`` pairs or :class:`Call`
    objects; offsets default to the position in the list.
    """

    def __init__(self) -> None:
        self.classes: dict[str, tuple[str | None, list[str]]] = {}
        self.methods: dict[str, list[str]] = {}
        self._calls: dict[str, list[Call]] = {}
        self._parsed: dict[str, list[tuple[Call, str, str, str]]] = {}
        self._new: dict[str, list[str]] = {}
        self._strings: dict[str, list[str]] = {}
        self.asked: list[str] = []

    def add_class(self, name: str, superclass: str | None = "java.lang.Object",
                  interfaces: Iterable[str] = ()) -> MemoryCodeModel:
        self.classes[name] = (superclass, list(interfaces))
        self.methods.setdefault(name, [])
        return self

    def add_method(self, key: str, calls: Iterable[Any] = (), new: Iterable[str] = (),
                   strings: Iterable[str] = ()) -> MemoryCodeModel:
        cls = split_key(key)[0]
        if cls not in self.classes:
            self.add_class(cls)
        self.methods[cls].append(key)
        out = []
        for i, c in enumerate(calls):
            if isinstance(c, Call):
                out.append(c)
            elif isinstance(c, tuple):
                out.append(Call(c[0], i, c[1]))
            else:
                out.append(Call(c, i, "invoke"))
        self._calls[key] = out
        self._new[key] = list(new)
        self._strings[key] = list(strings)
        return self

    def has_class(self, class_name: str) -> bool:
        return class_name in self.classes

    def superclass(self, class_name: str) -> str | None:
        hit = self.classes.get(class_name)
        return hit[0] if hit else None

    def interfaces(self, class_name: str) -> list[str]:
        hit = self.classes.get(class_name)
        return list(hit[1]) if hit else []

    def methods_of(self, class_name: str) -> list[str]:
        return list(self.methods.get(class_name, ()))

    def calls(self, method: str) -> list[Call]:
        self.asked.append(method)
        return list(self._calls.get(method, ()))

    def instantiated(self, method: str) -> list[str]:
        return list(self._new.get(method, ()))

    def strings(self, method: str) -> list[str]:
        return list(self._strings.get(method, ()))
