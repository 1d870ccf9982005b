.class Lcom/selfaudit/t/gated/MainActivity$1;
.super Ljava/lang/Object;
.source "MainActivity.java"

# The consent dialog's "agree" button.

.implements Landroid/content/DialogInterface$OnClickListener;

.field final synthetic this$0:Lcom/selfaudit/t/gated/MainActivity;

.method constructor <init>(Lcom/selfaudit/t/gated/MainActivity;)V
    .registers 2
    iput-object p1, p0, Lcom/selfaudit/t/gated/MainActivity$1;->this$0:Lcom/selfaudit/t/gated/MainActivity;
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public onClick(Landroid/content/DialogInterface;I)V
    .registers 4
    iget-object v0, p0, Lcom/selfaudit/t/gated/MainActivity$1;->this$0:Lcom/selfaudit/t/gated/MainActivity;
    invoke-static {v0}, Lcom/selfaudit/t/gated/Privacy;->setAgreed(Landroid/content/Context;)V
    invoke-virtual {v0}, Lcom/selfaudit/t/gated/MainActivity;->getApplication()Landroid/app/Application;
    move-result-object v1
    check-cast v1, Lcom/selfaudit/t/gated/App;
    invoke-virtual {v1}, Lcom/selfaudit/t/gated/App;->onAgreed()V
    return-void
.end method
