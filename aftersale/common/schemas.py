"""Base schemas for API input: strict, and NUL characters refused up front."""

from __future__ import annotations

from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

# A row id as the database can hold it (a larger number would overflow the query, not miss).
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class InSchema(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(_("包含不允许的控制字符"))
        return value


class ErrorOut(Schema):
    errors: list[dict[str, str]]
