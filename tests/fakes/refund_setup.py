"""Helpers for refund tests: returned goods that reached the warehouse, and lines to refund."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from aftersale.fulfilment.models import ReturnAuthorization, ReturnStatus

# The client gives up after this long; a stalled fake gateway waits longer, so the call times out.
CLIENT_TIMEOUT_MS = 400
STALL_SECONDS = 1.0


def goods_received(case, at: datetime | None = None) -> ReturnAuthorization:
    """The returned goods of `case` reached the warehouse at `at` (default: an hour ago)."""
    at = at or timezone.now() - timedelta(hours=1)
    return ReturnAuthorization.objects.create(
        number=f"RMA{case.pk:08d}",
        case=case,
        status=ReturnStatus.RECEIVED,
        freight_payer="seller",
        address="上海市浦东新区演示路 88 号",
        contact="售后仓库",
        phone="021-00000000",
        received_at=at,
    )


def lines_of(order, amounts: dict[int, str]) -> list[tuple]:
    """{line no.: amount} as refund_request takes it: [(order line, Decimal amount), …]."""
    by_no = {line.line_no: line for line in order.lines.all()}
    return [(by_no[no], Decimal(amount)) for no, amount in amounts.items()]
