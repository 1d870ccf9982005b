.class final Lcom/selfaudit/t/handoffs/MainActivity$1;
.super Ljava/lang/Object;
.source "MainActivity.java"
.implements Landroid/view/View$OnClickListener;

.field final activity:Lcom/selfaudit/t/handoffs/MainActivity;

.method constructor <init>(Lcom/selfaudit/t/handoffs/MainActivity;)V
    .registers 2
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    iput-object p1, p0, Lcom/selfaudit/t/handoffs/MainActivity$1;->activity:Lcom/selfaudit/t/handoffs/MainActivity;
    return-void
.end method

.method public onClick(Landroid/view/View;)V
    .registers 4
    iget-object v0, p0, Lcom/selfaudit/t/handoffs/MainActivity$1;->activity:Lcom/selfaudit/t/handoffs/MainActivity;
    const-string v1, "clipboard"
    invoke-virtual {v0, v1}, Lcom/selfaudit/t/handoffs/MainActivity;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/content/ClipboardManager;
    invoke-virtual {v0}, Landroid/content/ClipboardManager;->getPrimaryClip()Landroid/content/ClipData;
    move-result-object v0
    return-void
.end method
