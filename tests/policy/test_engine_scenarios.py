"""The seeds' scenarios, judged by the default playbook."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from aftersale.policy.engine import CaseFacts, LineFacts, compile_playbook, evaluate
from aftersale.policy.services import DEFAULT_PLAYBOOK, playbook_parse

SH = ZoneInfo("Asia/Shanghai")
PLAYBOOK = compile_playbook(playbook_parse(DEFAULT_PLAYBOOK.read_text(encoding="utf-8")))
SIGNED = datetime(2026, 11, 15, 10, 2, tzinfo=SH)


def line(**overrides) -> LineFacts:
    values = dict(
        category="appliance",
        unit_price=Decimal("3999.00"),
        quantity=1,
        channel="platform",
        order_paid_amount=Decimal("3999.00"),
        paid_at=datetime(2026, 11, 12, 20, 0, tzinfo=SH),
        shipped_at=datetime(2026, 11, 13, 9, 0, tzinfo=SH),
        signed_at=SIGNED,
        warranty_months=12,
    )
    values.update(overrides)
    return LineFacts(**values)


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, 15, hour, 0, tzinfo=SH) + timedelta(days=day)


def reasons(entitlement) -> list[str]:
    with translation.override("zh-hans"):
        return [r.render() for r in entitlement.reasons]


def test_dented_appliance_with_intact_box_offers_pickup_return_or_ten_percent_with_lead_approval():
    result = evaluate(
        PLAYBOOK,
        line(),
        CaseFacts(
            category="transit_damage", evidence_kinds=frozenset({"item_photo", "box_photo", "waybill_photo"})
        ),
        at=at(2),
    )
    ret = result.entitlements["return_refund"]
    assert ret.eligible and ret.rule == "quality_return" and ret.freight_payer == "seller"
    compensation = result.entitlements["compensation"]
    assert compensation.eligible and compensation.amount == Decimal("399.90")
    assert compensation.approval == "team_lead"
    assert "补偿方案：商品金额的 10%，即 399.90 元余额" in reasons(compensation)
    assert "399.90 元需由客服组长审批" in reasons(compensation)
    assert result.missing_evidence == []


def test_missing_evidence_is_listed_for_transit_damage():
    result = evaluate(
        PLAYBOOK,
        line(),
        CaseFacts(category="transit_damage", evidence_kinds=frozenset({"item_photo"})),
        at=at(2),
    )
    assert result.missing_evidence == ["box_photo", "waybill_photo"]
    assert "还需提供：外箱照片、面单照片" in reasons(result.entitlements["return_refund"])


def test_no_reason_return_on_day_six_is_open():
    result = evaluate(PLAYBOOK, line(category="clothing"), CaseFacts(category="no_reason_return"), at=at(6))
    ret = result.entitlements["return_refund"]
    assert ret.eligible and ret.rule == "no_reason_return" and ret.freight_payer == "buyer"
    assert ret.deadline == datetime(2026, 11, 23, 0, 0, tzinfo=SH)
    assert (
        reasons(ret)[0]
        == "七日无理由退货：签收于 2026-11-15 10:02，期限至 2026-11-23 00:00，今天是第 6 天（共 7 天）"
    )
    with translation.override("en"):
        assert ret.reasons[0].render().startswith("7-day no-reason return: signed off 2026-11-15 10:02")


def test_no_reason_return_on_day_eight_is_closed():
    result = evaluate(
        PLAYBOOK, line(category="clothing"), CaseFacts(category="no_reason_return"), at=at(8, 0)
    )
    ret = result.entitlements["return_refund"]
    assert not ret.eligible
    assert reasons(ret) == ["七日无理由退货期已于 2026-11-23 00:00 结束（签收于 2026-11-15 10:02）"]


def test_custom_made_goods_cannot_be_returned_without_reason_but_can_for_a_fault():
    custom = line(category="home", is_custom_made=True)
    no_reason = evaluate(PLAYBOOK, custom, CaseFacts(category="no_reason_return"), at=at(1))
    assert not no_reason.entitlements["return_refund"].eligible
    assert reasons(no_reason.entitlements["return_refund"]) == ["定作商品依法不适用七日无理由退货"]
    fault = evaluate(PLAYBOOK, custom, CaseFacts(category="quality_fault"), at=at(1))
    assert fault.entitlements["return_refund"].eligible


def test_same_fault_after_two_repairs_gives_exchange_or_full_refund_after_the_windows():
    result = evaluate(PLAYBOOK, line(), CaseFacts(category="quality_fault", completed_repairs=2), at=at(100))
    assert result.entitlements["return_refund"].eligible
    assert result.entitlements["return_refund"].rule == "repeated_fault"
    assert result.entitlements["exchange"].eligible
    once = evaluate(PLAYBOOK, line(), CaseFacts(category="quality_fault", completed_repairs=1), at=at(100))
    assert not once.entitlements["return_refund"].eligible
    assert not once.entitlements["exchange"].eligible
    assert once.entitlements["repair"].eligible


def test_wrong_item_shipped_allows_return_refund_only_and_a_fixed_credit_an_agent_may_grant():
    result = evaluate(
        PLAYBOOK,
        line(unit_price=Decimal("59.00"), category="home"),
        CaseFacts(category="missing_or_wrong_item"),
        at=at(3),
    )
    assert result.entitlements["return_refund"].eligible
    assert result.entitlements["refund_only"].eligible
    compensation = result.entitlements["compensation"]
    assert compensation.amount == Decimal("20.00") and compensation.approval == "agent"


@pytest.mark.parametrize(
    ("tier", "abuse", "speedy"),
    [("gold", 0, True), ("platinum", 0, True), ("regular", 0, False), ("gold", 1, False)],
)
def test_speedy_refund_for_eligible_members_only(tier, abuse, speedy):
    result = evaluate(
        PLAYBOOK,
        line(category="clothing", unit_price=Decimal("299.00"), customer_tier=tier),
        CaseFacts(category="no_reason_return", abuse_count=abuse),
        at=at(2),
    )
    assert result.entitlements["return_refund"].speedy_refund is speedy


def test_speedy_refund_has_an_amount_ceiling():
    result = evaluate(PLAYBOOK, line(customer_tier="gold"), CaseFacts(category="no_reason_return"), at=at(2))
    assert result.entitlements["return_refund"].speedy_refund is False


def test_unshipped_order_can_be_refunded_only():
    result = evaluate(
        PLAYBOOK, line(shipped_at=None, signed_at=None), CaseFacts(category="no_reason_return"), at=at(0)
    )
    assert result.entitlements["refund_only"].eligible
    assert not result.entitlements["return_refund"].eligible
    assert result.entitlements["return_refund"].rule == "not_received"


def test_repair_only_within_warranty():
    inside = evaluate(
        PLAYBOOK, line(), CaseFacts(category="quality_fault"), at=datetime(2027, 11, 12, 12, tzinfo=SH)
    )
    assert inside.entitlements["repair"].eligible
    outside = evaluate(
        PLAYBOOK, line(), CaseFacts(category="quality_fault"), at=datetime(2027, 11, 14, 0, tzinfo=SH)
    )
    assert not outside.entitlements["repair"].eligible


def test_compensation_over_every_limit_goes_to_the_director():
    result = evaluate(
        PLAYBOOK,
        line(),
        CaseFacts(category="transit_damage", requested_compensation=Decimal("800")),
        at=at(1),
    )
    assert result.entitlements["compensation"].approval == "director"
