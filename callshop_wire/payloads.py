"""Every payload the till and central exchange (schema version 1; a closed shift 1 or 2).

Versions grow compatibly: a newer version only adds optional blocks, a reader accepts
every version it knows (an older till's payload stays valid), and a block is refused in
a payload that names a version before it. A closed shift of version 2 carries ``fx``:
the till's USD rate on each local day of its calls and the carrier cost converted at
it, so central can report profit without a rate of its own. The canonical encoding
leaves an absent block out, so a version-1 payload hashes as it always did.

Field names follow the till's own (``price_minor``, ``billable_s`` …). Ids that cross
the wire are UUIDs; the till's integer ids travel only as ``till_id`` references inside
one payload. A closed shift carries everything the closed-session view and the Z report
show, so central can rebuild both from the payload alone, and it is checked to add up
(counts and sums against the calls and payments it lists) before anyone stores it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Final, Literal
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictInt,
    StringConstraints,
    model_validator,
)

from callshop_wire.types import (
    MAX_AMOUNT,
    Count,
    DecimalStr,
    Hash,
    LocalDate,
    Micro,
    Minor,
    Name,
    Seconds,
    StrictBool,
    Text,
    UtcTime,
    usd_converter,
)

__all__ = [
    "HEARTBEAT_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "SHIFT_SCHEMA_VERSION",
    "Anchor",
    "BoothLive",
    "BoothTotals",
    "CallRecord",
    "CardMovementRecord",
    "CarrierBalance",
    "CarrierEntry",
    "CarrierLedger",
    "ClosedShift",
    "CorrectionPayload",
    "CorrectionRecord",
    "DayRate",
    "DepositRecord",
    "Heartbeat",
    "HeartbeatAck",
    "HeldHead",
    "JournalHead",
    "JournalHeads",
    "OpenShiftLive",
    "PaymentLine",
    "PaymentRecord",
    "RefundRecord",
    "ShiftAccepted",
    "ShiftFx",
    "ShopId",
    "StatusTotals",
    "WholesaleEntry",
    "WholesalePriceList",
    "WireModel",
    "ZFigures",
]

#: The payload schema version this code writes for every message but a closed shift.
SCHEMA_VERSION: Final = 1
#: The version of a closed shift this code writes (2: ``fx``); it reads 1 and 2.
SHIFT_SCHEMA_VERSION: Final = 2
#: The version of a heartbeat this code writes (2: ``currency``); it reads 1 and 2.
HEARTBEAT_SCHEMA_VERSION: Final = 2

#: A shop's id in URLs and payloads: lowercase letters, digits and dashes.
ShopId = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]

CallStatus = Literal["unserved", "paid", "unpaid"]
DepositStatus = Literal["open", "settled"]


class WireModel(BaseModel):
    """Base of every payload: immutable, no unknown fields, exact types."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Versioned(WireModel):
    #: the versions of this message this code reads
    versions: ClassVar[tuple[int, ...]] = (SCHEMA_VERSION,)

    schema_version: Literal[1] = Field(description="payload schema version (this code: 1)")

    @model_validator(mode="before")
    @classmethod
    def _known_version(cls, data: Any) -> Any:
        if isinstance(data, dict):
            version = data.get("schema_version")
            if version is None:
                raise ValueError("schema_version is missing")
            if type(version) is not int or version not in cls.versions:
                spoken = " and ".join(str(v) for v in cls.versions)
                raise ValueError(
                    f"unsupported schema_version {version!r} (this side reads {spoken})"
                )
        return data


# ------------------------------------------------------------------ closed shift


