"""The headless commands: ``python main.py …`` with passwords on stdin.

Start-up, ``init`` and ``verify``'s exit status run in real subprocesses; the other
command flows run the same entry point (``main.main``) in-process with stdin replaced,
which exercises the same parsing and code without paying interpreter start-up per call.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from callshop_pos.services.admin import booths, users
from callshop_pos.services.context import Shop
from main import main

ROOT = Path(__file__).resolve().parents[3]
PRICES = "country,code,wholesale_usd,retail\nBulgaria,359,0.010,0.20\nGermany,49,0.012,0.30\n"


class Cli:
    def __init__(self, db: Path) -> None:
        self.db = db

    def __call__(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "main.py", "--db", f"sqlite:///{self.db}", *args],
            cwd=ROOT,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


class InProcessCli(Cli):
    def __init__(
        self, db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        super().__init__(db)
        self._monkeypatch = monkeypatch
        self._capsys = capsys

    def __call__(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        self._capsys.readouterr()
        self._monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--db", f"sqlite:///{self.db}", *args])
        out, err = self._capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out, err)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "shop.db")


@pytest.fixture
def inproc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcessCli:
    return InProcessCli(tmp_path / "shop.db", monkeypatch, capsys)


@pytest.fixture
def ready(inproc: InProcessCli) -> InProcessCli:
    """A database with the administrator boss / boss-pass, and an in-process runner.

    The production hasher is used, so the commands do not re-hash on every login."""
    cli = inproc
    with Shop.open(f"sqlite:///{cli.db}") as shop:
        users.create_first_admin(shop, "boss", "boss-pass")
    return cli


def test_init_creates_the_database_and_the_first_admin_once(cli: Cli) -> None:
    first = cli("init", "--admin", "boss", stdin="boss-pass\n")
    assert first.returncode == 0, first.stderr
    assert "administrator 'boss' created" in first.stdout
    assert cli.db.exists()
    again = cli("init", "--admin", "other", stdin="other-pass\n")
    assert again.returncode == 1
    assert "an administrator already exists" in again.stderr
    # Two passwords on stdin, one line each: the acting admin's, then the new user's.
    added = cli(
        "user",
        "add",
        "olga",
        "--role",
        "operator",
        "--user",
        "boss",
        stdin="boss-pass\nolga-pass\n",
    )
    assert added.returncode == 0, added.stderr
    assert "user 'olga' added (operator)" in added.stdout
    no_password = cli("init", "--admin", "x")
    assert no_password.returncode != 0 and "password is required" in no_password.stderr


def test_db_upgrade_and_status(inproc: InProcessCli) -> None:
    cli = inproc
    # Only init creates a database: upgrade refuses one that is not there ...
    result = cli("db", "upgrade")
    assert result.returncode != 0 and "callshop-pos init" in result.stderr
    assert not cli.db.exists()
    cli.db.touch()  # ... and migrates an existing (here empty) one
    result = cli("db", "upgrade")
    assert result.returncode == 0 and "migrated from empty" in result.stdout
    result = cli("db", "upgrade")
    assert result.returncode == 0 and "up to date" in result.stdout
    assert "revision:" in cli("db", "status").stdout


def test_user_commands(ready: Cli) -> None:
    cli = ready
    added = cli(
        "user",
        "add",
        "olga",
        "--role",
        "operator",
        "--user",
        "boss",
        stdin="boss-pass\nolga-pass\n",
    )
    assert added.returncode == 0, added.stderr
    assert "user 'olga' added (operator)" in added.stdout
    # An operator is refused by the service layer.
    refused = cli("user", "list", "--user", "olga", stdin="olga-pass\n")
    assert refused.returncode == 1 and "may not" in refused.stderr
    wrong = cli("user", "list", "--user", "boss", stdin="nope\n")
    assert wrong.returncode == 1 and "wrong user name or password" in wrong.stderr
    listed = cli("user", "list", "--user", "boss", stdin="boss-pass\n")
    assert "olga" in listed.stdout and "operator" in listed.stdout
    assert (
        cli("user", "passwd", "olga", "--user", "olga", stdin="olga-pass\nnew-pass\n").returncode
        == 0
    )
    assert cli("user", "disable", "olga", "--user", "boss", stdin="boss-pass\n").returncode == 0
    disabled = cli("user", "list", "--user", "olga", stdin="new-pass\n")
    assert disabled.returncode == 1 and "disabled" in disabled.stderr


def test_prices_import_export(ready: Cli, tmp_path: Path) -> None:
    cli = ready
    good = tmp_path / "prices.csv"
    good.write_text(PRICES, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(PRICES + "Nowhere,12a,0.01,0.10\nX,49,0.01,-1\n", encoding="utf-8")
    result = cli("prices", "import", str(bad), "--user", "boss", stdin="boss-pass\n")
    assert result.returncode == 1
    assert "line 4" in result.stderr and "line 5" in result.stderr
    result = cli("prices", "import", str(good), "--user", "boss", stdin="boss-pass\n")
    assert result.returncode == 0, result.stderr
    assert "imported 2 prices as version 1" in result.stdout
    out = tmp_path / "out.csv"
    assert (
        cli(
            "user",
            "add",
            "olga",
            "--role",
            "operator",
            "--user",
            "boss",
            stdin="boss-pass\nolga-pass\n",
        ).returncode
        == 0
    )
    refused = cli("prices", "export", str(out), "--user", "olga", stdin="olga-pass\n")
    assert refused.returncode == 1 and "may not" in refused.stderr and not out.exists()
    assert cli("prices", "export", str(out), "--user", "boss", stdin="boss-pass\n").returncode == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("country,code,wholesale_usd,retail")
    assert lines[1].startswith("Bulgaria,359,0.010,0.20") and len(lines) == 3
    assert "prices.csv" in cli("prices", "versions").stdout


def test_booths_and_verify(ready: Cli) -> None:
    cli = ready
    result = cli(
        "booths",
        "add",
        "Booth 1",
        "--driver",
        "sip",
        "--sip-user",
        "b1",
        "--prepaid",
        "--deposit",
        "10.00",
        "--user",
        "boss",
        stdin="boss-pass\nsip-secret\n",
    )
    assert result.returncode == 0, result.stderr
    assert cli("booths", "add", "Booth 2", "--user", "boss", stdin="boss-pass\n").returncode == 0
    listed = cli("booths", "list").stdout
    assert "Booth 1" in listed and "b1" in listed and "10.00" in listed and "Booth 2" in listed
    real = Cli(cli.db)  # exit statuses as a shell script sees them
    ok = real("verify")
    assert ok.returncode == 0 and "journal intact" in ok.stdout
    # Someone edits the database with the sqlite3 shell.
    conn = sqlite3.connect(cli.db, isolation_level=None)
    conn.execute("UPDATE booths SET default_deposit_minor = 1 WHERE name = 'Booth 1'")
    conn.close()
    broken = real("verify")
    assert broken.returncode == 3
    assert "first broken entry: entry #" in broken.stderr
    assert "booths #1 differs" in broken.stderr


def test_quicknet_booth_route_keeps_the_device(ready: Cli) -> None:
    cli = ready
    added = cli(
        "booths", "add", "Q1", "--driver", "quicknet", "--device", "/dev/phone0",
        "--route", "voip", "--user", "boss", stdin="boss-pass\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    changed = cli(
        "booths", "update", "Q1", "--route", "pstn", "--user", "boss", stdin="boss-pass\n"
    )
    assert changed.returncode == 0, changed.stderr
    shop = Shop.open(f"sqlite:///{cli.db}")
    try:
        assert booths.get_booth(shop, "Q1").driver_settings == {
            "device": "/dev/phone0",
            "route": "pstn",
        }
    finally:
        shop.close()
    bad = cli("booths", "update", "Q1", "--route", "isdn", "--user", "boss", stdin="boss-pass\n")
    assert bad.returncode != 0 and "voip" in bad.stderr and "pstn" in bad.stderr


def test_settings_show_and_set(ready: Cli) -> None:
    cli = ready
    result = cli(
        "settings",
        "set",
        "cash_rounding_unit=5",
        "intl_prefixes=00,+,011",
        "bgn_line_until=",
        "--user",
        "boss",
        stdin="boss-pass\n",
    )
    assert result.returncode == 0, result.stderr
    assert "cash_rounding_unit: 1 -> 5" in result.stdout
    assert 'intl_prefixes: ["00", "+"] -> ["00", "+", "011"]' in result.stdout
    bad = cli(
        "settings",
        "set",
        "cash_rounding_unit=0",
        "shop_name=X",
        "--user",
        "boss",
        stdin="boss-pass\n",
    )
    assert bad.returncode == 1 and "cash_rounding_unit" in bad.stderr
    unknown = cli("settings", "set", "colour=red", "--user", "boss", stdin="boss-pass\n")
    assert unknown.returncode == 1 and "unknown setting 'colour'" in unknown.stderr
    shown = cli("settings", "show", "--json")
    values = json.loads(shown.stdout)
    assert values["cash_rounding_unit"] == 5 and values["shop_name"] == ""
    assert values["bgn_line_until"] is None


def test_prices_import_asks_before_replacing_most_prices(
    ready: InProcessCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from callshop_pos.services.admin import prices

    many = tmp_path / "many.csv"
    many.write_text(
        "country,code,wholesale_usd,retail\n"
        + "".join(f"Place {i},{1000 + i},0.01,0.10\n" for i in range(490)),
        encoding="utf-8",
    )
    few = tmp_path / "few.csv"
    few.write_text(PRICES, encoding="utf-8")
    cli = ready

    def version_count() -> int:
        with Shop.open(f"sqlite:///{cli.db}") as shop:
            return len(prices.versions(shop))

    assert cli("prices", "import", str(many), "--user", "boss", stdin="boss-pass\n").returncode == 0
    # without a terminal: refused unless --yes, saying what would change
    refused = cli("prices", "import", str(few), "--user", "boss", stdin="boss-pass\n")
    assert refused.returncode == 1 and version_count() == 1
    assert "2 prices replace the active 490: 2 added, 490 removed, 0 changed" in refused.stderr
    assert "--yes" in refused.stderr and "Nothing was imported" in refused.stderr

    # on a terminal: asked; "n" imports nothing, "y" imports
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    questions: list[str] = []
    answer = "n"

    def ask(question: str) -> str:
        questions.append(question)
        return answer

    monkeypatch.setattr("builtins.input", ask)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "boss-pass")
    args = ["--db", f"sqlite:///{cli.db}", "prices", "import", str(few), "--user", "boss"]
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", Terminal())
    assert main(args) == 1 and version_count() == 1
    assert "490 removed" in questions[0] and "Import anyway? [y/N]" in questions[0]
    assert "nothing was imported" in capsys.readouterr().out
    answer = "y"
    assert main(args) == 0 and version_count() == 2
    assert "imported 2 prices" in capsys.readouterr().out
    # a list that removes less than half is not asked about; --yes never asks
    questions.clear()
    assert main([*args[:4], str(many), "--user", "boss"]) == 0  # adds 488: not asked
    smaller = tmp_path / "smaller.csv"
    smaller.write_text(
        many.read_text(encoding="utf-8").rsplit("\n", 101)[0] + "\n", encoding="utf-8"
    )
    assert main([*args[:4], str(smaller), "--user", "boss"]) == 0  # removes 100 of 490
    assert main([*args, "--yes"]) == 0 and version_count() == 5 and not questions
