"""The after-sales cost ledger: every cost a case causes, recorded once per source."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from aftersale.cases.models import Case
from aftersale.common.money import CENT

from ..models import CostEntry


def cost_record(*, case: Case, kind: str, amount: Decimal, source: str, note: str = "") -> CostEntry:
    """Book a cost; booking the same (source, kind) again returns the existing entry."""
    try:
        with transaction.atomic():
            return CostEntry.objects.create(
                case=case, kind=kind, amount=amount, source=source, note=note[:200]
            )
    except IntegrityError:
        return CostEntry.objects.get(source=source, kind=kind)


def case_cost(case: Case) -> dict[str, Decimal]:
    """The case's cost by kind, and `total`."""
    by_kind = {
        row["kind"]: Decimal(row["total"]).quantize(CENT)
        for row in CostEntry.objects.filter(case=case).values("kind").annotate(total=Sum("amount"))
    }
    return {**by_kind, "total": sum(by_kind.values(), Decimal("0.00")).quantize(CENT)}
