.class public Lcom/selfaudit/twin/TwinApp;
.super Landroid/app/Application;
.source "TwinApp.java"

# Twin of tests/apps/twin_imei_src/app/src/main/java/com/selfaudit/twin/TwinApp.java:
# the IMEI read and the Umeng init in Application.onCreate, before any consent.

.field public static deviceId:Ljava/lang/String;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Application;-><init>()V
    return-void
.end method

.method public onCreate()V
    .registers 7
    .line 13
    invoke-super {p0}, Landroid/app/Application;->onCreate()V
    .line 14
    const-string v0, "phone"
    invoke-virtual {p0, v0}, Lcom/selfaudit/twin/TwinApp;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/telephony/TelephonyManager;
    .line 15
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;
    move-result-object v1
    sput-object v1, Lcom/selfaudit/twin/TwinApp;->deviceId:Ljava/lang/String;
    .line 16
    const-string v2, "appkey"
    const-string v3, "channel"
    const/4 v4, 0x1
    const/4 v5, 0x0
    invoke-static {p0, v2, v3, v4, v5}, Lcom/umeng/commonsdk/UMConfigure;->init(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;)V
    .line 17
    return-void
.end method
