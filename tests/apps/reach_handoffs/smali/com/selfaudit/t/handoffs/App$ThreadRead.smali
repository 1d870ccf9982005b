.class final Lcom/selfaudit/t/handoffs/App$ThreadRead;
.super Ljava/lang/Object;
.source "App.java"
.implements Ljava/lang/Runnable;

.field final app:Lcom/selfaudit/t/handoffs/App;

.method constructor <init>(Lcom/selfaudit/t/handoffs/App;)V
    .registers 2
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    iput-object p1, p0, Lcom/selfaudit/t/handoffs/App$ThreadRead;->app:Lcom/selfaudit/t/handoffs/App;
    return-void
.end method

.method public run()V
    .registers 3
    iget-object v0, p0, Lcom/selfaudit/t/handoffs/App$ThreadRead;->app:Lcom/selfaudit/t/handoffs/App;
    const-string v1, "phone"
    invoke-virtual {v0, v1}, Lcom/selfaudit/t/handoffs/App;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/telephony/TelephonyManager;
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getSubscriberId()Ljava/lang/String;
    move-result-object v0
    return-void
.end method
