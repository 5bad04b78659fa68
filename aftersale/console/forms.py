from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersale.cases.lifecycle import Action, Status
from aftersale.cases.models import CaseType, Priority

from .queues import BY_KEY

_ANY = [("", _("全部"))]


class QueueForm(forms.Form):
    """The queue page's query string. Invalid values are ignored, never an error page."""

    queue = forms.ChoiceField(choices=[(k, k) for k in BY_KEY], required=False)
    status = forms.ChoiceField(label=_("状态"), choices=_ANY + Status.choices, required=False)
    case_type = forms.ChoiceField(label=_("类型"), choices=_ANY + CaseType.choices, required=False)
    priority = forms.ChoiceField(label=_("优先级"), choices=_ANY + Priority.choices, required=False)
    q = forms.CharField(label=_("搜索"), max_length=64, required=False, strip=True)
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
