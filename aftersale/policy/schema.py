"""The playbook schema. An invalid playbook is refused whole, each problem with its path.

Statutory minimums (../shared/domain/RULES.md) are enforced here: a business may be more
generous than the law, never less.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .conditions import Condition

Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Days = Annotated[int, Field(ge=0, le=3650)]
Hours = Annotated[int, Field(ge=1, le=24 * 365)]
Payer = Literal["buyer", "seller"]
Role = Literal["agent", "team_lead", "director"]
EvidenceKind = Literal["item_photo", "waybill_photo", "box_photo", "video", "other"]
Department = Literal["warehouse", "qc", "ops", "logistics", "merchant"]
Priority = Literal["P0", "P1", "P2", "P3"]

STATUTORY_NO_REASON_DAYS = 7
STATUTORY_QUALITY_RETURN_DAYS = 7
STATUTORY_QUALITY_EXCHANGE_DAYS = 15
STATUTORY_REPAIRS_BEFORE_REPLACEMENT = 2
STATUTORY_REPAIR_LIMIT_DAYS = 30


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoReasonReturn(Section):
    enabled: bool = True
    window_days: Days = STATUTORY_NO_REASON_DAYS
    freight_payer: Payer = "buyer"
    # Goods of the confirm-at-checkout class are excluded only where the buyer confirmed.
    honour_checkout_confirmation: bool = True
    intact_checklist: dict[str, list[str]] = Field(default_factory=dict)
    deduct_unreturned_gifts: bool = True
    free_shipping_threshold: Money | None = None
    deduct_shipping_when_threshold_broken: bool = True

    @field_validator("enabled")
    @classmethod
    def _statutory(cls, value: bool) -> bool:
        if not value:
            raise ValueError(_("不能关闭：七日无理由退货是法定义务（消费者权益保护法第二十五条）"))
        return value

    @field_validator("window_days")
    @classmethod
    def _minimum(cls, value: int) -> int:
        if value < STATUTORY_NO_REASON_DAYS:
            raise ValueError(_("必须 ≥ %(n)s（法定最低）") % {"n": STATUTORY_NO_REASON_DAYS})
        return value


class Returns(Section):
    no_reason: NoReasonReturn = Field(default_factory=NoReasonReturn)
    # Exchange for any reason (e.g. a size swap) within this many days of sign-off; 0 = not offered.
    any_reason_exchange_days: Days = 0


class Quality(Section):
    fault_categories: list[str] = Field(
        default_factory=lambda: [
            "quality_fault",
            "not_as_described",
            "transit_damage",
            "missing_or_wrong_item",
        ]
    )
    return_days: Days = STATUTORY_QUALITY_RETURN_DAYS
    exchange_days: Days = STATUTORY_QUALITY_EXCHANGE_DAYS
    repairs_before_replacement: int = Field(default=STATUTORY_REPAIRS_BEFORE_REPLACEMENT, ge=1, le=10)
    repair_limit_days: Days = STATUTORY_REPAIR_LIMIT_DAYS
    freight_payer: Literal["seller"] = "seller"

    @field_validator("return_days")
    @classmethod
    def _return_minimum(cls, value: int) -> int:
        if value < STATUTORY_QUALITY_RETURN_DAYS:
            raise ValueError(_("必须 ≥ %(n)s（三包法定最低）") % {"n": STATUTORY_QUALITY_RETURN_DAYS})
        return value

    @field_validator("exchange_days")
    @classmethod
    def _exchange_minimum(cls, value: int) -> int:
        if value < STATUTORY_QUALITY_EXCHANGE_DAYS:
            raise ValueError(_("必须 ≥ %(n)s（三包法定最低）") % {"n": STATUTORY_QUALITY_EXCHANGE_DAYS})
        return value

    @field_validator("repairs_before_replacement")
    @classmethod
    def _repairs_maximum(cls, value: int) -> int:
        if value > STATUTORY_REPAIRS_BEFORE_REPLACEMENT:
            raise ValueError(_("必须 ≤ %(n)s（三包法定上限）") % {"n": STATUTORY_REPAIRS_BEFORE_REPLACEMENT})
        return value

    @field_validator("repair_limit_days")
    @classmethod
    def _repair_limit(cls, value: int) -> int:
        if not 1 <= value <= STATUTORY_REPAIR_LIMIT_DAYS:
            raise ValueError(_("必须在 1 到 %(n)s 之间（三包法定上限）") % {"n": STATUTORY_REPAIR_LIMIT_DAYS})
        return value


class RefundOnly(Section):
    unshipped: Literal[True] = True
    missing_item_categories: list[str] = Field(default_factory=lambda: ["missing_or_wrong_item"])


class SpeedyRefund(Section):
    enabled: bool = True
    conditions: Condition = Field(default_factory=Condition)


class CompensationScenario(Section):
    category: str
    kind: Literal["fixed_credit", "percent_of_price", "refund_plus_credit", "gift"]
    amount: Money | None = None
    percent: Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)] | None = None
    alternative: str = ""

    @model_validator(mode="after")
    def _amount_or_percent(self) -> CompensationScenario:
        if self.kind == "percent_of_price" and self.percent is None:
            raise ValueError(_("按比例补偿须填写 percent"))
        if self.kind in ("fixed_credit", "refund_plus_credit") and self.amount is None:
            raise ValueError(_("%(kind)s 须填写 amount") % {"kind": self.kind})
        return self


class ApprovalLimits(Section):
    agent: Money = Decimal("50.00")
    team_lead: Money = Decimal("500.00")
    director: Money | None = None  # None: no upper limit

    @model_validator(mode="after")
    def _ascending(self) -> ApprovalLimits:
        if self.team_lead < self.agent:
            raise ValueError(_("组长额度必须 ≥ 客服专员额度"))
        if self.director is not None and self.director < self.team_lead:
            raise ValueError(_("总监额度必须 ≥ 组长额度"))
        return self


class Compensation(Section):
    scenarios: list[CompensationScenario] = Field(default_factory=list)
    approval_limits: ApprovalLimits = Field(default_factory=ApprovalLimits)


class ResponseDeadlines(Section):
    unshipped_refund_hours: Hours = 48
    shipped_refund_days: Annotated[int, Field(ge=1, le=60)] = 5
    virtual_goods_refund_days: Annotated[int, Field(ge=1, le=60)] = 3
    auto_approve_on_timeout: bool = True


class ServiceLevels(Section):
    first_response_minutes: Annotated[int, Field(ge=1, le=10_080)] = 30
    review_working_days: Annotated[int, Field(ge=1, le=30)] = 1
    ordinary_close_hours: Hours = 24
    exception_first_reply_hours: Hours = 4
    exception_plan_hours: Hours = 12
    quality_plan_hours: Hours = 72
    logistics_resolve_hours: Hours = 24
    repair_working_days: Annotated[int, Field(ge=1, le=90)] = 3
    inspection_days: Annotated[int, Field(ge=1, le=30)] = 7
    refund_after_receipt_hours: Hours = 24
    compensation_pay_hours: Hours = 24
    attainment_target_percent: Annotated[Decimal, Field(gt=0, le=100)] = Decimal("95")
    # Multiplies the first-response, resolution and plan targets by priority (1 = as above).
    priority_factors: dict[Priority, Annotated[float, Field(gt=0, le=10)]] = Field(
        default_factory=lambda: {"P0": 1.0, "P1": 1.0, "P2": 1.0, "P3": 1.0}
    )

    @field_validator("refund_after_receipt_hours")
    @classmethod
    def _statutory_refund(cls, value: int) -> int:
        if value > 7 * 24:
            raise ValueError(_("必须 ≤ 168（收到退货后 7 日内退款是法定义务）"))
        return value


class Escalation(Section):
    chain: list[str] = Field(
        default_factory=lambda: ["agent", "team_lead", "operations_manager"], min_length=1
    )
    exception_after_hours: Hours = 48
    red_ticket_copy_every_hours: Hours = 2
    warn_before_due_minutes: Annotated[int, Field(ge=0, le=10_080)] = 30


class RoutingRule(Section):
    name: str = Field(min_length=1, max_length=80)
    when: Condition
    department: Department


class Routing(Section):
    rules: list[RoutingRule] = Field(default_factory=list)


class Lexicon(Section):
    words: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list)
    raise_priority_to: Priority = "P0"
    route_to: Literal["expert"] = "expert"
    freeze_auto_rejection: bool = True


class Retention(Section):
    """How long a closed case's personal data is kept (the seeds archive after 2 years)."""

    case_years: int = 3

    @field_validator("case_years")
    @classmethod
    def _years(cls, value: int) -> int:
        if not 1 <= value <= 30:
            raise ValueError(_("保存年限须在 1 到 30 年之间（结案后按年计）"))
        return value


