"""The Alipay client's protocol details: what is signed, how an answer is read, how keys load."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import serialization

from aftersale.fulfilment.gateways import Outcome, RefundOrder, gateway_for
from aftersale.fulfilment.gateways.alipay import (
    AlipayGateway,
    load_private_key,
    load_public_key,
    response_node,
    rsa2_sign,
    rsa2_verify,
    signing_content,
)
from tests.fakes.alipay_gateway import QUERY, REFUND, private_pem, public_pem

pytest_plugins = ["tests.fakes.fixtures"]

ORDER = RefundOrder(
    request_no="RF-1", order_no="TB1", trade_ref="2026112222001000001", amount=Decimal("12.30")
)


def test_the_signed_string_is_the_sorted_non_empty_parameters_but_the_signature():
    params = {"method": "m", "app_id": "1", "sign": "x", "biz_content": '{"a":1}', "notify_url": ""}
    assert signing_content(params) == 'app_id=1&biz_content={"a":1}&method=m'


def test_signatures_are_sha256_with_rsa(alipay_keys):
    key = alipay_keys[0]
    signature = rsa2_sign(key, "a=1&b=2")
    assert rsa2_verify(key.public_key(), "a=1&b=2", signature)
    assert not rsa2_verify(key.public_key(), "a=1&b=3", signature)
    assert not rsa2_verify(key.public_key(), "a=1&b=2", "not base64!")


def test_the_response_node_is_read_exactly_as_sent():
    body = '{ "alipay_trade_refund_response" :  {"code":"10000", "msg":"Success"} ,"sign":"c2ln"}'
    node, raw, signature = response_node(body, "alipay_trade_refund_response")
    assert node == {"code": "10000", "msg": "Success"}
    assert raw == '{"code":"10000", "msg":"Success"}'
    assert signature == "c2ln"
    node, _raw, signature = response_node(
        '{"error_response":{"code":"40002"}}', "alipay_trade_refund_response"
    )
    assert (node["code"], signature) == ("40002", None)
    with pytest.raises(ValueError):
        response_node("[]", "alipay_trade_refund_response")


def test_keys_load_from_pem_or_bare_base64(alipay_keys):
    key = alipay_keys[0]
    bare_private = "".join(private_pem(key).strip().splitlines()[1:-1])
    bare_public = "".join(public_pem(key).strip().splitlines()[1:-1])
    for text in (private_pem(key), bare_private):
        assert load_private_key(text).private_numbers() == key.private_numbers()
    for text in (public_pem(key), bare_public):
        loaded = load_public_key(text)
        assert loaded.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ) == (
            key.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )


def test_the_gateway_is_chosen_by_payment_method_and_needs_every_setting(fake_alipay, settings):
    assert isinstance(gateway_for("alipay"), AlipayGateway)
    assert gateway_for("wechat") is None
    settings.ALIPAY_APP_ID = ""
    assert gateway_for("alipay") is None


def test_refund_and_query_speak_the_protocol(fake_alipay):
    fake_alipay.add_trade(trade_no=ORDER.trade_ref, out_trade_no=ORDER.order_no, total=Decimal("100.00"))
    gateway = gateway_for("alipay")
    assert gateway.query(ORDER).outcome == Outcome.NOT_FOUND
    result = gateway.refund(ORDER)
    assert (result.outcome, result.gateway_ref) == (Outcome.SUCCEEDED, ORDER.trade_ref)
    assert gateway.query(ORDER).outcome == Outcome.SUCCEEDED
    assert gateway.refund(ORDER).outcome == Outcome.SUCCEEDED  # the same request number: answered, not paid
    assert fake_alipay.paid == {"RF-1": 1}
    assert [method for method, _no in fake_alipay.calls] == [QUERY, REFUND, QUERY, REFUND]


def test_the_biz_content_carries_the_refund(fake_alipay):
    seen = []
    original = fake_alipay.handle
    fake_alipay.handle = lambda form: (seen.append(form), original(form))[1]
    gateway_for("alipay").refund(ORDER)
    form = seen[0]
    assert (form["method"], form["sign_type"], form["charset"], form["version"]) == (
        REFUND,
        "RSA2",
        "utf-8",
        "1.0",
    )
    assert json.loads(form["biz_content"]) == {
        "out_trade_no": "TB1",
        "trade_no": ORDER.trade_ref,
        "refund_amount": "12.30",
        "out_request_no": "RF-1",
        "refund_reason": "",
    }
