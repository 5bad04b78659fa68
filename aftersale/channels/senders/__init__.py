"""Delivery of outbox messages, one sender per channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class DeliveryError(Exception):
    """A failed delivery. `permanent` ones (refused by the other side for good) are not retried."""

    def __init__(self, message: str, *, status_code: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.permanent = permanent


@dataclass
class Sent:
    detail: str = ""
    status_code: int | None = None


class Sender(Protocol):
    def send(self, message) -> Sent: ...


def sender_for(channel: str) -> Sender:
    from .email import EmailSender
    from .sms import SmsSender
    from .webhook import WebhookSender

    return {"email": EmailSender, "sms": SmsSender, "webhook": WebhookSender}[channel]()
