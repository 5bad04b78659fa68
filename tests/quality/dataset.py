"""A hand-built week of cases whose every KPI is worked out by hand (see test_kpis.py).

Period: 2026-11-02 .. 2026-11-08 (local dates). Four orders paid in the period, one before.
  A  Nov 2 10:00  return_refund, quality_fault   reply 10:30, resolved 20:00, closed Nov 3 08:00,
                                                 score 5, refund 100
  B  Nov 3 09:00  exchange, quality_fault         review 10:00, asks customer, resolved Nov 4 13:00;
                                                 score 2, follow-up "not fixed" re-opens Nov 5 10:00,
                                                 resolved 12:00; compensation 20
  C  Nov 4 09:00  complaint (service_attitude)   review 09:20, escalated 12:00, still under review
  D  Nov 5 09:00  return_refund                   cancelled by the customer 09:10
  E  Nov 10 09:00 (outside the period)
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import time_machine

from aftersale.cases.services import case_transition, event_record, message_add
from aftersale.fulfilment.services.ledger import cost_record
from aftersale.quality.models import FollowUp
from aftersale.quality.surveys import follow_up_record, survey_answer
from tests.conftest import make_case
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def _order(customer, paid, product):
    order = OrderFactory(customer=customer, paid_at=paid, shipped_at=paid, signed_at=paid)
    OrderLineFactory(order=order, line_no=1, product=product, quantity=2, batch_no="B2310")
    return order


def _move(case, actor, action, when, reason=""):
    with time_machine.travel(when, tick=False):
        case.refresh_from_db()
        return case_transition(case=case, actor=actor, action=action, version=case.version, reason=reason)


def build(people) -> SimpleNamespace:
    agent, lead, customer = people.agent, people.team_lead, people.customer_user
    fryer = ProductFactory(sku="SKU-FRYER")
    kettle = ProductFactory(sku="SKU-KETTLE")
    o1 = _order(people.customer, at(2, 8), fryer)
    o2 = _order(people.customer, at(3, 8), kettle)
    o3 = _order(people.customer, at(3, 20), fryer)
    o4 = _order(people.customer, at(6, 8), fryer)
    o5 = _order(people.customer, at(30, 8, month=10), fryer)

    def create(order, when, **kw):
        with time_machine.travel(when, tick=False):
            case = make_case(order, agent, **kw)
        type(case).objects.filter(pk=case.pk).update(assignee=agent, team=people.team)
        case.refresh_from_db()
        return case

    a = create(o1, at(2, 10))
    with time_machine.travel(at(2, 10, 30), tick=False):
        message_add(case=a, actor=agent, body="您好，已收到，马上处理")
    _move(a, agent, "start_review", at(2, 10, 30))
    _move(a, agent, "resolve", at(2, 20), "已退款")
    _move(a, customer, "close", at(3, 8))
    with time_machine.travel(at(3, 9), tick=False):
        survey_answer(case=a, score=5, comment="很好", actor=customer)
        cost_record(case=a, kind="refund", amount=Decimal("100.00"), source="refund:test-a")

    b = create(o2, at(3, 9), resolution="exchange")
    _move(b, agent, "start_review", at(3, 10))
    _move(b, agent, "request_info", at(3, 10, 5), "请补充照片")
    _move(b, customer, "customer_replied", at(3, 12))
    _move(b, agent, "resolve", at(4, 13), "已换货")
    with time_machine.travel(at(4, 14), tick=False):
        survey_answer(case=b, score=2, comment="还是坏的", actor=customer)
        cost_record(case=b, kind="compensation", amount=Decimal("20.00"), source="compensation:test-b")
    with time_machine.travel(at(5, 10), tick=False):
        follow_up_record(
            follow_up=FollowUp.objects.get(case=b), outcome="not_fixed", note="仍有问题", actor=lead
        )
    _move(b, agent, "resolve", at(5, 12), "再次换货")

    c = create(
        o3, at(4, 9), case_type="complaint", category_code="service_attitude", resolution="compensation"
    )
    _move(c, agent, "start_review", at(4, 9, 20))
    with time_machine.travel(at(4, 12), tick=False):
        event_record(case=c, kind="case.escalated", actor=None, is_public=False, payload={"level": 1})

    d = create(o4, at(5, 9))
    _move(d, customer, "cancel", at(5, 9, 10), "不需要了")

    e = create(o5, at(10, 9))
    _move(e, agent, "start_review", at(10, 9, 5))
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, fryer=fryer, kettle=kettle, orders=[o1, o2, o3, o4, o5])
