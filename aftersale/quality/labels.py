"""What each KPI is called, its unit and its target (if the seeds set one)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .rules import CSAT_TARGET, SLA_TARGET

KPI_LABELS = {
    "cases": _("售后单数"),
    "first_response_minutes": _("平均首次响应（分钟）"),
    "resolution_hours": _("平均解决时长（小时）"),
    "closure_rate": _("结案率"),
    "first_contact_resolution": _("一次解决率"),
    "second_resolution_rate": _("二次解决率"),
    "escalation_rate": _("升级率"),
    "sla_attainment": _("24 小时结案达成率"),
    "csat": _("满意度（CSAT）"),
    "complaints_per_10k_orders": _("投诉万分率"),
    "return_rate": _("退货率"),
    "total_cost": _("售后总成本（元）"),
    "cost_per_order": _("单均售后成本（元）"),
    "orders": _("订单数"),
}
RATES = frozenset(
    {
        "closure_rate",
        "first_contact_resolution",
        "second_resolution_rate",
        "escalation_rate",
        "sla_attainment",
        "csat",
        "return_rate",
    }
)
TARGETS = {"sla_attainment": SLA_TARGET, "csat": CSAT_TARGET}


def display(name: str, value) -> str:
    """A KPI value as people read it: rates in per cent, empty for "no data"."""
    if value is None:
        return "—"
    if name in RATES:
        return f"{value * 100:.1f}%"
    return str(value)
