"""The warehouse desk: scan a returned parcel in, then inspect it on the case page."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersale.cases.selectors import can_view
from aftersale.common.errors import DomainError, FieldError, NotFound
from aftersale.common.roles import HANDLING_ROLES, Role
from aftersale.fulfilment.models import Disposition, ReturnAuthorization, ReturnStatus
from aftersale.fulfilment.services.casework import WAREHOUSE, is_department_member
from aftersale.fulfilment.services.inspections import InspectionIn, return_inspect
from aftersale.fulfilment.services.returns import return_get, return_receive

from .access import role_refusal, staff_required
from .panels import inspection_fields, may_handle_goods
from .views import _case, _changed, _refused

# Who may receive and inspect returned goods: case handlers and department members (the services
# then require the warehouse); the optimizer only reads.
GOODS_ROLES = HANDLING_ROLES | {Role.DEPARTMENT}


class ScanForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("退货单号或运单号"), max_length=64)


@staff_required
@require_GET
def returns_desk(request: HttpRequest) -> HttpResponse:
    """Parcels received and waiting for inspection, and the scan box."""
    waiting = []
    if may_handle_goods(request.user):
        received = (
            ReturnAuthorization.objects.filter(status=ReturnStatus.RECEIVED)
            .select_related("case")
            .order_by("received_at", "id")[:100]
        )
        waiting = [
            r
            for r in received
            if is_department_member(request.user, WAREHOUSE) or can_view(request.user, r.case)
        ]
    return render(
        request,
        "console/returns.html",
        {"form": ScanForm(), "waiting": waiting, "allowed": may_handle_goods(request.user)},
    )


@staff_required
@require_POST
def return_receive_view(request: HttpRequest) -> HttpResponse:
    if refused := role_refusal(request, GOODS_ROLES):
        return refused
    form = ScanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请扫描或输入退货单号"))
        return redirect("console:returns")
    try:
        rma = return_receive(code=form.cleaned_data["code"], actor=request.user)
    except DomainError as error:
        for item in error.errors:
            messages.error(request, str(item.message))
        return redirect("console:returns")
    messages.success(request, _("%(rma)s 已签收，请验收") % {"rma": rma.number})
    return redirect("console:case", number=rma.case.number)


class InspectionForm(forms.Form):
    disposition = forms.ChoiceField(label=gettext_lazy("结论"), choices=Disposition.choices)
    reason = forms.CharField(label=gettext_lazy("说明"), max_length=2000, required=False)
    deduction = forms.DecimalField(
        label=gettext_lazy("扣减金额"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        required=False,
    )


@staff_required
@require_POST
def return_inspect_view(request: HttpRequest, number: str) -> HttpResponse:
    try:
        rma = return_get(user=request.user, number=number)
    except NotFound as error:  # not there, or not for this user: the same answer as the case page
        raise Http404(number) from error
    if refused := role_refusal(request, GOODS_ROLES):
        return refused
    case = _case(request, rma.case.number)
    form = InspectionForm(request.POST)
    if not form.is_valid():
        errors = [FieldError(f, m) for f, ms in form.errors.items() for m in ms]
        return _refused(request, case, errors)
    data = form.cleaned_data
    photo_ids = [int(v) for v in request.POST.getlist("photo") if v.isdigit()]
    try:
        return_inspect(
            rma=rma,
            actor=request.user,
            inspection=InspectionIn(
                checklist={item: request.POST.get(name) == "on" for name, item in inspection_fields(rma)},
                disposition=data["disposition"],
                reason=data["reason"],
                deduction=data["deduction"] or Decimal("0.00"),
                photo_ids=photo_ids,
            ),
        )
    except DomainError as error:
        return _refused(request, case, error.errors, status=error.status)
    case.refresh_from_db()
    return _changed(request, case)
