"""The one module that touches sippy 2.5.0 and contains its quirks.

Quirks handled here (see docs/sip.md for the long story):

* ``sippy.Core.EventDispatcher.ED2`` is a process-wide singleton created when the
  module is first imported; timers complain unless armed from the thread recorded in
  ``ED2.my_ident``. We import sippy lazily *inside* the SIP thread and re-point
  ``ED2.my_ident`` at every start, so the loop can be stopped and started again (in a
  new thread) within one process. Only one stack may run at a time per process.
* ``ElPeriodic`` (ED2's 100 Hz ticker) wakes the loop for ``callFromThread`` by
  sending SIGURG to the thread that enabled it (C-level, no Python handler). That
  thread must be the live loop thread, so every start gives ED2 a fresh ticker.
* ``;transport=UDP`` (upper case, sent by SIPp and many ATAs) is kept verbatim by
  ``SipURL`` and later rejected by ``newTransaction()`` → lower-cased on parse.
* Unparseable datagrams are silently dropped by sippy (no 400) and non-UTF-8 ones
  raise in the receive path → every datagram is screened here, and one sippy dropped
  (recognised by the empty cache entry it leaves) or choked on gets a ``400`` built
  from the raw headers (or is dropped if it cannot be matched).
* ``SO_REUSEPORT`` is on by default, so a second process could bind the same port and
  steal half the datagrams → the socket is bound with ``SO_REUSEADDR`` only.
* A response to a Via with an impossible port (``sendto`` raises OverflowError) kills
  sippy's sender thread for good → destinations are validated before queueing.
* A failed bind (port in use) leaves the new socket open → closed here.
* In wildcard mode a route-probe socket per new peer is never closed → closed here.
* A fixed ``0.0.0.0`` listen address would end up verbatim in Via/Contact → for the
  wildcard we let sippy pick the per-peer local address (its ``MyAddress`` mode).
* sippy prints and logs every message through ``global_config['_sip_logger']`` → a
  logger object that forwards to :mod:`logging` at DEBUG only when enabled.
* every empty entry of the transaction manager's retransmission cache is its own
  object, walked by every full garbage collection while it is cached (32-64 s) → one
  shared empty marker (entries are never modified).
* ``UA.recvRequest`` leaves a ``req.sendResponse`` closure on every request that
  references the request (a cycle: ~180 objects of cyclic garbage per call) → removed
  once the request has been handled.
* sippy reads its clocks through ctypes (slow, and each read hands the interpreter lock
  over) → ``time.clock_gettime`` for the same clock ids.
* sippy's receiver thread stamps a datagram (``rtime``) after ``recvfrom`` returns *and*
  the thread has the interpreter lock back; while another thread holds the lock (a
  full garbage collection took 115–170 ms at 50–60 calls/s) datagrams wait in the
  socket and get a late stamp — a BYE stamped late bills time that was not talked →
  our receiver reads the kernel's arrival time (``SO_TIMESTAMPNS``) with each datagram
  and back-dates ``rtime`` to it (:func:`arrival_age_s`).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import socket
import struct
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable
from typing import Any

from callshop_pos.errors import CallShopError

__all__ = ["SipStackError", "SippyStack"]

log = logging.getLogger("drivers.sip")
wire_log = logging.getLogger("drivers.sip.wire")

# sippy's ED2 is one per process: at most one stack may own it at a time.
_ED2_OWNER = threading.Lock()
_PATCHED = False
_LOOP_HZ = 100.0  # sippy's default tick rate

# Kernel receive time stamps (struct timespec, CLOCK_REALTIME) on every datagram. Python
# does not export the constant; 35 is SO_TIMESTAMPNS (= SCM_TIMESTAMPNS) on Linux.
SO_TIMESTAMPNS: int | None = getattr(
    socket, "SO_TIMESTAMPNS", 35 if sys.platform.startswith("linux") else None
)
_TIMESPEC = struct.Struct("@ll")
_ANCILLARY_BYTES = socket.CMSG_SPACE(_TIMESPEC.size)
# A kernel stamp further in the past than this (or in the future) means the wall clock
# was stepped between the stamp and our reading it: fall back to "now".
_MAX_PLAUSIBLE_AGE_S = 30.0

RequestHandler = Callable[[Any, Any], Any]  # (SipRequest, SipTransaction) -> rval
Screen = Callable[[bytes, tuple[str, int]], bool]  # False = drop the datagram
Malformed = Callable[[bytes, tuple[str, int], str], bytes | None]  # -> 400 to send, or None


class SipStackError(CallShopError):
    """The SIP stack could not start (port in use, bad address, already running)."""


class _WireLog:
    """Stands in for sippy's SipLogger; costs nothing unless DEBUG is on for the wire."""

    def write(self, *args: object, **kwargs: object) -> None:
        if wire_log.isEnabledFor(logging.DEBUG):
            wire_log.debug("%s", "".join(str(a) for a in args))


