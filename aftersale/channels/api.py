"""Channel endpoints: the caller's notifications, webhook subscribers and their delivery history."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.common.errors import DomainError, NotFound, TooManyRequests
from aftersale.common.permissions import require_role
from aftersale.common.ratelimit import WEBHOOK_REFUSED, client_ip
from aftersale.common.role_auth import role_auth
from aftersale.common.schemas import InSchema, RowId

from .models import DeliveryAttempt, OutboxMessage, WebhookSubscription
from .selectors import centre_items, unread_count
from .services import notifications_mark_read
from .webhooks_out import ADMIN_ROLES, webhook_subscribe

router = Router(tags=["notifications and webhooks"])


class NotificationOut(Schema):
    id: int
    source: str = Field(description='"notification", or "alert" for a service-level or risk alert')
    topic: str
    title: str
    body: str
    case: str | None
    created_at: datetime
    read: bool


class NotificationList(Schema):
    unread: int
    items: list[NotificationOut]


class ListQuery(InSchema):
    unread_only: bool = False
    limit: int = Field(default=50, ge=1, le=200)
    before: datetime | None = None


@router.get("/notifications", response=NotificationList)
def list_notifications(request, query: Query[ListQuery]):
    """The caller's notification centre, newest first, with the unread count. Staff also see the
    service-level and risk alerts addressed to them (`source` "alert"); page with `before`."""
    items = centre_items(request.auth, limit=query.limit, unread_only=query.unread_only, before=query.before)
    return NotificationList(
        unread=unread_count(request.auth), items=[NotificationOut(**vars(i)) for i in items]
    )


class MarkReadIn(InSchema):
    ids: list[RowId] | None = Field(default=None, max_length=500)
    alert_ids: list[RowId] | None = Field(default=None, max_length=500)


class MarkedOut(Schema):
    marked: int
    unread: int


@router.post("/notifications/read", response=MarkedOut)
def mark_read(request, payload: MarkReadIn):
    """Mark the given notifications (`ids`) and alerts (`alert_ids`) read; everything when both are
    left out."""
    marked = notifications_mark_read(actor=request.auth, ids=payload.ids, alert_ids=payload.alert_ids)
    return MarkedOut(marked=marked, unread=unread_count(request.auth))


class SubscriptionIn(InSchema):
    name: str = Field(max_length=80)
    url: str = Field(max_length=500)
    secret: str = Field(max_length=128)
    events: list[str] = Field(default_factory=list, max_length=50)


class SubscriptionOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    is_active: bool
    created_at: datetime


def _subscription_out(s: WebhookSubscription) -> SubscriptionOut:
    return SubscriptionOut(
        id=s.pk, name=s.name, url=s.url, events=s.events, is_active=s.is_active, created_at=s.created_at
    )


@router.get("/webhooks/subscriptions", response=list[SubscriptionOut])
def list_subscriptions(request):
    require_role(request.auth, ADMIN_ROLES, action=_("管理 Webhook 订阅"))
    return [_subscription_out(s) for s in WebhookSubscription.objects.order_by("id")]


@router.post(
    "/webhooks/subscriptions",
    response={201: SubscriptionOut},
    auth=role_auth(ADMIN_ROLES, action=gettext_lazy("管理 Webhook 订阅")),
)
def create_subscription(request, payload: SubscriptionIn):
    """Add a subscriber. Each call it gets is signed: see docs/channels.md."""
    subscription = webhook_subscribe(
        actor=request.auth, name=payload.name, url=payload.url, secret=payload.secret, events=payload.events
    )
    return Reply(201, _subscription_out(subscription))


class AttemptOut(Schema):
    number: int
    started_at: datetime
    duration_ms: int
    ok: bool
    status_code: int | None
    detail: str


class DeliveryOut(Schema):
    id: int
    topic: str
    case: str | None
    status: str
    attempts: int
    next_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str
    log: list[AttemptOut]


@router.get("/webhooks/subscriptions/{subscription_id}/deliveries", response=list[DeliveryOut])
def list_deliveries(request, subscription_id: int, limit: int = Query(50, ge=1, le=200)):
    """A subscriber's delivery history, newest first, each with its attempts."""
    require_role(request.auth, ADMIN_ROLES, action=_("管理 Webhook 订阅"))
    subscription = WebhookSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFound("subscription_id", _("没有这个订阅"))
    messages = list(
        OutboxMessage.objects.filter(subscription=subscription).select_related("case").order_by("-id")[:limit]
    )
    attempts: dict[int, list[DeliveryAttempt]] = {}
    for attempt in DeliveryAttempt.objects.filter(message__in=messages).order_by("number"):
        attempts.setdefault(attempt.message_id, []).append(attempt)
    return [
        DeliveryOut(
            id=m.pk,
            topic=m.topic,
            case=m.case.number if m.case_id else None,
            status=m.status,
            attempts=m.attempts,
            next_attempt_at=m.next_attempt_at if m.status == "pending" else None,
            sent_at=m.sent_at,
            last_error=m.last_error,
            log=[
                AttemptOut(
                    number=a.number,
                    started_at=a.started_at,
                    duration_ms=a.duration_ms,
                    ok=a.ok,
                    status_code=a.status_code,
                    detail=a.detail,
                )
                for a in attempts.get(m.pk, [])
            ],
        )
        for m in messages
    ]


class InboundOut(Schema):
    status: str
    event_id: str
    topic: str
    result: dict


@router.post("/webhooks/inbound/{slug}", response=InboundOut, auth=None)
def receive_webhook(request, slug: str):
    """A platform's signed call (orders, after-sales requests). Authenticated by its signature, not a
    token: see docs/channels.md for the formats. A redelivered event id answers "duplicate"."""
    from .inbound import inbound_receive

    address = client_ip(request)
    if WEBHOOK_REFUSED.exceeded(address):
        raise TooManyRequests("signature", _("被拒绝的调用过多，请稍后再试"), code="rate_limited")
    try:
        result = inbound_receive(
            slug=slug,
            headers=dict(request.headers),
            body=request.body,
            remote_addr=address,
        )
    except DomainError as exc:
        if exc.status in (401, 403, 404):  # not the platform it claims to be: count it
            WEBHOOK_REFUSED.hit(address)
        raise
    return InboundOut(
        status=result.status, event_id=result.event_id, topic=result.topic, result=result.result
    )


class CaseDeliveryOut(Schema):
    id: int
    channel: str
    topic: str
    recipient: str
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    last_error: str


def _masked_recipient(message: OutboxMessage) -> str:
    from aftersale.common.masking import mask_phone

    if message.channel == "sms":
        return mask_phone(message.recipient)
    if message.channel == "email":
        local, _sep, domain = message.recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return message.recipient


@router.get("/cases/{number}/deliveries", response=list[CaseDeliveryOut])
def case_deliveries(request, number: str, limit: int = Query(50, ge=1, le=200)):
    """What was sent about a case (e-mail, SMS, webhooks) and whether it arrived; staff only,
    recipients masked."""
    from aftersale.cases.selectors import case_get
    from aftersale.common.roles import STAFF_ROLES

    require_role(request.auth, STAFF_ROLES, action=_("查看发送记录"))
    case = case_get(user=request.auth, number=number)
    rows = OutboxMessage.objects.filter(case=case).order_by("-id")[:limit]
    return [
        CaseDeliveryOut(
            id=m.pk,
            channel=m.channel,
            topic=m.topic,
            recipient=_masked_recipient(m),
            status=m.status,
            attempts=m.attempts,
            created_at=m.created_at,
            sent_at=m.sent_at,
            last_error=m.last_error[:300],
        )
        for m in rows
    ]
