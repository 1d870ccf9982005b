.class public La/a/b;
.super Landroid/content/ContentProvider;
.source "SourceFile"

# An obfuscated provider in the second DEX: a MAC address, a serial-number field read and an
# SMS content URI.

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/content/ContentProvider;-><init>()V
    return-void
.end method

.method public static a()V
    .registers 2
    const/4 v0, 0x0
    check-cast v0, Landroid/net/wifi/WifiInfo;
    invoke-virtual {v0}, Landroid/net/wifi/WifiInfo;->getMacAddress()Ljava/lang/String;
    sget-object v1, Landroid/os/Build;->SERIAL:Ljava/lang/String;
    const-string v1, "content://sms/inbox"
    return-void
.end method

.method public onCreate()Z
    .registers 2
    invoke-static {}, La/a/b;->a()V
    const/4 v0, 0x1
    return v0
.end method
