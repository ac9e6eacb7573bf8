"""The spill journal: call records kept in a file while the database cannot take them.

When the database cannot be written (disk full, read-only, gone, or busy for too
long) the engine's writer appends every pending record to ``unsaved-calls-<db>.jsonl``
— one JSON object a line, flushed and ``fsync``'d before it counts as kept — in
the first of its directories that takes it (the configured spill directory, then the
data directory, then the system's temporary directory). The records are replayed
into the database, in order, as soon as it takes writes again, and at the next start
before anything else; the files are removed once every record is in. Every record is
idempotent on its call reference (see :mod:`callshop_pos.lines.recorder`), so a
replay cut short by a crash and started again records nothing twice.

The JSON form of a record (:func:`record_json`) is also what an unrecorded call keeps.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from callshop_pos.lines.booth import RecordAnswer, RecordEnd, RecordStart, SaveLock
from callshop_pos.lines.cards import CardCheck, CardSettle, CardStart
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import CallStart, FinishedCallRating

__all__ = [
    "Beat",
    "Record",
    "SpillJournal",
    "default_spill_dirs",
    "record_from_json",
    "record_json",
    "spill_name",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Beat:
    """The engine's heartbeat (see :meth:`CallRecorder.heartbeat`)."""

    at: datetime


Record = (
    RecordStart | RecordAnswer | RecordEnd | SaveLock | Beat | CardCheck | CardStart | CardSettle
)


def _t(at: datetime) -> str:
    return at.isoformat()


def record_json(record: Record) -> dict[str, Any]:
    """The record as plain JSON values (times ISO 8601, enums their values)."""
    match record:
        case RecordStart(start=s):
            return {
                "kind": "started",
                "booth": s.booth,
                "call_ref": s.call_ref,
                "number": s.number,
                "setup_at": _t(s.setup_at),
            }
        case RecordAnswer():
            return {
                "kind": "answered",
                "booth": record.booth,
                "call_ref": record.call_ref,
                "at": _t(record.at),
            }
        case RecordEnd():
            r = record.rating
            card = {} if record.card_id is None else {"card_id": record.card_id}
            return {
                **card,
                "kind": "ended",
                "booth": record.booth,
                "call_ref": record.call_ref,
                "at": _t(record.at),
                "reason": record.reason.value,
                "side": record.side.value,
                "flags": list(record.flags),
                "answered": record.answered,
                "detail": record.detail,
                "rating": {
                    "normalized": r.normalized,
                    "prefix": r.prefix,
                    "destination": r.destination,
                    "price_version_id": r.price_version_id,
                    "duration_s": r.duration_s,
                    "billable_s": r.billable_s,
                    "price_minor": r.price_minor,
                    "wholesale_micro_usd": r.wholesale_micro_usd,
                    "offpeak": r.offpeak,
                },
            }
        case SaveLock():
            return {"kind": "lock", "booth": record.booth, "locked": record.locked}
        case CardCheck():
            return {
                "kind": "card_check",
                "booth": record.booth,
                "call_ref": record.call_ref,
                "at": _t(record.at),
                "reason": record.reason,
                "card_id": record.card_id,
            }
        case CardStart():
            return {
                "kind": "card_start",
                "booth": record.booth,
                "call_ref": record.call_ref,
                "card_id": record.card_id,
                "at": _t(record.at),
            }
        case CardSettle():
            return {
                "kind": "card_settle",
                "booth": record.booth,
                "call_ref": record.call_ref,
                "card_id": record.card_id,
                "amount_minor": record.amount_minor,
                "at": _t(record.at),
            }
        case Beat():
            return {"kind": "beat", "at": _t(record.at)}
    raise TypeError(f"not a record: {record!r}")  # pragma: no cover - exhaustive


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def record_from_json(data: dict[str, Any]) -> Record:
    """The record :func:`record_json` made (raises KeyError/ValueError on a bad one)."""
    kind = data["kind"]
    if kind == "started":
        return RecordStart(
            CallStart(
                str(data["booth"]),
                str(data["call_ref"]),
                str(data["number"]),
                datetime.fromisoformat(data["setup_at"]),
            )
        )
    if kind == "answered":
        return RecordAnswer(
            str(data["call_ref"]), datetime.fromisoformat(data["at"]), str(data.get("booth", ""))
        )
    if kind == "ended":
        r = data["rating"]
        rating = FinishedCallRating(
            normalized=r["normalized"],
            prefix=r["prefix"],
            destination=r["destination"],
            price_version_id=_opt_int(r["price_version_id"]),
            duration_s=int(r["duration_s"]),
            billable_s=int(r["billable_s"]),
            price_minor=_opt_int(r["price_minor"]),
            wholesale_micro_usd=_opt_int(r["wholesale_micro_usd"]),
            offpeak=bool(r["offpeak"]),
        )
        return RecordEnd(
            str(data["booth"]),
            str(data["call_ref"]),
            datetime.fromisoformat(data["at"]),
            HangupReason(data["reason"]),
            HangupSide(data["side"]),
            rating,
            tuple(str(f) for f in data["flags"]),
            bool(data["answered"]),
            str(data["detail"]),
            _opt_int(data.get("card_id")),
        )
    if kind == "card_check":
        return CardCheck(
            str(data["booth"]),
            str(data["call_ref"]),
            datetime.fromisoformat(data["at"]),
            str(data["reason"]),
            _opt_int(data.get("card_id")),
        )
    if kind == "card_start":
        return CardStart(
            str(data["booth"]),
            str(data["call_ref"]),
            int(data["card_id"]),
            datetime.fromisoformat(data["at"]),
        )
    if kind == "card_settle":
        return CardSettle(
            str(data["booth"]),
            str(data["call_ref"]),
            int(data["card_id"]),
            int(data["amount_minor"]),
            datetime.fromisoformat(data["at"]),
        )
    if kind == "lock":
        return SaveLock(str(data["booth"]), bool(data["locked"]))
    if kind == "beat":
        return Beat(datetime.fromisoformat(data["at"]))
    raise ValueError(f"unknown record kind {kind!r}")


