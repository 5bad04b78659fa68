"""Service-level clocks, each case's risk and escalation state, alerts, and the calendar data."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case
from aftersale.common.models import Team


class ClockKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("首次响应")
    REVIEW = "review", _("审核反馈")
    RESOLUTION = "resolution", _("结案")
    QUALITY_PLAN = "quality_plan", _("质量问题方案")
    EXCEPTION_FIRST_REPLY = "exception_first_reply", _("异常工单初步回复")
    EXCEPTION_PLAN = "exception_plan", _("异常工单方案")
    UNRESOLVED = "unresolved", _("超时未解决转异常")
    INSPECTION = "inspection", _("退货验收")
    REFUND = "refund", _("退款到账")
    REFUND_STATUTORY = "refund_statutory", _("法定退款期限")
    REPAIR = "repair", _("维修")
    COMPENSATION_PAYOUT = "compensation_payout", _("补偿发放")
    WORK_ORDER = "work_order", _("执行单")


class ClockUnit(models.TextChoices):
    MINUTES = "minutes", _("自然时间（分钟）")
    WORKING_MINUTES = "working_minutes", _("工作时间（分钟）")
    WORKING_DAYS = "working_days", _("工作日")


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("已暂停")
    MET = "met", _("已达成")
    STOPPED = "stopped", _("已停止")


class Clock(models.Model):
    """One service-level target on a case. `next_action_at` is when the sweeper must look at it."""

    # Indexed by the (case, kind, ref) unique constraint, which leads with it.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks", db_index=False)
    kind = models.CharField(_("类型"), max_length=30, choices=ClockKind.choices)
    # What the clock is about when a case has several of a kind (e.g. "refund:12", "work_order:3").
    ref = models.CharField(_("对象"), max_length=40, blank=True, default="")
    unit = models.CharField(_("计时单位"), max_length=15, choices=ClockUnit.choices)
    target = models.PositiveIntegerField(_("目标"))
    state = models.CharField(_("状态"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    started_at = models.DateTimeField(_("开始"))
    due_at = models.DateTimeField(_("到期"), null=True, blank=True)
    paused_at = models.DateTimeField(_("暂停于"), null=True, blank=True)
    remaining_seconds = models.BigIntegerField(_("暂停时剩余（秒）"), null=True, blank=True)
    warned_at = models.DateTimeField(_("预警于"), null=True, blank=True)
    breached_at = models.DateTimeField(_("超时于"), null=True, blank=True)
    met_at = models.DateTimeField(_("达成于"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("升级层级"), default=0)
    next_action_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("时效")
        verbose_name_plural = _("时效")
        constraints = [models.UniqueConstraint(fields=["case", "kind", "ref"], name="one_clock_per_kind")]
        indexes = [
            # The sweeper's query: running clocks whose next action is due, oldest first.
            models.Index(fields=["next_action_at"], name="clock_next_action", condition=Q(state="running")),
            # The console's "due soon" and "overdue" queues.
            models.Index(fields=["due_at"], name="clock_running_due", condition=Q(state="running")),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"

    @property
    def breached(self) -> bool:
        return self.breached_at is not None


class CaseRisk(models.Model):
    """Exception, red-ticket and sensitive-word state of a case (one row per case, made on intake)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="risk")
    is_exception = models.BooleanField(_("异常工单"), default=False)
    exception_reasons = models.JSONField(_("异常原因"), default=list, blank=True)
    is_red_ticket = models.BooleanField(_("红头工单"), default=False)
    red_ticket_since = models.DateTimeField(_("督办开始"), null=True, blank=True)
    is_sensitive = models.BooleanField(_("舆情敏感"), default=False)
    sensitive_words = models.JSONField(_("命中敏感词"), default=list, blank=True)
    auto_rejection_frozen = models.BooleanField(_("冻结自动驳回"), default=False)

    class Meta:
        verbose_name = _("工单风险")
        verbose_name_plural = _("工单风险")
        indexes = [
            models.Index(fields=["is_exception"], name="risk_exception", condition=Q(is_exception=True)),
            models.Index(fields=["is_sensitive"], name="risk_sensitive", condition=Q(is_sensitive=True)),
        ]


class AlertKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将超时")
    BREACHED = "breached", _("已超时")
    ESCALATED = "escalated", _("已升级")
    RED_TICKET = "red_ticket", _("红头督办")
    SENSITIVE = "sensitive", _("舆情预警")
    EXCEPTION = "exception", _("异常工单")


class Alert(models.Model):
    """An in-app notification for one member of staff."""

    # Indexed by alert_recipient_id below (recipient first), which serves every lookup by recipient.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts", db_index=False
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("类型"), max_length=20, choices=AlertKind.choices)
    message = models.CharField(_("内容"), max_length=500)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读于"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        indexes = [models.Index(fields=["recipient", "-id"], name="alert_recipient_id")]


class HolidayOverride(models.Model):
    """A State Council notice the calendar package does not know yet: this day is (not) a working day."""

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["day"]


class TeamSchedule(models.Model):
    """A team's working hours: per weekday (0 = Monday) a list of ["09:00", "12:00"] shifts."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="schedule")
    shifts = models.JSONField(_("班次"), default=dict)
    follow_public_holidays = models.BooleanField(_("法定节假日休息"), default=True)

    class Meta:
        verbose_name = _("班表")
        verbose_name_plural = _("班表")

    def clean(self) -> None:
        """Refuse shifts the service-level calendar cannot read (every team's due times use them)."""
        from .calendar import WorkingHours

        try:
            WorkingHours.from_json(self.shifts, self.follow_public_holidays)
        except (AttributeError, TypeError, ValueError) as error:
            raise ValidationError({"shifts": _("班次无效：%(e)s") % {"e": error}}) from None


class AgentProfile(models.Model):
    """What automatic assignment needs to know about an agent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile"
    )
    product_categories = models.JSONField(
        _("擅长品类"), default=list, blank=True, help_text=_("空表示全部品类")
    )
    languages = models.JSONField(_("语言"), default=list, blank=True)
    is_senior = models.BooleanField(_("资深客服（接待 VIP）"), default=False)
    auto_assign = models.BooleanField(_("参与自动分派"), default=True)

    class Meta:
        verbose_name = _("客服档案")
        verbose_name_plural = _("客服档案")
