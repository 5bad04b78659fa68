"""Inbound e-mail over SMTP: a small mail server that takes each message in exactly as the IMAP
poller does (`mail_receive`), for a business that routes its service address here (MX or relay)
instead of keeping a mailbox.

    aftersale mail-server --host 0.0.0.0 --port 2525
"""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from aftersale.common.errors import DomainError
from aftersale.common.models import User

from .mail import mail_receive

log = logging.getLogger("aftersale.mail")
# aiosmtpd logs each connection at INFO, and one of those calls is malformed ("Logging error" when
# a client hangs up early); its warnings and errors still show.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def _receive(raw: bytes) -> str:
    """The SMTP reply for one message: accepted once stored; a temporary failure (the sending
    server retries) while no account is configured to take mail in."""
    close_old_connections()
    acts_as = User.objects.filter(username=settings.INBOUND_MAIL_ACTS_AS, is_active=True).first()
    if acts_as is None:
        log.error("INBOUND_MAIL_ACTS_AS names no active user: mail is deferred")
        return "451 4.3.0 Mail intake is not configured"
    try:
        result = mail_receive(raw=raw, acts_as=acts_as)
    except DomainError as error:
        # Accepted and recorded as refused: a bounce would only reach an automatic sender.
        log.warning("mail refused: %s", error)
        return "250 2.0.0 Accepted"
    return f"250 2.0.0 Accepted ({result.status})"


class IntakeHandler:
    async def handle_DATA(self, server, session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        return await sync_to_async(_receive, thread_sensitive=False)(raw)


def mail_server(*, host: str, port: int) -> Controller:
    """A started SMTP server; `stop()` it when done."""
    controller = Controller(IntakeHandler(), hostname=host, port=port)
    controller.start()
    return controller
