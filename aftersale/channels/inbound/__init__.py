"""Inbound platform webhooks: authenticate, parse, then apply once per event id.

`inbound_receive` refuses and logs (InboundRefusal) a call that fails authentication; a malformed
body is refused with the field named. An accepted call is recorded as an InboundEvent in the same
transaction as its change; the unique (source, event id) makes a redelivery answer "duplicate"
without doing anything, even when two deliveries race."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.channels.models import InboundAdapter, InboundEvent, InboundRefusal, InboundSource
from aftersale.common.errors import DomainError, NotFound

from . import generic, messages, shopify, taobao
from .base import Headers, Refused

log = logging.getLogger("aftersale.webhooks")

PARSERS = {
    InboundAdapter.GENERIC: generic.parse,
    InboundAdapter.SHOPIFY: shopify.parse,
    InboundAdapter.TAOBAO: taobao.parse,
    InboundAdapter.MESSAGE: messages.parse,
}


@dataclass
class InboundResult:
    status: str  # "accepted" or "duplicate"
    event_id: str
    topic: str
    result: dict


def _refuse(slug: str, reason: str, detail: str, remote_addr: str, body: bytes) -> None:
    InboundRefusal.objects.create(
        source_slug=slug[:40],
        reason=reason[:40],
        detail=detail[:500],
        remote_addr=remote_addr[:64],
        body_sha256=hashlib.sha256(body).hexdigest(),
    )
    log.warning("inbound webhook %s refused: %s (%s) from %s", slug, reason, detail, remote_addr)


def inbound_receive(
    *, slug: str, headers: Mapping[str, str], body: bytes, remote_addr: str = ""
) -> InboundResult:
    source = InboundSource.objects.select_related("acts_as").filter(slug=slug, is_active=True).first()
    if source is None:
        _refuse(slug, "unknown_source", "", remote_addr, body)
        raise NotFound("slug", _("未知的接入平台"), code="unknown_source")
    parser = PARSERS.get(source.adapter)
    if parser is None:
        raise NotFound("slug", _("该接入平台不接收此类调用"), code="unsupported")
    try:
        call = parser(source, Headers(headers), body, timezone.now())
    except Refused as refused:
        _refuse(slug, refused.reason, str(refused.errors[0].message), remote_addr, body)
        raise
    except DomainError as error:
        _refuse(
            slug, "malformed", "; ".join(f"{e.field}: {e.message}" for e in error.errors), remote_addr, body
        )
        raise
    if not call.event_id or len(call.event_id) > 120:
        raise DomainError("id", _("缺少或无效的事件编号"), code="invalid")
    previous = InboundEvent.objects.filter(source=source, event_id=call.event_id).first()
    if previous is not None:
        return InboundResult("duplicate", call.event_id, previous.topic, previous.result)
    try:
        with transaction.atomic():
            record = InboundEvent.objects.create(source=source, event_id=call.event_id, topic=call.topic[:80])
            record.result = call.apply(source)
            record.save(update_fields=["result"])
    except DomainError as error:
        _refuse(
            slug, "refused", "; ".join(f"{e.field}: {e.message}" for e in error.errors), remote_addr, body
        )
        raise
    except IntegrityError:
        previous = InboundEvent.objects.filter(source=source, event_id=call.event_id).first()
        if previous is None:  # not a duplicate after all: something else in the change failed
            raise
        return InboundResult("duplicate", call.event_id, previous.topic, previous.result)
    return InboundResult("accepted", call.event_id, call.topic, record.result)
