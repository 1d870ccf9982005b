.class public Lcom/selfaudit/r8/analytics/Tracker;
.super Ljava/lang/Object;
.source "Tracker.java"

.method public static start(Landroid/content/Context;)V
    .registers 3
    invoke-static {p0}, Lcom/selfaudit/r8/analytics/Tracker;->collectDeviceId(Landroid/content/Context;)Ljava/lang/String;
    invoke-static {p0}, Lcom/selfaudit/r8/analytics/Tracker;->collectAndroidId(Landroid/content/Context;)Ljava/lang/String;
    new-instance v0, Lcom/selfaudit/r8/analytics/Payload;
    invoke-direct {v0}, Lcom/selfaudit/r8/analytics/Payload;-><init>()V
    invoke-static {v0, p0}, Lcom/selfaudit/r8/analytics/Tracker;->attach(Lcom/selfaudit/r8/analytics/Payload;Landroid/content/Context;)V
    return-void
.end method

.method static collectDeviceId(Landroid/content/Context;)Ljava/lang/String;
    .registers 2
    const-string v0, "phone"
    invoke-virtual {p0, v0}, Landroid/content/Context;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/telephony/TelephonyManager;
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method

.method static collectAndroidId(Landroid/content/Context;)Ljava/lang/String;
    .registers 3
    invoke-virtual {p0}, Landroid/content/Context;->getContentResolver()Landroid/content/ContentResolver;
    move-result-object v0
    const-string v1, "android_id"
    invoke-static {v0, v1}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method

.method static attach(Lcom/selfaudit/r8/analytics/Payload;Landroid/content/Context;)V
    .registers 3
    const-string v0, "phone"
    invoke-virtual {p1, v0}, Landroid/content/Context;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/telephony/TelephonyManager;
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getSimSerialNumber()Ljava/lang/String;
    move-result-object v0
    iput-object v0, p0, Lcom/selfaudit/r8/analytics/Payload;->id:Ljava/lang/String;
    return-void
.end method
