"""The port to central: one HTTP-like request at a time.

The core builds every request (path, JSON body, idempotency key) and classifies every
answer; an adapter (``drivers/sync_http.py``, httpx) only moves bytes. A transport
raises :class:`LinkDown` when no answer came (connection refused, DNS, timeout,
connection reset mid-request) — the outcome is then unknown and the request is
simply sent again later (central is idempotent on the key).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["CentralTransport", "LinkDown", "Reply"]


class LinkDown(Exception):
    """No answer from central (network, timeout, killed mid-request)."""


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)  # names in lower case

    def json(self) -> Any:
        """The body as JSON (None when it is empty or not JSON)."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def text(self, limit: int = 300) -> str:
        """The body as text, cut to ``limit`` characters (for error messages)."""
        text = self.body.decode("utf-8", errors="replace").strip()
        return text if len(text) <= limit else text[:limit] + "…"


class CentralTransport(Protocol):
    """One request to central. ``path`` starts with ``/v1/``; the adapter adds its
    base URL. Raises :class:`LinkDown` when there is no answer."""

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply: ...

    def close(self) -> None: ...
