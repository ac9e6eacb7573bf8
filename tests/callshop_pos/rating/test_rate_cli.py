"""``callshop-pos rate``: run as a real process (``python main.py rate …``), no database."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from callshop_pos.cli import build_parser, run

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "resources" / "prices" / "sample.csv"
OFFPEAK = "Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00"


def _run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "rate", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_rates_a_call_file(tmp_path: Path) -> None:
    prices = _write(
        tmp_path / "prices.csv",
        "country,code,wholesale_usd,retail,retail_offpeak,initial,increment,connect_fee,grace\n"
        "Bulgaria,359,0.0112,0.06,0.04,60,60,0,0\n"
        "Bulgaria mobile A1,35988,0.0269,0.12,0.09,1,1,0,0\n"
        "Bulgaria premium,359900,0.42,,,60,60,0,0\n"
        "United Kingdom,44,0.0069,0.15,,90,60,0,0\n"
        "Turkey,90,0.021,0.30,,60,60,0.05,5\n",
    )
    calls = _write(
        tmp_path / "calls.csv",
        "number,answered_at,duration\n"
        "0888 123 456,2026-03-04T12:00:00,61.4\n"
        "0888 123 456,2026-03-04T21:00:00,60\n"
        "+44 20 7946 0000,2026-03-04T12:00:00,100\n"
        "0090 212 555,2026-03-04T12:00:00,4\n"
        "0090 212 555,2026-03-04T12:00:00,5\n"
        "0900 123 45,2026-03-04T12:00:00,30\n"
        "*123#,2026-03-04T12:00:00,10\n"
        "00 999 1234,2026-03-04T12:00:00,0\n",
    )
    out = tmp_path / "out.csv"
    data_dir = Path(os.environ["CALLSHOP_DATA_DIR"])  # this test's own (tests/conftest.py)
    result = _run("--prices", prices, "--offpeak", OFFPEAK, "--out", out, calls)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert list(data_dir.iterdir()) == []  # no database created or touched
    assert "8 calls: 5 rated, 3 unrated" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "number,normalized,answered_at,duration,status,prefix,country,"
        "billable_seconds,price,wholesale_usd"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["status"] for r in rows] == ["rated"] * 5 + ["unrated"] * 3
    first = rows[0]
    assert first == {
        "number": "0888 123 456",
        "normalized": "359888123456",
        "answered_at": "2026-03-04T12:00:00",
        "duration": "61.4",
        "status": "rated",
        "prefix": "35988",
        "country": "Bulgaria mobile A1",
        "billable_seconds": "61",
        "price": "0.12",  # 61/60 × 0.12 = 0.122
        "wholesale_usd": "0.027348",  # 0.0269 × 61/60 = 0.02734833…
    }
    assert rows[1]["price"] == "0.09"  # off-peak evening
    assert (rows[2]["billable_seconds"], rows[2]["price"]) == ("150", "0.38")  # 90/60
    assert (rows[3]["billable_seconds"], rows[3]["price"]) == ("0", "0.00")  # under grace
    assert (rows[4]["billable_seconds"], rows[4]["price"]) == ("60", "0.35")  # connect fee
    premium = rows[5]
    assert premium["prefix"] == "359900"  # no fallback to 359's price
    assert (premium["billable_seconds"], premium["price"]) == ("", "")
    assert premium["wholesale_usd"] == "0.210000"  # the carrier bills it anyway
    service = rows[6]
    assert {
        k: service[k] for k in ("normalized", "prefix", "country", "price", "wholesale_usd")
    } == {
        "normalized": "",
        "prefix": "",
        "country": "",
        "price": "",
        "wholesale_usd": "",
    }
    assert rows[7]["normalized"] == "9991234" and rows[7]["prefix"] == ""


def test_writes_to_stdout_with_the_sample_price_list_and_settings(tmp_path: Path) -> None:
    calls = _write(
        tmp_path / "calls.csv",
        "duration,number,answered_at\n"  # any column order
        "95,011 1 212 555 0100,2026-03-07T10:00:00\n"
        "60,1 212 555 0100,2026-03-07T10:00:00+02:00\n",
    )
    result = _run(
        "--prices",
        SAMPLE,
        "--intl-prefixes",
        "00,+,011",
        "--country-code",
        "1",
        "--national-prefix",
        "",
        "--tz",
        "America/New_York",
        calls,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["normalized"], r["prefix"], r["billable_seconds"]) for r in rows] == [
        ("12125550100", "1212", "96"),  # 30/6
        ("12125550100", "1212", "60"),
    ]


def test_bad_call_file_names_the_lines_and_writes_nothing(tmp_path: Path) -> None:
    calls = _write(
        tmp_path / "calls.csv",
        "number,answered_at,duration\n"
        "0888123456,2026-03-04T12:00:00,60\n"
        "0888123456,yesterday,60\n"
        ",2026-03-04T12:00:00,-5\n",
    )
    out = tmp_path / "out.csv"
    result = _run("--prices", SAMPLE, "--out", out, calls)
    assert result.returncode != 0
    assert "line 3: answered_at is not an ISO 8601 time: 'yesterday'" in result.stderr
    assert "line 4: number is missing" in result.stderr
    assert "line 4: duration must not be negative: '-5'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def _run_in_process(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    """The same command through the CLI frame, in this process (fast error-path checks)."""
    code = run(build_parser().parse_args(["rate", *map(str, args)]))
    return code, capsys.readouterr().err


def test_missing_column_bad_price_list_and_bad_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = _write(tmp_path / "calls.csv", "number,duration\n0888123456,60\n")
    code, err = _run_in_process(capsys, "--prices", SAMPLE, calls)
    assert code == 1 and "line 1: missing column 'answered_at'" in err

    good = _write(tmp_path / "good.csv", "number,answered_at,duration\n1,2026-01-01T00:00,1\n")
    prices = _write(tmp_path / "p.csv", "country,code,wholesale_usd,retail\nX,1,abc,0.1\n")
    code, err = _run_in_process(capsys, "--prices", prices, good)
    assert code == 1 and "line 2: wholesale_usd is not a number: 'abc'" in err

    code, err = _run_in_process(
        capsys, "--prices", SAMPLE, "--offpeak", "Mon-Fri 25:00-08:00", good
    )
    assert code == 1 and "off-peak" in err

    code, err = _run_in_process(capsys, "--prices", SAMPLE, "--tz", "Mars/Olympus", good)
    assert code == 1 and "unknown time zone 'Mars/Olympus'" in err

    code, err = _run_in_process(capsys, "--prices", SAMPLE, "--intl-prefixes", "00,x", good)
    assert code == 1 and "international prefix" in err

    code, err = _run_in_process(capsys, "--prices", tmp_path / "missing.csv", good)
    assert code == 1 and "cannot read the price list" in err

    code, err = _run_in_process(capsys, "--prices", SAMPLE, tmp_path / "none.csv")
    assert code == 1 and "cannot read the call file" in err

    bad_csv = _write(
        tmp_path / "bad.csv", 'number,answered_at,duration\n"0888,2026-01-01T00:00,1\n'
    )
    code, err = _run_in_process(capsys, "--prices", SAMPLE, bad_csv)
    assert code == 1 and "line 2: unreadable CSV" in err
