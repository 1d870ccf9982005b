package com.umeng.commonsdk;

import android.content.Context;

/** A stand-in for the Umeng common SDK's entry class (same name and signature, no behaviour). */
public class UMConfigure {
    public static void init(Context context, String appKey, String channel, int deviceType, String secret) {
    }
}
