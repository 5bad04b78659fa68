"""Errors that speak: each names the field it is about and the reason, in the user's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass
class FieldError:
    field: str
    message: str | Promise
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": str(self.message), "code": self.code}


class DomainError(Exception):
    """A refused request. `status` is the HTTP status an API answers with."""

    status = 400

    def __init__(self, field: str, message: str | Promise, *, code: str = "invalid") -> None:
        self.errors = [FieldError(field, message, code)]
        super().__init__(f"{field}: {message}")

    @classmethod
    def many(cls, errors: list[FieldError]) -> DomainError:
        error = cls(errors[0].field, errors[0].message, code=errors[0].code)
        error.errors = list(errors)
        return error


class NotFound(DomainError):
    status = 404


class Unauthenticated(DomainError):
    status = 401


class PermissionDenied(DomainError):
    status = 403


class TooManyRequests(DomainError):
    status = 429


class Conflict(DomainError):
    """Someone changed the object meanwhile, or it is already in the requested state."""

    status = 409
