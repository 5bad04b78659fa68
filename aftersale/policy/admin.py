"""The playbook in the admin: versions are read-only; a new version is published from YAML."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from aftersale.common.errors import DomainError

from .models import PlaybookVersion
from .services import playbook_activate, playbook_publish, playbook_version


class PublishForm(forms.ModelForm):
    source = forms.CharField(label=_("YAML 原文"), widget=forms.Textarea(attrs={"rows": 40, "cols": 120}))
    reason = forms.CharField(label=_("变更原因"), max_length=500)
    activate = forms.BooleanField(label=_("立即生效"), required=False, initial=True)

    class Meta:
        model = PlaybookVersion
        fields = ["source", "reason"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if not self.is_bound:
            self.initial["source"] = playbook_version().source

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.published = playbook_publish(
                source=data["source"],
                reason=data["reason"],
                actor=self.actor,
                activate=data.get("activate", False),
            )
        except DomainError as exc:
            raise forms.ValidationError([f"{e.field}: {e.message}" for e in exc.errors]) from None
        return data

    def save(self, commit=True):
        self.save_m2m = lambda: None
        return self.published


@admin.register(PlaybookVersion)
class PlaybookVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "is_active", "reason", "created_by", "created_at", "activated_at")
    readonly_fields = ("number", "is_active", "reason", "created_by", "created_at", "activated_at", "source")
    fields = readonly_fields
    actions = ["activate"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            actor = request.user

            class BoundPublishForm(PublishForm):
                def __init__(self, *args, **kw):
                    super().__init__(*args, actor=actor, **kw)

            kwargs["form"] = BoundPublishForm
            kwargs["fields"] = ["source", "reason"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["source", "reason", "activate"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        pass  # the form's clean() already published through the service

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("启用所选版本"))
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一个版本"), messages.ERROR)
            return
        try:
            playbook_activate(number=queryset.get().number, actor=request.user)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
