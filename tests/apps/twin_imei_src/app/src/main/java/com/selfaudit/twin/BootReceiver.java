package com.selfaudit.twin;

import android.content.BroadcastReceiver;
import android.content.Context;
import android.content.Intent;
import android.provider.Settings;

/** Reads the Android ID when the device boots. */
public class BootReceiver extends BroadcastReceiver {
    @Override
    public void onReceive(Context context, Intent intent) {
        Settings.Secure.getString(context.getContentResolver(), Settings.Secure.ANDROID_ID);
    }
}
