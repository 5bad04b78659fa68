"""Questions: where is my parcel, how does it work, an invoice, what does the policy say."""

from __future__ import annotations

from aftersale.cases.lifecycle import Status as S

from ..script import (
    Purchase,
    Story,
    ask,
    assign,
    close,
    customer,
    department_note,
    note,
    reply,
    resolve,
    review,
    route,
)

INQUIRIES: tuple[Story, ...] = (
    Story(
        key="logistics-stuck",
        case_type="inquiry",
        category="logistics_query",
        resolution="information",
        channel="platform",
        description="{product}显示已经发货三天了，物流信息一直停在中转站没有更新，麻烦帮忙查一下到哪了。",
        steps=(
            assign("agent1"),
            review(),
            note("已联系快递网点：中转站件量大，包裹滞留一天，今天已经发出。"),
            reply(
                "您好，已帮您联系快递核实：包裹因中转站件量较大滞留了一天，今天已经发出，预计明天送达。"
                "给您带来不便非常抱歉，我会继续帮您盯着物流。"
            ),
            customer("好的，谢谢，明天能到就行。"),
            resolve("已核实物流滞留原因并告知预计送达时间，客户认可。"),
            close(),
        ),
        purchases=(
            Purchase("APL-AF-550", signed_days_ago=None),
            Purchase("HOM-PL-2", signed_days_ago=None),
            Purchase("TOY-BK-1200", signed_days_ago=None, until=S.UNDER_REVIEW),
            Purchase("ELE-PB-20K", signed_days_ago=None, until=S.NEW),
        ),
        priority="P3",
    ),
    Story(
        key="when-shipped",
        case_type="inquiry",
        category="logistics_query",
        resolution="information",
        channel="social",
        description="付款两天了还没发货，{product}什么时候能发？周末着急用。",
        steps=(
            assign("agent4"),
            review(),
            note("已在仓储群催单，仓库确认今天下午发出。"),
            reply("您好，您的{product}正在打包，今天下午 6 点前发出，发货后会有短信通知，周末前可以送到。"),
            customer("那麻烦快一点，周末真的要用。"),
            resolve("已催促仓库当天发货，并告知客户发货时间。"),
        ),
        purchases=(
            Purchase("CLO-DJ-W01", signed_days_ago=None, shipped=False),
            Purchase("ELE-SW-GT", signed_days_ago=None, shipped=False, until=S.UNDER_REVIEW),
        ),
    ),
    Story(
        key="robot-wifi",
        case_type="inquiry",
        category="product_usage",
        resolution="information",
        channel="own_store",
        description=(
            "{product}的手机 APP 一直配不上网，提示“设备连接超时”。家里路由器是双频的，试了好几次都不行。"
        ),
        steps=(
            assign("agent2"),
            review(),
            reply(
                "您好，这款机器只支持 2.4GHz 频段的 Wi-Fi。麻烦您在路由器设置里把 2.4G 和 5G 分成两个名称，"
                "手机连上 2.4G 后再配网试试。"
            ),
            customer("分开以后还是不行，每次都卡在 90% 就失败了。"),
            route("ops"),
            note("常规配网步骤已排除，转运维组查设备端日志。"),
            department_note(
                "设备固件为 3.1.2，配网模块有已知问题，已远程推送 3.1.5 固件，请客户重启机器后重新配网。"
            ),
            reply(
                "您好，技术同事已为您的机器推送了新固件。麻烦您把机器关机 10 秒再开机，"
                "等升级完成（约 5 分钟）后重新配网。"
            ),
            customer("升级完一次就配上了，可以用了，谢谢！"),
            resolve("运维组推送固件 3.1.5 修复配网问题，客户确认已恢复使用。"),
            close(),
        ),
        purchases=(
            Purchase("APL-RV-T30", signed_days_ago=6),
            Purchase("APL-RV-T30", signed_days_ago=2, until=S.UNDER_REVIEW),
            Purchase("APL-RV-T30", signed_days_ago=1, until=S.NEW),
        ),
    ),
    Story(
        key="air-fryer-smell",
        case_type="inquiry",
        category="product_usage",
        resolution="information",
        channel="platform",
        description="{product}第一次用有一股塑料味，这正常吗？做出来的东西还能吃吗？",
        steps=(
            assign("agent3", by="agent3"),
            review(),
            reply(
                "您好，新机第一次使用有轻微气味，是发热管表面的保护油受热挥发，属于正常现象。建议先空锅 200℃ "
                "加热 10 分钟，重复两次气味就会散掉；炸篮和内胆都是食品级材料，可以放心使用。"
            ),
            customer("好的，我先空烧试试。"),
            customer("空烧两次以后没味道了，谢谢。"),
            resolve("已指导客户空烧去味，客户反馈已解决。"),
        ),
        purchases=(
            Purchase("APL-AF-550", signed_days_ago=1),
            Purchase("APL-AF-550", signed_days_ago=2, until=S.UNDER_REVIEW),
            Purchase("APL-AF-550", signed_days_ago=1, until=S.NEW),
        ),
        priority="P3",
    ),
    Story(
        key="vat-invoice",
        case_type="inquiry",
        category="invoice",
        resolution="information",
        channel="portal",
        description="我买的{product}需要开增值税专用发票，公司报销用，请问怎么开？",
        steps=(
            assign("agent1"),
            review(),
            reply(
                "您好，开具增值税专用发票需要您提供：公司全称、纳税人识别号、注册地址和电话、开户行及账号。"
            ),
            ask("开具专票需客户提供完整开票信息。"),
            customer(
                "公司：北京云帆科技有限公司；税号：91110105MA01C8KX3K；地址电话：北京市朝阳区望京街 9 号"
                " 1201 室，010-64781234；开户行：招商银行北京望京支行 110925846310901。"
            ),
            note("开票信息已提交财务，纸质专票 3 个工作日内寄出。"),
            reply("信息收到了。专用发票已提交开具，纸质发票会在 3 个工作日内用顺丰寄出，单号届时发您。"),
            resolve("增值税专用发票已开具并寄出，顺丰单号 SF1428065391273。"),
            close(),
        ),
        purchases=(Purchase("ELE-TB-11", signed_days_ago=9, account="customer1"),),
        priority="P3",
    ),
    Story(
        key="e-invoice",
        case_type="inquiry",
        category="invoice",
        resolution="information",
        channel="platform",
        description="麻烦给{product}这单开一张电子普通发票，抬头是个人，发到下单预留的邮箱就行。",
        steps=(
            assign("agent5"),
            review(),
            reply("好的，电子发票会在 24 小时内发送到您下单时预留的邮箱，请注意查收。"),
            resolve("已开具个人抬头电子普通发票并发送至客户邮箱。"),
        ),
        purchases=(
            Purchase("APL-HD-110", signed_days_ago=12),
            Purchase("ELE-SW-GT", signed_days_ago=20),
            Purchase("APL-DW-13", signed_days_ago=5, until=S.NEW),
        ),
        priority="P3",
    ),
    Story(
        key="custom-cup-policy",
        case_type="inquiry",
        category="policy_question",
        resolution="information",
        channel="social",
        description="{product}刻的字是我自己定的，收到后觉得颜色不太喜欢，能七天无理由退吗？",
        steps=(
            assign("agent4"),
            review(),
            reply(
                "您好，这款保温杯是按您提供的文字定制刻字的，属于消费者定作的商品，依照《消费者权益保护法》"
                "第二十五条不适用七天无理由退货。如果杯子有质量问题，我们会为您免费换新。"
            ),
            customer("明白了，那就算了，杯子本身没问题。"),
            resolve("已解释定制商品不适用七天无理由退货，客户表示理解。"),
            close(),
        ),
        purchases=(Purchase("HOM-CUP-ENG", signed_days_ago=2),),
        priority="P3",
    ),
    Story(
        key="cherry-policy",
        case_type="inquiry",
        category="policy_question",
        resolution="information",
        channel="own_store",
        description="刚下单了{product}，想问一下如果收到有坏果怎么处理？",
        steps=(
            assign("agent2"),
            review(),
            reply(
                "您好，车厘子是冷链直发的。签收时请尽快开箱检查，如有坏果，拍下坏果、外箱和面单的照片联系我们，"
                "核实后按坏果比例退款。生鲜属于鲜活易腐商品，不支持七天无理由退货，还请理解。"
            ),
            resolve("已告知生鲜坏果的处理方式和所需照片。"),
        ),
        purchases=(Purchase("FRS-CH-25", signed_days_ago=None, shipped=False),),
        priority="P3",
    ),
)
