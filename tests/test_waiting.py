"""The tests' one wait_for: event-based, with a polling fallback and a clear timeout."""

from __future__ import annotations

import threading
import time

import pytest

from tests.waiting import Changes, wait_for


def test_a_notification_wakes_the_waiter_before_the_poll_interval() -> None:
    changes = Changes()
    state = {"done": False}

    def later() -> None:
        time.sleep(0.05)
        state["done"] = True
        changes.notify("event")

    thread = threading.Thread(target=later)
    thread.start()
    start = time.monotonic()
    wait_for(lambda: state["done"], timeout=30, changes=changes, poll=20)
    elapsed = time.monotonic() - start
    thread.join()
    assert elapsed < 10  # woken by the notification, not by the 20 s poll


def test_state_that_changes_silently_is_seen_by_polling() -> None:
    state = {"n": 0}

    def bump() -> bool:
        state["n"] += 1
        return state["n"] >= 3

    wait_for(bump, timeout=5, poll=0.001)
    assert state["n"] == 3


def test_timeout_names_what_was_awaited() -> None:
    with pytest.raises(AssertionError, match=r"booth idle not reached in 0\.05 s"):
        wait_for(lambda: False, timeout=0.05, what="booth idle")
