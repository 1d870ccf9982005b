"""What the source scanner must know about the Android framework to type a receiver.

Bytecode names the receiver's class at every call site; source code often does not
(``tm.getDeviceId()``, ``getSystemService(TELEPHONY_SERVICE)``, an inherited ``requestPermissions``).
These small tables close the most common gaps: system-service names, the constants ``javac``
inlines (so source mode sees the same strings the DEX holds), the return types of well-known
getters, and the framework's class hierarchy for the classes apps extend or call through.
"""

from __future__ import annotations

__all__ = ["SERVICE_CLASSES", "CONSTANTS", "RETURN_TYPES", "STATIC_FACTORIES", "FRAMEWORK_SUPERTYPES",
           "JAVA_LANG", "KNOWN_INTERFACES", "framework_classes"]

#: ``Context.getSystemService`` name → the manager class it returns.
SERVICE_CLASSES: dict[str, str] = {
    "phone": "android.telephony.TelephonyManager",
    "telephony_subscription_service": "android.telephony.SubscriptionManager",
    "wifi": "android.net.wifi.WifiManager",
    "clipboard": "android.content.ClipboardManager",
    "location": "android.location.LocationManager",
    "sensor": "android.hardware.SensorManager",
    "activity": "android.app.ActivityManager",
    "connectivity": "android.net.ConnectivityManager",
    "usagestats": "android.app.usage.UsageStatsManager",
    "account": "android.accounts.AccountManager",
    "alarm": "android.app.AlarmManager",
    "camera": "android.hardware.camera2.CameraManager",
    "bluetooth": "android.bluetooth.BluetoothManager",
    "device_policy": "android.app.admin.DevicePolicyManager",
    "audio": "android.media.AudioManager",
    "power": "android.os.PowerManager",
    "notification": "android.app.NotificationManager",
    "fingerprint": "android.hardware.fingerprint.FingerprintManager",
    "window": "android.view.WindowManager",
    "vibrator": "android.os.Vibrator",
    "jobscheduler": "android.app.job.JobScheduler",
    "download": "android.app.DownloadManager",
    "input_method": "android.view.inputmethod.InputMethodManager",
    "biometric": "android.hardware.biometrics.BiometricManager",
}

#: Constants ``javac``/``kotlinc`` inline as literals: field name → value. In an APK these appear
#: as ``const-string``; adding them to a method's strings keeps ``args_any`` matching identical.
CONSTANTS: dict[str, str] = {
    "ANDROID_ID": "android_id",
    "TELEPHONY_SERVICE": "phone",
    "TELEPHONY_SUBSCRIPTION_SERVICE": "telephony_subscription_service",
    "WIFI_SERVICE": "wifi",
    "CLIPBOARD_SERVICE": "clipboard",
    "LOCATION_SERVICE": "location",
    "SENSOR_SERVICE": "sensor",
    "ACTIVITY_SERVICE": "activity",
    "CONNECTIVITY_SERVICE": "connectivity",
    "USAGE_STATS_SERVICE": "usagestats",
    "ACCOUNT_SERVICE": "account",
    "ALARM_SERVICE": "alarm",
    "CAMERA_SERVICE": "camera",
    "BLUETOOTH_SERVICE": "bluetooth",
    "DEVICE_POLICY_SERVICE": "device_policy",
    "AUDIO_SERVICE": "audio",
    "POWER_SERVICE": "power",
    "NOTIFICATION_SERVICE": "notification",
    "FINGERPRINT_SERVICE": "fingerprint",
    "WINDOW_SERVICE": "window",
    "VIBRATOR_SERVICE": "vibrator",
    "JOB_SCHEDULER_SERVICE": "jobscheduler",
    "DOWNLOAD_SERVICE": "download",
    "INPUT_METHOD_SERVICE": "input_method",
    "BIOMETRIC_SERVICE": "biometric",
    "ACTION_BOOT_COMPLETED": "android.intent.action.BOOT_COMPLETED",
    "ACTION_LOCKED_BOOT_COMPLETED": "android.intent.action.LOCKED_BOOT_COMPLETED",
    "ACTION_INSTALL_PACKAGE": "android.intent.action.INSTALL_PACKAGE",
    "ACTION_PACKAGE_ADDED": "android.intent.action.PACKAGE_ADDED",
    "ACTION_PACKAGE_REMOVED": "android.intent.action.PACKAGE_REMOVED",
    "ACTION_USER_PRESENT": "android.intent.action.USER_PRESENT",
    "ACTION_SCREEN_ON": "android.intent.action.SCREEN_ON",
    "ACTION_SCREEN_OFF": "android.intent.action.SCREEN_OFF",
    "CONNECTIVITY_ACTION": "android.net.conn.CONNECTIVITY_CHANGE",
}

