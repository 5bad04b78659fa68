from __future__ import annotations

from types import SimpleNamespace

import pytest

from aftersale.cases.services import case_transition
from aftersale.knowledge.services import ArticleIn, ScriptIn, article_create, script_create


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def kb(people):
    """A small knowledge base: two FAQ, an internal article for all staff, one for `other_team` only,
    an unpublished FAQ, and reply scripts for quality faults, for every case and for `other_team`."""
    d = people.director
    k = SimpleNamespace()
    k.cracked = article_create(
        actor=d,
        data=ArticleIn(
            kind="faq",
            slug="cracked-screen",
            title="屏幕破裂怎么办",
            title_en="What to do if the screen is cracked",
            body="收到商品时发现手机屏幕有裂痕或碎裂，请在签收后 48 小时内拍照并申请售后。",
            body_en="If the phone screen arrives cracked, take photos within 48 hours of delivery "
            "and open a request.",
            categories=["transit_damage"],
        ),
    )
    k.refund = article_create(
        actor=d,
        data=ArticleIn(
            kind="faq",
            slug="refund-time",
            title="退款多久到账",
            title_en="How long does a refund take",
            body="退款审核通过后，原路退回，一般 1-7 个工作日到账。",
            body_en="Once approved, refunds go back to the original payment method within 1-7 working days.",
        ),
    )
    k.internal = article_create(
        actor=d,
        data=ArticleIn(
            kind="internal",
            slug="damage-handling",
            title="物流破损处理流程（内部）",
            title_en="Handling transit damage (internal)",
            body="核对外箱照片与面单，屏幕碎裂优先补发，运费由我方承担。",
            categories=["transit_damage"],
        ),
    )
    k.other_team_only = article_create(
        actor=d,
        data=ArticleIn(
            kind="internal",
            slug="team2-notes",
            title="二组大客户屏幕问题口径",
            body="二组专用：大客户屏幕碎裂直接换新。",
            team=people.other_team.pk,
        ),
    )
    k.draft = article_create(
        actor=d,
        data=ArticleIn(
            kind="faq",
            slug="draft-faq",
            title="屏幕保修草稿",
            body="尚未发布的屏幕保修说明。",
            is_published=False,
        ),
    )
    k.quality_script = script_create(
        actor=d,
        data=ScriptIn(
            title="质量问题致歉",
            title_en="Apology for a fault",
            body="{customer_name}您好，非常抱歉{product_name}给您带来不便。"
            "售后单 {case_no}（订单 {order_no}）已受理，"
            "请于 {deadline} 前将商品寄回：{return_address}。客服 {agent_name}",
            body_en="Dear {customer_name}, we are sorry about your {product_name}. Case {case_no} is open.",
            categories=["quality_fault"],
            sort_order=10,
        ),
    )
    k.general_script = script_create(
        actor=d, data=ScriptIn(title="通用问候", body="您好，我是客服{agent_name}，很高兴为您服务。")
    )
    k.damage_script = script_create(
        actor=d,
        data=ScriptIn(
            title="物流破损",
            body="请提供外箱和面单照片。",
            categories=["transit_damage"],
        ),
    )
    k.other_team_script = script_create(
        actor=d,
        data=ScriptIn(
            title="二组专用话术",
            body="二组：{customer_name}您好。",
            team=people.other_team.pk,
        ),
    )
    return k


def resolve(case, actor, outcome="已退款，客户满意"):
    case = case_transition(case=case, actor=actor, action="start_review", version=case.version)
    return case_transition(case=case, actor=actor, action="resolve", version=case.version, reason=outcome)
