"""Routes of the web pages: login/logout, Now (live), sessions by period (HTML, CSV) and
one session's view. Pages need a logged-in central user; a shop the user may not see
answers 404 like a shop that does not exist."""

# no "from __future__ import annotations": FastAPI reads the handlers' annotations at run time

import gettext
import hashlib
import json
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from argon2 import PasswordHasher
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from central import service
from central.clock import Clock
from central.db import CentralDb
from central.errors import Conflict, Invalid, Locked, NotFound, Unauthorized
from central.web import sessions as web_sessions
from central.web import views
from central.web.csvsafe import to_csv
from central.web.i18n import LANGUAGES, Formatter, negotiate, translations
from central.web.rows import session_rows

__all__ = ["COOKIE", "CSRF_COOKIE", "LANG_COOKIE", "install", "usd_to_micro"]

HERE = Path(__file__).resolve().parent
COOKIE = "callshop_session"
CSRF_COOKIE = "callshop_login_csrf"
LANG_COOKIE = "lang"
MAX_FORM = 16 * 1024
POLL_SECONDS = 5

_SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


class LoginRequired(Exception):
    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def _safe_next(target: str | None) -> str:
    """Only a local path (no scheme, no //host): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/now"
    return target


class _Pages:
    """The handlers, bound to one database, clock and password hasher."""

    def __init__(
        self, db: CentralDb, clock: Clock, hasher: PasswordHasher, secure_cookies: bool
    ) -> None:
        self.db = db
        self.clock = clock
        self.hasher = hasher
        self.secure_cookies = secure_cookies
        self.env = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def lang_of(self, request: Request) -> str:
        return negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))

    def render(
        self,
        request: Request,
        name: str,
        status: int = 200,
        *,
        user: web_sessions.WebUser | None = None,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        lang = self.lang_of(request)
        tr: gettext.NullTranslations = translations(lang)
        html = self.env.get_template(name).render(
            _=tr.gettext,
            fmt=Formatter(lang),
            lang=lang,
            languages=LANGUAGES,
            user=user,
            here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            **context,
        )
        return HTMLResponse(
            html, status_code=status, headers={**_SECURITY_HEADERS, **(headers or {})}
        )

    def set_cookie(
        self, response: Response, name: str, value: str, *, max_age: int | None = None
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            httponly=True,
            samesite="lax",
            secure=self.secure_cookies,
        )

    async def user_of(self, request: Request) -> web_sessions.WebUser:
        found = await run_in_threadpool(
            web_sessions.lookup, self.db, self.clock, request.cookies.get(COOKIE)
        )
        if found is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(target)
        return found

    async def form_of(self, request: Request) -> dict[str, str]:
        body = await request.body()
        if len(body) > MAX_FORM:
            raise Invalid("form too large")
        parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def not_found(self, request: Request, user: web_sessions.WebUser | None) -> HTMLResponse:
        return self.render(request, "error.html", 404, user=user, code=404)

    async def guarded(
        self, request: Request, user: web_sessions.WebUser, build: Callable[[], Response]
    ) -> Response:
        try:
            return await run_in_threadpool(build)
        except NotFound:
            return self.not_found(request, user)

    async def _login_required(self, request: Request, exc: LoginRequired) -> Response:
        if request.headers.get("x-requested-with") == "fetch":
            return Response(status_code=401, headers=_SECURITY_HEADERS)
        return RedirectResponse(f"/login?next={quote(exc.target, safe='')}", status_code=303)

    # ---------------------------------------------------------------- login

    async def root(self) -> Response:
        return RedirectResponse("/now", status_code=303)

    def login_page(
        self,
        request: Request,
        status: int = 200,
        error: str | None = None,
        next_url: str = "/now",
        username: str = "",
    ) -> HTMLResponse:
        token = web_sessions.new_token()
        response = self.render(
            request,
            "login.html",
            status,
            csrf=token,
            error=error,
            next_url=next_url,
            username=username,
        )
        self.set_cookie(response, CSRF_COOKIE, token)
        return response

    async def login_form(self, request: Request, next: str = "/now") -> Response:
        return self.login_page(request, next_url=_safe_next(next))

    async def login(self, request: Request) -> Response:
        form = await self.form_of(request)
        next_url = _safe_next(form.get("next"))
        if not web_sessions.csrf_ok(request.cookies.get(CSRF_COOKIE, ""), form.get("csrf")):
            return self.login_page(request, 403, "The form expired. Please try again.", next_url)
        username = form.get("username", "")
        try:
            raw, _ = await run_in_threadpool(
                web_sessions.start,
                self.db,
                self.clock,
                self.hasher,
                username,
                form.get("password", ""),
            )
        except Locked:
            return self.login_page(
                request,
                401,
                "Too many wrong passwords: the account is locked for a few minutes.",
                next_url,
                username,
            )
        except Unauthorized:
            return self.login_page(request, 401, "Wrong user name or password.", next_url, username)
        response = RedirectResponse(next_url, status_code=303)
        self.set_cookie(response, COOKIE, raw)
        response.delete_cookie(CSRF_COOKIE, path="/")
        return response

    async def logout(self, request: Request) -> Response:
        user = await self.user_of(request)
        form = await self.form_of(request)
        if not web_sessions.csrf_ok(user.csrf, form.get("csrf")):
            return self.render(request, "error.html", 403, user=user, code=403)
        await run_in_threadpool(web_sessions.end, self.db, request.cookies.get(COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    async def switch_language(self, lang: str, next: str = "/now") -> Response:
        response = RedirectResponse(_safe_next(next), status_code=303)
        if lang in LANGUAGES:
            self.set_cookie(response, LANG_COOKIE, lang, max_age=365 * 86400)
        return response

    # ---------------------------------------------------------------- now

    async def now_page(self, request: Request) -> Response:
        user = await self.user_of(request)
        shops = await run_in_threadpool(views.live, self.db, self.clock, user.principal)
        return self.render(request, "now.html", user=user, shops=shops, poll=POLL_SECONDS)

    async def now_fragment(self, request: Request) -> Response:
        user = await self.user_of(request)
        shops = await run_in_threadpool(views.live, self.db, self.clock, user.principal)
        response = self.render(request, "_live.html", user=user, shops=shops)
        etag = '"' + hashlib.sha256(bytes(response.body)).hexdigest()[:32] + '"'
        headers = {**_SECURITY_HEADERS, "Cache-Control": "no-cache", "ETag": etag}
        match = request.headers.get("if-none-match", "")
        if etag in [t.strip() for t in match.split(",")]:
            return Response(status_code=304, headers=headers)
        response.headers.update(headers)
        return response

    # ---------------------------------------------------------------- sessions

    def _period_args(self, request: Request) -> dict[str, str | None]:
        q = request.query_params
        return {
            "period_name": q.get("period", "today"),
            "first": q.get("from"),
            "last": q.get("to"),
            "shop_code": q.get("shop") or None,
        }

    async def sessions_page(self, request: Request) -> Response:
        user = await self.user_of(request)
        args = self._period_args(request)

        def build() -> Response:
            shops = views.visible_shops(self.db, user.principal)
            try:
                period, lines = views.sessions(self.db, self.clock, user.principal, **args)  # type: ignore[arg-type]
            except Invalid as exc:
                return self.render(
                    request,
                    "sessions.html",
                    422,
                    user=user,
                    shops=shops,
                    error=exc.message,
                    lines=[],
                    totals=None,
                    period=None,
                    args=args,
                    periods=views.PERIODS,
                    csv_url=None,
                )
            csv_url = "/sessions.csv?" + str(request.url.query)
            table, totals = session_rows(lines, Formatter(self.lang_of(request)))
            return self.render(
                request,
                "sessions.html",
                user=user,
                shops=shops,
                lines=lines,
                rows=table,
                totals=totals,
                period=period,
                args=args,
                periods=views.PERIODS,
                error=None,
                csv_url=csv_url,
            )

        return await self.guarded(request, user, build)

    async def sessions_csv(self, request: Request) -> Response:
        user = await self.user_of(request)
        args = self._period_args(request)

        def build() -> Response:
            try:
                period, lines = views.sessions(self.db, self.clock, user.principal, **args)  # type: ignore[arg-type]
            except Invalid as exc:
                return Response(exc.message, status_code=422, media_type="text/plain")
            header = [
                "shop",
                "shift_uuid",
                "opened_at",
                "closed_at",
                "operator",
                "currency",
                "calls",
                "talk_seconds",
                "cash_minor",
                "unserved",
                "unpaid",
                "counted_minor",
                "expected_minor",
                "discrepancy_minor",
                "anchored",
            ]
            rows = [
                [
                    ln.shop.code,
                    ln.row.shift_uuid,
                    ln.row.opened_at.isoformat(),
                    ln.row.closed_at.isoformat(),
                    ln.row.operator,
                    ln.row.currency,
                    ln.row.call_count,
                    ln.row.talk_seconds,
                    ln.row.cash_minor,
                    ln.row.unserved,
                    ln.row.unpaid,
                    ln.row.counted_minor,
                    ln.row.expected_minor,
                    ln.row.discrepancy_minor,
                    ln.row.anchored,
                ]
                for ln in lines
            ]
            for t in views.totals(lines):  # one total row per currency, never a mixed sum
                rows.append(
                    [
                        "TOTAL",
                        "",
                        "",
                        "",
                        "",
                        t.currency,
                        t.call_count,
                        t.talk_seconds,
                        t.cash_minor,
                        t.unserved,
                        t.unpaid,
                        t.counted_minor,
                        t.expected_minor,
                        t.discrepancy_minor,
                        "",
                    ]
                )
            name = f"sessions-{period.first.isoformat()}-{period.last.isoformat()}.csv"
            return Response(
                to_csv(header, rows),
                media_type="text/csv; charset=utf-8",
                headers={
                    **_SECURITY_HEADERS,
                    "Content-Disposition": f'attachment; filename="{name}"',
                },
            )

        return await self.guarded(request, user, build)

    async def session_page(self, request: Request, shop: str, shift_uuid: str) -> Response:
        user = await self.user_of(request)
        try:
            uid = uuid.UUID(shift_uuid)
        except ValueError:
            return self.not_found(request, user)

        def build() -> Response:
            detail = views.session_detail(self.db, user.principal, shop, uid)
            return self.render(request, "session.html", user=user, d=detail)

        return await self.guarded(request, user, build)

    async def reports_page(self, request: Request) -> Response:
        user = await self.user_of(request)
        args = self._period_args(request)
        if "period" not in request.query_params:
            args["period_name"] = "month"

        def build() -> Response:
            shops = views.visible_shops(self.db, user.principal)
            try:
                rep = views.report(self.db, self.clock, user.principal, **args)  # type: ignore[arg-type]
            except Invalid as exc:
                return self.render(
                    request,
                    "reports.html",
                    422,
                    user=user,
                    shops=shops,
                    error=exc.message,
                    rep=None,
                    charts=None,
                    args=args,
                    periods=views.PERIODS,
                )
            return self.render(
                request,
                "reports.html",
                user=user,
                shops=shops,
                error=None,
                rep=rep,
                charts=[views.bar_chart(part.by_day) for part in rep.by_currency],
                csv_url="/reports.csv?" + str(request.url.query),
                args=args,
                periods=views.PERIODS,
            )

        return await self.guarded(request, user, build)

    async def reports_csv(self, request: Request) -> Response:
        """The report's three tables in one CSV, one block per currency (its days,
        shops, destinations and its total): exact minor units and micro-USD, the
        ``currency`` of the minor units on every row (the last column, so the columns
        before it kept their places); the profit cell is empty and ``usd_rate`` says
        ``missing`` where a cost had no rate."""
        user = await self.user_of(request)
        args = self._period_args(request)
        if "period" not in request.query_params:
            args["period_name"] = "month"

        def build() -> Response:
            try:
                rep = views.report(self.db, self.clock, user.principal, **args)  # type: ignore[arg-type]
            except Invalid as exc:
                return Response(exc.message, status_code=422, media_type="text/plain")
            header = [
                "by",
                "key",
                "calls",
                "billable_seconds",
                "takings_minor",
                "wholesale_micro_usd",
                "wholesale_cost_minor",
                "unconverted_micro_usd",
                "profit_minor",
                "usd_rate",
                "currency",
            ]
            rows: list[list[object]] = []
            for part in rep.by_currency:
                for by, table in (
                    ("day", part.by_day),
                    ("shop", part.by_shop),
                    ("destination", part.by_destination),
                    ("total", [part.total]),
                ):
                    for r in table:
                        rows.append(
                            [
                                by,
                                "" if by == "total" else r.key,
                                r.calls,
                                r.billable_seconds,
                                r.takings_minor,
                                r.wholesale_micro_usd,
                                r.wholesale_cost_minor,
                                r.unconverted_micro_usd,
                                "" if r.profit_minor is None else r.profit_minor,
                                "ok" if r.has_rate else "missing",
                                r.currency,
                            ]
                        )
            name = f"report-{rep.period.first.isoformat()}-{rep.period.last.isoformat()}.csv"
            return Response(
                to_csv(header, rows),
                media_type="text/csv; charset=utf-8",
                headers={
                    **_SECURITY_HEADERS,
                    "Content-Disposition": f'attachment; filename="{name}"',
                },
            )

        return await self.guarded(request, user, build)

    # ---------------------------------------------------------------- incidents, carrier

    async def incidents_page(self, request: Request) -> Response:
        user = await self.user_of(request)
        lines = await run_in_threadpool(views.incident_lines, self.db, self.clock, user.principal)
        return self.render(
            request,
            "incidents.html",
            user=user,
            lines=lines,
            silent_after=int(
                (await run_in_threadpool(service.silent_after, self.db)).total_seconds() // 60
            ),
        )

    def _carrier(
        self,
        request: Request,
        user: web_sessions.WebUser,
        status: int = 200,
        error: str | None = None,
    ) -> Response:
        accounts = []
        for shop in views.visible_shops(self.db, user.principal):
            start, end, period = views.month_bounds(self.clock, shop.timezone)
            ledger = service.ledger(self.db, shop.code, start, end)
            accounts.append((shop, ledger, period))
        return self.render(
            request,
            "carrier.html",
            status,
            user=user,
            accounts=accounts,
            error=error,
            topup_uuid=str(uuid.uuid4()),
        )

    async def carrier_page(self, request: Request) -> Response:
        user = await self.user_of(request)
        return await run_in_threadpool(self._carrier, request, user)

    async def carrier_topup(self, request: Request, shop: str) -> Response:
        """The owner books a top-up; the form's UUID makes a double submit book it once."""
        user = await self.user_of(request)
        form = await self.form_of(request)

        def build() -> Response:
            views.shop_of(self.db, user.principal, shop)  # 404 before anything else
            if not web_sessions.csrf_ok(user.csrf, form.get("csrf")):
                return self.render(request, "error.html", 403, user=user, code=403)
            if user.principal.role != "owner":
                return self.render(request, "error.html", 403, user=user, code=403)
            try:
                micro = usd_to_micro(form.get("amount", ""))
                topup_uuid = uuid.UUID(form.get("topup_uuid", ""))
            except ValueError:
                return self._carrier(request, user, 422, "Enter an amount in USD, like 50.00.")
            body = json.dumps(
                {"amount_micro_usd": micro, "reference": form.get("reference", "")[:500]}
            ).encode()
            try:
                service.put_topup(self.db, self.clock, shop, topup_uuid, body, user.principal.name)
            except (Invalid, Conflict):
                return self._carrier(request, user, 422, "Enter an amount in USD, like 50.00.")
            return RedirectResponse("/carrier", status_code=303)

        return await self.guarded(request, user, build)


