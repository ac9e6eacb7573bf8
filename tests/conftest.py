"""Suite-wide fixtures: every test gets its own data directory, never the user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import wall_clock


def pytest_configure(config: pytest.Config) -> None:
    # CALLSHOP_TEST_NOW: run the whole suite (and its child processes) on another wall
    # clock, e.g. a Sunday night or across a DST change (see tests/wall_clock).
    if wall_clock.start_from_env():
        wall_clock.export_to_children()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("CALLSHOP_DATA_DIR", str(data))
    monkeypatch.delenv("CALLSHOP_DB", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    yield data
