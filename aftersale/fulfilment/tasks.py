"""Celery tasks of fulfilment: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from .models import Refund
from .services.refunds import refund_send, refunds_retry_due
from .services.repairs import repairs_flag_overdue


@shared_task(name="aftersale.fulfilment.refund_send")
def send_refund(refund_id: int) -> str:
    refund = Refund.objects.filter(pk=refund_id).first()
    return refund_send(refund=refund).status if refund is not None else "missing"


@shared_task(name="aftersale.fulfilment.refunds_retry_due")
def retry_due_refunds() -> int:
    return refunds_retry_due()


@shared_task(name="aftersale.fulfilment.repairs_flag_overdue")
def flag_overdue_repairs() -> int:
    return repairs_flag_overdue()
