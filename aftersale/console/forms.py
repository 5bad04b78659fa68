from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersale.cases.lifecycle import Action, Status
from aftersale.cases.models import CaseType, EvidenceKind, Priority
from aftersale.fulfilment.models import OfferKind

from .queues import BY_KEY, PAGE_SIZES

_ANY = [("", _("全部"))]


class QueueForm(forms.Form):
    """The queue page's query string. Invalid values are ignored, never an error page."""

    queue = forms.ChoiceField(choices=[(k, k) for k in BY_KEY], required=False)
    status = forms.ChoiceField(label=_("状态"), choices=_ANY + Status.choices, required=False)
    case_type = forms.ChoiceField(label=_("类型"), choices=_ANY + CaseType.choices, required=False)
    priority = forms.ChoiceField(label=_("优先级"), choices=_ANY + Priority.choices, required=False)
    size = forms.TypedChoiceField(choices=[(n, n) for n in PAGE_SIZES], coerce=int, required=False)
    after = forms.IntegerField(min_value=1, max_value=2**62, required=False)

    def value(self, name: str):
        self.is_valid()
        return self.cleaned_data.get(name) or None


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=Action.choices)
    version = forms.IntegerField(min_value=1, max_value=2_147_483_647)
    reason = forms.CharField(max_length=2000, required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("内容"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(label=_("内部备注（客户不可见）"), required=False)


class _Versioned(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=2_147_483_647)


class AssignForm(_Versioned):
    assignee = forms.IntegerField(label=_("处理人"), min_value=1, required=False)
    claim = forms.BooleanField(required=False)


class UpdateForm(_Versioned):
    priority = forms.ChoiceField(label=_("优先级"), choices=_ANY + Priority.choices, required=False)
    category = forms.CharField(label=_("问题分类"), max_length=40, required=False)
    department = forms.CharField(label=_("流转部门"), max_length=20, required=False)


class RedTicketForm(forms.Form):
    on = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class EvidenceUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("凭证类别"), choices=EvidenceKind.choices)
    file = forms.FileField(label=_("文件"))


class CompensationForm(forms.Form):
    kind = forms.ChoiceField(label=_("补偿方式"), choices=OfferKind.choices)
    amount = forms.DecimalField(
        label=_("金额"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2, required=False
    )
    description = forms.CharField(label=_("说明"), max_length=300, required=False)


class DecisionForm(_Versioned):
    note = forms.CharField(label=_("审批意见"), max_length=300, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("搜索"), max_length=64, required=False, strip=True)
