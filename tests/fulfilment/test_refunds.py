"""refund_request and refund_complete_offline: amounts, deductions, speedy refunds, clocks, ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersale.cases.models import CaseEvent
from aftersale.cases.services import CaseLineIn
from aftersale.common.errors import Conflict, DomainError, PermissionDenied
from aftersale.fulfilment.models import CostEntry, Refund, RefundStatus
from aftersale.fulfilment.services.refunds import (
    line_paid_amounts,
    refund_complete_offline,
    refund_reconciliation,
    refund_request,
)
from aftersale.policy.services import playbook_publish
from aftersale.sla.models import Clock, ClockKind, ClockState
from tests.conftest import make_case
from tests.factories import OrderFactory, OrderLineFactory
from tests.fakes.refund_setup import goods_received, lines_of
from tests.helpers import force_status

pytest_plugins = ["tests.fakes.fixtures"]
pytestmark = pytest.mark.django_db


def store_credit(case, actor, key="k1", **kwargs) -> Refund:
    return refund_request(case=case, actor=actor, idempotency_key=key, method="store_credit", **kwargs)


def error_of(excinfo) -> tuple[str, str, str]:
    error = excinfo.value.errors[0]
    return error.field, str(error.message), error.code


@pytest.fixture
def received(refund_case):
    goods_received(refund_case)
    return refund_case


# ---- what may be refunded --------------------------------------------------------------------


def test_partial_refunds_of_a_line_never_exceed_what_was_paid_for_it(received, paid_order, people):
    first = store_credit(received, people.agent, "a1", lines=lines_of(paid_order, {1: "500.00"}))
    assert (first.amount, first.status, first.order_line.line_no) == (Decimal("500.00"), "pending", 1)
    with pytest.raises(DomainError) as excinfo:
        store_credit(received, people.agent, "a2", lines=lines_of(paid_order, {1: "300.00"}))
    assert error_of(excinfo) == ("lines.0.amount", "超过该商品实付可退金额 ¥298.00", "exceeds_paid")
    second = store_credit(received, people.agent, "a3", lines=lines_of(paid_order, {1: "298.00"}))
    assert second.amount == Decimal("298.00")


def test_failed_refunds_free_what_they_held(received, paid_order, people):
    first = store_credit(received, people.agent, "a1", lines=lines_of(paid_order, {1: "798.00"}))
    Refund.objects.filter(pk=first.pk).update(status=RefundStatus.FAILED)
    again = store_credit(received, people.agent, "a2", lines=lines_of(paid_order, {1: "798.00"}))
    assert again.amount == Decimal("798.00")


def test_one_refund_may_cover_several_lines(received, paid_order, people):
    refund = store_credit(received, people.agent, lines=lines_of(paid_order, {1: "798.00", 2: "399.00"}))
    assert refund.amount == Decimal("1197.00")
    assert refund.order_line is None
    assert sorted((line.order_line.line_no, line.amount) for line in refund.lines.all()) == [
        (1, Decimal("798.00")),
        (2, Decimal("399.00")),
    ]


def test_an_order_level_amount_is_capped_by_the_amount_paid(received, paid_order, people):
    store_credit(received, people.agent, "a1", lines=lines_of(paid_order, {1: "798.00"}))
    with pytest.raises(DomainError) as excinfo:
        store_credit(received, people.agent, "a2", amount=Decimal("400.00"))
    assert error_of(excinfo) == ("amount", "超过订单实付可退金额 ¥399.00", "exceeds_paid")


def test_the_order_discount_is_shared_across_lines(people):
    order = OrderFactory(
        customer=people.customer,
        goods_amount=Decimal("300.00"),
        discount_amount=Decimal("30.00"),
        paid_amount=Decimal("270.00"),
    )
    first = OrderLineFactory(order=order, line_no=1, unit_price=Decimal("200.00"))
    second = OrderLineFactory(order=order, line_no=2, unit_price=Decimal("100.00"))
    assert line_paid_amounts(order) == {first.pk: Decimal("180.00"), second.pk: Decimal("90.00")}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "amount"),
        ({"amount": Decimal("1.00"), "lines": []}, "amount"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("1.005")}, "amount"),
        ({"amount": Decimal("1.00"), "idempotency_key": "has space"}, "idempotency_key"),
        ({"amount": Decimal("1.00"), "idempotency_key": "k" * 65}, "idempotency_key"),
        ({"amount": Decimal("1.00"), "method": "cheque"}, "method"),
        ({"amount": Decimal("1.00"), "gift_deduction": Decimal("-1")}, "gift_deduction"),
    ],
)
def test_bad_input_names_the_field(received, people, kwargs, field):
    kwargs = {"idempotency_key": "k1", **kwargs}
    with pytest.raises(DomainError) as excinfo:
        refund_request(case=received, actor=people.agent, **kwargs)
    assert excinfo.value.errors[0].field == field
    assert not Refund.objects.exists()


def test_a_line_outside_the_case_is_refused(paid_order, people):
    case = force_status(make_case(paid_order, people.agent, lines=[CaseLineIn(1, 1)]), "approved")
    goods_received(case)
    with pytest.raises(DomainError) as excinfo:
        store_credit(case, people.agent, lines=lines_of(paid_order, {2: "10.00"}))
    assert error_of(excinfo)[:2] == ("lines.0.line_no", "该商品不在此售后单中")


def test_only_an_approved_case_is_refunded(paid_order, people):
    case = make_case(paid_order, people.agent)
    with pytest.raises(DomainError) as excinfo:
        store_credit(case, people.agent, amount=Decimal("10.00"))
    assert error_of(excinfo)[2] == "invalid_status"


@pytest.mark.parametrize("persona", ["customer_user", "optimizer", "warehouse", "expert"])
def test_only_handling_staff_refund(received, people, persona):
    with pytest.raises(PermissionDenied):
        store_credit(received, getattr(people, persona), amount=Decimal("10.00"))


def test_the_system_may_refund_without_an_actor(received):
    refund = store_credit(received, None, amount=Decimal("10.00"))
    assert refund.requested_by is None
    assert CaseEvent.objects.get(kind="refund.requested").actor is None


# ---- idempotency -------------------------------------------------------------------------------


def test_the_same_key_answers_the_same_refund(received, paid_order, people):
    first = store_credit(received, people.agent, "same", lines=lines_of(paid_order, {1: "100.00"}))
    again = store_credit(received, people.team_lead, "same", lines=lines_of(paid_order, {1: "100.00"}))
    assert again.pk == first.pk
    assert Refund.objects.count() == 1
    assert CaseEvent.objects.filter(kind="refund.requested").count() == 1


def test_a_key_reused_for_another_refund_is_refused(received, paid_order, people):
    store_credit(received, people.agent, "same", lines=lines_of(paid_order, {1: "100.00"}))
    with pytest.raises(Conflict) as excinfo:
        store_credit(received, people.agent, "same", lines=lines_of(paid_order, {1: "120.00"}))
    assert error_of(excinfo)[0] == "idempotency_key"


# ---- goods back first, unless speedy ---------------------------------------------------------------


def test_a_return_is_refunded_only_once_the_goods_are_back(refund_case, people):
    with pytest.raises(DomainError) as excinfo:
        store_credit(refund_case, people.agent, amount=Decimal("100.00"))
    assert error_of(excinfo)[::2] == ("speedy", "goods_not_received")


def test_speedy_refund_goes_out_before_the_goods_for_an_eligible_member(refund_case, paid_order, people):
    people.customer.tier = "gold"
    people.customer.save(update_fields=["tier"])
    refund = store_credit(refund_case, people.agent, lines=lines_of(paid_order, {1: "399.00"}), speedy=True)
    assert refund.speedy is True
    clock = Clock.objects.get(kind=ClockKind.REFUND, ref=f"refund:{refund.pk}")
    assert clock.started_at >= refund.created_at - timedelta(
        seconds=5
    )  # no receipt: counted from the request


def test_speedy_refund_is_refused_to_a_member_who_does_not_qualify(refund_case, paid_order, people):
    assert people.customer.tier == "regular"
    with pytest.raises(DomainError) as excinfo:
        store_credit(refund_case, people.agent, lines=lines_of(paid_order, {1: "399.00"}), speedy=True)
    assert error_of(excinfo)[::2] == ("speedy", "not_entitled")
    assert not Refund.objects.exists()


def test_refund_only_needs_no_goods_back(paid_order, people):
    case = force_status(
        make_case(paid_order, people.agent, resolution="refund_only", category_code="missing_or_wrong_item"),
        "approved",
    )
    assert store_credit(case, people.agent, amount=Decimal("20.00")).amount == Decimal("20.00")


# ---- deductions ----------------------------------------------------------------------------------


@pytest.fixture
def free_shipped(people):
    """¥60 + ¥50 of goods shipped free (threshold ¥99); the waived fee was ¥8; a ¥15 gift came with it."""
    order = OrderFactory(
        customer=people.customer,
        goods_amount=Decimal("110.00"),
        paid_amount=Decimal("110.00"),
        shipping_fee=Decimal("8.00"),
        gifts=[{"name": "收纳袋", "value": "15.00"}],
    )
    OrderLineFactory(order=order, line_no=1, unit_price=Decimal("60.00"))
    OrderLineFactory(order=order, line_no=2, unit_price=Decimal("50.00"))
    case = force_status(
        make_case(
            order, people.agent, category_code="no_reason_return", lines=[CaseLineIn(1, 1), CaseLineIn(2, 1)]
        ),
        "approved",
    )
    goods_received(case)
    return case


def test_a_partial_return_below_the_free_shipping_threshold_deducts_the_fee(free_shipped, people):
    order = free_shipped.order
    refund = store_credit(
        free_shipped, people.agent, lines=lines_of(order, {1: "60.00"}), deduct_freight=True
    )
    assert (refund.amount, refund.freight_deduction) == (Decimal("52.00"), Decimal("8.00"))
    with pytest.raises(DomainError) as excinfo:  # once per order
        store_credit(
            free_shipped, people.agent, "k2", lines=lines_of(order, {2: "50.00"}), deduct_freight=True
        )
    assert error_of(excinfo)[0] == "deduct_freight"


def test_no_freight_is_deducted_while_the_order_stays_above_the_threshold(people, paid_order):
    case = force_status(make_case(paid_order, people.agent, category_code="no_reason_return"), "approved")
    goods_received(case)
    with pytest.raises(DomainError) as excinfo:
        store_credit(case, people.agent, lines=lines_of(paid_order, {1: "399.00"}), deduct_freight=True)
    assert error_of(excinfo)[:2] == (
        "deduct_freight",
        "退货后订单商品金额 ¥798.00 仍达包邮门槛 ¥99.00，不扣运费",
    )


def test_no_freight_is_deducted_from_a_quality_return(people, paid_order, received):
    with pytest.raises(DomainError) as excinfo:
        store_credit(received, people.agent, lines=lines_of(paid_order, {2: "399.00"}), deduct_freight=True)
    assert error_of(excinfo)[:2] == ("deduct_freight", "质量问题的退货由商家承担运费，不扣运费")


def test_an_unreturned_gift_is_deducted_up_to_its_declared_value(free_shipped, people):
    order = free_shipped.order
    with pytest.raises(DomainError) as excinfo:
        store_credit(
            free_shipped,
            people.agent,
            "k1",
            lines=lines_of(order, {1: "60.00"}),
            gift_deduction=Decimal("20.00"),
        )
    assert error_of(excinfo)[:2] == ("gift_deduction", "超过订单赠品的申报价值，最多可扣 ¥15.00")
    refund = store_credit(
        free_shipped, people.agent, "k2", lines=lines_of(order, {1: "60.00"}), gift_deduction=Decimal("15.00")
    )
    assert (refund.amount, refund.gift_deduction) == (Decimal("45.00"), Decimal("15.00"))


def test_gift_deductions_follow_the_playbook(free_shipped, people):
    from aftersale.policy.services import DEFAULT_PLAYBOOK

    source = DEFAULT_PLAYBOOK.read_text(encoding="utf-8")
    playbook_publish(
        source=source.replace("deduct_unreturned_gifts: true", "deduct_unreturned_gifts: false"),
        reason="赠品不扣款",
        actor=people.director,
    )
    with pytest.raises(DomainError) as excinfo:
        store_credit(
            free_shipped,
            people.agent,
            lines=lines_of(free_shipped.order, {1: "60.00"}),
            gift_deduction=Decimal("5.00"),
        )
    assert error_of(excinfo)[:2] == ("gift_deduction", "售后政策不允许扣减未退回的赠品")


def test_deductions_may_not_swallow_the_refund(free_shipped, people):
    with pytest.raises(DomainError) as excinfo:
        store_credit(
            free_shipped,
            people.agent,
            lines=lines_of(free_shipped.order, {2: "10.00"}),
            gift_deduction=Decimal("10.00"),
        )
    assert error_of(excinfo)[0] == "amount"


# ---- clocks, ledger, offline completion ----------------------------------------------------------------


def test_refund_clocks_run_from_receipt_and_are_met_when_paid(refund_case, paid_order, people):
    received_at = timezone.now() - timedelta(hours=3)
    goods_received(refund_case, at=received_at)
    refund = store_credit(refund_case, people.agent, lines=lines_of(paid_order, {1: "100.00"}))
    clocks = {c.kind: c for c in Clock.objects.filter(case=refund_case, ref=f"refund:{refund.pk}")}
    assert set(clocks) == {ClockKind.REFUND, ClockKind.REFUND_STATUTORY}
    assert clocks[ClockKind.REFUND].started_at == received_at
    assert clocks[ClockKind.REFUND].due_at == received_at + timedelta(hours=24)
    assert clocks[ClockKind.REFUND_STATUTORY].due_at == received_at + timedelta(days=7)

    refund_complete_offline(refund=refund, actor=people.team_lead, reference="BAL-20261123-0001")
    states = set(
        Clock.objects.filter(case=refund_case, ref=f"refund:{refund.pk}").values_list("state", flat=True)
    )
    assert states == {ClockState.MET}


def test_a_completed_refund_is_booked_as_a_cost(received, paid_order, people):
    refund = store_credit(received, people.agent, lines=lines_of(paid_order, {1: "100.00"}))
    assert not CostEntry.objects.exists()  # nothing is booked before the money goes out
    done = refund_complete_offline(refund=refund, actor=people.agent, reference="BAL-1")
    assert (done.status, done.reference) == (RefundStatus.SUCCEEDED, "BAL-1")
    entry = CostEntry.objects.get()
    assert (entry.kind, entry.amount, entry.source, entry.case_id) == (
        "refund",
        Decimal("100.00"),
        f"refund:{refund.pk}",
        received.pk,
    )
    assert CaseEvent.objects.filter(kind="refund.succeeded", case=received).count() == 1


def test_offline_completion_needs_a_reference_and_happens_once(received, people):
    refund = store_credit(received, people.agent, amount=Decimal("10.00"))
    with pytest.raises(DomainError):
        refund_complete_offline(refund=refund, actor=people.agent, reference="  ")
    refund_complete_offline(refund=refund, actor=people.agent, reference="BAL-1")
    with pytest.raises(Conflict):
        refund_complete_offline(refund=refund, actor=people.agent, reference="BAL-2")
    assert CostEntry.objects.count() == 1


def test_an_original_method_refund_is_not_completed_by_hand(received, people):
    refund = refund_request(case=received, actor=people.agent, idempotency_key="k1", amount=Decimal("10.00"))
    with pytest.raises(DomainError) as excinfo:
        refund_complete_offline(refund=refund, actor=people.agent, reference="BAL-1")
    assert error_of(excinfo)[0] == "method"


def test_a_refund_without_an_order_is_refused(people, received):
    received.order_id = None
    with pytest.raises(DomainError) as excinfo:
        store_credit(received, people.agent, amount=Decimal("10.00"))
    assert error_of(excinfo)[0] == "case"


# ---- daily reconciliation ------------------------------------------------------------------------------


def test_reconciliation_groups_a_day_by_channel_and_status(received, people):
    paid = store_credit(received, people.agent, "a", amount=Decimal("10.00"))
    refund_complete_offline(refund=paid, actor=people.agent, reference="BAL-1")
    store_credit(received, people.agent, "b", amount=Decimal("20.00"))
    store_credit(received, people.agent, "c", amount=Decimal("30.00"))
    refund_request(case=received, actor=people.agent, idempotency_key="d", amount=Decimal("40.00"))
    yesterday = refund_request(
        case=received,
        actor=people.agent,
        idempotency_key="e",
        method="bank_transfer",
        amount=Decimal("50.00"),
    )
    Refund.objects.filter(pk=yesterday.pk).update(created_at=timezone.now() - timedelta(days=1))

    today = refund_reconciliation(timezone.localdate())
    assert [(r.channel, r.status, r.count, r.amount) for r in today.created] == [
        ("alipay", "pending", 1, Decimal("40.00")),
        ("store_credit", "pending", 2, Decimal("50.00")),
        ("store_credit", "succeeded", 1, Decimal("10.00")),
    ]
    assert [(r.channel, r.count, r.amount) for r in today.settled] == [("store_credit", 1, Decimal("10.00"))]
    before = refund_reconciliation(timezone.localdate() - timedelta(days=1))
    assert [(r.channel, r.status, r.count) for r in before.created] == [("bank_transfer", "pending", 1)]
    assert today.stuck == before.stuck == []


def test_reconciliation_lists_a_refund_whose_retries_stopped(received, people):
    refund = refund_request(case=received, actor=people.agent, idempotency_key="k1", amount=Decimal("40.00"))
    Refund.objects.filter(pk=refund.pk).update(next_attempt_at=timezone.now() - timedelta(hours=1))
    [stuck] = refund_reconciliation(timezone.localdate()).stuck
    assert stuck.refund.pk == refund.pk
    assert stuck.reasons == ["重试逾期未执行，请检查定时任务"]
