from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case
from aftersale.common.money import MoneyField


class CostKind(models.TextChoices):
    REFUND = "refund", _("退款")
    COMPENSATION = "compensation", _("补偿")
    FREIGHT = "freight", _("运费")
    PARTS = "parts", _("配件")
    PICKUP = "pickup", _("上门取件")
    REPLACEMENT = "replacement", _("换货商品")
    OTHER = "other", _("其他")


class CostEntry(models.Model):
    """One line of a case's after-sales cost; append-only (a correction is a negative entry)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="cost_entries")
    kind = models.CharField(_("类别"), max_length=15, choices=CostKind.choices)
    amount = MoneyField(_("金额"))
    source = models.CharField(_("来源"), max_length=60, help_text=_("例如 refund:12"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("售后成本")
        verbose_name_plural = _("售后成本")
        constraints = [models.UniqueConstraint(fields=["source", "kind"], name="one_cost_entry_per_source")]
        indexes = [
            models.Index(fields=["case", "kind"], name="cost_case_kind"),
            models.Index(fields=["created_at"], name="cost_created_at"),
        ]
