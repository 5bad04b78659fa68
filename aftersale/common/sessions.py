"""Database sessions that ignore a malformed session cookie instead of querying with it.

Django's own check only asks for 8 characters; a cookie holding a NUL character or an overlong
value would reach the database, and PostgreSQL refuses NUL in text (a 500 for any page or API call).
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return bool(key) and 8 <= len(key) <= 40 and set(key) <= _KEY_CHARS
