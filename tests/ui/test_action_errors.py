"""Issue 13 point 3: a failing cashier or admin action is shown in plain words, logged
with its traceback to the rotating log in the data directory, and changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from callshop_pos import journal
from callshop_pos.errors import InvalidInput
from callshop_pos.services.till import shifts
from tests.callshop_pos.support import SeededShop
from tests.ui.support import FakeEngine, cashier_window, when_dialog
from ui import action_errors
from ui.action_errors import LOG, LOG_FILE_NAME, guarded, install_action_log, plain_words
from ui.bridge import EngineBridge
from ui.calls_model import StatusFilter


@pytest.fixture
def action_log(tmp_path: Path) -> Iterator[Path]:
    handler = install_action_log(tmp_path, max_bytes=2000, backups=2)
    try:
        yield tmp_path / LOG_FILE_NAME
    finally:
        LOG.removeHandler(handler)
        handler.close()


@pytest.fixture
def window(qtbot, seeded: SeededShop):
    shop, _admin, olga = seeded
    shifts.open_shift(shop, olga, 5000)
    bridge = EngineBridge()
    engine = FakeEngine(bridge, booths=2, shop=shop)
    engine.publish_all()
    return cashier_window(qtbot, shop, olga, bridge, engine, booths=2)


def test_a_bug_in_a_cashier_action_is_shown_logged_and_changes_nothing(
    qtbot, window, action_log: Path, monkeypatch
) -> None:
    call_id = window.calls_maker.finish("Booth 1", price_minor=450)
    qtbot.waitUntil(lambda: window.calls.model.find(call_id) is not None)
    window.calls.select_calls([call_id])
    before = window.till.current_shift()

    def broken_append(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    # The service writes the status change, then the journal entry fails: a bug.
    monkeypatch.setattr(journal, "append", broken_append)
    seen: dict[str, str] = {}

    def reason(dialog) -> None:
        dialog.reason_combo.setEditText("Owner's call")
        dialog.ok_button.click()
        seen["error"] = dialog.error_label.text()
        dialog.reject()

    when_dialog(window, reason)
    window.unpaid_action.trigger()
    assert "error in the program; nothing was changed" in seen["error"]
    assert "ZeroDivisionError" in seen["error"] and str(action_log) in seen["error"]
    log = action_log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "broken_append" in log
    # Nothing changed: the call is still unserved, the figures are the same.
    assert window.till.shift_calls()[0].status == "unserved"
    assert window.till.current_shift() == before
    assert window.calls.model.find(call_id).status == "unserved"


def test_a_menu_action_that_fails_shows_a_box_instead_of_stderr(
    qtbot, window, action_log: Path, monkeypatch
) -> None:
    def broken() -> None:
        raise KeyError("shift")

    monkeypatch.setattr(window.till, "x_report", broken)
    seen: dict[str, str] = {}

    def box(dialog) -> None:
        assert isinstance(dialog, QMessageBox)
        seen["text"] = dialog.text()
        dialog.accept()

    when_dialog(window, box)
    window.close_shift_action.trigger()
    assert "nothing was changed" in seen["text"] and "KeyError" in seen["text"]
    assert "nothing was changed" in window.statusBar().currentMessage()
    assert window.till.current_shift() is not None  # still open
    assert "Traceback" in action_log.read_text(encoding="utf-8")


def test_a_known_error_is_its_own_message_and_a_one_line_log(action_log: Path) -> None:
    text = plain_words(InvalidInput("The amount must be positive."), "take deposit")
    assert text == "The amount must be positive."
    log = action_log.read_text(encoding="utf-8")
    assert "take deposit refused: The amount must be positive." in log
    assert "Traceback" not in log


def test_the_log_rotates(action_log: Path) -> None:
    for n in range(40):
        plain_words(RuntimeError(f"failure {n} " + "x" * 80), "bench")
    files = sorted(p.name for p in action_log.parent.glob(LOG_FILE_NAME + "*"))
    assert files == [LOG_FILE_NAME, LOG_FILE_NAME + ".1", LOG_FILE_NAME + ".2"]


def test_guarded_slot_reports_to_its_owner(qtbot, caplog) -> None:
    shown: list[str] = []

    class Owner:
        def show_failure(self, text: str) -> None:
            shown.append(text)

    def slot() -> None:
        raise ValueError("expected cash is not float + payments - refunds")

    with caplog.at_level(logging.ERROR, logger=LOG.name):
        guarded(Owner(), slot, "save report")()
    assert len(shown) == 1 and "ValueError" in shown[0]
    assert "program's error output" in shown[0]  # no log file installed here
    assert action_errors.log_file() is None
    assert caplog.records[0].exc_info is not None


def test_back_to_unserved_of_several_calls_is_all_or_nothing(
    qtbot, window, action_log: Path, monkeypatch
) -> None:
    """The window returned calls one by one: a failure on the second left the first
    already changed. Now one service call moves them all in one transaction."""
    first = window.calls_maker.finish("Booth 1", price_minor=100)
    second = window.calls_maker.finish("Booth 2", price_minor=200)
    qtbot.waitUntil(lambda: window.calls.model.find(second) is not None)
    window.till.mark_unpaid([first, second], "Owner's call")
    window.calls.show_status(StatusFilter.ALL)
    window.calls.select_calls([first, second])
    real_append = journal.append

    def append_then_fail(session, actor, action, **kwargs):
        # Fails on the journal entry that records the second call's change, after
        # the first call's change has been written.
        from callshop_pos.db.models.calls import Call

        subject, payload = kwargs.get("subject"), kwargs.get("payload") or {}
        if (isinstance(subject, Call) and subject.id == second) or second in payload.get(
            "calls", ()
        ):
            raise ZeroDivisionError("division by zero")
        return real_append(session, actor, action, **kwargs)

    monkeypatch.setattr(journal, "append", append_then_fail)
    seen: dict[str, str] = {}

    def reason(dialog) -> None:
        dialog.reason_combo.setEditText("Marked by mistake")
        dialog.ok_button.click()
        seen["error"] = dialog.error_label.text()
        dialog.reject()

    when_dialog(window, reason)
    window.unserved_action.trigger()
    monkeypatch.undo()
    assert "nothing was changed" in seen["error"]
    assert {c.id: c.status for c in window.till.shift_calls()} == {
        first: "unpaid",
        second: "unpaid",
    }


def test_an_admin_action_that_fails_is_shown_and_logged(
    qtbot, action_log: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QWidget

    from ui.admin import common

    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        common.QMessageBox, "warning", lambda _parent, title, text: shown.append((title, text))
    )

    def save_settings() -> None:
        raise TypeError("unsupported operand")

    assert common.call_service(parent, save_settings) is None
    assert common.call_service(parent, lambda: 42) == 42
    assert len(shown) == 1 and "nothing was changed" in shown[0][1]
    log = action_log.read_text(encoding="utf-8")
    assert "save_settings failed" in log and "TypeError: unsupported operand" in log