def _patch_sippy_once() -> None:
    """Fix sippy bugs that need a class-level patch (idempotent, SIP thread only)."""
    global _PATCHED  # noqa: PLW0603 - a process-wide fact about an imported library
    if _PATCHED:
        return
    from sippy.SipURL import SipURL

    original = SipURL.setParams

    def set_params_lowercase_transport(self: Any, params: Any) -> None:
        original(self, params)
        if isinstance(self.transport, str):
            self.transport = self.transport.lower()

    SipURL.setParams = set_params_lowercase_transport

    # local4remote.getServer() opens a UDP socket per new remote address only to ask
    # the kernel which local address routes there, then drops it unclosed (and leaks
    # it outright when the address does not resolve, e.g. a PROTOS Via host). Close
    # it every time: the socket is never used again.
    from sippy.SipTransactionManager import local4remote

    original_get_server = local4remote.getServer

    def get_server_closing_probe(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return original_get_server(self, *args, **kwargs)
        finally:
            probe, self.skt = self.skt, None
            if probe is not None:
                probe.close()

    local4remote.getServer = get_server_closing_probe

    # The transaction manager caches what to replay for a retransmitted message (32-64
    # s); half of its entries per call are empty markers ("seen, nothing to replay"),
    # each a separate object that every full garbage collection walks. Entries are
    # never modified after creation, so one shared empty marker does the same job.
    import sippy.SipTransactionManager

    tm_module = sippy.SipTransactionManager
    retransmit_entry = tm_module.SipTMRetransmitO
    empty_marker = retransmit_entry()

    def cache_entry(*args: Any, **kwargs: Any) -> Any:
        return retransmit_entry(*args, **kwargs) if args or kwargs else empty_marker

    tm_module.SipTMRetransmitO = cache_entry

    # UA.recvRequest gives every request a ``sendResponse`` closure that references the
    # request: a reference cycle, so each request with its ~60 header objects could
    # only be freed by a (full) garbage collection. sippy calls it only while the
    # request is being handled (the states' recvRequest), so it is removed afterwards.
    from sippy.UA import UA

    original_recv_request = UA.recvRequest

    def recv_request_without_cycle(self: Any, req: Any, sip_t: Any) -> Any:
        try:
            return original_recv_request(self, req, sip_t)
        finally:
            vars(req).pop("sendResponse", None)

    UA.recvRequest = recv_request_without_cycle

    # sippy reads its clocks through ctypes (``clock_gettime`` on a timespec): ~7 µs a
    # read, and every read releases and takes back the interpreter lock, a hand-over
    # to whichever thread waits for it (a timer and a message stamp or two each: tens
    # per call). ``time.clock_gettime`` reads the same clocks (same ids) in well under
    # a microsecond, keeping the lock.
    import sippy.Security.SipNonce
    import sippy.Time.MonoTime

    sippy.Time.MonoTime.clock_getdtime = time.clock_gettime
    sippy.Security.SipNonce.clock_getntime = time.clock_gettime_ns
    _PATCHED = True


class SippyStack:
    """Owns the sippy event-loop thread, the UDP socket and the transaction manager.

    Everything passed in as a callback runs in the SIP thread. Other threads use
    :meth:`call` (asynchronous, via ``ED2.callFromThread``). After :meth:`start`,
    :attr:`api` holds the sippy classes the call controller needs.
    """

    def __init__(
        self,
        host: str,
        port: int,
        user_agent: str,
        on_request: RequestHandler,
        screen: Screen,
        on_malformed: Malformed,
    ) -> None:
        self.host = host
        self.port = port
        self.user_agent = user_agent
        self._on_request = on_request
        self._screen = screen
        self._on_malformed = on_malformed
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._ed2: Any = None
        self._tm: Any = None
        self._stopping = False
        self.api: types.SimpleNamespace = types.SimpleNamespace()
        self.global_config: dict[str, Any] = {}
        self.bound: tuple[str, int] | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self, on_loop_start: Callable[[], None], timeout_s: float = 10.0) -> tuple[str, int]:
        """Start the SIP thread, bind the socket; returns the bound (host, port).

        ``on_loop_start`` runs in the SIP thread once the socket is bound."""
        if not _ED2_OWNER.acquire(blocking=False):
            raise SipStackError("another SIP driver is already running in this process")
        self._thread = threading.Thread(
            target=self._run, args=(on_loop_start,), name="sip-loop", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(timeout_s):
            raise SipStackError("the SIP stack did not start in time")
        if self._error is not None:
            self._thread.join(timeout_s)
            self._thread = None
            _ED2_OWNER.release()
            raise SipStackError(f"cannot listen on UDP {self.host}:{self.port}: {self._error}")
        assert self.bound is not None
        return self.bound

    def call(self, fn: Callable[..., object], *args: object) -> None:
        """Run ``fn(*args)`` in the SIP thread soon (thread-safe, non-blocking)."""
        if self._ed2 is None or self._stopping:
            raise SipStackError("the SIP driver is not running")
        self._ed2.callFromThread(fn, *args)

    def stop(self, before_shutdown: Callable[[], None], timeout_s: float = 10.0) -> None:
        """Run ``before_shutdown`` in the SIP thread, let it flush, close, join the thread."""
        thread = self._thread
        if thread is None:
            return
        self._stopping = True
        done = threading.Event()

        def shutdown() -> None:
            try:
                before_shutdown()
            finally:
                # give the sender threads a moment for the final BYEs/responses
                self.api.Timeout(self._finish, 0.2, 1, done)

        self._ed2.callFromThread(shutdown)
        if not done.wait(timeout_s):
            log.error("SIP loop did not acknowledge shutdown; forcing it")
            self._ed2.callFromThread(self._ed2.breakLoop)
        thread.join(timeout_s)
        self._thread = None
        self._ed2 = None
        self._stopping = False
        _ED2_OWNER.release()

    # --------------------------------------------------- in the SIP thread only

    def now(self) -> Any:
        """sippy's current MonoTime."""
        return self.api.MonoTime()

    def age_s(self, rtime: Any) -> float:
        """Seconds between the sippy time stamp ``rtime`` and now (>= 0).

        ``time.monotonic`` reads the same clock as sippy's ``MonoTime`` (CLOCK_MONOTONIC)
        without the ctypes call that releases the interpreter lock, so the caller's
        next reading of its wall clock follows without another thread in between."""
        if rtime is None:
            return 0.0
        return max(0.0, time.monotonic() - float(rtime.monot))

    def repeat(self, fn: Callable[[], None], interval_s: float) -> Any:
        """A periodic timer; returns an object with ``cancel()``."""
        return self.api.Timeout(fn, interval_s, -1)

    def once(self, fn: Callable[..., None], delay_s: float, *args: object) -> Any:
        return self.api.Timeout(fn, delay_s, 1, *args)

    def register_upstream(
        self,
        user: str,
        password: str,
        address: tuple[str, int],
        expires_s: int,
        on_ok: Callable[[], None],
        on_fail: Callable[[str], None],
    ) -> Any:
        """Keep a registration at the carrier (sippy re-registers and retries by itself);
        returns the agent, whose ``stopregister()`` ends it."""
        from sippy.SipRegistrationAgent import SipRegistrationAgent
        from sippy.SipURL import SipURL

        aor = SipURL(username=user, host=address[0], port=address[1])
        contact = SipURL(username=user)  # our address, filled in when sent
        agent = SipRegistrationAgent(
            self.global_config,
            aor,
            contact,
            user=user,
            passw=password,
            exp=expires_s,
            rok_cb=lambda *_: on_ok(),
            rfail_cb=lambda status, *_: on_fail(str(status)),
            target=(address, "udp"),
        )
        agent.doregister()
        return agent

    def send_raw(self, data: bytes, address: tuple[str, int]) -> None:
        server = self._tm.l4r.getServer(address)
        server.send_to(data, address)

    # ----------------------------------------------------------- internals

    def _run(self, on_loop_start: Callable[[], None]) -> None:
        try:
            self._load_sippy()
            self._bind()
        except BaseException as exc:  # report any start failure to start()
            self._error = exc
            self._ready.set()
            return
        try:
            on_loop_start()
        except Exception as exc:  # pragma: no cover - a bug in the driver
            self._error = exc
            self._teardown()
            self._ready.set()
            return
        self._ready.set()
        try:
            while True:
                self._ed2.loop()
                if self._stopping:
                    break
        except BaseException:  # pragma: no cover - sippy's loop re-raises SystemExit
            log.exception("SIP loop died")
        finally:
            self._teardown()

    def _load_sippy(self) -> None:
        import signal
        from _thread import get_ident

        from elperiodic.ElPeriodic import ElPeriodic  # type: ignore[import-untyped]
        from sippy.CCEvents import (
            CCEventConnect,
            CCEventDisconnect,
            CCEventFail,
            CCEventPreConnect,
            CCEventRing,
            CCEventTry,
        )
        from sippy.Core.EventDispatcher import ED2
        from sippy.MsgBody import MsgBody
        from sippy.SipConf import SipConf
        from sippy.SipHeader import SipHeader
        from sippy.SipRequest import SipRequest
        from sippy.SipTransactionManager import SipTransactionManager
        from sippy.Time.MonoTime import MonoTime
        from sippy.Time.Timeout import Timeout
        from sippy.UA import UA

        _patch_sippy_once()
        ED2.my_ident = get_ident()  # this thread now owns ED2's timers
        # ElPeriodic's call-from-thread wake-up (SIGURG) is bound to the thread that
        # enabled it; after a restart that thread is gone and a wake-up would crash the
        # process (pthread_kill on a dead thread). Give ED2 a ticker bound to this thread.
        _retire_ticker(ED2)
        ED2.elp = ElPeriodic(_LOOP_HZ)
        ED2.elp.CFT_enable(signal.SIGURG)
        ED2.bands = [(_LOOP_HZ, 0)]
        # Timers left by a previous run in this process belong to dead objects.
        for listener in ED2.tlisteners:
            listener.cleanup()
        ED2.tlisteners = []
        ED2.twasted = 0
        ED2.endloop = False
        SipConf.my_uaname = self.user_agent
        self._ed2 = ED2
        self.api = types.SimpleNamespace(
            UA=UA,
            CCEventTry=CCEventTry,
            CCEventFail=CCEventFail,
            CCEventDisconnect=CCEventDisconnect,
            CCEventRing=CCEventRing,
            CCEventConnect=CCEventConnect,
            CCEventPreConnect=CCEventPreConnect,
            MsgBody=MsgBody,
            SipHeader=SipHeader,
            SipRequest=SipRequest,
            MonoTime=MonoTime,
            Timeout=Timeout,
            SipConf=SipConf,
            TransactionManager=SipTransactionManager,
        )

    def _bind(self) -> None:
        from sippy.SipConf import SipConf
        from sippy.Udp_server import AsyncSender, Udp_server, Udp_server_opts

        stamping_receiver = _stamping_receiver_class()

        stack = self

        class _Opts(Udp_server_opts):  # type: ignore[misc]
            flags = socket.SO_REUSEADDR  # no SO_REUSEPORT: a second till must fail to bind
            nworkers = 0  # _SafeUdpServer starts its own sender and (stamping) receiver

            def getSockOpts(self) -> list[tuple[int, int, int]]:
                # a deeper receive queue rides out bursts (re-registration storms, floods)
                return [*super().getSockOpts(), (socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)]

        class _SafeUdpServer(Udp_server):  # type: ignore[misc]
            def __init__(self, global_config: Any, uopts: Any) -> None:
                try:
                    super().__init__(global_config, uopts)
                    if SO_TIMESTAMPNS is not None:
                        self.skt.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
                except BaseException:
                    if self.skt is not None:  # sippy leaves it open when bind() fails
                        self.skt.close()
                    raise
                self.asenders.append(AsyncSender(self))
                self.areceivers.append(stamping_receiver(self, stack._ed2))

            def send_to(self, data: Any, address: Any, delayed: bool = False) -> None:
                if not _sendable(address):
                    log.warning("SIP: not sending to invalid address %r", address)
                    return
                super().send_to(data, address, delayed)

        class _TransactionManager(self.api.TransactionManager):  # type: ignore[misc, name-defined]
            model_udp_server = (_SafeUdpServer, _Opts)

            def handleIncoming(self, data_in: Any, ra: Any, server: Any, rtime: Any) -> None:
                stack._incoming(super().handleIncoming, data_in, ra, server, rtime)

        wildcard = self.host in ("0.0.0.0", "")
        address: Any = SipConf.my_address if wildcard else self.host
        self.global_config = {
            "_sip_address": address,
            "_sip_port": self.port,
            "_sip_logger": _WireLog(),
            "_uaname": self.user_agent,
        }
        if wildcard:
            # sippy binds 0.0.0.0 (and [::]) and per-peer local addresses on the same port.
            SipConf.my_port = SipConf.my_port.__class__(self.port)
        with warnings.catch_warnings():
            # sippy probes IPv6 support with a socket it never closes (ResourceWarning).
            warnings.simplefilter("ignore", ResourceWarning)
            tm = _TransactionManager(self.global_config, self._request)
            gc.collect()
        self.global_config["_sip_tm"] = tm
        self._tm = tm
        _close_route_probes(tm.l4r)
        servers = list(tm.l4r.cache_l2s.values())
        host, port = servers[0].uopts.laddress[:2]
        self.bound = (self.host if wildcard else str(host), int(port))

    def _request(self, req: Any, sip_t: Any) -> Any:
        return self._on_request(req, sip_t)

    def _incoming(
        self, deliver: Callable[..., None], data: Any, ra: Any, server: Any, rtime: Any
    ) -> None:
        if not isinstance(data, bytes):
            data = str(data).encode("utf-8", errors="replace")
        address = (str(ra.address[0]), int(ra.address[1]))
        if not self._screen(data, address):
            return
        if data.startswith(b"SIP/2.0 "):
            try:
                deliver(data, ra, server, rtime)
            except Exception as exc:
                log.warning("SIP response from %s:%d dropped: %r", address[0], address[1], exc)
            return
        method = data.split(b" ", 1)[0]
        try:
            deliver(data, ra, server, rtime)
        except Exception as exc:  # e.g. not UTF-8: sippy decodes strictly and raises
            problem = f"{type(exc).__name__}: {exc}"[:200]
        else:
            if method == b"ACK" or not self._dropped_unparsed(data):
                return
            problem = self._preparse(data) or "sippy could not parse it"
        answer = self._on_malformed(data, address, problem)
        if answer is not None:
            server.send_to(answer, address)

    def _dropped_unparsed(self, data: bytes) -> bool:
        """Whether sippy just dropped ``data`` as unparseable: it then leaves an empty
        retransmission-cache entry under the datagram's MD5 (a parsed request never
        does; only ACKs, excluded by the caller). One parse per datagram instead of
        pre-parsing everything twice."""
        if len(data) < 32:  # sippy ignores these without a trace
            return True
        entry = self._tm.l1rcache.get(hashlib.md5(data, usedforsecurity=False).digest())
        return entry is not None and entry.data is None

    def _preparse(self, data: bytes) -> str | None:
        """None if sippy can handle ``data``; else what is wrong with it."""
        if len(data) < 32:
            return "datagram too short"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return "not UTF-8"
        try:
            req = self.api.SipRequest(text)
            req.getTIds()
            req.getHFBody("via").getTAddr()
            req.getHFBody("to").getTag()
            req.getHFBody("from").getTag()
            req.getHFBody("cseq").getCSeq()
            req.getRURI()
            if req.countHFs("contact") > 0:
                req.getHFBody("contact")
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"[:200]
        return None

    def _finish(self, done: threading.Event) -> None:
        self._ed2.breakLoop()
        done.set()

    def _teardown(self) -> None:
        tm, self._tm = self._tm, None
        if tm is not None:
            try:
                tm.shutdown()
            except Exception:  # pragma: no cover - best effort on the way out
                log.exception("SIP transaction manager shutdown failed")
        ed2 = self._ed2
        if ed2 is not None:
            for listener in ed2.tlisteners:
                listener.cleanup()
            ed2.tlisteners = []
            ed2.twasted = 0
            _retire_ticker(ed2)


def _close_route_probes(l4r: Any) -> None:
    """sippy's wildcard mode finds the local address for a peer by connecting a fresh
    UDP socket, which it never closes (a ResourceWarning per new peer)."""
    find_server = l4r.getServer

    def get_server(address: Any, is_local: bool = False) -> Any:
        try:
            return find_server(address, is_local)
        finally:
            probe, l4r.skt = l4r.skt, None
            if probe is not None:
                probe.close()

    l4r.getServer = get_server


def arrival_age_s(ancdata: list[tuple[int, int, bytes]], now_realtime: float) -> float:
    """How long ago the kernel received a datagram, from ``recvmsg``'s ancillary data
    (the ``SO_TIMESTAMPNS`` stamp) and the wall clock read right after; 0.0 when there is
    no stamp or it is implausible (the wall clock was stepped in between)."""
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= _TIMESPEC.size:
            seconds, nanoseconds = _TIMESPEC.unpack_from(data)
            age = now_realtime - (seconds + nanoseconds * 1e-9)
            return age if 0.0 <= age < _MAX_PLAUSIBLE_AGE_S else 0.0
    return 0.0


def _stamping_receiver_class() -> Any:
    """sippy's receiver thread, reading each datagram with its kernel arrival time.

    Built on first use: sippy is imported only inside the SIP thread."""
    from errno import EBADF, ECONNRESET, EINTR, ENOTCONN, ESHUTDOWN

    from sippy.Network_server import Remote_address
    from sippy.Time.MonoTime import MonoTime
    from sippy.Udp_server import AsyncReceiver

    class StampingReceiver(AsyncReceiver):  # type: ignore[misc]
        userv: Any = None

        def __init__(self, userv: Any, ed2: Any) -> None:
            self.ed2 = ed2
            super().__init__(userv)  # starts the thread

        def run(self) -> None:
            userv = self.userv
            empty_left = 100
            while True:
                try:
                    data, ancdata, _flags, address = userv.skt.recvmsg(8192, _ANCILLARY_BYTES)
                    # both clocks first, before anything that could let another thread in
                    monotonic, realtime = time.monotonic(), time.time()
                except OSError as why:
                    if why.errno in (ECONNRESET, ENOTCONN, ESHUTDOWN, EBADF):
                        break
                    if why.errno == EINTR:
                        continue
                    log.exception("SIP receiver: unexpected socket error")
                    continue
                if not data and address is None:
                    # sippy's way of noticing the socket was shut down under it (an
                    # open socket may also return an empty read now and then)
                    empty_left -= 1
                    if empty_left == 0:
                        break
                    continue
                empty_left = 100
                rtime = MonoTime(monot=monotonic - arrival_age_s(ancdata, realtime))
                if userv.uopts.family == socket.AF_INET6:
                    address = (f"[{address[0]}]", address[1])
                self.ed2.callFromThread(
                    userv.handle_read, data, Remote_address(address, userv.transport), rtime
                )
            self.userv = None

    return StampingReceiver


def _sendable(address: Any) -> bool:
    """sippy's sender thread dies on an address ``sendto`` rejects (e.g. a Via port of
    99999999 in a malformed request), which would silence the whole driver."""
    if not isinstance(address, tuple) or len(address) != 2:
        return False
    host, port = address
    if not isinstance(host, str) or not host or len(host) > 255 or "\x00" in host:
        return False
    try:
        return 0 < int(port) < 65536
    except (TypeError, ValueError):
        return False


def _retire_ticker(ed2: Any) -> None:
    """Disarm ED2's ticker without freeing it: ``prdic_free`` on a ticker whose thread
    has ended crashes the process, so the few hundred bytes are left behind instead.
    Any late ``callFromThread`` on it raises instead of signalling a dead thread."""
    ticker = getattr(ed2, "elp", None)
    if ticker is not None:
        ticker._hndl = None
