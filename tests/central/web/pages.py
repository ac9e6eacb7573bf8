"""Helpers for the web pages' tests: a logged-in browser-like client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

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
