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
    # A quoted cell may span lines; a name must not hold a line break (it is refused).
    text = f'{HEADER}\n"Multi\nline",1,0.1,0.2\nBad,y,0.1,0.2\n'
    assert _errors(text) == [
        (2, "country contains a control character (tab, line break, …)"),
        (4, "bad code 'y' (must be 1–15 digits)"),
    ]


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
        country=st.text(
            st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20
        ).filter(lambda s: s.strip() == s and not looks_like_formula(s)),
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


# ---- bounds at the edge (issue: a huge retail price was accepted and crashed rating)

FULL = "country,code,wholesale_usd,retail,retail_offpeak,initial,increment,connect_fee,grace"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("A,1,0.1,99999999999999999999", "retail must be below 100,000: '99999999999999999999'"),
        ("A,1,100000,0.2", "wholesale_usd must be below 100,000: '100000'"),
        ("A,1,0.1,0.2,100000.5", "retail_offpeak must be below 100,000: '100000.5'"),
        ("A,1,0.1,0.2,,,,100000", "connect_fee must be below 100,000: '100000'"),
        ("A,1,0.1,0.2,,3601", "initial must be at most 3600 seconds: '3601'"),
        (
            "A,1,0.1,0.2,,,99999999999999999999999999999999999999",
            "increment must be at most 3600 seconds: '99999999999999999999999999999999999999'",
        ),
        ("A,1,0.1,0.2,,,,,3601", "grace must be at most 3600 seconds: '3601'"),
        ("A,1,0.1,0.2,,0", "initial must be ≥ 1: '0'"),
        ("A,1234567890123456,0.1,0.2", "bad code '1234567890123456' (must be 1–15 digits)"),
        ("A,١٢,0.1,0.2", "bad code '١٢' (must be 1–15 digits)"),
        ("A,1,١٠٠,0.2", "wholesale_usd is not a number: '١٠٠'"),
        ("A,1,0.1,0.2,,١٠", "initial must be a whole number of seconds ≥ 1: '١٠'"),
        (f"{'x' * 101},1,0.1,0.2", "country is longer than 100 characters (101)"),
        ("A\x07B,1,0.1,0.2", "country contains a control character (tab, line break, …)"),
    ],
)
def test_every_value_is_bounded_with_its_line(row: str, problem: str) -> None:
    assert _errors(f"{FULL}\nOk,2,0.1,0.2\n{row}\n") == [(3, problem)]


def test_values_at_the_bounds_are_accepted() -> None:
    (entry,) = parse_price_list(
        f"{FULL}\n{'x' * 100},123456789012345,99999.999999,99999.999999,99999.999999,"
        "3600,3600,99999.999999,3600\n"
    )
    assert entry.retail == Decimal("99999.999999") and entry.initial == 3600
    assert len(entry.country) == 100


def test_entries_built_in_code_have_the_same_bounds() -> None:
    with pytest.raises(InvalidInput, match="retail must be below 100,000"):
        PriceEntry("A", "1", Decimal("0.1"), Decimal("99999999999999999999"))
    with pytest.raises(InvalidInput, match="initial must be a whole number 1–3600"):
        PriceEntry("A", "1", Decimal("0.1"), Decimal(1), initial=3601)
    with pytest.raises(InvalidInput, match="control character"):
        PriceEntry("A\tB", "1", Decimal("0.1"), Decimal(1))
    with pytest.raises(InvalidInput, match="longer than 100"):
        PriceEntry("x" * 101, "1", Decimal("0.1"), Decimal(1))


def test_a_decode_error_names_its_own_line() -> None:
    data = f"{HEADER}\nA,1,0.1,0.2\nB,2,0.1,0.2\n".encode() + b"C\xff,3,0.1,0.2\nD,4,0.1,0.2\n"
    assert _errors(data) == [(4, "not UTF-8 text (invalid start byte at byte 2 of the line)")]
    # ... also after a row with problems, which are reported too
    data = f"{HEADER}\nA,x,0.1,0.2\n".encode() + b"\xc3(,3,0.1,0.2\n"
    errors = _errors(data)
    assert [line for line, _ in errors] == [2, 3]


def test_more_rows_than_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from callshop_pos.rating import pricelist

    monkeypatch.setattr(pricelist, "MAX_ROWS", 3)
    rows = "".join(f"A,{i},0.1,0.2\n" for i in range(1, 4))
    assert len(parse_price_list(f"{HEADER}\n{rows}\n\n")) == 3  # blank lines do not count
    assert _errors(f"{HEADER}\n{rows}\nB,9,0.1,0.2\n") == [
        (6, "more than 3 rows (the most a price list may have)")
    ]


def test_an_overlong_line_is_refused() -> None:
    data = f"{HEADER}\nA,1,0.1,0.2\n".encode() + b"B" * (64 * 1024 + 1) + b",2,0.1,0.2\n"
    assert _errors(data) == [(3, "line longer than 65,536 bytes")]


def test_stored_lines_are_sorted_and_give_back_the_entries() -> None:
    from callshop_pos.rating.pricelist import entries_from_lines, entry_line, price_list_lines

    text = (
        f"{FULL}\nGermany,49,0.012,0.30,,60,60,0,0\nBulgaria,359,0.010,0.20\n"
        "Bulgaria mobile,35988,0.045,0.40,0.30,30,6,0.05,3\nUSA,1,0.01,0.1\n"
    )
    lines = price_list_lines(text)
    assert [line.split("\t")[0] for line in lines] == ["1", "359", "35988", "49"]
    assert lines == sorted(entry_line(e) for e in parse_price_list(text))
    assert list(entries_from_lines(lines)) == sorted(parse_price_list(text), key=lambda e: e.code)
    # the same from bytes (a stream) and with ';' and decimal commas
    assert price_list_lines(text.encode()) == lines
    semicolons = text.replace(",", ";").replace("0.", "0,")
    assert price_list_lines(semicolons) == lines


def test_stored_lines_refuse_duplicates_naming_the_lines() -> None:
    import io

    from callshop_pos.rating.pricelist import price_list_lines

    data = f"{HEADER}\nA,5,0.1,0.2\nB,1,0.1,0.2\nC,5,0.1,0.3\n".encode()
    for source in (data, io.BytesIO(data)):
        with pytest.raises(PriceListError) as caught:
            price_list_lines(source)
        assert caught.value.errors == [(4, "duplicate code 5 (first on line 2)")]


def test_cells_with_spaces_read_the_same_as_without() -> None:
    from callshop_pos.rating.pricelist import price_list_lines

    plain = f"{FULL}\nGermany,49,0.012,0.30,0.2,30,6,0.05,3\nUK,44,0.01,0.2\n"
    spaced = f"{FULL}\n Germany , 49,0.012 ,0.30,0.2 , 30,6, 0.05,3 \nUK\t,44,0.01,0.2\n"
    assert price_list_lines(spaced) == price_list_lines(plain)
    assert parse_price_list(spaced) == parse_price_list(plain)
    assert parse_price_list(spaced)[0].country == "Germany"
