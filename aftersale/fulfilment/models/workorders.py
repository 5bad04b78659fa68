from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case
from aftersale.common.roles import Department


class WorkOrderStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    IN_PROGRESS = "in_progress", _("处理中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class WorkOrder(models.Model):
    """An execution order (执行单) to a department: what to do, who, by when, and the result."""

    number = models.CharField(_("执行单号"), max_length=32, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="work_orders")
    department = models.CharField(_("部门"), max_length=20, choices=Department.choices)
    action = models.TextField(_("要求事项"), max_length=2000)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="work_orders"
    )
    deadline = models.DateTimeField(_("截止时间"))
    status = models.CharField(
        _("状态"), max_length=12, choices=WorkOrderStatus.choices, default=WorkOrderStatus.OPEN
    )
    result = models.TextField(_("处理结果"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("执行单")
        verbose_name_plural = _("执行单")
        indexes = [models.Index(fields=["department", "status", "deadline"], name="work_order_queue")]
