"""Signing in to the portal with order no. + phone + a one-time code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aftersale.common.roles import Role
from aftersale.portal.models import OtpChallenge
from aftersale.portal.services import MAX_ATTEMPTS, MAX_CODES_PER_HOUR
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


class SilentSms:
    shows_code = False
    sent: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str, template: str = "", params: dict | None = None) -> str:
        SilentSms.sent.append((phone, text))
        return ""


def _request_code(client, order, phone=None):
    return client.post("/portal/login/", {"order_no": order.order_no, "phone": phone or order.customer.phone})


def _demo_code(client) -> str:
    return re.search(r'id="demo-code">(\d{6})<', client.get("/portal/login/code/").content.decode()).group(1)


def test_a_wrong_phone_gets_no_code(client, order):
    response = _request_code(client, order, phone="13700000000")
    assert response.status_code == 400
    assert "订单号与手机号不匹配" in response.content.decode()
    assert not OtpChallenge.objects.exists()


def test_the_code_is_shown_in_demo_mode_logged_and_stored_only_as_a_hash(
    client, order, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level("INFO", logger="aftersale.sms"), django_capture_on_commit_callbacks(execute=True):
        response = _request_code(client, order)
    assert response.status_code == 302
    code = _demo_code(client)
    challenge = OtpChallenge.objects.get()
    assert code not in (challenge.code_hash, challenge.salt)
    assert challenge.expires_at > timezone.now()
    assert code in caplog.text
    assert "138****5678" in caplog.text and "13812345678" not in caplog.text


def test_signing_in_with_the_code_links_the_existing_account(client, people, order):
    _request_code(client, order)
    response = client.post("/portal/login/code/", {"code": _demo_code(client)})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert int(client.session["_auth_user_id"]) == people.customer_user.pk


def test_first_sign_in_creates_a_customer_account(client, db):
    order = OrderFactory(customer=CustomerFactory(name="王五", phone="13600001234"))
    _request_code(client, order)
    client.post("/portal/login/code/", {"code": _demo_code(client)})
    order.customer.refresh_from_db()
    user = order.customer.user
    assert user is not None and user.role == Role.CUSTOMER and not user.has_usable_password()
    assert user.display_name == "王五" and not user.is_staff
    # The next sign-in finds the same account.
    client.logout()
    _request_code(client, order)
    client.post("/portal/login/code/", {"code": _demo_code(client)})
    order.customer.refresh_from_db()
    assert order.customer.user_id == user.pk


def test_wrong_codes_count_and_run_out(client, order):
    _request_code(client, order)
    code = _demo_code(client)
    wrong = "000000" if code != "000000" else "111111"
    first = client.post("/portal/login/code/", {"code": wrong})
    assert first.status_code == 400
    assert f"还可尝试 {MAX_ATTEMPTS - 1} 次" in first.content.decode()
    for _ in range(MAX_ATTEMPTS - 1):
        client.post("/portal/login/code/", {"code": wrong})
    response = client.post("/portal/login/code/", {"code": code})
    assert "尝试次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_expired_code_is_refused(client, order):
    _request_code(client, order)
    code = _demo_code(client)
    OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post("/portal/login/code/", {"code": code})
    assert "验证码已失效" in response.content.decode()


def test_a_code_works_once(client, order):
    _request_code(client, order)
    code = _demo_code(client)
    client.post("/portal/login/code/", {"code": code})
    challenge = OtpChallenge.objects.get()
    assert challenge.used_at is not None
    from aftersale.common.errors import DomainError
    from aftersale.portal.services import otp_verify

    with pytest.raises(DomainError):
        otp_verify(challenge_id=challenge.pk, code=code)


def test_codes_are_limited_per_hour(client, order):
    for _ in range(MAX_CODES_PER_HOUR):
        assert _request_code(client, order).status_code == 302
    response = _request_code(client, order)
    assert response.status_code == 429
    assert "验证码发送过于频繁" in response.content.decode()


def test_a_real_sms_backend_gets_the_code_and_the_page_does_not_show_it(
    client, order, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.portal.test_sign_in.SilentSms"
    SilentSms.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _request_code(client, order)
    assert SilentSms.sent and SilentSms.sent[0][0] == "13812345678"
    assert re.search(r"\d{6}", SilentSms.sent[0][1])
    assert "demo-code" not in client.get("/portal/login/code/").content.decode()


def test_the_code_page_needs_a_pending_code(client):
    assert client.get("/portal/login/code/")["Location"] == "/portal/login/"
