.class public Lcom/selfaudit/t/handoffs/App;
.super Landroid/app/Application;
.source "App.java"

# Application.onCreate hands six reads off to other threads and callbacks; each reads a different
# kind of personal information so a test can check each path. unused() is never called.

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Application;-><init>()V
    return-void
.end method

.method public onCreate()V
    .registers 7
    invoke-super {p0}, Landroid/app/Application;->onCreate()V

    # 1. Handler.post(Runnable): IMEI
    new-instance v0, Landroid/os/Handler;
    invoke-static {}, Landroid/os/Looper;->getMainLooper()Landroid/os/Looper;
    move-result-object v1
    invoke-direct {v0, v1}, Landroid/os/Handler;-><init>(Landroid/os/Looper;)V
    new-instance v1, Lcom/selfaudit/t/handoffs/App$PostedRead;
    invoke-direct {v1, p0}, Lcom/selfaudit/t/handoffs/App$PostedRead;-><init>(Lcom/selfaudit/t/handoffs/App;)V
    invoke-virtual {v0, v1}, Landroid/os/Handler;->post(Ljava/lang/Runnable;)Z

    # 2. new Thread(Runnable).start(): IMSI
    new-instance v0, Ljava/lang/Thread;
    new-instance v1, Lcom/selfaudit/t/handoffs/App$ThreadRead;
    invoke-direct {v1, p0}, Lcom/selfaudit/t/handoffs/App$ThreadRead;-><init>(Lcom/selfaudit/t/handoffs/App;)V
    invoke-direct {v0, v1}, Ljava/lang/Thread;-><init>(Ljava/lang/Runnable;)V
    invoke-virtual {v0}, Ljava/lang/Thread;->start()V

    # 3. Executor.execute(lambda): a D8 singleton lambda read from a static field: serial number
    invoke-static {}, Ljava/util/concurrent/Executors;->newSingleThreadExecutor()Ljava/util/concurrent/ExecutorService;
    move-result-object v0
    sget-object v1, Lcom/selfaudit/t/handoffs/App$$ExternalSyntheticLambda0;->INSTANCE:Lcom/selfaudit/t/handoffs/App$$ExternalSyntheticLambda0;
    invoke-interface {v0, v1}, Ljava/util/concurrent/ExecutorService;->execute(Ljava/lang/Runnable;)V

    # 4. AsyncTask.execute(): MAC address in doInBackground
    new-instance v0, Lcom/selfaudit/t/handoffs/App$MacTask;
    invoke-direct {v0, p0}, Lcom/selfaudit/t/handoffs/App$MacTask;-><init>(Lcom/selfaudit/t/handoffs/App;)V
    const/4 v1, 0x0
    new-array v1, v1, [Ljava/lang/Void;
    invoke-virtual {v0, v1}, Lcom/selfaudit/t/handoffs/App$MacTask;->execute([Ljava/lang/Object;)Landroid/os/AsyncTask;

    # 5. Timer.schedule(task, 0, 1000): location every second
    new-instance v0, Ljava/util/Timer;
    invoke-direct {v0}, Ljava/util/Timer;-><init>()V
    new-instance v1, Lcom/selfaudit/t/handoffs/App$LocationTick;
    invoke-direct {v1, p0}, Lcom/selfaudit/t/handoffs/App$LocationTick;-><init>(Lcom/selfaudit/t/handoffs/App;)V
    const-wide/16 v2, 0x0
    const-wide/16 v4, 0x3e8
    invoke-virtual/range {v0 .. v5}, Ljava/util/Timer;->schedule(Ljava/util/TimerTask;JJ)V

    # 6. A Handler subclass's sendEmptyMessage: installed apps in handleMessage
    new-instance v0, Lcom/selfaudit/t/handoffs/App$AppsHandler;
    invoke-direct {v0, p0}, Lcom/selfaudit/t/handoffs/App$AppsHandler;-><init>(Lcom/selfaudit/t/handoffs/App;)V
    const/4 v1, 0x1
    invoke-virtual {v0, v1}, Lcom/selfaudit/t/handoffs/App$AppsHandler;->sendEmptyMessage(I)Z
    return-void
.end method

.method static synthetic lambda$onCreate$0()V
    .registers 1
    invoke-static {}, Landroid/os/Build;->getSerial()Ljava/lang/String;
    move-result-object v0
    return-void
.end method

.method public static unused()V
    .registers 2
    const/4 v0, 0x0
    invoke-virtual {v0}, Ljava/net/NetworkInterface;->getHardwareAddress()[B
    move-result-object v1
    return-void
.end method
