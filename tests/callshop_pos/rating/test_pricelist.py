"""Price-list CSV: reading, validation of the whole file with line numbers, writing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callshop_pos.errors import CallShopError, InvalidInput
from callshop_pos.rating import PriceEntry, PriceListError, parse_price_list, write_price_list
from callshop_pos.textsafe import looks_like_formula

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "prices" / "sample.csv"

HEADER = "country,code,wholesale_usd,retail"


# The shared 2-core machine can be slow: no per-example deadline (a slow example is
# not a wrong one); generation speed is not what these tests check.
_RELAXED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def _errors(text: str | bytes, **kwargs: object) -> list[tuple[int, str]]:
    with pytest.raises(PriceListError) as caught:
        parse_price_list(text, **kwargs)  # type: ignore[arg-type]
    return caught.value.errors


def test_minimal_file_with_defaults() -> None:
    (entry,) = parse_price_list(f"{HEADER}\nBulgaria,359,0.0112,0.06\n")
    assert entry == PriceEntry("Bulgaria", "359", Decimal("0.0112"), Decimal("0.06"))
    assert (entry.initial, entry.increment, entry.grace) == (60, 60, 0)
    assert entry.connect_fee == 0
    assert entry.retail_offpeak is None


def test_any_column_order_optional_columns_and_bom() -> None:
    text = (
        "\ufeffgrace;increment;initial;Retail;code;connect_fee;retail_offpeak;wholesale_usd;country\n"
        "3;6;30;0,50;1212;0,05;0,40;0,0039;USA New York\n"
    )
    (entry,) = parse_price_list(text.encode("utf-8"))
    assert entry == PriceEntry(
        "USA New York",
        "1212",
        Decimal("0.0039"),
        Decimal("0.50"),
        Decimal("0.40"),
        initial=30,
        increment=6,
        connect_fee=Decimal("0.05"),
        grace=3,
    )


def test_bom_in_bytes_and_crlf() -> None:
    data = b"\xef\xbb\xbf" + f"{HEADER}\r\nUK,44,0.0069,0.05\r\n".encode()
    assert parse_price_list(data)[0].code == "44"


def test_empty_retail_means_no_price_yet_and_blank_lines_are_skipped() -> None:
    text = f"{HEADER}\n\nPremium,359900,0.42,\n\n"
    (entry,) = parse_price_list(text)
    assert entry.retail is None


def test_quoted_country_with_delimiter() -> None:
    (entry,) = parse_price_list(f'{HEADER}\n"Korea, Republic of",82,0.019,0.05\n')
    assert entry.country == "Korea, Republic of"


def test_missing_required_column_is_reported_on_the_header_line() -> None:
    errors = _errors("country,code,retail\nBulgaria,359,0.06\n")
    assert errors == [(1, "missing column 'wholesale_usd'")]


def test_unknown_and_duplicate_columns() -> None:
    errors = _errors(f"{HEADER},retial_offpeak,code\n")
    assert [line for line, _ in errors] == [1, 1]
    messages = " | ".join(message for _, message in errors)
    assert "unknown column 'retial_offpeak'" in messages
    assert "column 'code' appears twice" in messages
    entries = parse_price_list(f"{HEADER},notes\nX,1,0.1,0.2,hi\n", ignore_unknown_columns=True)
    assert entries[0].code == "1"


def test_every_bad_row_is_reported_with_its_line_number() -> None:
    text = "\n".join(
        [
            f"{HEADER},initial,increment,grace,retail_offpeak",
            "Bulgaria,359,0.0112,0.06,60,60,0,",  # line 2 ok
            "Nowhere,35x,0.01,0.05,60,60,0,",  # 3 bad code
            "Cheap,44,abc,0.05,60,60,0,",  # 4 non-numeric
            "Negative,45,0.01,-0.05,60,60,0,",  # 5 negative
            "Again,359,0.01,0.05,60,60,0,",  # 6 duplicate of line 2
            "Zero block,46,0.01,0.05,0,0,0,",  # 7 initial and increment < 1
            ",47,,0.05,60,60,-1,",  # 8 no country, no wholesale, negative grace
            "Too long,1234567890123456,0.01,0.05,60,60,0,",  # 9 16 digits
            "Offpeak only,48,0.01,,60,60,0,0.02",  # 10 off-peak without retail
            "Too precise,49,0.0000001,0.05,60,60,0,",  # 11 7 decimals
            "Fractional,50,0.01,0.05,60.5,60,0,",  # 12 not whole seconds
            "Short,51",  # 13 missing values
        ]
    )
    errors = _errors(text)
    lines = sorted({line for line, _ in errors})
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    by_line = {line: [m for l2, m in errors if l2 == line] for line in lines}
    assert any("bad code '35x'" in m for m in by_line[3])
    assert any("wholesale_usd is not a number: 'abc'" in m for m in by_line[4])
    assert any("retail must not be negative" in m for m in by_line[5])
    assert by_line[6] == ["duplicate code 359 (first on line 2)"]
    assert len(by_line[7]) == 2
    assert {"country is missing", "wholesale_usd is missing"} <= set(by_line[8])
    assert any("grace" in m for m in by_line[8])
    assert any("bad code" in m for m in by_line[9])
    assert by_line[10] == ["retail_offpeak is set but retail is empty"]
    assert any("more than 6 decimals" in m for m in by_line[11])
    assert any("initial must be a whole number" in m for m in by_line[12])
    assert any("wholesale_usd is missing" in m for m in by_line[13])


def test_error_message_names_lines_and_is_a_known_error() -> None:
    with pytest.raises(CallShopError) as caught:
        parse_price_list(f"{HEADER}\nA,1,0.1,0.2\nB,1,0.1,0.2\nC,x,0.1,0.2\n")
    message = str(caught.value)
    assert "2 problems" in message
    assert "line 3: duplicate code 1 (first on line 2)" in message
    assert "line 4: bad code 'x'" in message


def test_line_numbers_count_physical_lines_of_multiline_cells() -> None:
    text = f'{HEADER}\n"Multi\nline",1,0.1,0.2\nBad,y,0.1,0.2\n'
    assert _errors(text) == [(4, "bad code 'y' (must be 1–15 digits)")]


def test_too_many_fields() -> None:
    assert _errors(f"{HEADER}\nA,1,0.1,0.2,extra\n") == [(2, "5 fields but the header has 4")]


def test_semicolon_file_with_decimal_comma() -> None:
    entries = parse_price_list("country;code;wholesale_usd;retail\nBulgaria;359;0,0112;0,06\n")
    assert entries[0].wholesale_usd == Decimal("0.0112")
    assert entries[0].retail == Decimal("0.06")


def test_comma_file_rejects_ambiguous_numbers() -> None:
    errors = _errors('country,code,wholesale_usd,retail\nBulgaria,359,"0,0112",0.06\n')
    assert errors == [(2, "wholesale_usd is not a number: '0,0112'")]


def test_empty_file() -> None:
    assert _errors("") == [(1, "the file is empty (a header row is required)")]
    assert _errors(b"\xff\xfe")[0][0] == 1


def test_mapping_for_carrier_headers() -> None:
    text = "Destination,Prefix,Rate USD,Sell,Billing\nUK,44,0.0069,0.05,x\n"
    mapping = {
        "destination": "country",
        "PREFIX": "code",
        "Rate USD": "wholesale_usd",
        "sell": "retail",
        "Billing": "",
    }
    (entry,) = parse_price_list(text, mapping=mapping)
    assert (entry.country, entry.code, entry.wholesale_usd, entry.retail) == (
        "UK",
        "44",
        Decimal("0.0069"),
        Decimal("0.05"),
    )


def test_retail_in_leva_is_converted_to_euro() -> None:
    text = f"{HEADER},retail_offpeak,connect_fee\nBulgaria,359,0.0112,0.20,0.10,0.05\n"
    (entry,) = parse_price_list(text, retail_in_bgn=True)
    assert entry.retail == Decimal("0.10")  # 0.20 / 1.95583 = 0.1022…
    assert entry.retail_offpeak == Decimal("0.05")  # 0.0511…
    assert entry.connect_fee == Decimal("0.03")  # 0.0255… half-up
    assert entry.wholesale_usd == Decimal("0.0112")  # USD is never converted


def test_entries_built_in_code_follow_the_same_rules() -> None:
    with pytest.raises(InvalidInput, match="code"):
        PriceEntry("X", "+44", Decimal("0.1"), Decimal("0.2"))
    with pytest.raises(InvalidInput, match="negative"):
        PriceEntry("X", "44", Decimal("-0.1"), Decimal("0.2"))
    with pytest.raises(InvalidInput, match="increment"):
        PriceEntry("X", "44", Decimal("0.1"), Decimal("0.2"), increment=0)
    with pytest.raises(InvalidInput, match="exact decimal"):
        PriceEntry("X", "44", 0.1, Decimal("0.2"))  # type: ignore[arg-type]


def test_write_then_read_is_exact_in_both_formats() -> None:
    entries = [
        PriceEntry("Bulgaria", "359", Decimal("0.011200"), Decimal("0.06"), Decimal("0.04")),
        PriceEntry("Korea, Republic of", "82", Decimal("0.019"), None),
        PriceEntry(
            "Iridium",
            "8816",
            Decimal("6.92"),
            Decimal("11.50"),
            initial=30,
            increment=6,
            connect_fee=Decimal("0.50"),
            grace=3,
        ),
    ]
    for delimiter in (",", ";"):
        text = write_price_list(entries, delimiter=delimiter)
        again = parse_price_list(text)
        assert again == entries
        # Not only equal in value: written back digit for digit.
        assert write_price_list(again, delimiter=delimiter) == text
    assert write_price_list(entries).splitlines()[1] == "Bulgaria,359,0.011200,0.06,0.04,60,60,0,0"


_rates = st.decimals(min_value=0, max_value=100, places=6, allow_nan=False, allow_infinity=False)
_entries = st.lists(
    st.builds(
        PriceEntry,
        country=st.text(min_size=1, max_size=20).filter(
            lambda s: s.strip() and "\r" not in s and not looks_like_formula(s.strip())
        ),
        code=st.from_regex(r"[0-9]{1,15}", fullmatch=True),
        wholesale_usd=_rates,
        retail=st.none() | _rates,
        initial=st.integers(1, 600),
        increment=st.integers(1, 600),
        connect_fee=_rates,
        grace=st.integers(0, 30),
    ),
    max_size=8,
    unique_by=lambda e: e.code,
)


@settings(max_examples=60, **_RELAXED)
@given(_entries)
def test_round_trip_property(entries: list[PriceEntry]) -> None:
    text = write_price_list(entries)
    assert parse_price_list(text) == [
        PriceEntry(
            e.country.strip(),
            e.code,
            e.wholesale_usd,
            e.retail,
            e.retail_offpeak,
            e.initial,
            e.increment,
            e.connect_fee,
            e.grace,
        )
        for e in entries
    ]


def test_the_shipped_sample_price_list_is_valid_and_realistic() -> None:
    entries = parse_price_list(SAMPLE.read_bytes())
    codes = {e.code for e in entries}
    assert len(entries) >= 300
    assert {
        "359",
        "35987",
        "35988",
        "35989",
        "4915",
        "4916",
        "4917",
        "1",
        "44",
        "86",
        "91",
    } <= codes
    assert any(e.retail is None for e in entries)  # a premium range without retail
    assert any(e.retail_offpeak is not None for e in entries)
    assert any((e.initial, e.increment) == (1, 1) for e in entries)
    assert any((e.initial, e.increment) == (30, 6) for e in entries)
    assert write_price_list(entries) == SAMPLE.read_text(encoding="utf-8")


def test_semicolon_file_errors_carry_line_numbers() -> None:
    text = (
        "country;code;wholesale_usd;retail\n"
        "Bulgaria;359;0,0112;0,06\n"
        "Bad;44;0,01;x\n"
        "Worse;45;0,01,5;0,05\n"
    )
    assert _errors(text) == [
        (3, "retail is not a number: 'x'"),
        (4, "wholesale_usd is not a number: '0,01,5'"),
    ]
