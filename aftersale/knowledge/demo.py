# ruff: noqa: E501 (demo texts read better unbroken)
"""Demo knowledge (`aftersale demo`): FAQ for the help centre, internal articles, reply scripts,
and a few resolved demo cases put in the case library. Loading twice adds nothing."""

from __future__ import annotations

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import Case
from aftersale.common.models import Team, User

from .models import Article, ReferenceCase, ReplyScript
from .services import ArticleIn, ScriptIn, article_create, reference_case_mark, script_create

FAQ = [
    ArticleIn(
        kind="faq",
        slug="cracked-screen",
        title="屏幕破裂怎么办",
        title_en="What to do if the screen is cracked",
        body="签收时请当着快递员的面开箱验货。若发现屏幕碎裂、有裂痕：\n"
        "1. 拍摄商品、外箱和快递面单的照片（视频更好）；\n"
        "2. 签收后 48 小时内在“我的售后”中申请，问题分类选“物流损坏”；\n"
        "3. 审核通过后我们为您补发或退款，运费由我们承担。",
        body_en="Open the parcel in front of the courier. If the screen is cracked: photograph the item, the box "
        "and the waybill, open a request within 48 hours of delivery (category: damaged in transit). Once "
        "approved we send a replacement or refund you; we pay the freight.",
        categories=["transit_damage"],
        sort_order=10,
    ),
    ArticleIn(
        kind="faq",
        slug="seven-day-return",
        title="七天无理由退货怎么申请",
        title_en="How to return within 7 days",
        body="签收次日起七天内，商品完好、不影响二次销售的，可申请七天无理由退货。定制商品、鲜活易腐、"
        "已拆封的音像制品和计算机软件、已交付的报纸期刊等依法不适用。退货运费由买家承担（运费险可赔付）。",
        body_en="Within 7 days from the day after delivery you may return goods in resalable condition without "
        "giving a reason. Custom-made, perishable, opened audio-visual or software goods and delivered "
        "newspapers are excluded by law. The buyer pays the return freight (shipping insurance may cover it).",
        categories=["no_reason_return"],
        sort_order=20,
    ),
    ArticleIn(
        kind="faq",
        slug="refund-time",
        title="退款多久到账",
        title_en="How long does a refund take",
        body="退款审核通过后原路退回：支付宝、微信一般即时到 24 小时，银行卡 1-7 个工作日。"
        "退货商品需仓库验收后退款，验收一般在签收后 2 个工作日内完成。",
        body_en="Refunds go back the way you paid: Alipay and WeChat Pay usually within 24 hours, bank cards in "
        "1-7 working days. For returned goods the refund follows the warehouse check, usually within 2 "
        "working days of arrival.",
        sort_order=30,
    ),
    ArticleIn(
        kind="faq",
        slug="wrong-or-missing-item",
        title="少发、错发了怎么办",
        title_en="Missing or wrong item",
        body="请拍摄收到的商品、外箱和面单照片，在“我的售后”中选择“少发错发”。核实后我们会尽快补发或换发，"
        "错发商品的寄回运费由我们承担。",
        body_en="Photograph what arrived, the box and the waybill and open a request (missing or wrong item). "
        "Once checked we send what is missing or the right item; we pay to get the wrong one back.",
        categories=["missing_or_wrong_item"],
        sort_order=40,
    ),
    ArticleIn(
        kind="faq",
        slug="repair-warranty",
        title="商品坏了能保修吗（三包）",
        title_en="Repairs under warranty",
        body="依据三包规定：签收 7 日内出现性能故障可选择退货、换货或修理；15 日内可选择换货或修理；"
        "保修期内可免费修理。请描述故障现象并上传照片或视频。",
        body_en="Under the three-guarantees rules: a performance fault within 7 days of delivery may be returned, "
        "exchanged or repaired; within 15 days exchanged or repaired; within the warranty repaired free.",
        categories=["quality_fault"],
        sort_order=50,
    ),
    ArticleIn(
        kind="faq",
        slug="invoice",
        title="如何开具发票",
        title_en="How to get an invoice",
        body="在订单详情页点击“申请开票”，填写抬头和税号即可开具电子发票，一般 1 个工作日内发送到您的邮箱。",
        body_en="Open the order and choose “request invoice”, enter the title and tax number; the electronic "
        "invoice reaches your mailbox within one working day.",
        categories=["invoice"],
        sort_order=60,
    ),
]

