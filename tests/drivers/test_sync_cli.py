"""``callshop-pos sync …`` and ``verify`` with central, headless (in-process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callshop_pos.clock import FakeClock
from callshop_pos.services import outbox
from callshop_pos.services.context import Shop
from tests.callshop_pos.cli.test_commands import InProcessCli
from tests.callshop_pos.support import make_shop
from tests.callshop_pos.sync.support import close_a_busy_shift
from tests.drivers.sync_support import free_port

ADMIN = ("--user", "admin")


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcessCli:
    runner = InProcessCli(tmp_path / "shop.db", monkeypatch, capsys)
    seeded = make_shop(f"sqlite:///{runner.db}", FakeClock())
    close_a_busy_shift(seeded.shop, seeded.operator)
    seeded.shop.close()
    return runner


def token_file(tmp_path: Path, mode: int) -> Path:
    path = tmp_path / "central.token"
    path.write_text("cs_abc.secret-token\n")
    path.chmod(mode)
    return path


def nowhere() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


def test_link_refuses_a_token_file_others_may_read(cli: InProcessCli, tmp_path: Path) -> None:
    loose = token_file(tmp_path, 0o644)
    done = cli(
        "sync",
        "link",
        nowhere(),
        "--shop",
        "sofia-1",
        "--token-file",
        str(loose),
        *ADMIN,
        stdin="admin-pass\n",
    )
    assert done.returncode == 1
    assert "may be read by others" in done.stderr and "chmod 600" in done.stderr
    status = json.loads(cli("sync", "status", "--format", "json").stdout)
    assert status["linked"] is False and status["pending"] == 1


def test_link_status_push_and_verify_while_central_is_offline(
    cli: InProcessCli, tmp_path: Path
) -> None:
    url = nowhere()
    tight = token_file(tmp_path, 0o600)
    linked = cli(
        "sync",
        "link",
        url,
        "--shop",
        "sofia-1",
        "--token-file",
        str(tight),
        *ADMIN,
        stdin="admin-pass\n",
    )
    assert linked.returncode == 0, linked.stderr
    assert f"linked to {url} as shop sofia-1" in linked.stdout
    assert "does not answer yet" in linked.stdout
    pushed = cli("sync", "push")
    assert pushed.returncode == 4
    assert "central unreachable" in pushed.stderr and "1 item(s) still queued" in pushed.stderr
    status = json.loads(cli("sync", "status", "--format", "json").stdout)
    assert status["linked"] is True and status["url"] == url and status["pending"] == 1
    assert status["error_is_current"] and "unreachable" in status["last_error"]
    assert "secret-token" not in json.dumps(status)
    table = cli("sync", "status").stdout
    assert "pending:       1" in table and "last error" in table
    verified = cli("verify")
    assert verified.returncode == 0, verified.stderr
    assert "central: offline" in verified.stdout


def test_verify_says_when_not_linked(cli: InProcessCli) -> None:
    verified = cli("verify")
    assert verified.returncode == 0
    assert "central: not linked" in verified.stdout


def test_push_needs_a_link(cli: InProcessCli) -> None:
    pushed = cli("sync", "push")
    assert pushed.returncode == 1 and "not linked" in pushed.stderr


def test_retry_puts_parked_items_back_and_is_journaled(cli: InProcessCli) -> None:
    with Shop.open(f"sqlite:///{cli.db}") as shop:
        [item] = outbox.items(shop)
        outbox.mark_parked(shop, item.id, "central answered 422: bad")
    listed = cli("sync", "status")
    assert f"parked #{item.id}" in listed.stdout and "422" in listed.stdout
    refused = cli("sync", "retry", "99", *ADMIN, stdin="admin-pass\n")
    assert refused.returncode == 1 and "no parked outbox item 99" in refused.stderr
    operator = cli("sync", "retry", str(item.id), "--user", "olga", stdin="olga-pass\n")
    assert operator.returncode == 1
    done = cli("sync", "retry", str(item.id), *ADMIN, stdin="admin-pass\n")
    assert done.returncode == 0 and "1 item(s) back in the queue" in done.stdout
    status = json.loads(cli("sync", "status", "--format", "json").stdout)
    assert status["pending"] == 1 and status["parked"] == 0
    assert cli("verify").returncode == 0


def test_prices_list_when_nothing_was_received(cli: InProcessCli) -> None:
    done = cli("sync", "prices", "list", *ADMIN, stdin="admin-pass\n")
    assert done.returncode == 0 and "no wholesale price list" in done.stdout
