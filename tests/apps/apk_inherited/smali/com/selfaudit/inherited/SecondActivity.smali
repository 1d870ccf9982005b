.class public Lcom/selfaudit/inherited/SecondActivity;
.super Lcom/selfaudit/inherited/BaseActivity;
.source "SecondActivity.java"

# requestPermissions through BaseActivity's own declaration: no inherited framework reference
# here (BaseActivity.requestPermissions holds the direct one).

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Lcom/selfaudit/inherited/BaseActivity;-><init>()V
    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 5
    invoke-super {p0, p1}, Lcom/selfaudit/inherited/BaseActivity;->onCreate(Landroid/os/Bundle;)V
    const/4 v0, 0x1
    new-array v0, v0, [Ljava/lang/String;
    const/4 v1, 0x0
    const-string v2, "android.permission.CAMERA"
    aput-object v2, v0, v1
    const/4 v1, 0x2
    invoke-virtual {p0, v0, v1}, Lcom/selfaudit/inherited/SecondActivity;->requestPermissions([Ljava/lang/String;I)V
    return-void
.end method
