"""The HTTP transport to central (httpx): the adapter of :mod:`callshop_pos.sync.transport`.

It only moves bytes: the core builds each request and classifies each answer. Every
failure to get an answer — connection refused, DNS, TLS, a timeout, the connection
reset or closed mid-request — becomes :class:`LinkDown` (outcome unknown: the core
sends the same request again later; central is idempotent on the key). Redirects are
not followed (a misconfigured URL must not send the token elsewhere).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

import httpx

from callshop_pos.clock import SystemClock
from callshop_pos.lines.snapshot import BoothSnapshot
from callshop_pos.services.context import Shop
from callshop_pos.sync.link import LinkConfig
from callshop_pos.sync.runner import SenderThread
from callshop_pos.sync.transport import LinkDown, Reply

__all__ = ["DEFAULT_TIMEOUT", "HttpTransport", "http_transport", "start_sender"]

#: Connect quickly or give up; a shift of a few hundred calls uploads in well under 30 s.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: Largest answer read (central's answers are small JSON documents; a price list is
#: the largest at a few MB).
MAX_REPLY_BYTES = 64 * 1024 * 1024


class HttpTransport:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            follow_redirects=False,
            transport=transport,
            headers={"User-Agent": "callshop-pos-sync/1"},
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        try:
            with self._client.stream(
                method, path, content=body, headers=dict(headers or {})
            ) as response:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_REPLY_BYTES:
                        raise LinkDown(f"answer larger than {MAX_REPLY_BYTES} bytes")
                    chunks.append(chunk)
                return Reply(
                    status=response.status_code,
                    body=b"".join(chunks),
                    headers={k.lower(): v for k, v in response.headers.items()},
                )
        except httpx.TimeoutException as exc:
            raise LinkDown(f"timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise LinkDown(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        self._client.close()


def http_transport(link: LinkConfig) -> HttpTransport:
    """The transport factory the sender and the commands use."""
    return HttpTransport(link.url)


def start_sender(
    shop: Shop, booths: Callable[[], Sequence[BoothSnapshot]] | None = None
) -> SenderThread:
    """Start the engine's sender thread over HTTP (timers on the real clock, whatever the
    simulator's speed). ``CALLSHOP_SYNC_POLL_S`` shortens the idle poll (tests, demos)."""
    poll = float(os.environ.get("CALLSHOP_SYNC_POLL_S", "5") or 5)
    thread = SenderThread(
        shop, http_transport, booths=booths, clock=SystemClock(), poll_s=max(0.05, poll)
    )
    thread.start()
    return thread
