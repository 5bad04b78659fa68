"""Batch-defect detection: a planted spike is found and reported once; normal noise is not."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersale.cases.models import CaseEvent
from aftersale.fulfilment.models import WorkOrder
from aftersale.quality.defects import batch_defects_scan, find_spikes, poisson_upper_tail
from aftersale.quality.models import BatchDefect
from aftersale.sla.models import Alert
from tests.conftest import make_case
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TZ)
SOLD = datetime(2026, 10, 1, 10, 0, tzinfo=TZ)


def test_the_poisson_tail_is_exact():
    assert poisson_upper_tail(0, 3.0) == 1.0
    assert poisson_upper_tail(1, 1.0) == pytest.approx(0.632121, abs=1e-6)
    assert poisson_upper_tail(5, 2.5) == pytest.approx(0.108822, abs=1e-6)
    direct = sum(math.exp(-0.5) * 0.5**i / math.factorial(i) for i in range(8, 60))
    assert poisson_upper_tail(8, 0.5) == pytest.approx(direct, rel=1e-12)  # ≈ 6.22e-8
    assert 0 < poisson_upper_tail(60, 0.5) < 1e-70  # far in the tail, still not rounded to 0


def _sell(customer, product, batch: str, n: int) -> list:
    orders = []
    for _ in range(n):
        order = OrderFactory(customer=customer, paid_at=SOLD, shipped_at=SOLD, signed_at=SOLD)
        OrderLineFactory(order=order, line_no=1, product=product, quantity=1, batch_no=batch)
        orders.append(order)
    return orders


def _complain(orders, agent, days_before_now: list[float]) -> list:
    cases = []
    for order, days in zip(orders, days_before_now, strict=False):
        with time_machine.travel(NOW - timedelta(days=days), tick=False):
            cases.append(make_case(order, agent))
    return cases


@pytest.fixture
def sales(people):
    x, y = ProductFactory(sku="SKU-X"), ProductFactory(sku="SKU-Y")
    orders = {
        (sku.sku, batch): _sell(people.customer, sku, batch, 20) for sku in (x, y) for batch in ("B1", "B2")
    }
    agent = people.agent
    # SKU-X: 2 cases per batch in the 56-day baseline, then 8 from batch B2 in the last 14 days.
    _complain(orders["SKU-X", "B1"], agent, [20, 40])
    _complain(orders["SKU-X", "B2"][:2], agent, [25, 50])
    spike = _complain(orders["SKU-X", "B2"][2:], agent, [1, 2, 3, 4, 5, 6, 8, 10])
    _complain(orders["SKU-X", "B1"][2:], agent, [3])
    # SKU-Y: a steady 10 cases per batch in the baseline, then 4 and 5 in the window: noise.
    _complain(orders["SKU-Y", "B1"], agent, [15 + 5 * i for i in range(10)])
    _complain(orders["SKU-Y", "B2"], agent, [16 + 5 * i for i in range(10)])
    _complain(orders["SKU-Y", "B1"][10:], agent, [1, 4, 7, 12])
    _complain(orders["SKU-Y", "B2"][10:], agent, [2, 5, 8, 11, 13])
    return spike


def test_a_planted_spike_is_found_and_noise_is_not(sales):
    spikes = find_spikes(now=NOW)
    assert [(s.sku, s.batch_no, s.observed) for s in spikes] == [("SKU-X", "B2", 8)]
    assert spikes[0].expected == 0.5  # 4 baseline cases × 14/56 days × half the units
    assert spikes[0].p_value == pytest.approx(poisson_upper_tail(8, 0.5))
    assert set(spikes[0].case_ids) == {c.pk for c in sales}


def test_a_spike_opens_a_qc_work_order_links_the_cases_and_alerts(sales, people):
    with time_machine.travel(NOW, tick=False):
        found = batch_defects_scan()
    assert len(found) == 1
    defect = found[0]
    assert (defect.sku, defect.batch_no, defect.observed) == ("SKU-X", "B2", 8)
    assert set(defect.cases.values_list("pk", flat=True)) == {c.pk for c in sales}
    work_order = WorkOrder.objects.get(pk=defect.work_order_id)
    assert work_order.department == "qc" and "B2" in work_order.action and "SKU-X" in work_order.action
    assert work_order.case_id == max(sales, key=lambda c: c.created_at).pk
    assert set(Alert.objects.filter(kind="batch_defect").values_list("recipient__username", flat=True)) == {
        "qc",
        "director",
    }
    assert CaseEvent.objects.filter(kind="quality.batch_defect").count() == 8
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert batch_defects_scan() == []  # reported once
    assert BatchDefect.objects.count() == 1


def test_a_new_sku_needs_a_clear_excess(people):
    z = ProductFactory(sku="SKU-Z")
    orders = _sell(people.customer, z, "Z1", 10)
    _complain(orders, people.agent, [1, 2, 3])
    assert find_spikes(now=NOW) == []  # 3 against the floor of 0.5: p ≈ 0.014
    _complain(orders[3:], people.agent, [4, 5])
    assert [s.batch_no for s in find_spikes(now=NOW)] == ["Z1"]  # 5: p ≈ 0.00017