class Team(Section):
    name: str
    lead: str = ""


class Playbook(Section):
    """The whole after-sales policy of one business, as one versioned document."""

    name: str = Field(min_length=1, max_length=120)
    time_zone: str = "Asia/Shanghai"
    returns: Returns = Field(default_factory=Returns)
    quality: Quality = Field(default_factory=Quality)
    refund_only: RefundOnly = Field(default_factory=RefundOnly)
    speedy_refund: SpeedyRefund = Field(default_factory=SpeedyRefund)
    evidence: dict[str, list[EvidenceKind]] = Field(default_factory=dict)
    compensation: Compensation = Field(default_factory=Compensation)
    response_deadlines: ResponseDeadlines = Field(default_factory=ResponseDeadlines)
    service_levels: ServiceLevels = Field(default_factory=ServiceLevels)
    escalation: Escalation = Field(default_factory=Escalation)
    routing: Routing = Field(default_factory=Routing)
    lexicon: Lexicon = Field(default_factory=Lexicon)
    retention: Retention = Field(default_factory=Retention)
    teams: list[Team] = Field(default_factory=list)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(_("未知的时区：%(z)s") % {"z": value}) from None
        return value

    @model_validator(mode="after")
    def _one_scenario_per_category(self) -> Playbook:
        categories = [s.category for s in self.compensation.scenarios]
        duplicates = sorted({c for c in categories if categories.count(c) > 1})
        if duplicates:
            raise ValueError(
                _("compensation.scenarios：同一分类有多个补偿方案：%(c)s") % {"c": ", ".join(duplicates)}
            )
        return self
