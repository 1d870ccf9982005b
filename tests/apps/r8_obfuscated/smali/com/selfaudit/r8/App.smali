.class public Lcom/selfaudit/r8/App;
.super Landroid/app/Application;
.source "SourceFile"

# What R8 makes of r8_plain: manifest classes keep their names, the rest is renamed (mapping.txt).

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Application;-><init>()V
    return-void
.end method

.method public onCreate()V
    .registers 1
    invoke-super {p0}, Landroid/app/Application;->onCreate()V
    invoke-static {p0}, La/a;->a(Landroid/content/Context;)V
    return-void
.end method