INTERNAL = [
    ArticleIn(
        kind="internal",
        slug="transit-damage-sop",
        title="物流破损处理要点（内部）",
        title_en="Transit damage: what to check (internal)",
        body="1. 必须有外箱照片和面单照片，缺一项先要求补充材料；\n2. 屏幕碎裂、外箱压扁的优先补发，"
        "同时向物流部发起索赔执行单；\n3. 保价商品按保价金额索赔；\n4. 48 小时后报损的，核对签收记录再判断。",
        categories=["transit_damage"],
        sort_order=10,
    ),
    ArticleIn(
        kind="internal",
        slug="complaint-escalation",
        title="投诉与舆情升级口径（内部）",
        title_en="Complaints and public-opinion risk (internal)",
        body="客户提到 12315、媒体曝光、律师等字眼时系统会标记敏感；首次回复务必道歉并给出明确时限，"
        "不得承诺未经审批的补偿金额。疑似职业打假的，按证据要求处理并上报组长。",
        categories=["service_attitude", "false_advertising", "professional_claimant"],
        sort_order=20,
    ),
    ArticleIn(
        kind="internal",
        slug="speedy-refund",
        title="极速退款的条件（内部）",
        title_en="Speedy refund (internal)",
        body="信誉良好的会员、小额订单、商品未发货或已寄回并有物流单号时可走极速退款，详见当前手册的极速退款条款。",
        sort_order=30,
    ),
]

SCRIPTS = [
    ScriptIn(
        title="首次问候",
        title_en="Greeting",
        body="{customer_name}您好，我是售后客服{agent_name}，您的售后单 {case_no} 已由我负责，我会尽快为您处理。",
        body_en="Hello {customer_name}, I am {agent_name} from after-sales. I am handling your case {case_no}.",
        sort_order=10,
    ),
    ScriptIn(
        title="物流破损：请补充照片",
        title_en="Transit damage: photos please",
        body="{customer_name}您好，非常抱歉商品在运输中受损。为尽快处理，请补充上传商品、外箱和快递面单的照片，"
        "请于 {deadline} 前提交，我们收到后会优先为您补发或退款。",
        body_en="Hello {customer_name}, we are sorry the parcel was damaged. Please upload photos of the item, "
        "the box and the waybill by {deadline}; we will then send a replacement or refund you first.",
        categories=["transit_damage"],
        sort_order=20,
    ),
    ScriptIn(
        title="退货地址",
        title_en="Return address",
        body="{customer_name}您好，您的退货申请（订单 {order_no}）已通过，请将{product_name}寄回：{return_address}，"
        "并在售后单 {case_no} 中填写快递单号。",
        body_en="Hello {customer_name}, your return for order {order_no} is approved. Please send the "
        "{product_name} to: {return_address}, and enter the tracking number on case {case_no}.",
        categories=["quality_fault", "no_reason_return", "not_as_described"],
        sort_order=30,
    ),
    ScriptIn(
        title="质量问题致歉",
        title_en="Apology for a fault",
        body="{customer_name}您好，非常抱歉{product_name}出现了质量问题。麻烦您描述一下故障现象并上传照片或视频，"
        "我们会在 {deadline} 前给您处理方案。",
        body_en="Hello {customer_name}, we are sorry your {product_name} is faulty. Please describe the fault "
        "and upload photos or a video; you will have our proposal by {deadline}.",
        categories=["quality_fault"],
        sort_order=20,
    ),
    ScriptIn(
        title="少发错发",
        title_en="Missing or wrong item",
        body="{customer_name}您好，给您添麻烦了。我们已核实订单 {order_no} 的发货记录，会尽快为您补发/换发，"
        "错发商品的寄回运费由我们承担。",
        categories=["missing_or_wrong_item"],
        sort_order=20,
    ),
    ScriptIn(
        title="物流查询",
        title_en="Where is my parcel",
        body="{customer_name}您好，您的订单 {order_no} 我已为您联系物流核实，有结果会第一时间在售后单 {case_no} 中回复您。",
        categories=["logistics_query", "logistics_delay"],
        sort_order=20,
    ),
]

LESSONS = {
    "quality_fault": "同批次出现相同故障时，先查看是否为批量问题并通知品控，单个客户按三包时限处理。",
    "missing_or_wrong_item": "少发错发多发生在组合装商品，补发前先核对仓库出库称重记录。",
    "no_reason_return": "七天无理由退货先确认商品是否属于依法不适用的品类，再看是否影响二次销售，拒绝时写明依据。",
}


def knowledge_demo_load(*, actor: User) -> None:
    for data in [*FAQ, *INTERNAL]:
        if not Article.objects.filter(slug=data.slug).exists():
            article_create(actor=actor, data=data)
    second_team = Team.objects.filter(name="二组").first()
    if second_team and not Article.objects.filter(slug="team2-vip").exists():
        article_create(
            actor=actor,
            data=ArticleIn(
                kind="internal",
                slug="team2-vip",
                title="二组：大客户专线口径",
                title_en="Team 2: key accounts",
                body="二组负责的大客户（VIP）首次响应 15 分钟内，补偿超出权限的直接转组长审批。",
                team=second_team.pk,
            ),
        )
    for data in SCRIPTS:
        if not ReplyScript.objects.filter(title=data.title).exists():
            script_create(actor=actor, data=data)
    for code, lesson in LESSONS.items():
        case = (
            Case.objects.filter(category__code=code, status__in=[Status.RESOLVED, Status.CLOSED])
            .exclude(pk__in=ReferenceCase.objects.values("case_id"))
            .order_by("id")
            .first()
        )
        if case is not None and not ReferenceCase.objects.filter(category__code=code).exists():
            reference_case_mark(actor=actor, case=case, lesson=lesson)
