"""What a signed-in customer may read: only their own orders and the cases about them."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from aftersale.cases.eligibility import eligibility_for_line
from aftersale.cases.models import Case, CaseCategory, CaseType, Resolution
from aftersale.cases.selectors import visibility_filter
from aftersale.catalog.models import Order, OrderLine
from aftersale.console.casepage import EntitlementView, entitlement_views


def customer_cases(user) -> list[Case]:
    return list(
        Case.objects.filter(visibility_filter(user))
        .select_related("order", "category", "assignee")
        .order_by("-id")[:100]
    )


def customer_orders(user) -> list[Order]:
    return list(
        Order.objects.filter(customer__user_id=user.pk)
        .prefetch_related("lines__product")
        .order_by("-paid_at", "-id")[:50]
    )


def customer_order(user, order_no: str) -> Order:
    order = Order.objects.filter(order_no=order_no, customer__user_id=user.pk).first()
    if order is None:
        raise Http404(order_no)
    return order


def order_lines(order: Order) -> list[OrderLine]:
    return list(order.lines.select_related("product", "order__customer").order_by("line_no"))


def request_options(line: OrderLine, category: CaseCategory) -> list[EntitlementView]:
    """The ways of handling a request for this line, each with whether the customer is entitled to it
    and why. An answer to a question is always possible; inquiries are nothing else."""
    information = EntitlementView(
        resolution=Resolution.INFORMATION,
        label=str(Resolution.INFORMATION.label),
        eligible=True,
        requested=False,
        reasons=[_("由客服答复您的问题")],
        missing_evidence=[],
        deadline=None,
    )
    if category.case_type == CaseType.INQUIRY:
        return [information]
    options = entitlement_views(
        eligibility_for_line(line, case_type=category.case_type, category=category.code)
    )
    return options + [information] if category.case_type == CaseType.COMPLAINT else options
