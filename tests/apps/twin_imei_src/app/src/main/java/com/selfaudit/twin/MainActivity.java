package com.selfaudit.twin;

import android.Manifest;
import android.app.Activity;
import android.content.ClipboardManager;
import android.content.Context;
import android.os.Bundle;
import android.os.Handler;
import android.os.Looper;
import android.telephony.TelephonyManager;
import androidx.core.app.ActivityCompat;

/** Asks for permissions at start-up (twice), posts an IMSI read, reads the clipboard on resume. */
public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle savedInstanceState) {

        super.onCreate(savedInstanceState);
        ActivityCompat.requestPermissions(this, new String[] {Manifest.permission.CAMERA}, 1);
        new Handler(Looper.getMainLooper()).post(new Runnable() {
            @Override
            public void run() {
                readSubscriber(MainActivity.this);
            }
        });
    }

    @Override
    protected void onResume() {
        super.onResume();
        ClipboardManager cm = (ClipboardManager) getSystemService("clipboard");
        cm.getPrimaryClip();
    }

    static void readSubscriber(Context context) {
        TelephonyManager tm = (TelephonyManager) context.getSystemService("phone");
        tm.getSubscriberId();
    }

    @Override
    protected void onStart() {
        super.onStart();
        requestPermissions(new String[] {Manifest.permission.CAMERA}, 2);
    }
}
