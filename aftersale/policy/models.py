"""Playbook versions: immutable documents, exactly one active."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PlaybookVersion(models.Model):
    number = models.PositiveIntegerField(_("版本号"), unique=True)
    content = models.JSONField(_("内容"))
    source = models.TextField(_("YAML 原文"))
    reason = models.CharField(_("变更原因"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    is_active = models.BooleanField(_("生效中"), default=False)
    activated_at = models.DateTimeField(_("生效时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("售后政策版本")
        verbose_name_plural = _("售后政策版本")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_playbook"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"