def usd_to_micro(text: str) -> int:
    """``"50.25"`` or ``"50,25"`` → 50_250_000 micro-USD; more than 6 decimals, zero or
    less, or not a number: ValueError."""
    try:
        amount = Decimal(text.strip().replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError("an amount must be more than zero")
    micro = amount.scaleb(6)
    if micro != micro.to_integral_value():
        raise ValueError("at most 6 decimals")
    return int(micro)


def install(
    app: FastAPI,
    db: CentralDb,
    clock: Clock,
    hasher: PasswordHasher,
    *,
    secure_cookies: bool = False,
) -> None:
    pages = _Pages(db, clock, hasher, secure_cookies)
    router = APIRouter(include_in_schema=False)
    router.add_api_route("/", pages.root, methods=["GET"])
    router.add_api_route("/login", pages.login_form, methods=["GET"])
    router.add_api_route("/login", pages.login, methods=["POST"])
    router.add_api_route("/logout", pages.logout, methods=["POST"])
    router.add_api_route("/lang/{lang}", pages.switch_language, methods=["GET"])
    router.add_api_route("/now", pages.now_page, methods=["GET"])
    router.add_api_route("/now/live", pages.now_fragment, methods=["GET"])
    router.add_api_route("/sessions", pages.sessions_page, methods=["GET"])
    router.add_api_route("/reports", pages.reports_page, methods=["GET"])
    router.add_api_route("/incidents", pages.incidents_page, methods=["GET"])
    router.add_api_route("/carrier", pages.carrier_page, methods=["GET"])
    router.add_api_route("/shops/{shop}/carrier/topup", pages.carrier_topup, methods=["POST"])
    router.add_api_route("/sessions.csv", pages.sessions_csv, methods=["GET"])
    router.add_api_route("/reports.csv", pages.reports_csv, methods=["GET"])
    router.add_api_route("/shops/{shop}/sessions/{shift_uuid}", pages.session_page, methods=["GET"])
    app.add_exception_handler(LoginRequired, pages._login_required)  # type: ignore[arg-type]
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
