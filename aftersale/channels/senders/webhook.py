"""Outbound webhooks: the event as JSON, POSTed with a signature the subscriber can check."""

from __future__ import annotations

import json
import time

import httpx
from django.conf import settings

from aftersale.channels.signing import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    TOPIC_HEADER,
    signature,
)

from . import DeliveryError, Sent


class WebhookSender:
    def send(self, message) -> Sent:
        subscription = message.subscription
        if subscription is None or not subscription.is_active:
            raise DeliveryError("subscription removed or disabled", permanent=True)
        body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "aftersale-webhooks/1",
            TOPIC_HEADER: message.topic,
            EVENT_ID_HEADER: f"delivery-{message.pk}",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(subscription.secret, timestamp, body),
        }
        timeout = getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10)
        try:
            response = httpx.post(subscription.url, content=body, headers=headers, timeout=timeout)
        except httpx.HTTPError as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        excerpt = response.text[:300]
        if 200 <= response.status_code < 300:
            return Sent(detail=excerpt, status_code=response.status_code)
        # 410 Gone: the subscriber says the endpoint is no more; anything else may pass.
        raise DeliveryError(
            f"HTTP {response.status_code}: {excerpt}",
            status_code=response.status_code,
            permanent=response.status_code == 410,
        )
