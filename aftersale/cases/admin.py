from django.contrib import admin

from .models import Case, CaseCategory, CaseEvent, Message


@admin.register(CaseCategory)
class CaseCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "case_type", "is_active", "sort_order")
    list_filter = ("case_type", "is_active")
    list_editable = ("is_active", "sort_order")


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ("created_at", "author", "is_internal", "channel", "body")
    readonly_fields = fields
    can_delete = False


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "payload")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only here: every change goes through the services (API or console)."""

    list_display = (
        "number",
        "status",
        "case_type",
        "category",
        "priority",
        "channel",
        "assignee",
        "created_at",
    )
    list_filter = ("status", "case_type", "priority", "channel")
    search_fields = ("=number", "=order__order_no")
    inlines = [MessageInline, EventInline]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