class CallRecord(WireModel):
    """One finished call or unanswered attempt (``answered_at`` null) of the shift."""

    call_uuid: UUID
    till_id: Count
    call_ref: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=128)]
    booth: Name
    number: Annotated[str, StringConstraints(strict=True, max_length=64)]
    normalized: Annotated[str, StringConstraints(strict=True, max_length=32)] | None = None
    destination: Annotated[str, StringConstraints(strict=True, max_length=128)] | None = None
    prefix: Annotated[str, StringConstraints(strict=True, max_length=16)] | None = None
    setup_at: UtcTime
    answered_at: UtcTime | None
    ended_at: UtcTime
    duration_s: Seconds
    billable_s: Seconds
    price_minor: Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)] | None = Field(
        description="retail price in minor units; null = unrated"
    )
    wholesale_micro_usd: Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)] | None = Field(
        description="carrier cost in micro-USD; null = not known"
    )
    offpeak: StrictBool = False
    end_reason: Annotated[str, StringConstraints(strict=True, max_length=32)] | None = None
    end_side: Annotated[str, StringConstraints(strict=True, max_length=16)] | None = None
    flags: tuple[Name, ...] = ()
    status: CallStatus

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class PaymentLine(WireModel):
    kind: Literal["call", "rounding"]
    call_uuid: UUID | None = None
    amount_minor: Minor

    @model_validator(mode="after")
    def _call_iff_call(self) -> PaymentLine:
        if (self.kind == "call") != (self.call_uuid is not None):
            raise ValueError("a call line names its call; a rounding line names none")
        return self


class PaymentRecord(WireModel):
    payment_uuid: UUID
    till_id: Count
    at: UtcTime
    operator: Name
    method: Name
    subtotal_minor: Minor
    rounding_minor: Minor
    total_minor: Minor
    tendered_minor: Minor
    change_minor: Minor
    lines: tuple[PaymentLine, ...]

    @model_validator(mode="after")
    def _adds_up(self) -> PaymentRecord:
        if self.total_minor != self.subtotal_minor + self.rounding_minor:
            raise ValueError(f"payment {self.payment_uuid}: total is not subtotal + rounding")
        if self.change_minor != self.tendered_minor - self.total_minor:
            raise ValueError(f"payment {self.payment_uuid}: change is not tendered - total")
        if sum(line.amount_minor for line in self.lines) != self.total_minor:
            raise ValueError(f"payment {self.payment_uuid}: its lines do not add up to the total")
        return self


class RefundRecord(WireModel):
    refund_uuid: UUID
    till_id: Count
    at: UtcTime
    operator: Name
    call_uuid: UUID
    payment_uuid: UUID
    amount_minor: Minor
    rounding_minor: Minor
    total_minor: Minor
    reason: Text

    @model_validator(mode="after")
    def _adds_up(self) -> RefundRecord:
        if self.total_minor != self.amount_minor + self.rounding_minor:
            raise ValueError(f"refund {self.refund_uuid}: total is not amount + rounding")
        return self


class CorrectionRecord(WireModel):
    """An administrator's correction of a call after its shift closed."""

    correction_uuid: UUID
    till_id: Count
    call_uuid: UUID
    at: UtcTime
    admin: Name
    old_status: CallStatus
    new_status: CallStatus
    amount_minor: Minor = Field(description="change of the shift's takings")
    reason: Text


class DepositRecord(WireModel):
    deposit_uuid: UUID
    till_id: Count
    booth: Name
    taken_at: UtcTime
    amount_minor: Minor
    status: DepositStatus
    settled_at: UtcTime | None = None
    used_minor: Minor | None = None
    returned_minor: Minor | None = None


CardMovementKind = Literal["sale", "top_up", "debit"]
_CallRef = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=128)]


class CardMovementRecord(WireModel):
    """A prepaid calling card's money in the shift: a sale or top-up (cash taken at
    the till) or a debit (a card call, paid from the card's balance; no cash)."""

    movement_uuid: UUID
    till_id: Count
    kind: CardMovementKind
    at: UtcTime
    serial: Annotated[str, StringConstraints(strict=True, pattern=r"^[0-9]{1,16}$")]
    amount_minor: Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)]
    balance_after_minor: Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)]
    tendered_minor: Minor | None = None
    change_minor: Minor | None = None
    call_ref: (
        Annotated[str, StringConstraints(strict=True, min_length=1, max_length=128)] | None
    ) = None
    booth: Name | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CardMovementRecord:
        if (self.kind == "debit") != (self.call_ref is not None):
            raise ValueError(f"card movement {self.movement_uuid}: a debit (only) names its call")
        if self.kind != "debit" and (
            self.tendered_minor is None
            or self.change_minor != self.tendered_minor - self.amount_minor
        ):
            raise ValueError(f"card movement {self.movement_uuid}: change is not tendered - amount")
        return self


