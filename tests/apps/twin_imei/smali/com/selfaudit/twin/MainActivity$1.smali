.class Lcom/selfaudit/twin/MainActivity$1;
.super Ljava/lang/Object;
.source "MainActivity.java"

# The anonymous Runnable posted from MainActivity.onCreate.

.implements Ljava/lang/Runnable;

.field final synthetic this$0:Lcom/selfaudit/twin/MainActivity;

.method constructor <init>(Lcom/selfaudit/twin/MainActivity;)V
    .registers 2
    iput-object p1, p0, Lcom/selfaudit/twin/MainActivity$1;->this$0:Lcom/selfaudit/twin/MainActivity;
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public run()V
    .registers 2
    .line 23
    iget-object v0, p0, Lcom/selfaudit/twin/MainActivity$1;->this$0:Lcom/selfaudit/twin/MainActivity;
    invoke-static {v0}, Lcom/selfaudit/twin/MainActivity;->readSubscriber(Landroid/content/Context;)V
    .line 24
    return-void
.end method
