#!/usr/bin/env python3
"""Benchmark the source-tree mode and the pre-commit hook (DESIGN.md "Performance", issue 7).

Two measurements, each over whole processes, alternating runs, reporting medians:

1. **No-op hook**: ``selfaudit hook`` in a git repository where only an unrelated file is staged,
   against ``python -c "import click"`` in the same venv. Target: within 1.5x.
2. **Full audit**: ``selfaudit scan --format json`` of a generated Android project of 2,000
   Java/Kotlin files in 5 modules. Target: under 3 s. The time split (start-up, knowledge, the
   collector's stages, enrich and rules) is measured in-process with the same code the CLI runs.

    python benchmarks/source.py                 # both, 11 runs each
    python benchmarks/source.py --runs 21 --files 2000 --modules 5
    python benchmarks/source.py --generate DIR  # only write the project (for profiling)
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# --------------------------------------------------------------------------------------------
# The generated project
# --------------------------------------------------------------------------------------------

_JAVA_CLASS = """package {pkg};

import android.content.Context;
import android.os.Bundle;
import android.util.Log;
import android.view.View;
import java.util.ArrayList;
import java.util.List;
{imports}
/** Generated class {n}: ordinary app code with the shapes the scanner must walk. */
public class {name} {{
    private static final String TAG = "{name}";
    private final Context context;
    private final List<String> items = new ArrayList<>();
    private int counter = {n};

    public {name}(Context context) {{
        this.context = context;
    }}

    public void load(Bundle state) {{
        if (state != null) {{
            counter = state.getInt("counter", 0);
        }}
        for (int i = 0; i < 10; i++) {{
            items.add("item-" + i);
        }}
        Log.d(TAG, "loaded " + items.size());
        {sensitive}
    }}

    public String describe(View view) {{
        StringBuilder sb = new StringBuilder();
        sb.append(TAG).append(':').append(counter);
        view.post(() -> Log.i(TAG, sb.toString()));
        view.setOnClickListener(new View.OnClickListener() {{
            @Override
            public void onClick(View v) {{
                counter++;
                helper(v.getContext());
            }}
        }});
        return sb.toString();
    }}

    private void helper(Context ctx) {{
        try {{
            String value = ctx.getString(android.R.string.ok);
            items.add(value);
        }} catch (RuntimeException e) {{
            Log.w(TAG, "failed", e);
        }} finally {{
            counter--;
        }}
    }}

    public static int compute(int a, int b) {{
        int result = 0;
        switch (a % 3) {{
            case 0: result = a + b; break;
            case 1: result = a * b; break;
            default: result = a - b;
        }}
        return result;
    }}
}}
"""

_KOTLIN_CLASS = """package {pkg}

import android.content.Context
import android.os.Handler
import android.os.Looper
import android.util.Log
{imports}
/** Generated class {n}: ordinary app code with the shapes the scanner must walk. */
class {name}(private val context: Context) {{
    private val handler = Handler(Looper.getMainLooper())
    private val items = mutableListOf<String>()
    var counter: Int = {n}
        private set

    fun load(names: List<String>) {{
        names.filter {{ it.isNotBlank() }}.forEach {{ items.add(it) }}
        handler.post {{
            Log.d(TAG, "loaded ${{items.size}}")
        }}
        {sensitive}
    }}

    fun describe(): String = buildString {{
        append(TAG)
        append(':')
        append(counter)
    }}

    suspend fun refresh(force: Boolean) {{
        if (force || items.isEmpty()) {{
            items.clear()
            repeat(5) {{ i -> items.add("row-$i") }}
        }} else {{
            when (counter % 3) {{
                0 -> counter += 1
                1 -> {{ counter *= 2 }}
                else -> counter = 0
            }}
        }}
    }}

    private fun helper(): Int {{
        val total = items.sumOf {{ it.length }}
        return total + compute(counter, 2)
    }}

    companion object {{
        private const val TAG = "{name}"

        @JvmStatic
        fun compute(a: Int, b: Int): Int = a * b + {n}
    }}
}}
"""

_SENSITIVE_JAVA = [
    ("import android.telephony.TelephonyManager;",
     "TelephonyManager tm = (TelephonyManager) context.getSystemService(Context.TELEPHONY_SERVICE);\n"
     "        String id = tm.getDeviceId();"),
    ("import android.provider.Settings;",
     "String aid = Settings.Secure.getString(context.getContentResolver(), Settings.Secure.ANDROID_ID);"),
    ("import android.content.ClipboardManager;",
     "ClipboardManager cm = (ClipboardManager) context.getSystemService(Context.CLIPBOARD_SERVICE);\n"
     "        Object clip = cm.getPrimaryClip();"),
]
_SENSITIVE_KOTLIN = [
    ("import android.telephony.TelephonyManager",
     "val tm = context.getSystemService(Context.TELEPHONY_SERVICE) as TelephonyManager\n"
     "        Log.d(TAG, tm.imei)"),
    ("import android.location.LocationManager",
     "val lm = context.getSystemService(LocationManager::class.java)\n"
     "        lm.getLastKnownLocation(\"gps\")"),
]

_MANIFEST_APP = """<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android">
    <uses-permission android:name="android.permission.INTERNET" />
    <uses-permission android:name="android.permission.READ_PHONE_STATE" />
    <application android:name=".BenchApp" android:label="@string/app_name">
        <activity android:name=".MainActivity" android:exported="true">
            <intent-filter>
                <action android:name="android.intent.action.MAIN" />
                <category android:name="android.intent.category.LAUNCHER" />
            </intent-filter>
        </activity>
    </application>
