"""Compensation offers: limits and approvals, the customer's answer, the payout clock and the ledger."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
import yaml

from aftersale.cases.models import CaseEvent
from aftersale.cases.services import case_assign, case_transition, message_add
from aftersale.common.errors import Conflict, DomainError, PermissionDenied
from aftersale.common.roles import Role
from aftersale.fulfilment.models import CostEntry, OfferStatus
from aftersale.fulfilment.services.compensation import (
    compensation_accept,
    compensation_approve,
    compensation_decline,
    compensation_pay,
    compensation_propose,
    compensation_reject,
    compensation_withdraw,
)
from aftersale.policy.services import DEFAULT_PLAYBOOK, playbook_publish
from aftersale.sla.models import Alert, CaseRisk, Clock, ClockState
from aftersale.sla.sweeper import sweep
from tests.conftest import make_case
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 16, 10, 0, tzinfo=SH)


def appliance_case(people, *, category="transit_damage", unit_price="3999.00"):
    """Seed 001's example: a high-end appliance that arrived dented, assigned to the agent's team."""
    order = OrderFactory(
        customer=people.customer, goods_amount=Decimal(unit_price), paid_amount=Decimal(unit_price)
    )
    OrderLineFactory(
        order=order, line_no=1, unit_price=Decimal(unit_price), product=ProductFactory(name="对开门冰箱")
    )
    case = make_case(
        order,
        people.agent,
        category_code=category,
        resolution="compensation",
        description="收到的冰箱外观有明显磕碰，外包装完好",
    )
    return case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.agent)


@pytest.fixture
def damaged(people):
    with time_machine.travel(T0, tick=False):
        return appliance_case(people)


def events(case, prefix="compensation."):
    return list(
        CaseEvent.objects.filter(case=case, kind__startswith=prefix)
        .order_by("id")
        .values_list("kind", "is_public")
    )


def test_the_seed_case_ten_percent_balance_credit_from_proposal_to_ledger(damaged, people):
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        offer = compensation_propose(
            case=damaged,
            actor=people.agent,
            kind="balance_credit",
            percent=Decimal("10"),
            description="物流磕碰，按商品金额 10% 补偿",
        )
    assert offer.amount == Decimal("399.90")
    assert (offer.status, offer.approver_role) == (OfferStatus.PENDING_APPROVAL, Role.TEAM_LEAD)
    assert events(damaged) == [("compensation.requested", False)]
    request = Alert.objects.get(recipient=people.team_lead, kind="escalated")
    assert damaged.number in request.message and "399.90" in request.message
    # within the team lead's limit: no exception case
    assert not CaseRisk.objects.filter(case=damaged, is_exception=True).exists()

    with pytest.raises(PermissionDenied) as own:
        compensation_approve(offer=offer, actor=people.agent, version=offer.version)
    assert own.value.errors[0].code == "self_approval"
    colleague = UserFactory(role=Role.AGENT, team=people.team)
    with pytest.raises(PermissionDenied):
        compensation_approve(offer=offer, actor=colleague, version=offer.version)

    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        compensation_approve(
            offer=offer, actor=people.team_lead, version=offer.version, note="同意，按政策执行"
        )
    assert offer.status == OfferStatus.OFFERED and offer.decided_by == people.team_lead

    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        compensation_accept(offer=offer, actor=people.customer_user, version=offer.version)
    clock = Clock.objects.get(case=damaged, kind="compensation_payout")
    assert clock.ref == f"compensation:{offer.pk}" and clock.due_at == T0 + timedelta(hours=25)

    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        compensation_pay(offer=offer, actor=people.agent, payout_ref="BAL-20261116-0001")
    clock.refresh_from_db()
    assert clock.state == ClockState.MET and clock.breached_at is None
    entry = CostEntry.objects.get(case=damaged)
    assert (entry.kind, entry.amount, entry.source) == (
        "compensation",
        Decimal("399.90"),
        f"compensation:{offer.pk}",
    )
    assert events(damaged) == [
        ("compensation.requested", False),
        ("compensation.approved", False),
        ("compensation.offered", True),
        ("compensation.accepted", True),
        ("compensation.paid", True),
    ]
    accepted = CaseEvent.objects.get(case=damaged, kind="compensation.accepted")
    assert accepted.payload["via"] == "portal" and accepted.actor_role == Role.CUSTOMER


def test_a_wrong_item_credit_within_the_agents_limit_goes_straight_to_the_customer(people):
    case = appliance_case(people, category="missing_or_wrong_item", unit_price="199.00")
    offer = compensation_propose(case=case, actor=people.agent, kind="balance_credit")  # the matrix: ¥20
    assert (offer.amount, offer.status, offer.approver_role) == (Decimal("20.00"), OfferStatus.OFFERED, "")
    assert events(case) == [("compensation.offered", True)]
    assert not Alert.objects.filter(kind="escalated").exists()


def test_above_the_team_leads_limit_needs_the_director_and_makes_an_exception_case(damaged, people):
    offer = compensation_propose(
        case=damaged,
        actor=people.agent,
        kind="cash",
        amount=Decimal("800.00"),
        description="客户要求高额赔付",
    )
    assert offer.approver_role == Role.DIRECTOR
    risk = CaseRisk.objects.get(case=damaged)
    assert risk.is_exception and risk.exception_reasons == ["compensation_over_limit"]
    assert Alert.objects.filter(recipient=people.director, kind="escalated").exists()
    with pytest.raises(PermissionDenied) as over:
        compensation_approve(offer=offer, actor=people.team_lead, version=offer.version)
    assert over.value.errors[0].code == "over_limit"
    compensation_approve(offer=offer, actor=people.director, version=offer.version)
    assert offer.status == OfferStatus.OFFERED


def test_a_team_lead_offers_within_their_own_limit_at_once(damaged, people):
    offer = compensation_propose(
        case=damaged, actor=people.team_lead, kind="coupon", amount=Decimal("300.00")
    )
    assert offer.status == OfferStatus.OFFERED


def test_nothing_above_the_directors_limit_can_be_offered(damaged, people):
    data = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    data["compensation"]["approval_limits"]["director"] = 2000
    playbook_publish(
        source=yaml.safe_dump(data, allow_unicode=True), reason="总监额度上限", actor=people.director
    )
    with pytest.raises(DomainError) as refused:
        compensation_propose(case=damaged, actor=people.director, kind="cash", amount=Decimal("2000.01"))
    assert refused.value.errors[0].code == "over_limit"


def test_a_rejected_offer_needs_a_note_and_never_reaches_the_customer(damaged, people):
    offer = compensation_propose(
        case=damaged, actor=people.agent, kind="balance_credit", amount=Decimal("120")
    )
    with pytest.raises(DomainError):
        compensation_reject(offer=offer, actor=people.team_lead, version=offer.version, note=" ")
    compensation_reject(offer=offer, actor=people.team_lead, version=offer.version, note="超出政策，改送赠品")
    assert offer.status == OfferStatus.REJECTED
    assert all(not public for _kind, public in events(damaged))
    with pytest.raises(DomainError):
        compensation_accept(offer=offer, actor=people.customer_user, version=offer.version)


def test_an_agent_records_an_acceptance_given_by_phone(damaged, people):
    offer = compensation_propose(case=damaged, actor=people.agent, kind="coupon", amount=Decimal("30"))
    compensation_accept(offer=offer, actor=people.agent, version=offer.version)
    accepted = CaseEvent.objects.get(case=damaged, kind="compensation.accepted")
    assert accepted.payload["via"] == "phone" and accepted.actor == people.agent


def test_only_the_cases_own_customer_answers(damaged, people):
    offer = compensation_propose(case=damaged, actor=people.agent, kind="coupon", amount=Decimal("30"))
    with pytest.raises(PermissionDenied):
        compensation_accept(offer=offer, actor=people.other_customer_user, version=offer.version)
    compensation_decline(offer=offer, actor=people.customer_user, version=offer.version, reason="想要退货")
    assert offer.status == OfferStatus.DECLINED


def test_withdrawn_before_acceptance_and_not_after(damaged, people):
    pending = compensation_propose(case=damaged, actor=people.agent, kind="cash", amount=Decimal("200"))
    compensation_withdraw(offer=pending, actor=people.agent, version=pending.version, reason="客户改选退货")
    offered = compensation_propose(case=damaged, actor=people.agent, kind="coupon", amount=Decimal("30"))
    compensation_withdraw(offer=offered, actor=people.agent, version=offered.version, reason="重复提出")
    withdrawn = CaseEvent.objects.filter(case=damaged, kind="compensation.withdrawn").order_by("id")
    assert [e.is_public for e in withdrawn] == [False, True]  # the customer never saw the pending one

    accepted = compensation_propose(case=damaged, actor=people.agent, kind="coupon", amount=Decimal("30"))
    compensation_accept(offer=accepted, actor=people.customer_user, version=accepted.version)
    with pytest.raises(DomainError) as refused:
        compensation_withdraw(offer=accepted, actor=people.agent, version=accepted.version, reason="x")
    assert refused.value.errors[0].code == "invalid_status"


def test_two_approvers_at_once_one_wins(damaged, people):
    offer = compensation_propose(case=damaged, actor=people.agent, kind="cash", amount=Decimal("200"))
    stale_copy = type(offer).objects.get(pk=offer.pk)
    compensation_approve(offer=offer, actor=people.team_lead, version=offer.version)
    with pytest.raises(Conflict):
        compensation_reject(
            offer=stale_copy, actor=people.director, version=stale_copy.version, note="不同意"
        )


def test_payment_needs_acceptance_and_a_reference(damaged, people):
    offer = compensation_propose(case=damaged, actor=people.agent, kind="cash", amount=Decimal("30"))
    with pytest.raises(DomainError):
        compensation_pay(offer=offer, actor=people.agent, payout_ref="PAY-1")
    compensation_accept(offer=offer, actor=people.customer_user, version=offer.version)
    with pytest.raises(DomainError) as missing:
        compensation_pay(offer=offer, actor=people.agent, payout_ref="  ")
    assert missing.value.errors[0].field == "payout_ref"
    with pytest.raises(PermissionDenied):
        compensation_pay(offer=offer, actor=people.customer_user, payout_ref="PAY-1")


def test_an_unpaid_compensation_escalates_when_its_clock_runs_out(damaged, people):
    with time_machine.travel(T0, tick=False):
        offer = compensation_propose(case=damaged, actor=people.agent, kind="cash", amount=Decimal("30"))
        compensation_accept(offer=offer, actor=people.customer_user, version=offer.version)
    sweep(now=T0 + timedelta(hours=24, minutes=1))
    clock = Clock.objects.get(case=damaged, kind="compensation_payout")
    assert clock.breached_at is not None
    assert Alert.objects.filter(
        recipient=people.team_lead, kind="breached", message__contains="补偿发放"
    ).exists()


def test_staff_may_not_quote_an_unapproved_amount_to_the_customer(damaged, people):
    compensation_propose(case=damaged, actor=people.agent, kind="balance_credit", percent=Decimal("10"))
    with pytest.raises(DomainError) as promise:
        message_add(case=damaged, actor=people.agent, body="您好，已为您申请 399.9 元余额补偿，马上到账")
    assert promise.value.errors[0].code == "unapproved_promise"
    message_add(case=damaged, actor=people.agent, body="组长：申请 399.90 元补偿，请审批", internal=True)
    message_add(case=damaged, actor=people.agent, body="您好，补偿方案正在审核中，请耐心等待")
    message_add(case=damaged, actor=people.customer_user, body="我希望补偿 399.90 元")


def test_cancelling_the_case_withdraws_the_offers_not_yet_accepted(damaged, people):
    pending = compensation_propose(case=damaged, actor=people.agent, kind="cash", amount=Decimal("200"))
    offered = compensation_propose(case=damaged, actor=people.agent, kind="coupon", amount=Decimal("30"))
    damaged.refresh_from_db()
    case_transition(
        case=damaged, actor=people.customer_user, action="cancel", version=damaged.version, reason="不需要了"
    )
    for offer in (pending, offered):
        offer.refresh_from_db()
        assert offer.status == OfferStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Decimal("10"), "percent": Decimal("5")}, "percent"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("1.234")}, "amount"),
        ({"percent": Decimal("150")}, "percent"),
        ({"kind": "voucher", "amount": Decimal("10")}, "kind"),
        ({"kind": "gift", "amount": Decimal("99")}, "description"),
    ],
)
def test_bad_offers_name_the_field(damaged, people, changes, field):
    values = {"kind": "cash", **changes}
    with pytest.raises(DomainError) as refused:
        compensation_propose(case=damaged, actor=people.agent, **values)
    assert refused.value.errors[0].field == field


def test_no_matrix_amount_for_the_category_asks_for_one(people, order):
    case = make_case(order, people.agent, category_code="not_as_described", resolution="compensation")
    with pytest.raises(DomainError) as refused:
        compensation_propose(case=case, actor=people.agent, kind="coupon")
    assert refused.value.errors[0].field == "amount"


def test_customers_and_the_optimizer_cannot_offer(damaged, people):
    for who in (people.customer_user, people.optimizer):
        with pytest.raises(PermissionDenied):
            compensation_propose(case=damaged, actor=who, kind="coupon", amount=Decimal("10"))
