"""A synchronous httpx client against the ASGI app, in-process (no sockets).

httpx's ``ASGITransport`` is asynchronous; the tests are plain functions, so requests run
on an event loop in a helper thread (anyio's blocking portal)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import httpx
from anyio.from_thread import start_blocking_portal


class ApiClient:
    def __init__(self, app: Callable[..., Any], base_url: str = "http://central.test") -> None:
        self._portal_cm = start_blocking_portal()
        self._portal = self._portal_cm.__enter__()
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=base_url, timeout=60
        )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._portal.call(partial(self._client.request, method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self._portal.call(self._client.aclose)
        self._portal_cm.__exit__(None, None, None)

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
