"""Outbound webhooks: every case event a subscriber asked for becomes an outbox row."""

from __future__ import annotations

from fnmatch import fnmatchcase

from django.db import transaction
from django.utils.translation import gettext as _

from aftersale.cases.models import CaseEvent
from aftersale.common.errors import DomainError
from aftersale.common.permissions import require_role
from aftersale.common.roles import Role

from .models import OutboxChannel, WebhookSubscription
from .outbox import outbox_add

ADMIN_ROLES = {Role.ADMIN, Role.DIRECTOR}


def wants(subscription: WebhookSubscription, kind: str) -> bool:
    return not subscription.events or any(fnmatchcase(kind, pattern) for pattern in subscription.events)


def event_payload(event: CaseEvent) -> dict:
    case = event.case
    return {
        "id": f"evt_{event.pk}",
        "type": event.kind,
        "created_at": event.created_at.isoformat() if event.created_at else None,
        "case": {
            "number": case.number,
            "status": case.status,
            "case_type": case.case_type,
            "resolution": case.resolution,
            "priority": case.priority,
            "channel": case.channel,
            "order_no": case.order.order_no if case.order_id else None,
        },
        "from_status": event.from_status,
        "to_status": event.to_status,
        "public": event.is_public,
        "data": event.payload,
    }


def on_any_event(event: CaseEvent) -> None:
    subscriptions = [s for s in WebhookSubscription.objects.filter(is_active=True) if wants(s, event.kind)]
    if not subscriptions:
        return
    payload = event_payload(event)
    for subscription in subscriptions:
        outbox_add(
            channel=OutboxChannel.WEBHOOK,
            topic=event.kind,
            recipient=subscription.url,
            payload=payload,
            case=event.case,
            event=event,
            subscription=subscription,
        )


def webhook_subscribe(*, actor, name: str, url: str, secret: str, events: list[str]) -> WebhookSubscription:
    """Add a subscriber: its endpoint, the shared secret it checks signatures with, the events wanted."""
    require_role(actor, ADMIN_ROLES, action=_("管理 Webhook 订阅"))
    name, url, secret = (name or "").strip(), (url or "").strip(), secret or ""
    if not name:
        raise DomainError("name", _("此字段为必填项"))
    if not url.startswith(("https://", "http://")):
        raise DomainError("url", _("必须是 http:// 或 https:// 开头的地址"))
    if len(secret) < 16:
        raise DomainError("secret", _("签名密钥至少 16 个字符"))
    for index, pattern in enumerate(events):
        if not isinstance(pattern, str) or not pattern.strip() or len(pattern) > 60:
            raise DomainError(f"events.{index}", _("事件名无效"))
    with transaction.atomic():
        return WebhookSubscription.objects.create(name=name, url=url, secret=secret, events=list(events))
