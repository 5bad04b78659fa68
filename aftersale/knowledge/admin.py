"""Editing the knowledge base in the admin: the same checks as the services, and the index kept
up to date after every save (categories included)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from . import variables
from .models import Article, ArticleKind, ReferenceCase, ReplyScript
from .services import article_index, reference_index, script_index


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if data.get("kind") == ArticleKind.FAQ and data.get("team"):
            self.add_error("team", _("常见问题面向所有客户，不能限定客服组"))
        return data


class ScriptForm(forms.ModelForm):
    class Meta:
        model = ReplyScript
        fields = "__all__"

    def _checked(self, name: str) -> str:
        text = self.cleaned_data.get(name, "")
        try:
            variables.parse(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="unknown_variable") from None
        return text

    def clean_body(self) -> str:
        return self._checked("body")

    def clean_body_en(self) -> str:
        return self._checked("body_en")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ("title", "kind", "team", "is_published", "sort_order", "updated_at")
    list_filter = ("kind", "is_published", "team")
    search_fields = ("title", "title_en", "slug")
    filter_horizontal = ("categories",)
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("created_by", "updated_by", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article_index(form.instance)


@admin.register(ReplyScript)
class ReplyScriptAdmin(admin.ModelAdmin):
    form = ScriptForm
    list_display = ("title", "team", "is_active", "sort_order", "updated_at")
    list_filter = ("is_active", "team", "categories")
    search_fields = ("title", "title_en", "body")
    filter_horizontal = ("categories",)
    readonly_fields = ("created_by", "updated_by", "created_at", "updated_at")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        names = "、".join("{" + name + "}" for name in variables.VARIABLES)
        form.base_fields["body"].help_text = _("可用变量：%(names)s") % {"names": names}
        return form

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        script_index(form.instance)


@admin.register(ReferenceCase)
class ReferenceCaseAdmin(admin.ModelAdmin):
    list_display = ("title", "case", "category", "marked_by", "created_at")
    list_filter = ("category",)
    search_fields = ("title", "case__number")
    raw_id_fields = ("case",)
    readonly_fields = ("case", "category", "skus", "marked_by", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False  # a case enters the library from its page (or the API), with its event

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reference_index(form.instance)
