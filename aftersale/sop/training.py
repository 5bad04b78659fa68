# ruff: noqa: E501  (prose in Chinese source strings)
"""Training materials per role: learning modules, the checklist, reply scripts, drills built from
the seeds' scenarios, and the quiz whose key the eligibility engine computes."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersale.policy.engine import CaseFacts, CompiledPlaybook, LineFacts, evaluate
from aftersale.policy.reasons import ROLE_LABELS

from .context import Context, days, hours, join, minutes, money, percent, working_days
from .context import evidence as evidence_text
from .quiz import explain, quiz
from .sections import Section, checklist

RESOLUTION_LABELS = {
    "return_refund": gettext_lazy("退货退款"),
    "exchange": gettext_lazy("换货"),
    "repair": gettext_lazy("维修"),
    "refund_only": gettext_lazy("仅退款"),
    "compensation": gettext_lazy("补偿"),
}
ROLES = {
    "agent": gettext_lazy("客服专员"),
    "team_lead": gettext_lazy("客服组长"),
    "director": gettext_lazy("售后总监"),
    "optimizer": gettext_lazy("流程优化师"),
}


def _ack(ctx: Context, priority: str = "P1") -> str:
    levels = ctx.playbook.service_levels
    return minutes(max(1, round(levels.first_response_minutes * levels.priority_factors.get(priority, 1.0))))


def modules(ctx: Context, role: str) -> Section:
    pb = ctx.playbook
    levels, limits = pb.service_levels, pb.compensation.approval_limits
    common = [
        _(
            "政策要点：签收后 %(nr)s无理由退货；质量问题 %(qr)s内退货、%(qe)s内换货；维修最长 %(rl)s，同一故障修 %(n)s 次仍坏可换可退。"
        )
        % {
            "nr": days(pb.returns.no_reason.window_days),
            "qr": days(pb.quality.return_days),
            "qe": days(pb.quality.exchange_days),
            "rl": days(pb.quality.repair_limit_days),
            "n": pb.quality.repairs_before_replacement,
        },
    ]
    by_role = {
        "agent": [
            _("模块 1 受理与核验：订单号与手机号一致才处理；记录型号、序列号、购买与签收时间。"),
            _("模块 2 分类与凭证：按问题分类收集照片或视频，缺少时请客户补充。"),
            _("模块 3 资格判断：以系统的资格判断为准，向客户说明期限与运费承担。"),
            _("模块 4 补偿：%(agent)s以内可直接给予，超出先提交审批，审批前不告知金额。")
            % {"agent": money(limits.agent)},
            _("模块 5 沟通：%(ack)s内首次响应；使用致歉与安抚话术；出现敏感词时不争辩，交资深专家组。")
            % {"ack": minutes(levels.first_response_minutes)},
        ],
        "team_lead": [
            _("模块 1 审批：审批 %(agent)s至 %(lead)s的补偿；超出的转售后总监。")
            % {"agent": money(limits.agent), "lead": money(limits.team_lead)},
            _("模块 2 升级与超时：处理升级到本级的工单；超过 %(h)s未解决的异常工单每 %(red)s跟进一次。")
            % {
                "h": hours(pb.escalation.exception_after_hours),
                "red": hours(pb.escalation.red_ticket_copy_every_hours),
            },
            _("模块 3 质检：每周抽检每名客服的工单与话术，结果用于辅导。"),
            _("模块 4 敏感工单：收到敏感词提醒后确认专家组已接手，并保全证据。"),
        ],
        "director": [
            _("模块 1 售后政策：修改并发布售后政策版本；手册与培训材料随版本自动更新，发布前查看手册差异。"),
            _("模块 2 指标：普通工单 %(h)s内结案达成率 ≥ %(att)s；满意度 ≥ %(csat)s；一次解决率 ≥ %(fcr)s。")
            % {
                "h": hours(levels.ordinary_close_hours),
                "att": percent(levels.attainment_target_percent),
                "csat": percent(ctx.csat),
                "fcr": percent(ctx.fcr),
            },
            _("模块 3 大额补偿与风险：审批超过 %(lead)s的补偿；处理法律、舆情与人身安全风险。")
            % {"lead": money(limits.team_lead)},
        ],
        "optimizer": [
            _("模块 1 数据：时效达成、超时原因、升级次数、补偿成本与满意度按月分析。"),
            _("模块 2 流程：找出等待最久的环节（审核 %(r)s、验收 %(i)s、退款 %(f)s），提出改进。")
            % {
                "r": working_days(levels.review_working_days),
                "i": days(levels.inspection_days),
                "f": hours(levels.refund_after_receipt_hours),
            },
            _("模块 3 政策建议：以售后政策草案提出修改，附手册差异，由售后总监审批发布。"),
        ],
    }
    return Section("modules", _("学习模块"), items=common + by_role[role])


def role_checklist(ctx: Context, role: str) -> Section:
    if role == "agent":
        section = checklist(ctx)
        section.title = _("执行清单")
        return section
    limits = ctx.playbook.compensation.approval_limits
    items = {
        "team_lead": [
            _("每天开始：查看超时与即将超时的工单、待审批的补偿。"),
            _("审批补偿：核对金额、凭证与补偿标准，%(lead)s以上转售后总监。")
            % {"lead": money(limits.team_lead)},
            _("红头工单：每 %(h)s跟进一次直至解决。")
            % {"h": hours(ctx.playbook.escalation.red_ticket_copy_every_hours)},
            _("每周：抽检工单与话术并反馈给客服。"),
        ],
        "director": [
            _("每周：查看时效达成率、满意度、投诉万分率与补偿成本。"),
            _("政策变更：发布前查看手册差异，写明变更原因，发布后通知团队学习新版手册。"),
            _("风险工单：法律、舆情、人身安全工单当日过问。"),
        ],
        "optimizer": [
            _("每月：导出时效与满意度数据，找出前三个瓶颈。"),
            _("每次政策变更后：对比变更前后的指标。"),
            _("提出建议时附数据与手册差异。"),
        ],
    }[role]
    return Section("checklist", _("执行清单"), items=items)


def reply_scripts(ctx: Context) -> Section:
    pb = ctx.playbook
    levels = pb.service_levels
    lateness = next(
        (s for s in pb.compensation.scenarios if s.category == "logistics_delay" and s.amount), None
    )
    items = [
        _(
            "致歉（质量问题）：“非常抱歉给您带来了麻烦。您的商品在签收后 %(qr)s内，我们为您办理退货，来回运费由我们承担；如您更希望换货，%(qe)s内都可以。”"
        )
        % {"qr": days(pb.quality.return_days), "qe": days(pb.quality.exchange_days)},
        _(
            "安抚（客户情绪激动）：“我完全理解您的心情，换作是我也会着急。我现在就为您处理，%(ack)s内给您明确答复，处理人是我。”"
        )
        % {"ack": _ack(ctx)},
        _(
            "说明期限（超出无理由退货期）：“无理由退货期是签收后 %(nr)s，您的订单已经超过。如果商品有质量问题，我马上为您检测，符合条件可以换货或维修。”"
        )
        % {"nr": days(pb.returns.no_reason.window_days)},
        _("超出权限：“这笔补偿需要主管审批，审批通过后 %(h)s内到账，我会第一时间告诉您结果。”")
        % {"h": hours(levels.compensation_pay_hours)},
        _(
            "敏感词（客户提到投诉、曝光或律师）：“您的问题已由资深专家负责，会在 %(t)s内与您联系。我们会认真核实，给您一个明确的处理方案。”不争辩、不承诺未经审批的结果。"
        )
        % {"t": _ack(ctx, "P0")},
    ]
    if lateness is not None:
        items.append(
            _(
                "物流延误致歉：“包裹延误是我们的责任，非常抱歉。已为您补偿 %(a)s余额，并持续跟踪物流，有进展马上通知您。”"
            )
            % {"a": money(lateness.amount)}
        )
    return Section("scripts", _("话术：安抚与致歉"), items=items)


def _judge(
    compiled: CompiledPlaybook, at: datetime, *, category: str, price: str, signed_days: int, repairs: int = 0
):
    signed = datetime.combine((at - timedelta(days=signed_days)).date(), time(10), tzinfo=at.tzinfo)
    line = LineFacts(
        category="appliance",
        unit_price=Decimal(price),
        order_paid_amount=Decimal(price),
        paid_at=signed - timedelta(days=2),
        shipped_at=signed - timedelta(days=1),
        signed_at=signed,
    )
    return evaluate(compiled, line, CaseFacts(category=category, completed_repairs=repairs), at=at)


def drills(ctx: Context, compiled: CompiledPlaybook, at: datetime) -> Section:
    """The seeds' scenarios, each with the handling the playbook requires (judged by the engine)."""
    pb = ctx.playbook
    at = at.astimezone(compiled.tz)
    damaged = _judge(compiled, at, category="transit_damage", price="2000.00", signed_days=1).entitlements[
        "compensation"
    ]
    repeated = _judge(compiled, at, category="quality_fault", price="1200.00", signed_days=90, repairs=2)
    no_reason = _judge(compiled, at, category="", price="199.00", signed_days=5).entitlements["return_refund"]
    evidence = pb.evidence.get("transit_damage", [])
    steps = [
        _(
            "家电运输破损：客户收到一台 %(price)s的电器，外箱与机身破损。收集%(ev)s；可安排上门取件换新，或按补偿标准补偿 %(amount)s，需由%(role)s审批；记入破损案例库。"
        )
        % {
            "price": money(Decimal("2000")),
            "ev": evidence_text(list(evidence)) or _("照片"),
            "amount": money(damaged.amount) if damaged.amount is not None else _("（无标准补偿）"),
            "role": ROLE_LABELS[damaged.approval or "agent"],
        },
        _("同一故障维修两次：序列号相同的商品已维修 2 次又出现同一故障。系统判断：%(answer)s。")
        % {
            "answer": join([RESOLUTION_LABELS[r] for r in repeated.eligible()])
            if repeated.eligible()
            else _("无可用方案")
        },
        _("七天无理由退货：客户签收 5 天，商品完好。系统判断：%(answer)s。")
        % {"answer": explain(no_reason.reasons)},
        _(
            "物流延误：包裹超过承诺时效未送达，客户催促。%(ack)s内回复，联系物流查询，按补偿标准处理，%(h)s内解决。"
        )
        % {
            "ack": minutes(pb.service_levels.first_response_minutes),
            "h": hours(pb.service_levels.logistics_resolve_hours),
        },
        _(
            "威胁曝光：客户说“再不处理就找媒体曝光”。系统识别敏感词，优先级升为 %(p)s，转资深专家组；客服只致歉并说明专家将联系，不争辩、不承诺。"
        )
        % {"p": pb.lexicon.raise_priority_to},
        _("少发漏发：客户收到的包裹少了一件。请客户提供面单与开箱照片，核实后仅退款或补发，无需退回。"),
        _("超时未解决：工单已超过 %(h)s仍未解决。转为异常工单，组长接手，红头工单每 %(red)s抄送上一级。")
        % {
            "h": hours(pb.escalation.exception_after_hours),
            "red": hours(pb.escalation.red_ticket_copy_every_hours),
        },
    ]
    return Section("drills", _("演练：来自真实场景"), steps=steps)


def quiz_section(compiled: CompiledPlaybook, at: datetime) -> list[Section]:
    questions = quiz(compiled, at=at)
    asked = Section("quiz", _("测验"), steps=[q.text for q in questions])
    key = Section(
        "quiz_key",
        _("测验答案"),
        _("答案由系统的资格引擎按当前售后政策计算。"),
        table=[[_("题号"), _("答案"), _("依据")]]
        + [[str(n), q.answer, q.explanation] for n, q in enumerate(questions, 1)],
    )
    return [asked, key]


def training_sections(ctx: Context, compiled: CompiledPlaybook, role: str, at: datetime) -> list[Section]:
    sections = [modules(ctx, role), role_checklist(ctx, role)]
    if role in ("agent", "team_lead"):
        sections += [reply_scripts(ctx), drills(ctx, compiled, at)]
    else:
        sections.append(drills(ctx, compiled, at))
    return sections + quiz_section(compiled, at)
