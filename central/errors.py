"""Errors of the central service; each maps to one HTTP status and a stable code."""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "CentralError",
    "Conflict",
    "Forbidden",
    "Invalid",
    "Locked",
    "Malformed",
    "NotFound",
    "Unauthorized",
]


class CentralError(Exception):
    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: list[dict[str, object]] | None = None,
        incident_id: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details or []
        self.incident_id = incident_id


class Malformed(CentralError):
    """The body is not JSON at all."""

    status = 400
    default_code = "malformed_json"


class Invalid(CentralError):
    """JSON of the wrong shape, or figures that do not add up."""

    status = 422
    default_code = "invalid_payload"


class Unauthorized(CentralError):
    status = 401
    default_code = "unauthorized"


class Locked(Unauthorized):
    default_code = "locked"


class Forbidden(CentralError):
    status = 403
    default_code = "forbidden"


class NotFound(CentralError):
    status = 404
    default_code = "not_found"


class Conflict(CentralError):
    status = 409
    default_code = "conflict"
