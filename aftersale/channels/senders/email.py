"""E-mail through Django's configured backend (SMTP by default); one connection per batch."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from . import DeliveryError, Sent


def message_id(message) -> str:
    """Carries the case number, so a reply (In-Reply-To / References) finds its case."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"
    number = message.case.number if message.case_id else "none"
    return f"<outbox-{message.pk}.{number}@{domain}>"


class EmailSender:
    def __init__(self) -> None:
        self._connection = None

    def send(self, message) -> Sent:
        if self._connection is None:
            self._connection = get_connection(fail_silently=False)
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"X-Aftersale-Message": str(message.pk), "Message-ID": message_id(message)},
            connection=self._connection,
        )
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(f"recipient refused: {error.recipients}", permanent=True) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()  # the next message starts on a fresh connection
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        return Sent(detail="accepted by the mail server")

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except (smtplib.SMTPException, OSError):
                pass
            self._connection = None
