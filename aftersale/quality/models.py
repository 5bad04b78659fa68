"""Satisfaction surveys, follow-ups (回访), and the quality app's own records."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Survey(models.Model):
    """The satisfaction survey of a resolved case: one per case, answered once, reminded once."""

    case = models.OneToOneField(
        Case, verbose_name=_("售后单"), on_delete=models.PROTECT, related_name="survey"
    )
    token = models.CharField(_("链接令牌"), max_length=40, unique=True, default=new_token)
    score = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    comment = models.TextField(_("评价"), max_length=1000, blank=True, default="")
    sent_at = models.DateTimeField(_("发送时间"))
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("回答时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("满意度调查")
        verbose_name_plural = _("满意度调查")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="survey_score_1_to_5",
            )
        ]
        indexes = [
            models.Index(fields=["answered_at"], name="survey_answered_at"),
            models.Index(
                fields=["sent_at"],
                name="survey_unanswered_sent",
                condition=models.Q(answered_at__isnull=True, reminded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score or '-'}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("待回访")
    DONE = "done", _("已回访")


class FollowUpOutcome(models.TextChoices):
    FIXED = "fixed", _("问题已解决")
    NOT_FIXED = "not_fixed", _("问题未解决")
    UNREACHABLE = "unreachable", _("联系不上")


class FollowUp(models.Model):
    """A follow-up call (回访) a low survey score opens for the team lead."""

    case = models.ForeignKey(
        Case, verbose_name=_("售后单"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    survey = models.OneToOneField(Survey, on_delete=models.PROTECT, related_name="follow_up")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    deadline = models.DateTimeField(_("截止时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    outcome = models.CharField(
        _("回访结果"), max_length=15, choices=FollowUpOutcome.choices, blank=True, default=""
    )
    note = models.TextField(_("回访记录"), max_length=2000, blank=True, default="")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        indexes = [models.Index(fields=["assignee", "status", "deadline"], name="follow_up_queue")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"


class BatchDefect(models.Model):
    """A spike of quality cases in one SKU's batch, found by the batch-defect scan."""

    sku = models.CharField(_("SKU"), max_length=64)
    batch_no = models.CharField(_("批次号"), max_length=64)
    window_start = models.DateTimeField(_("窗口开始"))
    window_end = models.DateTimeField(_("窗口结束"))
    observed = models.PositiveIntegerField(_("窗口内质量问题单数"))
    expected = models.FloatField(_("按基线预期单数"))
    p_value = models.FloatField(_("P 值"))
    cases = models.ManyToManyField(Case, verbose_name=_("相关售后单"), related_name="batch_defects")
    work_order = models.ForeignKey(
        "fulfilment.WorkOrder",
        verbose_name=_("品控执行单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("批次质量异常")
        verbose_name_plural = _("批次质量异常")
        indexes = [models.Index(fields=["sku", "batch_no", "-created_at"], name="batch_defect_sku_batch")]

    def __str__(self) -> str:
        return f"{self.sku} {self.batch_no}"


class QaSample(models.Model):
    """One month's random sample of closed cases for quality assurance, stratified by agent."""

    month = models.DateField(_("月份"), unique=True, help_text=_("当月 1 日"))
    rate = models.FloatField(_("抽样比例"))
    seed = models.BigIntegerField(_("随机种子"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("质检抽样")
        verbose_name_plural = _("质检抽样")

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class QaReview(models.Model):
    """The execution-checklist scorecard of one sampled case (seed 001, section 6)."""

    sample = models.ForeignKey(QaSample, on_delete=models.CASCADE, related_name="reviews")
    case = models.ForeignKey(
        Case, verbose_name=_("售后单"), on_delete=models.PROTECT, related_name="qa_reviews"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("客服"), on_delete=models.PROTECT, related_name="qa_reviews"
    )
    team = models.ForeignKey(
        "common.Team",
        verbose_name=_("客服组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    items = models.JSONField(_("检查项"), default=dict)
    score = models.FloatField(_("得分"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("评审时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("质检评分")
        verbose_name_plural = _("质检评分")
        constraints = [models.UniqueConstraint(fields=["sample", "case"], name="one_review_per_case")]


class DailyStat(models.Model):
    """The KPI counters of the cases created on one local day, per channel, category, team and
    assignee (0 for none): what the dashboards read instead of the event log. Maintained by
    `quality.rollup.rollup_refresh`, which recomputes the days whose cases changed."""

    day = models.DateField()
    channel = models.CharField(max_length=20)
    category_id = models.PositiveIntegerField()
    team_id = models.PositiveIntegerField()
    assignee_id = models.PositiveIntegerField()
    n = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)
    resolved_once = models.PositiveIntegerField(default=0)
    resolved_twice = models.PositiveIntegerField(default=0)
    fcr = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)
    sla_due = models.PositiveIntegerField(default=0)
    sla_met = models.PositiveIntegerField(default=0)
    first_response_n = models.PositiveIntegerField(default=0)
    first_response_seconds = models.FloatField(default=0)
    resolution_n = models.PositiveIntegerField(default=0)
    resolution_seconds = models.FloatField(default=0)
    returned_orders = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("每日指标汇总")
        verbose_name_plural = _("每日指标汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "channel", "category_id", "team_id", "assignee_id"], name="daily_stat_cell"
            )
        ]
        indexes = [models.Index(fields=["day"], name="daily_stat_day")]


class RollupState(models.Model):
    """Where the daily roll-up has got to: the last case event it has seen, and when."""

    last_event_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)


class DailySkuStat(models.Model):
    """Cases created on one local day with a line of one product (the dashboards' top SKUs)."""

    day = models.DateField()
    product_id = models.PositiveIntegerField()
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "product_id"], name="daily_sku_cell")]


class DailyOrderStat(models.Model):
    """Orders paid on one local day per order channel (the denominators of the order ratios)."""

    day = models.DateField()
    channel = models.CharField(max_length=20)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "channel"], name="daily_order_cell")]
