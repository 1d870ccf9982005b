package com.selfaudit.twin;

import android.app.Application;
import android.telephony.TelephonyManager;
import com.umeng.commonsdk.UMConfigure;

/** Reads the IMEI and starts Umeng in Application.onCreate, before any consent. */
public class TwinApp extends Application {
    public static String deviceId;

    @Override
    public void onCreate() {
        super.onCreate();
        TelephonyManager tm = (TelephonyManager) getSystemService("phone");
        deviceId = tm.getDeviceId();
        UMConfigure.init(this, "appkey", "channel", 1, null);
    }
}
