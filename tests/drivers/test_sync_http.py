"""The httpx adapter: answers pass through as they are; no answer is LinkDown."""

from __future__ import annotations

import httpx
import pytest

from callshop_pos.sync.transport import LinkDown
from drivers.sync_http import HttpTransport


def transport(handler) -> HttpTransport:  # type: ignore[no-untyped-def]
    return HttpTransport("http://central.test/", transport=httpx.MockTransport(handler))


def test_answers_pass_through_with_body_and_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(409, json={"detail": "no"}, headers={"Retry-After": "3"})

    t = transport(handler)
    reply = t.request(
        "PUT",
        "/v1/shops/s/shifts/k",
        body=b'{"a":1}',
        headers={"Idempotency-Key": "k", "Authorization": "Bearer x"},
    )
    assert reply.status == 409 and reply.json() == {"detail": "no"}
    assert reply.header("Retry-After") == "3"
    [request] = seen
    assert str(request.url) == "http://central.test/v1/shops/s/shifts/k"
    assert request.content == b'{"a":1}' and request.headers["idempotency-key"] == "k"
    t.close()


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("slow"),
        httpx.RemoteProtocolError("peer closed connection without sending a response"),
        httpx.ReadError("reset"),
    ],
)
def test_no_answer_is_link_down(error: Exception) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    with pytest.raises(LinkDown):
        transport(handler).request("GET", "/v1/health")


def test_redirects_are_not_followed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://elsewhere.test/steal"})

    assert transport(handler).request("GET", "/v1/health").status == 302
