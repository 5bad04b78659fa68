"""Console pages. Each view reads through a selector or writes through a service, then renders."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from aftersale.cases.lifecycle import TRANSITIONS
from aftersale.cases.models import Case
from aftersale.cases.selectors import case_get
from aftersale.cases.services import DEFAULT_CASE_ROLES, case_transition, message_add
from aftersale.common.errors import DomainError, FieldError, NotFound

from . import casepage, panels
from .access import StaffLoginForm, is_staff_member, role_refusal, staff_required
from .forms import QueueForm, ReplyForm, SearchForm, TransitionForm
from .queues import BY_KEY, PAGE_SIZE, PAGE_SIZES, Filters, Page, queue_counts, queue_page, viewer_for
from .services import alerts_mark_read, alerts_recent, unread_alert_count
from .timeline import case_timeline, timeline_mark

SEARCH_SESSION_KEY = "console.search"

login = auth_views.LoginView.as_view(
    template_name="console/login.html", authentication_form=StaffLoginForm, next_page="console:queue"
)
logout = auth_views.LogoutView.as_view(next_page="console:login")

# Roles that may take at least one transition (each transition checks its own roles).
TRANSITION_ROLES = frozenset().union(*(t.roles for t in TRANSITIONS))


def home(request: HttpRequest) -> HttpResponse:
    """The site root: staff go to their queues; everyone else picks where to go."""
    if is_staff_member(request.user):
        return redirect("console:queue")
    return render(request, "console/landing.html")


# ---- queues -----------------------------------------------------------------------------------


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    form = QueueForm(request.GET)
    filters = Filters(
        status=form.value("status") or "",
        case_type=form.value("case_type") or "",
        priority=form.value("priority") or "",
        # The search text (a phone number, perhaps) is kept in the session, never in the URL.
        search=request.session.get(SEARCH_SESSION_KEY, "") if request.GET.get("search") else "",
    )
    current = BY_KEY.get(form.value("queue") or "")
    if current not in viewer.queues:
        current = viewer.queues[0] if viewer.queues else None
    if filters.search or current is not None:
        page = queue_page(
            viewer,
            None if filters.search else current,
            filters,
            after=form.value("after"),
            limit=form.value("size") or PAGE_SIZE,
        )
    else:
        page = Page(rows=[], next_cursor=None)  # no queue this member of staff may work
    context = {
        "viewer": viewer,
        "current": current,
        "filters": filters,
        "form": form,
        "page": page,
        "query": _query_without_cursor(request),
        "page_sizes": PAGE_SIZES,
        "page_size": form.value("size") or PAGE_SIZE,
    }
    if request.htmx and form.value("after"):
        return render(request, "console/_rows.html", context)
    if request.htmx and request.htmx.target == "queue-results":
        return render(request, "console/_queue_results.html", context)
    context["counts"] = queue_counts(viewer)
    return render(request, "console/queue.html", context)


@staff_required
@require_POST
def queue_search(request: HttpRequest) -> HttpResponse:
    """Keep the search text in the session and show its results: a phone number never enters a URL
    (nor the browser history or the access log)."""
    form = SearchForm(request.POST)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    if not text:
        request.session.pop(SEARCH_SESSION_KEY, None)
        return redirect("console:queue")
    request.session[SEARCH_SESSION_KEY] = text
    return redirect(reverse("console:queue") + "?search=1")


def _query_without_cursor(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("after", None)
    return params.urlencode()


@staff_required
@require_GET
def queue_tabs(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    current = BY_KEY.get(request.GET.get("queue", ""))
    return render(
        request,
        "console/_tabs.html",
        {
            "viewer": viewer,
            "counts": queue_counts(viewer),
            "current": current,
            "filters": Filters(),
        },
    )


# ---- the case page ----------------------------------------------------------------------------


def _case(request: HttpRequest, number: str) -> Case:
    try:
        return case_get(user=request.user, number=number)
    except NotFound:
        raise Http404(number) from None


def _case_context(request: HttpRequest, case: Case, **extra) -> dict:
    user = request.user
    items = case_timeline(user=user, case=case)
    return {
        "case": case,
        "clocks": casepage.clock_views(case),
        "customer": casepage.customer_panel(user, case),
        "eligibility": casepage.eligibility_panel(case),
        "evidence": list(case.evidence.order_by("id")),
        "risk": casepage.risk_view(case),
        "actions": casepage.action_views(user, case),
        "can_write": casepage.can_write(user),
        "notes_only": casepage.notes_only(user),
        "timeline": items,
        "mark": timeline_mark(items),
        "reply_form": ReplyForm(),
        "work": panels.work_panel(user, case),
        "fulfilment": panels.fulfilment_panel(user, case),
        **extra,
    }


@staff_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "console/case.html", _case_context(request, _case(request, number)))


@staff_required
@require_GET
def case_timeline_poll(request: HttpRequest, number: str) -> HttpResponse:
    """The timeline, polled; 204 (nothing to swap) while neither it nor the case has changed."""
    case = _case(request, number)
    items = case_timeline(user=request.user, case=case)
    mark, shown_version = timeline_mark(items), request.GET.get("version", "")
    if request.GET.get("mark") == mark and shown_version == str(case.version):
        return HttpResponse(status=204)
    return render(
        request,
        "console/case/_timeline.html",
        {
            "case": case,
            "timeline": items,
            "mark": mark,
            "shown_version": shown_version,
            "stale": shown_version != str(case.version),
        },
    )


@staff_required
@require_POST
def case_transition_view(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if refused := role_refusal(request, TRANSITION_ROLES):
        return refused
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _refused(request, case, _form_errors(form))
    data = form.cleaned_data
    try:
        case_transition(
            case=case,
            actor=request.user,
            action=data["action"],
            version=data["version"],
            reason=data["reason"],
        )
    except DomainError as error:
        return _refused(request, case, error.errors, status=error.status)
    return _changed(request, case)


@staff_required
@require_POST
def case_reply(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if refused := role_refusal(request, DEFAULT_CASE_ROLES):
        return refused
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _refused(request, case, _form_errors(form))
    internal = form.cleaned_data["internal"] or casepage.notes_only(request.user)
    try:
        message_add(case=case, actor=request.user, body=form.cleaned_data["body"], internal=internal)
    except DomainError as error:
        return _refused(request, case, error.errors, status=error.status)
    case.refresh_from_db()
    return _changed(request, case)


def _changed(request: HttpRequest, case: Case) -> HttpResponse:
    if request.htmx:
        return render(request, "console/case/_case.html", _case_context(request, case, clear_flash=True))
    return redirect("console:case", number=case.number)


def _refused(
    request: HttpRequest, case: Case, errors: list[FieldError], *, status: int = 400
) -> HttpResponse:
    """The reason in the flash area: swapped in by htmx, or on the full page without JavaScript."""
    if request.htmx:
        response = render(request, "console/_flash.html", {"errors": errors}, status=status)
        response["HX-Retarget"] = "#flash"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "console/case.html", _case_context(request, case, errors=errors), status=status)


def _form_errors(form) -> list[FieldError]:
    return [FieldError(field, message) for field, messages in form.errors.items() for message in messages]


# ---- alerts -----------------------------------------------------------------------------------


@staff_required
@require_GET
def alerts_badge(request: HttpRequest) -> HttpResponse:
    return render(request, "console/_alerts_badge.html", {"unread": unread_alert_count(request.user)})


@staff_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "console/alerts.html",
        {
            "alerts": alerts_recent(request.user),
            "unread": unread_alert_count(request.user),
        },
    )


@staff_required
@require_POST
def alerts_read(request: HttpRequest) -> HttpResponse:
    alerts_mark_read(user=request.user)
    return redirect(reverse("console:alerts"))
