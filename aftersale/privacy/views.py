"""Console pages of the data lifecycle under /console/privacy/: customers' deletion requests, legal
holds, and the legal-hold panel's form on the console's case page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersale.cases.selectors import case_get
from aftersale.catalog.models import Customer
from aftersale.common.errors import DomainError
from aftersale.common.masking import mask_name, mask_phone
from aftersale.common.permissions import role_of
from aftersale.common.roles import HANDLING_ROLES, STAFF_ROLES, Role

from . import selectors, services
from .models import DeletionRequest, RequestChannel, RequestStatus


def handling_staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff who handle cases (the only ones who may record a request); others get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("console:login"))
        if not user.is_active or role_of(user) not in STAFF_ROLES or role_of(user) not in HANDLING_ROLES:
            return render(request, "console/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def decider_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only who decides on holds and deletions (director, admin); any other staff gets 403 before
    the form is read, not a redirect with the service's refusal."""

    @wraps(view)
    @handling_staff_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if role_of(request.user) not in services.DECIDER_ROLES:
            return render(request, "console/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _customer(request: HttpRequest) -> Customer | None:
    user = request.user
    if user.is_authenticated and user.is_active and role_of(user) == Role.CUSTOMER:
        return Customer.objects.filter(user=user).first()
    return None


def _fail(request: HttpRequest, error: DomainError) -> None:
    for item in error.errors:
        messages.error(request, str(item.message))


class RecordForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("客户手机号"), max_length=20)
    channel = forms.ChoiceField(label=gettext_lazy("提出渠道"), choices=RequestChannel.choices)
    note = forms.CharField(
        label=gettext_lazy("请求说明"), max_length=2000, required=False, widget=forms.Textarea
    )


class DecisionForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=2_147_483_647)
    reason = forms.CharField(max_length=500, required=False)


class HoldForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("保留原因"), max_length=500)
    phone = forms.CharField(label=gettext_lazy("客户手机号"), max_length=20, required=False)


@handling_staff_required
def requests_page(request: HttpRequest) -> HttpResponse:
    """Pending and blocked requests first, then the latest decisions; a form to record a new one."""
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        customer = Customer.objects.filter(phone=form.cleaned_data["phone"].strip()).first()
        if customer is None:
            form.add_error("phone", _("没有该手机号的客户"))
        else:
            try:
                services.deletion_request_record(
                    customer=customer,
                    channel=form.cleaned_data["channel"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except DomainError as error:
                _fail(request, error)
            else:
                messages.success(request, _("已登记删除请求"))
                return redirect("privacy:requests")
    rows = selectors.requests_list(user=request.user)
    can_decide = role_of(request.user) in services.DECIDER_ROLES
    open_rows = [
        {
            "request": r,
            # Deciders must know whom it is about; for others this is a list, so masked.
            "name": r.customer.name if can_decide else mask_name(r.customer.name),
            "phone": r.customer.phone if can_decide else mask_phone(r.customer.phone),
            "blockers": services.deletion_blockers(r.customer) if can_decide else [],
        }
        for r in rows.filter(status__in=selectors.OPEN_REQUEST_STATUSES)[:200]
    ]
    decided = rows.exclude(status__in=selectors.OPEN_REQUEST_STATUSES)[:50]
    return render(
        request,
        "privacy/requests.html",
        {"open_rows": open_rows, "decided": decided, "form": form, "can_decide": can_decide},
        status=400 if request.method == "POST" else 200,
    )


@decider_required
@require_POST
def request_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid() or action not in ("approve", "reject"):
        messages.error(request, _("请求无效，请刷新后重试"))
        return redirect("privacy:requests")
    try:
        deletion = selectors.request_get(user=request.user, pk=pk)
        version = form.cleaned_data["version"]
        if action == "approve":
            decided = services.deletion_request_approve(request=deletion, actor=request.user, version=version)
        else:
            decided = services.deletion_request_reject(
                request=deletion, actor=request.user, reason=form.cleaned_data["reason"], version=version
            )
    except DomainError as error:
        _fail(request, error)
    else:
        if decided.status == RequestStatus.BLOCKED:
            messages.error(request, _("暂不能删除：%(reason)s") % {"reason": decided.decision_reason})
        else:
            messages.success(
                request,
                _("删除请求 #%(id)s：%(status)s") % {"id": pk, "status": decided.get_status_display()},
            )
    return redirect("privacy:requests")


@handling_staff_required
@require_GET
def holds_page(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) not in services.DECIDER_ROLES:
        return render(request, "console/forbidden.html", status=403)
    holds = selectors.holds_list(user=request.user)[:200]
    return render(request, "privacy/holds.html", {"holds": holds, "form": HoldForm()})


@decider_required
@require_POST
def hold_place(request: HttpRequest, number: str | None = None) -> HttpResponse:
    """Hold the case `number`, or (from the holds page) the customer with the phone given."""
    form = HoldForm(request.POST)
    back = redirect("console:case", number) if number else redirect("privacy:holds")
    if not form.is_valid():
        messages.error(request, _("请填写保留原因"))
        return back
    try:
        if number:
            subject = {"case": case_get(user=request.user, number=number)}
        else:
            customer = Customer.objects.filter(phone=form.cleaned_data["phone"].strip()).first()
            if customer is None:
                raise DomainError("phone", _("没有该手机号的客户"))
            subject = {"customer": customer}
        services.legal_hold_place(actor=request.user, reason=form.cleaned_data["reason"], **subject)
    except DomainError as error:
        _fail(request, error)
    else:
        messages.success(request, _("已设置法律保留"))
    return back


@decider_required
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    reason = (request.POST.get("reason") or "")[:500]
    try:
        hold = selectors.hold_get(user=request.user, pk=pk)
        services.legal_hold_release(hold=hold, actor=request.user, reason=reason)
    except DomainError as error:
        _fail(request, error)
        return redirect("privacy:holds")
    messages.success(request, _("已解除法律保留"))
    return redirect("console:case", hold.case.number) if hold.case_id else redirect("privacy:holds")


# ---- the customer's own request, in the portal --------------------------------------------------


@require_http_methods(["GET", "POST"])
def portal_deletion(request: HttpRequest) -> HttpResponse:
    """A signed-in customer asks for their personal information to be deleted, and sees the answer."""
    customer = _customer(request)
    if customer is None:
        return redirect("portal:login")
    if request.method == "POST":
        note = (request.POST.get("note") or "")[:2000]
        try:
            services.deletion_request_record(
                customer=customer, channel=RequestChannel.PORTAL, note=note, actor=request.user
            )
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, _("已收到您的删除请求，我们会尽快处理并告知结果"))
        return redirect("privacy:portal_deletion")
    latest = DeletionRequest.objects.filter(customer=customer).order_by("-id").first()
    return render(request, "privacy/portal_deletion.html", {"latest": latest})
