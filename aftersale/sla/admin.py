from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .calendar import unknown_years_seen, year_is_known
from .models import AgentProfile, Alert, CaseRisk, Clock, HolidayOverride, TeamSchedule
from .timing import holiday_overrides


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "is_workday", "note")

    def changelist_view(self, request, extra_context=None):
        from django.utils import timezone

        next_year = timezone.localdate().year + 1
        missing = sorted(
            {
                *unknown_years_seen(),
                *(y for y in (next_year - 1, next_year) if not year_is_known(y, holiday_overrides())),
            }
        )
        if missing:
            self.message_user(
                request,
                _(
                    "节假日日历缺少以下年份的数据，目前按周一至周五计算工作日：%(years)s。"
                    "请升级 chinesecalendar 或在此录入国务院通知。"
                )
                % {"years": ", ".join(map(str, missing))},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


@admin.register(TeamSchedule)
class TeamScheduleAdmin(admin.ModelAdmin):
    list_display = ("team", "follow_public_holidays")


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "is_senior", "auto_assign", "product_categories", "languages")


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "state", "due_at", "breached_at", "met_at", "escalation_level")
    list_filter = ("kind", "state")
    raw_id_fields = ("case",)
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CaseRisk)
class CaseRiskAdmin(admin.ModelAdmin):
    list_display = ("case", "is_exception", "is_red_ticket", "is_sensitive")
    list_filter = ("is_exception", "is_red_ticket", "is_sensitive")
    raw_id_fields = ("case",)
    show_full_result_count = False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("recipient", "case", "kind", "message", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("case", "recipient")
    show_full_result_count = False
