"""API authentication: bearer tokens for integrations, the session for the browser."""

from __future__ import annotations

import time

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken, User

# Tokens are looked up on every request; a short in-process cache spares the query.
_CACHE_SECONDS = 30.0
_cache: dict[str, tuple[float, User]] = {}


def user_for_token(key: str) -> User | None:
    digest = ApiToken.hash_key(key)
    hit = _cache.get(digest)
    now = time.monotonic()
    if hit and hit[0] > now:
        return hit[1]
    token = (
        ApiToken.objects.select_related("user", "user__team")
        .filter(key_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        _cache.pop(digest, None)
        return None
    if len(_cache) > 10_000:
        _cache.clear()
    _cache[digest] = (now + _CACHE_SECONDS, token.user)
    return token.user


def forget_cached_tokens() -> None:
    _cache.clear()


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class ActiveSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api_auth = [BearerToken(), ActiveSession()]
