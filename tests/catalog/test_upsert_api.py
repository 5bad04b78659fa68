"""PUT /api/v1/orders: JSON upsert, idempotent on order no.; each order is stored or refused whole."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from aftersale.catalog.models import Customer, Order, OrderLine, Product

pytestmark = pytest.mark.django_db

ORDER = {
    "order_no": "JD5001",
    "channel": "platform",
    "store": "京东自营",
    "customer": {"name": "赵六", "phone": "13700000001", "tier": "silver"},
    "paid_at": "2026-11-20T10:00:00+08:00",
    "signed_at": "2026-11-22T15:00:00+08:00",
    "payment_method": "wechat",
    "paid_amount": "449.00",
    "shipping_fee": "10.00",
    "gifts": [{"name": "清洁刷", "value": "5.00"}],
    "lines": [
        {
            "line_no": 1,
            "sku": "SKU-K1",
            "product_name": "电水壶",
            "category": "appliance",
            "quantity": 1,
            "unit_price": "299.00",
            "serial_no": "K1-0001",
        },
        {"line_no": 2, "sku": "SKU-K2", "product_name": "滤芯", "quantity": 3, "unit_price": "50.00"},
    ],
}


def _order(**changes):
    order = copy.deepcopy(ORDER)
    order.update(changes)
    return order


def _put(api, user, orders, **extra):
    return api(user).put("/orders", {"orders": orders}, **extra)


def test_orders_are_created_with_their_lines(api, people):
    response = _put(api, people.director, [ORDER, _order(order_no="JD5002", lines=ORDER["lines"][:1])])

    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0, "lines": 3, "errors": [], "ignored_columns": []}
    order = Order.objects.get(order_no="JD5001")
    assert order.goods_amount == Decimal("449.00") and order.shipping_fee == Decimal("10.00")
    assert order.gifts == [{"name": "清洁刷", "value": "5.00"}]
    assert order.customer.phone == "13700000001" and order.customer.tier == "silver"
    assert [(line.line_no, line.product.sku, line.quantity) for line in order.lines.order_by("line_no")] == [
        (1, "SKU-K1", 1),
        (2, "SKU-K2", 3),
    ]
    assert Product.objects.get(sku="SKU-K1").category == "appliance"
    assert Product.objects.get(sku="SKU-K2").category == "other"


def test_the_same_batch_twice_changes_nothing(api, people):
    _put(api, people.director, [ORDER])
    snapshot = list(Order.objects.values()), list(OrderLine.objects.values()), list(Customer.objects.values())

    again = _put(api, people.director, [ORDER])

    assert again.json() == {"created": 0, "updated": 1, "lines": 2, "errors": [], "ignored_columns": []}
    orders, lines, customers = snapshot
    assert [{**o, "updated_at": None} for o in Order.objects.values()] == [
        {**o, "updated_at": None} for o in orders
    ]
    assert list(OrderLine.objects.values()) == lines
    assert list(Customer.objects.values()) == customers


def test_an_update_replaces_the_values_given(api, people):
    _put(api, people.director, [ORDER])
    changed = _order(store="京东旗舰店", paid_amount="599.00")
    changed["lines"][1]["quantity"] = 6
    changed["customer"]["tier"] = "gold"

    response = _put(api, people.team_lead, [changed])

    assert response.json()["updated"] == 1
    order = Order.objects.get(order_no="JD5001")
    assert order.store == "京东旗舰店" and order.paid_amount == Decimal("599.00")
    assert order.lines.get(line_no=2).quantity == 6
    assert order.goods_amount == Decimal("599.00")
    assert order.customer.tier == "gold"
    assert Order.objects.count() == 1 and OrderLine.objects.count() == 2


def _bad(path: str, value):
    order = _order(order_no="JD6001")
    target = order
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is _DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return order


_DELETE = object()

BAD = [
    ("customer.phone", "12", "customer.phone", "长度不能少于 5"),
    ("customer", _DELETE, "customer", "此字段为必填项"),
    ("channel", "fax", "channel", "必须是以下之一：'platform', 'own_store', 'social' or 'offline'"),
    ("paid_amount", "-1", "paid_amount", "必须大于或等于 0"),
    ("paid_amount", "12.345", "paid_amount", "最多保留 2 位小数"),
    ("paid_at", "yesterday", "paid_at", "不是有效的日期时间（示例：2026-11-22 14:30:00）"),
    ("paid_at", "0001-01-01T00:00:00", "paid_at", "不是有效的日期时间（示例：2026-11-22 14:30:00）"),
    ("lines", [], "lines", "长度不能少于 1"),
    ("lines.1.line_no", 1, "lines", "行号重复"),
    ("lines.0.quantity", 0, "lines.0.quantity", "必须大于或等于 1"),
    ("lines.0.quantity", 2**70, "lines.0.quantity", "必须小于或等于 1000000"),
    ("lines.0.unit_price", "1e30", "lines.0.unit_price", "数值过大"),
    ("lines.0.unit_price", "NaN", "lines.0.unit_price", None),
    ("lines.1.quantity", 1_000_000, None, None),
    ("lines.0.sku", "", "lines.0.sku", "长度不能少于 1"),
    ("store", "店\x00铺", "store", "包含不允许的控制字符"),
    ("customer.name", "赵\x00六", "customer.name", "包含不允许的控制字符"),
    ("gifts", "清洁刷", "gifts", "必须是列表"),
    ("order_no", "JD 6001", "order_no", None),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    BAD,
    ids=[f"{b[0]}={'<deleted>' if b[1] is _DELETE else repr(b[1])}"[:40] for b in BAD],
)
def test_a_bad_order_is_reported_by_index_and_field_and_the_others_go_in(
    api, people, path, value, field, message
):
    bad = _bad(path, value)
    if path == "lines.1.quantity":  # valid alone; together the lines are worth more than an amount holds
        bad["lines"][1]["unit_price"] = "999999.99"
        bad["lines"][0]["quantity"] = 1_000_000
        bad["lines"][0]["unit_price"] = "999999.99"
        field, message = "lines", "订单商品金额合计过大"

    response = _put(api, people.director, [ORDER, bad, _order(order_no="JD5003")])

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["lines"]) == (2, 4)
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(2, field)]
    if message is not None:
        assert body["errors"][0]["message"] == message
    assert body["errors"][0]["message"]
    assert set(Order.objects.values_list("order_no", flat=True)) == {"JD5001", "JD5003"}


def test_an_unknown_sku_without_a_name_is_refused(api, people):
    unknown = _order(order_no="JD6002")
    unknown["lines"][1] = {"line_no": 2, "sku": "SKU-NEW", "quantity": 1, "unit_price": "1.00"}
    body = _put(api, people.director, [unknown]).json()
    assert body["errors"] == [
        {"line": 1, "field": "sku", "message": "未知的 SKU：SKU-NEW（新商品需填写 product_name）"}
    ]
    assert not Order.objects.exists() and not Customer.objects.filter(phone="13700000001").exists()
    assert not Product.objects.filter(sku="SKU-K1").exists()


def test_every_error_of_an_order_is_reported(api, people):
    bad = _order(order_no="JD6003", channel="fax", paid_amount="x")
    body = _put(api, people.director, [bad]).json()
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(1, "channel"), (1, "paid_amount")]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "orders"),
        ({"orders": "JD5001"}, "orders"),
        ({"orders": [1, 2]}, "orders.0"),
    ],
)
def test_a_body_of_the_wrong_shape_is_refused(api, people, payload, field):
    response = api(people.director).put("/orders", payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not Order.objects.exists()


def test_a_body_that_is_not_json_is_refused_with_a_clear_error(api, people):
    response = api(people.director).client.put(
        "/api/v1/orders", data="{orders: [", content_type="application/json", **api(people.director).headers
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"field": "body", "message": "请求体不是有效的 JSON", "code": "invalid_json"}]
    }


def test_more_than_5000_orders_at_once_are_refused(api, people):
    response = _put(api, people.director, [{}] * 5001)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "orders", "message": "每次最多 5000 个订单", "code": "invalid"}
    ]


def test_only_leads_directors_and_admins_may_upsert(api, people):
    response = _put(api, people.agent, [ORDER])
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_an_upserted_order_can_be_read_back(api, people):
    _put(api, people.director, [ORDER])
    body = api(people.agent).get("/orders/JD5001").json()
    assert body["goods_amount"] == "449.00" and body["customer_phone"] == "13700000001"
    assert [line["sku"] for line in body["lines"]] == ["SKU-K1", "SKU-K2"]
    assert body["paid_at"] == "2026-11-20T02:00:00Z"


def test_reading_an_unknown_order_is_404(api, people):
    response = api(people.agent).get("/orders/NOPE")
    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"field": "order_no", "message": "订单号不存在", "code": "invalid"}]
    }


@pytest.mark.parametrize("order_no", ["a\x00b", "x" * 65, "订单", "a b"])
def test_reading_a_malformed_order_number_is_refused_not_a_crash(api, people, order_no):
    from urllib.parse import quote

    response = api(people.agent).get("/orders/" + quote(order_no, safe=""))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["order_no"]


def test_the_batch_is_one_json_document(api, people):
    raw = json.dumps({"orders": [ORDER]})
    client = api(people.director)
    response = client.client.put(
        "/api/v1/orders", data=raw, content_type="application/json", **client.headers
    )
    assert response.status_code == 200 and response.json()["created"] == 1


def test_times_with_any_offset_are_stored_as_the_same_instant(api, people):
    response = _put(api, people.director, [_order(paid_at="2026-11-20T22:00:00+20:00")])
    assert response.json()["errors"] == []
    assert Order.objects.get().paid_at.isoformat() == "2026-11-20T02:00:00+00:00"
