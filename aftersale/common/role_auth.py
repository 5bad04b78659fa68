"""API authentication that also checks the caller's role, before django-ninja reads the body.

An operation with `auth=role_auth(ROLES, action=…)` refuses a caller without one of ROLES with 403
before its payload is validated, so a role that may not use the operation at all learns nothing
from it (not even a 422 about the body). Object-level checks stay in the services."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.functional import Promise

from .auth import ActiveSession, BearerToken
from .permissions import require_role


class _RoleBearerToken(BearerToken):
    def __init__(self, roles: frozenset[str], action: str | Promise) -> None:
        super().__init__()
        self.roles, self.action = roles, action

    def authenticate(self, request: HttpRequest, token: str):
        user = super().authenticate(request, token)
        if user is not None:
            require_role(user, self.roles, action=str(self.action))  # in the request's language
        return user


class _RoleSession(ActiveSession):
    def __init__(self, roles: frozenset[str], action: str | Promise) -> None:
        super().__init__()
        self.roles, self.action = roles, action

    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        if user is not None:
            require_role(user, self.roles, action=str(self.action))  # in the request's language
        return user


# The OpenAPI document names a security scheme by its class: these are the same two schemes.
_RoleBearerToken.__name__ = BearerToken.__name__
_RoleSession.__name__ = ActiveSession.__name__


def role_auth(roles: Iterable[str], *, action: str | Promise) -> list:
    """The API's usual authentication (bearer token, then session), limited to `roles`."""
    allowed = frozenset(roles)
    return [_RoleBearerToken(allowed, action), _RoleSession(allowed, action)]
