"""SMS through the configured provider (aftersale.channels.sms)."""

from __future__ import annotations

from aftersale.channels.sms import SmsError, sms_backend

from . import DeliveryError, Sent


class SmsSender:
    def send(self, message) -> Sent:
        try:
            ref = sms_backend().send(
                phone=message.recipient,
                text=message.body,
                template=message.topic,
                params=message.payload.get("params") or {},
            )
        except SmsError as error:
            raise DeliveryError(
                str(error), status_code=error.status_code, permanent=error.permanent
            ) from error
        return Sent(detail=f"provider ref {ref}" if ref else "sent")
