"""`{% case_hold case %}`: the legal-hold panel of the console's case page."""

from __future__ import annotations

from django import template

from aftersale.common.permissions import role_of

from ..selectors import active_hold
from ..services import DECIDER_ROLES

register = template.Library()


@register.inclusion_tag("privacy/_case_hold.html", takes_context=True)
def case_hold(context, case) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "case": case,
        "hold": active_hold(case=case) or active_hold(customer=case.customer_id),
        "can_decide": role_of(user) in DECIDER_ROLES,
        "csrf_token": context.get("csrf_token"),
    }
