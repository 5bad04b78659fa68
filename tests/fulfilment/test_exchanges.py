"""Quality exchanges: stock reserved, the replacement shipped and delivered, the case resolved."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from aftersale.cases.models import Case
from aftersale.common.errors import DomainError
from aftersale.fulfilment.models import CostEntry, ExchangeShipment, StockItem
from aftersale.fulfilment.services.exchanges import exchange_create

from .goods import approved_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def exchange(people, order):
    """An approved quality exchange of one unit of line 1."""
    return approved_case(order, people, category="quality_fault", resolution="exchange")


def _stock(case, on_hand: int) -> StockItem:
    return StockItem.objects.create(product=case.lines.get().order_line.product, on_hand=on_hand)


def test_the_replacement_is_reserved_shipped_and_delivered_and_the_case_resolved(api, people, exchange):
    stock = _stock(exchange, on_hand=5)
    answer = api(people.agent).post(f"/cases/{exchange.number}/exchange")
    assert answer.status_code == 201, answer.json()
    [shipment] = answer.json()
    assert shipment["status"] == "reserved" and shipment["quantity"] == 1
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (5, 1)
    assert Case.objects.get(pk=exchange.pk).status == "in_fulfilment"

    shipped = api(people.warehouse).post(
        f"/exchanges/{shipment['id']}/shipped",
        {"carrier": "顺丰速运", "tracking_no": "SF5566778899", "freight": "14.00"},
    )
    assert shipped.status_code == 200, shipped.json()
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (4, 0)
    costs = dict(CostEntry.objects.filter(case=exchange).values_list("kind", "amount"))
    assert costs == {"replacement": Decimal("399.00"), "freight": Decimal("14.00")}

    delivered = api(people.warehouse).post(f"/exchanges/{shipment['id']}/delivered")
    assert delivered.status_code == 200 and delivered.json()["status"] == "delivered"
    case = Case.objects.get(pk=exchange.pk)
    assert case.status == "resolved" and case.outcome_note == "换货商品已签收"
    seen = {e["kind"] for e in api(people.customer_user).get(f"/cases/{case.number}/events").json()}
    assert {"exchange.reserved", "exchange.shipped", "exchange.delivered"} <= seen


def test_out_of_stock_is_refused_naming_the_refund_instead(api, people, exchange):
    _stock(exchange, on_hand=0)
    answer = api(people.agent).post(f"/cases/{exchange.number}/exchange")
    assert answer.status_code == 400
    error = answer.json()["errors"][0]
    assert error["code"] == "out_of_stock" and "退货退款" in error["message"]
    assert not ExchangeShipment.objects.exists()
    assert Case.objects.get(pk=exchange.pk).status == "approved"


def test_the_last_item_goes_to_one_exchange_only(people, order):
    first = approved_case(order, people, category="quality_fault", resolution="exchange")
    second = approved_case(order, people, category="quality_fault", resolution="exchange")
    stock = _stock(first, on_hand=1)
    exchange_create(case=first, actor=people.agent)
    with pytest.raises(DomainError) as refused:
        exchange_create(case=second, actor=people.agent)
    assert refused.value.errors[0].code == "out_of_stock"
    stock.refresh_from_db()
    assert stock.reserved == 1


def test_steps_happen_in_order_and_once(api, people, exchange):
    _stock(exchange, on_hand=2)
    [shipment] = api(people.agent).post(f"/cases/{exchange.number}/exchange").json()
    assert api(people.agent).post(f"/cases/{exchange.number}/exchange").status_code == 409
    assert api(people.warehouse).post(f"/exchanges/{shipment['id']}/delivered").status_code == 409
    waybill = {"carrier": "顺丰速运", "tracking_no": "SF5566778899"}
    assert api(people.customer_user).post(f"/exchanges/{shipment['id']}/shipped", waybill).status_code == 403
    assert (
        api(people.other_customer_user).post(f"/exchanges/{shipment['id']}/shipped", waybill).status_code
        == 404
    )
    assert api(people.warehouse).post(f"/exchanges/{shipment['id']}/shipped", waybill).status_code == 200
    assert api(people.warehouse).post(f"/exchanges/{shipment['id']}/shipped", waybill).status_code == 409


def test_only_an_approved_exchange_gets_a_replacement(api, people, order):
    refund_case = approved_case(order, people)
    answer = api(people.agent).post(f"/cases/{refund_case.number}/exchange")
    assert answer.json()["errors"][0]["code"] == "not_exchange"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_exchanges_never_promise_the_same_item_twice(people, order):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers")
    cases = [approved_case(order, people, category="quality_fault", resolution="exchange") for _ in range(6)]
    stock = _stock(cases[0], on_hand=2)
    outcomes: list[str] = []
    start = threading.Barrier(len(cases))

    def attempt(case) -> None:
        try:
            start.wait()
            exchange_create(case=case, actor=people.agent)
            outcomes.append("reserved")
        except DomainError as exc:
            outcomes.append(exc.errors[0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["out_of_stock"] * 4 + ["reserved"] * 2
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (2, 2)
