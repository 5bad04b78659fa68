"""The authorisation matrix: every API operation and every page, asked as every persona.

The rules are ONE table below: for each route and method, which personas get past authorisation
(`allowed`) and which of the others are refused with 404 because the object is hidden from them
(`hidden`); every other refusal is 401 for an anonymous API call, 403 for a signed-in one, and the
sign-in page (or a 403 page) for pages. "Allowed" means past authorisation: any answer that is not
401/403/404 nor the sign-in redirect — a 400/409/422 about the body counts, a 5xx never does.

The routes are walked from the application itself (the ninja router's operations, Django's URL
resolver): a route without a rule fails `test_every_route_has_a_rule`, a rule without a route fails
`test_every_rule_names_a_route`. Add a rule for every route you add, stating who may use it.

Every request is rolled back, so each persona meets the same data (tests/common/authz_world.py).
Besides the status, each answer an `other_customer` gets is checked for the first customer's case,
order, name and phone, and each answer a role without PERSONAL_DATA_ROLES gets for the full phone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings

from aftersale.api import api
from aftersale.common.permissions import role_of
from aftersale.common.roles import PERSONAL_DATA_ROLES

from .authz_walk import Answer, api_operations, ask, clients, pages, prepared
from .authz_world import PERSONAS, build_world, user_of


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    hidden: frozenset[str]
    refused_with: int | None = None  # when every refusal has one status (a signed webhook: 401)


def rule(allowed: str, hidden: str = "", refused_with: int | None = None) -> Rule:
    rule = Rule(frozenset(allowed.split()), frozenset(hidden.split()), refused_with)
    assert rule.allowed <= set(PERSONAS) and rule.hidden <= set(PERSONAS), rule
    assert not rule.allowed & rule.hidden, rule
    return rule


EVERYONE = " ".join(PERSONAS)
NOBODY = ""
SIGNED_IN = " ".join(p for p in PERSONAS if p != "anonymous")
STAFF = "agent other_agent team_lead director optimizer warehouse qc expert admin"
# Who may see the main case: its customer, the agent's team, the roles that see every case, and
# the warehouse (a work order routed the case there). Not: the other customer, the other team's
# agent, QC (nothing routed to them).
CASE_STAFF = "agent team_lead director optimizer warehouse expert admin"
CASE_VIEWERS = "customer " + CASE_STAFF
# Who may act on the main case (the optimizer only reads).
CASE_HANDLERS = "agent team_lead director expert admin"
# Staff who act on cases in general, whatever their team.
HANDLING = "agent other_agent team_lead director expert admin"

# ---- the rules -----------------------------------------------------------------------------------

API_RULES: dict[str, Rule] = {
    "GET /alerts": rule(SIGNED_IN),
    "POST /alerts/{alert_id}/read": rule(
        "agent",
        hidden="customer other_customer other_agent team_lead director optimizer warehouse qc expert admin",
    ),
    "GET /approvals": rule("team_lead director"),
    "GET /cases": rule(SIGNED_IN),
    # Another customer naming the customer's order (and phone) is told it does not exist.
    "POST /cases": rule(CASE_HANDLERS + " customer other_agent", hidden="other_customer"),
    "GET /cases/{number}": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "PATCH /cases/{number}": rule(CASE_HANDLERS, hidden="other_customer other_agent qc"),
    # Roles that may never assign are refused before the case is looked up.
    "POST /cases/{number}/assign": rule("team_lead director expert admin", hidden="other_agent"),
    "GET /cases/{number}/clocks": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "GET /cases/{number}/compensation": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "POST /cases/{number}/compensation": rule(CASE_HANDLERS, hidden="other_customer other_agent qc"),
    "GET /cases/{number}/cost": rule(CASE_STAFF, hidden="other_agent qc"),
    "GET /cases/{number}/deliveries": rule(CASE_STAFF, hidden="other_agent qc"),
    "GET /cases/{number}/eligibility": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "GET /cases/{number}/events": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "GET /cases/{number}/evidence": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "POST /cases/{number}/evidence": rule(
        CASE_HANDLERS + " customer warehouse", hidden="other_customer other_agent qc"
    ),
    "POST /cases/{number}/exchange": rule(CASE_HANDLERS, hidden="other_customer other_agent qc"),
    "GET /cases/{number}/exchanges": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "GET /cases/{number}/messages": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "POST /cases/{number}/messages": rule(
        CASE_HANDLERS + " customer warehouse", hidden="other_customer other_agent qc"
    ),
    "POST /cases/{number}/red-ticket": rule(
        "team_lead director expert admin", hidden="other_customer other_agent qc"
    ),
    "POST /cases/{number}/reference": rule(CASE_HANDLERS, hidden="other_agent"),
    "GET /cases/{number}/refunds": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "POST /cases/{number}/refunds": rule("agent team_lead director admin", hidden="other_agent"),
    "GET /cases/{number}/repairs": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "POST /cases/{number}/repairs": rule(CASE_HANDLERS, hidden="other_customer other_agent qc"),
    "GET /cases/{number}/reply-scripts": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "GET /cases/{number}/returns": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "POST /cases/{number}/returns": rule(CASE_HANDLERS, hidden="other_customer other_agent qc"),
    "GET /cases/{number}/risk": rule(CASE_STAFF, hidden="other_agent qc"),
    "GET /cases/{number}/similar-reference-cases": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "GET /cases/{number}/survey": rule(
        CASE_HANDLERS + " customer optimizer qc", hidden="other_customer other_agent warehouse"
    ),
    "POST /cases/{number}/survey": rule("customer", hidden="other_customer other_agent warehouse"),
    "POST /cases/{number}/transitions": rule(CASE_HANDLERS, hidden="other_customer other_agent qc"),
    "GET /cases/{number}/work-orders": rule(CASE_STAFF, hidden="other_agent qc"),
    "POST /cases/{number}/work-orders": rule(CASE_HANDLERS, hidden="other_customer other_agent qc"),
    "GET /categories": rule(SIGNED_IN),
    "POST /compensation/{offer_id}/accept": rule(
        CASE_HANDLERS + " customer", hidden="other_customer other_agent qc"
    ),
    "POST /compensation/{offer_id}/approve": rule(
        "team_lead director", hidden="other_customer other_agent qc"
    ),
    "POST /compensation/{offer_id}/decline": rule(
        CASE_HANDLERS + " customer", hidden="other_customer other_agent qc"
    ),
    "POST /compensation/{offer_id}/pay": rule(CASE_HANDLERS, hidden="other_customer other_agent qc"),
    "POST /compensation/{offer_id}/reject": rule(
        "team_lead director", hidden="other_customer other_agent qc"
    ),
    "POST /compensation/{offer_id}/withdraw": rule(CASE_HANDLERS, hidden="other_customer other_agent qc"),
    "POST /exchanges/{shipment_id}/delivered": rule(
        CASE_HANDLERS + " warehouse", hidden="other_customer other_agent qc"
    ),
    "POST /exchanges/{shipment_id}/shipped": rule(
        CASE_HANDLERS + " warehouse", hidden="other_customer other_agent qc"
    ),
    "GET /follow-ups": rule("team_lead director admin"),
    "POST /follow-ups/{follow_up_id}/complete": rule("team_lead director admin"),
    "POST /identity/verify": rule(HANDLING),
    "GET /knowledge/articles": rule(SIGNED_IN),
    "POST /knowledge/articles": rule("director expert admin"),
    "GET /knowledge/articles/{article_id}": rule(SIGNED_IN),
    "PATCH /knowledge/articles/{article_id}": rule("director expert admin"),
    "GET /knowledge/reference-cases": rule(SIGNED_IN),
    "GET /knowledge/reference-cases/{reference_id}": rule(STAFF, hidden="customer other_customer"),
    "GET /knowledge/scripts": rule(SIGNED_IN),
    "POST /knowledge/scripts": rule("director expert admin"),
    "GET /knowledge/scripts/{script_id}": rule(STAFF, hidden="customer other_customer"),
    "PATCH /knowledge/scripts/{script_id}": rule("director expert admin"),
    "GET /knowledge/scripts/{script_id}/render": rule(
        CASE_STAFF, hidden="customer other_customer other_agent qc"
    ),
    "GET /me": rule(SIGNED_IN),
    "GET /notifications": rule(SIGNED_IN),
    "POST /notifications/read": rule(SIGNED_IN),
    "PUT /orders": rule("team_lead director admin"),
    "POST /orders/import": rule("team_lead director admin"),
    "GET /orders/{order_no}": rule(STAFF),
    "GET /orders/{order_no}/eligibility": rule(
        CASE_HANDLERS + " customer other_agent", hidden="other_customer"
    ),
    "GET /playbook": rule(STAFF),
    "GET /playbook/diff": rule(STAFF),
    "GET /playbook/versions": rule(STAFF),
    "POST /playbook/versions": rule("director admin"),
    "GET /playbook/versions/{number}": rule(STAFF),
    "POST /playbook/versions/{number}/activate": rule("director admin"),
    "GET /playbook/versions/{number}/yaml": rule(STAFF),
    "GET /privacy/deletion-requests": rule(HANDLING),
    # A customer records their own request (the minimal body names no customer: their own).
    "POST /privacy/deletion-requests": rule(HANDLING + " customer other_customer"),
    "POST /privacy/deletion-requests/{request_id}/approve": rule("director admin"),
    "POST /privacy/deletion-requests/{request_id}/reject": rule("director admin"),
    "GET /privacy/holds": rule("director admin"),
    "POST /privacy/holds": rule("director admin"),
    "POST /privacy/holds/{hold_id}/release": rule("director admin"),
    "GET /process/compare": rule("director optimizer expert admin"),
    "GET /process/event-log.xes": rule("director optimizer expert admin"),
    "GET /process/summary": rule("director optimizer expert admin"),
    "POST /qa/reviews/{review_id}": rule("team_lead director expert admin"),
    "POST /qa/samples": rule("team_lead director expert admin"),
    "GET /qa/samples/{month}": rule("team_lead director expert admin"),
    "GET /qa/samples/{month}/scores": rule("team_lead director expert admin"),
    "GET /refunds/reconciliation": rule("team_lead director admin"),
    "POST /refunds/{refund_id}/complete": rule("agent team_lead director admin", hidden="other_agent"),
    "GET /repairs/{repair_id}": rule(CASE_VIEWERS + " qc", hidden="other_customer other_agent"),
    "POST /repairs/{repair_id}/complete": rule(
        CASE_HANDLERS + " warehouse qc", hidden="other_customer other_agent"
    ),
    "POST /repairs/{repair_id}/diagnose": rule(
        CASE_HANDLERS + " warehouse qc", hidden="other_customer other_agent"
    ),
    "POST /repairs/{repair_id}/parts": rule(
        CASE_HANDLERS + " warehouse qc", hidden="other_customer other_agent"
    ),
    "POST /repairs/{repair_id}/receive": rule(
        CASE_HANDLERS + " warehouse qc", hidden="other_customer other_agent"
    ),
    "POST /repairs/{repair_id}/return": rule(
        CASE_HANDLERS + " warehouse qc", hidden="other_customer other_agent"
    ),
    "POST /returns/receive": rule(CASE_HANDLERS + " warehouse"),
    "GET /returns/{rma}": rule(CASE_VIEWERS, hidden="other_customer other_agent qc"),
    "POST /returns/{rma}/inspection": rule(
        CASE_HANDLERS + " warehouse", hidden="other_customer other_agent qc"
    ),
    "POST /returns/{rma}/pickup": rule(CASE_HANDLERS + " customer", hidden="other_customer other_agent qc"),
    "POST /returns/{rma}/tracking": rule(CASE_HANDLERS + " customer", hidden="other_customer other_agent qc"),
    "POST /sop/drafts/publish": rule("director admin"),
    "POST /sop/generate": rule(STAFF),
    "GET /sop/handbook": rule(STAFF),
    "GET /sop/handbook/diff": rule(STAFF),
    "GET /sop/training": rule(STAFF),
    "GET /sop/training/quiz": rule(STAFF),
    "GET /spare-parts": rule(STAFF),
    "POST /spare-parts/{code}/restock": rule(CASE_HANDLERS + " other_agent warehouse"),
    # Signed by the platform's shared secret, not a user: nobody gets in without the signature.
    "POST /webhooks/inbound/{slug}": rule(NOBODY, refused_with=401),
    "GET /webhooks/subscriptions": rule("director admin"),
    "POST /webhooks/subscriptions": rule("director admin"),
    "GET /webhooks/subscriptions/{subscription_id}/deliveries": rule("director admin"),
    "GET /work-orders": rule(STAFF),
    "GET /work-orders/{number}": rule(CASE_STAFF + " other_agent", hidden="qc"),
    "POST /work-orders/{number}/cancel": rule(CASE_HANDLERS, hidden="qc"),
    "POST /work-orders/{number}/complete": rule(CASE_HANDLERS + " warehouse", hidden="qc"),
    "POST /work-orders/{number}/start": rule(CASE_HANDLERS + " warehouse", hidden="qc"),
}

PAGE_RULES: dict[str, Rule] = {
    "GET /portal/privacy/": rule("customer other_customer"),
    "POST /portal/privacy/": rule("customer other_customer"),
    "GET /": rule(EVERYONE),
    "POST /": rule(EVERYONE),
    "GET /console/": rule(STAFF),
    "GET /console/alerts/": rule(STAFF),
    "GET /console/alerts/badge/": rule(STAFF),
    "POST /console/alerts/read/": rule(STAFF),
    "GET /console/approvals/": rule(STAFF),
    "GET /console/cases/<str:number>/": rule(CASE_STAFF, hidden="other_agent qc"),
    # The optimizer reads; the case page's actions refuse roles that may not take them before
    # reading the form (a 403, not a form error).
    "POST /console/cases/<str:number>/assign/": rule(CASE_HANDLERS, hidden="other_agent qc"),
    "POST /console/cases/<str:number>/compensation/": rule(CASE_HANDLERS, hidden="other_agent qc"),
    "POST /console/cases/<str:number>/evidence/": rule(CASE_HANDLERS + " warehouse", hidden="other_agent qc"),
    "POST /console/cases/<str:number>/red-ticket/": rule(
        "team_lead director expert admin", hidden="other_agent qc"
    ),
    "POST /console/cases/<str:number>/reply/": rule(CASE_HANDLERS + " warehouse", hidden="other_agent qc"),
    "GET /console/cases/<str:number>/timeline/": rule(CASE_STAFF, hidden="other_agent qc"),
    "POST /console/cases/<str:number>/transition/": rule(CASE_HANDLERS, hidden="other_agent qc"),
    "POST /console/cases/<str:number>/update/": rule(CASE_HANDLERS, hidden="other_agent qc"),
    "POST /console/compensation/<int:offer_id>/<str:decision>/": rule(
        "team_lead director", hidden="other_agent qc"
    ),
    "GET /console/intake/": rule(HANDLING),
    "POST /console/intake/": rule(HANDLING),
    "GET /console/knowledge/": rule(STAFF),
    "GET /console/knowledge/articles/<int:pk>/": rule(STAFF),
    "GET /console/knowledge/cases/<str:number>/reference/": rule(CASE_HANDLERS, hidden="other_agent qc"),
    "POST /console/knowledge/cases/<str:number>/reference/": rule(CASE_HANDLERS, hidden="other_agent qc"),
    "GET /console/knowledge/cases/<str:number>/scripts/": rule(CASE_STAFF, hidden="other_agent qc"),
    "GET /console/knowledge/references/": rule(STAFF),
    "GET /console/login/": rule(EVERYONE),
    "POST /console/login/": rule(EVERYONE),
    "POST /console/logout/": rule(NOBODY),
    "GET /console/otp/": rule(SIGNED_IN),
    "POST /console/otp/": rule(SIGNED_IN),
    "POST /console/privacy/cases/<str:number>/hold/": rule("director admin"),
    "GET /console/privacy/holds/": rule("director admin"),
    "POST /console/privacy/holds/<int:pk>/release/": rule("director admin"),
    "POST /console/privacy/holds/place/": rule("director admin"),
    "GET /console/privacy/requests/": rule(HANDLING),
    "POST /console/privacy/requests/": rule(HANDLING),
    "POST /console/privacy/requests/<int:pk>/<str:action>/": rule("director admin"),
    "GET /console/quality/": rule(CASE_HANDLERS + " other_agent optimizer"),
    "GET /console/quality/cases/": rule(CASE_HANDLERS + " other_agent optimizer"),
    "GET /console/quality/export.csv": rule(CASE_HANDLERS + " other_agent optimizer"),
    "GET /console/quality/export.xlsx": rule(CASE_HANDLERS + " other_agent optimizer"),
    "GET /console/quality/process/": rule("director optimizer expert admin"),
    "GET /console/quality/qa/": rule("team_lead director expert admin"),
    "POST /console/quality/qa/": rule("team_lead director expert admin"),
    "GET /console/quality/report/": rule("director optimizer expert admin"),
    "GET /console/returns/": rule(STAFF),
    "POST /console/returns/<str:number>/inspect/": rule(
        CASE_HANDLERS + " warehouse", hidden="other_agent qc"
    ),
    "POST /console/returns/receive/": rule(HANDLING + " warehouse qc"),
    "POST /console/search/": rule(STAFF),
    "GET /console/tabs/": rule(STAFF),
    "GET /console/work-orders/": rule(STAFF),
    # Department members see their own department's work orders; other staff see them all.
    "POST /console/work-orders/<str:number>/<str:action>/": rule(
        CASE_HANDLERS + " other_agent warehouse", hidden="qc"
    ),
    "GET /healthz": rule(EVERYONE),
    "POST /healthz": rule(EVERYONE),
    "GET /i18n/setlang/": rule(EVERYONE),
    "POST /i18n/setlang/": rule(EVERYONE),
    "GET /media/<path:path>": rule(CASE_VIEWERS, hidden="anonymous other_customer other_agent qc"),
    # Metrics answer by address (loopback, as the test client is) or METRICS_TOKEN, not by user.
    "GET /metrics": rule(EVERYONE),
    "POST /metrics": rule(EVERYONE),
    "GET /notifications/": rule(SIGNED_IN),
    "POST /notifications/": rule(SIGNED_IN),
    "GET /notifications/badge": rule(EVERYONE),  # 0 for an anonymous visitor
    "POST /notifications/badge": rule(EVERYONE),
    "GET /portal/": rule("customer other_customer"),
    "GET /portal/cases/<str:number>/": rule("customer", hidden="other_customer"),
    "POST /portal/cases/<str:number>/action/": rule("customer", hidden="other_customer"),
    "POST /portal/cases/<str:number>/evidence/": rule("customer", hidden="other_customer"),
    "POST /portal/cases/<str:number>/messages/": rule("customer", hidden="other_customer"),
    "POST /portal/cases/<str:number>/offer/": rule("customer", hidden="other_customer"),
    "GET /portal/cases/<str:number>/progress/": rule("customer", hidden="other_customer"),
    "POST /portal/cases/<str:number>/rate/": rule("customer", hidden="other_customer"),
    "POST /portal/cases/<str:number>/tracking/": rule("customer", hidden="other_customer"),
    "GET /portal/help/": rule(EVERYONE),
    "GET /portal/help/<slug:slug>/": rule(EVERYONE),
    # A signed, expiring link from a notification: whoever holds it is signed in as its customer.
    "GET /portal/l/<str:token>/": rule(EVERYONE),
    "GET /portal/login/": rule(EVERYONE),
    "POST /portal/login/": rule(EVERYONE),
    "GET /portal/login/code/": rule(NOBODY),
    "POST /portal/login/code/": rule(NOBODY),
    "POST /portal/logout/": rule(NOBODY),
    "GET /portal/orders/<str:order_no>/request/": rule("customer", hidden="other_customer"),
    "POST /portal/orders/<str:order_no>/request/": rule("customer", hidden="other_customer"),
    "GET /portal/orders/<str:order_no>/request/options/": rule("customer", hidden="other_customer"),
    "GET /readyz": rule(EVERYONE),
    "POST /readyz": rule(EVERYONE),
    "GET /stats/": rule(EVERYONE),
}


# ---- the walk --------------------------------------------------------------------------------------


def _api_routes() -> set[str]:
    return {f"{method} {path}" for method, path in api_operations()}


def _page_routes() -> set[str]:
    return set(pages())


def test_every_route_has_a_rule():
    missing = sorted(_api_routes() - set(API_RULES)) + sorted(
        route for route in _page_routes() if not any(key.split(" ", 1)[1] == route for key in PAGE_RULES)
    )
    assert not missing, (
        "These routes have no rule in tests/common/test_authorization_matrix.py — add one to "
        "API_RULES / PAGE_RULES saying which personas may use them:\n  " + "\n  ".join(missing)
    )


def test_every_rule_names_a_route():
    stale = sorted(set(API_RULES) - _api_routes()) + sorted(
        key for key in PAGE_RULES if key.split(" ", 1)[1] not in _page_routes()
    )
    assert not stale, "These rules name routes that no longer exist; remove them:\n  " + "\n  ".join(stale)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, _media_root):
    """The data set, built once for the module inside a transaction rolled back at its end."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=str(_media_root), PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build_world()
            w.clients = clients(w)
            w.spec = api.get_openapi_schema(path_prefix="")
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _expected_refusal(persona: str, rule: Rule, answer: Answer, *, api_call: bool) -> bool:
    if persona in rule.hidden:
        return answer.status == 404
    if rule.refused_with is not None:
        return answer.status == rule.refused_with
    if api_call:
        return answer.status == (401 if persona == "anonymous" else 403)
    if persona == "anonymous":
        return answer.to_login
    return answer.status == 403 or answer.to_login


