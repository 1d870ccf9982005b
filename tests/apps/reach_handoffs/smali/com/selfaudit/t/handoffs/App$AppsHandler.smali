.class final Lcom/selfaudit/t/handoffs/App$AppsHandler;
.super Landroid/os/Handler;
.source "App.java"

.field final app:Lcom/selfaudit/t/handoffs/App;

.method constructor <init>(Lcom/selfaudit/t/handoffs/App;)V
    .registers 2
    invoke-direct {p0}, Landroid/os/Handler;-><init>()V
    iput-object p1, p0, Lcom/selfaudit/t/handoffs/App$AppsHandler;->app:Lcom/selfaudit/t/handoffs/App;
    return-void
.end method

.method public handleMessage(Landroid/os/Message;)V
    .registers 4
    iget-object v0, p0, Lcom/selfaudit/t/handoffs/App$AppsHandler;->app:Lcom/selfaudit/t/handoffs/App;
    invoke-virtual {v0}, Lcom/selfaudit/t/handoffs/App;->getPackageManager()Landroid/content/pm/PackageManager;
    move-result-object v0
    const/4 v1, 0x0
    invoke-virtual {v0, v1}, Landroid/content/pm/PackageManager;->getInstalledPackages(I)Ljava/util/List;
    move-result-object v0
    return-void
.end method
