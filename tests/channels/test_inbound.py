"""Inbound platform webhooks: signed JSON in the generic, Shopify and Taobao shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from aftersale.cases.models import Case
from aftersale.catalog.models import Order
from aftersale.channels.models import InboundEvent, InboundRefusal, InboundSource, Notification
from aftersale.channels.signing import signature
from aftersale.common.roles import Role
from tests.factories import OrderFactory, OrderLineFactory, UserFactory

SECRET = "platform-shared-secret-0123456789"


@pytest.fixture
def importer(people):
    return UserFactory(username="platform-bot", role=Role.ADMIN)


@pytest.fixture
def generic(importer):
    return InboundSource.objects.create(
        slug="mall", name="商城", adapter="generic", secret=SECRET, acts_as=importer, store="官方商城"
    )


def post_generic(
    body: dict | bytes, *, secret=SECRET, timestamp=None, slug="mall", language="zh-hans", **headers
):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return Client().post(
        f"/api/v1/webhooks/inbound/{slug}",
        data=raw,
        content_type="application/json",
        HTTP_X_AFTERSALE_TIMESTAMP=timestamp,
        HTTP_X_AFTERSALE_SIGNATURE=signature(secret, timestamp, raw),
        HTTP_ACCEPT_LANGUAGE=language,
        **headers,
    )


def order_event(event_id="evt-1", order_no="MALL-1001", **data):
    order = {
        "order_no": order_no,
        "channel": "own_store",
        "customer": {"name": "王五", "phone": "13700001234"},
        "paid_at": "2026-11-20T10:00:00+08:00",
        "signed_at": "2026-11-22T15:00:00+08:00",
        "payment_method": "alipay",
        "paid_amount": "598.00",
        "lines": [
            {
                "line_no": 1,
                "sku": "KETTLE-1",
                "product_name": "电热水壶",
                "category": "appliance",
                "quantity": 2,
                "unit_price": "299.00",
            }
        ],
        **data,
    }
    return {"id": event_id, "type": "order.created", "data": order}


def request_event(event_id="evt-2", order_no="MALL-1001", **data):
    return {
        "id": event_id,
        "type": "after_sales.requested",
        "data": {
            "order_no": order_no,
            "category": "quality_fault",
            "resolution": "return_refund",
            "description": "水壶底座漏电，无法使用",
            "lines": [{"line_no": 1, "quantity": 1}],
            **data,
        },
    }


def errors(response) -> dict[str, str]:
    return {e["field"]: e["code"] for e in response.json()["errors"]}


def test_a_signed_order_then_an_after_sales_request_create_the_order_and_the_case(generic):
    answer = post_generic(order_event())
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "accepted" and answer.json()["result"]["created"] == 1
    order = Order.objects.get(order_no="MALL-1001")
    assert (
        order.store == "官方商城" and order.paid_amount == Decimal("598.00") and order.signed_at is not None
    )

    answer = post_generic(request_event())
    assert answer.status_code == 200, answer.content
    case = Case.objects.get(number=answer.json()["result"]["case"])
    assert (case.order_id, case.channel, case.resolution) == (order.pk, "platform", "return_refund")
    assert Notification.objects.filter(case=case, topic="request_received").exists()
    assert InboundEvent.objects.count() == 2


def test_an_order_update_with_the_sign_off_time_updates_the_order(generic):
    post_generic(order_event(signed_at=None))
    assert Order.objects.get(order_no="MALL-1001").signed_at is None
    update = order_event("evt-3", signed_at="2026-11-23T09:30:00+08:00")
    update["type"] = "order.updated"
    assert post_generic(update).json()["result"]["updated"] == 1
    assert Order.objects.get(order_no="MALL-1001").signed_at == datetime(2026, 11, 23, 1, 30, tzinfo=UTC)


def test_a_bad_signature_is_refused_and_logged(generic):
    answer = post_generic(order_event(), secret="someone-elses-secret-000000")
    assert answer.status_code == 401
    assert errors(answer) == {"X-Aftersale-Signature": "bad_signature"}
    assert not Order.objects.exists() and not InboundEvent.objects.exists()
    refusal = InboundRefusal.objects.get()
    assert (refusal.source_slug, refusal.reason) == ("mall", "bad_signature") and len(
        refusal.body_sha256
    ) == 64
    # A body changed after signing fails the same way.
    raw = json.dumps(order_event()).encode()
    ts = str(int(time.time()))
    tampered = Client().post(
        "/api/v1/webhooks/inbound/mall",
        data=raw.replace(b"598.00", b"1.00"),
        content_type="application/json",
        HTTP_X_AFTERSALE_TIMESTAMP=ts,
        HTTP_X_AFTERSALE_SIGNATURE=signature(SECRET, ts, raw),
    )
    assert tampered.status_code == 401 and InboundRefusal.objects.count() == 2


def test_a_replayed_call_outside_the_window_is_refused(generic, settings):
    old = int(time.time()) - 3600
    answer = post_generic(order_event(), timestamp=old)
    assert answer.status_code == 401 and errors(answer) == {"X-Aftersale-Timestamp": "stale_timestamp"}
    assert InboundRefusal.objects.get().reason == "stale_timestamp" and not Order.objects.exists()
    settings.WEBHOOK_TOLERANCE_SECONDS = 7200  # the window is configurable
    assert post_generic(order_event(), timestamp=old).status_code == 200


def test_a_missing_timestamp_is_refused(generic):
    raw = json.dumps(order_event()).encode()
    answer = Client().post(
        "/api/v1/webhooks/inbound/mall",
        data=raw,
        content_type="application/json",
        HTTP_X_AFTERSALE_SIGNATURE=signature(SECRET, "", raw),
    )
    assert answer.status_code == 401 and "X-Aftersale-Timestamp" in errors(answer)


def test_a_duplicate_event_id_is_answered_without_doing_it_twice(generic):
    post_generic(order_event())
    first = post_generic(request_event())
    again = post_generic(request_event())
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate" and again.json()["result"] == first.json()["result"]
    assert Case.objects.count() == 1 and InboundEvent.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        ({"id": "e", "data": {}}, "type"),
        ({"id": "e", "type": "order.shipped", "data": {}}, "type"),
        ({"type": "order.created", "data": {}}, "id"),
        (
            order_event(lines=[{"line_no": 1, "sku": "X", "quantity": 0, "unit_price": "1.00"}]),
            "data.lines.0.quantity",
        ),
        (order_event(customer={"name": "王五"}), "data.customer.phone"),
        (request_event(category=""), "data.category"),
        (request_event(order_no="NOPE-1"), "data.order_no"),
        (request_event(lines=[{"line_no": 9, "quantity": 1}]), "data.lines.0.line_no"),
    ],
)
def test_a_malformed_body_gets_a_4xx_naming_the_field(generic, body, field):
    if isinstance(body, dict) and body.get("type") == "after_sales.requested":
        post_generic(order_event("seed"))
    answer = post_generic(body)
    assert 400 <= answer.status_code < 500, answer.content
    assert field in errors(answer), answer.json()
    assert not Case.objects.exists()


def test_errors_speak_the_callers_language(generic):
    answer = post_generic(b"{oops", language="en")
    assert answer.json()["errors"][0]["message"] == "The request body is not valid JSON"


def test_an_unknown_source_is_404_and_logged(generic):
    assert post_generic(order_event(), slug="nobody").status_code == 404
    assert InboundRefusal.objects.get().reason == "unknown_source"


# ---- Shopify ---------------------------------------------------------------------------------------

SHOPIFY_ORDER = {
    "id": 820982911946154508,
    "admin_graphql_api_id": "gid://shopify/Order/820982911946154508",
    "name": "#9999",
    "email": "jon@example.com",
    "phone": None,
    "created_at": "2026-11-21T10:00:00+08:00",
    "processed_at": "2026-11-21T10:00:05+08:00",
    "currency": "CNY",
    "financial_status": "paid",
    "gateway": "alipay",
    "subtotal_price": "398.00",
    "total_discounts": "20.00",
    "total_price": "388.00",
    "total_shipping_price_set": {
        "shop_money": {"amount": "10.00", "currency_code": "CNY"},
        "presentment_money": {"amount": "10.00", "currency_code": "CNY"},
    },
    "customer": {
        "id": 115310627314723954,
        "email": "jon@example.com",
        "first_name": "小红",
        "last_name": "陈",
        "phone": "+86 139 0000 2222",
    },
    "shipping_address": {"name": "陈小红", "phone": "13900002222", "city": "杭州", "country": "China"},
    "line_items": [
        {
            "id": 866550311766439020,
            "variant_id": 808950810,
            "sku": "IPOD-342-N",
            "title": "IPod Nano - 8GB",
            "quantity": 1,
            "price": "199.00",
            "gift_card": False,
        },
        {
            "id": 141249953214522974,
            "variant_id": 808950811,
            "sku": "",
            "title": "Case",
            "quantity": 2,
            "price": "99.50",
            "gift_card": False,
        },
    ],
}


@pytest.fixture
def shopify(importer):
    return InboundSource.objects.create(
        slug="shopify", name="Shopify", adapter="shopify", secret=SECRET, acts_as=importer
    )


def post_shopify(body, *, secret=SECRET, triggered=None, event_id="e2a7f1c0-1", topic="orders/create"):
    raw = json.dumps(body).encode()
    digest = base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()
    triggered = triggered or datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return Client().post(
        "/api/v1/webhooks/inbound/shopify",
        data=raw,
        content_type="application/json",
        HTTP_X_SHOPIFY_TOPIC=topic,
        HTTP_X_SHOPIFY_HMAC_SHA256=digest,
        HTTP_X_SHOPIFY_SHOP_DOMAIN="demo.myshopify.com",
        HTTP_X_SHOPIFY_WEBHOOK_ID="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        HTTP_X_SHOPIFY_EVENT_ID=event_id,
        HTTP_X_SHOPIFY_TRIGGERED_AT=triggered,
        HTTP_X_SHOPIFY_API_VERSION="2025-01",
    )


def test_a_shopify_orders_create_webhook_becomes_an_order(shopify):
    answer = post_shopify(SHOPIFY_ORDER)
    assert answer.status_code == 200, answer.content
    order = Order.objects.get(order_no="SHOPIFY-820982911946154508")
    assert (order.channel, order.store, order.payment_method) == ("own_store", "demo.myshopify.com", "alipay")
    assert (order.paid_amount, order.discount_amount, order.shipping_fee) == (
        Decimal("388.00"),
        Decimal("20.00"),
        Decimal("10.00"),
    )
    assert order.customer.phone == "13900002222" and order.customer.name == "陈 小红"
    lines = list(
        order.lines.order_by("line_no").values_list("line_no", "product__sku", "quantity", "unit_price")
    )
    assert lines == [
        (1, "IPOD-342-N", 1, Decimal("199.00")),
        (2, "shopify-variant-808950811", 2, Decimal("99.50")),
    ]
    assert post_shopify(SHOPIFY_ORDER).json()["status"] == "duplicate"


def test_shopify_checks_its_hmac_and_its_trigger_time(shopify):
    answer = post_shopify(SHOPIFY_ORDER, secret="wrong-wrong-wrong-wrong")
    assert answer.status_code == 401 and errors(answer) == {"X-Shopify-Hmac-Sha256": "bad_signature"}
    stale = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    answer = post_shopify(SHOPIFY_ORDER, triggered=stale)
    assert answer.status_code == 401 and errors(answer) == {"X-Shopify-Triggered-At": "stale_timestamp"}
    assert list(InboundRefusal.objects.order_by("id").values_list("reason", flat=True)) == [
        "bad_signature",
        "stale_timestamp",
    ]
    assert not Order.objects.exists()


def test_shopify_malformed_orders_name_the_field(shopify):
    no_phone = {
        **SHOPIFY_ORDER,
        "customer": {**SHOPIFY_ORDER["customer"], "phone": None},
        "shipping_address": {"name": "x", "phone": None},
    }
    assert "customer.phone" in errors(post_shopify(no_phone, event_id="a"))
    assert "line_items" in errors(post_shopify({**SHOPIFY_ORDER, "line_items": []}, event_id="b"))
    assert "total_price" in errors(post_shopify({**SHOPIFY_ORDER, "total_price": "abc"}, event_id="c"))
    assert "X-Shopify-Topic" in errors(post_shopify(SHOPIFY_ORDER, event_id="d", topic="products/create"))


# ---- Taobao / Tmall refund message ---------------------------------------------------------------


@pytest.fixture
def taobao(importer):
    return InboundSource.objects.create(
        slug="tmall", name="天猫旗舰店", adapter="taobao", secret=SECRET, acts_as=importer
    )


def refund_message(message_id=2201, tid="3517390012345", **content):
    body = {
        "refund_id": 139203284850932,
        "tid": int(tid),
        "oid": int(tid),
        "buyer_nick": "t**1",
        "seller_nick": "旗舰店",
        "refund_fee": "299.00",
        "refund_phase": "aftersale",
        "bill_type": "return_bill",
        "modified": "2026-11-25 10:11:12",
        **content,
    }
    return {
        "id": message_id,
        "topic": "taobao_refund_RefundCreated",
        "pub_app_key": "12345678",
        "pub_time": "2026-11-25 10:11:13",
        "user_id": 141786152,
        "user_nick": "旗舰店",
        "content": json.dumps(body, ensure_ascii=False),
    }


def test_a_taobao_refund_message_opens_a_case_on_the_order(taobao, people):
    order = OrderFactory(order_no="3517390012345", customer=people.customer)
    OrderLineFactory(order=order, line_no=1, quantity=1)
    answer = post_generic(refund_message(has_good_return=True, reason="收到商品破损"), slug="tmall")
    assert answer.status_code == 200, answer.content
    case = Case.objects.get(number=answer.json()["result"]["case"])
    assert (case.resolution, case.category.code, case.channel) == (
        "return_refund",
        "transit_damage",
        "platform",
    )
    assert "139203284850932" in case.description
    assert post_generic(refund_message(), slug="tmall").json()["status"] == "duplicate"
    assert Case.objects.count() == 1


def test_a_taobao_refund_without_goods_is_refund_only(taobao, people):
    order = OrderFactory(order_no="3517390012345", customer=people.customer)
    OrderLineFactory(order=order, line_no=1, quantity=1)
    answer = post_generic(refund_message(reason="少件"), slug="tmall")
    case = Case.objects.get(number=answer.json()["result"]["case"])
    assert (case.resolution, case.category.code) == ("refund_only", "missing_or_wrong_item")


def test_taobao_refund_errors_name_the_field(taobao, people):
    assert "content.tid" in errors(post_generic(refund_message(), slug="tmall"))  # order not imported
    assert "content.refund_fee" in errors(post_generic(refund_message(2202, refund_fee="x"), slug="tmall"))
    bad = {**refund_message(2203), "content": "{oops"}
    assert "content" in errors(post_generic(bad, slug="tmall"))
    other = {**refund_message(2204), "topic": "taobao_trade_TradeCreate"}
    assert "topic" in errors(post_generic(other, slug="tmall"))
    assert post_generic(refund_message(2205), slug="tmall", secret="x" * 20).status_code == 401


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_deliveries_of_one_event_racing_make_one_case(importer, people):
    import threading

    from django.db import connection

    InboundSource.objects.create(slug="mall", name="商城", adapter="generic", secret=SECRET, acts_as=importer)
    post_generic(order_event())
    barrier = threading.Barrier(2)
    answers = []

    def deliver():
        try:
            barrier.wait()
            answers.append(post_generic(request_event("evt-race")))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(a.status_code for a in answers) == [200, 200]
    assert sorted(a.json()["status"] for a in answers) == ["accepted", "duplicate"]
    assert Case.objects.count() == 1
