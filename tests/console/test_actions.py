"""The case page's working actions: claim and assign, edit, red ticket, staff evidence, compensation
and its approval; the search that keeps a phone number out of the URL; the work-order queue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersale.cases.models import Case
from aftersale.fulfilment.models import CompensationOffer, OfferStatus, WorkOrder
from aftersale.fulfilment.services.workorders import work_order_create
from aftersale.sla.models import CaseRisk
from tests.helpers import png_bytes

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _post(client, case, what: str, data: dict, **extra):
    return client.post(f"/console/cases/{case.number}/{what}/", data, **extra)


def test_an_agent_claims_an_unassigned_case(as_user, people, case):
    client = as_user(people.agent)
    page = client.get(f"/console/cases/{case.number}/").content.decode()
    assert 'data-shortcut="claim"' in page and 'id="assignee-select"' not in page  # agents only claim
    response = _post(client, case, "assign", {"version": case.version, "claim": "on"}, **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.assignee == people.agent and case.team == people.team
    assert 'data-shortcut="claim"' not in response.content.decode()


def test_an_agent_may_not_hand_a_case_to_someone_else(as_user, people, case):
    response = _post(
        as_user(people.agent),
        case,
        "assign",
        {"version": case.version, "assignee": people.other_agent.pk},
        **HTMX,
    )
    assert response.status_code == 403
    assert "客服专员只能认领未分派的售后单给自己" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None


def test_a_team_lead_assigns_and_a_stale_version_is_refused(as_user, people, case):
    client = as_user(people.team_lead)
    assert 'id="assignee-select"' in client.get(f"/console/cases/{case.number}/").content.decode()
    _post(client, case, "assign", {"version": case.version, "assignee": people.agent.pk}, **HTMX)
    case.refresh_from_db()
    assert case.assignee == people.agent
    stale = _post(
        client, case, "assign", {"version": case.version - 1, "assignee": people.team_lead.pk}, **HTMX
    )
    assert stale.status_code == 409
    assert Case.objects.get(pk=case.pk).assignee == people.agent


def test_edit_priority_category_and_department(as_user, people, case):
    client = as_user(people.agent)
    data = {
        "version": case.version,
        "priority": "P1",
        "category": "transit_damage",
        "department": "warehouse",
    }
    response = _post(client, case, "update", data, **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.priority, case.category.code, case.department) == ("P1", "transit_damage", "warehouse")
    assert "修改售后单" in response.content.decode()  # the change is on the timeline
    bad = _post(client, case, "update", {"version": case.version, "priority": "P9"}, **HTMX)
    assert bad.status_code == 400
    assert Case.objects.get(pk=case.pk).priority == "P1"


def test_only_leads_set_a_red_ticket(as_user, people, case):
    agent_page = as_user(people.agent).get(f"/console/cases/{case.number}/").content.decode()
    assert 'data-shortcut="red-ticket"' not in agent_page
    refused = _post(as_user(people.agent), case, "red-ticket", {"on": "1"}, **HTMX)
    assert refused.status_code == 403
    lead = as_user(people.team_lead)
    response = _post(lead, case, "red-ticket", {"on": "1"}, **HTMX)
    assert response.status_code == 200
    assert CaseRisk.objects.get(case=case).is_red_ticket
    html = response.content.decode()
    assert "红头督办开启" in html and "解除红头督办" in html
    _post(lead, case, "red-ticket", {"on": "0"}, **HTMX)
    assert not CaseRisk.objects.get(case=case).is_red_ticket


def test_staff_upload_evidence_and_a_wrong_type_is_named(as_user, people, case):
    client = as_user(people.agent)
    photo = SimpleUploadedFile("box.png", png_bytes(), content_type="image/png")
    response = _post(client, case, "evidence", {"kind": "box_photo", "file": photo})
    assert response.status_code == 302
    assert case.evidence.get().kind == "box_photo"
    text = SimpleUploadedFile("notes.txt", b"just text", content_type="text/plain")
    refused = _post(client, case, "evidence", {"kind": "other", "file": text})
    assert refused.status_code == 400
    assert "不支持的文件类型" in refused.content.decode()
    assert case.evidence.count() == 1


def test_an_over_limit_offer_waits_for_the_lead_who_approves_it_in_the_inbox(as_user, people, case):
    agent = as_user(people.agent)
    response = _post(agent, case, "compensation", {"kind": "balance_credit", "amount": "120.00"}, **HTMX)
    assert response.status_code == 200
    offer = CompensationOffer.objects.get(case=case)
    assert offer.status == OfferStatus.PENDING_APPROVAL and offer.amount == Decimal("120.00")
    assert 'data-decide="approve"' not in response.content.decode()  # nobody approves their own

    lead = as_user(people.team_lead)
    inbox = lead.get("/console/approvals/").content.decode()
    assert case.number in inbox and "¥120.00" in inbox
    decided = lead.post(
        f"/console/compensation/{offer.pk}/approve/", {"version": offer.version, "next": "approvals"}
    )
    assert decided.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OFFERED and offer.decided_by == people.team_lead
    assert case.number not in lead.get("/console/approvals/").content.decode()


def test_a_rejection_needs_a_note_and_agents_have_no_inbox(as_user, people, case):
    _post(as_user(people.agent), case, "compensation", {"kind": "coupon", "amount": "80"}, **HTMX)
    offer = CompensationOffer.objects.get(case=case)
    lead = as_user(people.team_lead)
    refused = lead.post(f"/console/compensation/{offer.pk}/reject/", {"version": offer.version}, **HTMX)
    assert refused.status_code == 400
    assert CompensationOffer.objects.get(pk=offer.pk).status == OfferStatus.PENDING_APPROVAL
    lead.post(
        f"/console/compensation/{offer.pk}/reject/", {"version": offer.version, "note": "金额过高"}, **HTMX
    )
    assert CompensationOffer.objects.get(pk=offer.pk).status == OfferStatus.REJECTED
    assert (
        "只有客服组长和售后总监审批补偿" in as_user(people.agent).get("/console/approvals/").content.decode()
    )


def test_search_by_phone_keeps_the_number_out_of_the_url(as_user, people, case):
    client = as_user(people.agent)
    response = client.post("/console/search/", {"q": "138 1234 5678"})
    assert response.status_code == 302
    assert "1234" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert case.number in page and "的搜索结果" in page
    cleared = client.post("/console/search/", {"q": ""})
    assert cleared["Location"] == "/console/"


def test_a_department_member_works_their_work_orders(as_user, people, case):
    work_order = work_order_create(
        case=case,
        actor=people.agent,
        department="warehouse",
        action="核对库存并补发配件",
        deadline=timezone.now() + timedelta(days=1),
    )
    assert work_order.number not in as_user(people.qc).get("/console/work-orders/").content.decode()
    warehouse = as_user(people.warehouse)  # the same test client, signed in again
    page = warehouse.get("/console/work-orders/").content.decode()
    assert work_order.number in page and "核对库存并补发配件" in page
    warehouse.post(f"/console/work-orders/{work_order.number}/start/", {"version": work_order.version})
    work_order.refresh_from_db()
    assert work_order.status == "in_progress"
    response = warehouse.post(
        f"/console/work-orders/{work_order.number}/complete/", {"version": work_order.version, "result": ""}
    )
    assert response.status_code == 302
    assert WorkOrder.objects.get(pk=work_order.pk).status == "in_progress"  # a result is required
    warehouse.post(
        f"/console/work-orders/{work_order.number}/complete/",
        {"version": work_order.version, "result": "已补发"},
    )
    assert WorkOrder.objects.get(pk=work_order.pk).status == "done"


def test_the_returns_desk_scans_parcels_in_and_names_what_is_wrong(as_user, people, order):
    from tests.fulfilment.goods import approved_case, rma_of

    rma = rma_of(approved_case(order, people))
    qc = as_user(people.qc)
    assert "只有仓储部和客服团队办理退货签收" in qc.get("/console/returns/").content.decode()
    refused = qc.post("/console/returns/receive/", {"code": rma.number}, follow=True)
    assert refused.status_code == 200
    rma.refresh_from_db()
    assert rma.status == "authorized"

    warehouse = as_user(people.warehouse)
    unknown = warehouse.post("/console/returns/receive/", {"code": "RMA-NOPE"}, follow=True)
    assert "未找到退货授权：RMA-NOPE" in unknown.content.decode()
    received = warehouse.post("/console/returns/receive/", {"code": rma.number})
    assert received["Location"] == f"/console/cases/{rma.case.number}/"
    rma.refresh_from_db()
    assert rma.status == "received"
    page = warehouse.get(received["Location"]).content.decode()
    assert "已签收，请验收" in page and 'data-inspect="' in page
    assert rma.number in warehouse.get("/console/returns/").content.decode()

    # A rejection without a reason or a photo is refused with both named; nothing changes.
    bad = warehouse.post(f"/console/returns/{rma.number}/inspect/", {"disposition": "reject"}, **HTMX)
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "部分通过或不通过须填写说明" in html and "部分通过或不通过须附验收照片" in html
    rma.refresh_from_db()
    assert rma.status == "received"


def test_the_case_page_shows_a_repair_with_its_state(as_user, people, order):
    from aftersale.fulfilment.services.repairs import repair_create
    from tests.fulfilment.goods import approved_case

    case = approved_case(order, people, category="quality_fault", resolution="repair")
    repair = repair_create(case=case, actor=people.agent, line_no=1, centre="上海维修中心")
    page = as_user(people.agent).get(f"/console/cases/{case.number}/").content.decode()
    assert "上海维修中心" in page and repair.get_status_display() in page
    assert f"repair-{repair.status}" in page