class StatusTotals(WireModel):
    status: CallStatus
    count: Count
    amount_minor: Minor


class BoothTotals(WireModel):
    booth: Name
    calls: Count
    talk_seconds: Seconds
    billable_seconds: Seconds
    amount_minor: Minor
    paid_minor: Minor
    unserved: Count
    unpaid: Count


class ZFigures(WireModel):
    """The Z report's own figures beyond the shift summary."""

    payment_count: Count
    refund_count: Count
    rounding_minor: Minor
    manual_drawer_opens: Count = 0
    by_status: tuple[StatusTotals, ...]
    by_booth: tuple[BoothTotals, ...]
    bgn_equivalent_minor: Minor | None = None


class JournalHead(WireModel):
    seq: Count
    hash: Hash


class Anchor(WireModel):
    """The till's journal head when the message was made, and the head it sent with
    its previous message (null for the first message the till ever sends)."""

    head: JournalHead
    previous_head: JournalHead | None


class DayRate(WireModel):
    """The till's USD rate in force on one local day (null: the till had none)."""

    day: LocalDate
    local_per_usd: DecimalStr | None = Field(
        description="local currency units for one USD (at most 6 decimals); null = no rate"
    )

    @model_validator(mode="after")
    def _plausible(self) -> DayRate:
        rate = self.local_per_usd
        if rate is not None:
            if rate <= 0:
                raise ValueError(f"the USD rate of {self.day} must be above zero")
            exponent = rate.as_tuple().exponent
            if isinstance(exponent, int) and exponent < -6:
                raise ValueError(f"the USD rate of {self.day} has more than 6 decimals")
        return self


class ShiftFx(WireModel):
    """Schema version 2: the carrier cost of the shift in the local currency.

    ``rates`` lists every local day (the shift's ``timezone``) on which an answered call
    with a carrier cost ended, with the till's USD rate in force that day. Each such
    call's ``wholesale_micro_usd`` is converted at its day's rate and rounded half-up to
    the minor unit (``minor_digits``); ``wholesale_cost_minor`` is the sum of those
    rounded costs over the calls whose day has a rate. Central checks the sum."""

    minor_digits: Annotated[StrictInt, Field(ge=0, le=6)] = Field(
        description="decimals of the shift's currency (2 for EUR)"
    )
    rates: tuple[DayRate, ...]
    wholesale_cost_minor: Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)] = Field(
        description="converted carrier cost of the calls whose day has a rate"
    )