def _leaks(w, persona: str, answer: Answer) -> list[str]:
    """What of the first customer's data an answer shows to someone who must not see it."""
    found: list[str] = []
    if answer.refused:  # a refusal may repeat the number that was asked for, nothing more
        return found
    if persona in ("anonymous", "other_customer"):
        for label, value in (
            ("case", w.case.number),
            ("order", w.order.order_no),
            ("name", w.people.customer.name),
        ):
            if value in answer.body:
                found.append(f"{label} {value}")
    user = user_of(w, persona)
    needs_phone = persona == "customer" or (user is not None and role_of(user) in PERSONAL_DATA_ROLES)
    if not needs_phone and w.people.customer.phone in answer.body:
        found.append("the full phone number")
    return found


def _check(w, method: str, route: str, rule: Rule, *, api_call: bool) -> list[str]:
    url, request = prepared(w, method, route, w.spec if api_call else None)
    problems = []
    for persona in PERSONAS:
        answer = ask(w, persona, method, url, api_call=api_call, request=request)
        if answer.status >= 500 and answer.status != 503:  # 503: /readyz's "not ready" is an answer
            problems.append(f"{persona}: server error {answer}")
        elif persona in rule.allowed and answer.refused:
            problems.append(f"{persona}: should be allowed, was refused: {answer}")
        elif persona not in rule.allowed and not _expected_refusal(persona, rule, answer, api_call=api_call):
            wanted = "404" if persona in rule.hidden else "a refusal (401/403 or the sign-in page)"
            problems.append(f"{persona}: should get {wanted}, got {answer}")
        for leak in _leaks(w, persona, answer):
            problems.append(f"{persona}: the answer shows {leak}")
    return problems


@pytest.mark.parametrize("key", sorted(API_RULES))
def test_api(world, db, key):
    method, route = key.split(" ", 1)
    problems = _check(world, method, route, API_RULES[key], api_call=True)
    assert not problems, f"{key}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("key", sorted(PAGE_RULES))
def test_page(world, db, key):
    method, route = key.split(" ", 1)
    problems = _check(world, method, route, PAGE_RULES[key], api_call=False)
    assert not problems, f"{key}:\n  " + "\n  ".join(problems)
