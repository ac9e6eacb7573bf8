"""Central's read side and the periodic jobs of the sender: the heads central holds
(for ``verify``), the heartbeat, the carrier balance and the wholesale price list.

Each function makes one request through a :class:`~callshop_pos.sync.sender.Sender`
(which adds the link's credentials) and raises :class:`~.transport.LinkDown` when
central does not answer, :class:`CentralRefused` when it answers with an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel
from sqlalchemy import select

from callshop_pos.db.models.calls import Call, CallState, CallStatus
from callshop_pos.db.models.sync import OutboxStatus, SyncOutbox
from callshop_pos.errors import CallShopError
from callshop_pos.lines.snapshot import BoothSnapshot
from callshop_pos.services import outbox
from callshop_pos.services.cards.till_calls import is_till_call
from callshop_pos.services.context import load_settings
from callshop_pos.services.outbox_payload import canonical
from callshop_pos.services.reports.summary import sum_of, summarize_shift
from callshop_pos.services.till.shifts import open_shift_row, operator_name
from callshop_pos.sync.anchors import HeldHead
from callshop_pos.sync.link import LinkConfig
from callshop_pos.sync.sender import error_text
from callshop_pos.sync.transport import Reply
from callshop_wire import (
    HEARTBEAT_SCHEMA_VERSION,
    CarrierBalance,
    JournalHeads,
    WireError,
    decode,
    format_utc,
)

if TYPE_CHECKING:
    from callshop_pos.sync.sender import Sender

__all__ = [
    "CentralRefused",
    "fetch_balance",
    "fetch_heads",
    "heartbeat_job",
    "heartbeat_payload",
    "send_heartbeat",
]

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)


class CentralRefused(CallShopError):
    """Central answered, but with an error (the message says which)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _ok(reply: Reply, what: str) -> Reply:
    if 200 <= reply.status < 300:
        return reply
    text = error_text(reply)
    raise CentralRefused(f"{what}: central answered {reply.status}: {text}", reply.status)


def _decode(model: type[M], reply: Reply, what: str) -> M:
    try:
        return decode(model, reply.body)
    except WireError as exc:
        raise CentralRefused(
            f"{what}: central's answer is not understood: {exc}", reply.status
        ) from None


def fetch_heads(sender: Sender, link: LinkConfig) -> list[HeldHead]:
    """Every journal head central holds for this shop, oldest first."""
    what = "journal heads"
    reply = _ok(sender.request(link, "GET", f"/v1/shops/{link.shop}/heads"), what)
    heads = _decode(JournalHeads, reply, what)
    return [HeldHead(seq=h.seq, hash=h.hash, uuid=str(h.uuid)) for h in heads.heads]


def fetch_balance(sender: Sender, link: LinkConfig) -> CarrierBalance:
    """The carrier account's balance central keeps; stored for the till's status."""
    what = "carrier balance"
    reply = _ok(sender.request(link, "GET", f"/v1/shops/{link.shop}/carrier/balance"), what)
    balance = _decode(CarrierBalance, reply, what)
    with sender.shop.db.write() as s:
        state = outbox.state_row(s)
        state.carrier_balance_micro_usd = balance.balance_micro_usd
        state.carrier_balance_at = balance.as_of
    return balance


# ------------------------------------------------------------------ heartbeat


def heartbeat_payload(sender: Sender, link: LinkConfig, booths: Sequence[BoothSnapshot]) -> bytes:
    """The live view: the open shift's totals (from the database) and each booth's
    state (from the engine). Informational: central never books it as money."""
    shop = sender.shop
    with shop.db.read() as s:
        currency = load_settings(s).currency
        shift = open_shift_row(s)
        live = None
        if shift is not None:
            summary = summarize_shift(s, shift, operator_name(s, shift.operator_id))
            unserved_minor = sum_of(
                s,
                Call.price_minor,  # type: ignore[arg-type]
                Call.shift_id == shift.id,
                Call.state == CallState.FINISHED.value,
                Call.status == CallStatus.UNSERVED.value,
                Call.answered_at.is_not(None),
                is_till_call(),
            )
            live = {
                "till_id": summary.id,
                "operator": summary.operator,
                "opened_at": format_utc(summary.opened_at),
                "opening_float_minor": summary.opening_float_minor,
                "call_count": summary.call_count,
                "talk_seconds": summary.talk_seconds,
                "cash_minor": summary.cash_minor,
                "expected_minor": summary.expected_minor,
                "unserved": summary.unserved,
                "unserved_minor": unserved_minor,
                "unpaid": summary.unpaid,
            }
        pending = len(
            s.scalars(
                select(SyncOutbox.id).where(SyncOutbox.status == OutboxStatus.PENDING.value)
            ).all()
        )
    return canonical(
        {
            "schema_version": HEARTBEAT_SCHEMA_VERSION,
            "shop": link.shop,
            "sent_at": format_utc(sender.shop.clock.now()),
            "currency": currency,
            "open_shift": live,
            "booths": [
                {
                    "booth": b.booth,
                    "state": b.state.value,
                    "locked": b.locked,
                    "number": b.number,
                    "destination": b.destination,
                    "talk_seconds": int(b.elapsed_s),
                    "running_cost_minor": b.price_minor,
                }
                for b in booths
            ],
            "pending_outbox": pending,
        }
    )


def send_heartbeat(sender: Sender, link: LinkConfig, booths: Sequence[BoothSnapshot]) -> None:
    body = heartbeat_payload(sender, link, booths)
    _ok(sender.request(link, "POST", f"/v1/shops/{link.shop}/heartbeat", body=body), "heartbeat")
    now = sender.shop.clock.now()
    with sender.shop.db.write() as s:
        outbox.state_row(s).last_heartbeat_at = now


def heartbeat_job(
    booths: Callable[[], Sequence[BoothSnapshot]],
) -> Callable[[Sender, LinkConfig], None]:
    """The sender's heartbeat job, reading booth states from ``booths`` (the engine)."""

    def job(sender: Sender, link: LinkConfig) -> None:
        send_heartbeat(sender, link, booths())

    return job
