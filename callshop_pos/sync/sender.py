"""The sender: delivers the outbox to central in order, never blocking the till.

One pass (:meth:`Sender.deliver`) sends pending items oldest first, each as
``PUT /v1/shops/{shop}/shifts/{shift_uuid}`` (or ``…/corrections/{uuid}``) with the
payload stored at commit and the item's UUID as the idempotency key:

- 2xx: delivered (central's answer is kept), on to the next item;
- no answer (:class:`~.transport.LinkDown`: down, timeout, reset), 408, 429 or 5xx:
  the pass stops and the same item is sent again after a back-off (exponential, full
  jitter, capped, reset on success; a ``Retry-After`` is honoured up to the cap) —
  central answers a repeat exactly as the first time;
- 401, 403, 404: the *link* is wrong (token revoked, shop unknown), not the item:
  treated like an outage (nothing is parked; every item would be refused alike);
- any other 4xx (malformed, too large, 409 same key with other content …): the item
  is **parked** for a person (``callshop-pos sync status`` lists it, ``sync retry``
  puts it back) and the pass goes on with the next one.

The :meth:`run` loop (a thread of the line engine) repeats passes, sends a heartbeat
every ``heartbeat_s`` while central answers, and pulls the carrier balance and the
wholesale price list every ``pull_s``. Clock, sleep and randomness are injected.
Every database step is one short transaction; no transaction is open during a
request, so the till never waits for the network.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from callshop_pos.clock import Clock
from callshop_pos.db.models.sync import OutboxKind
from callshop_pos.services import outbox
from callshop_pos.services.admin.settings import get_settings
from callshop_pos.services.context import Shop
from callshop_pos.services.outbox_payload import for_shop
from callshop_pos.sync.backoff import Backoff
from callshop_pos.sync.link import LinkConfig
from callshop_pos.sync.transport import CentralTransport, LinkDown, Reply

__all__ = [
    "LINK_ERRORS",
    "DeliveryReport",
    "Sender",
    "TransportFactory",
    "classify",
    "error_text",
    "item_path",
]

log = logging.getLogger(__name__)

#: Statuses that say the link itself is wrong (token, shop), never one item.
LINK_ERRORS = frozenset({401, 403, 404})
#: 4xx statuses that are worth retrying.
TRANSIENT_4XX = frozenset({408, 425, 429})

TransportFactory = Callable[[LinkConfig], CentralTransport]


def classify(status: int) -> str:
    """``delivered``, ``retry`` (transient or link-level) or ``park`` (refused for good)."""
    if 200 <= status < 300:
        return "delivered"
    if status in TRANSIENT_4XX or status in LINK_ERRORS or status >= 500 or status < 200:
        return "retry"
    if 400 <= status < 500:
        return "park"
    return "retry"  # 3xx: a redirect we do not follow (misconfigured URL); keep the item


def item_path(shop_id: str, kind: str, key: str) -> str:
    what = "shifts" if kind == OutboxKind.SHIFT.value else "corrections"
    return f"/v1/shops/{shop_id}/{what}/{key}"


@dataclass(slots=True)
class DeliveryReport:
    """What one pass did."""

    linked: bool = True
    delivered: list[str] = field(default_factory=list)  # keys, in order
    parked: list[str] = field(default_factory=list)
    error: str | None = None  # why the pass stopped early (None: queue empty)
    retry_after_s: float = 0.0  # a server's Retry-After, when it gave one

    @property
    def failed(self) -> bool:
        return self.error is not None


def _retry_after(reply: Reply) -> float:
    raw = reply.header("retry-after")
    if raw is None:
        return 0.0
    try:
        return max(0.0, float(raw))
    except ValueError:
        return 0.0  # an HTTP date: ignore it rather than trust a clock we do not share


def error_text(reply: Reply) -> str:
    """Central's error message (``{"error": {"message": …}}`` or ``{"detail": …}``),
    else the start of the body."""
    body = reply.json()
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
        for key in ("detail", "message", "error"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return reply.text(200)


def _describe(reply: Reply) -> str:
    text = error_text(reply)
    return f"central answered {reply.status}" + (f": {text}" if text else "")


class Sender:
    """See the module docstring."""

    def __init__(
        self,
        shop: Shop,
        transport_factory: TransportFactory,
        *,
        clock: Clock | None = None,
        sleep: Callable[[float], bool] | None = None,
        backoff: Backoff | None = None,
        poll_s: float = 5.0,
        heartbeat_s: float = 30.0,
        pull_s: float = 300.0,
        heartbeat: Callable[[Sender, LinkConfig], None] | None = None,
        pull: Callable[[Sender, LinkConfig], None] | None = None,
    ) -> None:
        self.shop = shop
        self.clock: Clock = clock if clock is not None else shop.clock
        self._factory = transport_factory
        self._sleep = sleep if sleep is not None else _never_stopped_sleep(self.clock)
        self.backoff = backoff if backoff is not None else Backoff()
        self.poll_s = poll_s
        self.heartbeat_s = heartbeat_s
        self.pull_s = pull_s
        self._heartbeat = heartbeat
        self._pull = pull
        self._transport: CentralTransport | None = None
        self._transport_for: LinkConfig | None = None
        self._last_heartbeat: float | None = None
        self._last_pull: float | None = None
        self.online = False

    # ------------------------------------------------------------ plumbing

    def link(self) -> LinkConfig | None:
        return LinkConfig.from_settings(get_settings(self.shop))

    def transport(self, link: LinkConfig) -> CentralTransport:
        """The transport for ``link`` (a new one after the link changed)."""
        if self._transport is None or self._transport_for != link:
            self.close()
            self._transport = self._factory(link)
            self._transport_for = link
        return self._transport

    def close(self) -> None:
        if self._transport is not None:
            try:
                self._transport.close()
            finally:
                self._transport = None
                self._transport_for = None

    def request(
        self,
        link: LinkConfig,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """One request with the link's credentials (raises LinkDown when no answer)."""
        all_headers = {**link.auth_headers(), "Accept": "application/json"}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        return self.transport(link).request(method, path, body=body, headers=all_headers)

    # ------------------------------------------------------------ one pass

    def deliver(self, *, should_stop: Callable[[], bool] = lambda: False) -> DeliveryReport:
        """Send pending items in order until the queue is empty or central fails."""
        report = DeliveryReport()
        link = self.link()
        if link is None:
            report.linked = False
            return report
        while not should_stop():
            item = outbox.next_pending(self.shop)
            if item is None:
                break
            path = item_path(link.shop, item.kind, item.key)
            try:
                body = for_shop(item.payload, link.shop)
            except (ValueError, TypeError) as exc:  # damaged behind the application's back
                message = f"the stored payload is not valid JSON ({exc})"
                outbox.mark_parked(self.shop, item.id, message)
                report.parked.append(item.key)
                log.error("sync: %s %s parked: %s", item.kind, item.key, message)
                continue
            try:
                reply = self.request(
                    link, "PUT", path, body=body, headers={"Idempotency-Key": item.key}
                )
            except LinkDown as exc:
                report.error = f"central unreachable: {exc}"
                outbox.mark_failed(self.shop, item.id, report.error)
                self.online = False
                break
            verdict = classify(reply.status)
            if verdict == "delivered":
                self.online = True
                outbox.mark_delivered(self.shop, item.id, reply.text(2000))
                report.delivered.append(item.key)
                log.info("sync: delivered %s %s", item.kind, item.key)
                continue
            message = _describe(reply)
            if verdict == "park":
                self.online = True
                outbox.mark_parked(self.shop, item.id, message)
                report.parked.append(item.key)
                log.error(
                    "sync: central refused %s %s for good (parked): %s",
                    item.kind,
                    item.key,
                    message,
                )
                continue
            self.online = reply.status not in LINK_ERRORS and reply.status < 500
            report.error = message
            report.retry_after_s = _retry_after(reply)
            outbox.mark_failed(self.shop, item.id, message)
            break
        return report

    # ------------------------------------------------------------ the loop

    def step(self) -> float:
        """One round of the loop: deliver, heartbeat and pull when due; returns the delay
        before the next round."""
        report = self.deliver()
        if not report.linked:
            self.backoff.reset()
            return self.poll_s
        link = self.link()
        if report.failed:
            delay = self.backoff.next_delay(report.retry_after_s)
            log.warning("sync: %s; next try in %.1f s", report.error, delay)
            return delay
        self.backoff.reset()
        if link is not None:
            self._periodic(link)
        return self.poll_s

    def _due(self, last: float | None, every: float) -> bool:
        return last is None or self.clock.monotonic() - last >= every

    def _periodic(self, link: LinkConfig) -> None:
        if self._heartbeat is not None and self._due(self._last_heartbeat, self.heartbeat_s):
            self._last_heartbeat = self.clock.monotonic()
            self._guarded("heartbeat", self._heartbeat, link)
        if self._pull is not None and self._due(self._last_pull, self.pull_s):
            self._last_pull = self.clock.monotonic()
            self._guarded("pull", self._pull, link)

    def _guarded(
        self, what: str, job: Callable[[Sender, LinkConfig], None], link: LinkConfig
    ) -> None:
        try:
            job(self, link)
        except LinkDown as exc:
            self.online = False
            log.info("sync: %s: central unreachable: %s", what, exc)
        except Exception:  # a bug here must not stop deliveries
            log.exception("sync: %s failed", what)

    def run(self) -> None:
        """Rounds until the injected sleep reports a stop. Never raises: an unexpected
        error is logged and the round is retried after a back-off."""
        try:
            while True:
                try:
                    delay = self.step()
                except Exception:
                    log.exception("sync: unexpected error; retrying later")
                    delay = self.backoff.next_delay()
                if self._sleep(delay):
                    return
        finally:
            self.close()


def _never_stopped_sleep(clock: Clock) -> Callable[[float], bool]:
    def sleep(seconds: float) -> bool:
        clock.sleep(seconds)
        return False

    return sleep
