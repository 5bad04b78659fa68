"""API authentication: bearer tokens for integrations, the session for the browser.

A token is looked up on every request; its grant (user, scope, revoked or not) is kept in the
Django cache for 30 s to spare the query, and revoking a token deletes that entry at once
(token_revoke). A read-only token may only use safe methods. Failed bearer tokens are counted per
client address and refused for a while once there are too many (guessing)."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from .errors import PermissionDenied, TooManyRequests, Unauthenticated
from .models import ApiToken, User
from .ratelimit import BAD_TOKEN, client_ip
from .second_factor import second_factor_pending

CACHE_SECONDS = 30
LAST_USED_EVERY = 60  # seconds: last_used_at is written at most this often per token
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writes a narrower scope allows besides reading: (method, URL pattern of the operation).
AREA_WRITES = {
    "orders:write": frozenset({("POST", "api/v1/orders/import"), ("PUT", "api/v1/orders")}),
}


def scope_allows(scope: str, request: HttpRequest) -> bool:
    if scope == "write" or request.method in SAFE_METHODS:
        return True
    match = request.resolver_match
    return match is not None and (request.method, match.route) in AREA_WRITES.get(scope, frozenset())


@dataclass(frozen=True)
class Grant:
    token_id: int
    user: User
    scope: str
    revoked: bool
    used_at: float  # epoch seconds of last_used_at as last written (0: never)


def cache_key(digest: str) -> str:
    return f"apitoken:{digest}"


def _load(digest: str) -> Grant | None:
    token = (
        ApiToken.objects.select_related("user", "user__team")
        .filter(key_hash=digest, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    used = token.last_used_at.timestamp() if token.last_used_at else 0.0
    return Grant(token.pk, token.user, token.scope, token.revoked_at is not None, used)


def grant_for_token(key: str) -> Grant | None:
    digest = ApiToken.hash_key(key)
    grant = cache.get(cache_key(digest))
    if grant is None:
        grant = _load(digest)
        if grant is None:
            return None
        cache.set(cache_key(digest), grant, CACHE_SECONDS)
    if not grant.revoked and time.time() - grant.used_at >= LAST_USED_EVERY:
        grant = _mark_used(digest, grant)
    return grant


def _mark_used(digest: str, grant: Grant) -> Grant:
    now = timezone.now()
    stale = now - timedelta(seconds=LAST_USED_EVERY)
    # Conditional: many processes race here, at most one writes per minute.
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=grant.token_id
    ).update(last_used_at=now)
    grant = replace(grant, used_at=now.timestamp())
    cache.set(cache_key(digest), grant, CACHE_SECONDS)
    return grant


def user_for_token(key: str) -> User | None:
    grant = grant_for_token(key)
    return grant.user if grant is not None and not grant.revoked else None


def forget_cached_tokens() -> None:
    """Tests: drop every cached grant (the whole default cache)."""
    cache.clear()


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        address = client_ip(request)
        if BAD_TOKEN.exceeded(address):
            raise TooManyRequests("authorization", _("无效令牌尝试过多，请稍后再试"), code="rate_limited")
        grant = grant_for_token(token)
        if grant is None:
            BAD_TOKEN.hit(address)
            return None
        if grant.revoked:
            raise Unauthenticated("authorization", _("API 令牌已被吊销"), code="token_revoked")
        if not scope_allows(grant.scope, request):
            raise PermissionDenied(
                "authorization", _("该 API 令牌的权限范围不允许此操作"), code="token_scope"
            )
        request.user = grant.user
        return grant.user


class ActiveSession(SessionAuth):
    """The browser's session: an active user who has passed the second factor where required."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        if user is None or not user.is_active or second_factor_pending(request):
            return None
        return user


api_auth = [BearerToken(), ActiveSession()]
