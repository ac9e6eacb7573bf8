"""The rating kernel: compiled (mypyc) and plain Python are the same code, same results."""

from __future__ import annotations

import importlib.util
import os
import pickle
import shutil
import sys
import sysconfig
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callshop_pos.rating import NumberPlan, OffPeakSchedule, PriceEntry, PriceIndex, Rater, kernel
from callshop_pos.rating.kernel import Rating
from tests.callshop_pos.rating.test_rater import _RELAXED

SOURCE = Path(kernel.__file__).with_name("kernel.py")
PURE_REQUESTED = os.environ.get("CALLSHOP_PURE_PYTHON") == "1"


def _plain_python_kernel() -> ModuleType:
    """kernel.py run by the interpreter, beside the (possibly compiled) imported one."""
    name = "callshop_pos.rating._kernel_as_source"
    spec = importlib.util.spec_from_file_location(name, SOURCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


PURE = _plain_python_kernel()


def test_the_kernel_is_compiled_from_the_current_source() -> None:
    """Installing the package compiles kernel.py; a stale build would rate old rules."""
    if PURE_REQUESTED:
        pytest.skip("CALLSHOP_PURE_PYTHON=1: the kernel may run as plain Python")
    if not _c_compiler():
        pytest.skip("no C compiler here: the kernel runs as plain Python (same results)")
    assert kernel.compiled(), (
        "the rating kernel is not compiled: run `python -m pip install -e .` with a C "
        "compiler present (or set CALLSHOP_PURE_PYTHON=1 to run it as plain Python)"
    )
    built = Path(kernel.__file__).stat().st_mtime
    assert built >= SOURCE.stat().st_mtime, (
        f"{kernel.__file__} is older than {SOURCE}: rebuild with `python -m pip install -e .`"
    )
    assert not PURE.compiled()


def _c_compiler() -> bool:
    """Whether the compiler this Python builds extensions with is installed."""
    command = (sysconfig.get_config_var("CC") or "cc").split()
    return bool(command) and shutil.which(command[0]) is not None


def _to_pure(tariffs: kernel.Tariffs) -> object:
    def band(b: kernel.Band | None) -> object:
        return None if b is None else PURE.Band(b.a2, b.b2, b.half, b.d2, b.rate)

    return PURE.Tariffs(
        tariffs.entry,
        tariffs.code,
        tariffs.country,
        tariffs.wholesale2,
        tariffs.grace,
        tariffs.initial,
        tariffs.increment,
        band(tariffs.peak),
        band(tariffs.off),
    )


_codes = st.from_regex(r"[1-9][0-9]{0,6}", fullmatch=True)
_rates = st.none() | st.decimals(min_value=0, max_value=5, places=4, allow_nan=False)
_entry_rows = st.tuples(
    _codes,
    st.decimals(min_value=0, max_value=2, places=6, allow_nan=False),
    _rates,
    _rates,
    st.sampled_from([(60, 60), (1, 1), (30, 6), (90, 60), (1, 10)]),
    st.sampled_from([Decimal(0), Decimal("0.05"), Decimal("0.125")]),
    st.sampled_from([0, 0, 3, 30]),
)
_numbers = st.one_of(
    st.from_regex(r"(00|\+|0|011)?[1-9][0-9 .()-]{0,16}", fullmatch=True),
    st.sampled_from(["*123#", "", "0", "00", "+", "٣٣", "0888\u00a0123"]),
)
_zones = st.sampled_from([UTC, ZoneInfo("Europe/Sofia"), ZoneInfo("America/New_York")])
_times = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1)) | (
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1), timezones=_zones)
)
_durations = st.integers(0, 100_000) | st.decimals(
    min_value=0, max_value=100_000, places=3, allow_nan=False
)


@settings(max_examples=80, **_RELAXED)
@given(
    st.lists(_entry_rows, min_size=1, max_size=30, unique_by=lambda row: row[0]),
    st.lists(st.tuples(_numbers, _times, _durations), max_size=40),
    _zones,
    st.sampled_from([None, "Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00", "Mon 23:59-00:01"]),
    st.sampled_from([0, 2, 3]),
)
def test_compiled_and_plain_python_rate_every_call_alike(
    rows: list[tuple[str, Decimal, Decimal | None, Decimal | None, tuple[int, int], Decimal, int]],
    calls: list[tuple[str, datetime, Decimal | int]],
    tz: ZoneInfo,
    offpeak: str | None,
    digits: int,
) -> None:
    entries = [
        PriceEntry(f"Dest {code}", code, w, retail, off if retail else None, ini, inc, fee, grace)
        for code, w, retail, off, (ini, inc), fee, grace in rows
    ]
    schedule = OffPeakSchedule.parse(offpeak) if offpeak else None
    plan = NumberPlan("359", "0", ("00", "+", "011"))
    rater = Rater(PriceIndex(entries), plan, schedule, tz, digits)
    compiled = [r.astuple() for r in rater.rate_many(calls)]

    table = {code: _to_pure(t) for code, t in rater._table.items()}
    clock = PURE.WeekClock(tz, schedule.flags if schedule else None)
    plain = PURE.Rates(plan.rules, plan.separators, PURE.PrefixTable(table), clock).rate_all(calls)
    assert [r.astuple() for r in plain] == compiled
    for number, answered_at, _d in calls:
        assert PURE.normalize(number, plan.rules, plan.separators) == plan.normalize(number)
        assert clock.minute_of_week(answered_at) == rater._clock.minute_of_week(answered_at)


