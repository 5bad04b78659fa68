"""The service request (售后单) and everything that hangs off it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersale.catalog.models import Customer, Order, OrderLine
from aftersale.common.models import Team
from aftersale.common.roles import Department

from .lifecycle import Status


class CaseType(models.TextChoices):
    INQUIRY = "inquiry", _("咨询")
    AFTER_SALES = "after_sales", _("售后")
    COMPLAINT = "complaint", _("投诉")


class Resolution(models.TextChoices):
    RETURN_REFUND = "return_refund", _("退货退款")
    EXCHANGE = "exchange", _("换货")
    REPAIR = "repair", _("维修")
    REFUND_ONLY = "refund_only", _("仅退款")
    COMPENSATION = "compensation", _("补偿")
    INFORMATION = "information", _("信息答复")


class Priority(models.TextChoices):
    P0 = "P0", _("P0 紧急")
    P1 = "P1", _("P1 高")
    P2 = "P2", _("P2 普通")
    P3 = "P3", _("P3 低")


class CaseChannel(models.TextChoices):
    PLATFORM = "platform", _("电商平台")
    OWN_STORE = "own_store", _("自营商城")
    SOCIAL = "social", _("社交媒体")
    OFFLINE = "offline", _("线下门店")
    PHONE = "phone", _("电话")
    EMAIL = "email", _("邮件")
    PORTAL = "portal", _("自助服务")
    API = "api", _("接口")


class IdentityStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("未核验")
    VERIFIED = "verified", _("已核验")


class CaseCategory(models.Model):
    """The seeds' problem categories, kept as editable data."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    case_type = models.CharField(_("类型"), max_length=20, choices=CaseType.choices)
    name = models.CharField(_("名称"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True, default="")
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("问题分类")
        verbose_name_plural = _("问题分类")
        ordering = ["case_type", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return self.name_en if language.startswith("en") and self.name_en else self.name


class Case(models.Model):
    number = models.CharField(_("售后单号"), max_length=32, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    order = models.ForeignKey(
        Order,
        verbose_name=_("订单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=CaseChannel.choices)
    case_type = models.CharField(_("类型"), max_length=20, choices=CaseType.choices)
    category = models.ForeignKey(
        CaseCategory, verbose_name=_("问题分类"), on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(_("诉求"), max_length=20, choices=Resolution.choices)
    priority = models.CharField(_("优先级"), max_length=2, choices=Priority.choices, default=Priority.P2)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NEW)
    description = models.TextField(_("问题描述"), max_length=5000)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        db_index=False,
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("客服组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        db_index=False,
    )
    department = models.CharField(
        _("流转部门"), max_length=20, choices=Department.choices, blank=True, default=""
    )
    identity_status = models.CharField(
        _("身份核验"), max_length=20, choices=IdentityStatus.choices, default=IdentityStatus.UNVERIFIED
    )
    outcome_note = models.TextField(_("处理结果"), blank=True, default="")
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("售后单")
        verbose_name_plural = _("售后单")
        # Every list filter has an index ending in id, so "filter + newest first" is a range scan.
        indexes = [
            models.Index(fields=["status", "-id"], name="case_status_id"),
            models.Index(fields=["case_type", "-id"], name="case_type_id"),
            models.Index(fields=["priority", "-id"], name="case_priority_id"),
            models.Index(fields=["assignee", "-id"], name="case_assignee_id"),
            models.Index(fields=["team", "-id"], name="case_team_id"),
            models.Index(fields=["channel", "-id"], name="case_channel_id"),
            models.Index(fields=["department", "-id"], name="case_department_id"),
            models.Index(fields=["order", "-id"], name="case_order_id"),
            models.Index(fields=["customer", "-id"], name="case_customer_id"),
            models.Index(fields=["created_at"], name="case_created_at"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseLine(models.Model):
    # Indexed by the (case, order_line) unique constraint, which leads with it.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="lines", db_index=False)
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="case_lines")
    quantity = models.PositiveIntegerField(_("数量"))

    class Meta:
        verbose_name = _("售后商品行")
        verbose_name_plural = _("售后商品行")
        constraints = [
            models.UniqueConstraint(fields=["case", "order_line"], name="case_line_unique"),
        ]


class EventKind(models.TextChoices):
    CREATED = "case.created", _("创建售后单")
    TRANSITIONED = "case.transitioned", _("状态变更")
    ASSIGNED = "case.assigned", _("分派")
    UPDATED = "case.updated", _("修改")
    MESSAGE_ADDED = "message.added", _("新消息")
    EVIDENCE_ADDED = "evidence.added", _("上传凭证")
    IDENTITY_CHECKED = "identity.checked", _("身份核验")


class CaseEvent(models.Model):
    """Append-only: the audit trail, the customer's timeline and the process-mining log.

    Database triggers (migration 0002) refuse any UPDATE or DELETE of a row.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    kind = models.CharField(_("事件"), max_length=40, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    actor_role = models.CharField(_("角色"), max_length=20, blank=True, default="")
    from_status = models.CharField(_("原状态"), max_length=20, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=20, blank=True, default="")
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    is_public = models.BooleanField(_("客户可见"), default=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("售后单事件")
        verbose_name_plural = _("售后单事件")
        indexes = [models.Index(fields=["case", "id"], name="case_event_case_id")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("case events are append-only")


class Message(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages", db_index=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_role = models.CharField(_("角色"), max_length=20, blank=True, default="")
    body = models.TextField(_("内容"), max_length=10_000)
    is_internal = models.BooleanField(_("内部备注"), default=False)
    channel = models.CharField(_("渠道"), max_length=20, choices=CaseChannel.choices)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [models.Index(fields=["case", "id"], name="message_case_id")]


class EvidenceKind(models.TextChoices):
    ITEM_PHOTO = "item_photo", _("实物照片")
    WAYBILL_PHOTO = "waybill_photo", _("面单照片")
    BOX_PHOTO = "box_photo", _("外箱照片")
    VIDEO = "video", _("视频")
    OTHER = "other", _("其他")


class Evidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("类别"), max_length=20, choices=EvidenceKind.choices)
    # Indexed: /media/ finds the evidence (and its case, for the access check) by path.
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/", max_length=255, db_index=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True, default="")
    content_type = models.CharField(_("文件类型"), max_length=80)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("凭证")
        verbose_name_plural = _("凭证")


class IdentityCheck(models.Model):
    """The result of checking a requester against an order (seed 001's identity check)."""

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="identity_checks"
    )
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order_no = models.CharField(_("订单号"), max_length=64)
    phone_masked = models.CharField(_("手机号"), max_length=20)
    passed = models.BooleanField(_("通过"))
    checks = models.JSONField(_("核验项"), default=list)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("核验时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("身份核验")
        verbose_name_plural = _("身份核验")
