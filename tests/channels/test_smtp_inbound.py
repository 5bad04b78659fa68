"""Inbound e-mail over SMTP: `aftersale mail-server` takes mail in as the IMAP poller does."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from aftersale.cases.models import Case, Evidence
from aftersale.channels.models import InboundMail
from aftersale.channels.smtp_inbound import mail_server
from aftersale.common.roles import Role
from tests.console.browser import browser_db  # noqa: F401  (seeded rows; a flushable events table)
from tests.factories import UserFactory
from tests.helpers import png_bytes

# The server takes mail in on its own thread, so the test's rows must be committed.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("browser_db"),
]
CUSTOMER = "xiaoming@example.com"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port(settings, people):
    bot = UserFactory(username="mail-bot", role=Role.ADMIN)
    people.customer_user.email = CUSTOMER
    people.customer_user.save(update_fields=["email"])
    settings.INBOUND_MAIL_ACTS_AS = bot.username
    port = _free_port()
    server = mail_server(host="127.0.0.1", port=port)
    yield port
    server.stop()


def _send(port: int, *, subject: str, body: str, attach: bytes | None = None, **headers) -> dict:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = CUSTOMER, "service@example.com", subject
    mail["Message-ID"] = make_msgid(domain="mail.example.com")
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    if attach is not None:
        mail.add_attachment(attach, maintype="image", subtype="png", filename="crack.png")
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        return smtp.send_message(mail)


def test_a_mail_sent_over_smtp_becomes_a_case_with_its_photo(smtp_port, order, people):
    subject = f"订单 {order.order_no} 屏幕碎了"
    refused = _send(smtp_port, subject=subject, body="收到就碎了", attach=png_bytes())
    assert refused == {}
    case = Case.objects.get(channel="email")
    assert case.order_id == order.pk and case.customer_id == people.customer.pk
    assert Evidence.objects.filter(case=case).count() == 1
    assert InboundMail.objects.get().status == "case_created"


def test_an_auto_reply_over_smtp_is_recorded_not_taken_in(smtp_port, order):
    _send(smtp_port, subject="自动回复：我不在办公室", body="稍后回复", Auto_Submitted="auto-replied")
    assert not Case.objects.filter(channel="email").exists()
    assert InboundMail.objects.get().status != "case_created"


def test_without_an_intake_account_the_sender_is_asked_to_retry(smtp_port, settings, order):
    settings.INBOUND_MAIL_ACTS_AS = "nobody"
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(smtp_port, subject=f"订单 {order.order_no}", body="你好")
    assert refused.value.smtp_code == 451
    assert not InboundMail.objects.exists()
