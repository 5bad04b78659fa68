"""Handbook downloads on the playbook versions' admin page (the policy admin, extended here so the
policy app needs no knowledge of the handbook)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from aftersale.common.errors import DomainError
from aftersale.policy.admin import PlaybookVersionAdmin
from aftersale.policy.models import PlaybookVersion

from .render import FORMATS, render
from .services import handbook_diff, handbook_document

DOWNLOADS = [
    ("pdf", "zh-hans", _("下载手册 PDF（中文）")),
    ("pdf", "en", _("下载手册 PDF（英文）")),
    ("docx", "zh-hans", _("下载手册 DOCX（中文）")),
    ("docx", "en", _("下载手册 DOCX（英文）")),
    ("md", "zh-hans", _("下载手册 Markdown（中文）")),
    ("md", "en", _("下载手册 Markdown（英文）")),
]


def _download_action(fmt: str, lang: str, description):
    def action(modeladmin, request, queryset):
        if queryset.count() != 1:
            modeladmin.message_user(request, _("请只选择一个版本"), messages.ERROR)
            return None
        version = queryset.get()
        try:
            content = render(handbook_document(number=version.number, lang=lang), fmt)
        except DomainError as exc:
            modeladmin.message_user(request, str(exc.errors[0].message), messages.ERROR)
            return None
        response = HttpResponse(content, content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="handbook-v{version.number}-{lang}.{fmt}"'
        return response

    action.__name__ = f"handbook_{fmt}_{lang.replace('-', '_')}"
    return admin.action(description=description)(action)


@admin.action(description=_("对比所选两个版本的手册"))
def handbook_diff_action(modeladmin, request, queryset):
    numbers = sorted(queryset.values_list("number", flat=True))
    if len(numbers) != 2:
        modeladmin.message_user(request, _("请选择两个版本"), messages.ERROR)
        return None
    diff = handbook_diff(old=numbers[0], new=numbers[1])
    response = HttpResponse(diff["text"] or "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="handbook-v{numbers[0]}-v{numbers[1]}.diff"'
    return response


class HandbookPlaybookVersionAdmin(PlaybookVersionAdmin):
    actions = [
        *PlaybookVersionAdmin.actions,
        *(_download_action(*d) for d in DOWNLOADS),
        handbook_diff_action,
    ]


admin.site.unregister(PlaybookVersion)
admin.site.register(PlaybookVersion, HandbookPlaybookVersionAdmin)
