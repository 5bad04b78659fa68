"""Outbound webhooks: every case event a subscriber asked for becomes an outbox row."""

from __future__ import annotations

from fnmatch import fnmatchcase

from django.db import transaction
from django.utils.translation import gettext as _

from aftersale.cases.models import Case, CaseEvent
from aftersale.common import process_cache
from aftersale.common.errors import DomainError
from aftersale.common.permissions import require_role
from aftersale.common.roles import Role

from .models import OutboxChannel, WebhookSubscription
from .outbox import outbox_add

ADMIN_ROLES = {Role.ADMIN, Role.DIRECTOR}


def wants(subscription: WebhookSubscription, kind: str) -> bool:
    return not subscription.events or any(fnmatchcase(kind, pattern) for pattern in subscription.events)


def event_payload(event: CaseEvent, case: Case) -> dict:
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


SUBSCRIPTIONS_KEY = "channels.webhook_subscriptions"


def active_subscriptions() -> list[WebhookSubscription]:
    """The active subscribers, kept per process for a few seconds (every event asks)."""
    return process_cache.remembered(
        SUBSCRIPTIONS_KEY, lambda: list(WebhookSubscription.objects.filter(is_active=True))
    )


def has_subscribers() -> bool:
    return bool(active_subscriptions())


def on_events(recorded: list[CaseEvent]) -> None:
    """Queue each event for every active subscriber whose filter matches (the registry's "*")."""
    subscriptions = active_subscriptions()
    if not subscriptions:
        return
    wanted = [(e, [s for s in subscriptions if wants(s, e.kind)]) for e in recorded]
    wanted = [(e, subs) for e, subs in wanted if subs]
    if not wanted:
        return
    # Events recorded in bulk carry only their case id: load those cases at once.
    missing = {e.case_id for e, _subs in wanted if not CaseEvent.case.is_cached(e)}
    cases = Case.objects.select_related("order").in_bulk(missing) if missing else {}
    for event, subs in wanted:
        case = event.case if CaseEvent.case.is_cached(event) else cases[event.case_id]
        payload = event_payload(event, case)
        for subscription in subs:
            outbox_add(
                channel=OutboxChannel.WEBHOOK,
                topic=event.kind,
                recipient=subscription.url,
                payload=payload,
                case=case,
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
        subscription = WebhookSubscription.objects.create(
            name=name, url=url, secret=secret, events=list(events)
        )
    return subscription
