"""Social / IM messages thread into one case per customer and order."""

from __future__ import annotations

import pytest

from aftersale.cases.models import Case, Message
from aftersale.cases.services import case_transition
from aftersale.channels.models import InboundSource, SocialIdentity
from aftersale.common.roles import Role
from tests.channels.test_inbound import SECRET, errors, post_generic
from tests.conftest import make_case
from tests.factories import OrderFactory, OrderLineFactory, UserFactory


@pytest.fixture
def wechat(people):
    bot = UserFactory(username="im-bot", role=Role.ADMIN)
    return InboundSource.objects.create(
        slug="wechat", name="微信客服", adapter="message", secret=SECRET, acts_as=bot
    )


def say(message_id, text, **extra):
    return post_generic(
        {"id": message_id, "user_id": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "text": text, **extra}, slug="wechat"
    )


def test_a_first_message_opens_a_case_and_later_ones_thread_into_it(wechat, order, people):
    first = say("m1", "水壶底座漏电怎么办？", order_no=order.order_no, phone=people.customer.phone)
    assert first.status_code == 200, first.content
    assert first.json()["result"]["threaded"] is False
    case = Case.objects.get(number=first.json()["result"]["case"])
    assert (case.channel, case.case_type, case.customer_id) == ("social", "inquiry", people.customer.pk)
    assert SocialIdentity.objects.get().customer_id == people.customer.pk

    # Later messages need no order no. or phone: the account is known.
    second = say("m2", "这是照片", media=[{"url": "https://img.example/1.jpg", "type": "image"}])
    assert second.json()["result"] == {"case": case.number, "threaded": True}
    message = Message.objects.get(case=case)
    assert message.author_role == "customer" and message.channel == "social"
    assert "https://img.example/1.jpg" in message.body and "这是照片" in message.body
    assert say("m2", "这是照片").json()["status"] == "duplicate"
    assert Message.objects.filter(case=case).count() == 1


def test_a_reply_to_a_request_for_information_moves_the_case_back_to_review(wechat, order, people):
    case = make_case(order, people.agent)
    case_transition(case=case, actor=people.agent, action="start_review", version=case.version)
    case_transition(
        case=case, actor=people.agent, action="request_info", version=case.version, reason="请补充照片"
    )
    answer = say("m1", "照片已补充", order_no=order.order_no, phone=people.customer.phone)
    assert answer.json()["result"] == {"case": case.number, "threaded": True}
    case.refresh_from_db()
    assert case.status == "under_review"


def test_another_order_gets_its_own_case(wechat, order, people):
    say("m1", "第一单的问题", order_no=order.order_no, phone=people.customer.phone)
    other = OrderFactory(customer=people.customer)
    OrderLineFactory(order=other, line_no=1)
    answer = say("m2", "第二单的问题", order_no=other.order_no)
    assert answer.json()["result"]["threaded"] is False
    assert Case.objects.filter(customer=people.customer).count() == 2


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({}, "order_no"),  # an unknown account must identify itself
        ({"order_no": "X1", "phone": "13800000000"}, "phone"),
        ({"text": "", "media": []}, "text"),
        ({"media": [{"url": "ftp://x"}]}, "media.0.url"),
    ],
)
def test_bad_messages_name_the_field(wechat, order, extra, field):
    body = {"text": "你好", **extra}
    answer = say("m9", body.pop("text"), **body)
    assert answer.status_code == 400 and field in errors(answer), answer.json()
    assert not Case.objects.exists()


def test_someone_elses_order_is_refused(wechat, order, people):
    say("m1", "你好", order_no=order.order_no, phone=people.customer.phone)
    stranger = OrderFactory(customer=people.other_customer)
    assert "order_no" in errors(say("m2", "看看这单", order_no=stranger.order_no))
