"""The case page's actions besides transitions and replies: assign or claim, edit, red ticket,
staff evidence, compensation. Each parses its form, calls one service and re-renders the case."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersale.cases.evidence import evidence_add
from aftersale.cases.services import ASSIGNER_ROLES, DEFAULT_CASE_ROLES, case_assign, case_update
from aftersale.common.errors import DomainError
from aftersale.common.models import User
from aftersale.common.roles import HANDLING_ROLES, Role
from aftersale.fulfilment.models import CompensationOffer
from aftersale.fulfilment.services.compensation import (
    APPROVER_ROLES,
    compensation_approve,
    compensation_propose,
    compensation_reject,
)
from aftersale.sla.risk import RED_TICKET_ROLES

from .access import role_refusal, staff_required
from .forms import AssignForm, CompensationForm, DecisionForm, EvidenceUploadForm, RedTicketForm, UpdateForm
from .services import case_red_ticket_set
from .views import _case, _changed, _form_errors, _refused


def _invalid(request, case, form) -> HttpResponse:
    return _refused(request, case, _form_errors(form))


@staff_required
@require_POST
def case_assign_view(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if refused := role_refusal(request, ASSIGNER_ROLES | {Role.AGENT}):
        return refused
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    data = form.cleaned_data
    if data["claim"]:
        assignee = request.user
    elif data["assignee"]:
        assignee = User.objects.filter(pk=data["assignee"]).first()
        if assignee is None:
            return _refused(request, case, DomainError("assignee", _("用户不存在")).errors)
    else:
        assignee = None
    try:
        case_assign(case=case, actor=request.user, version=data["version"], assignee=assignee)
    except DomainError as error:
        return _refused(request, case, error.errors, status=error.status)
    return _changed(request, case)


@staff_required
@require_POST
def case_update_view(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if refused := role_refusal(request, HANDLING_ROLES):
        return refused
    form = UpdateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    data = form.cleaned_data
    try:
        case_update(
            case=case,
            actor=request.user,
            version=data["version"],
            priority=data["priority"] or None,
            category_code=data["category"] or None,
            department=data["department"],
        )
    except DomainError as error:
        return _refused(request, case, error.errors, status=error.status)
    case.refresh_from_db()
    return _changed(request, case)


@staff_required
@require_POST
def case_red_ticket_view(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if refused := role_refusal(request, RED_TICKET_ROLES):
        return refused
    form = RedTicketForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    try:
        case_red_ticket_set(case=case, actor=request.user, on=form.cleaned_data["on"])
    except DomainError as error:
        return _refused(request, case, error.errors, status=error.status)
    return _changed(request, case)


@staff_required
@require_POST
def case_evidence_view(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if refused := role_refusal(request, DEFAULT_CASE_ROLES):
        return refused
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, case, form)
    upload = form.cleaned_data["file"]
    limit = max(settings.EVIDENCE_MAX_IMAGE_BYTES, settings.EVIDENCE_MAX_VIDEO_BYTES)
    try:
        if upload.size > limit:  # refuse before reading a huge file into memory
            raise DomainError(
                "file", _("文件过大：上限 %(mb)s MB") % {"mb": limit // 2**20}, code="too_large"
            )
        evidence_add(
            case=case,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            data=upload.read(),
            original_name=upload.name or "",
        )
    except DomainError as error:
        return _refused(request, case, error.errors, status=error.status)
    # A multipart form is posted without htmx: back to the page.
    return redirect("console:case", number=case.number)


@staff_required
@require_POST
def case_compensation_view(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if refused := role_refusal(request, HANDLING_ROLES):
        return refused
    form = CompensationForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    data = form.cleaned_data
    try:
        compensation_propose(
            case=case,
            actor=request.user,
            kind=data["kind"],
            amount=data["amount"],
            description=data["description"],
        )
    except DomainError as error:
        return _refused(request, case, error.errors, status=error.status)
    case.refresh_from_db()
    return _changed(request, case)


def _offer(request: HttpRequest, offer_id: int) -> CompensationOffer:
    offer = CompensationOffer.objects.select_related("case").filter(pk=offer_id).first()
    if offer is None:
        raise Http404(offer_id)
    _case(request, offer.case.number)  # 404 unless the case is visible to the user
    return offer


@staff_required
@require_POST
def compensation_decide_view(request: HttpRequest, offer_id: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "reject"):
        raise Http404(decision)
    offer = _offer(request, offer_id)
    case = offer.case
    if refused := role_refusal(request, APPROVER_ROLES):
        return refused
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    data = form.cleaned_data
    try:
        if decision == "approve":
            compensation_approve(offer=offer, actor=request.user, version=data["version"], note=data["note"])
        else:
            compensation_reject(offer=offer, actor=request.user, version=data["version"], note=data["note"])
    except DomainError as error:
        return _refused(request, case, error.errors, status=error.status)
    if request.POST.get("next") == "approvals":
        return redirect("console:approvals")
    case.refresh_from_db()
    return _changed(request, case)
