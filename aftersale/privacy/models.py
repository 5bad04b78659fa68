"""Legal holds, customers' deletion requests, and the record of what was anonymised and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case
from aftersale.catalog.models import Customer


class LegalHold(models.Model):
    """A case or a customer that must not be anonymised or deleted (litigation, regulator, dispute).

    In force while `released_at` is empty; a released hold is kept as the record of who held what."""

    case = models.ForeignKey(
        Case, verbose_name=_("售后单"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("保留原因"), max_length=500)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(_("设置时间"), auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    release_reason = models.CharField(_("解除原因"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("法律保留")
        verbose_name_plural = _("法律保留")
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, customer__isnull=True)
                | Q(case__isnull=True, customer__isnull=False),
                name="legal_hold_one_subject",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(released_at__isnull=True, case__isnull=False),
                name="legal_hold_case_once",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(released_at__isnull=True, customer__isnull=False),
                name="legal_hold_customer_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case or self.customer}: {self.reason}"

    @property
    def active(self) -> bool:
        return self.released_at is None


class RequestChannel(models.TextChoices):
    PORTAL = "portal", _("自助服务")
    PHONE = "phone", _("电话")
    EMAIL = "email", _("邮件")
    IN_PERSON = "in_person", _("当面")
    LETTER = "letter", _("书面信函")
    OTHER = "other", _("其他")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    BLOCKED = "blocked", _("暂不能删除")
    COMPLETED = "completed", _("已删除")
    REJECTED = "rejected", _("已拒绝")


class DeletionRequest(models.Model):
    """A customer's request to delete their personal information (个人信息保护法 第四十七条)."""

    customer = models.ForeignKey(Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("提出渠道"), max_length=20, choices=RequestChannel.choices)
    note = models.TextField(_("请求说明"), max_length=2000, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.CharField(_("处理说明"), max_length=500, blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("删除请求")
        verbose_name_plural = _("删除请求")
        indexes = [models.Index(fields=["status", "-id"], name="deletion_request_status_id")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"


class Trigger(models.TextChoices):
    RETENTION = "retention", _("保存期满")
    REQUEST = "request", _("客户删除请求")


class Anonymisation(models.Model):
    """One row per anonymised case or customer: what was done, why, and when. Its existence is
    what makes the anonymisation happen once."""

    case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    customer = models.OneToOneField(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trigger = models.CharField(_("原因"), max_length=20, choices=Trigger.choices)
    request = models.ForeignKey(
        DeletionRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="anonymisations"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counts = models.JSONField(_("处理数量"), default=dict, blank=True)
    created_at = models.DateTimeField(_("匿名化时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("匿名化记录")
        verbose_name_plural = _("匿名化记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, customer__isnull=True)
                | Q(case__isnull=True, customer__isnull=False),
                name="anonymisation_one_subject",
            ),
        ]


class PrivacyEvent(models.Model):
    """Append-only audit of every hold, request, decision and anonymisation, also for customers
    (a case's own timeline gets a `CaseEvent` as well)."""

    kind = models.CharField(_("事件"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(_("角色"), max_length=20, blank=True, default="")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(
        DeletionRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("数据生命周期日志")
        verbose_name_plural = _("数据生命周期日志")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("privacy events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("privacy events are append-only")
