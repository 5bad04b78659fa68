from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    DeliveryAttempt,
    InboundEvent,
    InboundMail,
    InboundRefusal,
    InboundSource,
    Notification,
    OutboxMessage,
    SocialIdentity,
    WebhookSubscription,
)
from .outbox import outbox_retry_now


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "started_at", "duration_ms", "ok", "status_code", "detail"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "topic", "case", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["channel", "status", "topic"]
    search_fields = ["case__number", "topic"]
    raw_id_fields = ["case", "event", "subscription"]
    readonly_fields = ["claim", "claimed_until", "attempts", "sent_at", "last_error"]
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now"]

    @admin.action(description=_("重新发送失败的消息"))
    def retry_now(self, request, queryset):
        for message in queryset.filter(status="failed"):
            outbox_retry_now(message=message)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "topic", "user", "customer", "case", "created_at", "read_at"]
    list_filter = ["topic"]
    raw_id_fields = ["user", "customer", "case"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "events", "is_active", "created_at"]


@admin.register(InboundSource)
class InboundSourceAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "adapter", "acts_as", "is_active"]
    raw_id_fields = ["acts_as"]


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ["source", "event_id", "topic", "received_at"]
    list_filter = ["source", "topic"]


@admin.register(InboundRefusal)
class InboundRefusalAdmin(admin.ModelAdmin):
    list_display = ["source_slug", "reason", "detail", "remote_addr", "received_at"]
    list_filter = ["reason"]


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "from_address", "subject", "status", "case", "reason"]
    list_filter = ["status"]
    search_fields = ["from_address", "subject", "message_id"]
    raw_id_fields = ["case"]


@admin.register(SocialIdentity)
class SocialIdentityAdmin(admin.ModelAdmin):
    list_display = ["source", "external_user_id", "customer", "created_at"]
    raw_id_fields = ["customer"]
