"""The SMS provider interface: console by default, Alibaba Cloud SendSms against a local fake."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from aftersale.channels.models import OutboxMessage, OutboxStatus
from aftersale.channels.outbox import outbox_deliver
from aftersale.channels.sms import (
    AliyunSmsBackend,
    ConsoleSmsBackend,
    SmsError,
    aliyun_signature,
    sms_backend,
)
from tests.conftest import make_case
from tests.fakes.aliyun_sms import FakeAliyunSmsServer


@pytest.fixture
def aliyun(settings):
    with FakeAliyunSmsServer() as server:
        settings.SMS_BACKEND = "aliyun"
        settings.ALIYUN_SMS_ENDPOINT = server.url
        settings.ALIYUN_SMS_ACCESS_KEY_ID = server.key_id
        settings.ALIYUN_SMS_ACCESS_KEY_SECRET = server.secret
        settings.ALIYUN_SMS_SIGN_NAME = server.sign_name
        settings.ALIYUN_SMS_TEMPLATES = {"otp": "SMS_100", "request_received": "SMS_101"}
        yield server


def test_the_signature_matches_alibaba_clouds_documented_example():
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert aliyun_signature("testSecret", "GET", params) == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_console_is_the_default_backend(settings):
    del settings.SMS_BACKEND
    assert isinstance(sms_backend(), ConsoleSmsBackend)


def test_aliyun_needs_its_keys(settings):
    settings.SMS_BACKEND = "aliyun"
    settings.ALIYUN_SMS_ACCESS_KEY_ID = ""
    with pytest.raises(ImproperlyConfigured):
        sms_backend()


def test_a_signed_request_is_accepted_with_the_template_and_its_parameters(aliyun):
    ref = sms_backend().send(
        phone="13812345678", text="验证码 123456", template="otp", params={"code": "123456"}
    )
    assert aliyun.sent == [
        {"phone": "13812345678", "template": "SMS_100", "params": {"code": "123456"}, "biz_id": ref}
    ]


def test_a_wrong_secret_is_refused_by_the_signature_check(aliyun, settings):
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "not-the-secret"
    with pytest.raises(SmsError) as refused:
        AliyunSmsBackend().send(phone="13812345678", text="x", template="otp", params={"code": "1"})
    assert "SignatureDoesNotMatch" in str(refused.value) and refused.value.permanent
    assert aliyun.rejected == ["SignatureDoesNotMatch"] and not aliyun.sent


def test_a_message_without_a_configured_template_is_refused_for_good(aliyun):
    with pytest.raises(SmsError) as refused:
        AliyunSmsBackend().send(phone="13812345678", text="x", template="resolved", params={})
    assert refused.value.permanent and not aliyun.sent


def test_case_notice_by_sms_is_retried_when_the_provider_fails_then_sent_once(order, people, aliyun):
    aliyun.fail_next(503, "ServiceUnavailable")
    case = make_case(order, people.agent)
    start = timezone.now()
    assert outbox_deliver(now=start, channels=["sms"]).retried == 1
    sms = OutboxMessage.objects.get(channel="sms", case=case)
    assert sms.status == OutboxStatus.PENDING and "ServiceUnavailable" in sms.last_error
    assert outbox_deliver(now=sms.next_attempt_at + timedelta(seconds=1), channels=["sms"]).sent == 1
    sms.refresh_from_db()
    assert sms.status == OutboxStatus.SENT
    assert len(aliyun.sent) == 1
    assert aliyun.sent[0]["template"] == "SMS_101" and aliyun.sent[0]["params"]["number"] == case.number


def test_the_portal_sign_in_code_goes_through_the_provider(
    client, order, aliyun, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/portal/login/", {"order_no": order.order_no, "phone": "13812345678"})
    assert aliyun.sent and aliyun.sent[0]["template"] == "SMS_100"
    assert len(aliyun.sent[0]["params"]["code"]) == 6
