.class public La/b;
.super Ljava/lang/Object;
.source "SourceFile"

.field public a:Ljava/lang/String;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method
