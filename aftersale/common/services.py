"""Writes on users and tokens."""

from __future__ import annotations

from django.db import transaction

from .errors import NotFound
from .models import ApiToken, User


def token_create(*, username: str, name: str = "") -> str:
    """Create an API token for a user and return the key (shown once, stored hashed)."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound("user", f"no active user named {username!r}")
    key = ApiToken.new_key()
    with transaction.atomic():
        ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:8])
    return key
