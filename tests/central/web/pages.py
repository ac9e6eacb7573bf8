"""Helpers for the web pages' tests: a logged-in browser-like client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx

from callshop_wire import ClosedShift, format_utc
from tests.central.client import ApiClient
from tests.central.support import MANAGER_PASSWORD, OWNER_PASSWORD, Central

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORDS = {"boss": OWNER_PASSWORD, "mira": MANAGER_PASSWORD}


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def login(
    client: ApiClient, username: str, password: str | None = None, next_url: str = "/now"
) -> httpx.Response:
    form = client.get("/login")
    assert form.status_code == 200
    return client.post(
        "/login",
        data={
            "csrf": csrf_of(form.text),
            "username": username,
            "password": password or PASSWORDS[username],
            "next": next_url,
        },
    )


@contextmanager
def browser(central: Central, username: str | None = None, **headers: str) -> Iterator[ApiClient]:
    """A client with a cookie jar, logged in as ``username`` (None: logged out)."""
    with ApiClient(central.app()) as client:
        client._client.headers.update(headers)
        if username is not None:
            answer = login(client, username)
            assert answer.status_code == 303, answer.text
        yield client


def correct_later(central: Central, shift: ClosedShift, call_uuid: str) -> None:
    """The till's later correction of one of ``shift``'s unserved calls to paid (+0.50),
    an hour after the close; central accepts it."""
    cid = "00000000-0000-0000-0000-00000000c0c0"
    correction = {
        "schema_version": 1,
        "shop": shift.shop,
        "shift_uuid": str(shift.shift_uuid),
        "correction": {
            "correction_uuid": cid,
            "till_id": 1,
            "call_uuid": call_uuid,
            "at": format_utc(shift.closed_at + timedelta(hours=1)),
            "admin": "admin",
            "old_status": "unserved",
            "new_status": "paid",
            "amount_minor": 50,
            "reason": "paid next morning",
        },
        "anchor": {
            "head": {"seq": 101, "hash": "f" * 64},
            "previous_head": {"seq": 100, "hash": f"{100:064x}"},
        },
    }
    with ApiClient(central.app()) as till:
        answer = till.put(
            f"/v1/shops/{shift.shop}/corrections/{cid}",
            json=correction,
            headers=central.till(shift.shop),
        )
        assert answer.status_code == 201, answer.text
