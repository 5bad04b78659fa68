"""Taking a platform's after-sales request in as a case, as the source's account."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from aftersale.cases.identity import IdentityClaim
from aftersale.cases.models import Case
from aftersale.cases.services import CaseLineIn, case_create
from aftersale.catalog.models import Order
from aftersale.common.errors import DomainError


@dataclass
class LineRequest:
    line_no: int
    quantity: int


def case_from_platform(
    *,
    source,
    order_no: str,
    phone: str,
    case_type: str,
    category: str,
    resolution: str,
    description: str,
    lines: list[LineRequest],
    channel: str,
    field_prefix: str = "",
) -> Case:
    """The platform has signed in its buyer already: the identity check uses the order's own phone
    unless the platform sends one. Field errors are named as in the platform's payload."""
    order = Order.objects.select_related("customer").filter(order_no=order_no).first()
    if order is None:
        raise DomainError(
            f"{field_prefix}order_no", _("未知的订单号：%(no)s") % {"no": order_no}, code="unknown_order"
        )
    try:
        return case_create(
            actor=source.acts_as,
            claim=IdentityClaim(order_no=order_no, phone=phone or order.customer.phone),
            case_type=case_type,
            category_code=category,
            resolution=resolution,
            description=description,
            channel=channel,
            lines=[CaseLineIn(line.line_no, line.quantity) for line in lines],
        )
    except DomainError as error:
        for item in error.errors:
            item.field = f"{field_prefix}{item.field}"
        raise
