"""Customer portal pages: sign in with a one-time code, follow progress, write, upload, ask."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersale.cases.evidence import evidence_add
from aftersale.cases.identity import IdentityClaim
from aftersale.cases.models import Case, CaseCategory, CaseChannel
from aftersale.cases.selectors import case_get, category_active
from aftersale.cases.services import CaseLineIn, case_create, case_transition, message_add
from aftersale.common.errors import DomainError, NotFound
from aftersale.common.masking import mask_phone
from aftersale.common.permissions import role_of
from aftersale.common.ratelimit import client_ip
from aftersale.common.roles import Role
from aftersale.console.casepage import clock_views
from aftersale.console.timeline import case_timeline, timeline_mark
from aftersale.fulfilment.services.compensation import compensation_accept, compensation_decline
from aftersale.fulfilment.services.returns import return_record_tracking
from aftersale.quality.surveys import survey_answer

from . import selectors
from .forms import (
    CaseActionForm,
    CodeForm,
    EvidenceForm,
    MessageForm,
    OfferAnswerForm,
    RatingForm,
    RequestForm,
    SignInForm,
    TrackingForm,
)
from .links import portal_link_open
from .services import customer_account_ensure, otp_request, otp_verify

OTP_SESSION_KEY = "portal.otp"


def customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_active and role_of(user) == Role.CUSTOMER):
            return redirect("portal:login")
        return view(request, *args, **kwargs)

    return wrapped


def _add_errors(form, error: DomainError) -> None:
    for item in error.errors:
        form.add_error(item.field if item.field in form.fields else None, str(item.message))


# ---- sign-in ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = otp_request(
                order_no=form.cleaned_data["order_no"],
                phone=form.cleaned_data["phone"],
                address=client_ip(request),
            )
        except DomainError as error:
            _add_errors(form, error)
            return render(request, "portal/login.html", {"form": form}, status=error.status)
        request.session[OTP_SESSION_KEY] = {
            "id": sent.challenge.pk,
            "phone": mask_phone(form.cleaned_data["phone"]),
            "demo_code": sent.shown_code,
        }
        return redirect("portal:login_code")
    return render(request, "portal/login.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(OTP_SESSION_KEY)
    if not pending:
        return redirect("portal:login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = otp_verify(
                challenge_id=pending["id"], code=form.cleaned_data["code"], address=client_ip(request)
            )
        except DomainError as error:
            _add_errors(form, error)
            status = error.status
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.pop(OTP_SESSION_KEY, None)
            return redirect("portal:home")
    elif form.errors:
        status = 400
    return render(
        request,
        "portal/login_code.html",
        {
            "form": form,
            "phone": pending["phone"],
            "demo_code": pending.get("demo_code"),
        },
        status=status,
    )


@require_GET
def link(request: HttpRequest, token: str) -> HttpResponse:
    """A signed link from a notification: sign the customer in and open the case."""
    try:
        case = portal_link_open(token)
        user = customer_account_ensure(customer=case.customer)
    except DomainError as error:
        messages.error(request, str(error.errors[0].message))
        return redirect("portal:login")
    if request.user.is_authenticated and request.user.pk != user.pk:
        auth_logout(request)
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("portal:case", number=case.number)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("portal:login")


# ---- progress ---------------------------------------------------------------------------------


@customer_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "cases": selectors.customer_cases(request.user),
            "orders": selectors.customer_orders(request.user),
        },
    )


def _case(request: HttpRequest, number: str) -> Case:
    try:
        return case_get(user=request.user, number=number)
    except NotFound:
        raise Http404(number) from None


def _case_context(request: HttpRequest, case: Case, **extra) -> dict:
    items = case_timeline(user=request.user, case=case, for_customer=True)
    survey = selectors.case_survey(case)
    return {
        "case": case,
        "timeline": items,
        "mark": timeline_mark(items),
        "clocks": [c for c in clock_views(case, for_customer=True) if c.running],
        "evidence": list(case.evidence.order_by("id")),
        "message_form": extra.pop("message_form", None) or MessageForm(),
        "evidence_form": extra.pop("evidence_form", None) or EvidenceForm(),
        "action_form": extra.pop("action_form", None) or CaseActionForm(),
        "tracking_form": extra.pop("tracking_form", None) or TrackingForm(),
        "customer_actions": selectors.customer_actions(case),
        "returns": selectors.case_returns(case),
        "refunds": selectors.case_refunds(case),
        "offers": selectors.case_offers(request.user, case),
        "survey": survey,
        "may_rate": selectors.may_rate(case, survey),
        "rating_form": extra.pop("rating_form", None) or RatingForm(),
        "offer_form": extra.pop("offer_form", None) or OfferAnswerForm(),
        "max_image_mb": settings.EVIDENCE_MAX_IMAGE_BYTES // 2**20,
        "max_video_mb": settings.EVIDENCE_MAX_VIDEO_BYTES // 2**20,
        **extra,
    }


@customer_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "portal/case.html", _case_context(request, _case(request, number)))


@customer_required
@require_GET
def case_progress(request: HttpRequest, number: str) -> HttpResponse:
    """The progress timeline, polled; 204 while nothing is new."""
    case = _case(request, number)
    items = case_timeline(user=request.user, case=case, for_customer=True)
    mark = timeline_mark(items)
    if request.GET.get("mark") == mark:
        return HttpResponse(status=204)
    return render(request, "portal/_progress.html", {"case": case, "timeline": items, "mark": mark})


@customer_required
@require_POST
def case_message(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            message_add(case=case, actor=request.user, body=form.cleaned_data["body"])
        except DomainError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("留言已发送"))
            return redirect("portal:case", number=case.number)
    return render(request, "portal/case.html", _case_context(request, case, message_form=form), status=400)


@customer_required
@require_POST
def case_evidence(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
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
            _add_errors(form, error)
        else:
            messages.success(request, _("凭证已上传"))
            return redirect("portal:case", number=case.number)
    return render(request, "portal/case.html", _case_context(request, case, evidence_form=form), status=400)


@customer_required
@require_POST
def case_action(request: HttpRequest, number: str) -> HttpResponse:
    """Cancel, close or re-open: what the transition table lets the customer do now."""
    case = _case(request, number)
    form = CaseActionForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action not in {a.action for a in selectors.customer_actions(case)}:
                raise DomainError("action", _("当前状态下不能执行此操作"), code="invalid_transition")
            case_transition(
                case=case,
                actor=request.user,
                action=action,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            _add_errors(form, error)
        else:
            messages.success(request, selectors.ACTION_DONE[action])
            return redirect("portal:case", number=case.number)
    return render(request, "portal/case.html", _case_context(request, case, action_form=form), status=400)


@customer_required
@require_POST
def case_tracking(request: HttpRequest, number: str) -> HttpResponse:
    """The customer shipped the goods back: record the carrier and waybill number."""
    case = _case(request, number)
    form = TrackingForm(request.POST)
    if form.is_valid():
        rma = case.returns.filter(number=form.cleaned_data["rma"]).first()
        try:
            if rma is None:
                raise DomainError("rma", _("退货单不存在"), code="not_found")
            return_record_tracking(
                rma=rma,
                actor=request.user,
                carrier=form.cleaned_data["carrier"],
                tracking_no=form.cleaned_data["tracking_no"],
            )
        except DomainError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("运单号已提交，仓库签收后会为您验收"))
            return redirect("portal:case", number=case.number)
    return render(request, "portal/case.html", _case_context(request, case, tracking_form=form), status=400)


@customer_required
@require_POST
def case_offer_answer(request: HttpRequest, number: str) -> HttpResponse:
    """The customer accepts or declines a compensation offered to them."""
    case = _case(request, number)
    form = OfferAnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        offer = case.compensation_offers.filter(pk=data["offer"]).first()
        try:
            if offer is None:
                raise DomainError("offer", _("补偿不存在"), code="not_found")
            if data["answer"] == "accept":
                compensation_accept(offer=offer, actor=request.user, version=data["version"])
            else:
                compensation_decline(
                    offer=offer, actor=request.user, version=data["version"], reason=data["reason"]
                )
        except DomainError as error:
            _add_errors(form, error)
        else:
            done = _("已接受补偿，我们会尽快发放") if data["answer"] == "accept" else _("已拒绝补偿")
            messages.success(request, done)
            return redirect("portal:case", number=case.number)
    return render(request, "portal/case.html", _case_context(request, case, offer_form=form), status=400)


@customer_required
@require_POST
def case_rate(request: HttpRequest, number: str) -> HttpResponse:
    """The customer rates the handling of a resolved case, 1 to 5 stars with a comment, once."""
    case = _case(request, number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            survey_answer(
                case=case,
                actor=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("感谢您的评价"))
            return redirect("portal:case", number=case.number)
    return render(request, "portal/case.html", _case_context(request, case, rating_form=form), status=400)


# ---- a new request ----------------------------------------------------------------------------


def _language() -> str:
    return translation.get_language() or ""


def _options_for(order, line_no: int | None, category_code: str) -> list:
    line = next((x for x in selectors.order_lines(order) if x.line_no == line_no), None)
    category = category_active(category_code)
    if line is None or category is None:
        return []
    return selectors.request_options(line, category)


@customer_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, order_no: str) -> HttpResponse:
    order = selectors.customer_order(request.user, order_no)
    lines = selectors.order_lines(order)
    initial = {
        "line": request.GET.get("line") or (lines[0].line_no if lines else None),
        "category": request.GET.get("category") or "quality_fault",
    }
    form = RequestForm(request.POST or None, initial=initial, lines=lines, language=_language())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            category = CaseCategory.objects.get(code=data["category"])
            try:
                case = case_create(
                    actor=request.user,
                    claim=IdentityClaim(order_no=order.order_no, phone=""),
                    case_type=category.case_type,
                    category_code=category.code,
                    resolution=data["resolution"],
                    description=data["description"],
                    channel=CaseChannel.PORTAL,
                    lines=[CaseLineIn(data["line"], data["quantity"])],
                )
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("售后申请已提交，售后单号 %(number)s") % {"number": case.number})
                return redirect("portal:case", number=case.number)
        status = 400
    chosen_line = _int(form["line"].value())
    options = _options_for(order, chosen_line, form["category"].value() or "")
    return render(
        request,
        "portal/request.html",
        {
            "order": order,
            "form": form,
            "options": options,
            "chosen": form["resolution"].value() or "",
        },
        status=status,
    )


@customer_required
@require_GET
def request_options(request: HttpRequest, order_no: str) -> HttpResponse:
    order = selectors.customer_order(request.user, order_no)
    options = _options_for(order, _int(request.GET.get("line")), request.GET.get("category", ""))
    # The form is sent along (hx-include): a choice still open survives the swap.
    chosen = request.GET.get("resolution", "")
    return render(request, "portal/_options.html", {"options": options, "chosen": chosen})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
