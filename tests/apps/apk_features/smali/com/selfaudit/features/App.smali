.class public Lcom/selfaudit/features/App;
.super Landroid/app/Application;
.implements Ljava/lang/Runnable;
.source "App.java"

# Test fixture for the APK collector: constants, payloads, reflection and a thread hand-off.

.field public static id:Ljava/lang/String;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Application;-><init>()V
    return-void
.end method

.method public onCreate()V
    .registers 6
    invoke-super {p0}, Landroid/app/Application;->onCreate()V
    const/4 v0, 0x3
    packed-switch v0, :pswitch_data
    :pswitch_0
    const-wide/32 v1, 0x1d4c0
    const/high16 v3, 0x3f800000
    const-wide v1, 0x7fffffffffffL
    new-array v3, v0, [I
    fill-array-data v3, :array_0
    invoke-virtual {p0}, Lcom/selfaudit/features/App;->getContentResolver()Landroid/content/ContentResolver;
    move-result-object v0
    const-string v1, "android_id"
    invoke-static {v0, v1}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    sput-object v0, Lcom/selfaudit/features/App;->id:Ljava/lang/String;
    new-instance v0, Ljava/lang/Thread;
    invoke-direct {v0, p0}, Ljava/lang/Thread;-><init>(Ljava/lang/Runnable;)V
    invoke-virtual {v0}, Ljava/lang/Thread;->start()V
    return-void
    :pswitch_data
    .packed-switch 0x1
        :pswitch_0
        :pswitch_0
    .end packed-switch
    :array_0
    .array-data 4
        0x6e00
        0x1234
        0x71
    .end array-data
.end method

.method public run()V
    .registers 4
    :try_start
    const-string v0, "com.secret.Hidden"
    invoke-static {v0}, Ljava/lang/Class;->forName(Ljava/lang/String;)Ljava/lang/Class;
    move-result-object v0
    const-string v1, "collect"
    const/4 v2, 0x0
    new-array v2, v2, [Ljava/lang/Class;
    invoke-virtual {v0, v1, v2}, Ljava/lang/Class;->getMethod(Ljava/lang/String;[Ljava/lang/Class;)Ljava/lang/reflect/Method;
    :try_end
    .catch Ljava/lang/Exception; {:try_start .. :try_end} :handler
    return-void
    :handler
    return-void
.end method
