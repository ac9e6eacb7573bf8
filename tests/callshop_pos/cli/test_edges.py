"""Bad input at the command line's edges: a clear error, nothing changed, no traceback."""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from callshop_pos.services.admin import users
from callshop_pos.services.context import Shop
from main import main

ROOT = Path(__file__).resolve().parents[3]
ARABIC_100 = "\u0661\u0660\u0660"  # "١٠٠"


class Cli:
    def __init__(
        self, db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.db = db
        self._monkeypatch = monkeypatch
        self._capsys = capsys

    def __call__(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        self._capsys.readouterr()
        self._monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--db", f"sqlite:///{self.db}", *args])
        out, err = self._capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out, err)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    runner = Cli(tmp_path / "shop.db", monkeypatch, capsys)
    with Shop.open(f"sqlite:///{runner.db}") as shop:
        users.create_first_admin(shop, "boss", "boss-pass")
    return runner


def test_unicode_digits_are_not_an_amount(cli: Cli) -> None:
    done = cli("shifts", "open", "--float", ARABIC_100, "--user", "boss", stdin="boss-pass\n")
    assert done.returncode != 0
    assert "not a number" in done.stderr and "Traceback" not in done.stderr
    opened = cli("shifts", "open", "--float", "100", "--user", "boss", stdin="boss-pass\n")
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.startswith("Shift 1 opened"), opened.stdout  # the first one
    done = cli("fx", "set", "\u0661.\u0669", "--user", "boss", stdin="boss-pass\n")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    done = cli(
        "settings", "set", "cash_rounding_unit", "\u0665", "--user", "boss", stdin="boss-pass\n"
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr


def test_a_40_digit_duration_in_rate_is_a_clear_error(tmp_path: Path) -> None:
    prices = tmp_path / "p.csv"
    prices.write_text("country,code,wholesale_usd,retail\nBulgaria,359,0.01,0.10\n")
    calls = tmp_path / "c.csv"
    calls.write_text(
        "number,answered_at,duration\n"
        "0035988123,2026-01-05T10:00:00,60\n"
        "0035988123,2026-01-05T10:00:00,1234567890123456789012345678901234567890\n"
        "0035988123,2026-01-05T10:00:00,1e5\n"
        f"0035988123,2026-01-05T10:00:00,{ARABIC_100}\n"
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "rate", "--prices", str(prices), str(calls)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    assert "line 3: duration must be at most" in done.stderr
    assert "line 4: duration is not a number" in done.stderr
    assert "line 5: duration is not a number" in done.stderr
    assert done.stdout == ""


def test_prices_export_round_trips_through_import(cli: Cli, tmp_path: Path) -> None:
    sample = (ROOT / "resources" / "prices" / "sample.csv").read_text(encoding="utf-8")
    extra = "Atlantis (+9999) mobile,99997,0.02,0.15\nSt. Helena,2909,1.5,2.0\n"
    source = tmp_path / "prices.csv"
    source.write_text(sample + extra, encoding="utf-8")
    done = cli("prices", "import", str(source), "--user", "boss", stdin="boss-pass\n")
    assert done.returncode == 0, done.stderr
    for delimiter in (",", ";"):
        exported = tmp_path / f"export{delimiter == ';'}.csv"
        done = cli(
            "prices",
            "export",
            str(exported),
            "--delimiter",
            delimiter,
            "--user",
            "boss",
            stdin="boss-pass\n",
        )
        assert done.returncode == 0, done.stderr
        assert "'" not in exported.read_text(encoding="utf-8")  # nothing needed neutralising
        done = cli("prices", "import", str(exported), "--user", "boss", stdin="boss-pass\n")
        assert done.returncode == 0, done.stderr
        assert "0 added, 0 removed, 0 changed" in done.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text('country,code,wholesale_usd,retail\n=HYPERLINK("x"),49,0.01,0.2\n')
    done = cli("prices", "import", str(bad), "--user", "boss", stdin="boss-pass\n")
    assert done.returncode != 0
    assert "line 2: country '=HYPERLINK(\"x\")' must not start with =" in done.stderr


def test_ledger_history_csv_neutralises_an_old_formula_reference(cli: Cli) -> None:
    done = cli(
        "ledger",
        "topup",
        "100",
        "--date",
        "2026-01-05",
        "--method",
        "bank",
        "--reference",
        '=HYPERLINK("http://x")',
        "--user",
        "boss",
        stdin="boss-pass\n",
    )
    assert done.returncode != 0 and "formula" in done.stderr
    done = cli(
        "ledger",
        "topup",
        "100",
        "--date",
        "2026-01-05",
        "--method",
        "bank",
        "--reference",
        "INV-1",
        "--user",
        "boss",
        stdin="boss-pass\n",
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(cli.db) as raw:  # as written before references were checked
        raw.execute("UPDATE ledger_entries SET reference = '@SUM(A1)'")
    done = cli("ledger", "history", "--format", "csv", "--user", "boss", stdin="boss-pass\n")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0][6] == "reference" and rows[1][6] == "'@SUM(A1)"
