"""E-mail through Django's configured backend (SMTP by default)."""

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
    def send(self, message) -> Sent:
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"X-Aftersale-Message": str(message.pk), "Message-ID": message_id(message)},
            connection=get_connection(fail_silently=False),
        )
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(f"recipient refused: {error.recipients}", permanent=True) from error
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        return Sent(detail="accepted by the mail server")