class ClosedShift(Versioned):
    """``PUT /v1/shops/{shop}/shifts/{shift_uuid}``: one closed shift, complete.

    ``corrections`` holds the corrections known when the payload was made (none at the
    close itself); later ones travel as :class:`CorrectionPayload`. Version 2 adds
    ``fx`` (required in 2, refused in 1).
    """

    versions: ClassVar[tuple[int, ...]] = (1, SHIFT_SCHEMA_VERSION)

    schema_version: Literal[1, 2] = Field(  # type: ignore[assignment]
        description="payload schema version (this code writes 2, reads 1 and 2)"
    )
    shop: ShopId
    shift_uuid: UUID
    till_id: Count
    currency: Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Z]{3}$")]
    timezone: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=64)]
    operator: Name
    closed_by: Name
    opened_at: UtcTime
    closed_at: UtcTime
    opening_float_minor: Minor
    call_count: Count
    attempts: Count
    talk_seconds: Seconds
    billable_seconds: Seconds
    payments_minor: Minor
    refunds_minor: Minor
    cash_minor: Minor = Field(description="takings: payments - refunds")
    expected_minor: Minor
    counted_minor: Minor
    discrepancy_minor: Minor = Field(description="counted - expected")
    paid: Count
    unserved: Count
    unpaid: Count
    unrated: Count
    deposits_taken_minor: Minor = 0
    deposits_returned_minor: Minor = 0
    deposit_payments_minor: Minor = 0
    calls: tuple[CallRecord, ...]
    payments: tuple[PaymentRecord, ...]
    refunds: tuple[RefundRecord, ...]
    corrections: tuple[CorrectionRecord, ...] = ()
    deposits: tuple[DepositRecord, ...] = ()
    # Prepaid calling cards (optional: absent in payloads of tills without cards).
    card_sales_minor: Minor = 0
    card_top_ups_minor: Minor = 0
    card_debits_minor: Minor = 0
    card_movements: tuple[CardMovementRecord, ...] = ()
    z: ZFigures
    anchor: Anchor
    fx: ShiftFx | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="version 2: USD rates by local day and the converted carrier cost",
    )

    #: each call's converted cost, worked out once by the check below
    _costs: tuple[int | None, ...] = PrivateAttr(default=())

    def converted_costs(self) -> tuple[int | None, ...]:
        """Each call's carrier cost (aligned with ``calls``) converted at the rate of its
        local day, as ``fx.wholesale_cost_minor`` sums them; None for an unanswered call,
        one without a cost, one on a day without a rate, and every call of version 1."""
        return self._costs or (None,) * len(self.calls)

    def local_day_rates(self) -> dict[date, Decimal | None]:
        """The rates of ``fx`` by day (empty for a version-1 shift)."""
        return {} if self.fx is None else {r.day: r.local_per_usd for r in self.fx.rates}

    def call_day(self, call: CallRecord) -> date:
        """The local day (the shift's time zone) on which ``call`` ended."""
        return call.ended_at.astimezone(ZoneInfo(self.timezone)).date()

    @model_validator(mode="after")
    def _adds_up(self) -> ClosedShift:
        problems = _shift_problems(self)
        if problems:
            raise ValueError("the shift does not add up: " + "; ".join(problems))
        return self


def _card_sums(s: ClosedShift) -> dict[str, int]:
    def total(kind: str) -> int:
        return sum(m.amount_minor for m in s.card_movements if m.kind == kind)

    return {
        "card_sales_minor": total("sale"),
        "card_top_ups_minor": total("top_up"),
        "card_debits_minor": total("debit"),
    }


def _shift_problems(s: ClosedShift) -> list[str]:
    answered = [c for c in s.calls if c.answered]
    expected_counts = {
        "call_count": len(answered),
        "attempts": len(s.calls) - len(answered),
        "talk_seconds": sum(c.duration_s for c in answered),
        "billable_seconds": sum(c.billable_s for c in answered),
        "paid": sum(1 for c in answered if c.status == "paid"),
        "unserved": sum(1 for c in answered if c.status == "unserved"),
        "unpaid": sum(1 for c in answered if c.status == "unpaid"),
        "unrated": sum(1 for c in answered if c.price_minor is None),
        "payments_minor": sum(p.total_minor for p in s.payments),
        "refunds_minor": sum(r.total_minor for r in s.refunds),
        "cash_minor": s.payments_minor - s.refunds_minor,
        "discrepancy_minor": s.counted_minor - s.expected_minor,
        **_card_sums(s),
    }
    problems = [
        f"{name} is {getattr(s, name)}, its parts give {value}"
        for name, value in expected_counts.items()
        if getattr(s, name) != value
    ]
    if s.z.payment_count != len(s.payments):
        problems.append(f"z.payment_count is {s.z.payment_count}, {len(s.payments)} listed")
    if s.z.refund_count != len(s.refunds):
        problems.append(f"z.refund_count is {s.z.refund_count}, {len(s.refunds)} listed")
    if s.closed_at < s.opened_at:
        problems.append("closed_at is before opened_at")
    for what, ids in (
        ("call", [c.call_uuid for c in s.calls]),
        ("payment", [p.payment_uuid for p in s.payments]),
        ("refund", [r.refund_uuid for r in s.refunds]),
        ("correction", [c.correction_uuid for c in s.corrections]),
        ("deposit", [d.deposit_uuid for d in s.deposits]),
        ("card movement", [m.movement_uuid for m in s.card_movements]),
    ):
        if len(set(ids)) != len(ids):
            problems.append(f"a {what} UUID appears twice")
    known_calls = {c.call_uuid for c in s.calls}
    for p in s.payments:
        for line in p.lines:
            if line.call_uuid is not None and line.call_uuid not in known_calls:
                problems.append(f"payment {p.payment_uuid} pays a call not in the shift")
    for r in s.refunds:
        if r.call_uuid not in known_calls:
            problems.append(f"refund {r.refund_uuid} refunds a call not in the shift")
    for c in s.corrections:
        if c.call_uuid not in known_calls:
            problems.append(f"correction {c.correction_uuid} corrects a call not in the shift")
    problems.extend(_fx_problems(s))
    return problems


