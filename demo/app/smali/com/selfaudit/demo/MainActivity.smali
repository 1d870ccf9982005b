.class public Lcom/selfaudit/demo/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

# Asks for location and contacts as soon as the app starts, and reads the clipboard.

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 5
    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V
    const/4 v0, 0x2
    new-array v0, v0, [Ljava/lang/String;
    const/4 v1, 0x0
    const-string v2, "android.permission.ACCESS_FINE_LOCATION"
    aput-object v2, v0, v1
    const/4 v1, 0x1
    const-string v2, "android.permission.READ_CONTACTS"
    aput-object v2, v0, v1
    const/16 v1, 0x64
    invoke-virtual {p0, v0, v1}, Lcom/selfaudit/demo/MainActivity;->requestPermissions([Ljava/lang/String;I)V
    invoke-direct {p0}, Lcom/selfaudit/demo/MainActivity;->readClipboard()V
    return-void
.end method

.method private readClipboard()V
    .registers 3
    const-string v0, "clipboard"
    invoke-virtual {p0, v0}, Lcom/selfaudit/demo/MainActivity;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/content/ClipboardManager;
    invoke-virtual {v0}, Landroid/content/ClipboardManager;->getPrimaryClip()Landroid/content/ClipData;
    move-result-object v1
    return-void
.end method
