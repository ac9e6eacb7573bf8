"""``callshop-pos backup`` / ``restore`` and the warning after a Z whose copy failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from callshop_pos.lines.engine_lock import EngineLock
from callshop_pos.services.admin import users
from callshop_pos.services.auth import Role
from callshop_pos.services.context import Shop
from tests.callshop_pos.cli.test_commands import Cli, InProcessCli

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcessCli:
    inproc = InProcessCli(tmp_path / "shop.db", monkeypatch, capsys)
    with Shop.open(f"sqlite:///{inproc.db}") as shop:
        admin = users.create_first_admin(shop, "boss", "boss-pass")
        users.add_user(shop, admin, "olga", "olga-pass-1", Role.OPERATOR)
    usb = tmp_path / "usb"
    result = inproc(
        "settings",
        "set",
        f"backup_dir={usb}",
        "backup_keep=2",
        "--user",
        "boss",
        stdin="boss-pass\n",
    )
    assert result.returncode == 0, result.stderr
    return inproc


def _shift(cli: InProcessCli) -> None:
    assert (
        cli("shifts", "open", "--float", "0", "--user", "olga", stdin="olga-pass-1\n").returncode
        == 0
    )
    closed = cli("shifts", "close", "--counted", "0", "--user", "olga", stdin="olga-pass-1\n")
    assert closed.returncode == 0, closed.stderr


def test_backup_list_and_restore(ready: InProcessCli, tmp_path: Path) -> None:
    cli = ready
    made = cli("backup")
    assert made.returncode == 0, made.stderr
    assert "verified" in made.stdout
    _shift(cli)  # the Z makes the second copy
    listed = cli("backup", "--list").stdout.splitlines()
    assert len(listed) == 2
    first = Path(listed[0].split()[0])
    assert cli("backup", "--if-due").stdout.startswith("no backup due")
    refused = cli("restore", str(first), "--user", "boss", stdin="boss-pass\n")
    assert refused.returncode == 1 and "--force" in refused.stderr
    done = cli("restore", str(first), "--force", "--user", "boss", stdin="boss-pass\n")
    assert done.returncode == 0, done.stderr
    assert "forced" in done.stdout and "before-restore" in done.stdout
    verified = Cli(cli.db)("verify")
    assert verified.returncode == 0, verified.stderr


def test_restore_waits_for_no_engine(ready: InProcessCli) -> None:
    cli = ready
    cli("backup")
    copy = cli("backup", "--list").stdout.split()[0]
    with EngineLock(f"sqlite:///{cli.db}", cli.db.parent):
        result = cli("restore", copy, "--force", "--user", "boss", stdin="boss-pass\n")
    assert result.returncode == 1 and "stop the line engine" in result.stderr


def test_a_failed_backup_is_shown_after_the_z(ready: InProcessCli, tmp_path: Path) -> None:
    cli = ready
    (tmp_path / "blocked").write_text("not a folder")
    assert (
        cli(
            "settings",
            "set",
            f"backup_dir={tmp_path / 'blocked' / 'x'}",
            "--user",
            "boss",
            stdin="boss-pass\n",
        ).returncode
        == 0
    )
    assert (
        cli("shifts", "open", "--float", "0", "--user", "olga", stdin="olga-pass-1\n").returncode
        == 0
    )
    closed = cli("shifts", "close", "--counted", "0", "--user", "olga", stdin="olga-pass-1\n")
    assert closed.returncode == 0
    assert "Z" in closed.stdout
    assert "backup" in closed.stderr and "failed" in closed.stderr


def test_backup_on_postgresql_points_to_pg_dump(pg_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "main.py", "--db", pg_url, "backup"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "pg_dump" in result.stderr and "docs/backup.md" in result.stderr
