"""``callshop-pos report``: the owner's report, with the catch-up's progress on stderr."""

from __future__ import annotations

import io
import random
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from callshop_pos.services.admin import users
from callshop_pos.services.context import Shop
from main import main
from tests.callshop_pos.services.admin_data import T0, add_shift, insert_calls, random_calls


def test_report_shows_the_catch_up_progress_then_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with Shop.open(url) as shop:
        boss = users.create_first_admin(shop, "boss", "boss-pass")
        shifts = [
            add_shift(shop, boss.user_id, T0 + timedelta(days=40 * i), closed=True)
            for i in range(3)
        ]
        for i, shift_id in enumerate(shifts):
            insert_calls(
                shop, random_calls(random.Random(i), 20, T0 + timedelta(days=40 * i), 2, [shift_id])
            )

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO("boss-pass\n"))
        code = main(["--db", url, "report", *args, "--user", "boss"])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, err = run("2026-01-01", "2026-12-31", "--by", "booth")
    assert code == 0, err
    assert err.splitlines() == [
        "summing closed shifts for the reports: 0 of 3",
        "summing closed shifts for the reports: 1 of 3",
        "summing closed shifts for the reports: 2 of 3",
        "summing closed shifts for the reports: 3 of 3",
    ]  # a month at a time: the three shifts are in three months
    lines = out.splitlines()
    assert lines[-2].startswith("total") and any(line.startswith("Booth 1") for line in lines)
    assert lines[-1].startswith("revenue is call prices, without cash rounding; cash rounding")
    code, _, err = run("2026-01-01", "2026-12-31")
    assert code == 0 and err == ""  # nothing left to sum
    code, out, _ = run("2026-01-01", "2026-12-31", "--csv", str(tmp_path / "r.csv"))
    assert code == 0 and (tmp_path / "r.csv").read_text(encoding="utf-8").count("\n") > 300
    with pytest.raises(SystemExit):
        run("2026-13-01", "2026-12-31")
    assert "not a date" in capsys.readouterr().err
