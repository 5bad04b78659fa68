import pytest
import yaml

from aftersale.cases.models import Evidence
from aftersale.policy.services import DEFAULT_PLAYBOOK

pytestmark = pytest.mark.django_db


def test_invalid_upload_returns_every_error_with_its_path(api, people):
    data = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    data["returns"]["no_reason"]["window_days"] = 3
    data["service_levels"]["refund_after_receipt_hours"] = 200
    response = api(people.director).post(
        "/playbook/versions", {"source": yaml.safe_dump(data), "reason": "测试"}
    )
    assert response.status_code == 400
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["returns.no_reason.window_days", "service_levels.refund_after_receipt_hours"]
    assert api(people.director).get("/playbook").json()["number"] == 1


def test_publish_export_and_diff(api, people):
    data = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    data["returns"]["any_reason_exchange_days"] = 30
    client = api(people.director)
    created = client.post(
        "/playbook/versions", {"source": yaml.safe_dump(data, allow_unicode=True), "reason": "30天换货"}
    )
    assert created.status_code == 201 and created.json()["number"] == 2
    exported = client.get("/playbook/versions/2/yaml")
    assert exported.status_code == 200 and "any_reason_exchange_days: 30" in exported.content.decode()
    diff = client.get("/playbook/diff", {"from": 1, "to": 2}).json()
    assert diff["changes"] == [{"path": "returns.any_reason_exchange_days", "old": 0, "new": 30}]


def test_agent_may_read_but_not_publish(api, people):
    client = api(people.agent)
    assert client.get("/playbook").status_code == 200
    assert client.post("/playbook/versions", {"source": "name: x", "reason": "x"}).status_code == 403


def test_case_eligibility_explains_each_resolution(api, people, case):
    response = api(people.customer_user).get(f"/cases/{case.number}/eligibility")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["playbook_version"] == 1
    line = body["lines"][0]
    by_resolution = {e["resolution"]: e for e in line["entitlements"]}
    assert set(by_resolution) == {"return_refund", "exchange", "repair", "refund_only", "compensation"}
    assert by_resolution["return_refund"]["eligible"] is True
    assert by_resolution["return_refund"]["freight_payer"] == "seller"
    assert line["missing_evidence"] == ["item_photo", "video"]
    assert any("还需提供" in r for r in by_resolution["return_refund"]["reasons"])


def test_evidence_on_the_case_counts(api, people, case):
    Evidence.objects.create(
        case=case, kind="item_photo", file="x.png", content_type="image/png", size=1, sha256="0"
    )
    line = api(people.agent).get(f"/cases/{case.number}/eligibility").json()["lines"][0]
    assert line["missing_evidence"] == ["video"]


def test_intake_eligibility_for_own_order_only(api, people, order):
    params = {"line_no": 1, "category": "no_reason_return"}
    own = api(people.customer_user).get(f"/orders/{order.order_no}/eligibility", params)
    assert own.status_code == 200
    assert "return_refund" in own.json()["lines"][0]["eligible"]
    other = api(people.other_customer_user).get(f"/orders/{order.order_no}/eligibility", params)
    assert other.status_code == 404
