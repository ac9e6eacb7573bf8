"""Suite-wide fixtures: every test gets its own data directory, never the user's.

Also how the whole suite is spread over parallel workers (pytest-xdist, see
docs/testing.md): ``-n auto`` in setup.cfg asks :func:`pytest_xdist_auto_num_workers`
for the number, and each worker puts the longest test files first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import wall_clock

#: Workers for a run of the whole suite: much of it waits on real time (SIPp calls, child
#: processes, timeouts), so more workers than cores keep both cores busy.
WORKERS = 4


def pytest_configure(config: pytest.Config) -> None:
    # CALLSHOP_TEST_NOW: run the whole suite (and its child processes) on another wall
    # clock, e.g. a Sunday night or across a DST change (see tests/wall_clock).
    if wall_clock.start_from_env():
        wall_clock.export_to_children()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: :data:`WORKERS` for the whole suite (no paths given, or only the
    ``tests`` folder itself); one process (no workers) for a chosen file, folder or
    test, as a developer runs them. ``-n N`` on the command line overrides this, and so
    does ``PYTEST_XDIST_AUTO_NUM_WORKERS``."""
    from_env = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
    if from_env:
        return int(from_env)
    whole = config.rootpath / "tests"
    if all(Path(arg.split("::")[0]).resolve() == whole for arg in config.args):
        return WORKERS
    return 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a parallel run, the files with a ``long`` test come first, then those with a
    ``slow`` one, then the rest (each file's tests keep their order): the long real-time
    tests start at once and the rest of the suite runs beside them."""
    if not hasattr(config, "workerinput"):
        return
    rank: dict[Path, int] = {}
    for item in items:
        mine = 0 if item.get_closest_marker("long") else 1 if item.get_closest_marker("slow") else 2
        rank[item.path] = min(rank.get(item.path, 2), mine)
    items.sort(key=lambda item: rank[item.path])


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("CALLSHOP_DATA_DIR", str(data))
    monkeypatch.delenv("CALLSHOP_DB", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    yield data
