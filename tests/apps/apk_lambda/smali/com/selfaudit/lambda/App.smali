.class public Lcom/selfaudit/lambda/App;
.super Landroid/app/Application;
.source "App.java"

# A Java 8 lambda compiled without desugaring (minSdk 26): invoke-custom through
# LambdaMetafactory; the body is the synthetic lambda$onCreate$0, reached only via the call site.

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Application;-><init>()V
    return-void
.end method

.method public onCreate()V
    .registers 3
    invoke-super {p0}, Landroid/app/Application;->onCreate()V
    invoke-custom {p0}, call_site_0("run", (Lcom/selfaudit/lambda/App;)Ljava/lang/Runnable;, ()V, invoke-direct@Lcom/selfaudit/lambda/App;->lambda$onCreate$0()V, ()V)@Ljava/lang/invoke/LambdaMetafactory;->metafactory(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;
    move-result-object v0
    new-instance v1, Ljava/lang/Thread;
    invoke-direct {v1, v0}, Ljava/lang/Thread;-><init>(Ljava/lang/Runnable;)V
    invoke-virtual {v1}, Ljava/lang/Thread;->start()V
    return-void
.end method

.method private synthetic lambda$onCreate$0()V
    .registers 2
    const-string v0, "phone"
    invoke-virtual {p0, v0}, Lcom/selfaudit/lambda/App;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/telephony/TelephonyManager;
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getImei()Ljava/lang/String;
    return-void
.end method
