"""Refunds submitted at the same moment (needs PostgreSQL): a double click pays once, and racing
partial refunds never add up to more than was paid."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from aftersale.common.errors import DomainError
from aftersale.fulfilment.models import Refund, RefundStatus
from aftersale.fulfilment.services.refunds import refund_request
from tests.fakes.refund_setup import goods_received, lines_of

pytest_plugins = ["tests.fakes.fixtures"]
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def at_once(*jobs) -> tuple[list, list[Exception]]:
    """Run each job in its own thread (and database connection), released together."""
    results, errors = [], []
    start = threading.Barrier(len(jobs))

    def run(job):
        try:
            start.wait()
            results.append(job())
        except Exception as exc:  # collected for the test to look at
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.fixture
def received(refund_case):
    goods_received(refund_case)
    return refund_case


def test_two_submissions_with_the_same_key_pay_once(received, paid_order, people, fake_alipay):
    assert connection.vendor == "postgresql"
    fake_alipay.add_trade(
        trade_no=paid_order.payment_ref, out_trade_no=paid_order.order_no, total=paid_order.paid_amount
    )

    def submit():
        return refund_request(
            case=received,
            actor=people.agent,
            lines=lines_of(paid_order, {1: "399.00"}),
            idempotency_key="DOUBLE-CLICK",
        ).pk

    results, errors = at_once(submit, submit)
    assert not errors
    assert len(set(results)) == 1
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.SUCCEEDED
    assert fake_alipay.paid == {"DOUBLE-CLICK": 1}
    assert fake_alipay.calls_of("alipay.trade.refund") == 1


def test_racing_partial_refunds_never_exceed_what_was_paid(received, paid_order, people):
    def submit(key: str):
        return lambda: (
            refund_request(
                case=received,
                actor=people.agent,
                method="store_credit",
                lines=lines_of(paid_order, {1: "500.00"}),
                idempotency_key=key,
            ).pk
        )

    results, errors = at_once(submit("A"), submit("B"), submit("C"))
    assert len(results) == 1
    assert len(errors) == 2
    assert all(isinstance(e, DomainError) and e.errors[0].code == "exceeds_paid" for e in errors)
    assert sum(Refund.objects.values_list("amount", flat=True)) == Decimal("500.00")
