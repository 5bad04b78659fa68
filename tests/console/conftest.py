from __future__ import annotations

import pytest

from .browser import browser_db, chromium_browser, desktop, phone  # noqa: F401


@pytest.fixture
def as_user(client):
    """Sign the test client in as a user (no password round trip)."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
