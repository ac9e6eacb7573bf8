"""Only ``init`` creates a database: any other command run where there is none says
which database it looked for and how to point at another (the demo's, say)."""

from __future__ import annotations

from pathlib import Path

import pytest

from main import main


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
