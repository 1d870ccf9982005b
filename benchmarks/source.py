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

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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


# --------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    t = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    return time.perf_counter() - t, res.returncode


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _median(xs: list[float]) -> float:
    return statistics.median(xs)


def _fmt(xs: list[float]) -> str:
    return f"{_median(xs) * 1000:.1f} ms (min {min(xs) * 1000:.1f}, max {max(xs) * 1000:.1f}, n={len(xs)})"


def bench_noop(runs: int, workdir: Path, env: dict[str, str]) -> dict[str, float]:
    """`selfaudit hook` with only README.md staged, against `python -c "import click"`."""
    repo = workdir / "noop"
    generate(repo, files=20, modules=2)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "init")
    (repo / "README.md").write_text("docs only\n", encoding="utf-8")
    _git(repo, "add", "README.md")
    python = sys.executable
    selfaudit = str(Path(python).with_name("selfaudit"))
    hook_env = {k: v for k, v in env.items() if k != "PRE_COMMIT"}
    click_t, hook_t = [], []
    for i in range(runs * 2 + 2):  # alternate; the first pair warms the page cache
        if i % 2 == 0:
            dt, rc = _timed([python, "-c", "import click"], repo, hook_env)
            if i >= 2:
                click_t.append(dt)
        else:
            dt, rc = _timed([selfaudit, "hook"], repo, hook_env)
            if rc != 0:
                raise SystemExit(f"selfaudit hook exited {rc} on a docs-only commit")
            if i >= 2:
                hook_t.append(dt)
    ratio = _median(hook_t) / _median(click_t)
    print("no-op hook (only README.md staged):")
    print(f"  python -c 'import click'  {_fmt(click_t)}")
    print(f"  selfaudit hook            {_fmt(hook_t)}")
    print(f"  ratio of medians          {ratio:.2f}x  (target <= 1.5x)")
    return {"click": _median(click_t), "hook": _median(hook_t), "ratio": ratio}


def bench_full(runs: int, workdir: Path, env: dict[str, str], files: int, modules: int) -> dict[str, float]:
    """`selfaudit scan PROJECT --format json` on a generated project, whole process."""
    proj = workdir / "big"
    generate(proj, files=files, modules=modules)
    n = sum(1 for p in proj.rglob("*") if p.suffix in (".java", ".kt"))
    selfaudit = str(Path(sys.executable).with_name("selfaudit"))
    out = workdir / "report.json"
    times = []
    for i in range(runs + 1):
        dt, rc = _timed([selfaudit, "scan", str(proj), "--format", "json", "-o", str(out), "-q", "--fail-on", "none"],
                        workdir, env)
        if rc not in (0, 1):
            raise SystemExit(f"selfaudit scan exited {rc}")
        if i:
            times.append(dt)
    print(f"full audit of a generated project ({n} Java/Kotlin files, {modules} modules):")
    print(f"  selfaudit scan --format json   {_fmt(times)}  (target < 3 s)")
    split = _split(proj)
    inside = sum(split.values())
    # What an in-process run cannot see: interpreter start-up and, mostly, tearing down the
    # facts' object graph at exit.
    split["interpreter start-up + teardown"] = max(0.0, _median(times) - inside)
    total = sum(split.values())
    print("  where the time goes (one in-process run; the last line is the whole-process median minus it):")
    for k, v in split.items():
        print(f"    {k:<34} {v * 1000:8.1f} ms  {100 * v / total:5.1f}%")
    return {"scan": _median(times), **split}


def _split(proj: Path) -> dict[str, float]:
    """One in-process run of the same pipeline, stage by stage."""
    t0 = time.perf_counter()
    from selfaudit.api import Auditor
    from selfaudit.config import load_config
    from selfaudit.render import RenderContext

    t1 = time.perf_counter()
    cfg = load_config(start=proj)
    auditor = Auditor(cfg)
    _ = auditor.knowledge
    rules = auditor.all_rules()
    _ = auditor.declarations
    t2 = time.perf_counter()
    facts = auditor.collect(proj)
    t3 = time.perf_counter()
    inventory = auditor.enrich(facts)
    t4 = time.perf_counter()
    findings = auditor.check(facts, inventory)
    t5 = time.perf_counter()
    from selfaudit.model import AppSummary, Report

    rep = Report(target=str(proj), app=AppSummary(package=facts.package), findings=findings,
                 permissions=inventory.permissions, data_items=inventory.data_items,
                 third_parties=inventory.third_parties, facts=facts, inventory=inventory)
    fmt = auditor.formats()["json"]
    fmt.render(rep, RenderContext(config=cfg, knowledge=auditor.knowledge, rules=rules, color=False, width=120))
    t6 = time.perf_counter()
    st = facts.extra.get("source_timings", {})
    collect_other = (t3 - t2) - sum(st.values())
    return {
        "imports (api, plugins, rules)": t1 - t0,
        "config, knowledge base, rules": t2 - t1,
        "collect: Gradle files": st.get("gradle", 0.0),
        "collect: manifests + local libs": st.get("manifests_libs", 0.0),
        "collect: resources": st.get("resources", 0.0),
        "collect: Java/Kotlin scan": st.get("code_scan", 0.0),
        "collect: resolve + API refs": st.get("code_resolve", 0.0),
        "collect: other": max(0.0, collect_other),
        "enrich": t4 - t3,
        "rules (incl. reachability)": t5 - t4,
        "render json": t6 - t5,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--modules", type=int, default=5)
    ap.add_argument("--only", choices=["noop", "full"])
    ap.add_argument("--generate", type=Path, metavar="DIR", help="only write the generated project to DIR")
    args = ap.parse_args(argv)
    if args.generate:
        generate(args.generate, files=args.files, modules=args.modules)
        print(f"wrote {args.generate}")
        return 0
    env = dict(os.environ)
    env["SELFAUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env.pop("PRE_COMMIT", None)
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="selfaudit-bench-") as tmp:
        work = Path(tmp)
        if args.only in (None, "noop"):
            bench_noop(args.runs, work, env)
        if args.only in (None, "full"):
            bench_full(max(3, args.runs // 2), work, env, args.files, args.modules)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
