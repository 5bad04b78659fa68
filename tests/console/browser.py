"""Playwright driving Debian's Chromium against pytest-django's live server.

Browser tests are marked `browser` and need `transactional_db` (the live server runs in another
thread); see `browser_db` for how the seeded rows survive the flush that follows each one.
"""

from __future__ import annotations

import os
import shutil
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

browser_test = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("browser_db"),  # before any fixture that makes data
]


class _Chromium:
    """One browser per test process, shared by the session fixtures of several conftest files."""

    playwright = None
    browser = None
    users = 0


@pytest.fixture(scope="session")
def chromium_browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    if _Chromium.browser is None:
        # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
        # between browser steps are still plain synchronous code.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        from playwright.sync_api import expect, sync_playwright

        # A shared two-core machine can be slow: assertions wait as long as actions do.
        expect.set_options(timeout=15_000)

        _Chromium.playwright = sync_playwright().start()
        _Chromium.browser = _Chromium.playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    _Chromium.users += 1
    yield _Chromium.browser
    _Chromium.users -= 1
    if _Chromium.users == 0:
        _Chromium.browser.close()
        _Chromium.playwright.stop()
        _Chromium.browser = _Chromium.playwright = None


SEED_MIGRATIONS = (
    "aftersale.cases.migrations.0004_seed_categories",
    "aftersale.policy.migrations.0002_default_playbook",
)


@pytest.fixture
def browser_db():
    """The seeded rows (categories, the playbook) present, and a database that can be flushed.

    A transactional test's database is flushed afterwards. Restoring the seeded rows by serialized
    rollback is not reliable once Playwright has started (the ORM may then hand out a fresh
    connection wrapper without the serialized copy), so the seeding migrations, which are
    idempotent, run again. On SQLite the append-only trigger refuses the flush's DELETE, so the
    events table is emptied first (PostgreSQL truncates instead)."""
    for name in SEED_MIGRATIONS:
        import_module(name).forwards(django_apps, None)
    yield
    if connection.vendor != "sqlite":
        return
    migration = import_module("aftersale.cases.migrations.0003_append_only_events")
    with connection.cursor() as cursor:
        # Rows elsewhere (a notification's event, say) may still point at the events: the flush
        # that follows empties those tables too.
        cursor.execute("PRAGMA foreign_keys = OFF")
        for sql in migration.SQLITE_REVERSE:
            cursor.execute(sql)
        cursor.execute("DELETE FROM cases_caseevent")
        for sql in migration.SQLITE:
            cursor.execute(sql)
        cursor.execute("PRAGMA foreign_keys = ON")


def new_page(browser, live_server, *, width: int = 1280, height: int = 900, mobile: bool = False):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": width, "height": height},
        is_mobile=mobile,
        has_touch=mobile,
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def desktop(chromium_browser, live_server, browser_db):
    page = new_page(chromium_browser, live_server)
    yield page
    page.context.close()


@pytest.fixture
def phone(chromium_browser, live_server, browser_db):
    page = new_page(chromium_browser, live_server, width=390, height=844, mobile=True)
    yield page
    page.context.close()