</manifest>
"""

_MANIFEST_LIB = """<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android">
    <uses-permission android:name="android.permission.ACCESS_NETWORK_STATE" />
    <application>
        <service android:name=".SyncService{m}" android:exported="false" />
    </application>
</manifest>
"""


def generate(root: Path, files: int = 2000, modules: int = 5, seed: int = 7) -> Path:
    """Write an Android project of ``files`` Java/Kotlin files spread over ``modules`` modules."""
    rnd = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    names = ["app"] + [f"lib{i}" for i in range(1, modules)]
    (root / "settings.gradle").write_text(
        "rootProject.name = 'bench'\n" + "".join(f"include ':{n}'\n" for n in names), encoding="utf-8"
    )
    (root / "build.gradle").write_text("// top-level build file\n", encoding="utf-8")
    (root / "gradle").mkdir(exist_ok=True)
    (root / "gradle" / "libs.versions.toml").write_text(
        '[versions]\numeng = "9.6.3"\n\n[libraries]\n'
        'umeng-common = { module = "com.umeng.umsdk:common", version.ref = "umeng" }\n'
        'umeng-asms = { group = "com.umeng.umsdk", name = "asms", version = "1.8.0" }\n'
        'okhttp = "com.squareup.okhttp3:okhttp:4.12.0"\n\n'
        '[bundles]\numeng = ["umeng-common", "umeng-asms"]\n',
        encoding="utf-8",
    )
    per_module = [files // modules + (1 if i < files % modules else 0) for i in range(modules)]
    counter = 0
    for m, (name, count) in enumerate(zip(names, per_module, strict=True)):
        mod = root / name
        pkg = "com.bench.app" if m == 0 else f"com.bench.{name}"
        src = mod / "src" / "main"
        java_dir = src / "java" / Path(*pkg.split("."))
        java_dir.mkdir(parents=True, exist_ok=True)
        if m == 0:
            (mod / "build.gradle").write_text(
                "plugins {\n    id 'com.android.application'\n}\n\nandroid {\n    namespace 'com.bench.app'\n"
                "    defaultConfig {\n        applicationId 'com.bench.app'\n        minSdkVersion 21\n"
                "        targetSdkVersion 33\n        versionName '1.0'\n    }\n}\n\ndependencies {\n"
                + "".join(f"    implementation project(':{n}')\n" for n in names[1:])
                + "    implementation 'com.tencent.bugly:crashreport:4.1.9'\n"
                "    implementation libs.bundles.umeng\n"
                "    implementation group: 'cn.jiguang.sdk', name: 'jpush', version: '5.0.0'\n}\n",
                encoding="utf-8",
            )
            (src / "AndroidManifest.xml").write_text(_MANIFEST_APP, encoding="utf-8")
            (src / "res" / "values").mkdir(parents=True, exist_ok=True)
            (src / "res" / "values" / "strings.xml").write_text(
                '<resources>\n    <string name="app_name">Bench</string>\n</resources>\n', encoding="utf-8"
            )
            (java_dir / "BenchApp.java").write_text(
                f"package {pkg};\n\nimport android.app.Application;\n\npublic class BenchApp extends Application {{\n"
                "    @Override\n    public void onCreate() {\n        super.onCreate();\n"
                "        new Class0(this).load(null);\n    }\n}\n",
                encoding="utf-8",
            )
            (java_dir / "MainActivity.kt").write_text(
                f"package {pkg}\n\nimport android.app.Activity\nimport android.os.Bundle\n\n"
                "class MainActivity : Activity() {\n    override fun onCreate(savedInstanceState: Bundle?) {\n"
                "        super.onCreate(savedInstanceState)\n        KClass1(this).load(listOf(\"a\"))\n    }\n}\n",
                encoding="utf-8",
            )
            count -= 2
        else:
            (mod / "build.gradle.kts").write_text(
                'plugins {\n    id("com.android.library")\n    kotlin("android")\n}\n\n'
                f'android {{\n    namespace = "{pkg}"\n    defaultConfig {{\n        minSdk = 21\n    }}\n}}\n\n'
                'dependencies {\n    implementation(libs.okhttp)\n    implementation("androidx.core:core-ktx:1.12.0")\n}\n',
                encoding="utf-8",
            )
            (src / "AndroidManifest.xml").write_text(_MANIFEST_LIB.format(m=m), encoding="utf-8")
        for _ in range(count):
            kotlin = rnd.random() < 0.5
            sensitive_imports, sensitive = "", ""
            if rnd.random() < 0.05:
                imp, code = rnd.choice(_SENSITIVE_KOTLIN if kotlin else _SENSITIVE_JAVA)
                sensitive_imports, sensitive = imp + "\n", code
            if kotlin:
                cname = f"KClass{counter}"
                text = _KOTLIN_CLASS.format(pkg=pkg, name=cname, n=counter, imports=sensitive_imports,
                                            sensitive=sensitive)
                (java_dir / f"{cname}.kt").write_text(text, encoding="utf-8")
            else:
                cname = f"Class{counter}"
                text = _JAVA_CLASS.format(pkg=pkg, name=cname, n=counter, imports=sensitive_imports,
                                          sensitive=sensitive)
                (java_dir / f"{cname}.java").write_text(text, encoding="utf-8")
            counter += 1
    return root
