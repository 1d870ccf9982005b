.class final Lcom/selfaudit/t/handoffs/App$MacTask;
.super Landroid/os/AsyncTask;
.source "App.java"

.field final app:Lcom/selfaudit/t/handoffs/App;

.method constructor <init>(Lcom/selfaudit/t/handoffs/App;)V
    .registers 2
    invoke-direct {p0}, Landroid/os/AsyncTask;-><init>()V
    iput-object p1, p0, Lcom/selfaudit/t/handoffs/App$MacTask;->app:Lcom/selfaudit/t/handoffs/App;
    return-void
.end method

.method protected doInBackground([Ljava/lang/Object;)Ljava/lang/Object;
    .registers 4
    iget-object v0, p0, Lcom/selfaudit/t/handoffs/App$MacTask;->app:Lcom/selfaudit/t/handoffs/App;
    const-string v1, "wifi"
    invoke-virtual {v0, v1}, Lcom/selfaudit/t/handoffs/App;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/net/wifi/WifiManager;
    invoke-virtual {v0}, Landroid/net/wifi/WifiManager;->getConnectionInfo()Landroid/net/wifi/WifiInfo;
    move-result-object v0
    invoke-virtual {v0}, Landroid/net/wifi/WifiInfo;->getMacAddress()Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method
