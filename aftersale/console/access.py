"""Who may use the console: signed-in, active staff. Customers are refused at sign-in and after."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersale.common.permissions import role_of
from aftersale.common.roles import STAFF_ROLES


def is_staff_member(user) -> bool:
    return bool(user.is_authenticated and user.is_active and role_of(user) in STAFF_ROLES)


class StaffLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "not_staff": _("客户请使用自助服务入口登录"),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if role_of(user) not in STAFF_ROLES:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to the console sign-in; signed-in non-staff get a 403 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("console:login"))
        if not is_staff_member(request.user):
            return render(request, "console/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def role_refusal(request: HttpRequest, roles: Iterable[str]) -> HttpResponse | None:
    """The 403 page for a role that may not take this action at all, or None. Checked after the
    case is found (a hidden case is 404) and before the form is read, so the answer is the same
    whatever was posted."""
    if role_of(request.user) in roles:
        return None
    return render(request, "console/forbidden.html", status=403)
