.class public Lcom/selfaudit/t/ungated/App;
.super Landroid/app/Application;
.source "App.java"

# Reads the IMEI in Application.onCreate, before any consent dialog can be answered.

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Application;-><init>()V
    return-void
.end method

.method public onCreate()V
    .registers 3
    invoke-super {p0}, Landroid/app/Application;->onCreate()V
    invoke-direct {p0}, Lcom/selfaudit/t/ungated/App;->readImei()V
    return-void
.end method

.method private readImei()V
    .registers 3
    const-string v0, "phone"
    invoke-virtual {p0, v0}, Lcom/selfaudit/t/ungated/App;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/telephony/TelephonyManager;
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;
    move-result-object v1
    return-void
.end method
