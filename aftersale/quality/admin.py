from django.contrib import admin

from .models import BatchDefect, FollowUp, QaReview, QaSample, Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("case", "score", "sent_at", "reminded_at", "answered_at")
    list_filter = ("score",)
    search_fields = ("case__number",)
    readonly_fields = ("case", "token", "score", "comment", "sent_at", "reminded_at", "answered_at")


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("case", "assignee", "deadline", "status", "outcome", "completed_at")
    list_filter = ("status", "outcome")
    search_fields = ("case__number",)
    readonly_fields = ("case", "survey", "status", "outcome", "note", "completed_by", "completed_at")


@admin.register(BatchDefect)
class BatchDefectAdmin(admin.ModelAdmin):
    list_display = ("sku", "batch_no", "observed", "expected", "p_value", "work_order", "created_at")
    search_fields = ("sku", "batch_no")
    readonly_fields = [f.name for f in BatchDefect._meta.fields] + ["cases"]


class QaReviewInline(admin.TabularInline):
    model = QaReview
    extra = 0
    fields = ("case", "agent", "team", "score", "reviewer", "reviewed_at")
    readonly_fields = fields


@admin.register(QaSample)
class QaSampleAdmin(admin.ModelAdmin):
    list_display = ("month", "rate", "seed", "created_by", "created_at")
    readonly_fields = ("month", "rate", "seed", "created_by")
    inlines = [QaReviewInline]
