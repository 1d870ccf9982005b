.class public Lcom/selfaudit/twin/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

# Twin of MainActivity.java: a runtime permission request at start-up, a Handler-posted
# IMSI read (anonymous Runnable MainActivity$1), a clipboard read in onResume, and a second
# permission request in onStart through the inherited Activity.requestPermissions (the call site
# names MainActivity).

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method

.method static readSubscriber(Landroid/content/Context;)V
    .registers 2
    .line 35
    const-string v0, "phone"
    invoke-virtual {p0, v0}, Landroid/content/Context;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/telephony/TelephonyManager;
    .line 36
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getSubscriberId()Ljava/lang/String;
    .line 37
    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 5
    .line 18
    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V
    .line 19
    const/4 v0, 0x1
    new-array v0, v0, [Ljava/lang/String;
    const/4 v1, 0x0
    const-string v2, "android.permission.CAMERA"
    aput-object v2, v0, v1
    const/4 v1, 0x1
    invoke-static {p0, v0, v1}, Landroidx/core/app/ActivityCompat;->requestPermissions(Landroid/app/Activity;[Ljava/lang/String;I)V
    .line 20
    new-instance v0, Landroid/os/Handler;
    invoke-static {}, Landroid/os/Looper;->getMainLooper()Landroid/os/Looper;
    move-result-object v1
    invoke-direct {v0, v1}, Landroid/os/Handler;-><init>(Landroid/os/Looper;)V
    new-instance v1, Lcom/selfaudit/twin/MainActivity$1;
    invoke-direct {v1, p0}, Lcom/selfaudit/twin/MainActivity$1;-><init>(Lcom/selfaudit/twin/MainActivity;)V
    invoke-virtual {v0, v1}, Landroid/os/Handler;->post(Ljava/lang/Runnable;)Z
    .line 25
    return-void
.end method

.method protected onResume()V
    .registers 2
    .line 29
    invoke-super {p0}, Landroid/app/Activity;->onResume()V
    .line 30
    const-string v0, "clipboard"
    invoke-virtual {p0, v0}, Lcom/selfaudit/twin/MainActivity;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/content/ClipboardManager;
    .line 31
    invoke-virtual {v0}, Landroid/content/ClipboardManager;->getPrimaryClip()Landroid/content/ClipData;
    .line 32
    return-void
.end method

.method protected onStart()V
    .registers 4
    .line 42
    invoke-super {p0}, Landroid/app/Activity;->onStart()V
    .line 43
    const/4 v0, 0x1
    new-array v0, v0, [Ljava/lang/String;
    const/4 v1, 0x0
    const-string v2, "android.permission.CAMERA"
    aput-object v2, v0, v1
    const/4 v1, 0x2
    invoke-virtual {p0, v0, v1}, Lcom/selfaudit/twin/MainActivity;->requestPermissions([Ljava/lang/String;I)V
    .line 44
    return-void
.end method
