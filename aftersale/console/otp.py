"""The second factor (TOTP) for the roles in settings.OTP_REQUIRED_ROLES, and the sign-in lockout page.

After the password, such a user is held at /console/otp/ until a 6-digit code is verified; one
without a confirmed device enrols there first (secret + QR code, then one code to confirm).
`SecondFactorRequired` keeps every page but the sign-in, the code page, sign-out and static files
out of reach meanwhile; the API's session auth refuses such a session too (bearer tokens are for
integrations and unaffected)."""

from __future__ import annotations

from collections.abc import Callable

import segno
from django import forms
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from aftersale.common.second_factor import second_factor_pending

# Reachable while the second factor is pending (everything else redirects to the code page).
OPEN_PREFIXES = (
    "/console/otp/",
    "/console/login/",
    "/console/logout/",
    "/admin/logout/",
    "/static/",
    "/i18n/",
    "/api/",
    "/healthz",
)


class SecondFactorRequired:
    """Middleware, after django_otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if second_factor_pending(request) and not request.path.startswith(OPEN_PREFIXES):
            if request.headers.get("HX-Request"):
                return HttpResponse(status=204)  # a poll: nothing to show until verified
            return redirect_to_login(request.get_full_path(), reverse("console:otp"))
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label=_("6 位动态验证码"),
        error_messages={"invalid": _("请输入验证器应用显示的 6 位数字")},
    )


def _device(user) -> tuple[TOTPDevice, bool]:
    """The user's confirmed TOTP device, else the one being enrolled (made on first visit)."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return confirmed, True
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return pending, False


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("console:queue")


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("console:login"))
    if not second_factor_pending(request):
        return redirect(_next_url(request))
    device, enrolled = _device(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        with transaction.atomic():
            if device.verify_token(form.cleaned_data["code"].strip()):
                if not enrolled:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error("code", _("验证码不正确或已过期，请重新输入"))
    context = {"form": form, "enrolled": enrolled, "next": _next_url(request)}
    if not enrolled:
        context["secret"] = _base32(device.bin_key)
        context["qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(request, "console/otp.html", context, status=200 if not form.errors else 400)


def _base32(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes: the answer to a sign-in from a locked-out username and address (429)."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "console/locked_out.html", {"minutes": minutes}, status=429)