#: Method (or Kotlin property getter) name → the type it returns, when the name alone says it.
RETURN_TYPES: dict[str, str] = {
    "getPackageManager": "android.content.pm.PackageManager",
    "getContentResolver": "android.content.ContentResolver",
    "getApplicationContext": "android.content.Context",
    "getBaseContext": "android.content.Context",
    "requireContext": "android.content.Context",
    "requireActivity": "android.app.Activity",
    "getConnectionInfo": "android.net.wifi.WifiInfo",
    "getDefaultAdapter": "android.bluetooth.BluetoothAdapter",
    "getBluetoothLeScanner": "android.bluetooth.le.BluetoothLeScanner",
    "getActiveNetworkInfo": "android.net.NetworkInfo",
    "getLastKnownLocation": "android.location.Location",
    "getFusedLocationProviderClient": "com.google.android.gms.location.FusedLocationProviderClient",
    "getPrimaryClip": "android.content.ClipData",
    "getCellLocation": "android.telephony.CellLocation",
    "createForSubscriptionId": "android.telephony.TelephonyManager",
    "getPackageInstaller": "android.content.pm.PackageInstaller",
    "getMainLooper": "android.os.Looper",
}

#: Static factories that return their own class: ``SmsManager.getDefault()``.
STATIC_FACTORIES = frozenset(("getDefault", "getInstance", "from", "getDefaultAdapter"))

#: Supertypes (superclass first, then interfaces) of framework classes apps extend or call.
FRAMEWORK_SUPERTYPES: dict[str, tuple[str, ...]] = {
    "android.content.ContextWrapper": ("android.content.Context",),
    "android.view.ContextThemeWrapper": ("android.content.ContextWrapper",),
    "android.app.Activity": ("android.view.ContextThemeWrapper",),
    "android.app.Application": ("android.content.ContextWrapper",),
    "android.app.Service": ("android.content.ContextWrapper",),
    "android.app.IntentService": ("android.app.Service",),
    "android.app.job.JobService": ("android.app.Service",),
    "android.accessibilityservice.AccessibilityService": ("android.app.Service",),
    "android.service.notification.NotificationListenerService": ("android.app.Service",),
    "android.inputmethodservice.InputMethodService": ("android.app.Service",),
    "androidx.core.app.JobIntentService": ("android.app.Service",),
    "androidx.lifecycle.LifecycleService": ("android.app.Service",),
    "android.content.MutableContextWrapper": ("android.content.ContextWrapper",),
    "android.app.ListActivity": ("android.app.Activity",),
    "android.app.NativeActivity": ("android.app.Activity",),
    "android.app.ExpandableListActivity": ("android.app.Activity",),
    "android.app.ActivityGroup": ("android.app.Activity",),
    "android.app.TabActivity": ("android.app.ActivityGroup",),
    "android.preference.PreferenceActivity": ("android.app.ListActivity",),
    "androidx.core.app.ComponentActivity": ("android.app.Activity",),
    "androidx.activity.ComponentActivity": ("androidx.core.app.ComponentActivity",),
    "androidx.fragment.app.FragmentActivity": ("androidx.activity.ComponentActivity",),
    "androidx.appcompat.app.AppCompatActivity": ("androidx.fragment.app.FragmentActivity",),
    "android.support.v4.app.SupportActivity": ("android.app.Activity",),
    "android.support.v4.app.FragmentActivity": ("android.support.v4.app.SupportActivity",),
    "android.support.v7.app.AppCompatActivity": ("android.support.v4.app.FragmentActivity",),
    "androidx.multidex.MultiDexApplication": ("android.app.Application",),
    "android.support.multidex.MultiDexApplication": ("android.app.Application",),
    "io.flutter.app.FlutterApplication": ("android.app.Application",),
    "io.flutter.embedding.android.FlutterActivity": ("android.app.Activity",),
    "io.flutter.embedding.android.FlutterFragmentActivity": ("androidx.fragment.app.FragmentActivity",),
    "com.facebook.react.ReactActivity": ("androidx.appcompat.app.AppCompatActivity",),
    "androidx.fragment.app.DialogFragment": ("androidx.fragment.app.Fragment",),
    "androidx.appcompat.app.AppCompatDialogFragment": ("androidx.fragment.app.DialogFragment",),
    "androidx.preference.PreferenceFragmentCompat": ("androidx.fragment.app.Fragment",),
    "android.app.DialogFragment": ("android.app.Fragment",),
    "java.net.Inet4Address": ("java.net.InetAddress",),
    "java.net.Inet6Address": ("java.net.InetAddress",),
    "dalvik.system.DexClassLoader": ("dalvik.system.BaseDexClassLoader",),
    "dalvik.system.PathClassLoader": ("dalvik.system.BaseDexClassLoader",),
    "dalvik.system.InMemoryDexClassLoader": ("dalvik.system.BaseDexClassLoader",),
    "dalvik.system.DelegateLastClassLoader": ("dalvik.system.PathClassLoader",),
    "dalvik.system.BaseDexClassLoader": ("java.lang.ClassLoader",),
    "android.os.HandlerThread": ("java.lang.Thread",),
    "java.util.concurrent.ExecutorService": ("java.lang.Object", "java.util.concurrent.Executor"),
    "java.util.concurrent.ScheduledExecutorService": ("java.lang.Object", "java.util.concurrent.ExecutorService"),
    "java.util.concurrent.AbstractExecutorService": ("java.lang.Object", "java.util.concurrent.ExecutorService"),
    "java.util.concurrent.ThreadPoolExecutor": ("java.util.concurrent.AbstractExecutorService",),
    "java.util.concurrent.ScheduledThreadPoolExecutor": (
        "java.util.concurrent.ThreadPoolExecutor", "java.util.concurrent.ScheduledExecutorService"),
    "java.util.concurrent.ForkJoinPool": ("java.util.concurrent.AbstractExecutorService",),
    "com.tencent.smtt.sdk.WebView": ("android.widget.FrameLayout",),
}