def _fx_problems(s: ClosedShift) -> list[str]:
    if s.schema_version < 2:
        return [] if s.fx is None else ["fx needs schema_version 2"]
    if s.fx is None:
        return ["a version 2 shift carries fx"]
    rates = s.local_day_rates()
    if len(rates) != len(s.fx.rates):
        return ["a day appears twice in fx.rates"]
    try:
        zone = ZoneInfo(s.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [f"unknown time zone {s.timezone!r}"]
    problems: list[str] = []
    digits = s.fx.minor_digits
    converters = {day: None if r is None else usd_converter(r, digits) for day, r in rates.items()}
    costs: list[int | None] = []
    cost = 0
    for c in s.calls:
        micro = c.wholesale_micro_usd
        if c.answered_at is None or micro is None:
            costs.append(None)
            continue
        day = c.ended_at.astimezone(zone).date()
        if day not in converters:
            problems.append(f"fx.rates lacks {day}, the day call {c.call_uuid} ended")
            break
        convert = converters[day]
        converted = None if convert is None else convert(micro)
        costs.append(converted)
        cost += converted or 0
    if not problems and cost != s.fx.wholesale_cost_minor:
        problems.append(
            f"fx.wholesale_cost_minor is {s.fx.wholesale_cost_minor}, its calls give {cost}"
        )
    if not problems:
        s._costs = tuple(costs)
    return problems


class ShiftAccepted(WireModel):
    """Central's answer to a shift or correction it holds (the same on every retry)."""

    shop: ShopId
    uuid: UUID
    content_sha256: Hash
    received_at: UtcTime
    anchored: StrictBool = Field(
        description="false when previous_head was not the last head central held (incident)"
    )
    incident_id: Count | None = None


class CorrectionPayload(Versioned):
    """``PUT /v1/shops/{shop}/corrections/{correction_uuid}``: a correction made to a
    shift that central already holds (or will: it is delivered after its shift)."""

    shop: ShopId
    shift_uuid: UUID
    correction: CorrectionRecord
    anchor: Anchor


class JournalHeads(Versioned):
    """``GET /v1/shops/{shop}/heads``: every head central holds, oldest first."""

    shop: ShopId
    heads: tuple[HeldHead, ...]


class HeldHead(WireModel):
    seq: Count
    hash: Hash
    uuid: UUID = Field(description="the shift or correction that carried it")
    received_at: UtcTime
    anchored: StrictBool


# ------------------------------------------------------------------ heartbeat


class OpenShiftLive(WireModel):
    till_id: Count
    operator: Name
    opened_at: UtcTime
    opening_float_minor: Minor
    call_count: Count
    talk_seconds: Seconds
    cash_minor: Minor
    expected_minor: Minor
    unserved: Count
    unserved_minor: Minor
    unpaid: Count


class BoothLive(WireModel):
    booth: Name
    state: Literal["offline", "idle", "off_hook", "dialing", "ringing", "talking", "locked"]
    locked: StrictBool = False
    number: Annotated[str, StringConstraints(strict=True, max_length=64)] | None = None
    destination: Annotated[str, StringConstraints(strict=True, max_length=128)] | None = None
    talk_seconds: Seconds = 0
    running_cost_minor: Minor | None = None


class Heartbeat(Versioned):
    """``POST /v1/shops/{shop}/heartbeat``: the till's live view; newest ``sent_at`` wins.

    Informational only: central never books any of it as money. Version 2 adds
    ``currency``: what the open shift's and the booths' amounts are in (required in 2,
    refused in 1; a version-1 till's amounts are read as EUR, the default)."""

    versions: ClassVar[tuple[int, ...]] = (1, HEARTBEAT_SCHEMA_VERSION)

    schema_version: Literal[1, 2] = Field(  # type: ignore[assignment]
        description="payload schema version (this code writes 2, reads 1 and 2)"
    )
    shop: ShopId
    sent_at: UtcTime
    currency: Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Z]{3}$")] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="version 2: the currency (ISO 4217) of every amount in the heartbeat",
    )
    open_shift: OpenShiftLive | None
    booths: tuple[BoothLive, ...]
    pending_outbox: Count = 0

    @model_validator(mode="after")
    def _currency_by_version(self) -> Heartbeat:
        if self.schema_version < 2 and self.currency is not None:
            raise ValueError("currency needs schema_version 2")
        if self.schema_version >= 2 and self.currency is None:
            raise ValueError("a version 2 heartbeat carries its currency")
        return self


