"""Every main page runs under the Content-Security-Policy without one violation: no inline script,
handler or style anywhere (console, portal, knowledge, dashboards, public stats, Django admin)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from aftersale.knowledge.demo import knowledge_demo_load
from tests.console.browser import browser_test, new_page

pytestmark = browser_test

VIOLATION_LOG = "Content Security Policy"


def _signed_in_page(browser, live_server, user):
    """A page whose browser carries `user`'s session (no password round trip)."""
    client = Client()
    client.force_login(user)
    page = new_page(browser, live_server)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return page


def _watch(page) -> list[str]:
    """Collects CSP violations: the console's report and the DOM's securitypolicyviolation event."""
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if VIOLATION_LOG in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('" + VIOLATION_LOG + " event: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return found


def _visit(page, path: str, violations: list[str], *, ready: str = "body") -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, (path, policy)
    expect(page.locator(ready).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations == [], (path, violations)


def test_staff_pages_pass_the_policy(chromium_browser, live_server, people, case):
    knowledge_demo_load(actor=people.director)
    page = _signed_in_page(chromium_browser, live_server, people.director)
    violations = _watch(page)
    for path, ready in [
        ("/console/", ".tab"),
        (f"/console/cases/{case.number}/", "#timeline"),
        ("/console/intake/", "form"),
        ("/console/work-orders/", "h1"),
        ("/console/approvals/", "h1"),
        ("/console/quality/", "#nav-quality"),
        ("/console/quality/process/", "h1"),
        ("/console/knowledge/", "h1"),
    ]:
        _visit(page, path, violations, ready=ready)

    # The language menu submits itself from the static script, not an inline handler.
    page.goto("/console/")
    page.select_option("#lang-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []
    page.context.close()


def test_the_admin_and_the_public_pages_pass_the_policy(chromium_browser, live_server, people, case):
    knowledge_demo_load(actor=people.director)
    page = new_page(chromium_browser, live_server)
    violations = _watch(page)
    for path in ["/admin/login/", "/portal/login/", "/portal/help/", "/stats/", "/", "/api/v1/docs"]:
        _visit(page, path, violations)
    expect(page.locator(".swagger-ui .info")).to_be_visible()  # the API docs' script ran
    assert violations == []
    page.context.close()

    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    admin = _signed_in_page(chromium_browser, live_server, people.admin)
    violations = _watch(admin)
    for path in ["/admin/", "/admin/cases/case/", f"/admin/cases/case/{case.pk}/change/"]:
        _visit(admin, path, violations)
    admin.context.close()


def test_the_customer_pages_pass_the_policy(chromium_browser, live_server, people, case):
    page = _signed_in_page(chromium_browser, live_server, people.customer_user)
    violations = _watch(page)
    for path in ["/portal/", f"/portal/cases/{case.number}/"]:
        _visit(page, path, violations)
    page.select_option("#lang-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []
    page.context.close()
