"""DeviceWorker: device calls off the GUI thread, outcomes back on it, clear messages."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer

from callshop_pos.receipts.ports import DeviceError
from ui.devices_worker import DeviceWorker, describe_error


@pytest.fixture
def worker(qtbot):
    w = DeviceWorker("test")
    yield w
    w.close()


def test_jobs_run_in_order_off_the_gui_thread(qtbot, worker: DeviceWorker) -> None:
    gui = threading.get_ident()
    ran_on: list[int] = []
    delivered_on: list[int] = []
    results: list[int] = []

    def job(n: int) -> int:
        ran_on.append(threading.get_ident())
        return n

    def done(result: int) -> None:
        results.append(result)
        delivered_on.append(threading.get_ident())

    with qtbot.waitSignal(worker.idle, timeout=5000):
        for n in range(5):
            worker.submit(f"job {n}", lambda n=n: job(n), on_done=done)
        assert worker.pending == 5
    assert results == [0, 1, 2, 3, 4]
    assert len(ran_on) == 5 and gui not in ran_on
    assert delivered_on == [gui] * 5
    assert worker.pending == 0


def test_a_failure_is_a_sentence_for_the_cashier(qtbot, worker: DeviceWorker) -> None:
    def paper_out() -> None:
        raise DeviceError("receipt printer: paper out")

    errors: list[str] = []
    with qtbot.waitSignal(worker.job_failed, timeout=5000) as failed:
        worker.submit("receipt", paper_out, on_error=lambda message, _exc: errors.append(message))
    assert failed.args == ["receipt", "receipt printer: paper out"]
    assert errors == ["receipt printer: paper out"]
    # The next job still runs: one failure does not stop the queue.
    with qtbot.waitSignal(worker.job_done, timeout=5000) as done:
        worker.submit("next", lambda: 42)
    assert done.args == ["next", 42]


def test_describe_error_wording() -> None:
    assert describe_error(DeviceError("paper out")) == "paper out"
    assert "not reachable" in describe_error(ConnectionRefusedError(111, "Connection refused"))
    assert "Connection refused" in describe_error(ConnectionRefusedError(111, "Connection refused"))
    assert "did not answer in time" in describe_error(TimeoutError("timed out"))
    assert "ZeroDivisionError" in describe_error(ZeroDivisionError("division by zero"))


def test_run_blocking_keeps_the_gui_running(qtbot, worker: DeviceWorker) -> None:
    """The call waits for an event only the GUI thread sets: it can finish only if the
    GUI keeps processing events (timers here) while the caller waits."""
    released = threading.Event()
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(20)

    def tick() -> None:
        ticks.append(1)
        if len(ticks) == 3:
            released.set()

    timer.timeout.connect(tick)
    timer.start()
    try:
        result = worker.run_blocking(lambda: released.wait(5) and "registered")
    finally:
        timer.stop()
    assert result == "registered" and len(ticks) >= 3


def test_run_blocking_raises_the_callers_error(qtbot, worker: DeviceWorker) -> None:
    def refuse() -> None:
        raise DeviceError("fiscal printer not reachable")

    with pytest.raises(DeviceError, match="not reachable"):
        worker.run_blocking(refuse)
    assert worker.pending == 0


def test_close_stops_the_thread_and_refuses_new_jobs(qtbot) -> None:
    worker = DeviceWorker("closing")
    with qtbot.waitSignal(worker.idle, timeout=5000):
        worker.submit("one", lambda: None)
    names = {t.name for t in threading.enumerate()}
    assert "callshop-closing" in names
    worker.close()
    assert "callshop-closing" not in {t.name for t in threading.enumerate()}
    with pytest.raises(RuntimeError, match="closed"):
        worker.submit("late", lambda: None)
