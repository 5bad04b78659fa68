"""Pickups (上门取件) booked through the signed JSON carrier client, against a fake carrier."""

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from django.utils import timezone

from aftersale.fulfilment.carriers import CarrierError, Party, PickupRequest, SignedJsonCarrier
from aftersale.fulfilment.models import CostEntry, ReturnStatus
from tests.fakes.carrier import FakeCarrierServer

from .goods import approved_case, rma_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def carrier(settings):
    with FakeCarrierServer(fee=Decimal("15.50")) as server:
        settings.CARRIER_API_URL = server.url
        settings.CARRIER_APP_KEY = server.app_key
        settings.CARRIER_SECRET = server.secret
        settings.CARRIER_TIMEOUT_SECONDS = 1
        yield server


@pytest.fixture
def rma(people, order):
    return rma_of(approved_case(order, people, category="quality_fault"))


def _window() -> dict:
    start = (timezone.now() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    return {"window_start": start.isoformat(), "window_end": (start + timedelta(hours=3)).isoformat()}


def _pickup(**overrides) -> dict:
    return {"address": "上海市徐汇区漕溪北路 100 号 2 单元 301", **_window(), **overrides}


def test_the_customer_books_a_pickup_and_its_fee_is_a_cost(api, people, rma, carrier):
    answer = api(people.customer_user).post(f"/returns/{rma.number}/pickup", _pickup())
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (
        body["carrier"] == "SF"
        and body["tracking_no"].startswith("SF")
        and body["pickup_ref"] == "PK00000001"
    )

    sent = carrier.requests[0]
    assert sent["merchant_order_no"] == rma.number
    assert sent["sender"] == {
        "name": "张小明",
        "phone": "13812345678",
        "address": "上海市徐汇区漕溪北路 100 号 2 单元 301",
    }
    assert sent["receiver"]["address"] == rma.address
    assert sent["pay_by"] == "receiver"  # a quality return: the seller pays
    cost = CostEntry.objects.get(case=rma.case, kind="pickup")
    assert (cost.amount, cost.source) == (Decimal("15.50"), f"pickup:{rma.number}")

    # The waybill the carrier gave is what the warehouse scans.
    assert api(people.warehouse).post("/returns/receive", {"code": body["tracking_no"]}).status_code == 200
    assert rma_of(rma.case).status == ReturnStatus.RECEIVED


def test_a_pickup_is_booked_once(api, people, rma, carrier):
    assert api(people.agent).post(f"/returns/{rma.number}/pickup", _pickup()).status_code == 200
    again = api(people.agent).post(f"/returns/{rma.number}/pickup", _pickup())
    assert again.status_code == 400 and again.json()["errors"][0]["code"] == "invalid_status"
    assert len(carrier.requests) == 1 and CostEntry.objects.filter(kind="pickup").count() == 1


def test_the_carrier_refusing_or_failing_changes_nothing(api, people, rma, carrier):
    carrier.refuse_next("E2001", "该地址超出服务范围")
    refused = api(people.agent).post(f"/returns/{rma.number}/pickup", _pickup())
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "carrier_refused"
    assert "超出服务范围" in refused.json()["errors"][0]["message"]

    carrier.fail_next(503, times=2)
    down = api(people.agent).post(f"/returns/{rma.number}/pickup", _pickup())
    assert down.status_code == 502 and down.json()["errors"][0]["code"] == "carrier_unavailable"
    assert rma_of(rma.case).pickup_ref == "" and not CostEntry.objects.exists()


def test_one_failed_attempt_is_retried_with_the_same_order_number(api, people, rma, carrier):
    carrier.fail_next(502)
    assert api(people.agent).post(f"/returns/{rma.number}/pickup", _pickup()).status_code == 200
    assert [r["merchant_order_no"] for r in carrier.requests] == [rma.number, rma.number]
    assert len(carrier.bookings) == 1


def test_a_wrong_secret_is_our_fault_not_the_customers(api, people, rma, carrier, settings):
    settings.CARRIER_SECRET = "not-the-secret"
    answer = api(people.agent).post(f"/returns/{rma.number}/pickup", _pickup())
    assert answer.status_code == 502 and answer.json()["errors"][0]["code"] == "carrier_unavailable"
    assert carrier.rejected == 1 and not carrier.bookings


def test_without_a_carrier_the_customer_ships_it_themselves(api, people, rma, settings):
    settings.CARRIER_API_URL = ""
    answer = api(people.customer_user).post(f"/returns/{rma.number}/pickup", _pickup())
    assert answer.status_code == 400 and answer.json()["errors"][0]["code"] == "carrier_not_configured"


def test_the_pickup_window_and_address_are_checked(api, people, rma, carrier):
    start = timezone.now() + timedelta(days=10)
    late = {"window_start": start.isoformat(), "window_end": (start + timedelta(hours=20)).isoformat()}
    answer = api(people.agent).post(f"/returns/{rma.number}/pickup", _pickup(**late))
    assert {e["field"] for e in answer.json()["errors"]} == {"window_start", "window_end"}
    assert not carrier.requests


def test_the_client_times_out_and_the_retry_gets_the_booking_already_made():
    with FakeCarrierServer() as server:
        server.stall_next(1.0)
        client = SignedJsonCarrier(
            base_url=server.url, app_key=server.app_key, secret=server.secret, timeout=0.3
        )
        booking = client.book_pickup(_request("RMA20261116000009"))
        assert booking.pickup_no == "PK00000001" and len(server.bookings) == 1


def test_an_unreachable_carrier_is_a_retryable_error():
    client = SignedJsonCarrier(
        base_url="http://127.0.0.1:9",
        app_key="k",
        secret="s",
        timeout=0.5,
        transport=httpx.HTTPTransport(retries=0),
    )
    with pytest.raises(CarrierError) as raised:
        client.book_pickup(_request("RMA1"))
    assert raised.value.retryable


def _request(order_no: str) -> PickupRequest:
    start = timezone.now() + timedelta(hours=2)
    party = Party(name="张小明", phone="13812345678", address="上海市徐汇区漕溪北路 100 号")
    return PickupRequest(
        order_no=order_no,
        sender=party,
        receiver=party,
        window_start=start,
        window_end=start + timedelta(hours=2),
        description="空气炸锅",
        quantity=1,
        freight_payer="buyer",
    )