#: Simple names visible without an import (``java.lang.*``), as far as audits care.
JAVA_LANG = frozenset(
    """String Object Thread System Runtime Class ClassLoader Integer Long Boolean Math StringBuilder
    StringBuffer Exception RuntimeException Throwable Error Runnable Process Iterable Character Double
    Float Short Byte Void Enum Override Deprecated SuppressWarnings ThreadLocal InterruptedException
    IllegalStateException IllegalArgumentException NullPointerException SecurityException CharSequence
    Comparable Number AutoCloseable Cloneable ReflectiveOperationException ClassNotFoundException""".split()
)

#: Framework types that are interfaces (an anonymous ``new X() {}`` implements rather than extends).
KNOWN_INTERFACES = frozenset(
    """java.lang.Runnable java.util.concurrent.Callable java.util.Comparator java.lang.Iterable
    android.view.View$OnClickListener android.view.View$OnLongClickListener android.view.View$OnTouchListener
    android.content.DialogInterface$OnClickListener android.content.DialogInterface$OnDismissListener
    android.content.DialogInterface$OnCancelListener android.os.Handler$Callback android.hardware.SensorEventListener
    android.location.LocationListener android.widget.CompoundButton$OnCheckedChangeListener
    android.widget.AdapterView$OnItemClickListener android.text.TextWatcher android.content.ServiceConnection
    android.app.Application$ActivityLifecycleCallbacks androidx.lifecycle.Observer androidx.lifecycle.LifecycleObserver
    androidx.lifecycle.DefaultLifecycleObserver androidx.activity.result.ActivityResultCallback
    com.google.android.gms.tasks.OnSuccessListener com.google.android.gms.tasks.OnCompleteListener
    com.google.android.gms.tasks.OnFailureListener java.lang.Thread$UncaughtExceptionHandler
    kotlin.jvm.functions.Function0 kotlin.jvm.functions.Function1 java.util.concurrent.Executor
    java.util.concurrent.ExecutorService java.util.concurrent.ScheduledExecutorService""".split()
)


def framework_classes(extra=()) -> frozenset[str]:
    """Qualified names of the framework classes these tables and ``extra`` know (used to resolve a
    simple name through a star import such as ``android.telephony.*``)."""
    names = set(SERVICE_CLASSES.values()) | set(RETURN_TYPES.values()) | set(FRAMEWORK_SUPERTYPES)
    names |= {s for sup in FRAMEWORK_SUPERTYPES.values() for s in sup} | KNOWN_INTERFACES | set(extra)
    return frozenset(names)