def spill_name(database: str) -> str:
    """The spill file's name for a database (its URL hashed: no password in a name)."""
    digest = hashlib.sha256(database.encode("utf-8")).hexdigest()[:12]
    return f"unsaved-calls-{digest}.jsonl"


def default_spill_dirs(configured: Path | None, data_dir: Path) -> list[Path]:
    """Where records are spilled, in order of preference."""
    found: list[Path] = []
    for d in (configured, data_dir, Path(tempfile.gettempdir()) / "callshop-pos-spill"):
        if d is not None and d not in found:
            found.append(d)
    return found


class SpillJournal:
    """Append-only, fsync'd files of pending records (see the module docstring).

    Used by one thread at a time (the engine's writer, or start-up before it).
    """

    def __init__(self, dirs: Sequence[Path], name: str) -> None:
        if not dirs:
            raise ValueError("a spill journal needs at least one directory")
        self.dirs = list(dirs)
        self.name = name
        self._out: TextIO | None = None
        self._out_path: Path | None = None
        self._seq = 0
        self._skip: list[Path] = []  # directories that failed since the last clear
        self.count = len(self.entries())  # records waiting from an earlier run

    @property
    def files(self) -> list[Path]:
        return [d / self.name for d in self.dirs if (d / self.name).exists()]

    @property
    def where(self) -> str:
        """Where records are (or will be) spilled, for messages."""
        path = self._out_path or (self.files[0] if self.files else self.dirs[0] / self.name)
        return str(path)

    def append(self, record: Record) -> bool:
        """Keep ``record`` durably; False when no directory would take it."""
        self._seq += 1
        line = (
            json.dumps(
                {"t": time.time_ns(), "n": self._seq, "record": record_json(record)},
                separators=(",", ":"),
            )
            + "\n"
        )
        for directory in self._candidates():
            try:
                out = self._open(directory)
                out.write(line)
                out.flush()
                os.fsync(out.fileno())
            except OSError as exc:
                log.error("cannot spill call records to %s: %s", directory, exc)
                self._close()
                self._skip.append(directory)
                continue
            self.count += 1
            return True
        return False

    def _candidates(self) -> list[Path]:
        if self._out_path is not None:  # stay with the file in use (order of records)
            current = self._out_path.parent
            return [current] + [d for d in self.dirs if d != current and d not in self._skip]
        left = [d for d in self.dirs if d not in self._skip]
        if not left:  # every one failed: try them all again (space may have been freed)
            self._skip = []
            left = list(self.dirs)
        return left

    def _open(self, directory: Path) -> TextIO:
        if self._out is not None and self._out_path == directory / self.name:
            return self._out
        self._close()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / self.name
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        out = os.fdopen(fd, "a", encoding="utf-8")
        _fsync_dir(directory)  # the new name survives a power cut too
        self._out, self._out_path = out, path
        return out

    def _close(self) -> None:
        if self._out is not None:
            with contextlib.suppress(OSError):
                self._out.close()
        self._out = None
        self._out_path = None

    def entries(self) -> list[Record]:
        """Every record waiting, oldest first (a torn last line of a crash is left out)."""
        found: list[tuple[int, int, int, Record]] = []
        for rank, path in enumerate(self.files):
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                log.error("cannot read spilled call records %s: %s", path, exc)
                continue
            for i, line in enumerate(lines):
                try:
                    item = json.loads(line)
                    found.append(
                        (int(item["t"]), rank, int(item["n"]), record_from_json(item["record"]))
                    )
                except (ValueError, KeyError, TypeError) as exc:
                    last = i == len(lines) - 1
                    (log.warning if last else log.error)(
                        "%s line %d is not a record (%s)%s",
                        path,
                        i + 1,
                        exc,
                        ": cut short by a crash, left out" if last else "; skipped",
                    )
        found.sort(key=lambda f: (f[0], f[1], f[2]))
        return [f[3] for f in found]

    def clear(self) -> None:
        """Remove the files (every record in them is in the database now)."""
        self._close()
        for path in self.files:
            try:
                path.unlink()
                _fsync_dir(path.parent)
            except OSError as exc:
                log.error(
                    "cannot remove %s (its records are saved; it is replayed again harmlessly): %s",
                    path,
                    exc,
                )
        self.count = 0
        self._skip = []

    def close(self) -> None:
        self._close()


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
