"""One realistic data set for the authorisation matrix: every id a route takes has a real value.

Everything belongs to `people.customer` and is handled by the agent's team (`people.team`); the
main case is routed to the warehouse by a work order, so the warehouse member sees it and the QC
member does not. `other_customer` owns one order of their own and nothing else."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from aftersale.cases.evidence import evidence_add
from aftersale.cases.models import Case
from aftersale.cases.services import case_transition, message_add
from aftersale.channels.models import InboundSource, Notification, WebhookSubscription
from aftersale.common.services import token_create
from aftersale.fulfilment.models import Refund, SparePart, StockItem
from aftersale.fulfilment.services import compensation, exchanges, repairs
from aftersale.fulfilment.services.workorders import work_order_create
from aftersale.knowledge.services import (
    ArticleIn,
    ScriptIn,
    article_create,
    reference_case_mark,
    script_create,
)
from aftersale.policy.models import PlaybookVersion
from aftersale.portal.links import portal_link_path
from aftersale.privacy.models import DeletionRequest, LegalHold
from aftersale.quality.models import FollowUp, QaReview, QaSample
from aftersale.quality.surveys import survey_answer
from aftersale.sla.models import Alert
from tests.conftest import make_case, make_people
from tests.factories import OrderFactory, OrderLineFactory
from tests.fulfilment.goods import approved_case, rma_of
from tests.helpers import png_bytes

# Every persona the matrix asks, by the name the rules use → the `people` attribute (None: anonymous).
PERSONAS = {
    "anonymous": None,
    "customer": "customer_user",
    "other_customer": "other_customer_user",
    "agent": "agent",
    "other_agent": "other_agent",
    "team_lead": "team_lead",
    "director": "director",
    "optimizer": "optimizer",
    "warehouse": "warehouse",
    "qc": "qc",
    "expert": "expert",
    "admin": "admin",
}


def _order(customer, **dates):
    line = OrderLineFactory(order=OrderFactory(customer=customer, **dates), line_no=1, quantity=2)
    OrderLineFactory(order=line.order, line_no=2)
    return line.order


def _on_team(case: Case, people) -> Case:
    Case.objects.filter(pk=case.pk).update(team=people.team, assignee=people.agent)
    case.refresh_from_db()
    return case


def build_world() -> SimpleNamespace:
    people = make_people()
    w = SimpleNamespace(people=people)
    agent, director = people.agent, people.director

    w.order = _order(people.customer)
    w.other_order = _order(people.other_customer)

    # The main case: an approved return with its RMA, a message, a photo, an offer, a work order.
    w.case = _on_team(approved_case(w.order, people), people)
    w.rma = rma_of(w.case)
    message_add(case=w.case, actor=people.customer_user, body="请尽快处理，谢谢")
    w.case.refresh_from_db()
    w.evidence = evidence_add(
        case=w.case, actor=people.customer_user, kind="item_photo", data=png_bytes(), original_name="item.png"
    )
    w.offer = compensation.compensation_propose(
        case=Case.objects.get(pk=w.case.pk),
        actor=agent,
        kind="cash",
        amount=Decimal("5.00"),
        description="致歉",
    )
    w.work_order = work_order_create(
        case=Case.objects.get(pk=w.case.pk),
        actor=agent,
        department="warehouse",
        action="核对退回商品",
        deadline=timezone.now() + timedelta(days=2),
    )
    w.case.refresh_from_db()
    w.refund = Refund.objects.create(
        case=w.case,
        order=w.order,
        idempotency_key="AUTHZ-RF-1",
        amount=Decimal("10.00"),
        freight_deduction=Decimal("0"),
        gift_deduction=Decimal("0"),
        method="store_credit",
        requested_by=agent,
    )

    # An exchange and a repair, each on its own case of the same customer and team.
    exchange_case = _on_team(approved_case(_order(people.customer), people, resolution="exchange"), people)
    StockItem.objects.create(product=exchange_case.lines.get().order_line.product, on_hand=5)
    w.shipment = exchanges.exchange_create(case=exchange_case, actor=agent)[0]
    w.part = SparePart.objects.create(code="PCB-01", name="主控板", on_hand=6, unit_cost=Decimal("45.00"))
    repair_case = _on_team(
        approved_case(_order(people.customer), people, category="quality_fault", resolution="repair"), people
    )
    w.repair = repairs.repair_create(case=repair_case, actor=agent, line_no=1, centre="华东维修中心")

    # A resolved case: its survey answered badly (a follow-up for the lead) and in the case library.
    resolved = _on_team(make_case(_order(people.customer), agent), people)
    resolved = case_transition(case=resolved, actor=agent, action="start_review", version=resolved.version)
    resolved = case_transition(
        case=resolved, actor=agent, action="resolve", version=resolved.version, reason="已退款"
    )
    w.resolved = resolved
    survey_answer(case=resolved, score=1, comment="太慢了", actor=people.customer_user)
    w.follow_up = FollowUp.objects.get(case=resolved)
    w.reference = reference_case_mark(
        case=Case.objects.get(pk=resolved.pk), actor=agent, lesson="先退款再回访", summary="退款处理"
    )

    month = date.today().replace(day=1)
    w.month = month.strftime("%Y-%m")
    sample = QaSample.objects.create(month=month, rate=0.1, seed=1, created_by=director)
    w.review = QaReview.objects.create(sample=sample, case=resolved, agent=agent, team=people.team)

    # Knowledge: a published FAQ (the help centre's slug) and a reply script.
    w.article = article_create(
        actor=director,
        data=ArticleIn(kind="faq", slug="refund-time", title="退款多久到账", body="1-7 个工作日到账。"),
    )
    w.script = script_create(
        actor=director, data=ScriptIn(title="通用问候", body="您好，我是客服{agent_name}。")
    )

    w.alert = Alert.objects.create(recipient=agent, case=w.case, kind="overdue", message="即将超时")
    Notification.objects.create(customer=people.customer, case=w.case, topic="request_received")
    Notification.objects.create(user=agent, case=w.case, topic="request_received")
    w.subscription = WebhookSubscription.objects.create(
        name="erp", url="https://erp.example.com/hook", secret="s" * 32
    )
    w.inbound = InboundSource.objects.create(
        slug="mall", name="商城", adapter="generic", secret="x" * 32, acts_as=people.admin, store="官方商城"
    )
    w.hold = LegalHold.objects.create(case=w.resolved, reason="诉讼中", placed_by=director)
    w.deletion_request = DeletionRequest.objects.create(customer=people.customer, channel="portal")
    w.playbook_version = PlaybookVersion.objects.order_by("-number").first()
    w.portal_link = portal_link_path(Case.objects.get(pk=w.case.pk))
    w.tokens = {name: token_create(username=user_of(w, name).username) for name in PERSONAS if PERSONAS[name]}
    return w


def user_of(w: SimpleNamespace, persona: str):
    attribute = PERSONAS[persona]
    return getattr(w.people, attribute) if attribute else None


def url_values(w: SimpleNamespace) -> dict[str, str]:
    """The value for every URL parameter name the routes use."""
    return {
        "number": w.case.number,
        "order_no": w.order.order_no,
        "offer_id": str(w.offer.pk),
        "refund_id": str(w.refund.pk),
        "rma": w.rma.number,
        "shipment_id": str(w.shipment.pk),
        "repair_id": str(w.repair.pk),
        "code": w.part.code,
        "article_id": str(w.article.pk),
        "pk": str(w.article.pk),
        "script_id": str(w.script.pk),
        "reference_id": str(w.reference.pk),
        "subscription_id": str(w.subscription.pk),
        "slug": w.article.slug,
        "follow_up_id": str(w.follow_up.pk),
        "month": w.month,
        "review_id": str(w.review.pk),
        "alert_id": str(w.alert.pk),
        "token": w.portal_link.rstrip("/").rsplit("/", 1)[-1],  # /portal/l/<token>/
        "path": w.evidence.file.name,
        "hold_id": str(w.hold.pk),
        "request_id": str(w.deletion_request.pk),
    }
