"""The data lifecycle in the admin: everything readable, nothing edited by hand. Holds are placed
from the console's case and holds pages (or the API); the admin can release them through the service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersale.common.errors import DomainError

from .models import Anonymisation, DeletionRequest, LegalHold, PrivacyEvent
from .services import legal_hold_release


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "customer", "reason", "placed_by", "placed_at", "released_at")
    list_filter = (("released_at", admin.EmptyFieldListFilter),)
    actions = ["release"]

    @admin.action(description=gettext_lazy("解除法律保留"))
    def release(self, request, queryset) -> None:
        released = 0
        for hold in queryset.filter(released_at__isnull=True):
            try:
                legal_hold_release(hold=hold, actor=request.user, reason=_("在管理后台解除"))
            except DomainError as error:
                self.message_user(request, str(error.errors[0].message), messages.ERROR)
                return
            released += 1
        self.message_user(request, _("已解除 %(n)s 项法律保留") % {"n": released})


@admin.register(DeletionRequest)
class DeletionRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "customer", "channel", "status", "requested_at", "decided_by", "decided_at")
    list_filter = ("status", "channel")


@admin.register(Anonymisation)
class AnonymisationAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "customer", "trigger", "created_at")
    list_filter = ("trigger",)


@admin.register(PrivacyEvent)
class PrivacyEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "actor", "case", "customer", "request", "created_at")
    list_filter = ("kind",)
