"""Notifications (in-app), the delivery outbox and its log, webhook subscribers and inbound calls."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case, CaseEvent
from aftersale.catalog.models import Customer
from aftersale.sla.models import Alert


class Notification(models.Model):
    """One line in someone's notification centre: a member of staff (`user`) or a customer.

    The text is rendered when it is shown, in the reader's language, from `topic` and `context`."""

    # No index of their own on user and customer: the (user, -id) and (customer, -id) indexes
    # below serve every lookup by either, and each index is one more write per notification.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(_("通知类型"), max_length=40)
    context = models.JSONField(_("内容参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读于"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        indexes = [
            models.Index(fields=["user", "-id"], name="notification_user_id"),
            models.Index(fields=["customer", "-id"], name="notification_customer_id"),
            models.Index(fields=["user"], name="notification_user_unread", condition=Q(read_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(customer__isnull=False), name="notification_has_reader"
            )
        ]


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")
    WEBHOOK = "webhook", _("Webhook")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class WebhookSubscription(models.Model):
    """A business system that wants case events: where to POST, the shared secret, which events."""

    name = models.CharField(_("名称"), max_length=80)
    url = models.URLField(_("地址"), max_length=500)
    secret = models.CharField(_("签名密钥"), max_length=128)
    # fnmatch patterns of event kinds, e.g. ["case.*", "refund.succeeded"]; empty means every event.
    events = models.JSONField(_("事件"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook 订阅")
        verbose_name_plural = _("Webhook 订阅")

    def __str__(self) -> str:
        return self.name


class OutboxMessage(models.Model):
    """Something to deliver, written in the same transaction as the change it tells of.

    Workers claim due rows (status pending and `next_attempt_at` passed, or a claim whose lease ran
    out), deliver them outside any transaction and record each attempt."""

    channel = models.CharField(_("渠道"), max_length=10, choices=OutboxChannel.choices)
    topic = models.CharField(_("类型"), max_length=40)
    # case and subscription: indexed by (case, -id) and (subscription, -id) below.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Events are append-only (database triggers refuse a DELETE), so nothing to cascade.
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+")
    subscription = models.ForeignKey(
        WebhookSubscription,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
    )
    recipient = models.CharField(_("收件方"), max_length=500)
    subject = models.CharField(_("标题"), max_length=200, blank=True, default="")
    body = models.TextField(_("正文"), blank=True, default="")
    payload = models.JSONField(_("数据"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    max_attempts = models.PositiveIntegerField(_("最多尝试"), default=8)
    next_attempt_at = models.DateTimeField(_("下次尝试"))
    claim = models.CharField(max_length=32, blank=True, default="")
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True, default="")
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbox_due", condition=Q(status="pending")),
            models.Index(fields=["claimed_until"], name="outbox_claimed", condition=Q(status="sending")),
            models.Index(fields=["subscription", "-id"], name="outbox_subscription_id"),
            models.Index(fields=["case", "-id"], name="outbox_case_id"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.topic}#{self.pk}"


class DeliveryAttempt(models.Model):
    """The delivery log: one row per try of an outbox message."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveIntegerField(_("第几次"))
    started_at = models.DateTimeField(_("开始"))
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)
    ok = models.BooleanField(_("成功"))
    status_code = models.PositiveIntegerField(_("响应码"), null=True, blank=True)
    detail = models.TextField(_("详情"), blank=True, default="")

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        indexes = [models.Index(fields=["message", "number"], name="attempt_message_number")]


class InboundAdapter(models.TextChoices):
    GENERIC = "generic", _("通用格式")
    SHOPIFY = "shopify", _("Shopify")
    TAOBAO = "taobao", _("淘宝/天猫")
    MESSAGE = "message", _("社交/即时消息")


class InboundSource(models.Model):
    """A platform allowed to call /api/v1/webhooks/{slug}: its payload shape and shared secret."""

    slug = models.SlugField(_("标识"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    adapter = models.CharField(_("格式"), max_length=20, choices=InboundAdapter.choices)
    secret = models.CharField(_("签名密钥"), max_length=128)
    # The account its changes are made as (orders need an importer's role; cases a handler's).
    acts_as = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("代表账号"), on_delete=models.PROTECT
    )
    store = models.CharField(_("店铺"), max_length=120, blank=True, default="")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("接入平台")
        verbose_name_plural = _("接入平台")

    def __str__(self) -> str:
        return self.name


class InboundEvent(models.Model):
    """An accepted inbound call. The unique (source, event id) makes a redelivery a no-op."""

    source = models.ForeignKey(InboundSource, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(_("事件编号"), max_length=120)
    topic = models.CharField(_("主题"), max_length=80)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    result = models.JSONField(_("处理结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("接收的事件")
        verbose_name_plural = _("接收的事件")
        constraints = [models.UniqueConstraint(fields=["source", "event_id"], name="inbound_event_once")]


class InboundRefusal(models.Model):
    """A refused inbound call (bad signature, replay, malformed body), kept for the operators."""

    source_slug = models.CharField(_("来源"), max_length=40)
    reason = models.CharField(_("原因"), max_length=40)
    detail = models.CharField(_("详情"), max_length=500, blank=True, default="")
    remote_addr = models.CharField(_("来源地址"), max_length=64, blank=True, default="")
    body_sha256 = models.CharField(max_length=64, blank=True, default="")
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("拒收记录")
        verbose_name_plural = _("拒收记录")


class AlertMailed(models.Model):
    """An sla alert already turned into an e-mail to its recipient (so it is mailed once)."""

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, primary_key=True, related_name="+")
    mailed_at = models.DateTimeField(_("处理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已转发的提醒")
        verbose_name_plural = _("已转发的提醒")


class SocialIdentity(models.Model):
    """Who a social / IM account is: linked to a customer on its first message (order no. + phone)."""

    source = models.ForeignKey(InboundSource, on_delete=models.CASCADE, related_name="identities")
    external_user_id = models.CharField(_("平台用户标识"), max_length=120)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="social_identities")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("社交账号")
        verbose_name_plural = _("社交账号")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_user_id"], name="social_identity_once")
        ]


class InboundMailStatus(models.TextChoices):
    CASE_CREATED = "case_created", _("新建售后单")
    THREADED = "threaded", _("并入售后单")
    IGNORED = "ignored", _("已忽略")
    UNMATCHED = "unmatched", _("无法识别客户")


class InboundMail(models.Model):
    """A mail taken from the service mailbox: its Message-ID once only, and what became of it."""

    message_id = models.CharField(_("邮件编号"), max_length=255, unique=True)
    from_address = models.CharField(_("发件人"), max_length=255)
    subject = models.CharField(_("主题"), max_length=255, blank=True, default="")
    status = models.CharField(_("结果"), max_length=20, choices=InboundMailStatus.choices)
    reason = models.CharField(_("说明"), max_length=255, blank=True, default="")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("来信")
        verbose_name_plural = _("来信")
