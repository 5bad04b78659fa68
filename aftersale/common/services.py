"""Writes on users and tokens."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .auth import cache_key
from .errors import DomainError, NotFound
from .models import ApiToken, User

TOKEN_SCOPES = ("read", "write", "orders:write")


def token_create(*, username: str, name: str = "", scope: str = "write") -> str:
    """Create an API token for a user and return the key (shown once, stored hashed)."""
    if scope not in TOKEN_SCOPES:
        raise DomainError("scope", f"expected one of {', '.join(TOKEN_SCOPES)}", code="invalid_choice")
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound("user", f"no active user named {username!r}")
    key = ApiToken.new_key()
    with transaction.atomic():
        ApiToken.objects.create(
            user=user, name=name, scope=scope, key_hash=ApiToken.hash_key(key), prefix=key[:8]
        )
    return key


def token_revoke(*, prefix: str) -> list[ApiToken]:
    """Revoke the live tokens whose key starts with `prefix` (8 characters are stored, as shown by
    `aftersale token list`); in effect at once: their cached grants are dropped after commit."""
    if len(prefix) < 6:
        raise DomainError("prefix", "give at least 6 characters of the token's prefix", code="too_short")
    with transaction.atomic():
        tokens = list(
            ApiToken.objects.select_for_update().filter(prefix__startswith=prefix[:8], revoked_at=None)
        )
        if not tokens:
            raise NotFound("prefix", f"no live token starts with {prefix!r}")
        now = timezone.now()
        ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=now)
        keys = [cache_key(t.key_hash) for t in tokens]
        cache.delete_many(keys)
        # Again after commit: a request meanwhile may have cached the grant as it was before.
        transaction.on_commit(lambda: cache.delete_many(keys))
    for token in tokens:
        token.revoked_at = now
    return tokens