def _brute_force(codes: dict[str, object], number: str) -> object | None:
    matching = [code for code in codes if number.startswith(code)]
    return codes[max(matching, key=len)] if matching else None


@settings(max_examples=150, **_RELAXED)
@given(
    st.lists(st.from_regex(r"[0-9]{1,15}", fullmatch=True), min_size=1, max_size=40, unique=True),
    st.lists(st.from_regex(r"[0-9]{0,18}", fullmatch=True), max_size=30),
    st.data(),
)
def test_prefix_table_finds_the_longest_code(
    codes: list[str], numbers: list[str], data: st.DataObject
) -> None:
    entries = [PriceEntry(f"D{c}", c, Decimal("0.01"), Decimal("0.1")) for c in codes]
    rater = Rater(PriceIndex(entries), NumberPlan(), None, UTC)
    table = rater._table
    # Numbers that begin with a code (some longer, some cut short) as well as random ones.
    numbers += [
        data.draw(st.sampled_from(codes)) + n[: data.draw(st.integers(0, 8))] for n in numbers
    ]
    numbers += [code[:-1] for code in codes]
    for module in (kernel, PURE):
        prefixes = module.PrefixTable(
            table if module is kernel else {c: _to_pure(t) for c, t in table.items()}
        )
        for number in numbers:
            found = prefixes.match(number)
            expected = _brute_force(table, number)
            assert (found and found.code) == (expected and expected.code), (module, number)  # type: ignore[attr-defined]


@settings(max_examples=200, **_RELAXED)
@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)), _zones)
def test_minute_of_week_is_the_local_wall_clock(moment: datetime, tz: ZoneInfo) -> None:
    aware = moment.replace(tzinfo=UTC)
    local = aware.astimezone(tz)
    expected = local.weekday() * 1440 + local.hour * 60 + local.minute
    for module in (kernel, PURE):
        clock = module.WeekClock(tz, None)
        assert clock.minute_of_week(aware) == expected
        assert clock.minute_of_week(local) == expected
        assert clock.minute_of_week(local.replace(tzinfo=None)) == expected
        # Around a clock change the cached offsets must not leak across the hour.
        assert clock.minute_of_week(aware + timedelta(hours=1)) == _wall(aware, 1, tz)


def _wall(aware: datetime, hours: int, tz: ZoneInfo) -> int:
    local = (aware + timedelta(hours=hours)).astimezone(tz)
    return local.weekday() * 1440 + local.hour * 60 + local.minute


@pytest.mark.parametrize("module", [kernel, PURE], ids=["imported", "plain-python"])
def test_a_rating_is_a_frozen_value(module: ModuleType) -> None:
    fields = ("rated", "0888", "359888", "35988", "BG", 61, 120, 40, 30_500, True, Decimal("0.2"))
    rating = module.make_rating(*fields)
    with pytest.raises(FrozenInstanceError):
        rating.price_minor = 0
    with pytest.raises(FrozenInstanceError):
        del rating.price_minor
    assert rating.astuple() == fields
    assert list(rating.asdict()) == list(kernel.RATING_FIELDS)
    assert rating == module.make_rating(*fields)
    assert hash(rating) == hash(module.make_rating(*fields))
    assert rating != module.make_rating(*fields[:-1], Decimal("0.3"))
    assert rating != fields
    assert rating.is_rated and repr(rating).startswith("Rating(status='rated', number='0888'")
    assert pickle.loads(pickle.dumps(rating)) == rating


def test_ratings_from_the_rater_are_the_imported_class() -> None:
    rater = Rater(
        PriceIndex([PriceEntry("BG", "359", Decimal("0.01"), Decimal("0.1"))]),
        NumberPlan(),
        None,
        UTC,
    )
    rating = rater.rate("0888123456", datetime(2026, 1, 1, tzinfo=UTC), 60)
    assert type(rating) is Rating
    assert rating.price_minor == 10 and rating.wholesale_micro == 10_000
