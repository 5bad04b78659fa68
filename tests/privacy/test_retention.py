"""The retention sweep: expired cases and customers are anonymised, statistics are not touched."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
import yaml
from django.core.files.storage import default_storage

from aftersale.cases.evidence import evidence_add
from aftersale.cases.models import Case, CaseEvent, Evidence, IdentityCheck, Message
from aftersale.cases.services import case_transition, message_add
from aftersale.catalog.models import Customer
from aftersale.channels.models import InboundMail, InboundSource, OutboxMessage, SocialIdentity
from aftersale.common.errors import DomainError
from aftersale.policy.services import DEFAULT_PLAYBOOK, playbook_parse, playbook_publish
from aftersale.privacy.anonymise import ANONYMOUS_NAME, ERASED, case_erase
from aftersale.privacy.models import Anonymisation, PrivacyEvent
from aftersale.privacy.retention import retention_sweep
from aftersale.privacy.services import legal_hold_place, legal_hold_release
from aftersale.quality.models import Survey
from tests.conftest import make_case
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory, UserFactory
from tests.helpers import png_bytes
from tests.quality.dataset import at, build
from tests.quality.test_kpis import WEEK, compute

TZ = ZoneInfo("Asia/Shanghai")
THREE_YEARS_ON = datetime(2029, 12, 1, 3, 0, tzinfo=TZ)  # the week's closed cases are 3 years + old


def sweep(when: datetime):
    with time_machine.travel(when, tick=False):
        return retention_sweep()


@pytest.fixture
def week(people):
    week = build(people)
    with time_machine.travel(at(2, 11), tick=False):
        evidence_add(
            case=week.a,
            actor=people.customer_user,
            kind="item_photo",
            data=png_bytes(),
            original_name="张小明.png",
        )
        message_add(case=week.a, actor=people.customer_user, body="我是张小明，电话 13812345678")
    return week


def test_expired_cases_lose_their_personal_data_and_kpis_stay_the_same(week, people):
    before = compute(WEEK)
    evidence = Evidence.objects.get(case=week.a)
    path = evidence.file.name
    assert default_storage.exists(path)

    assert sweep(datetime(2029, 11, 1, tzinfo=TZ)).cases == 0  # A closed Nov 3 2026: not yet 3 years
    report = sweep(THREE_YEARS_ON)

    assert report.cases == 2  # A (closed) and D (cancelled); B resolved, C under review, E open
    a, d = Case.objects.get(pk=week.a.pk), Case.objects.get(pk=week.d.pk)
    assert a.description == ERASED and a.outcome_note == "" and d.description == ERASED
    assert set(Message.objects.filter(case=a).values_list("body", flat=True)) == {ERASED}
    evidence.refresh_from_db()
    assert not default_storage.exists(path) and evidence.file.name == "" and evidence.original_name == ""
    assert evidence.kind == "item_photo" and evidence.size > 0  # the fact of the photo stays
    assert Survey.objects.get(case=a).comment == "" and Survey.objects.get(case=a).score == 5
    cancel = CaseEvent.objects.get(case=d, kind="case.transitioned", to_status="cancelled")
    assert cancel.payload == {"action": "cancel", "reason": ERASED}
    marker = CaseEvent.objects.get(case=a, kind="case.anonymised")
    assert marker.payload["trigger"] == "retention" and marker.payload["evidence_files"] == 1
    assert Anonymisation.objects.filter(case__in=[a, d]).count() == 2
    # Untouched: still open or resolved, and the customer (who has them) keeps their name.
    assert Case.objects.get(pk=week.b.pk).description != ERASED
    assert Customer.objects.get(pk=people.customer.pk).name == "张小明"
    # Statistics: the same KPIs to the last digit, same timestamps, same events.
    assert compute(WEEK) == before
    assert (a.created_at, a.closed_at, a.status, a.category_id) == (
        week.a.created_at,
        Case.objects.get(pk=week.a.pk).closed_at,
        "closed",
        week.a.category_id,
    )
    # Idempotent: a second run finds nothing more to do and writes nothing.
    events = CaseEvent.objects.count()
    assert sweep(THREE_YEARS_ON).cases == 0 and CaseEvent.objects.count() == events


def test_events_stay_append_only_outside_the_erasure(week):
    sweep(THREE_YEARS_ON)
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(case=week.a).update(payload={})


def test_the_playbook_sets_the_period(week, people):
    two_years_on = datetime(2028, 12, 1, tzinfo=TZ)
    assert sweep(two_years_on).cases == 0
    content = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    content["retention"] = {"case_years": 2}
    playbook_publish(
        source=yaml.safe_dump(content, allow_unicode=True), reason="seeds: 2 years", actor=people.director
    )
    assert sweep(two_years_on).cases == 2


@pytest.mark.parametrize("years", [0, 31, "three"])
def test_the_schema_refuses_a_bad_period(years):
    content = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    content["retention"] = {"case_years": years}
    with pytest.raises(DomainError) as refused:
        playbook_parse(yaml.safe_dump(content, allow_unicode=True))
    assert refused.value.errors[0].field == "retention.case_years"


def test_a_held_case_is_kept_until_released(week, people):
    hold = legal_hold_place(actor=people.director, case=week.a, reason="诉讼中")
    assert sweep(THREE_YEARS_ON).cases == 1  # D only
    assert Case.objects.get(pk=week.a.pk).description != ERASED
    legal_hold_release(hold=hold, actor=people.director, reason="诉讼结束")
    assert sweep(THREE_YEARS_ON).cases == 1
    assert Case.objects.get(pk=week.a.pk).description == ERASED


def test_a_held_customer_keeps_every_case(week, people):
    legal_hold_place(actor=people.admin, customer=people.customer, reason="监管调查")
    assert sweep(THREE_YEARS_ON).cases == 0


def _old_customer(people, phone: str, *, order_at: datetime):
    user = UserFactory(username=f"c{phone}", role="customer", email=f"{phone}@example.com")
    customer = CustomerFactory(name="王五", phone=phone, user=user)
    with time_machine.travel(order_at, tick=False):
        order = OrderFactory(customer=customer, paid_at=order_at)
        OrderLineFactory(order=order, line_no=1)
        case = make_case(order, people.agent)
        case_transition(case=case, actor=user, action="cancel", version=case.version, reason="买错了")
    return customer


def test_customers_with_nothing_recent_are_anonymised(people):
    with time_machine.travel(datetime(2026, 1, 5, tzinfo=TZ), tick=False):
        gone = _old_customer(people, "13700000001", order_at=datetime(2026, 1, 5, tzinfo=TZ))
        kept = _old_customer(people, "13700000002", order_at=datetime(2026, 1, 5, tzinfo=TZ))
        source = InboundSource.objects.create(
            name="微信", slug="wechat", adapter="generic", secret="s", acts_as=people.agent
        )
        SocialIdentity.objects.create(source=source, external_user_id="wx-1", customer=gone)
        sign_in_code = OutboxMessage.objects.create(
            channel="sms",
            topic="portal.otp",
            recipient="13700000001",
            body="验证码 123456",
            status="sent",
            next_attempt_at=datetime(2026, 1, 5, tzinfo=TZ),
        )
        stray_mail = InboundMail.objects.create(
            message_id="<m1@example.com>",
            from_address="13700000001@Example.com",
            subject="王五的来信",
            status="unmatched",
        )
    with time_machine.travel(datetime(2029, 6, 1, tzinfo=TZ), tick=False):
        OrderFactory(customer=kept, paid_at=datetime(2029, 6, 1, tzinfo=TZ))  # a recent order

    report = sweep(datetime(2029, 6, 2, tzinfo=TZ))  # horizon: June 2026, before the personas existed

    assert report.customers == 1
    gone.refresh_from_db()
    assert (gone.name, gone.phone) == (ANONYMOUS_NAME, f"anon-{gone.pk}")
    assert not SocialIdentity.objects.filter(customer=gone).exists()
    assert set(IdentityCheck.objects.filter(order__customer=gone).values_list("phone_masked", flat=True)) == {
        ""
    }
    sign_in_code.refresh_from_db()
    stray_mail.refresh_from_db()
    assert (sign_in_code.recipient, sign_in_code.body) == ("", "") and sign_in_code.topic == "portal.otp"
    assert (stray_mail.from_address, stray_mail.subject) == ("", "")
    gone.user.refresh_from_db()
    assert not gone.user.is_active and gone.user.email == "" and not gone.user.has_usable_password()
    assert Customer.objects.get(pk=kept.pk).name == "王五"
    assert gone.orders.count() == 1  # the order (amounts, dates) stays for the statistics
    assert PrivacyEvent.objects.filter(kind="customer.anonymised", customer=gone).count() == 1
    assert sweep(datetime(2029, 6, 2, tzinfo=TZ)).customers == 0


def test_a_runner_that_read_the_case_before_another_changed_it_does_nothing(week):
    stale = Case.objects.get(pk=week.a.pk)
    Case.objects.filter(pk=week.a.pk).update(version=stale.version + 1)  # another runner's claim
    assert case_erase(stale) is None
    assert Case.objects.get(pk=week.a.pk).description != ERASED


def test_the_daily_task_runs_the_sweep(week):
    from aftersale.celery import app
    from aftersale.schedule import SCHEDULE

    assert SCHEDULE["aftersale.privacy.retention_sweep"] == 24 * 3600
    app.loader.import_default_modules()
    with time_machine.travel(THREE_YEARS_ON, tick=False):
        result = app.tasks["aftersale.privacy.retention_sweep"].apply().get()
    assert result["cases"] == 2 and result["horizon"].startswith("2026-11-30")


def test_free_text_in_event_payloads_goes_and_codes_stay(week):
    from aftersale.cases.services import event_record

    a = Case.objects.get(pk=week.a.pk)
    event_record(
        case=a,
        kind="work_order.created",
        actor=None,
        payload={"work_order": "WO1", "action": "联系张小明取件"},
    )
    event_record(
        case=a, kind="work_order.completed", actor=None, payload={"work_order": "WO1", "result": "已取"}
    )
    event_record(
        case=a, kind="follow_up.opened", actor=None, payload={"params": {"name": "张小明"}, "score": 2}
    )

    sweep(THREE_YEARS_ON)

    payloads = {e.kind: e.payload for e in CaseEvent.objects.filter(case=a)}
    assert payloads["work_order.created"] == {"work_order": "WO1", "action": ERASED}
    assert payloads["work_order.completed"] == {"work_order": "WO1", "result": ERASED}
    assert payloads["follow_up.opened"] == {"params": ERASED, "score": 2}
    closed = CaseEvent.objects.get(case=a, kind="case.transitioned", to_status="closed")
    assert closed.payload["action"] == "close"  # a transition's action is a code, kept for mining
    assert not any(
        "张小明" in str(p) for p in CaseEvent.objects.filter(case=a).values_list("payload", flat=True)
    )
