.class public Lcom/selfaudit/t/gated/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

# Shows the privacy dialog on first launch; its "agree" button starts collection.

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 5
    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V
    invoke-static {p0}, Lcom/selfaudit/t/gated/Privacy;->isAgreed(Landroid/content/Context;)Z
    move-result v0
    if-nez v0, :done
    new-instance v1, Landroid/app/AlertDialog$Builder;
    invoke-direct {v1, p0}, Landroid/app/AlertDialog$Builder;-><init>(Landroid/content/Context;)V
    const-string v2, "请阅读并同意《隐私政策》"
    invoke-virtual {v1, v2}, Landroid/app/AlertDialog$Builder;->setMessage(Ljava/lang/CharSequence;)Landroid/app/AlertDialog$Builder;
    move-result-object v1
    new-instance v3, Lcom/selfaudit/t/gated/MainActivity$1;
    invoke-direct {v3, p0}, Lcom/selfaudit/t/gated/MainActivity$1;-><init>(Lcom/selfaudit/t/gated/MainActivity;)V
    const-string v2, "同意"
    invoke-virtual {v1, v2, v3}, Landroid/app/AlertDialog$Builder;->setPositiveButton(Ljava/lang/CharSequence;Landroid/content/DialogInterface$OnClickListener;)Landroid/app/AlertDialog$Builder;
    move-result-object v1
    invoke-virtual {v1}, Landroid/app/AlertDialog$Builder;->show()Landroid/app/AlertDialog;
    :done
    return-void
.end method
