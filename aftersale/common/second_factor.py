"""Which signed-in users must pass a TOTP second factor (settings.OTP_REQUIRED_ROLES) and whether
this request's session has. django_otp's OTPMiddleware sets `request.user.is_verified()`."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .permissions import role_of


def second_factor_required(user) -> bool:
    return bool(user.is_authenticated and role_of(user) in settings.OTP_REQUIRED_ROLES)


def second_factor_pending(request: HttpRequest) -> bool:
    """True for a session user of a role that needs the second factor and has not passed it yet."""
    user = getattr(request, "user", None)
    if user is None or not second_factor_required(user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())
