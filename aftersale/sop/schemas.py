"""Input of the SOP generator: the seed's contract, six free-text fields."""

from __future__ import annotations

import re
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import Field, field_validator

from aftersale.common.schemas import InSchema

from .parser import MAX_FIELD_CHARS

Text = Annotated[str, Field(min_length=1, max_length=MAX_FIELD_CHARS)]


class GenerateIn(InSchema):
    business_type: Text = Field(description="Type of products or services sold")
    return_policy: Text = Field(description="Current return and exchange policy")
    team_structure: Text = Field(description="Customer service team organisation")
    common_issues: Text = Field(description="Frequent after-sales scenarios")
    service_standards: Text = Field(description="Target response and resolution times")
    escalation_matrix: Annotated[str, Field(max_length=MAX_FIELD_CHARS)] | None = Field(
        default=None, description="Current escalation procedures (optional)"
    )

    @field_validator("*")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and CONTROL.search(value):
            raise ValueError(_("包含不允许的控制字符"))
        return value


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
