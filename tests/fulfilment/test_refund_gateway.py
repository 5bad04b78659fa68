"""Refunds to the original payment method through the Alipay client, against FakeAlipayGateway:
whatever fails or stalls, the money goes out once and the refund's state is known."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersale.cases.models import CaseEvent
from aftersale.fulfilment.models import CostEntry, Refund, RefundStatus
from aftersale.fulfilment.services.refunds import (
    MAX_ATTEMPTS,
    refund_reconciliation,
    refund_request,
    refund_send,
    refunds_retry_due,
    retry_delay,
)
from aftersale.sla.models import Clock, ClockState
from tests.fakes.alipay_gateway import QUERY, REFUND, Fault
from tests.fakes.refund_setup import STALL_SECONDS, goods_received, lines_of

pytest_plugins = ["tests.fakes.fixtures"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def received(refund_case):
    goods_received(refund_case)
    return refund_case


@pytest.fixture
def trade(fake_alipay, paid_order):
    fake_alipay.add_trade(
        trade_no=paid_order.payment_ref, out_trade_no=paid_order.order_no, total=paid_order.paid_amount
    )
    return fake_alipay


@pytest.fixture
def request_refund(received, paid_order, people, django_capture_on_commit_callbacks):
    """Request a refund of line 1 to Alipay; it is sent when the transaction commits."""

    def request(amount: str = "399.00", key: str = "RF-1") -> Refund:
        with django_capture_on_commit_callbacks(execute=True):
            refund = refund_request(
                case=received,
                actor=people.agent,
                lines=lines_of(paid_order, {1: amount}),
                idempotency_key=key,
            )
        refund.refresh_from_db()
        return refund

    return request


def later(minutes: int = 5):
    return timezone.now() + timedelta(minutes=minutes)


def test_a_refund_is_sent_on_commit_and_paid_once(trade, request_refund, received, paid_order):
    refund = request_refund()
    assert (refund.status, refund.attempts, refund.gateway) == (RefundStatus.SUCCEEDED, 1, "alipay")
    assert refund.gateway_ref == paid_order.payment_ref
    assert refund.next_attempt_at is None
    assert trade.paid == {"RF-1": 1}
    assert trade.trades[paid_order.payment_ref].refunded == Decimal("399.00")
    assert CostEntry.objects.get(source=f"refund:{refund.pk}").amount == Decimal("399.00")
    assert set(Clock.objects.filter(ref=f"refund:{refund.pk}").values_list("state", flat=True)) == {
        ClockState.MET
    }
    assert list(
        CaseEvent.objects.filter(case=received, kind__startswith="refund.").values_list("kind", flat=True)
    ) == ["refund.requested", "refund.succeeded"]


def test_sending_a_paid_refund_again_does_nothing(trade, request_refund):
    refund = request_refund()
    assert refund_send(refund=refund).status == RefundStatus.SUCCEEDED
    assert refunds_retry_due(later(60)) == 0
    assert trade.calls_of(REFUND) == 1


@pytest.mark.parametrize(
    "fault",
    [Fault(http_status=503), Fault(code="20000"), Fault(code="40004", sub_code="ACQ.SYSTEM_ERROR")],
    ids=["http-503", "service-unavailable", "system-error"],
)
def test_a_failed_call_is_retried_after_asking_and_pays_once(trade, request_refund, fault):
    trade.fail_next(REFUND, fault)
    refund = request_refund()
    assert (refund.status, refund.attempts) == (RefundStatus.SENT, 1)  # may have paid: not known yet
    assert refund.last_error
    assert refund.next_attempt_at >= timezone.now() + retry_delay(1) - timedelta(seconds=5)

    assert refunds_retry_due(timezone.now()) == 0  # not due yet
    assert refunds_retry_due(later()) == 1
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.last_error) == (RefundStatus.SUCCEEDED, 2, "")
    assert trade.calls_of(QUERY) == 1  # asked first; nothing there, so sent again with the same number
    assert trade.calls_of(REFUND) == 2
    assert trade.paid == {"RF-1": 1}


def test_a_call_that_times_out_after_paying_is_learnt_by_query_never_paid_twice(trade, request_refund):
    trade.fail_next(REFUND, Fault(stall_seconds=STALL_SECONDS))
    refund = request_refund()
    assert refund.status == RefundStatus.SENT
    assert refund.last_error == "支付宝网关超时未应答"
    assert trade.paid == {"RF-1": 1}  # the gateway did pay

    assert refunds_retry_due(later()) == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert (trade.calls_of(REFUND), trade.calls_of(QUERY)) == (1, 1)  # learnt by asking, not sent again
    assert trade.paid == {"RF-1": 1}
    assert CostEntry.objects.filter(source=f"refund:{refund.pk}").count() == 1


def test_a_query_that_fails_too_keeps_the_refund_in_doubt(trade, request_refund):
    trade.fail_next(REFUND, Fault(stall_seconds=STALL_SECONDS))
    trade.fail_next(QUERY, Fault(http_status=502))
    refund = request_refund()
    refunds_retry_due(later())
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (RefundStatus.SENT, 2)
    assert trade.calls_of(REFUND) == 1  # never sent again while the first call's outcome is unknown
    refunds_retry_due(later(10))
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert trade.paid == {"RF-1": 1}


def test_a_refusal_fails_the_refund_with_the_gateways_reason(fake_alipay, request_refund, received):
    refund = request_refund()  # the fake knows no such trade
    assert refund.status == RefundStatus.FAILED
    assert refund.last_error == "交易不存在（ACQ.TRADE_NOT_EXIST）"
    assert refund.next_attempt_at is None
    assert not CostEntry.objects.exists()
    event = CaseEvent.objects.get(case=received, kind="refund.failed")
    assert event.is_public is False
    # A failed refund holds nothing: the line can be refunded in full by a new request.
    assert request_refund("798.00", key="RF-2").status == RefundStatus.FAILED


def test_a_refund_that_failed_leaves_its_clocks_until_a_replacement_pays(trade, request_refund, received):
    trade.fail_next(REFUND, Fault(code="40004", sub_code="ACQ.TRADE_HAS_CLOSE"))
    failed = request_refund()
    assert failed.status == RefundStatus.FAILED
    assert set(Clock.objects.filter(ref=f"refund:{failed.pk}").values_list("state", flat=True)) == {"running"}
    replacement = request_refund(key="RF-2")
    assert replacement.status == RefundStatus.SUCCEEDED
    met = Clock.objects.filter(case=received, ref__in=[f"refund:{failed.pk}", f"refund:{replacement.pk}"])
    assert set(met.values_list("state", flat=True)) == {ClockState.MET}


def test_an_unreachable_gateway_is_retried_with_backoff_then_failed(trade, settings, request_refund):
    settings.ALIPAY_GATEWAY_URL = "http://127.0.0.1:9/gateway.do"  # nothing listens there
    refund = request_refund()
    assert (refund.status, refund.attempts) == (RefundStatus.PENDING, 1)  # certainly not paid
    delays = [refund.next_attempt_at - refund.sent_at]
    now = refund.next_attempt_at
    while refund.status == RefundStatus.PENDING:
        assert refunds_retry_due(now) == 1
        refund.refresh_from_db()
        if refund.next_attempt_at:
            delays.append(refund.next_attempt_at - now)
            now = refund.next_attempt_at
    assert refund.status == RefundStatus.FAILED
    assert refund.attempts == MAX_ATTEMPTS
    assert f"已尝试 {MAX_ATTEMPTS} 次" in refund.last_error
    assert delays == [timedelta(seconds=30 * 2**n) for n in range(MAX_ATTEMPTS - 1)]
    assert retry_delay(MAX_ATTEMPTS + 5) == timedelta(hours=1)  # the longest wait between attempts


def test_a_refund_in_doubt_is_never_failed_and_is_listed_as_stuck(trade, request_refund):
    trade.fail_next(REFUND, Fault(http_status=503))
    trade.fail_next(QUERY, Fault(http_status=503), times=MAX_ATTEMPTS + 2)
    refund = request_refund()
    now = timezone.now()
    for _attempt in range(MAX_ATTEMPTS + 1):
        now += timedelta(hours=4)
        refunds_retry_due(now)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SENT
    assert refund.attempts == MAX_ATTEMPTS + 2
    report = refund_reconciliation(timezone.localdate(), now=now)
    [stuck] = report.stuck
    assert stuck.refund.pk == refund.pk
    assert any("已尝试" in reason for reason in stuck.reasons)
    assert any("退款时限" in reason for reason in stuck.reasons)
    assert trade.calls_of(REFUND) == 1


def test_a_payment_method_without_a_gateway_fails_clearly(
    received, paid_order, people, django_capture_on_commit_callbacks
):
    paid_order.payment_method = "wechat"
    paid_order.save(update_fields=["payment_method"])
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_request(
            case=received, actor=people.agent, amount=Decimal("10.00"), idempotency_key="k1"
        )
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (RefundStatus.FAILED, 0)
    assert refund.last_error == "未配置“微信支付”的退款渠道，无法原路退回；请改用店铺余额或银行转账"
    assert not CostEntry.objects.exists()


def test_alipay_without_settings_fails_clearly(request_refund):
    refund = request_refund()
    assert refund.status == RefundStatus.FAILED
    assert refund.last_error.startswith("未配置“支付宝”的退款渠道")


def test_a_misconfigured_gateway_fails_the_refund_with_the_reason(trade, settings, tmp_path, request_refund):
    settings.ALIPAY_PRIVATE_KEY_PATH = str(tmp_path / "missing.pem")
    refund = request_refund()
    assert refund.status == RefundStatus.FAILED
    assert refund.last_error.startswith("“支付宝”退款渠道配置有误")
    assert trade.calls == []


def test_a_request_the_gateway_cannot_verify_fails(trade, alipay_keys, request_refund):
    trade.app_public_key = alipay_keys[1].public_key()  # not the key the app signs with
    refund = request_refund()
    assert refund.status == RefundStatus.FAILED
    assert refund.last_error == "验签出错（isv.invalid-signature）"
    assert trade.paid == {}


def test_an_answer_that_does_not_verify_is_not_trusted(trade, alipay_keys, request_refund):
    trade.own_key = alipay_keys[0]  # signs with a key the client does not trust
    refund = request_refund()
    assert (refund.status, refund.last_error) == (RefundStatus.SENT, "支付宝应答签名校验失败")
    trade.own_key = alipay_keys[1]
    refunds_retry_due(later())
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert trade.paid == {"RF-1": 1}


def test_an_unsigned_success_is_not_trusted(trade, request_refund):
    trade.sign_responses = False
    refund = request_refund()
    assert (refund.status, refund.last_error) == (RefundStatus.SENT, "支付宝应答缺少签名")


def test_a_short_merchant_balance_is_retried_without_asking(trade, request_refund):
    trade.fail_next(REFUND, Fault(code="40004", sub_code="ACQ.SELLER_BALANCE_NOT_ENOUGH"))
    refund = request_refund()
    assert (refund.status, refund.attempts) == (RefundStatus.PENDING, 1)
    refunds_retry_due(later())
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert trade.calls_of(QUERY) == 0
    assert trade.paid == {"RF-1": 1}
