.class public Lcom/selfaudit/t/handoffs/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

# A button whose click reads the clipboard: reachable (the user can tap it), but never before consent.

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 4
    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V
    new-instance v0, Landroid/widget/Button;
    invoke-direct {v0, p0}, Landroid/widget/Button;-><init>(Landroid/content/Context;)V
    new-instance v1, Lcom/selfaudit/t/handoffs/MainActivity$1;
    invoke-direct {v1, p0}, Lcom/selfaudit/t/handoffs/MainActivity$1;-><init>(Lcom/selfaudit/t/handoffs/MainActivity;)V
    invoke-virtual {v0, v1}, Landroid/widget/Button;->setOnClickListener(Landroid/view/View$OnClickListener;)V
    invoke-virtual {p0, v0}, Lcom/selfaudit/t/handoffs/MainActivity;->setContentView(Landroid/view/View;)V
    return-void
.end method
