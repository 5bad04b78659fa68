"""The roles of seed 001 and the capabilities that follow from them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER = "customer", _("消费者")
    AGENT = "agent", _("售后客服专员")
    TEAM_LEAD = "team_lead", _("客服组长")
    DIRECTOR = "director", _("售后总监")
    OPTIMIZER = "optimizer", _("流程优化师")
    DEPARTMENT = "department", _("部门成员")
    EXPERT = "expert", _("资深专家组")
    ADMIN = "admin", _("管理员")


class Department(models.TextChoices):
    WAREHOUSE = "warehouse", _("仓储部")
    QC = "qc", _("品控/研发部")
    OPS = "ops", _("运维组")
    LOGISTICS = "logistics", _("物流部")
    MERCHANT = "merchant", _("商家")


STAFF_ROLES = frozenset(
    {Role.AGENT, Role.TEAM_LEAD, Role.DIRECTOR, Role.OPTIMIZER, Role.DEPARTMENT, Role.EXPERT, Role.ADMIN}
)
# Roles that see every case in the system.
ALL_CASES_ROLES = frozenset({Role.DIRECTOR, Role.OPTIMIZER, Role.EXPERT, Role.ADMIN})
# Roles that may act on cases (the optimizer only reads).
HANDLING_ROLES = frozenset({Role.AGENT, Role.TEAM_LEAD, Role.DIRECTOR, Role.EXPERT, Role.ADMIN})
# Roles that need a customer's full phone number and address to do their work.
PERSONAL_DATA_ROLES = frozenset({Role.AGENT, Role.TEAM_LEAD, Role.DIRECTOR, Role.EXPERT, Role.ADMIN})
