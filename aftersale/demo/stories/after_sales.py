"""Returns, exchanges, repairs, refunds and compensation, including the damaged-appliance example."""

from __future__ import annotations

from aftersale.cases.lifecycle import Status as S

from ..script import (
    Purchase,
    Story,
    approve,
    ask,
    assign,
    cancel,
    close,
    customer,
    department_note,
    fulfil,
    note,
    photo,
    recategorize,
    reject,
    reopen,
    reply,
    resolve,
    review,
    route,
)

AFTER_SALES: tuple[Story, ...] = (
    Story(
        key="fridge-dent",
        case_type="after_sales",
        category="transit_damage",
        resolution="compensation",
        channel="portal",
        description=(
            "今天送来的{product}，安装师傅拆箱后发现右侧门板有一处明显凹陷，硬币大小。外箱看着是好的，"
            "当时已经签收了。照片已上传。"
        ),
        steps=(
            photo("item_photo", "门板凹陷.png"),
            photo("box_photo", "外箱.png"),
            assign("agent1"),
            review(),
            reply(
                "您好，非常抱歉给您带来不好的体验。照片已收到，为了尽快处理，还需要一张快递面单的照片，"
                "麻烦您补充一下。"
            ),
            ask("物流破损须有实物、外箱、面单三类照片，尚缺面单照片。"),
            photo("waybill_photo", "面单.png"),
            customer("面单照片也传了。冰箱已经装好在用了，不想退，能怎么处理？"),
            note(
                "外包装完好、内部门板受损，疑似出库前磕碰或运输途中内损。客户不愿退货，"
                "按补偿矩阵可给商品金额 10% 的余额补偿（{tenth} 元），超出专员权限，需组长审批。"
            ),
            route("warehouse"),
            department_note(
                "已调取出库复核记录，该台冰箱出库时外观无异常。本案例已录入异常破损案例库，"
                "大家电出库加装门板护角。"
            ),
            reply(
                "您好，核实后给您两个方案：A. 上门取件退货，运费由我们承担；B. 保留冰箱，给予商品金额 10%"
                "（{tenth} 元）的余额补偿。请问您选哪一种？"
            ),
            customer("选 B 吧，冰箱已经装好了，不想折腾。"),
            approve(by="lead1"),
            note("已审批 10% 余额补偿 {tenth} 元。", by="lead1"),
            fulfil(),
            reply("补偿已提交，{tenth} 元将在 24 小时内到账您的账户余额，请留意查收。"),
        ),
        purchases=(Purchase("APL-FR-635", signed_days_ago=0.3, store="京东自营", account="customer1"),),
        priority="P1",
    ),
    Story(
        key="earbuds-left-silent",
        case_type="after_sales",
        category="quality_fault",
        resolution="return_refund",
        channel="platform",
        description="{product}用了三天左耳突然没声音了，重新配对、恢复出厂设置都试过，还是只有右耳响。",
        steps=(
            assign("agent2"),
            review(),
            reply("您好，很抱歉给您添麻烦了。麻烦您拍一段左右耳分别播放的视频，我们核实后马上为您办理。"),
            ask("质量问题需提供故障视频。"),
            customer("视频拍好发过去了，左耳确实一点声音都没有。"),
            note("视频显示左耳无声，确认为质量问题，在签收 7 日内，支持退货退款，运费由我方承担。"),
            approve(),
            reply("您好，已为您审核通过退货退款，快递明天上门取件，运费由我们承担。"),
            fulfil(),
            note("退件已入库，检测左耳喇叭断线，与客户描述一致。"),
            resolve("退件检测确认故障，{amount} 元已原路退回。"),
            close(),
        ),
        purchases=(
            Purchase("ELE-EB-PRO", signed_days_ago=3),
            Purchase("ELE-EB-PRO", signed_days_ago=2, until=S.APPROVED),
            Purchase("ELE-EB-PRO", signed_days_ago=1, until=S.WAITING_CUSTOMER),
        ),
    ),
    Story(
        key="robot-repair-1",
        case_type="after_sales",
        category="quality_fault",
        resolution="repair",
        channel="portal",
        description="扫地机器人主刷不转了，机器一直报“主刷缠绕”，可主刷上根本没有头发。",
        steps=(
            assign("agent4"),
            review(),
            route("qc"),
            approve(),
            reply("您好，已为您登记保修，明天上门取件送修，往返运费由我们承担。"),
            fulfil(),
            department_note("检测为主刷电机损坏，已更换主刷电机并完成 2 小时老化测试。"),
            resolve("保修维修：更换主刷电机，已寄回客户。"),
            close(),
        ),
        purchases=(Purchase("APL-RV-T30", signed_days_ago=55, store="天猫旗舰店", account="customer2"),),
    ),
    Story(
        key="robot-repair-2",
        case_type="after_sales",
        category="quality_fault",
        resolution="repair",
        channel="portal",
        description="上次修好才用了两周，这次是左边轮子不转，机器一直原地打转。",
        steps=(
            assign("agent4"),
            review(),
            note("同一序列号 {serial} 第 2 次报修。"),
            route("qc"),
            approve(),
            fulfil(),
            department_note("左驱动轮模组齿轮断齿，已更换驱动轮模组。"),
            resolve("保修维修：更换左驱动轮模组，已寄回客户。"),
        ),
        same_order_as="robot-repair-1",
    ),
    Story(
        key="robot-third-fault",
        case_type="after_sales",
        category="quality_fault",
        resolution="exchange",
        channel="portal",
        description="又坏了！这次放到充电座上充不进电。已经修了两次还出问题，这机器到底行不行？要求换新。",
        steps=(
            assign("agent4"),
            review(),
            note(
                "序列号 {serial} 已完成 2 次保修维修仍出现故障，"
                "依照三包规定可直接换货或退货，运费由我方承担。"
            ),
            reply(
                "您好，核实到您这台机器已经维修过两次。按照三包规定，这次直接为您更换一台全新的机器，不用再送修了。"
            ),
            customer("好，希望新机器别再出问题了。"),
            approve(by="lead2"),
        ),
        same_order_as="robot-repair-1",
        priority="P1",
    ),
    Story(
        key="wrong-item",
        case_type="after_sales",
        category="missing_or_wrong_item",
        resolution="exchange",
        channel="social",
        description="我买的是{product}，收到的却是一支防晒乳，包装都还没拆。",
        steps=(
            assign("agent5"),
            review(),
            reply(
                "非常抱歉发错了货！防晒乳请先保留，我们核实后为您补发正确的商品，错发的防晒乳会安排快递上门取回。"
            ),
            route("warehouse"),
            department_note(
                "核对出库记录：拣货时与相邻货位的防晒乳混拣，确认错发。已补发面霜，货位已重新贴标。"
            ),
            approve(),
            fulfil(),
            resolve("已补发正确商品并取回错发商品，按政策补偿 20 元无门槛券。"),
        ),
        purchases=(
            Purchase("COS-FC-50", signed_days_ago=2),
            Purchase("COS-FC-50", signed_days_ago=1, until=S.UNDER_REVIEW),
        ),
    ),
    Story(
        key="down-jacket-label",
        case_type="after_sales",
        category="not_as_described",
        resolution="return_refund",
        channel="platform",
        description="{product}详情页写的是 90% 白鸭绒，收到后吊牌上写的是 80%，和描述不符，要求退货退款。",
        steps=(
            assign("agent3"),
            review(),
            reply("您好，麻烦您拍一下衣服的吊牌和洗水标发给我们，核对含绒量标注后马上为您处理。"),
            ask("请客户提供吊牌和洗水标照片，以核对含绒量标注。"),
            customer("吊牌和洗水标的照片都发过去了，你们自己看。"),
            photo("item_photo", "吊牌.png"),
            note("吊牌标注含绒量 80%，详情页为 90%，商品与描述不符，支持退货退款，运费由我方承担。"),
            route("qc"),
            department_note("已通知商品部修正详情页含绒量描述，同批次 {batch} 吊牌正在复核。"),
            approve(),
            reply(
                "您好，核实确实是详情页描述有误，非常抱歉。已为您办理退货退款，快递明天上门取件，运费由我们承担。"
            ),
            fulfil(),
        ),
        purchases=(
            Purchase("CLO-DJ-W01", signed_days_ago=3),
            Purchase("CLO-DJ-W01", signed_days_ago=2, until=S.WAITING_CUSTOMER),
        ),
    ),
    Story(
        key="shoes-too-small",
        case_type="after_sales",
        category="no_reason_return",
        resolution="return_refund",
        channel="portal",
        description="鞋码偏小，穿着挤脚，想退货。吊牌都在，只在家里地毯上试穿过。",
        steps=(
            assign("agent4"),
            review(),
            reply(
                "您好，商品在七天无理由退货期内，吊牌完好即可退货。退货运费由您承担，如果下单时买了运费险会自动理赔。"
                "已为您预约明天上门取件。"
            ),
            approve(),
            fulfil(),
        ),
        purchases=(
            Purchase("CLO-RS-M42", signed_days_ago=2, account="customer2"),
            Purchase("CLO-RS-M42", signed_days_ago=4),
            Purchase("CLO-RS-M42", signed_days_ago=1, until=S.APPROVED),
        ),
    ),
    Story(
        key="custom-cup-return",
        case_type="after_sales",
        category="no_reason_return",
        resolution="return_refund",
        channel="own_store",
        description="{product}收到了，觉得颜色和图片上不太一样，想七天无理由退货。",
        steps=(
            assign("agent1"),
            review(),
            reply(
                "您好，这款杯子是按您的要求定制刻字的，属于定作商品，依法不适用七天无理由退货，非常抱歉无法为您办理。"
                "如果有质量问题，我们可以免费换新。"
            ),
            reject("定制刻字商品属于消费者定作的商品，不适用七天无理由退货；客户未反馈质量问题。"),
        ),
        purchases=(Purchase("HOM-CUP-ENG", signed_days_ago=3),),
    ),
    Story(
        key="custom-cup-misprint",
        case_type="after_sales",
        category="no_reason_return",
        resolution="return_refund",
        channel="social",
        description="刻的字应该是“生日快乐 小雨”，收到的杯子刻成了“生日快乐 小语”，要求退货退款。",
        steps=(
            assign("agent5"),
            review(),
            reject("定制刻字商品不适用七天无理由退货。"),
            customer("我不是无理由退货！是你们把字刻错了，下单备注写得清清楚楚，你们去看看备注。"),
            reopen("客户说明为商家刻字错误，不属于无理由退货，需重新审核。"),
            recategorize("not_as_described"),
            note("已核对订单备注：客户要求刻“小雨”，实物刻为“小语”，属于我方定制错误，应重做或退款。"),
            reply(
                "非常抱歉，是我们刻错了字，之前的处理也有误。可以为您全额退款，或者按原备注免费重做一只，"
                "您看哪种更方便？"
            ),
            customer("那重做一只吧，是送人的生日礼物。"),
            approve(by="lead2"),
        ),
        purchases=(Purchase("HOM-CUP-ENG", signed_days_ago=1),),
    ),
    Story(
        key="cherry-no-reason",
        case_type="after_sales",
        category="no_reason_return",
        resolution="return_refund",
        channel="platform",
        description="{product}买多了吃不完，七天无理由退货可以吗？",
        steps=(
            assign("agent2"),
            review(),
            reply(
                "您好，车厘子属于鲜活易腐的生鲜商品，依法不适用七天无理由退货，非常抱歉。如果收到时有坏果，"
                "可以拍照联系我们按比例退款。"
            ),
            reject("生鲜商品属于鲜活易腐商品，不适用七天无理由退货；客户未反馈质量问题。"),
            customer("好吧，知道了。"),
            close(),
        ),
        purchases=(Purchase("FRS-CH-25", signed_days_ago=1),),
        priority="P3",
    ),
    Story(
        key="cherry-rotten",
        case_type="after_sales",
        category="quality_fault",
        resolution="compensation",
        channel="platform",
        description="{product}收到后开箱，有十几颗压烂、发霉了，差不多有半斤。",
        steps=(
            assign("agent3"),
            review(),
            reply(
                "很抱歉让您收到这样的车厘子！麻烦拍一下坏果、外箱和快递面单的照片发给我们，核实后马上处理。"
            ),
            ask("请客户提供坏果、外箱和面单照片。"),
            customer("照片发了，你们看看，好多都烂了。"),
            photo("item_photo", "坏果.png"),
            note("照片显示坏果约 250g，约占总重 10%，按比例退款并补偿 10 元券。"),
            approve(),
            resolve("按坏果比例退款 {tenth} 元，另补偿 10 元无门槛券。"),
            close(),
        ),
        purchases=(
            Purchase("FRS-CH-25", signed_days_ago=0.5),
            Purchase("FRS-CH-25", signed_days_ago=0.2, until=S.UNDER_REVIEW),
        ),
    ),
    Story(
        key="crabs-late",
        case_type="after_sales",
        category="logistics_delay",
        resolution="compensation",
        channel="phone",
        description="{product}说好次日达，今天第三天了还没送到，螃蟹还能活吗？",
        steps=(
            assign("agent1"),
            review(),
            note("快递显示因暴雨航班取消，包裹在转运中心滞留 2 天。"),
            reply(
                "非常抱歉！包裹因天气原因延误，快递今天优先派送。签收时请当面开箱检查，如有死蟹请拍照联系我们，"
                "按只数赔付。另外给您补偿 5 元无门槛券。"
            ),
            customer("收到了，都还活着，下次快一点就行。"),
            resolve("物流延误已补偿 5 元券，客户签收时螃蟹鲜活。"),
            close(),
        ),
        purchases=(Purchase("FRS-CB-8", signed_days_ago=None),),
        priority="P1",
    ),
    Story(
        key="rice-cooker-coating",
        case_type="after_sales",
        category="quality_fault",
        resolution="exchange",
        channel="own_store",
        description="{product}用了不到两周，内胆涂层就起泡脱落了，煮出来的饭里能看见黑渣。",
        steps=(
            assign("agent2"),
            review(),
            note("批次 {batch}，近两周同批次已有类似反馈，转品控排查。"),
            route("qc"),
            department_note(
                "同批次内胆供应商喷涂工艺异常，已冻结该批次库存并要求供应商整改。本单同意换新内胆。"
            ),
            approve(),
            reply("您好，已确认是内胆质量问题，新内胆今天寄出，旧内胆不用寄回，请停止使用旧内胆。"),
            fulfil(),
        ),
        purchases=(
            Purchase("APL-RC-401", signed_days_ago=11),
            Purchase("APL-RC-401", signed_days_ago=6, until=S.UNDER_REVIEW),
        ),
    ),
    Story(
        key="tablet-backlight",
        case_type="after_sales",
        category="quality_fault",
        resolution="exchange",
        channel="platform",
        description="{product}开机黑屏时四周漏光很明显，尤其是左下角，刚买一周。",
        steps=(
            assign("agent5"),
            review(),
            reply(
                "您好，麻烦您在关灯的环境下拍一段黑屏画面的视频，再拍一张机身背面序列号的照片，我们核实后为您换新。"
            ),
            ask("请客户在暗光环境下拍摄黑屏画面，并提供机身序列号照片。"),
            customer("视频和序列号照片都发了。"),
            note("视频显示左下角明显漏光，序列号 {serial} 与订单一致，同意换新。"),
            approve(),
            fulfil(),
            resolve("新机已寄出并签收，旧机退回检测。"),
        ),
        purchases=(
            Purchase("ELE-TB-11", signed_days_ago=7),
            Purchase("ELE-TB-11", signed_days_ago=5, until=S.WAITING_CUSTOMER),
        ),
    ),
    Story(
        key="watch-charging",
        case_type="after_sales",
        category="quality_fault",
        resolution="repair",
        channel="email",
        description="{product}放到充电座上没有任何反应，充不进电，换了充电头也一样。",
        steps=(
            assign("agent3"),
            review(),
            approve(),
            reply("已为您登记保修，请把手表和充电座一起寄回，寄回地址和免费寄件码已发到您的邮箱。"),
        ),
        purchases=(Purchase("ELE-SW-GT", signed_days_ago=40),),
    ),
    Story(
        key="ordered-by-mistake",
        case_type="after_sales",
        category="no_reason_return",
        resolution="refund_only",
        channel="own_store",
        description="拍错型号了，还没发货，请直接帮我退款。",
        steps=(
            assign("agent4", by="agent4"),
            review(),
            note("订单未发货，已在仓库系统拦截。"),
            approve(),
            resolve("未发货订单已拦截，{amount} 元全额原路退回。"),
        ),
        purchases=(
            Purchase("ELE-PB-20K", signed_days_ago=None, shipped=False),
            Purchase("COS-SS-50", signed_days_ago=None, shipped=False),
            Purchase("HOM-PL-2", signed_days_ago=None, shipped=False, until=S.NEW),
        ),
    ),
    Story(
        key="dryer-weak",
        case_type="after_sales",
        category="no_reason_return",
        resolution="return_refund",
        channel="portal",
        description="{product}风力感觉不大，想退货。",
        steps=(
            assign("agent4"),
            review(),
            reply(
                "您好，这款吹风机有三档风速，出厂默认是柔风档，长按风速键 2 秒可以切换到强风档，您试试看？"
            ),
            customer("试了，强风挺大的，之前不知道要长按。那不退了。"),
            cancel("客户学会切换风速档位后主动撤销退货申请。"),
        ),
        purchases=(
            Purchase("APL-HD-110", signed_days_ago=2, account="customer2"),
            Purchase("APL-HD-110", signed_days_ago=3),
        ),
    ),
    Story(
        key="nuts-short",
        case_type="after_sales",
        category="missing_or_wrong_item",
        resolution="refund_only",
        channel="social",
        description="{product}标的是 30 袋，我数了两遍只有 27 袋。",
        steps=(
            assign("agent5"),
            review(),
            route("warehouse"),
            department_note("称重记录显示该箱出库重量比标准轻 75g，与少 3 袋一致，确认少装。"),
            approve(),
            resolve("少装 3 袋，按比例退款 13.90 元并补偿 20 元无门槛券。"),
        ),
        purchases=(Purchase("FOD-NT-30", signed_days_ago=1),),
    ),
    Story(
        key="blocks-box-crushed",
        case_type="after_sales",
        category="transit_damage",
        resolution="exchange",
        channel="platform",
        description="{product}外盒被压扁了一个角，是准备送人的礼物，这样没法送。",
        steps=(assign("agent3"),),
        purchases=(Purchase("TOY-BK-1200", signed_days_ago=0.5),),
    ),
)
