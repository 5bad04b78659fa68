from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Department, Role


class Team(models.Model):
    """A group of agents (客服组) with its team lead."""

    name = models.CharField(_("名称"), max_length=80, unique=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )

    class Meta:
        verbose_name = _("客服组")
        verbose_name_plural = _("客服组")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.AGENT)
    team = models.ForeignKey(
        Team,
        verbose_name=_("客服组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    department = models.CharField(
        _("部门"), max_length=20, choices=Department.choices, blank=True, default=""
    )
    display_name = models.CharField(_("显示名"), max_length=80, blank=True, default="")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=80, blank=True, default="")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    # "read": GET/HEAD/OPTIONS only; "write": every method; "orders:write": read, plus the order
    # import and upsert (an order feed). Enforced in auth.BearerToken.
    scope = models.CharField(
        _("权限范围"),
        max_length=20,
        choices=[("read", _("只读")), ("write", _("读写")), ("orders:write", _("只读 + 订单导入"))],
        default="write",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "as_" + secrets.token_urlsafe(32)


class Counter(models.Model):
    """Named counters for human-readable numbers (e.g. one per day for case numbers)."""

    key = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)


class Heartbeat(models.Model):
    """When a periodic job last ran (e.g. "worker": the scheduled heartbeat task), for /readyz."""

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}@{self.beat_at:%Y-%m-%d %H:%M:%S}"
