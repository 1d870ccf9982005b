.class public Lcom/selfaudit/r8/App;
.super Landroid/app/Application;
.source "App.java"

# The un-obfuscated twin of r8_obfuscated: same code, original names (see its mapping.txt).

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Application;-><init>()V
    return-void
.end method

.method public onCreate()V
    .registers 1
    invoke-super {p0}, Landroid/app/Application;->onCreate()V
    invoke-static {p0}, Lcom/selfaudit/r8/analytics/Tracker;->start(Landroid/content/Context;)V
    return-void
.end method
