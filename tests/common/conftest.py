"""The Playwright fixtures for the browser tests here (test_security_csp_browser.py)."""

from tests.console.browser import browser_db, chromium_browser  # noqa: F401