class HeartbeatAck(WireModel):
    """Central's answer to a heartbeat; ``server_time`` lets the till see clock skew."""

    applied: StrictBool = Field(description="false when a newer heartbeat was already held")
    server_time: UtcTime


# ------------------------------------------------------------------ carrier account


class CarrierBalance(Versioned):
    """``GET /v1/shops/{shop}/carrier/balance``."""

    shop: ShopId
    currency: Literal["USD"] = "USD"
    balance_micro_usd: Micro
    as_of: UtcTime
    last_topup_at: UtcTime | None


class CarrierEntry(WireModel):
    entry_id: Count
    kind: Literal["topup", "call_cost", "adjustment"]
    at: UtcTime
    amount_micro_usd: Micro
    reference: Text = ""
    shift_uuid: UUID | None = None
    call_uuid: UUID | None = None


class CarrierLedger(Versioned):
    """``GET /v1/shops/{shop}/carrier/ledger?from=&to=``: a period of the account."""

    shop: ShopId
    date_from: UtcTime
    date_to: UtcTime
    opening_balance_micro_usd: Micro
    topups_micro_usd: Micro
    costs_micro_usd: Micro
    closing_balance_micro_usd: Micro
    entries: tuple[CarrierEntry, ...]


# ------------------------------------------------------------------ wholesale prices


class WholesaleEntry(WireModel):
    code: Annotated[str, StringConstraints(strict=True, pattern=r"^[0-9]{1,15}$")]
    country: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=100)]
    wholesale_usd: DecimalStr = Field(description="carrier price per minute, USD")

    @model_validator(mode="after")
    def _micro_dollars(self) -> WholesaleEntry:
        if self.wholesale_usd < 0:
            raise ValueError(f"negative wholesale price for {self.code}")
        exponent = self.wholesale_usd.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -6:
            raise ValueError(f"{self.code}: at most 6 decimals (micro-dollars)")
        return self


class WholesalePriceList(Versioned):
    """``GET /v1/price-lists/wholesale``: the current list (``ETag``/``If-None-Match``)."""

    version: Annotated[StrictInt, Field(ge=1, le=MAX_AMOUNT)]
    published_at: UtcTime
    note: Text = ""
    entries: tuple[WholesaleEntry, ...]

    @model_validator(mode="after")
    def _unique_codes(self) -> WholesalePriceList:
        codes = [e.code for e in self.entries]
        if len(set(codes)) != len(codes):
            raise ValueError("a dialling code appears twice in the price list")
        return self


JournalHeads.model_rebuild()
