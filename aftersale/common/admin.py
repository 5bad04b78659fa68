from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Team, User
from .services import token_revoke


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "team", "department", "is_active")
    list_filter = ("role", "team", "department", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("售后"), {"fields": ("display_name", "role", "team", "department")}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "lead")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "scope", "created_at", "last_used_at", "revoked_at")
    list_filter = ("scope",)
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    @admin.action(description=_("吊销所选令牌（立即生效）"))
    def revoke(self, request, queryset) -> None:
        for prefix in queryset.filter(revoked_at=None).values_list("prefix", flat=True):
            token_revoke(prefix=prefix)
