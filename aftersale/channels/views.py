"""The notification centre pages: the list (console or portal look, by who reads) and its badge."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from aftersale.common.permissions import role_of
from aftersale.common.roles import Role

from .selectors import centre_items, unread_count
from .services import notifications_mark_read

PAGE = 50


def _base(request: HttpRequest) -> str:
    return "portal/base.html" if role_of(request.user) == Role.CUSTOMER else "console/base.html"


@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
        alert_ids = [int(v) for v in request.POST.getlist("alert_id") if v.isdigit()]
        if ids or alert_ids:
            notifications_mark_read(actor=request.user, ids=ids, alert_ids=alert_ids)
        else:
            notifications_mark_read(actor=request.user)
        return redirect("channels:notifications")
    return render(
        request,
        "channels/notifications.html",
        {
            "base": _base(request),
            "items": centre_items(request.user, limit=PAGE),
            "unread": unread_count(request.user),
            "for_customer": role_of(request.user) == Role.CUSTOMER,
        },
    )


def notification_badge(request: HttpRequest) -> HttpResponse:
    unread = unread_count(request.user) if request.user.is_authenticated else 0
    return render(request, "channels/_badge.html", {"unread": unread})
