.class public Lcom/selfaudit/t/gated/App;
.super Landroid/app/Application;
.source "App.java"

# The same IMEI read as consent_ungated, behind the consent check; SDKs start in onAgreed, which
# only the consent dialog's "agree" button calls. Umeng's documented pre-consent call stays at start-up.

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Application;-><init>()V
    return-void
.end method

.method public onCreate()V
    .registers 4
    invoke-super {p0}, Landroid/app/Application;->onCreate()V
    const-string v0, "5f0000000000000000000000"
    const-string v1, "demo"
    invoke-static {p0, v0, v1}, Lcom/umeng/commonsdk/UMConfigure;->preInit(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;)V
    invoke-static {p0}, Lcom/selfaudit/t/gated/Privacy;->isAgreed(Landroid/content/Context;)Z
    move-result v2
    if-eqz v2, :skip
    invoke-direct {p0}, Lcom/selfaudit/t/gated/App;->readImei()V
    :skip
    return-void
.end method

.method public onAgreed()V
    .registers 4
    const-string v0, "5f0000000000000000000000"
    const-string v1, "demo"
    invoke-static {p0, v0, v1}, Lcom/umeng/commonsdk/UMConfigure;->init(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;)V
    invoke-direct {p0}, Lcom/selfaudit/t/gated/App;->readImei()V
    return-void
.end method

.method private readImei()V
    .registers 3
    const-string v0, "phone"
    invoke-virtual {p0, v0}, Lcom/selfaudit/t/gated/App;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/telephony/TelephonyManager;
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;
    move-result-object v1
    return-void
.end method
