"""The HTTP JSON API (FastAPI on Starlette, served by uvicorn), versioned under ``/v1/``.

Bodies are read as bytes and decoded by :mod:`callshop_wire` — the same strict decoder
the till uses — so a float amount, a time without ``Z`` or an unknown schema version is
refused the same way on both sides, and central hashes exactly the canonical content.
The OpenAPI document (``/v1/openapi.json``) still describes every body: the request
schemas are the wire models' own JSON schemas.

Every error is ``{"error": {"code", "message", "details", "incident_id"}}`` with one of
400 (not JSON), 401 (no or bad credentials), 403 (not your shop / not the owner), 404,
409 (same id, other content: recorded as an incident), 413 (body over the limit), 422
(JSON of the wrong shape or figures that do not add up). A refused request changes
nothing (a 409 adds only its incident).
"""

# no "from __future__ import annotations": FastAPI reads the handlers' annotations at run time

import base64
import gc
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callshop_wire import (
    CarrierBalance,
    CarrierLedger,
    ClosedShift,
    CorrectionPayload,
    Heartbeat,
    HeartbeatAck,
    JournalHeads,
    ShiftAccepted,
    WholesalePriceList,
    encode,
    parse_utc,
)
from central import __version__, service, web
from central.auth import Principal, authenticate_token, authenticate_user, token_principal
from central.clock import Clock, SystemClock
from central.db import CentralDb
from central.errors import CentralError, Forbidden, Invalid, Unauthorized

_log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_BODY",
    "ENV_DB",
    "ENV_MAX_BODY",
    "ENV_SECURE_COOKIES",
    "app_from_env",
    "basic_auth",
    "create_app",
]

#: Largest request body accepted (a shift of 5,000 calls is about 2.5 MB).
DEFAULT_MAX_BODY = 8 * 1024 * 1024
ENV_DB = "CALLSHOP_CENTRAL_DB"
ENV_MAX_BODY = "CALLSHOP_CENTRAL_MAX_BODY"
#: "1" behind TLS: the web pages' cookies get the Secure flag
ENV_SECURE_COOKIES = "CALLSHOP_CENTRAL_SECURE_COOKIES"
#: Benchmark only: "row" stores calls one statement per row (the baseline).
ENV_INSERT_MODE = "CALLSHOP_CENTRAL_INSERT_MODE"

T = TypeVar("T")
JSON = "application/json"
SHOP_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
UTC_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$"


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = []
    incident_id: int | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: str
    version: str


