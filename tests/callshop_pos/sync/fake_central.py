"""A fake central behind the transport port, for the sender's unit tests.

It stores shifts and corrections idempotently (same key and content: the first answer
again; same key, other content: 409), and can be told to fail in scripted ways: no
answer (down, timeout), an HTTP status, or "store, then lose the answer" (central
killed between its commit and its reply).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from callshop_pos.sync.transport import LinkDown, Reply


@dataclass
class FakeCentral:
    token: str = "tok"
    stored: dict[str, bytes] = field(default_factory=dict)  # key -> body
    order: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    script: list[object] = field(default_factory=list)  # consumed one per request
    refuse: dict[str, int] = field(default_factory=dict)  # key -> status, for good
    heartbeats: list[dict[str, object]] = field(default_factory=list)
    closed: int = 0

    def transport(self, link: object) -> FakeTransport:
        return FakeTransport(self)

    def handle(
        self, method: str, path: str, body: bytes | None, headers: Mapping[str, str]
    ) -> Reply:
        self.requests.append((method, path))
        step = self.script.pop(0) if self.script else None
        if isinstance(step, Exception):
            raise step
        if isinstance(step, int):
            return Reply(
                step, b'{"detail": "scripted"}', {"retry-after": "7"} if step == 429 else {}
            )
        if headers.get("Authorization") != f"Bearer {self.token}":
            return Reply(401, b'{"detail": "bad token"}')
        if path.endswith("/heartbeat"):
            assert body is not None
            self.heartbeats.append(json.loads(body))
            return Reply(204)
        key = path.rsplit("/", 1)[1]
        assert headers.get("Idempotency-Key") == key
        if key in self.refuse:
            return Reply(self.refuse[key], b'{"detail": "refused"}')
        assert method == "PUT" and body is not None
        previous = self.stored.get(key)
        if previous is not None and previous != body:
            return Reply(409, b'{"detail": "same key, other content"}')
        if previous is None:
            self.stored[key] = body
            self.order.append(key)
        answer = Reply(
            200,
            json.dumps({"uuid": key, "content_sha256": hashlib.sha256(body).hexdigest()}).encode(),
        )
        if step == "lose-answer":
            raise LinkDown("connection reset after central stored it")
        return answer


class FakeTransport:
    def __init__(self, central: FakeCentral) -> None:
        self.central = central

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        return self.central.handle(method, path, body, dict(headers or {}))

    def close(self) -> None:
        self.central.closed += 1
