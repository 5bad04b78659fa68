"""Knowledge pages: the customers' help centre under /portal/help/, the staff's knowledge base and
case library under /console/knowledge/, and the reply-script panel of the console's case page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersale.cases.models import Case
from aftersale.cases.selectors import case_get
from aftersale.common.errors import DomainError, NotFound
from aftersale.common.permissions import role_of
from aftersale.common.ratelimit import PUBLIC_PAGE, limit_per_ip

from . import selectors
from .access import LIBRARIAN_ROLES, is_staff
from .models import ArticleKind
from .services import REFERENCE_STATUSES, reference_case_mark

MAX_QUERY = 200


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("console:login"))
        if not is_staff(request.user):
            return render(request, "console/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _query(request: HttpRequest) -> str:
    return (request.GET.get("q") or "").strip()[:MAX_QUERY]


def _language() -> str:
    return get_language() or "zh-hans"


# ---- the customers' help centre ---------------------------------------------------------------


@require_GET
@limit_per_ip(PUBLIC_PAGE)
def help_index(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    hits = selectors.article_search(
        user=request.user, query=query, kind=ArticleKind.FAQ, limit=selectors.MAX_RESULTS
    )
    return render(
        request,
        "knowledge/help_index.html",
        {"query": query, "articles": [h.obj for h in hits], "language": _language()},
    )


@require_GET
@limit_per_ip(PUBLIC_PAGE)
def help_article(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = selectors.article_get(user=request.user, slug=slug)
    except NotFound:
        raise Http404(slug) from None
    if article.kind != ArticleKind.FAQ:
        raise Http404(slug)  # staff reading the help centre see only what customers see
    return render(request, "knowledge/help_article.html", {"article": article, "language": _language()})


# ---- the staff's knowledge base ---------------------------------------------------------------


@staff_required
@require_GET
def kb_index(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    user = request.user
    context = {
        "query": query,
        "language": _language(),
        "articles": selectors.article_search(user=user, query=query, limit=30),
        "scripts": selectors.script_search(user=user, query=query, limit=30),
        "references": selectors.reference_search(user=user, query=query, limit=30),
    }
    return render(request, "knowledge/kb_index.html", context)


@staff_required
@require_GET
def kb_article(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        article = selectors.article_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404(pk) from None
    return render(request, "knowledge/kb_article.html", {"article": article, "language": _language()})


@staff_required
@require_GET
def kb_references(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    hits = selectors.reference_search(user=request.user, query=query, limit=selectors.MAX_RESULTS)
    return render(
        request,
        "knowledge/kb_references.html",
        {"query": query, "references": _with_links(request.user, hits)},
    )


def _with_links(user, hits) -> list[dict]:
    return [
        {"ref": h.obj, "hits": h.hits, "can_open": selectors.reference_case_link(user, h.obj)} for h in hits
    ]


def _case(request: HttpRequest, number: str) -> Case:
    try:
        return case_get(user=request.user, number=number)
    except NotFound:
        raise Http404(number) from None


@staff_required
@require_GET
def case_scripts(request: HttpRequest, number: str) -> HttpResponse:
    """The reply-script panel of a case page (loaded into the reply box by htmx)."""
    case = _case(request, number)
    user = request.user
    context = {
        "kb_loaded": True,
        "case": case,
        "scripts": selectors.scripts_for_case(user=user, case=case, language=_language()),
        "similar": _with_links(user, selectors.reference_similar(user=user, case=case)),
        "can_mark": role_of(user) in LIBRARIAN_ROLES and case.status in REFERENCE_STATUSES,
    }
    return render(request, "knowledge/_reply_scripts.html", context)


class ReferenceForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200, required=False)
    lesson = forms.CharField(
        label=gettext_lazy("经验教训"), max_length=5_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    summary = forms.CharField(
        label=gettext_lazy("案情摘要（留空则取问题描述，客户姓名与手机号打码）"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def case_reference(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if role_of(request.user) not in LIBRARIAN_ROLES:  # before the form: the optimizer only reads
        return render(request, "console/forbidden.html", status=403)
    form = ReferenceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                reference_case_mark(
                    actor=request.user,
                    case=case,
                    lesson=data["lesson"],
                    title=data["title"],
                    summary=data["summary"],
                )
            except DomainError as error:
                for item in error.errors:
                    form.add_error(item.field if item.field in form.fields else None, str(item.message))
            else:
                messages.success(request, _("已收录到案例库：%(number)s") % {"number": case.number})
                return redirect("knowledge:references")
        status = 400
    return render(request, "knowledge/case_reference.html", {"case": case, "form": form}, status=status)
