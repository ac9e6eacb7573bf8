"""The shared payload schema: round trips, canonical encoding and strict refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from callshop_wire import (
    CarrierBalance,
    ClosedShift,
    CorrectionPayload,
    Heartbeat,
    WholesalePriceList,
    WireError,
    content_sha256,
    decode,
    encode,
    format_utc,
    micro_usd_to_minor,
    parse_utc,
)
from tests.callshop_wire.samples import make_heartbeat, make_price_list, make_shift

ROOT = Path(__file__).resolve().parents[2]


def shift_json() -> dict[str, Any]:
    return json.loads(encode(make_shift()))


def refused(model: type, data: dict[str, Any] | str) -> WireError:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(WireError) as info:
        decode(model, text)
    return info.value


# ------------------------------------------------------------------ round trips


@pytest.mark.parametrize(
    "payload",
    [make_shift(), make_shift(calls=0), make_heartbeat(), make_price_list()],
    ids=["shift", "empty-shift", "heartbeat", "price-list"],
)
def test_round_trip_is_exact(payload: Any) -> None:
    data = encode(payload)
    again = decode(type(payload), data)
    assert again == payload
    assert encode(again) == data


def test_money_stays_integers_and_rates_decimal_strings_on_the_wire() -> None:
    shift = shift_json()
    assert isinstance(shift["cash_minor"], int)
    assert all(isinstance(c["price_minor"], int) for c in shift["calls"])
    prices = json.loads(encode(make_price_list()))
    assert [e["wholesale_usd"] for e in prices["entries"]] == ["0.0123", "0.045000"]
    assert decode(WholesalePriceList, encode(make_price_list())).entries[1].wholesale_usd == (
        Decimal("0.045000")
    )


def test_times_go_out_as_utc_with_z() -> None:
    shift = shift_json()
    assert shift["opened_at"] == "2026-03-29T00:30:00Z"
    data = make_shift()
    for call in data.calls:
        for moment in (call.setup_at, call.answered_at, call.ended_at):
            if moment is not None:
                assert json.dumps(format_utc(moment)) in encode(data).decode()
    sixty = make_shift(opened_at=datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=UTC))
    assert json.loads(encode(sixty))["opened_at"] == "2026-01-02T03:04:05.000600Z"
    assert format_utc(datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=UTC)) == (
        "2026-01-02T03:04:05.000600Z"
    )
    # an aware time in another zone is converted, never re-labelled
    sofia = timezone(timedelta(hours=3))
    assert parse_utc(datetime(2026, 7, 1, 12, 0, tzinfo=sofia)) == datetime(
        2026, 7, 1, 9, 0, tzinfo=UTC
    )


def test_content_hash_ignores_spelling_but_not_content() -> None:
    data = shift_json()
    respelled = dict(reversed(list(data.items())))
    respelled["opened_at"] = "2026-03-29T00:30:00.000000Z"
    a = decode(ClosedShift, json.dumps(data, indent=2))
    b = decode(ClosedShift, json.dumps(respelled))
    assert content_sha256(a) == content_sha256(b)
    data["counted_minor"] += 1
    data["discrepancy_minor"] += 1
    assert content_sha256(decode(ClosedShift, json.dumps(data))) != content_sha256(a)


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize("value", [12.5, 12.0, "1250", True, None])
def test_money_must_be_an_integer(value: object) -> None:
    data = shift_json()
    data["opening_float_minor"] = value
    error = refused(ClosedShift, data)
    assert "opening_float_minor" in str(error)


def test_a_float_price_inside_a_call_is_refused() -> None:
    data = shift_json()
    data["calls"][0]["price_minor"] = 25.0
    assert "calls.0.price_minor" in str(refused(ClosedShift, data))


@pytest.mark.parametrize("value", [0.0123, "1e-3", "0,0123", ".5", "NaN", "0.0000001"])
def test_rates_must_be_decimal_strings_of_at_most_six_decimals(value: object) -> None:
    data = json.loads(encode(make_price_list()))
    data["entries"][0]["wholesale_usd"] = value
    refused(WholesalePriceList, data)


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-29T00:30:00",  # naive
        "2026-03-29T03:30:00+03:00",  # an offset instead of Z
        "2026-03-29",  # a date
        "2026-02-30T00:00:00Z",  # no such day
        "29.03.2026 00:30",
        1774744200,  # epoch seconds
        "2026-03-29T24:00:00Z",  # no such hour
        "2026-03-29T00:30:60Z",  # no leap seconds
        "\u0662\u0660\u0662\u0666-03-29T00:30:00Z",  # digits, but not ASCII ones
        "2026-03-29T00:30:00.1234567Z",  # finer than microseconds
        "2026-03-29t00:30:00z",
    ],
)
def test_times_must_be_utc_iso_with_z(value: object) -> None:
    data = shift_json()
    data["closed_at"] = value
    error = str(refused(ClosedShift, data))
    assert "closed_at: a time must be UTC ISO 8601 ending in Z" in error


def test_a_time_read_from_json_is_aware_utc() -> None:
    read = decode(ClosedShift, json.dumps(shift_json())).closed_at
    assert read.utcoffset() == timedelta(0)
    assert read == make_shift().closed_at


@pytest.mark.parametrize("version", [3, 0, "1", "2", None])
def test_unknown_schema_versions_are_refused_clearly(version: object) -> None:
    data = shift_json()
    data["schema_version"] = version
    error = refused(ClosedShift, data)
    assert "schema_version" in str(error)


def test_unknown_fields_and_malformed_json_are_refused() -> None:
    data = shift_json()
    data["bonus"] = 1
    assert "bonus" in str(refused(ClosedShift, data))
    assert "invalid ClosedShift" in str(refused(ClosedShift, "{not json"))
    refused(ClosedShift, "[]")


@pytest.mark.parametrize(
    ("field", "delta"),
    [
        ("call_count", 1),
        ("attempts", 1),
        ("talk_seconds", 1),
        ("billable_seconds", 60),
        ("unserved", 1),
        ("paid", -1),
        ("payments_minor", 5),
        ("cash_minor", 5),
        ("discrepancy_minor", 1),
    ],
)
def test_a_shift_whose_figures_do_not_add_up_is_refused(field: str, delta: int) -> None:
    data = shift_json()
    data[field] += delta
    assert field in str(refused(ClosedShift, data))


def test_a_payment_that_does_not_add_up_is_refused() -> None:
    data = shift_json()
    data["payments"][0]["lines"][0]["amount_minor"] += 1
    assert "do not add up" in str(refused(ClosedShift, data))


def test_a_refund_of_a_call_not_in_the_shift_is_refused() -> None:
    data = shift_json()
    data["refunds"][0]["call_uuid"] = "00000000-0000-0000-0000-00000000beef"
    assert "not in the shift" in str(refused(ClosedShift, data))


def test_bad_ids_and_hashes_are_refused() -> None:
    data = shift_json()
    data["shift_uuid"] = "shift-1"
    refused(ClosedShift, data)
    data = shift_json()
    data["anchor"]["head"]["hash"] = "ABC"
    refused(ClosedShift, data)
    data = shift_json()
    data["shop"] = "Sofia 1"
    refused(ClosedShift, data)


def test_numbers_beyond_what_a_database_bigint_holds_are_refused() -> None:
    """Every integer on the wire is bounded (2**53 - 1): a price-list version, a call's
    price or cost, a card movement that no BIGINT column could store is a clear 422,
    never a database error (found by schemathesis on the wholesale list)."""
    huge = 15973823037187641275877976702976
    data = json.loads(encode(make_price_list()))
    data["version"] = huge
    assert "version" in str(refused(WholesalePriceList, data))
    shift = json.loads(encode(make_shift()))
    shift["calls"][0]["wholesale_micro_usd"] = huge
    assert "wholesale_micro_usd" in str(refused(ClosedShift, shift))
    cards = _with_cards(json.loads(encode(make_shift())))
    cards["card_movements"][0]["balance_after_minor"] = huge
    assert "balance_after_minor" in str(refused(ClosedShift, cards))


def test_a_heartbeat_names_its_currency_from_version_2_on() -> None:
    v1 = json.loads(encode(make_heartbeat()))
    assert v1["schema_version"] == 1 and "currency" not in v1
    assert decode(Heartbeat, json.dumps(v1)).currency is None  # an older till: still read
    v2 = {**v1, "schema_version": 2, "currency": "BGN"}
    assert decode(Heartbeat, json.dumps(v2)).currency == "BGN"
    assert json.loads(encode(decode(Heartbeat, json.dumps(v2))))["currency"] == "BGN"
    assert "currency needs schema_version 2" in str(refused(Heartbeat, {**v1, "currency": "EUR"}))
    assert "carries its currency" in str(refused(Heartbeat, {**v2, "currency": None}))
    for bad in ("eur", "EURO", "", 978):
        refused(Heartbeat, {**v2, "currency": bad})


def test_heartbeat_and_balance_refuse_floats_too() -> None:
    data = json.loads(encode(make_heartbeat()))
    data["booths"][0]["running_cost_minor"] = 0.5
    refused(Heartbeat, data)
    refused(
        CarrierBalance,
        {
            "schema_version": 1,
            "shop": "s",
            "balance_micro_usd": 1.5,
            "as_of": "2026-01-01T00:00:00Z",
            "last_topup_at": None,
        },
    )


def test_correction_payload_round_trips() -> None:
    shift = make_shift()
    call = shift.calls[1]
    payload = decode(
        CorrectionPayload,
        json.dumps(
            {
                "schema_version": 1,
                "shop": shift.shop,
                "shift_uuid": str(shift.shift_uuid),
                "correction": {
                    "correction_uuid": "6f1c0b8e-8a44-4b8f-9b0e-1f1f1f1f1f1f",
                    "till_id": 1,
                    "call_uuid": str(call.call_uuid),
                    "at": "2026-03-30T08:00:00Z",
                    "admin": "admin",
                    "old_status": "unpaid",
                    "new_status": "paid",
                    "amount_minor": 50,
                    "reason": "paid later",
                },
                "anchor": {"head": {"seq": 7, "hash": "a" * 64}, "previous_head": None},
            }
        ),
    )
    assert decode(CorrectionPayload, encode(payload)) == payload


def test_the_schema_package_imports_neither_side() -> None:
    script = (
        "import sys, callshop_wire; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'PySide6', 'callshop_pos', 'central', 'ui', 'drivers', 'fastapi')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _with_cards(data: dict[str, Any]) -> dict[str, Any]:
    data["card_sales_minor"] = 500
    data["card_debits_minor"] = 120
    data["card_movements"] = [
        {
            "movement_uuid": "7d4f4a52-1c43-4d6e-9f1e-0c4b5a3c2d10",
            "till_id": 1,
            "kind": "sale",
            "at": data["closed_at"],
            "serial": "00000000018",
            "amount_minor": 500,
            "balance_after_minor": 500,
            "tendered_minor": 500,
            "change_minor": 0,
        },
        {
            "movement_uuid": "7d4f4a52-1c43-4d6e-9f1e-0c4b5a3c2d11",
            "till_id": 2,
            "kind": "debit",
            "at": data["closed_at"],
            "serial": "00000000018",
            "amount_minor": 120,
            "balance_after_minor": 380,
            "call_ref": "ref-1",
            "booth": "B1",
        },
    ]
    return data


def test_card_movements_are_optional_and_must_add_up() -> None:
    plain = decode(ClosedShift, json.dumps(shift_json()))
    assert (plain.card_sales_minor, plain.card_movements) == (0, ())
    with_cards = decode(ClosedShift, json.dumps(_with_cards(shift_json())))
    assert [m.kind for m in with_cards.card_movements] == ["sale", "debit"]
    assert decode(ClosedShift, encode(with_cards)) == with_cards
    data = _with_cards(shift_json())
    data["card_debits_minor"] = 100
    assert "card_debits_minor" in str(refused(ClosedShift, data))
    data = _with_cards(shift_json())
    del data["card_movements"][1]["call_ref"]
    assert "names its call" in str(refused(ClosedShift, data))
    data = _with_cards(shift_json())
    data["card_movements"][1]["movement_uuid"] = data["card_movements"][0]["movement_uuid"]
    assert "card movement UUID appears twice" in str(refused(ClosedShift, data))


# ------------------------------------------------------------------ version 2: fx

MIDNIGHT_SHIFT = datetime(2026, 3, 28, 21, 50, tzinfo=UTC)  # 23:50 in Sofia: two local days


def test_a_version_1_shift_still_reads_and_hashes_as_before() -> None:
    old = make_shift()
    data = encode(old)
    assert old.schema_version == 1 and old.fx is None
    assert list(json.loads(data))[-1] == "anchor" and b'"fx"' not in data
    again = decode(ClosedShift, data)
    assert encode(again) == data and content_sha256(again) == content_sha256(old)


def test_a_version_2_shift_carries_the_days_rates_and_the_converted_cost() -> None:
    shift = make_shift(usd_rate=Decimal("0.92"))
    assert shift.schema_version == 2 and shift.fx is not None
    data = json.loads(encode(shift))
    assert data["fx"] == {
        "minor_digits": 2,
        "rates": [{"day": "2026-03-29", "local_per_usd": "0.92"}],
        # five answered calls of 2, 2, 2, 2, 3 billed minutes at 12,345 micro-USD a
        # minute, each × 0.92 and rounded half-up to the cent: 2 + 2 + 2 + 2 + 3
        # (2.27148 cents four times, 3.40722 cents)
        "wholesale_cost_minor": 11,
    }
    assert [c.billable_s // 60 for c in shift.calls if c.answered] == [2, 2, 2, 2, 3]
    assert decode(ClosedShift, encode(shift)) == shift


def test_each_call_is_converted_at_the_rate_of_its_own_local_day() -> None:
    rates = {date(2026, 3, 28): Decimal("0.9"), date(2026, 3, 29): Decimal("1.1")}
    shift = make_shift(opened_at=MIDNIGHT_SHIFT, usd_rate=rates)
    assert shift.fx is not None
    assert [r.day for r in shift.fx.rates] == [date(2026, 3, 28), date(2026, 3, 29)]
    # four calls of 2 minutes ending 23:52:06 … 23:58:57 local on the 28th (2.2221
    # cents each at 0.9), the last of 3 minutes at 00:03:31 on the 29th (4.07385 at 1.1)
    assert shift.fx.wholesale_cost_minor == 4 * 2 + 4
    data = json.loads(encode(shift))
    data["fx"]["rates"][1]["local_per_usd"] = "0.9"  # the wrong day's rate
    assert "fx.wholesale_cost_minor" in str(refused(ClosedShift, data))


def test_a_day_without_a_rate_is_said_and_its_calls_left_unconverted() -> None:
    rates = {date(2026, 3, 28): None, date(2026, 3, 29): Decimal("1.1")}
    shift = make_shift(opened_at=MIDNIGHT_SHIFT, usd_rate=rates)
    assert shift.fx is not None and shift.fx.wholesale_cost_minor == 4
    assert shift.local_day_rates() == rates
    unrated = make_shift(version=2)
    assert unrated.fx is not None and unrated.fx.wholesale_cost_minor == 0
    assert [r.local_per_usd for r in unrated.fx.rates] == [None]


def test_conversion_is_exact_and_rounds_half_up() -> None:
    assert micro_usd_to_minor(5_000, Decimal(1), 2) == 1  # half a cent goes up
    assert micro_usd_to_minor(4_999, Decimal(1), 2) == 0
    assert micro_usd_to_minor(1_000_000, Decimal("1.955830"), 2) == 196
    assert micro_usd_to_minor(1_000_000, Decimal("1.955830"), 0) == 2
    big, rate = 2**53 - 1, Decimal("999.999999")
    n = big * 999_999_999  # rate × 10**6, so the exact cost is n / 10**10 cents
    assert micro_usd_to_minor(big, rate, 2) == (2 * n + 10**10) // (2 * 10**10)
    assert micro_usd_to_minor(-5_000, Decimal(1), 2) == -1  # half away from zero
    assert micro_usd_to_minor(123, Decimal("1E+3"), 2) == 12  # 12.3 cents
    assert micro_usd_to_minor(123, Decimal("1E+4"), 2) == 123  # no division at all


def test_the_integer_conversion_is_decimals_half_up() -> None:
    """Against Decimal arithmetic with room to spare and ROUND_HALF_UP, over a spread of
    costs, rates of 0 to 6 decimals and 0 to 3 minor digits."""
    from decimal import ROUND_HALF_UP, localcontext

    rates = ["0.92", "1.955830", "0.000001", "999.999999", "1", "12.5", "0.5", "3E+2"]
    micros = [0, 1, 4_999, 5_000, 5_001, 12_345, 1_234_567, 999_999_999_999, 2**53 - 1]
    for text in rates:
        for micro in micros + [-m for m in micros]:
            for digits in (0, 2, 3):
                rate = Decimal(text)
                with localcontext() as ctx:
                    ctx.prec = 100
                    exact = Decimal(micro) * rate * Decimal(10) ** (digits - 6)
                    want = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
                assert micro_usd_to_minor(micro, rate, digits) == want, (micro, text, digits)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.pop("fx"), "carries fx"),
        (lambda d: d.update(schema_version=1), "fx needs schema_version 2"),
        (lambda d: d["fx"].update(wholesale_cost_minor=12), "fx.wholesale_cost_minor"),
        (lambda d: d["fx"].update(rates=[]), "fx.rates lacks 2026-03-29"),
        (lambda d: d["fx"]["rates"].append(d["fx"]["rates"][0]), "twice"),
        (lambda d: d["fx"]["rates"][0].update(local_per_usd="0"), "above zero"),
        (lambda d: d["fx"]["rates"][0].update(local_per_usd="-1"), "above zero"),
        (lambda d: d["fx"]["rates"][0].update(local_per_usd=0.92), "decimal string"),
        (lambda d: d["fx"]["rates"][0].update(local_per_usd="0.1234567"), "6 decimals"),
        (lambda d: d["fx"]["rates"][0].update(day="29.03.2026"), "YYYY-MM-DD"),
        (lambda d: d["fx"]["rates"][0].update(day="2026-02-30"), "valid date"),
        (lambda d: d["fx"].update(wholesale_cost_minor=15.0), "wholesale_cost_minor"),
        (lambda d: d.update(timezone="Mars/Olympus"), "unknown time zone"),
    ],
)
def test_a_bad_fx_block_is_refused_clearly(change: Any, words: str) -> None:
    data = json.loads(encode(make_shift(usd_rate=Decimal("0.92"))))
    change(data)
    assert words in str(refused(ClosedShift, data))
