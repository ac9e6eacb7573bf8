"""Only ``init`` creates a database: any other command run where there is none says
which database it looked for and how to point at another (the demo's, say)."""

from __future__ import annotations

import argparse
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callshop_pos.clock import FakeClock
from callshop_pos.config import database_url
from callshop_pos.services.admin import booths
from main import main
from tests.callshop_pos.support import make_shop
from ui.demo import demo_url, demo_wanted


@pytest.fixture
def empty_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CALLSHOP_DB", raising=False)
    monkeypatch.setenv("CALLSHOP_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    "command",
    [
        ["settings", "show"],
        ["db", "status"],
        ["db", "upgrade"],
        ["booths", "list"],
    ],
)
def test_a_command_refuses_to_create_a_database(
    empty_data_dir: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code = main(command)
    err = capsys.readouterr().err
    assert code != 0
    assert str(empty_data_dir / "callshop.db") in err
    assert "callshop-pos init" in err
    assert str(empty_data_dir / "demo.db") in err and "--db" in err
    assert not (empty_data_dir / "callshop.db").exists()


def test_an_explicit_missing_database_is_refused_too(
    empty_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = empty_data_dir / "elsewhere.db"
    assert main(["--db", f"sqlite:///{missing}", "settings", "show"]) != 0
    assert str(missing) in capsys.readouterr().err
    assert not missing.exists()


def _make_demo_database(folder: Path) -> None:
    """A demo database as the window leaves it (users, booths), nothing else."""
    seeded = make_shop(
        f"sqlite:///{folder / 'demo.db'}", FakeClock(datetime(2026, 1, 5, tzinfo=UTC))
    )
    booths.add_booth(seeded.shop, seeded.admin, "Booth 1")
    seeded.shop.close()


def test_in_demo_mode_a_command_uses_the_demo_database_as_the_window_does(
    empty_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _make_demo_database(empty_data_dir)
    demo = f"sqlite:///{empty_data_dir / 'demo.db'}"
    assert database_url(data=empty_data_dir) == demo
    # The window's choice (no --db, no CALLSHOP_DB, no shop database: the demo's).
    assert demo_wanted(argparse.Namespace(db=None), empty_data_dir)
    assert demo_url(empty_data_dir) == demo
    assert main(["booths", "list"]) == 0
    assert "Booth 1" in capsys.readouterr().out
    assert not (empty_data_dir / "callshop.db").exists()


def test_init_creates_the_shops_own_database_beside_the_demos(
    empty_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _make_demo_database(empty_data_dir)
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["init", "--admin", "owner"]) == 0
    assert (empty_data_dir / "callshop.db").exists()
    # From now on both the window and the commands use the shop's database.
    assert database_url(data=empty_data_dir) == f"sqlite:///{empty_data_dir / 'callshop.db'}"
    assert not demo_wanted(argparse.Namespace(db=None), empty_data_dir)
    capsys.readouterr()
    assert main(["booths", "list"]) == 0
    assert "Booth 1" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "command",
    [
        ["engine", "--driver", "simulator", "--exit-when-done"],
        ["restore", "backup.db", "--user", "admin"],
    ],
)
def test_the_engine_and_restore_refuse_a_missing_database(
    empty_data_dir: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main(command) != 0
    err = capsys.readouterr().err
    assert str(empty_data_dir / "callshop.db") in err and "callshop-pos init" in err
    assert list(empty_data_dir.glob("*.db")) == []
    assert list(empty_data_dir.glob("*.lock")) == []
