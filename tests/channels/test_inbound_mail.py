"""Inbound e-mail through a real local SMTP server and IMAP mailbox: new case, reply threading,
attachments as evidence, auto-replies and bounces ignored, duplicates ignored."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from aftersale.cases.models import Case, Evidence, Message
from aftersale.cases.services import case_transition
from aftersale.channels.mail import mailbox_poll
from aftersale.channels.models import InboundMail, OutboxMessage
from aftersale.channels.outbox import outbox_deliver
from aftersale.common.roles import Role
from tests.conftest import make_case
from tests.factories import UserFactory
from tests.fakes.mailbox import FakeMailServer
from tests.helpers import png_bytes

SERVICE = "service@example.com"
CUSTOMER = "xiaoming@example.com"


@pytest.fixture
def mailbox(settings, people):
    bot = UserFactory(username="mail-bot", role=Role.ADMIN)
    people.customer_user.email = CUSTOMER
    people.customer_user.save(update_fields=["email"])
    with FakeMailServer(user=SERVICE) as server:
        settings.INBOUND_MAIL_IMAP_HOST = "127.0.0.1"
        settings.INBOUND_MAIL_IMAP_PORT = server.imap_port
        settings.INBOUND_MAIL_IMAP_SSL = False
        settings.INBOUND_MAIL_IMAP_USER = server.user
        settings.INBOUND_MAIL_IMAP_PASSWORD = server.password
        settings.INBOUND_MAIL_ACTS_AS = bot.username
        # Outgoing notification mail goes through the same server.
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.smtp_port
        yield server


def send(
    server: FakeMailServer,
    *,
    subject: str,
    body: str,
    sender: str = CUSTOMER,
    attach: bytes | None = None,
    message_id: str | None = None,
    **headers,
) -> str:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, SERVICE, subject
    mail["Message-ID"] = message_id or make_msgid(domain="mail.example.com")
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    if attach is not None:
        mail.add_attachment(attach, maintype="image", subtype="png", filename="crack.png")
    with smtplib.SMTP("127.0.0.1", server.smtp_port) as smtp:
        smtp.send_message(mail)
    return mail["Message-ID"]


def test_a_new_mail_becomes_a_case_with_its_photo_and_is_taken_once(mailbox, order, people):
    message_id = send(
        mailbox, subject=f"订单 {order.order_no} 屏幕碎了", body="收到就碎了，怎么处理？", attach=png_bytes()
    )
    report = mailbox_poll()
    assert report.fetched == 1 and report.results == {"case_created": 1}
    case = Case.objects.get(channel="email")
    assert (
        case.order_id == order.pk and case.customer_id == people.customer.pk and case.case_type == "inquiry"
    )
    assert "屏幕碎了" in case.description and "收到就碎了" in case.description
    evidence = Evidence.objects.get(case=case)
    assert evidence.content_type == "image/png" and evidence.original_name == "crack.png"
    assert all("\\Seen" in m.flags for m in mailbox.messages)
    assert mailbox_poll().fetched == 0  # nothing unseen any more
    # The same mail delivered again (a retrying relay) is ignored.
    send(
        mailbox,
        subject=f"订单 {order.order_no} 屏幕碎了",
        body="收到就碎了，怎么处理？",
        message_id=message_id,
    )
    assert mailbox_poll().results == {"duplicate": 1}
    assert Case.objects.count() == 1 and InboundMail.objects.count() == 1


def test_a_reply_to_a_notification_threads_into_its_case(mailbox, order, people):
    case = make_case(order, people.agent)
    case_transition(case=case, actor=people.agent, action="start_review", version=case.version)
    case_transition(
        case=case, actor=people.agent, action="request_info", version=case.version, reason="请补充照片"
    )
    assert outbox_deliver(channels=["email"]).sent == 2  # request received, need material
    notice = OutboxMessage.objects.filter(channel="email", topic="need_material").get()
    sent = [m for m in mailbox.messages if b"need" in m.raw or case.number.encode() in m.raw]
    assert sent, "the notification went through the local SMTP server"
    outgoing_id = f"<outbox-{notice.pk}.{case.number}@localhost>"
    # The customer's mail program replies: no case number in the subject, only In-Reply-To.
    for message in mailbox.messages:
        message.flags.add("\\Seen")
    send(
        mailbox,
        subject="Re: 补充材料",
        body="照片见附件\n\n> 原邮件……",
        attach=png_bytes(),
        In_Reply_To=outgoing_id,
        References=outgoing_id,
    )
    assert mailbox_poll().results == {"threaded": 1}
    message = Message.objects.get(case=case)
    assert message.author_role == "customer" and message.channel == "email" and message.body == "照片见附件"
    case.refresh_from_db()
    assert case.status == "under_review"  # the customer answered
    assert Evidence.objects.filter(case=case).count() == 1


def test_a_case_number_in_the_subject_threads_too_and_strangers_become_internal_notes(mailbox, order, people):
    case = make_case(order, people.agent)
    send(mailbox, subject=f"关于 {case.number}", body="物流单号是 SF123", sender="courier@logistics.example")
    assert mailbox_poll().results == {"threaded": 1}
    note = Message.objects.get(case=case)
    assert note.is_internal and "courier@logistics.example" in note.body


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied", "subject": "自动回复：我正在休假"},
        {"X_Autoreply": "yes", "subject": "Re: 你好"},
        {"Precedence": "bulk", "subject": "促销"},
        {"sender": "MAILER-DAEMON@mail.example.com", "subject": "Undelivered Mail Returned to Sender"},
        {"subject": "Automatic reply: Out of office"},
    ],
)
def test_auto_replies_and_bounces_are_not_turned_into_cases(mailbox, order, headers):
    headers = dict(headers)
    send(
        mailbox,
        subject=headers.pop("subject"),
        body=f"订单 {order.order_no}",
        sender=headers.pop("sender", CUSTOMER),
        **headers,
    )
    assert mailbox_poll().results == {"ignored": 1}
    assert not Case.objects.exists()
    assert InboundMail.objects.get().status == "ignored"


def test_a_delivery_report_is_a_bounce(mailbox, order):
    report = EmailMessage()
    report["From"], report["To"], report["Subject"] = "postmaster@example.net", SERVICE, "投递状态通知"
    report["Message-ID"] = make_msgid()
    report.set_content("Your message could not be delivered.")
    report.add_attachment("Reporting-MTA: dns; mx.example.net\n", subtype="delivery-status")
    report.replace_header(
        "Content-Type", report["Content-Type"].replace("multipart/mixed", "multipart/report")
    )
    with smtplib.SMTP("127.0.0.1", mailbox.smtp_port) as smtp:
        smtp.send_message(report)
    assert mailbox_poll().results == {"ignored": 1}
    assert not Case.objects.exists()


def test_mail_from_an_unknown_sender_is_recorded_not_guessed(mailbox, order):
    send(mailbox, subject="我的订单有问题", body="请回电", sender="someone@else.example")
    assert mailbox_poll().results == {"unmatched": 1}
    assert not Case.objects.exists()


def test_no_mailbox_configured_polls_nothing(settings):
    settings.INBOUND_MAIL_IMAP_HOST = ""
    assert mailbox_poll().fetched == 0
