.class public Lcom/selfaudit/r8/analytics/Payload;
.super Ljava/lang/Object;
.source "Payload.java"

.field public id:Ljava/lang/String;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method
