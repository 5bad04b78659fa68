"""Celery tasks of channels: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from .outbox import outbox_deliver


@shared_task(name="aftersale.channels.deliver_outbox")
def deliver_outbox() -> int:
    report = outbox_deliver()
    return report.sent


@shared_task(name="aftersale.channels.relay_alerts")
def relay_alerts() -> int:
    from .alerts import alerts_relay

    return alerts_relay()


@shared_task(name="aftersale.channels.poll_mailbox")
def poll_mailbox() -> int:
    from .mail import mailbox_poll

    return mailbox_poll().fetched
