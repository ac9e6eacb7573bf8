"""Login, logout, CSRF, lockout and session expiry of the web pages (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from central.auth import LOCKOUT, MAX_FAILURES
from central.models import WebSession
from central.web import sessions as web_sessions
from central.web.routes import COOKIE, CSRF_COOKIE
from tests.central.client import ApiClient
from tests.central.support import Central
from tests.central.web.pages import browser, csrf_of, login


def test_a_logged_out_visitor_is_sent_to_the_login_page(central: Central) -> None:
    with browser(central) as web:
        for path in (
            "/now",
            "/now/live",
            "/sessions",
            "/sessions.csv",
            "/shops/sofia-1/sessions/00000000-0000-0000-0000-000000000001",
        ):
            answer = web.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/login?next=")
        assert web.get("/now/live", headers={"X-Requested-With": "fetch"}).status_code == 401


def test_login_sets_a_hardened_cookie_and_keeps_only_its_hash(central: Central) -> None:
    with ApiClient(central.app()) as web:
        answer = login(web, "boss")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/now"
        cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(COOKIE))
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie
        raw = cookie.split(";")[0].split("=", 1)[1]
        with central.db.read() as s:
            keys = list(s.scalars(select(WebSession.id_sha256)))
        assert len(keys) == 1
        assert raw not in keys[0]
        page = web.get("/now")
        assert page.status_code == 200
        assert "Sofia, Vitosha 1" in page.text


def test_the_cookie_is_secure_when_configured(central: Central) -> None:
    with ApiClient(central.app(secure_cookies=True), base_url="https://central.test") as web:
        answer = login(web, "boss")
        cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(COOKIE))
        assert "Secure" in cookie


def test_login_without_the_csrf_token_is_refused(central: Central) -> None:
    with ApiClient(central.app()) as web:
        web.get("/login")
        answer = web.post("/login", data={"username": "boss", "password": "owner-pass"})
        assert answer.status_code == 403
        answer = web.post(
            "/login", data={"username": "boss", "password": "owner-pass", "csrf": "forged"}
        )
        assert answer.status_code == 403
        with central.db.read() as s:
            assert list(s.scalars(select(WebSession))) == []


def test_a_wrong_password_is_refused_and_five_lock_the_account(central: Central) -> None:
    with ApiClient(central.app()) as web:
        for _ in range(MAX_FAILURES):
            answer = login(web, "boss", "wrong")
            assert answer.status_code == 401
            assert "Wrong user name or password." in answer.text
        answer = login(web, "boss")
        assert answer.status_code == 401
        assert "locked" in answer.text
        central.clock.advance(seconds=LOCKOUT.total_seconds() + 1)
        assert login(web, "boss").status_code == 303


def test_an_open_redirect_through_next_is_refused(central: Central) -> None:
    with ApiClient(central.app()) as web:
        answer = login(web, "boss", next_url="//evil.example/x")
        assert answer.headers["location"] == "/now"
        answer = login(web, "boss", next_url="/sessions?period=week")
        assert answer.headers["location"] == "/sessions?period=week"


def test_logout_needs_the_session_csrf_token_and_ends_the_session(central: Central) -> None:
    with browser(central, "boss") as web:
        page = web.get("/now")
        assert web.post("/logout", data={"csrf": "forged"}).status_code == 403
        assert web.get("/now").status_code == 200
        answer = web.post("/logout", data={"csrf": csrf_of(page.text)})
        assert answer.status_code == 303
        with central.db.read() as s:
            assert list(s.scalars(select(WebSession))) == []
        assert web.get("/now").status_code == 303


def test_a_session_expires_when_idle_and_after_its_lifetime(central: Central) -> None:
    with browser(central, "boss") as web:
        central.clock.advance(seconds=web_sessions.IDLE.total_seconds() - 5)
        assert web.get("/now").status_code == 200  # still alive: the request renews it
        central.clock.advance(seconds=web_sessions.IDLE.total_seconds() - 5)
        assert web.get("/now").status_code == 200
        central.clock.advance(seconds=web_sessions.IDLE.total_seconds() + 1)
        assert web.get("/now").status_code == 303
        with central.db.read() as s:
            assert list(s.scalars(select(WebSession))) == []
    with browser(central, "boss") as web:
        steps = int(web_sessions.ABSOLUTE / (web_sessions.IDLE / 2))
        for _ in range(steps - 1):
            central.clock.advance(seconds=web_sessions.IDLE.total_seconds() / 2)
            assert web.get("/now").status_code == 200
        central.clock.advance(seconds=web_sessions.IDLE.total_seconds() / 2)
        assert web.get("/now").status_code == 303


def test_a_session_is_held_in_the_database_for_every_worker(central: Central) -> None:
    """Two app instances (two workers) on one database accept the same cookie."""
    with browser(central, "boss") as web:
        raw = web._client.cookies[COOKIE]
    with ApiClient(central.app()) as other:
        other._client.cookies.set(COOKIE, raw)
        assert other.get("/now").status_code == 200


def test_the_login_form_sets_its_own_csrf_cookie(central: Central) -> None:
    with ApiClient(central.app()) as web:
        page = web.get("/login")
        assert CSRF_COOKIE in page.headers["set-cookie"]
        assert page.headers["x-frame-options"] == "DENY"


def test_a_login_clears_expired_sessions(central: Central) -> None:
    with browser(central, "boss"), browser(central, "mira"):
        pass  # two sessions left behind without a logout
    central.clock.advance(seconds=web_sessions.ABSOLUTE.total_seconds() + 1)
    with browser(central, "boss"), central.db.read() as s:
        assert len(list(s.scalars(select(WebSession)))) == 1
