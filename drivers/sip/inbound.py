"""Out-of-dialog SIP requests: digest authentication, REGISTER, INVITE, OPTIONS.

Runs in the SIP thread. Every refusal goes through the driver's :class:`RefusalLog`
(logged with address and reason, counted).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from callshop_pos.lines.dialplan import mask_any_card_dial
from callshop_pos.lines.port import HangupReason, HangupSide, HungUp, Offline, Registered
from drivers.sip import digest
from drivers.sip.abuse import AbuseGuard, Refusal, RefusalLog
from drivers.sip.config import BoothAccount, SipDriverConfig
from drivers.sip.registrar import Registrar
from drivers.sip.sippy_adapter import SippyStack

__all__ = ["RequestRouter"]

log = logging.getLogger("drivers.sip")

ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER"
_RATE_LIMITED_METHODS = ("REGISTER", "INVITE", "OPTIONS")


class Switchboard(Protocol):
    """The driver side the router needs."""

    stack: SippyStack
    config: SipDriverConfig
    refusals: RefusalLog
    guard: AbuseGuard
    registrar: Registrar
    nonces: digest.NonceIssuer

    def at(self, rtime: Any) -> Any: ...
    def emit(self, event: Any) -> None: ...
    def booth_allowed(self, booth: str) -> bool: ...
    def booth_busy(self, booth: str) -> bool: ...
    def place_call(self, account: BoothAccount, req: Any, sip_t: Any) -> Any: ...


def rate_limited_method(method: str | None) -> bool:
    return method in _RATE_LIMITED_METHODS


class RequestRouter:
    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self._accounts = {a.sip_user: a for a in board.config.booths}

    # ------------------------------------------------------------ entry

    def handle(self, req: Any, sip_t: Any) -> Any:
        """sippy's request callback: returns (response, cancel_cb, disc_cb) or None."""
        source = _source(req)
        try:
            return self._route(req, sip_t, source)
        except Exception as exc:
            # A header sippy parsed lazily turned out to be malformed.
            log.debug("request from %s:%d failed", source[0], source[1], exc_info=True)
            self.board.refusals.refuse(Refusal.BAD_REQUEST, source, f"{type(exc).__name__}: {exc}")
            try:
                return (self._response(req, 400, "Bad Request"), None, None)
            except Exception:
                return None

    def _route(self, req: Any, sip_t: Any, source: tuple[str, int]) -> Any:
        method = req.getMethod()
        agent = _header(req, "user-agent")
        blocked = self.board.guard.blocked_user_agent(agent) if agent else None
        if blocked is not None:
            self.board.guard.ban(
                source, Refusal.BLOCKED_USER_AGENT, f"user agent {agent!r} matches {blocked!r}"
            )
            return None  # no answer to scanners
        if req.getHFBody("to").getTag() is not None:
            return (self._response(req, 481, "Call/Transaction Does Not Exist"), None, None)
        if method == "OPTIONS":
            resp = self._response(req, 200, "OK")
            self._add(resp, "allow", ALLOW)
            self._add(resp, "accept", "application/sdp")
            return (resp, None, None)
        if method == "REGISTER":
            return self._register(req, source)
        if method == "INVITE":
            return self._invite(req, sip_t, source)
        self.board.refusals.refuse(Refusal.NOT_ALLOWED, source, method)
        resp = self._response(req, 405, "Method Not Allowed")
        self._add(resp, "allow", ALLOW)
        return (resp, None, None)

    # ------------------------------------------------------ authentication

    def _authenticate(
        self, req: Any, source: tuple[str, int]
    ) -> BoothAccount | tuple[Any, Any, Any]:
        """The booth account, or the response to send (401 challenge or 403)."""
        headers = req.getHFs("authorization")
        if not headers:
            return self._challenge(req)
        creds = digest.parse(str(headers[0].body))
        if creds is None:
            return self._challenge(req)
        account = self._accounts.get(creds.username)
        if account is None:
            return self._forbid(req, source, Refusal.UNKNOWN_USER, f"user {creds.username!r}")
        if creds.realm != self.board.config.realm:
            return self._forbid(
                req,
                source,
                Refusal.WRONG_PASSWORD,
                f"user {creds.username!r}, realm {creds.realm!r}",
            )
        check = digest.check_response(creds, account.ha1, req.getMethod(), self.board.nonces)
        if check is digest.DigestCheck.STALE:
            return self._challenge(req, stale=True)
        if check is digest.DigestCheck.BAD_NONCE:
            return self._challenge(req)
        if check is not digest.DigestCheck.OK:
            return self._forbid(
                req, source, Refusal.WRONG_PASSWORD, f"user {creds.username!r} ({check.value})"
            )
        if account.bound_host is not None and account.bound_host != source[0]:
            return self._forbid(
                req,
                source,
                Refusal.WRONG_SOURCE,
                f"booth {account.booth} is bound to {account.bound_host}",
            )
        return account

    def _challenge(self, req: Any, stale: bool = False) -> tuple[Any, Any, Any]:
        resp = self._response(req, 401, "Unauthorized")
        value = f'Digest realm="{self.board.config.realm}",nonce="{self.board.nonces.issue()}"'
        if stale:
            value += ",stale=true"
        value += ",algorithm=MD5"
        self._add(resp, "www-authenticate", value)
        return (resp, None, None)

    def _forbid(
        self, req: Any, source: tuple[str, int], why: Refusal, detail: str
    ) -> tuple[Any, Any, Any]:
        self.board.refusals.refuse(why, source, f"{req.getMethod()} {detail}")
        self.board.guard.note_auth_failure(source)
        return (self._response(req, 403, "Forbidden"), None, None)

    # ------------------------------------------------------------- REGISTER

    def _register(self, req: Any, source: tuple[str, int]) -> Any:
        account = self._authenticate(req, source)
        if not isinstance(account, BoothAccount):
            return account
        cfg = self.board.config
        contacts = req.getHFBodys("contact") if req.countHFs("contact") else []
        registrar = self.board.registrar
        if not contacts:  # a query
            resp = self._response(req, 200, "OK")
            binding = registrar.binding(account.booth)
            if binding is not None:
                self._add(
                    resp,
                    "contact",
                    f"<{binding.contact}>;expires={registrar.remaining_s(account.booth)}",
                )
            return (resp, None, None)
        contact = contacts[0]
        expires = self._requested_expiry(req, contact)
        if getattr(contact, "asterisk", False) or expires == 0:
            if registrar.unregister(account.booth):
                self.board.emit(Offline(account.booth, self.board.at(req.rtime), "unregistered"))
            return (self._response(req, 200, "OK"), None, None)
        if expires < cfg.min_expires_s:
            self.board.refusals.refuse(
                Refusal.INTERVAL_TOO_BRIEF, source, f"booth {account.booth} asked for {expires} s"
            )
            resp = self._response(req, 423, "Interval Too Brief")
            self._add(resp, "min-expires", str(cfg.min_expires_s))
            return (resp, None, None)
        expires = min(expires, cfg.max_expires_s)
        uri = str(contact.getUrl())
        changed = registrar.register(
            account.booth, uri, source, expires, _header(req, "user-agent")
        )
        if changed:
            self.board.emit(Registered(account.booth, self.board.at(req.rtime), uri, expires))
        resp = self._response(req, 200, "OK")
        self._add(resp, "contact", f"<{uri}>;expires={expires}")
        self._add(resp, "expires", str(expires))
        return (resp, None, None)

    def _requested_expiry(self, req: Any, contact: Any) -> int:
        params = getattr(getattr(contact, "address", None), "params", {}) or {}
        raw = params.get("expires")
        if raw is None and req.countHFs("expires"):
            raw = str(req.getHFBody("expires").getNum())
        if raw is None:
            return min(600, self.board.config.max_expires_s)
        return max(0, int(str(raw).strip()))

    # --------------------------------------------------------------- INVITE

    def _invite(self, req: Any, sip_t: Any, source: tuple[str, int]) -> Any:
        account = self._authenticate(req, source)
        if not isinstance(account, BoothAccount):
            return account
        number = str(req.getRURI().username or "")
        booth = account.booth
        if not self.board.booth_allowed(booth):
            shown = mask_any_card_dial(number)  # never a calling card's PIN in the log
            self.board.refusals.refuse(Refusal.LOCKED, source, f"booth {booth} dialled {shown}")
            self.board.emit(
                HungUp(
                    booth,
                    self.board.at(req.rtime),
                    None,
                    HangupReason.DENIED,
                    HangupSide.SYSTEM,
                    f"booth locked; {number} refused",
                )
            )
            return (self._response(req, 403, "Booth Locked"), None, None)
        if self.board.booth_busy(booth):
            self.board.refusals.refuse(Refusal.BUSY, source, f"booth {booth} already in a call")
            return (self._response(req, 486, "Busy Here"), None, None)
        if self.board.config.trunk is None:
            shown = mask_any_card_dial(number)
            self.board.refusals.refuse(Refusal.NO_TRUNK, source, f"booth {booth} dialled {shown}")
            return (self._response(req, 503, "No Carrier Trunk Configured"), None, None)
        return self.board.place_call(account, req, sip_t)

    # -------------------------------------------------------------- helpers

    def _response(self, req: Any, code: int, phrase: str) -> Any:
        return req.genResponse(code, phrase, server=self.board.config.user_agent)

    def _add(self, resp: Any, name: str, value: str) -> None:
        resp.appendHeader(self.board.stack.api.SipHeader(name=name, bodys=value))


def _source(req: Any) -> tuple[str, int]:
    host, port = req.getSource()
    return (str(host), int(port))


def _header(req: Any, name: str) -> str:
    found = req.getHFs(name)
    return str(found[0].body) if found else ""
