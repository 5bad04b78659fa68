"""What a signed-in customer may read: only their own orders and the cases about them."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersale.cases.eligibility import eligibility_for_line
from aftersale.cases.lifecycle import Action, actions_available, transition_for
from aftersale.cases.models import Case, CaseCategory, CaseType, Resolution
from aftersale.cases.selectors import visibility_filter
from aftersale.catalog.models import Order, OrderLine
from aftersale.common.roles import Role
from aftersale.console.casepage import EntitlementView, entitlement_views
from aftersale.fulfilment.models import Refund, ReturnAuthorization, ReturnStatus
from aftersale.fulfilment.services.compensation import offers_of_case
from aftersale.quality.models import Survey
from aftersale.quality.surveys import ANSWERABLE


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


# What the customer may do on their own case, in their words; the transition table decides when.
CUSTOMER_ACTIONS = {
    Action.CANCEL: gettext_lazy("撤销申请"),
    Action.CLOSE: gettext_lazy("问题已解决，关闭"),
    Action.REOPEN: gettext_lazy("问题未解决，重新处理"),
}
ACTION_DONE = {
    Action.CANCEL: gettext_lazy("售后申请已撤销"),
    Action.CLOSE: gettext_lazy("售后单已关闭，感谢您的反馈"),
    Action.REOPEN: gettext_lazy("已重新提交处理，客服会尽快联系您"),
}


@dataclass
class CustomerAction:
    action: str
    label: str
    needs_reason: bool


def customer_actions(case: Case) -> list[CustomerAction]:
    offered = []
    for action in actions_available(case.status, Role.CUSTOMER):
        if action in CUSTOMER_ACTIONS:
            transition = transition_for(action)
            offered.append(
                CustomerAction(
                    action=action.value,
                    label=str(CUSTOMER_ACTIONS[action]),
                    needs_reason=bool(transition and transition.needs_reason),
                )
            )
    return offered


SHIPPABLE = (ReturnStatus.AUTHORIZED, ReturnStatus.IN_TRANSIT)


def case_returns(case: Case) -> list[ReturnAuthorization]:
    returns = list(case.returns.exclude(status=ReturnStatus.CANCELLED).order_by("id"))
    for rma in returns:
        rma.may_enter_tracking = rma.status in SHIPPABLE and not rma.pickup_ref
    return returns


def case_refunds(case: Case) -> list[Refund]:
    return list(case.refunds.order_by("id"))


def case_offers(user, case: Case) -> list:
    return list(offers_of_case(user=user, case=case))


def case_survey(case: Case) -> Survey | None:
    return Survey.objects.filter(case=case).first()


def may_rate(case: Case, survey: Survey | None) -> bool:
    return case.status in ANSWERABLE and (survey is None or survey.answered_at is None)
