"""Complaints: service attitude, a public-opinion risk (12315 / 曝光), false advertising,
counterfeit suspicions and a professional claimant."""

from __future__ import annotations

from aftersale.cases.lifecycle import Status as S

from ..script import (
    Purchase,
    Story,
    approve,
    ask,
    assign,
    close,
    customer,
    department_note,
    fulfil,
    note,
    reject,
    reply,
    resolve,
    review,
    route,
)

COMPLAINTS: tuple[Story, ...] = (
    Story(
        key="rude-chat",
        case_type="complaint",
        category="service_attitude",
        resolution="compensation",
        channel="phone",
        description="昨天在线咨询退货地址，客服回复特别敷衍，问了三遍都答非所问，最后直接不理人了。",
        steps=(
            assign("lead1"),
            review(),
            note(
                "调取聊天记录：客户 10:12 至 10:40 三次询问退货地址，客服只回复模板话术，未解答问题，"
                "存在服务问题。已对当班客服进行辅导。"
            ),
            reply(
                "非常抱歉昨天的服务没有解决您的问题，是我们的失误。退货地址已短信发给您，另外为您申请了 20 元"
                "无门槛券表示歉意。"
            ),
            customer("好吧，希望以后别再这样了。"),
            resolve("已致歉并补偿 20 元券，当班客服已辅导并纳入质检抽查。"),
            close(),
        ),
        purchases=(
            Purchase("HOM-PL-2", signed_days_ago=3),
            Purchase("COS-SS-50", signed_days_ago=2, until=S.NEW),
        ),
        priority="P1",
    ),
    Story(
        key="refund-overdue-12315",
        case_type="complaint",
        category="service_attitude",
        resolution="return_refund",
        channel="social",
        description=(
            "洗碗机退货申请十天了，退货早就被你们签收了，钱到现在还没退！再不处理我就打 12315 投诉，"
            "还要发到小红书和微博上曝光你们！"
        ),
        steps=(
            assign("expert", by="director"),
            review(),
            note("含“12315”“曝光”等敏感词，有舆情风险，转资深专家组按 P0 处理。", by="director"),
            note("查询退货入库记录：退件 5 天前已入库并质检通过，退款单卡在财务审核未放款，已联系财务加急。"),
            reply(
                "您好，我是售后专家组的黄志强，非常抱歉让您久等了。已核实您的退货已入库并检测通过，退款因我们内部"
                "流程延误没有及时处理，现已加急，今天之内原路退回 {amount} 元，并额外补偿您 50 元。"
            ),
            customer("今天必须到账，不然我还是会去投诉。"),
            approve(),
            fulfil(),
            note("财务已放款，银行处理中，预计 2 小时内到账。"),
        ),
        purchases=(Purchase("APL-DW-13", signed_days_ago=14, store="抖音小店"),),
        priority="P0",
    ),
    Story(
        key="cream-claims",
        case_type="complaint",
        category="false_advertising",
        resolution="return_refund",
        channel="platform",
        description="{product}宣传“7 天淡斑、28 天焕白”，我用完一整瓶一点变化都没有，这是虚假宣传！",
        steps=(
            assign("agent1"),
            review(),
            route("qc"),
            note("请品控核对宣传文案与备案功效。"),
            department_note(
                "该产品为普通化妆品备案，“淡斑”“焕白”属于特殊化妆品功效宣称，详情页用语不合规，"
                "已要求运营今天下架相关文案。"
            ),
            reply("您好，经核实详情页的功效描述确有不当，已下架整改。为您办理全额退款，商品无需退回。"),
            approve(by="lead1"),
            resolve("宣传用语不合规，已全额退款 {amount} 元，详情页文案已整改。"),
            close(),
        ),
        purchases=(
            Purchase("COS-FC-50", signed_days_ago=35),
            Purchase("COS-FC-50", signed_days_ago=30, until=S.UNDER_REVIEW),
        ),
        priority="P1",
    ),
    Story(
        key="earbuds-fake",
        case_type="complaint",
        category="counterfeit",
        resolution="information",
        channel="social",
        description="{product}在品牌官网查序列号，显示“未找到该产品”，你们卖的是不是假货？",
        steps=(
            assign("agent4"),
            review(),
            ask("请客户提供包装盒和耳机仓内序列号的照片。"),
            customer("两张照片都发过去了。"),
            route("qc"),
            department_note("序列号 {serial} 在品牌方系统中可查，为正品；官网查询时需去掉序列号中的“-”。"),
            reply("您好，已通过品牌方核实，您的耳机是正品。官网查询时需要去掉序列号中间的横线，您再试一下。"),
            customer("去掉横线能查到了，误会了。"),
            reject("经品牌方核验序列号为正品，客户查询方式有误，投诉不成立。"),
        ),
        purchases=(Purchase("ELE-EB-PRO", signed_days_ago=4),),
        priority="P1",
    ),
    Story(
        key="label-claimant",
        case_type="complaint",
        category="professional_claimant",
        resolution="compensation",
        channel="email",
        description="{product}外包装没有标注生产许可证编号，违反《食品安全法》，要求退一赔十。",
        steps=(
            assign("expert", by="director"),
            review(),
            note("该客户近 3 个月在多家店铺以标签问题索赔，疑似职业索赔。"),
            route("qc"),
            department_note("外包装侧面印有食品生产许可证编号（SC 开头），标签符合 GB 7718，照片已存档。"),
            reply(
                "您好，经核查，商品外包装侧面已标注食品生产许可证编号，标签符合国家标准，不存在您所述的问题。"
                "如对商品不满意，可在签收后七天内申请无理由退货。"
            ),
            reject("经核查标签合规，不支持十倍赔偿诉求；已告知客户可按七天无理由退货。"),
            close(by=None),
        ),
        purchases=(Purchase("FOD-NT-30", signed_days_ago=5),),
        priority="P1",
    ),
    Story(
        key="store-promise",
        case_type="complaint",
        category="false_advertising",
        resolution="information",
        channel="offline",
        description=(
            "在门店买{product}时店员说支持 30 天无理由退换，回家一看小票上写的是 7 天，店员说的就不算数吗？"
        ),
        purchases=(Purchase("APL-HD-110", signed_days_ago=9, store="北京朝阳门店"),),
    ),
)
