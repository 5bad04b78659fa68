"""Logging a request that came in by phone or at a store counter: the agent fills in what the
customer says, the identity check runs against the order, and the new case opens."""

from __future__ import annotations

import re

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from aftersale.cases.identity import IdentityClaim
from aftersale.cases.models import CaseCategory, CaseChannel, CaseType, Priority, Resolution
from aftersale.cases.services import CREATE_ROLES, CaseLineIn, case_create
from aftersale.common.errors import DomainError

from .access import role_refusal, staff_required

_LINES = re.compile(r"^\s*(\d{1,5})\s*(?:[x×*:：]\s*(\d{1,6}))?\s*$")


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("来源"),
        choices=[
            (CaseChannel.PHONE, CaseChannel.PHONE.label),
            (CaseChannel.OFFLINE, CaseChannel.OFFLINE.label),
        ],
    )
    order_no = forms.CharField(label=_("订单号"), max_length=64)
    phone = forms.CharField(label=_("下单手机号"), max_length=20)
    case_type = forms.ChoiceField(label=_("类型"), choices=CaseType.choices)
    category = forms.ChoiceField(label=_("问题分类"), choices=())
    resolution = forms.ChoiceField(label=_("客户诉求"), choices=Resolution.choices)
    priority = forms.ChoiceField(
        label=_("优先级"), choices=[("", _("自动"))] + Priority.choices, required=False
    )
    lines = forms.CharField(
        label=_("订单行"),
        max_length=200,
        required=False,
        help_text=_("行号，可写数量，如 1, 2×2；咨询可不填"),
    )
    description = forms.CharField(
        label=_("客户描述"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        categories = CaseCategory.objects.filter(is_active=True).order_by("sort_order", "id")
        self.fields["category"].choices = [(c.code, c.name) for c in categories]

    def clean_lines(self) -> list[CaseLineIn]:
        parsed = []
        for part in re.split(r"[,，;；\s]+", self.cleaned_data["lines"].strip()):
            if not part:
                continue
            match = _LINES.match(part)
            if match is None:
                raise forms.ValidationError(
                    _("无法识别“%(part)s”：请写行号，或行号×数量"), params={"part": part}
                )
            parsed.append(CaseLineIn(line_no=int(match[1]), quantity=int(match[2] or 1)))
        return parsed


@staff_required
def case_intake(request: HttpRequest) -> HttpResponse:
    if refused := role_refusal(request, CREATE_ROLES):
        return refused
    form = IntakeForm(request.POST or None)
    errors: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_create(
                actor=request.user,
                claim=IdentityClaim(order_no=data["order_no"], phone=data["phone"], channel=None),
                case_type=data["case_type"],
                category_code=data["category"],
                resolution=data["resolution"],
                description=data["description"],
                channel=data["channel"],
                lines=data["lines"],
                priority=data["priority"] or None,
            )
        except DomainError as error:
            errors = error.errors
        else:
            return redirect("console:case", case.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "console/intake.html", {"form": form, "errors": errors}, status=status)
