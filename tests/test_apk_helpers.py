"""Shared helpers for the APK collector tests (no tests here).

``knowledge()`` is the knowledge base the tests scan with: the project's own ``apis.toml`` once it
exists, else the 44-ish sensitive APIs measured in perf-baseline plus a few field and string
entries, so the differential test covers all three reference kinds.
"""

from __future__ import annotations

from functools import lru_cache

from selfaudit.knowledge import DATA_DIR, KnowledgeBase, SensitiveAPI

_CALLS = [
    ("android.telephony.TelephonyManager", m)
    for m in ("getDeviceId", "getImei", "getMeid", "getSubscriberId", "getSimSerialNumber",
              "getLine1Number", "getCellLocation", "getAllCellInfo", "getNetworkOperator")
] + [
    ("android.net.wifi.WifiInfo", "getMacAddress"),
    ("android.net.wifi.WifiInfo", "getSSID"),
    ("android.net.wifi.WifiInfo", "getBSSID"),
    ("android.net.wifi.WifiManager", "getScanResults"),
    ("android.net.wifi.WifiManager", "getConnectionInfo"),
    ("java.net.NetworkInterface", "getHardwareAddress"),
    ("android.bluetooth.BluetoothAdapter", "getAddress"),
    ("android.content.pm.PackageManager", "getInstalledPackages"),
    ("android.content.pm.PackageManager", "getInstalledApplications"),
    ("android.content.pm.PackageManager", "queryIntentActivities"),
    ("android.app.ActivityManager", "getRunningAppProcesses"),
    ("android.app.ActivityManager", "getRunningTasks"),
    ("android.location.LocationManager", "getLastKnownLocation"),
    ("android.location.LocationManager", "requestLocationUpdates"),
    ("android.location.Location", "getLatitude"),
    ("android.location.Location", "getLongitude"),
    ("android.content.ClipboardManager", "getPrimaryClip"),
    ("android.content.ClipboardManager", "hasPrimaryClip"),
    ("android.provider.Settings$Secure", "getString"),
    ("android.provider.Settings$System", "getString"),
    ("android.os.Build", "getSerial"),
    ("android.accounts.AccountManager", "getAccounts"),
    ("android.content.ContentResolver", "query"),
    ("android.telephony.SmsManager", "sendTextMessage"),
    ("android.hardware.Camera", "open"),
    ("android.media.MediaRecorder", "setAudioSource"),
    ("android.media.AudioRecord", "startRecording"),
    ("android.hardware.SensorManager", "registerListener"),
    ("android.hardware.SensorManager", "getDefaultSensor"),
    ("dalvik.system.DexClassLoader", "<init>"),
    ("dalvik.system.PathClassLoader", "<init>"),
    ("java.lang.Class", "forName"),
    ("java.lang.reflect.Method", "invoke"),
    ("java.lang.Runtime", "exec"),
    ("androidx.core.app.ActivityCompat", "requestPermissions"),
    ("android.app.Activity", "requestPermissions"),
    ("android.webkit.WebView", "loadUrl"),
]
_FIELDS = [("android.os.Build", "SERIAL"), ("android.os.Build", "MODEL")]
_STRINGS = ["content://sms", "content://com.android.contacts", "android_id"]


def _api_id(cls: str, member: str) -> str:
    return (cls.rsplit(".", 1)[-1] + "." + member).lower().replace("$", "-").replace("<", "").replace(">", "")


def builtin_test_apis() -> list[SensitiveAPI]:
    apis = [SensitiveAPI(id=_api_id(c, m), kind="call", class_name=c, member=m, source=("test",))
            for c, m in _CALLS]
    apis.append(SensitiveAPI(id="settings-secure.android-id", kind="call",
                             class_name="android.provider.Settings$Secure", member="getString",
                             args_any=("android_id",), source=("test",)))
    apis += [SensitiveAPI(id="field." + _api_id(c, m), kind="field", class_name=c, member=m, source=("test",))
             for c, m in _FIELDS]
    apis += [SensitiveAPI(id="string." + v.replace(":", "").replace("/", "."), kind="string", value=v,
                          source=("test",)) for v in _STRINGS]
    return apis


@lru_cache(maxsize=1)
def knowledge() -> KnowledgeBase:
    if (DATA_DIR / "apis.toml").is_file():
        from selfaudit.knowledge import load_knowledge

        return load_knowledge()
    kb = KnowledgeBase()
    for api in builtin_test_apis():
        kb.add("api", api)
    return kb
