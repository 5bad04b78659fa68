"""Role checks shared by every service."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from .errors import PermissionDenied
from .roles import Role


def role_of(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if user.is_superuser:
        return Role.ADMIN
    return user.role


def require_role(user, roles: Iterable[str], *, action: str) -> None:
    """Refuse unless the user holds one of `roles`; `action` names what was attempted."""
    if role_of(user) not in set(roles):
        raise PermissionDenied(
            "role", _("您的角色无权执行此操作：%(action)s") % {"action": action}, code="forbidden"
        )
