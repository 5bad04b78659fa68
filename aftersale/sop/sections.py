# ruff: noqa: E501  (prose in Chinese source strings; wrapping them would split the catalogue entries)
"""The SOP, section by section, written from a Context in the active language.

Every number comes from the playbook (or, for what it has no place for, from the request the draft
was parsed from), so the text says what the system enforces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from aftersale.policy.reasons import ROLE_LABELS

from .context import (
    BUSINESS_LABELS,
    CATEGORY_LABELS,
    CHAIN_LABELS,
    TIER_ROLE_LABELS,
    TRIGGER_LABELS,
    Context,
    aside,
    condition_text,
    days,
    department,
    evidence,
    hours,
    join,
    label,
    minutes,
    money,
    pair,
    percent,
    working_days,
)

CONTRACT_KEYS = (
    "return_process",
    "complaint_sop",
    "escalation_procedures",
    "service_recovery",
    "compensation_matrix",
    "quality_standards",
    "training_materials",
)


@dataclass
class Section:
    key: str
    title: str
    intro: str = ""
    steps: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # the first row is the header

    def as_text(self) -> str:
        lines = [self.intro] if self.intro else []
        if self.table:
            header, *rows = self.table
            for first, *rest in rows:
                middle = list(zip(header[1:-1], rest[:-1], strict=True))
                extra = _("；").join(c if len(middle) == 1 else pair(h, c) for h, c in middle if c)
                text = pair(first, extra) if extra else first
                if rest[-1] and rest[-1] != "—":
                    text += _("（%(h)s：%(c)s）") % {"h": header[-1], "c": rest[-1]}
                lines.append(f"- {text}")
        lines += [f"{n}. {step}" for n, step in enumerate(self.steps, start=1)]
        lines += [f"- {item}" for item in self.items]
        return "\n".join(lines)


def _ack_minutes(ctx: Context, priority: str = "P1") -> int:
    levels = ctx.playbook.service_levels
    return max(1, round(levels.first_response_minutes * levels.priority_factors.get(priority, 1.0)))


def _approval_text(ctx: Context) -> str:
    limits = ctx.playbook.compensation.approval_limits
    top = (
        _("超过 %(lead)s由售后总监审批（上限 %(director)s）")
        % {"lead": money(limits.team_lead), "director": money(limits.director)}
        if limits.director is not None
        else _("超过 %(lead)s由售后总监审批") % {"lead": money(limits.team_lead)}
    )
    return _("%(agent)s以内客服专员可直接给予，无需审批；%(agent)s至 %(lead)s由客服组长审批；%(top)s") % {
        "agent": money(limits.agent),
        "lead": money(limits.team_lead),
        "top": top,
    }


def overview(ctx: Context) -> Section:
    pb = ctx.playbook
    kind = BUSINESS_LABELS.get(ctx.business_kind)
    intro = _(
        "本手册是「%(business)s」的售后服务标准作业程序（SOP），由售后政策%(version)s生成：手册中的时限、期限、金额与权限就是系统执行的规则。"
    ) % {
        "business": ctx.business,
        "version": _(" v%(n)s ") % {"n": ctx.version} if ctx.version else _("草案"),
    }
    items = [
        _("适用范围：咨询、退货、换货、维修、仅退款、补偿与投诉，覆盖全部下单渠道。"),
        _("时区：%(tz)s；法定期限按自然日计算，内部时效按工作日或小时计算。") % {"tz": pb.time_zone},
    ]
    if kind:
        items.insert(0, _("业务类型：%(kind)s。") % {"kind": kind})
    return Section("overview", _("概述"), intro, items=items)


def roles_kpis(ctx: Context) -> Section:
    levels = ctx.playbook.service_levels
    rows = [[_("层级"), _("岗位"), _("人数"), _("职责")]]
    duties = {
        "agent": _("受理、核验、分类、按政策处理并在额度内补偿"),
        "specialist": _("疑难问题、技术诊断、超出一线额度的个案"),
        "team_lead": _("审批补偿、处理升级与超时工单、质检抽查"),
        "manager": _("审批大额补偿、处理法律与舆情风险、发布售后政策"),
    }
    for tier in ctx.tiers:
        count = str(tier.count) if tier.count else "—"
        name = tier.title if tier.count is None else aside(tier.title, TIER_ROLE_LABELS[tier.role])
        rows.append([str(tier.level), name, count, str(duties[tier.role])])
    items = [
        _("资深专家组：处理触发敏感词、法律或舆情风险的工单。"),
        _("部门协作：仓储、品控/研发、运维、物流与商家按执行单处理转派给本部门的工作。"),
        _("流程优化师：只读全部工单，分析时效与流程瓶颈，提出政策修改建议。"),
        _(
            "考核指标：首次响应 ≤ %(first)s；普通工单 %(close)s内结案，达成率 ≥ %(att)s；满意度（CSAT）≥ %(csat)s；一次解决率（FCR）≥ %(fcr)s。"
        )
        % {
            "first": minutes(levels.first_response_minutes),
            "close": hours(levels.ordinary_close_hours),
            "att": percent(levels.attainment_target_percent),
            "csat": percent(ctx.csat),
            "fcr": percent(ctx.fcr),
        },
    ]
    if ctx.playbook.teams:
        items.insert(0, _("班组：%(teams)s。") % {"teams": join([label(t.name) for t in ctx.playbook.teams])})
    return Section("roles_kpis", _("角色与考核指标"), table=rows, items=items)


def intake(ctx: Context) -> Section:
    steps = [
        _("问候并记录来源渠道（电话、在线客服、邮件、平台、门店）。"),
        _("核验身份：订单号加下单手机号（或会员账号）必须一致，不一致不透露任何订单信息。"),
        _("记录订单信息：商品、型号与序列号、购买时间与渠道、签收时间、会员等级。"),
        _("记录问题：客户原话、诉求（退货、换货、维修、仅退款、补偿）以及照片或视频凭证。"),
        _("生成唯一售后单号，并告知客户处理人与预计完成时间。"),
    ]
    return Section("intake", _("受理与身份核验"), steps=steps)


def classification(ctx: Context) -> Section:
    levels = ctx.playbook.service_levels
    rows = [[_("优先级"), _("情形"), _("首次响应")]]
    cases = {
        "P0": _("触发敏感词、法律或舆情风险、人身安全"),
        "P1": _("异常工单、重要客户、重复投诉"),
        "P2": _("一般售后（退货、换货、维修、补偿）"),
        "P3": _("咨询类（物流查询、用法、发票）"),
    }
    for priority, text in cases.items():
        rows.append([priority, str(text), minutes(_ack_minutes(ctx, priority))])
    categories = [c for c in ctx.issue_categories] or list(ctx.playbook.quality.fault_categories)
    items = [
        _("工单类型：咨询、售后、投诉三类。"),
        _("本业务常见问题：%(issues)s。") % {"issues": join([i.text for i in ctx.issues])},
        _("问题分类：%(cats)s；分类决定所需凭证、补偿方案和转派部门。")
        % {"cats": join([CATEGORY_LABELS.get(c, c) for c in categories])},
        _("首次响应时限 = 基准 %(base)s × 优先级系数。") % {"base": minutes(levels.first_response_minutes)},
    ]
    return Section("classification", _("分类与优先级"), table=rows, items=items)


def return_process(ctx: Context) -> Section:
    pb = ctx.playbook
    no_reason, quality, levels = pb.returns.no_reason, pb.quality, pb.service_levels
    freight = (
        _("无理由退货的退回运费由买家承担")
        if no_reason.freight_payer == "buyer"
        else _("无理由退货的退回运费由商家承担")
    )
    steps = [
        _(
            "核验资格：签收次日零点起算，%(nr)s内无理由退货（商品完好）；质量问题 %(qr)s内可退货、%(qe)s内可换货，保修期内免费维修。定作、鲜活易腐、已拆封的数字商品、已交付的报刊依法不适用无理由退货。"
        )
        % {
            "nr": days(no_reason.window_days),
            "qr": days(quality.return_days),
            "qe": days(quality.exchange_days),
        },
        _("收集凭证：按问题分类收齐照片或视频（见“凭证要求”），缺少凭证时请客户补充，不直接驳回。"),
        _("审核：%(n)s内给出结论——同意、需补充材料或不适用，并说明依据。")
        % {"n": working_days(levels.review_working_days)},
        _(
            "开具退货授权（RMA）：生成退货单号，告知退货地址、联系人和电话；%(freight)s，质量问题来回运费由商家承担，可预约上门取件。"
        )
        % {"freight": freight},
        _("收货验收：仓库收到退货后 %(n)s内验收，检查完好性、配件与序列号，并拍照留存。")
        % {"n": days(levels.inspection_days)},
        _("退款：验收通过后 %(h)s内原路退款；未退回的赠品按事先声明的价格扣除。")
        % {"h": hours(levels.refund_after_receipt_hours)},
        _(
            "换货或维修：换货发出同型号同规格的新品；维修在 %(w)s内完成，最长不超过 %(d)s；同一故障维修 %(n)s次后仍未修好，可换货或退货。"
        )
        % {
            "w": working_days(levels.repair_working_days),
            "d": days(quality.repair_limit_days),
            "n": quality.repairs_before_replacement,
        },
        _("结案：告知客户结果，记录处理结果，邀请客户评价（1–5 分）。"),
    ]
    items = [_("仅退款：未发货的订单可直接退款；少发、漏发的商品可申请仅退款，无需退回。")]
    if no_reason.honour_checkout_confirmation:
        items.append(
            _("下单时经买家确认“不宜退货”的商品不适用无理由退货；未经确认的，必须按无理由退货受理。")
        )
    if pb.returns.any_reason_exchange_days:
        items.append(
            _("无理由换货（如尺码、颜色）：签收后 %(d)s内可换，运费规则同无理由退货。")
            % {"d": days(pb.returns.any_reason_exchange_days)}
        )
    if pb.speedy_refund.enabled:
        items.append(
            _("极速退款：符合“%(c)s”的，退款在退货寄回前先行发放。")
            % {"c": condition_text(pb.speedy_refund.conditions)}
        )
    checklist = no_reason.intact_checklist.get(ctx.business_kind) if ctx.business_kind else None
    if checklist:
        items.append(_("本品类“商品完好”的标准：%(list)s。") % {"list": join([label(i) for i in checklist])})
    if no_reason.free_shipping_threshold is not None and no_reason.deduct_shipping_when_threshold_broken:
        items.append(
            _("部分退货使订单低于 %(t)s包邮门槛时，可扣除原运费。")
            % {"t": money(no_reason.free_shipping_threshold)}
        )
    return Section("return_process", _("退换货流程"), steps=steps, items=items)


def intact_standards(ctx: Context) -> Section:
    rows = [[_("商品品类"), _("“商品完好”的标准")]]
    for kind, items in ctx.playbook.returns.no_reason.intact_checklist.items():
        rows.append([str(BUSINESS_LABELS.get(kind, kind)), join([label(i) for i in items])])
    intro = _("无理由退货要求商品完好：为检查而拆开包装或合理试用，不影响完好。各品类标准如下。")
    return Section("intact", _("商品完好标准"), intro, table=rows)


def evidence_rules(ctx: Context) -> Section:
    rows = [[_("问题分类"), _("所需凭证")]]
    for category, kinds in ctx.playbook.evidence.items():
        rows.append([str(CATEGORY_LABELS.get(category, category)), evidence(list(kinds))])
    items = [
        _("照片须清楚显示商品、外箱和快递面单；视频须连续拍摄、不剪辑。"),
        _("凭证随工单保存，不得删除；涉及敏感词的工单须保全全部沟通记录。"),
    ]
    return Section("evidence", _("凭证要求"), table=rows, items=items)


def complaint_sop(ctx: Context) -> Section:
    levels, escalation = ctx.playbook.service_levels, ctx.playbook.escalation
    steps = [
        _("受理确认：%(ack)s内首次响应（P0 为 %(p0)s），确认问题、真诚致歉，告知处理人和预计时间。")
        % {"ack": minutes(_ack_minutes(ctx)), "p0": minutes(_ack_minutes(ctx, "P0"))},
        _("调查核实：%(h)s内查明事实——订单、物流轨迹、沟通记录与凭证，需要其他部门时开具执行单。")
        % {"h": hours(levels.exception_first_reply_hours)},
        _("提出方案：%(h)s内向客户提出处理方案（质量问题 %(q)s内，物流问题 %(l)s内解决）。")
        % {
            "h": hours(levels.exception_plan_hours),
            "q": hours(levels.quality_plan_hours),
            "l": hours(levels.logistics_resolve_hours),
        },
        _("解决结案：普通工单 %(h)s内解决；超过 %(ex)s仍未解决的转为异常工单，红头工单每 %(red)s抄送上一级。")
        % {
            "h": hours(levels.ordinary_close_hours),
            "ex": hours(escalation.exception_after_hours),
            "red": hours(escalation.red_ticket_copy_every_hours),
        },
        _("回访：结案后回访确认问题已解决并收集满意度评价；未解决的重新打开工单。"),
    ]
    items = [
        _("不得推诿、不得与客户争辩；未经审批不得承诺补偿金额。"),
        _("投诉涉及服务态度的，由客服组长亲自回访。"),
    ]
    return Section("complaint_sop", _("投诉处理"), steps=steps, items=items)


def escalation_procedures(ctx: Context) -> Section:
    pb = ctx.playbook
    chain = " → ".join(str(CHAIN_LABELS.get(rung, rung)) for rung in pb.escalation.chain)
    intro = _("升级链：%(chain)s。时限将到前 %(warn)s提醒处理人，超时后逐级升级。") % {
        "chain": chain,
        "warn": minutes(pb.escalation.warn_before_due_minutes),
    }
    items = []
    for rule in ctx.escalations:
        target = ctx.target(rule.target)
        if rule.trigger == "amount":
            what = _("涉及金额超过 %(a)s") % {"a": money(rule.amount or Decimal(0))}
        elif rule.trigger == "overdue":
            what = _("超过 %(h)s仍未解决") % {"h": hours(rule.hours or 0)}
        else:
            what = str(TRIGGER_LABELS.get(rule.trigger, rule.trigger))
        items.append(_("升级至%(target)s：%(what)s。") % {"target": target, "what": what})
    limits = pb.compensation.approval_limits
    items += [
        _("补偿或退款金额超过 %(agent)s：升级至客服组长审批；超过 %(lead)s：升级至售后总监。")
        % {"agent": money(limits.agent), "lead": money(limits.team_lead)},
        _(
            "客户消息出现敏感词（%(words)s）：优先级升为 %(p)s，转资深专家组，冻结自动驳回，保全证据并立即通知组长。"
        )
        % {"words": join(pb.lexicon.words), "p": pb.lexicon.raise_priority_to},
        _("超过 %(h)s未解决：转为异常工单，由上一级跟进；红头工单每 %(red)s抄送再上一级。")
        % {
            "h": hours(pb.escalation.exception_after_hours),
            "red": hours(pb.escalation.red_ticket_copy_every_hours),
        },
    ]
    return Section("escalation_procedures", _("升级路径"), intro, items=items)


def service_recovery(ctx: Context) -> Section:
    levels = ctx.playbook.service_levels
    intro = _("授权：%(approval)s。") % {"approval": _approval_text(ctx)}
    steps = [
        _("道歉：承认问题，说明原因，不推诿。"),
        _("纠正：立即补发、换货、维修或退款，先解决客户的实际损失。"),
        _("补偿：按补偿标准给予，超出本人额度的先提交审批，审批通过后再告知客户金额。"),
        _("兑现：补偿在批准后 %(h)s内到账，并通知客户。") % {"h": hours(levels.compensation_pay_hours)},
        _("复盘：记录失误原因，同类问题集中时转流程优化师分析，批次质量问题附批次号转品控。"),
    ]
    return Section("service_recovery", _("服务补救"), intro, steps=steps)


def _scenario_text(scenario) -> str:
    if scenario.kind == "fixed_credit":
        text = _("补偿 %(a)s余额") % {"a": money(scenario.amount)}
    elif scenario.kind == "percent_of_price":
        text = _("补偿商品金额的 %(p)s（余额）") % {"p": percent(scenario.percent)}
    elif scenario.kind == "refund_plus_credit":
        text = _("全额退款并补偿 %(a)s余额") % {"a": money(scenario.amount)}
    else:
        text = _("赠品：%(g)s") % {"g": label(scenario.alternative)}
    if scenario.alternative and scenario.kind != "gift":
        text += _("，或%(alt)s") % {"alt": label(scenario.alternative)}
    return text


def compensation_matrix(ctx: Context) -> Section:
    from aftersale.policy.engine import approver_for

    pb = ctx.playbook
    rows = [[_("情形"), _("补偿"), _("审批人")]]
    covered = set()
    for scenario in pb.compensation.scenarios:
        covered.add(scenario.category)
        amount = scenario.amount if scenario.kind in ("fixed_credit", "refund_plus_credit") else None
        approver = str(ROLE_LABELS[approver_for(amount, pb)]) if amount is not None else _("按金额")
        rows.append(
            [
                str(CATEGORY_LABELS.get(scenario.category, scenario.category)),
                _scenario_text(scenario),
                approver,
            ]
        )
    for category in ctx.issue_categories:
        if category not in covered and category != "no_reason_return":
            rows.append(
                [
                    str(CATEGORY_LABELS.get(category, category)),
                    _("无标准补偿，按个案处理"),
                    str(ROLE_LABELS["team_lead"]),
                ]
            )
    if "no_reason_return" in ctx.issue_categories or not ctx.issues:
        rows.append([str(CATEGORY_LABELS["no_reason_return"]), _("不补偿；按政策退货退款"), "—"])
    items = [_("审批权限：%(approval)s。") % {"approval": _approval_text(ctx)}]
    return Section("compensation_matrix", _("补偿标准与审批权限"), table=rows, items=items)


def service_levels(ctx: Context) -> Section:
    levels, deadlines = ctx.playbook.service_levels, ctx.playbook.response_deadlines
    items = [
        _("首次响应：%(v)s。") % {"v": minutes(levels.first_response_minutes)},
        _("审核结论：%(v)s。") % {"v": working_days(levels.review_working_days)},
        _("普通工单结案：%(v)s。") % {"v": hours(levels.ordinary_close_hours)},
        _("异常工单：%(a)s内首次答复，%(b)s内给出方案。")
        % {"a": hours(levels.exception_first_reply_hours), "b": hours(levels.exception_plan_hours)},
        _("质量问题方案：%(q)s；物流问题解决：%(l)s。")
        % {"q": hours(levels.quality_plan_hours), "l": hours(levels.logistics_resolve_hours)},
        _("维修：%(r)s；退货验收：%(i)s；收到退货后退款：%(f)s；补偿到账：%(c)s。")
        % {
            "r": working_days(levels.repair_working_days),
            "i": days(levels.inspection_days),
            "f": hours(levels.refund_after_receipt_hours),
            "c": hours(levels.compensation_pay_hours),
        },
        _("商家响应退款申请：未发货订单 %(u)s，已发货订单 %(s)s（虚拟商品 %(v)s）%(auto)s。")
        % {
            "u": hours(deadlines.unshipped_refund_hours),
            "s": days(deadlines.shipped_refund_days),
            "v": days(deadlines.virtual_goods_refund_days),
            "auto": _("，超时自动同意") if deadlines.auto_approve_on_timeout else "",
        },
        _("时限达成率目标：≥ %(p)s。") % {"p": percent(levels.attainment_target_percent)},
    ]
    return Section("service_levels", _("时效标准"), items=items)


def sensitive_words(ctx: Context) -> Section:
    lexicon = ctx.playbook.lexicon
    intro = _("敏感词：%(words)s。") % {"words": join(lexicon.words)}
    steps = [
        _("系统在客户消息与工单描述中识别敏感词，自动将优先级升为 %(p)s，并转资深专家组。")
        % {"p": lexicon.raise_priority_to},
        _("冻结自动驳回，保全全部聊天记录、凭证与物流信息。"),
        _("立即通知客服组长；专家组在 P0 时限 %(t)s内联系客户。") % {"t": minutes(_ack_minutes(ctx, "P0"))},
        _("回复只陈述事实与处理方案，不作任何未经审批的承诺，不与客户争论。"),
    ]
    return Section("sensitive_words", _("敏感词处理"), intro, steps=steps)


def exception_routing(ctx: Context) -> Section:
    rows = [[_("规则"), _("条件"), _("转派部门")]]
    for rule in ctx.playbook.routing.rules:
        rows.append([label(rule.name), condition_text(rule.when), department(rule.department)])
    items = [
        _("异常工单：超过 %(h)s未解决、补偿超出额度、或存在品牌声誉风险。")
        % {"h": hours(ctx.playbook.escalation.exception_after_hours)},
        _("转派时开具执行单，写明部门、期限与责任人；批次质量问题附批次号。"),
    ]
    return Section("exception_routing", _("异常工单与转派"), table=rows, items=items)


def quality_standards(ctx: Context) -> Section:
    levels = ctx.playbook.service_levels
    items = [
        _("满意度（CSAT）> %(v)s（1–5 分评价中 4 分及以上的占比）。") % {"v": percent(ctx.csat)},
        _("一次解决率（FCR）> %(v)s。") % {"v": percent(ctx.fcr)},
        _("首次响应 < %(v)s；P0 工单 < %(p0)s。")
        % {"v": minutes(levels.first_response_minutes), "p0": minutes(_ack_minutes(ctx, "P0"))},
        _("普通工单 %(h)s内结案的比例 ≥ %(p)s。")
        % {"h": hours(levels.ordinary_close_hours), "p": percent(levels.attainment_target_percent)},
        _(
            "监控：每日查看超时与预警工单；组长每周抽检每名客服的工单与话术；每月公布时效、满意度与投诉万分率统计。"
        ),
        _("每项操作都有记录可追溯；抽检发现的问题纳入培训。"),
    ]
    return Section("quality_standards", _("质量标准"), items=items)


def checklist(ctx: Context) -> Section:
    levels = ctx.playbook.service_levels
    items = [
        _("已核验订单号与手机号。"),
        _("已在 %(v)s内首次响应。") % {"v": minutes(levels.first_response_minutes)},
        _("已选择正确的工单类型、问题分类与优先级。"),
        _("已按分类收齐凭证。"),
        _("已在系统中查看资格判断（期限、运费承担、所需审批）。"),
        _("补偿金额在本人额度内，或已提交审批。"),
        _("需要其他部门时已开具执行单。"),
        _("已把结果告知客户，并记录处理结果。"),
        _("已邀请客户评价；需要时已安排回访。"),
    ]
    return Section("checklist", _("执行清单"), items=items)


def training_materials(ctx: Context) -> Section:
    pb = ctx.playbook
    topics = [
        _("产品知识：%(b)s的常见型号、功能与故障判断。") % {"b": ctx.business}
        if ctx.version is None
        else _("产品知识：所售商品的常见型号、功能与故障判断。"),
        _("政策与法规：%(nr)s无理由退货、质量问题 %(qr)s内退货与 %(qe)s内换货、三包维修、极速退款条件。")
        % {
            "nr": days(pb.returns.no_reason.window_days),
            "qr": days(pb.quality.return_days),
            "qe": days(pb.quality.exchange_days),
        },
        _("常见场景演练：%(issues)s。") % {"issues": join([i.text for i in ctx.issues])},
        _("同理心话术与致歉话术；降级（安抚）技巧；敏感词应对。"),
        _("补偿权限：%(approval)s。") % {"approval": _approval_text(ctx)},
        _("系统操作：受理、核验、凭证、资格判断、执行单、升级与结案。"),
        _("考核：按本手册生成的测验（答案由系统的资格引擎计算），合格后上岗。"),
    ]
    return Section("training_materials", _("培训要点"), items=topics)


STATUTORY_RETENTION_YEARS = 3  # E-commerce Law art. 31: transaction information, from completion


def retention(ctx: Context) -> Section:
    years = ctx.playbook.retention.case_years
    items = [
        _(
            "工单、沟通记录、凭证与操作日志按工单归档，结案后保存 %(years)s 年，到期后由系统每日匿名化其中的个人信息（统计数字保留）；处于法律保留（如涉诉）的工单与客户暂不匿名化。"
        )
        % {"years": years},
    ]
    if years < STATUTORY_RETENTION_YEARS:
        items.append(
            _(
                "注意：电子商务法第三十一条要求交易信息自交易完成之日起保存不少于 %(years)s 年；本政策的保存年限更短，订单与交易记录须另行留存。"
            )
            % {"years": STATUTORY_RETENTION_YEARS}
        )
    items += [
        _("显示、日志与导出中的手机号、姓名默认脱敏（如 138****1234），只向工作需要的角色显示完整信息。"),
        _("只收集处理工单所需的个人信息，不收集身份证号等无关信息。"),
    ]
    return Section("retention", _("记录与留存"), items=items)


HANDBOOK = (
    overview,
    roles_kpis,
    intake,
    classification,
    return_process,
    intact_standards,
    evidence_rules,
    compensation_matrix,
    service_recovery,
    service_levels,
    complaint_sop,
    escalation_procedures,
    sensitive_words,
    exception_routing,
    quality_standards,
    checklist,
    training_materials,
    retention,
)
CONTRACT = {
    "return_process": return_process,
    "complaint_sop": complaint_sop,
    "escalation_procedures": escalation_procedures,
    "service_recovery": service_recovery,
    "compensation_matrix": compensation_matrix,
    "quality_standards": quality_standards,
    "training_materials": training_materials,
}


def handbook_sections(ctx: Context) -> list[Section]:
    return [build(ctx) for build in HANDBOOK]


def contract_texts(ctx: Context) -> dict[str, str]:
    return {key: CONTRACT[key](ctx).as_text() for key in CONTRACT_KEYS}
