from __future__ import annotations

from tests.console.browser import browser_db, chromium_browser, phone  # noqa: F401
