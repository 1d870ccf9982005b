.class public final synthetic Lcom/selfaudit/t/handoffs/App$$ExternalSyntheticLambda0;
.super Ljava/lang/Object;
.source "D8$$SyntheticClass"
.implements Ljava/lang/Runnable;

# What D8 emits for a non-capturing lambda: a singleton read from INSTANCE, never new-ed at the call site.

.field public static final synthetic INSTANCE:Lcom/selfaudit/t/handoffs/App$$ExternalSyntheticLambda0;

.method static synthetic constructor <clinit>()V
    .registers 1
    new-instance v0, Lcom/selfaudit/t/handoffs/App$$ExternalSyntheticLambda0;
    invoke-direct {v0}, Lcom/selfaudit/t/handoffs/App$$ExternalSyntheticLambda0;-><init>()V
    sput-object v0, Lcom/selfaudit/t/handoffs/App$$ExternalSyntheticLambda0;->INSTANCE:Lcom/selfaudit/t/handoffs/App$$ExternalSyntheticLambda0;
    return-void
.end method

.method private synthetic constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public final run()V
    .registers 1
    invoke-static {}, Lcom/selfaudit/t/handoffs/App;->lambda$onCreate$0()V
    return-void
.end method
