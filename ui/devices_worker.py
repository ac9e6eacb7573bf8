"""Device calls off the GUI thread: a printer that is out of paper never freezes the till.

Every device port (receipt printer, cash drawer, pole display, fiscal device) may
block on a serial line, a socket or an HTTP request for seconds. A
:class:`DeviceWorker` runs such calls one after another on its own thread — one
device, one queue, so a drawer kick is sent before the receipt that follows it —
and hands each outcome back on the GUI thread through a queued signal. Failures
arrive as a sentence for the cashier (:func:`describe_error`), never as a traceback.

A plain Python thread is used rather than a ``QThreadPool``: code run on a Qt-made
thread that touches :mod:`threading` leaves a ``_DummyThread`` behind for ever on
Python 3.11, which makes stopping (and leak checks in tests) unreliable; this
thread is started on the first job and joined by :meth:`DeviceWorker.close`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from callshop_pos.errors import CallShopError

__all__ = ["DeviceWorker", "describe_error"]

T = TypeVar("T")

#: How long a blocking call may take before the "please wait" window appears.
BUSY_AFTER_MS = 400


def describe_error(exc: BaseException) -> str:
    """A device failure as one sentence for the cashier."""
    if isinstance(exc, CallShopError):
        return str(exc)  # already written for the cashier by the core or the driver
    if isinstance(exc, TimeoutError):
        return QCoreApplication.translate(
            "DeviceWorker", "The device did not answer in time ({error})."
        ).format(error=exc)
    if isinstance(exc, OSError):
        return QCoreApplication.translate(
            "DeviceWorker", "The device is not reachable: {error}"
        ).format(error=exc.strerror or exc)
    return QCoreApplication.translate(
        "DeviceWorker", "Unexpected device error ({kind}): {error}"
    ).format(kind=type(exc).__name__, error=exc)


@dataclass
class _Job:
    label: str
    call: Callable[[], Any]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[str, BaseException], None] | None
    result: Any = None
    error: BaseException | None = field(default=None)


class DeviceWorker(QObject):
    """Runs device jobs in order on one thread; outcomes come back on the GUI thread.

    :meth:`submit` queues a job and returns at once; its ``on_done(result)`` or
    ``on_error(message, exception)`` runs later on the GUI thread, and
    :attr:`job_done` / :attr:`job_failed` are emitted for every job. :meth:`run_blocking`
    is for the rare call whose answer the cashier must wait for (registering a sale
    on the fiscal device): the window keeps painting while it waits.
    """

    job_done = Signal(str, object)  # label, result
    job_failed = Signal(str, str)  # label, message for the cashier
    idle = Signal()  # the queue ran empty

    _finished = Signal(object)  # worker thread -> GUI thread

    def __init__(self, name: str = "devices", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pending = 0
        self._closed = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        """Jobs queued or running whose outcome has not been delivered yet."""
        return self._pending

    def submit(
        self,
        label: str,
        call: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[str, BaseException], None] | None = None,
    ) -> None:
        """Queue ``call`` (run on the worker thread); callbacks run on the GUI thread."""
        if self._closed:
            raise RuntimeError(f"device worker {self.name} is closed")
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name=f"callshop-{self.name}", daemon=True
            )
            self._thread.start()
        self._pending += 1
        self._queue.put(_Job(label, call, on_done, on_error))

    def run_blocking(self, call: Callable[[], T], *, busy_text: str = "") -> T:
        """Run ``call`` on the worker thread and return its result (or raise its error).

        The GUI keeps repainting and receiving live booth state meanwhile, but user
        input is held back until the answer is in, so nothing can be clicked twice;
        after :data:`BUSY_AFTER_MS` a small "please wait" window says what is going on.
        """
        outcome: dict[str, Any] = {}
        loop = QEventLoop()

        def done(result: Any) -> None:
            outcome["result"] = result
            loop.quit()

        def failed(_message: str, exc: BaseException) -> None:
            outcome["error"] = exc
            loop.quit()

        self.submit("blocking call", call, done, failed)
        busy = QTimer()
        busy.setSingleShot(True)
        shown: list[QProgressDialog] = []
        if busy_text:
            busy.timeout.connect(lambda: shown.append(self._busy_window(busy_text)))
            busy.start(BUSY_AFTER_MS)
        try:
            if not outcome:
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            busy.stop()
            for window in shown:
                window.close()
                window.deleteLater()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]  # type: ignore[no-any-return]

    def close(self, timeout: float = 5.0) -> None:
        """Finish the queued jobs and stop the thread (waits up to ``timeout`` seconds)."""
        self._closed = True
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._queue.put(None)
        thread.join(timeout)

    # ---- worker thread

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                job.result = job.call()
            except BaseException as exc:
                job.error = exc
            try:
                self._finished.emit(job)
            except RuntimeError:  # the QObject is gone (window closed): nobody to tell
                return

    # ---- GUI thread

    @Slot(object)
    def _deliver(self, job: _Job) -> None:
        self._pending -= 1
        if job.error is None:
            if job.on_done is not None:
                job.on_done(job.result)
            self.job_done.emit(job.label, job.result)
        else:
            message = describe_error(job.error)
            if job.on_error is not None:
                job.on_error(message, job.error)
            self.job_failed.emit(job.label, message)
        if self._pending == 0:
            self.idle.emit()

    @staticmethod
    def _busy_window(text: str) -> QProgressDialog:
        parent = QApplication.activeModalWidget() or QApplication.activeWindow()
        window = QProgressDialog(text, "", 0, 0, parent if isinstance(parent, QWidget) else None)
        window.setCancelButton(None)
        window.setWindowModality(Qt.WindowModality.ApplicationModal)
        window.setMinimumDuration(0)
        window.setWindowTitle(QCoreApplication.translate("DeviceWorker", "Please wait"))
        window.show()
        return window
