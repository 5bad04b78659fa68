from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import CaseCategory, CaseType, EvidenceKind


class SignInForm(forms.Form):
    order_no = forms.RegexField(
        label=_("订单号"),
        regex=r"^[A-Za-z0-9_\-]{1,64}$",
        max_length=64,
        error_messages={"invalid": _("订单号只包含字母、数字、下划线和短横线")},
    )
    phone = forms.RegexField(
        label=_("下单手机号"),
        regex=r"^\+?[0-9 \-]{7,20}$",
        max_length=20,
        error_messages={"invalid": _("请输入正确的手机号")},
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("验证码"),
        regex=r"^\s*[0-9]{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("请输入 6 位数字验证码")},
    )


class MessageForm(forms.Form):
    body = forms.CharField(label=_("留言"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("凭证类别"), choices=EvidenceKind.choices, initial=EvidenceKind.ITEM_PHOTO
    )
    file = forms.FileField(label=_("照片或视频"))


def category_choices(language: str) -> list:
    """Active categories grouped by case type, for a <select> with <optgroup>s."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for category in CaseCategory.objects.filter(is_active=True):
        groups.setdefault(category.case_type, []).append((category.code, category.label(language)))
    return [
        (CaseType(t).label, groups[t])
        for t in (CaseType.AFTER_SALES, CaseType.COMPLAINT, CaseType.INQUIRY)
        if t in groups
    ]


class RequestForm(forms.Form):
    line = forms.TypedChoiceField(label=_("商品"), coerce=int)
    category = forms.ChoiceField(label=_("问题类型"))
    resolution = forms.CharField(
        label=_("希望的处理方式"), max_length=20, error_messages={"required": _("请选择处理方式")}
    )
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=1_000_000, initial=1)
    description = forms.CharField(
        label=_("问题描述"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, lines, language: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [
            (line.line_no, f"#{line.line_no} {line.product.name} × {line.quantity}") for line in lines
        ]
        self.fields["category"].choices = category_choices(language)


class CaseActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("cancel", "close", "reopen")])
    version = forms.IntegerField(min_value=1, max_value=2_147_483_647)
    reason = forms.CharField(label=_("原因"), max_length=2000, required=False)


class TrackingForm(forms.Form):
    rma = forms.CharField(max_length=32)
    carrier = forms.CharField(label=_("快递公司"), max_length=40)
    tracking_no = forms.CharField(label=_("运单号"), max_length=64)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("满意度"),
        choices=[(n, n) for n in range(5, 0, -1)],
        coerce=int,
        error_messages={"required": _("请选择 1 到 5 星")},
    )
    comment = forms.CharField(
        label=_("评价（选填）"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OfferAnswerForm(forms.Form):
    offer = forms.IntegerField(min_value=1)
    version = forms.IntegerField(min_value=1, max_value=2_147_483_647)
    answer = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])
    reason = forms.CharField(label=_("原因（选填）"), max_length=300, required=False)
