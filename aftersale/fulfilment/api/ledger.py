from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from aftersale.cases.selectors import case_get
from aftersale.common.permissions import require_role
from aftersale.common.roles import STAFF_ROLES

from ..models import CostEntry
from ..services.ledger import case_cost

router = Router(tags=["cost"])
CaseNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]


class CostEntryOut(Schema):
    kind: str
    amount: Decimal
    source: str
    note: str


class CaseCostOut(Schema):
    total: Decimal
    by_kind: dict[str, Decimal]
    entries: list[CostEntryOut]


@router.get("/cases/{number}/cost", response=CaseCostOut, summary="The case's after-sales cost ledger")
def cost_of_case(request, number: CaseNumber):
    require_role(request.auth, STAFF_ROLES, action=_("查看售后成本"))
    case = case_get(user=request.auth, number=number)
    totals = case_cost(case)
    entries = CostEntry.objects.filter(case=case).order_by("id")
    return CaseCostOut(
        total=totals.pop("total"),
        by_kind=totals,
        entries=[CostEntryOut(kind=e.kind, amount=e.amount, source=e.source, note=e.note) for e in entries],
    )