def _error(
    status: int,
    code: str,
    message: str,
    *,
    details: list[dict[str, Any]] | None = None,
    incident_id: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(
        error=ErrorDetail(
            code=code, message=message, details=details or [], incident_id=incident_id
        )
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="callshop-central", Basic realm="callshop-central"'}


def _responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    words = {
        304: "not modified (If-None-Match)",
        400: "the body is not JSON",
        401: "no, unknown or revoked credentials",
        403: "the credentials do not cover this shop or action",
        404: "no such shop or record",
        409: "the same id is already held with other content (an incident is recorded)",
        413: "the body is over the size limit",
        422: "JSON of the wrong shape, or figures that do not add up",
        503: "the database is unavailable or busy (nothing stored; send again later)",
    }
    return {
        code: (
            {"description": words[code]}
            if code == 304
            else {"description": words[code], "model": ErrorBody}
        )
        for code in codes
    }


def _body(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
        }
    }


def _json(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(encode(model), status_code=status, media_type=JSON, headers=headers)


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse bodies over ``limit`` bytes with 413, by Content-Length or while streaming,
    before any handler sees them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > self.limit):
                await self._refuse(scope, receive, send)
                return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except _BodyTooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = _error(
            413,
            "too_large",
            f"the body is over the limit of {self.limit} bytes",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


@dataclass(frozen=True)
class Context:
    """One application's configuration (``app.state.central``): no request data."""

    db: CentralDb
    clock: Clock
    hasher: PasswordHasher
    insert_mode: service.InsertMode
    limiter: anyio.CapacityLimiter

    async def work(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking database call in a worker thread, at most as many at once as
        the process has database connections (the rest wait here, in order)."""
        return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), limiter=self.limiter)


def _context(request: Request) -> Context:
    context: Context = request.app.state.central
    return context


Ctx = Annotated[Context, Depends(_context)]
ShopPath = Annotated[str, Path(pattern=SHOP_PATTERN, description="the shop's code")]
_bearer = HTTPBearer(auto_error=False, description="a till's per-shop API token")
_basic = HTTPBasic(auto_error=False, description="a central user (owner or manager)")


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
Basic = Annotated[HTTPBasicCredentials | None, Depends(_basic)]
_NO_CREDENTIALS = "send a till's token (Bearer) or a user's password (Basic)"


def _authenticate(
    ctx: Context, token: HTTPAuthorizationCredentials | None, user: HTTPBasicCredentials | None
) -> Principal:
    """Who is calling (blocking: runs in a worker thread)."""
    if token is not None:
        return authenticate_token(ctx.db, token.credentials)
    if user is not None:
        return authenticate_user(ctx.db, ctx.clock, ctx.hasher, user.username, user.password)
    raise Unauthorized(_NO_CREDENTIALS)


async def _caller(ctx: Ctx, token: Bearer, user: Basic) -> Principal:
    if token is None and user is None:
        raise Unauthorized(_NO_CREDENTIALS)
    return await ctx.work(_authenticate, ctx, token, user)


Caller = Annotated[Principal, Depends(_caller)]


def till_of(who: Principal, shop: str) -> None:
    if who.kind != "till":
        raise Forbidden("only a till sends this, with its shop's API token")
    who.require_shop(shop)


router = APIRouter()


@router.get("/v1/health", response_model=Health, tags=["service"])
async def health() -> Health:
    """Liveness for the reverse proxy (no credentials, no database)."""
    return Health(status="ok", version=__version__)


@router.put(
    "/v1/shops/{shop}/shifts/{shift_uuid}",
    status_code=201,
    response_model=None,
    responses={
        201: {
            "model": ShiftAccepted,
            "description": "held (also on an identical retry, then with Idempotent-Replayed: true)",
        },
        **_responses(400, 401, 403, 404, 409, 413, 422, 503),
    },
    openapi_extra=_body(ClosedShift),
    tags=["till"],
)
async def put_shift(
    shop: ShopPath,
    shift_uuid: uuid.UUID,
    request: Request,
    ctx: Ctx,
    token: Bearer,
    user: Basic,
) -> Response:
    """Deliver a closed shift (idempotent on its UUID; append-only)."""
    if token is None and user is None:
        raise Unauthorized(_NO_CREDENTIALS)
    body = await request.body()

    def deliver() -> service.Outcome:
        # The busiest request: authentication and storing in one worker-thread hop, and
        # a till's token read in the transaction that stores the shift.
        if token is None:
            till_of(_authenticate(ctx, token, user), shop)  # a user: never a till

        def authorize(s: Session) -> None:
            assert token is not None
            till_of(token_principal(s, token.credentials), shop)

        return service.put_shift(
            ctx.db,
            ctx.clock,
            shop,
            shift_uuid,
            body,
            insert_mode=ctx.insert_mode,
            authorize=None if token is None else authorize,
        )

    outcome = await ctx.work(deliver)
    return _json(outcome.answer, 201, _replayed(outcome))


@router.get(
    "/v1/shops/{shop}/shifts/{shift_uuid}",
    response_model=None,
    responses={
        200: {"model": ClosedShift, "description": "the shift as the till sent it"},
        **_responses(401, 403, 404, 422, 503),
    },
    tags=["owner"],
)
async def get_shift(shop: ShopPath, shift_uuid: uuid.UUID, who: Caller, ctx: Ctx) -> Response:
    """A held shift, exactly as received (canonical JSON)."""
    who.require_shop(shop)
    data = await ctx.work(service.get_shift, ctx.db, shop, shift_uuid)
    return Response(data, media_type=JSON)


@router.put(
    "/v1/shops/{shop}/corrections/{correction_uuid}",
    status_code=201,
    response_model=None,
    responses={
        201: {"model": ShiftAccepted, "description": "held"},
        **_responses(400, 401, 403, 404, 409, 413, 422, 503),
    },
    openapi_extra=_body(CorrectionPayload),
    tags=["till"],
)
async def put_correction(
    shop: ShopPath, correction_uuid: uuid.UUID, request: Request, who: Caller, ctx: Ctx
) -> Response:
    """Deliver a correction of a closed shift (idempotent on its UUID)."""
    till_of(who, shop)
    body = await request.body()
    outcome = await ctx.work(service.put_correction, ctx.db, ctx.clock, shop, correction_uuid, body)
    return _json(outcome.answer, 201, _replayed(outcome))


@router.get(
    "/v1/shops/{shop}/heads",
    response_model=None,
    responses={
        200: {"model": JournalHeads, "description": "every head held, oldest first"},
        **_responses(401, 403, 404, 422, 503),
    },
    tags=["till"],
)
async def get_heads(shop: ShopPath, who: Caller, ctx: Ctx) -> Response:
    """The journal heads central holds for the shop (the till's ``verify`` reads them)."""
    who.require_shop(shop)
    return _json(await ctx.work(service.heads, ctx.db, shop))


@router.get(
    "/v1/shops/{shop}/incidents",
    response_model=list[service.IncidentView],
    responses=_responses(401, 403, 404, 422, 503),
    tags=["owner"],
)
async def get_incidents(shop: ShopPath, who: Caller, ctx: Ctx) -> list[service.IncidentView]:
    """Chain breaks, conflicting re-sends, refused duplicate calls and silences (no
    heartbeat for longer than the chain's setting; ``closed_at`` once heard again) of
    the shop, oldest first."""
    who.require_shop(shop)
    return await ctx.work(service.incidents, ctx.db, shop, ctx.clock)


@router.post(
    "/v1/shops/{shop}/heartbeat",
    response_model=None,
    responses={
        200: {"model": HeartbeatAck, "description": "received"},
        **_responses(400, 401, 403, 404, 413, 422, 503),
    },
    openapi_extra=_body(Heartbeat),
    tags=["till"],
)
async def heartbeat(shop: ShopPath, request: Request, who: Caller, ctx: Ctx) -> Response:
    """The open shift's totals and the booths' state; the newest wins."""
    till_of(who, shop)
    body = await request.body()
    return _json(await ctx.work(service.receive_heartbeat, ctx.db, ctx.clock, shop, body))


@router.get(
    "/v1/shops/{shop}/carrier/balance",
    response_model=None,
    responses={
        200: {"model": CarrierBalance, "description": "the balance now"},
        **_responses(401, 403, 404, 422, 503),
    },
    tags=["till", "owner"],
)
async def get_balance(shop: ShopPath, who: Caller, ctx: Ctx) -> Response:
    who.require_shop(shop)
    return _json(await ctx.work(service.balance, ctx.db, ctx.clock, shop))


@router.get(
    "/v1/shops/{shop}/carrier/ledger",
    response_model=None,
    responses={
        200: {"model": CarrierLedger, "description": "the period's entries"},
        **_responses(401, 403, 404, 422, 503),
    },
    tags=["owner"],
)
async def get_ledger(
    shop: ShopPath,
    who: Caller,
    ctx: Ctx,
    date_from: Annotated[
        str, Query(alias="from", pattern=UTC_PATTERN, description="UTC, 2026-12-01T00:00:00Z")
    ],
    date_to: Annotated[
        str, Query(alias="to", pattern=UTC_PATTERN, description="UTC, end excluded")
    ],
) -> Response:
    who.require_shop(shop)
    try:
        start, end = parse_utc(date_from), parse_utc(date_to)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    return _json(await ctx.work(service.ledger, ctx.db, shop, start, end))


@router.put(
    "/v1/shops/{shop}/carrier/topups/{topup_uuid}",
    status_code=201,
    response_model=None,
    responses={
        201: {"model": ShiftAccepted, "description": "booked (same on a retry)"},
        **_responses(400, 401, 403, 404, 409, 413, 422, 503),
    },
    openapi_extra=_body(service.TopupRequest),
    tags=["owner"],
)
async def put_topup(
    shop: ShopPath, topup_uuid: uuid.UUID, request: Request, who: Caller, ctx: Ctx
) -> Response:
    """Book a top-up of the shop's carrier account (owner only; idempotent)."""
    who.require_owner()
    body = await request.body()
    outcome = await ctx.work(service.put_topup, ctx.db, ctx.clock, shop, topup_uuid, body, who.name)
    return _json(outcome.answer, 201, _replayed(outcome))


@router.get(
    "/v1/price-lists/wholesale",
    response_model=None,
    responses={
        200: {"model": WholesalePriceList, "description": "the current list (ETag header)"},
        **_responses(304, 401, 404, 503),
    },
    tags=["till"],
)
async def get_price_list(request: Request, who: Caller, ctx: Ctx) -> Response:
    """The current wholesale price list; ``If-None-Match`` with its ETag gives 304."""
    published = await ctx.work(service.wholesale_price_list, ctx.db)
    headers = {"ETag": published.etag, "Cache-Control": "no-cache"}
    match = request.headers.get("if-none-match", "")
    if published.etag in [t.strip() for t in match.split(",")] or match.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(published.body, media_type=JSON, headers=headers)


@router.post(
    "/v1/price-lists/wholesale",
    status_code=201,
    response_model=None,
    responses={
        201: {"model": WholesalePriceList, "description": "published"},
        **_responses(400, 401, 403, 409, 413, 422, 503),
    },
    openapi_extra=_body(WholesalePriceList),
    tags=["owner"],
)
async def publish_price_list(request: Request, who: Caller, ctx: Ctx) -> Response:
    """Publish the next version (owner only; ``version`` = current + 1)."""
    who.require_owner()
    body = await request.body()
    published = await ctx.work(service.publish_price_list, ctx.db, ctx.clock, body, who.name)
    return Response(
        published.body, status_code=201, media_type=JSON, headers={"ETag": published.etag}
    )


def create_app(
    db: CentralDb,
    *,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    insert_mode: service.InsertMode = "bulk",
    secure_cookies: bool = False,
) -> FastAPI:
    """The ASGI application on ``db``. Holds no state between requests but its
    configuration: any number of workers may serve one database."""
    app = FastAPI(
        title="callshop-central",
        version=__version__,
        description=(__doc__ or "").split("\n\n")[0],
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
        separate_input_output_schemas=False,
    )
    context = Context(
        db=db,
        clock=clock or SystemClock(),
        hasher=hasher or PasswordHasher(),
        insert_mode=insert_mode,
        limiter=anyio.CapacityLimiter(db.max_connections),
    )
    app.state.central = context
    app.include_router(router)
    _install_error_handlers(app)
    web.install(app, db, context.clock, context.hasher, secure_cookies=secure_cookies)
    _install_openapi(app)
    app.add_middleware(BodyLimit, limit=max_body)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CentralError, _central_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    for unavailable in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(unavailable, _database)


async def _central_error(request: Request, exc: CentralError) -> JSONResponse:
    return _error(
        exc.status,
        exc.code,
        exc.message,
        details=exc.details,
        incident_id=exc.incident_id,
        headers=_CHALLENGE if exc.status == 401 else None,
    )


async def _database(request: Request, exc: Exception) -> JSONResponse:
    # the database is down, restarting or overloaded: nothing was committed; the till
    # treats 503 as "try again later"
    _log.warning("database unavailable: %s", exc)
    return _error(
        503,
        "database_unavailable",
        "the database is unavailable or busy; nothing was stored: send again later",
        headers={"Retry-After": "5"},
    )


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    details = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    first = details[0] if details else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"])
    return _error(422, "invalid_request", f"{where}: {first['msg']}", details=details)


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    codes = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # every method of the path, not just the first route's
        headers["Allow"] = ", ".join(_allowed_methods(request.app, request.scope))
    if exc.status_code == 401:
        headers.update(_CHALLENGE)
    return _error(
        exc.status_code,
        codes.get(exc.status_code, "http_error"),
        str(exc.detail),
        headers=headers or None,
    )


def _allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def _replayed(outcome: service.Outcome) -> dict[str, str] | None:
    return {"Idempotent-Replayed": "true"} if outcome.replayed else None


def _install_openapi(app: FastAPI) -> None:
    """FastAPI's document plus the wire models that describe the raw request bodies."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            separate_input_output_schemas=False,
        )
        _, defs = models_json_schema(
            [
                (m, "validation")
                for m in (
                    ClosedShift,
                    CorrectionPayload,
                    Heartbeat,
                    WholesalePriceList,
                    service.TopupRequest,
                )
            ],
            ref_template="#/components/schemas/{model}",
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in defs.get("$defs", {}).items():
            components.setdefault(name, definition)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def app_from_env() -> FastAPI:
    """uvicorn factory (``--factory``): the database URL from ``CALLSHOP_CENTRAL_DB``."""
    url = os.environ.get(ENV_DB)
    if not url:
        raise SystemExit(f"{ENV_DB} is not set")
    mode = os.environ.get(ENV_INSERT_MODE, "bulk")
    app = create_app(
        CentralDb(url),
        max_body=int(os.environ.get(ENV_MAX_BODY, DEFAULT_MAX_BODY)),
        insert_mode="row" if mode == "row" else "bulk",
        secure_cookies=os.environ.get(ENV_SECURE_COOKIES, "") in ("1", "true", "yes"),
    )
    tune_gc()
    return app


#: allocations (less deallocations) of container objects between two young-generation
#: collections of a serving worker (Python's default: 700)
GC_YOUNG_THRESHOLD = 20_000


def tune_gc() -> None:
    """Ready a serving worker's garbage collector, once its code and app are loaded.

    A shift's decoding makes ~10,000 objects that live until its request ends and hold
    no reference cycles (they are freed by reference counting). With Python's defaults
    they triggered three young collections a request and, in turn, full collections
    that walked every object the worker had loaded (the framework, SQLAlchemy, the
    schemas: ~140,000): the decoding cost 6.3 ms of CPU a shift in the server against
    2 ms alone. Freezing what is loaded at start (it lives as long as the process) takes
    it out of every collection; a higher young threshold makes collections rarer, not
    absent (cycles are still found). Together: 6.3 → 3.1 ms, and the worker's CPU for a
    300-call shift 12.7 → 9.2 ms (docs/performance.md)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


def basic_auth(username: str, password: str) -> str:
    """The ``Authorization`` header value for a central user (tests and tools)."""
    raw = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")
