"""Shared by the returns, exchanges and repairs tests: approved cases, photos, the scripted flow."""

from __future__ import annotations

from aftersale.cases.evidence import evidence_add
from aftersale.cases.models import Case, Evidence
from aftersale.cases.services import CaseLineIn, case_transition
from aftersale.fulfilment.models import ReturnAuthorization
from tests.conftest import make_case
from tests.helpers import png_bytes

# The playbook's intact-goods checklist for the factories' product category (appliance).
APPLIANCE_CHECKLIST = ["无私自拆修或改装", "标签与序列号完好", "无无法恢复的外观磨损", "配件齐全"]


def approved_case(
    order,
    people,
    *,
    category: str = "no_reason_return",
    resolution: str = "return_refund",
    lines: list[CaseLineIn] | None = None,
) -> Case:
    case = make_case(
        order, people.agent, category_code=category, resolution=resolution, lines=lines or [CaseLineIn(1, 1)]
    )
    case_transition(case=case, actor=people.agent, action="start_review", version=case.version)
    case_transition(case=case, actor=people.agent, action="approve", version=case.version)
    case.refresh_from_db()
    return case


def rma_of(case: Case) -> ReturnAuthorization:
    return ReturnAuthorization.objects.select_related("case").get(case=case)


def photo(case: Case, actor) -> Evidence:
    """An item photo on the case as it now stands (after receipt it is routed to the warehouse)."""
    current = Case.objects.get(pk=case.pk)
    return evidence_add(
        case=current, actor=actor, kind="item_photo", data=png_bytes(), original_name="item.png"
    )


def all_passed(**failed: bool) -> dict[str, bool]:
    """The appliance checklist, every item passed unless named (by index: item0=False)."""
    return {item: failed.get(f"item{i}", True) for i, item in enumerate(APPLIANCE_CHECKLIST)}
