"""The approvals inbox (team leads, directors) and the departments' work-order queue."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersale.common.errors import DomainError, NotFound
from aftersale.common.permissions import role_of
from aftersale.common.roles import HANDLING_ROLES, Department, Role
from aftersale.fulfilment.models import WorkOrderStatus
from aftersale.fulfilment.services.compensation import APPROVER_ROLES, approvals_for
from aftersale.fulfilment.services.workorders import (
    work_order_complete,
    work_order_get,
    work_order_queue,
    work_order_start,
)

from .access import role_refusal, staff_required

OPEN_WORK = (WorkOrderStatus.OPEN, WorkOrderStatus.IN_PROGRESS)


@staff_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    allowed = role_of(request.user) in APPROVER_ROLES
    offers = list(approvals_for(user=request.user)[:100]) if allowed else []
    return render(request, "console/approvals.html", {"offers": offers, "allowed": allowed})


class WorkOrderFilter(forms.Form):
    department = forms.ChoiceField(choices=[("", "")] + Department.choices, required=False)


@staff_required
@require_GET
def work_orders(request: HttpRequest) -> HttpResponse:
    user = request.user
    own = getattr(user, "department", "") if role_of(user) == Role.DEPARTMENT else ""
    form = WorkOrderFilter(request.GET)
    department = own or (form.cleaned_data["department"] if form.is_valid() else "")
    rows = sorted(
        (
            w
            for status in OPEN_WORK
            for w in work_order_queue(user=user, department=department or None, status=status, limit=100)
        ),
        key=lambda w: (w.deadline, w.pk),
    )
    return render(
        request,
        "console/work_orders.html",
        {
            "work_orders": rows[:100],
            "department": department,
            "own_department": own,
            "departments": Department.choices,
        },
    )


class WorkOrderActionForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=2_147_483_647)
    result = forms.CharField(label=gettext_lazy("处理结果"), max_length=2000, required=False)
    advance_case = forms.BooleanField(required=False)


@staff_required
@require_POST
def work_order_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    if action not in ("start", "complete"):
        raise Http404(action)
    form = WorkOrderActionForm(request.POST)
    try:
        work_order = work_order_get(user=request.user, number=number)
    except NotFound as error:  # another department's work order is not disclosed
        raise Http404(number) from error
    if refused := role_refusal(request, HANDLING_ROLES | {Role.DEPARTMENT}):
        return refused
    try:
        if not form.is_valid():
            raise DomainError("version", _("请刷新后重试"))
        data = form.cleaned_data
        if action == "start":
            work_order_start(work_order=work_order, actor=request.user, version=data["version"])
        else:
            work_order_complete(
                work_order=work_order,
                actor=request.user,
                result=data["result"],
                advance_case=data["advance_case"],
                version=data["version"],
            )
    except DomainError as error:
        for item in error.errors:
            messages.error(request, str(item.message))
    return redirect("console:work_orders")
