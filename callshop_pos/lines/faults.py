"""Why a call record could not be written, and what the engine's writer does about it.

- :attr:`Fault.BUSY` — the database is locked, a transaction lost a race, the
  connection dropped: retried in order (after a few failures in a row the records
  go to the spill journal meanwhile, see :mod:`callshop_pos.lines.spill`);
- :attr:`Fault.STORAGE` — the database cannot take writes now (disk full, read-only,
  file or schema gone, I/O error): records go to the spill journal at once and new
  calls are refused until it can;
- :attr:`Fault.REFUSED` — the database (or the application) refuses this record for
  good (a value out of range, a broken constraint, an overflow): retrying cannot
  help, so it is set aside in full as an unrecorded call and the queue goes on;
- :attr:`Fault.UNKNOWN` — anything else (a bug): retried a few times, then set aside.
"""

from __future__ import annotations

import sqlite3
from enum import Enum

from sqlalchemy import exc as sa_exc

from callshop_pos.errors import CallShopError

__all__ = ["ClassifiedError", "Fault", "classify"]


class Fault(Enum):
    BUSY = "busy"
    STORAGE = "storage"
    REFUSED = "refused"
    UNKNOWN = "unknown"


class ClassifiedError(Exception):
    """A failure classified where it happened (in the call writer's own process, see
    :mod:`callshop_pos.engine_store.writer_process`): ``fault`` says what it is."""

    def __init__(self, fault: Fault, message: str) -> None:
        super().__init__(message)
        self.fault = fault


# SQLite primary result codes (the extended code's low byte).
_SQLITE_BUSY = {5, 6}  # BUSY, LOCKED
_SQLITE_STORAGE = {8, 10, 11, 13, 14, 26}  # READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB
_SQLITE_REFUSED = {18, 19, 20, 25}  # TOOBIG, CONSTRAINT, MISMATCH, RANGE


def _sqlite(orig: sqlite3.Error) -> Fault:
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        primary = code & 0xFF
        if primary in _SQLITE_BUSY:
            return Fault.BUSY
        if primary in _SQLITE_STORAGE:
            return Fault.STORAGE
        if primary in _SQLITE_REFUSED:
            return Fault.REFUSED
    text = str(orig).lower()
    if "locked" in text or "busy" in text:
        return Fault.BUSY
    if any(w in text for w in ("disk", "readonly", "read-only", "unable to open", "i/o")):
        return Fault.STORAGE
    if isinstance(orig, (sqlite3.IntegrityError, sqlite3.DataError)):
        return Fault.REFUSED
    return Fault.BUSY


def _sqlstate(state: str) -> Fault:
    cls = state[:2]
    if cls in ("22", "23"):  # data exception, integrity constraint violation
        return Fault.REFUSED
    if cls in ("53", "58") or state in ("25006", "3D000") or cls == "42":
        # insufficient resources (disk full), system/IO error, read-only transaction,
        # database or table gone / no permission: the database cannot take writes now
        return Fault.STORAGE
    return Fault.BUSY  # 08 connection, 40 rollback (serialisation, deadlock), 57 shutdown


def classify(exc: BaseException) -> Fault:
    """What kind of failure ``exc`` (raised while writing one record) is."""
    if isinstance(exc, ClassifiedError):
        return exc.fault
    if isinstance(exc, CallShopError):
        return Fault.REFUSED  # the application's own refusal: a given answer
    if isinstance(exc, sa_exc.DBAPIError):
        orig = exc.orig
        if isinstance(orig, sqlite3.Error):
            return _sqlite(orig)
        state = getattr(orig, "sqlstate", None)
        if isinstance(state, str) and len(state) == 5:
            return _sqlstate(state)
        if isinstance(exc, (sa_exc.IntegrityError, sa_exc.DataError)):
            return Fault.REFUSED
        return Fault.BUSY
    if isinstance(exc, sa_exc.StatementError):
        return Fault.REFUSED  # a value the driver could not even bind
    if isinstance(exc, (ArithmeticError, ValueError, TypeError)):
        return Fault.REFUSED  # OverflowError, decimal errors, values out of range
    if isinstance(exc, OSError):
        return Fault.STORAGE
    return Fault.UNKNOWN
