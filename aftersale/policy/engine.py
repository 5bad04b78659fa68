"""The eligibility engine: a pure function of playbook + order line + case history.

`evaluate` judges every resolution (return & refund, exchange, repair, refund only,
compensation) and explains each judgement with the rule, the dates that matter, missing
evidence, who pays freight, the deadline and the approval needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from .conditions import holds
from .reasons import Reason
from .schema import CompensationScenario, Playbook

CENT = Decimal("0.01")
RESOLUTIONS = ("return_refund", "exchange", "repair", "refund_only", "compensation")


@dataclass(frozen=True)
class LineFacts:
    """What the engine needs of an order line, its product, order and buyer."""

    category: str
    is_custom_made: bool = False
    is_perishable: bool = False
    is_digital_unsealed: bool = False
    is_periodical: bool = False
    confirm_at_checkout: bool = False
    no_return_confirmed: bool = False
    warranty_months: int = 12
    unit_price: Decimal = Decimal("0.00")
    quantity: int = 1
    channel: str = "platform"
    order_paid_amount: Decimal = Decimal("0.00")
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    signed_at: datetime | None = None
    customer_tier: str = "regular"
    customer_is_vip: bool = False
    days_in_repair: int = 0  # time in repair is added to the warranty (三包)

    @property
    def line_amount(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def received_at(self) -> datetime | None:
        """Sign-off; for an offline-store sale the goods change hands at payment."""
        if self.signed_at is not None:
            return self.signed_at
        return self.paid_at if self.channel == "offline" else None


@dataclass(frozen=True)
class CaseFacts:
    """What the engine needs of the request and the history behind it (given, never queried)."""

    case_type: str = "after_sales"
    category: str = ""
    evidence_kinds: frozenset[str] = frozenset()
    completed_repairs: int = 0  # earlier finished repairs of the same serial no.
    abuse_count: int = 0
    requested_compensation: Decimal | None = None


@dataclass
class Entitlement:
    resolution: str
    eligible: bool
    rule: str
    reasons: list[Reason] = field(default_factory=list)
    dates: dict[str, Any] = field(default_factory=dict)
    missing_evidence: list[str] = field(default_factory=list)
    freight_payer: str | None = None
    deadline: datetime | None = None
    approval: str | None = None
    amount: Decimal | None = None
    speedy_refund: bool = False


@dataclass
class Eligibility:
    at: datetime
    entitlements: dict[str, Entitlement]
    missing_evidence: list[str]

    def eligible(self) -> list[str]:
        return [r for r, e in self.entitlements.items() if e.eligible]


@dataclass(frozen=True)
class CompiledPlaybook:
    """A validated playbook prepared once for fast evaluation."""

    playbook: Playbook
    tz: ZoneInfo
    fault_categories: frozenset[str]
    missing_item_categories: frozenset[str]
    scenarios: dict[str, CompensationScenario]
    version: int = 0


def compile_playbook(playbook: Playbook, *, version: int = 0) -> CompiledPlaybook:
    return CompiledPlaybook(
        playbook=playbook,
        tz=ZoneInfo(playbook.time_zone),
        fault_categories=frozenset(playbook.quality.fault_categories),
        missing_item_categories=frozenset(playbook.refund_only.missing_item_categories),
        scenarios={s.category: s for s in playbook.compensation.scenarios},
        version=version,
    )


@dataclass(frozen=True)
class Window:
    """A statutory window: counted in calendar days from 00:00 the day after `basis`."""

    basis: datetime
    start: datetime
    end: datetime
    days: int

    def open_at(self, at: datetime) -> bool:
        return at < self.end

    def day_of(self, at: datetime) -> int:
        """0 on the day of `basis`, then 1, 2, … from the first counted day."""
        if at < self.start:
            return 0
        return (at.astimezone(self.start.tzinfo).date() - self.start.date()).days + 1


def window_from(basis: datetime, days: int, tz: ZoneInfo) -> Window:
    local = basis.astimezone(tz)
    start = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)
    return Window(local, start, start + timedelta(days=days), days)


def approver_for(amount: Decimal, playbook: Playbook) -> str:
    """The lowest role whose approval limit covers `amount`."""
    limits = playbook.compensation.approval_limits
    if amount <= limits.agent:
        return "agent"
    if amount <= limits.team_lead:
        return "team_lead"
    return "director"


def may_approve(role: str, amount: Decimal, playbook: Playbook) -> bool:
    limits = playbook.compensation.approval_limits
    ceiling = {"agent": limits.agent, "team_lead": limits.team_lead}.get(role)
    if role == "director":
        return limits.director is None or amount <= limits.director
    return ceiling is not None and amount <= ceiling


def evaluate(compiled: CompiledPlaybook, line: LineFacts, case: CaseFacts, *, at: datetime) -> Eligibility:
    """Judge every resolution for one order line at time `at` (aware)."""
    pb = compiled.playbook
    at = at.astimezone(compiled.tz)
    missing = [k for k in pb.evidence.get(case.category, ()) if k not in case.evidence_kinds]
    fault = case.category in compiled.fault_categories
    received = line.received_at
    results = {
        "return_refund": _return_refund(compiled, line, case, at, fault, received),
        "exchange": _exchange(compiled, line, case, at, fault, received),
        "repair": _repair(compiled, line, case, at, fault),
        "refund_only": _refund_only(compiled, line, case),
        "compensation": _compensation(compiled, line, case),
    }
    speedy = pb.speedy_refund.enabled and holds(pb.speedy_refund.conditions, _condition_facts(line, case))
    for resolution in ("return_refund", "refund_only"):
        entitlement = results[resolution]
        if entitlement.eligible:
            entitlement.speedy_refund = speedy
            entitlement.reasons.append(Reason("speedy_refund_ok" if speedy else "speedy_refund_no"))
    for entitlement in results.values():
        if entitlement.eligible and missing:
            entitlement.missing_evidence = list(missing)
            entitlement.reasons.append(Reason("evidence_missing", {"kinds": list(missing)}))
    return Eligibility(at=at, entitlements=results, missing_evidence=missing)


def _condition_facts(line: LineFacts, case: CaseFacts) -> dict[str, Any]:
    return {
        "customer.tier": line.customer_tier,
        "customer.is_vip": line.customer_is_vip,
        "customer.abuse_count": case.abuse_count,
        "order.channel": line.channel,
        "order.paid_amount": line.order_paid_amount,
        "order.shipped": line.shipped_at is not None,
        "order.signed": line.signed_at is not None,
        "line.amount": line.line_amount,
        "product.category": line.category,
        "case.type": case.case_type,
        "case.category": case.category,
    }


def _statutory_exclusion(line: LineFacts, honour_confirmation: bool) -> str | None:
    """The reason code of a no-reason-return exclusion; the first four no playbook can lift."""
    if line.is_custom_made:
        return "excluded_custom_made"
    if line.is_perishable:
        return "excluded_perishable"
    if line.is_digital_unsealed:
        return "excluded_digital"
    if line.is_periodical:
        return "excluded_periodical"
    if honour_confirmation and line.confirm_at_checkout and line.no_return_confirmed:
        return "excluded_confirmed"
    return None


def _window_dates(window: Window, at: datetime) -> dict[str, Any]:
    return {
        "signed_at": window.basis,
        "window_start": window.start,
        "window_end": window.end,
        "today": at,
        "day": window.day_of(at),
        "days": window.days,
    }


def _repeated_fault(compiled: CompiledPlaybook, line: LineFacts, case: CaseFacts, at: datetime, fault: bool):
    threshold = compiled.playbook.quality.repairs_before_replacement
    if fault and case.completed_repairs >= threshold and _in_warranty(line, at, compiled.tz):
        return Reason("repeated_fault", {"repairs": case.completed_repairs})
    return None


def _return_refund(compiled, line, case, at, fault, received) -> Entitlement:
    pb = compiled.playbook
    reasons: list[Reason] = []
    repeated = _repeated_fault(compiled, line, case, at, fault)
    if repeated is not None:
        return Entitlement(
            "return_refund",
            True,
            "repeated_fault",
            [repeated, Reason("seller_pays_freight")],
            freight_payer="seller",
        )
    if received is None:
        return Entitlement("return_refund", False, "not_received", [Reason("not_received")])
    if fault:
        window = window_from(received, pb.quality.return_days, compiled.tz)
        if window.open_at(at):
            return Entitlement(
                "return_refund",
                True,
                "quality_return",
                [
                    Reason("quality_return_open", {"days": window.days, "window_end": window.end}),
                    Reason("seller_pays_freight"),
                ],
                dates=_window_dates(window, at),
                freight_payer="seller",
                deadline=window.end,
            )
        reasons.append(Reason("quality_return_closed", {"window_end": window.end}))
    no_reason = pb.returns.no_reason
    window = window_from(received, no_reason.window_days, compiled.tz)
    dates = _window_dates(window, at)
    excluded = _statutory_exclusion(line, no_reason.honour_checkout_confirmation)
    if excluded:
        return Entitlement(
            "return_refund", False, "statutory_exclusion", [*reasons, Reason(excluded)], dates=dates
        )
    if not window.open_at(at):
        reasons.append(Reason("no_reason_closed", {"window_end": window.end, "signed_at": window.basis}))
        return Entitlement("return_refund", False, "no_reason_return", reasons, dates=dates)
    day = window.day_of(at)
    opened = (
        Reason(
            "no_reason_open",
            {"signed_at": window.basis, "window_end": window.end, "day": day, "days": window.days},
        )
        if day
        else Reason("no_reason_sign_off_day", {"signed_at": window.basis, "window_end": window.end})
    )
    payer = no_reason.freight_payer
    return Entitlement(
        "return_refund",
        True,
        "no_reason_return",
        [*reasons, opened, Reason("buyer_pays_freight" if payer == "buyer" else "seller_pays_freight")],
        dates=dates,
        freight_payer=payer,
        deadline=window.end,
    )


def _exchange(compiled, line, case, at, fault, received) -> Entitlement:
    pb = compiled.playbook
    repeated = _repeated_fault(compiled, line, case, at, fault)
    if repeated is not None:
        return Entitlement(
            "exchange",
            True,
            "repeated_fault",
            [repeated, Reason("seller_pays_freight")],
            freight_payer="seller",
        )
    if received is None:
        return Entitlement("exchange", False, "not_received", [Reason("not_received")])
    if fault:
        window = window_from(received, pb.quality.exchange_days, compiled.tz)
        if window.open_at(at):
            return Entitlement(
                "exchange",
                True,
                "quality_exchange",
                [
                    Reason("quality_exchange_open", {"days": window.days, "window_end": window.end}),
                    Reason("seller_pays_freight"),
                ],
                dates=_window_dates(window, at),
                freight_payer="seller",
                deadline=window.end,
            )
        return Entitlement(
            "exchange",
            False,
            "quality_exchange",
            [Reason("quality_exchange_closed", {"window_end": window.end})],
            dates=_window_dates(window, at),
        )
    days = pb.returns.any_reason_exchange_days
    excluded = _statutory_exclusion(line, pb.returns.no_reason.honour_checkout_confirmation)
    if days and not excluded:
        window = window_from(received, days, compiled.tz)
        if window.open_at(at):
            payer = pb.returns.no_reason.freight_payer
            return Entitlement(
                "exchange",
                True,
                "any_reason_exchange",
                [
                    Reason("any_reason_exchange_open", {"days": days, "window_end": window.end}),
                    Reason("buyer_pays_freight" if payer == "buyer" else "seller_pays_freight"),
                ],
                dates=_window_dates(window, at),
                freight_payer=payer,
                deadline=window.end,
            )
    return Entitlement("exchange", False, "quality_exchange", [Reason("exchange_needs_fault")])


def _warranty_end(line: LineFacts, tz: ZoneInfo) -> datetime | None:
    basis = line.paid_at or line.signed_at
    if basis is None or line.warranty_months <= 0:
        return None
    local: date = basis.astimezone(tz).date() + relativedelta(months=line.warranty_months)
    return datetime.combine(local + timedelta(days=1 + line.days_in_repair), time(0), tzinfo=tz)


def _in_warranty(line: LineFacts, at: datetime, tz: ZoneInfo) -> bool:
    end = _warranty_end(line, tz)
    return end is not None and at < end


def _repair(compiled, line, case, at, fault) -> Entitlement:
    if not fault:
        return Entitlement("repair", False, "warranty_repair", [Reason("repair_needs_fault")])
    end = _warranty_end(line, compiled.tz)
    if end is None:
        return Entitlement("repair", False, "warranty_repair", [Reason("repair_no_warranty")])
    if at >= end:
        return Entitlement(
            "repair",
            False,
            "warranty_repair",
            [Reason("repair_out_of_warranty", {"warranty_end": end})],
            dates={"warranty_end": end},
        )
    limit = compiled.playbook.quality.repair_limit_days
    return Entitlement(
        "repair",
        True,
        "warranty_repair",
        [Reason("repair_in_warranty", {"warranty_end": end, "days": limit}), Reason("seller_pays_freight")],
        dates={"warranty_end": end},
        freight_payer="seller",
        deadline=end,
    )


def _refund_only(compiled, line, case) -> Entitlement:
    if line.shipped_at is None and line.channel != "offline":
        return Entitlement(
            "refund_only",
            True,
            "refund_only_unshipped",
            [Reason("refund_only_unshipped")],
            amount=line.line_amount,
        )
    if case.category in compiled.missing_item_categories:
        return Entitlement(
            "refund_only",
            True,
            "refund_only_missing_item",
            [Reason("refund_only_missing_item")],
            amount=line.line_amount,
        )
    return Entitlement("refund_only", False, "refund_only", [Reason("refund_only_not_applicable")])


def _compensation(compiled, line, case) -> Entitlement:
    scenario = compiled.scenarios.get(case.category)
    if scenario is None:
        return Entitlement("compensation", False, "compensation_matrix", [Reason("compensation_none")])
    amount: Decimal | None
    if scenario.kind == "percent_of_price":
        assert scenario.percent is not None
        amount = (line.line_amount * scenario.percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        reasons = [Reason("compensation_percent", {"percent": scenario.percent, "amount": amount})]
    elif scenario.kind == "gift":
        amount = None
        reasons = [Reason("compensation_gift", {"alternative": scenario.alternative})]
    else:
        amount = scenario.amount
        code = "compensation_fixed" if scenario.kind == "fixed_credit" else "compensation_refund_plus_credit"
        reasons = [Reason(code, {"amount": amount})]
    if scenario.alternative and scenario.kind != "gift":
        reasons.append(Reason("compensation_alternative", {"alternative": scenario.alternative}))
    asked = case.requested_compensation if case.requested_compensation is not None else amount
    approval = approver_for(asked, compiled.playbook) if asked is not None else "agent"
    if asked is not None:
        reasons.append(Reason("approval_needed", {"amount": asked, "role": approval}))
    return Entitlement("compensation", True, "compensation_matrix", reasons, approval=approval, amount=amount)
