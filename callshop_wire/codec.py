"""JSON in and out: strict parsing with one clear error, canonical encoding, content hash.

The canonical encoding (fields in declared order, no spaces, UTF-8) of a parsed payload is what
central hashes for idempotency, so two requests that differ only in whitespace, key
order or the spelling of a time (``…05Z`` vs ``…05.000000Z``) are the same content.
"""

from __future__ import annotations

import hashlib
from typing import TypeVar

from pydantic import BaseModel, ValidationError

__all__ = ["WireError", "content_sha256", "decode", "encode", "to_json_dict"]

M = TypeVar("M", bound=BaseModel)


class WireError(ValueError):
    """A payload that is not valid JSON of the expected shape; ``errors`` lists why."""

    def __init__(self, message: str, errors: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.errors = errors


def decode(model: type[M], data: bytes | str) -> M:
    """Parse ``data`` as ``model``; anything wrong raises :class:`WireError`."""
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        errors: list[dict[str, object]] = [
            {
                "loc": [str(part) for part in err["loc"]],
                "msg": err["msg"],
                "type": err["type"],
            }
            for err in exc.errors(include_url=False, include_input=False)
        ]
        raw = exc.errors(include_url=False, include_input=False)
        where = ".".join(str(part) for part in raw[0]["loc"]) if raw else ""
        message = raw[0]["msg"] if raw else str(exc)
        more = f" (and {len(raw) - 1} more)" if len(raw) > 1 else ""
        raise WireError(
            f"invalid {model.__name__}: {where or 'payload'}: {message}{more}", errors
        ) from None


def to_json_dict(payload: BaseModel) -> dict[str, object]:
    """The payload as plain JSON values (ints, strings, lists, dicts, bools, None)."""
    return payload.model_dump(mode="json")


def encode(payload: BaseModel) -> bytes:
    """The canonical JSON bytes of ``payload``: fields in the model's declared order (fixed
    for a schema version), no spaces, UTF-8 — pydantic's own serializer."""
    return payload.model_dump_json().encode("utf-8")


def content_sha256(payload: BaseModel) -> str:
    """SHA-256 (hex) of the canonical encoding: equal content, equal hash."""
    return hashlib.sha256(encode(payload)).hexdigest()
