.class public abstract Lcom/selfaudit/inherited/BaseActivity;
.super Landroid/app/Activity;
.source "BaseActivity.java"

# Declares its own requestPermissions (which calls the framework's through invoke-super): a call
# naming a subclass of BaseActivity lands here, in app code, not in the framework.

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method

.method public requestPermissions([Ljava/lang/String;I)V
    .registers 3
    invoke-super {p0, p1, p2}, Landroid/app/Activity;->requestPermissions([Ljava/lang/String;I)V
    return-void
.end method
