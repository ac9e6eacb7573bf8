"""``callshop-pos calls unrecorded`` / ``calls resolve``: the call events the database
refused for good, listed and resolved headless."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callshop_pos.services.admin import users
from callshop_pos.services.context import Shop
from callshop_pos.services.unrecorded import set_aside
from tests.callshop_pos.cli.test_commands import InProcessCli


@pytest.fixture
def ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcessCli:
    cli = InProcessCli(tmp_path / "shop.db", monkeypatch, capsys)
    with Shop.open(f"sqlite:///{cli.db}") as shop:
        users.create_first_admin(shop, "boss", "boss-pass")
        set_aside(
            shop,
            "B1",
            "ref-1",
            "ended",
            json.dumps({"call_ref": "ref-1"}),
            "OverflowError: Python int too large to convert to SQLite INTEGER",
        )
    return cli


def test_list_and_resolve_unrecorded_calls(ready: InProcessCli) -> None:
    shown = ready("calls", "unrecorded", "--user", "boss", "--format", "json", stdin="boss-pass\n")
    assert shown.returncode == 4, shown.stderr  # open ones: a monitoring script alerts
    (row,) = json.loads(shown.stdout)
    assert (row["booth"], row["call_ref"], row["kind"]) == ("B1", "ref-1", "ended")
    assert json.loads(row["event"]) == {"call_ref": "ref-1"}
    table = ready("calls", "unrecorded", "--user", "boss", stdin="boss-pass\n")
    assert "ref-1" in table.stdout and "OverflowError" in table.stdout
    refused = ready(
        "calls", "resolve", str(row["id"]), "--user", "boss", "--note", " ", stdin="boss-pass\n"
    )
    assert refused.returncode == 1 and "say how" in refused.stderr
    done = ready(
        "calls",
        "resolve",
        str(row["id"]),
        "--user",
        "boss",
        "--note",
        "charged by hand",
        stdin="boss-pass\n",
    )
    assert done.returncode == 0, done.stderr
    left = ready("calls", "unrecorded", "--user", "boss", "--format", "json", stdin="boss-pass\n")
    assert left.returncode == 0 and json.loads(left.stdout) == []
