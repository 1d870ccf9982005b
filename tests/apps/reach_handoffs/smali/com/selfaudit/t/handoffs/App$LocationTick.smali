.class final Lcom/selfaudit/t/handoffs/App$LocationTick;
.super Ljava/util/TimerTask;
.source "App.java"

.field final app:Lcom/selfaudit/t/handoffs/App;

.method constructor <init>(Lcom/selfaudit/t/handoffs/App;)V
    .registers 2
    invoke-direct {p0}, Ljava/util/TimerTask;-><init>()V
    iput-object p1, p0, Lcom/selfaudit/t/handoffs/App$LocationTick;->app:Lcom/selfaudit/t/handoffs/App;
    return-void
.end method

.method public run()V
    .registers 3
    iget-object v0, p0, Lcom/selfaudit/t/handoffs/App$LocationTick;->app:Lcom/selfaudit/t/handoffs/App;
    const-string v1, "location"
    invoke-virtual {v0, v1}, Lcom/selfaudit/t/handoffs/App;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/location/LocationManager;
    const-string v1, "gps"
    invoke-virtual {v0, v1}, Landroid/location/LocationManager;->getLastKnownLocation(Ljava/lang/String;)Landroid/location/Location;
    move-result-object v0
    return-void
.end method
