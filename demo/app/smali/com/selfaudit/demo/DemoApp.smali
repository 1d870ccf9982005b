.class public Lcom/selfaudit/demo/DemoApp;
.super Landroid/app/Application;
.source "DemoApp.java"

# Reads the IMEI and the Android ID in Application.onCreate, before any consent dialog:
# the classic MIIT red line the demo exists to show.

.field public static deviceId:Ljava/lang/String;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Application;-><init>()V
    return-void
.end method

.method public onCreate()V
    .registers 3
    .line 12
    invoke-super {p0}, Landroid/app/Application;->onCreate()V
    .line 13
    const-string v0, "phone"
    invoke-virtual {p0, v0}, Lcom/selfaudit/demo/DemoApp;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/telephony/TelephonyManager;
    .line 14
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;
    move-result-object v0
    sput-object v0, Lcom/selfaudit/demo/DemoApp;->deviceId:Ljava/lang/String;
    .line 15
    invoke-virtual {p0}, Lcom/selfaudit/demo/DemoApp;->getContentResolver()Landroid/content/ContentResolver;
    move-result-object v0
    const-string v1, "android_id"
    invoke-static {v0, v1}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    .line 16
    return-void
.end method
