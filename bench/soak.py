"""Soak: the line engine under abuse for a bounded time, then an audit of what it recorded.

For each database asked for (SQLite always; PostgreSQL with ``--pg-url``), the bench
runs ``callshop-pos engine`` with the simulator driver on ``--booths`` booths (64) and
a scripted scenario of calls (2–6 s ring, 0–60 s talk, ~15 % unanswered) spanning the
run, and meanwhile, for ``--duration`` seconds:

* SIGKILLs the engine at random moments (every ``--kill-every`` s on average) and
  starts it again (its start-up writes back any spill journal and recovers the calls
  the killed one left in progress);
* closes the open shift and opens the next every ``--close-every`` s (30), as a till
  would, through the services;
* runs ``verify`` every ``--verify-every`` s (10) and counts every report that is not
  intact (a *false alarm*: nothing is tampered with here);
* SQLite only, when run as root: puts the database on a tmpfs and fills that disk for
  ``--full-for`` s every ``--fill-every`` s, then frees it (the engine must refuse new
  calls, spill records to its journal on another disk, and write them back).

Then the last engine is stopped with SIGTERM and a final engine run (``--speed 10``,
``--exit-when-done``) finishes the scenario. Printed per database: calls made (scenario
lines), recorded (distinct call references in the calls table), **lost** (made but
not recorded: must be 0), **duplicated** (rows beyond one per reference: must be 0),
unrecorded calls set aside, false ``verify`` alarms (must be 0), kills, shift closes,
disk-full phases, non-zero engine exits at SIGTERM (a non-zero exit at a SIGTERM while
the disk is full is the expected warning, not a failure).

Usage: ``python bench/soak.py [--duration 120] [--pg-url postgresql+psycopg://…]``
(``--pg-url`` defaults to ``$CALLSHOP_TEST_PG_URL``; a fresh schema is created in it
and dropped afterwards). Exit status 1 when anything was lost or duplicated or
``verify`` raised a false alarm.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import random
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from callshop_pos.db.models.calls import Call, UnrecordedCall  # noqa: E402
from callshop_pos.services.admin.verify import verify  # noqa: E402
from callshop_pos.services.till.shifts import close_shift, open_shift  # noqa: E402
from tests.drivers.engine_support import engine_cmd, prepare_shop  # noqa: E402

NUMBERS = (
    "0049 30 1234567",
    "001 212 555 0100",
    "02 987 6543",
    "0888 123 456",
    "0044 20 7946 0123",
)


@dataclass
class Tally:
    name: str
    made: int = 0
    recorded: int = 0
    lost: int = 0
    duplicated: int = 0
    set_aside: int = 0
    verifies: int = 0
    false_alarms: int = 0
    kills: int = 0
    closes: int = 0
    close_failures: int = 0
    disk_full_phases: int = 0
    nonzero_exits: list[int] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.false_alarms == 0

    def show(self) -> str:
        lines = [
            f"{self.name}: {self.seconds:.0f} s of soak",
            f"  calls made {self.made}, recorded {self.recorded}, LOST {self.lost}, "
            f"DUPLICATED {self.duplicated}, set aside (unrecorded) {self.set_aside}",
            f"  verify runs {self.verifies}, FALSE ALARMS {self.false_alarms}",
            f"  SIGKILLs {self.kills}, shift closes {self.closes} "
            f"({self.close_failures} refused or failed), disk-full phases "
            f"{self.disk_full_phases}, non-zero exits at SIGTERM {self.nonzero_exits}",
        ]
        lines += [f"  alarm: {a}" for a in self.alarms[:5]]
        return "\n".join(lines)


def scenario(booths: int, span_s: int, rng: random.Random) -> str:
    rows = ["booth,start,number,ring,talk"]
    for b in range(1, booths + 1):
        t = rng.uniform(0, 20)
        while t < span_s:
            ring = rng.randint(2, 6)
            talk = 0 if rng.random() < 0.15 else rng.randint(1, 60)
            rows.append(f"Soak {b},{t:.1f},{rng.choice(NUMBERS)},{ring},{talk}")
            t += ring + talk + rng.uniform(2, 20)
    return "\n".join(rows) + "\n"


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[bool]:
    """Mount a tmpfs at ``path`` (root only); yields whether it is mounted."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        yield False
        return
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    try:
        yield done.returncode == 0
    finally:
        if done.returncode == 0:
            subprocess.run(["umount", "-l", str(path)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler


@contextlib.contextmanager
def pg_schema(base: str) -> Iterator[str]:
    schema = f"soak_{secrets.token_hex(5)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


class Engine:
    """One engine process at a time, its log appended to a file."""

    def __init__(self, url: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.url, self.args, self.env, self.log = url, args, env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def serving(self) -> bool:
        """Whether the latest start reached "serving" (its SIGTERM handler is set)."""
        with contextlib.suppress(OSError):
            return self.log.read_bytes().count(b"engine: serving") >= self.starts
        return False

    def start(self) -> None:
        self.starts += 1
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                engine_cmd(*self.args, db=self.url), cwd=ROOT, env=self.env, stdout=out, stderr=out
            )

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)

    def stop(self) -> int:
        assert self.proc is not None
        deadline = time.monotonic() + 60
        while not self.serving() and self.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def soak(name: str, url: str | None, opts: argparse.Namespace, work: Path) -> Tally:  # noqa: C901 - one round read top to bottom: engine, load, faults, checks
    tally = Tally(name)
    rng = random.Random(opts.seed)
    text_ = scenario(opts.booths, int(opts.duration), rng)
    tally.made = text_.count("\n") - 1
    scen = work / "scenario.csv"
    scen.write_text(text_)
    data = work / "data"
    data.mkdir()
    spill = work / "spill"
    env = dict(os.environ, CALLSHOP_DATA_DIR=str(data))
    with contextlib.ExitStack() as stack:
        disk: Path | None = None
        if url is None:
            mounted = stack.enter_context(tmpfs(work / "disk", opts.disk_size))
            disk = work / "disk" if mounted else None
            url = f"sqlite:///{(disk or data) / 'callshop.db'}"
        prep = prepare_shop(data, url=url)
        shop = prep.seeded.shop
        admin = prep.seeded.admin
        open_shift(shop, admin, 0)
        args = ["--scenario", str(scen), "--spill-dir", str(spill)]
        engine = Engine(url, args, env, work / "engine.log")
        stop = threading.Event()

        def verifier() -> None:
            while not stop.wait(opts.verify_every):
                try:
                    report = verify(shop)
                except Exception as exc:  # the database away (disk full): not an alarm
                    tally.alarms.append(f"verify could not run: {exc!r}"[:300])
                    continue
                tally.verifies += 1
                if not report.ok:
                    tally.false_alarms += 1
                    tally.alarms.append(report.describe(limit=3)[:500])

        def closer() -> None:
            while not stop.wait(opts.close_every):
                try:
                    close_shift(shop, admin, 0)
                    open_shift(shop, admin, 0)
                    tally.closes += 1
                except Exception as exc:
                    tally.close_failures += 1
                    tally.alarms.append(f"close/open failed: {exc!r}"[:300])
                    with contextlib.suppress(Exception):
                        open_shift(shop, admin, 0)

        def filler() -> None:
            if disk is None:
                return
            while not stop.wait(opts.fill_every):
                # SQLite reuses its write-ahead log's space: empty it first (as a
                # checkpoint does now and then), so the next writes need new blocks.
                with contextlib.suppress(sqlite3.Error):
                    conn = sqlite3.connect(disk / "callshop.db", timeout=15)
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    conn.close()
                path = fill(disk)
                tally.disk_full_phases += 1
                stop.wait(opts.full_for)
                path.unlink()

        threads = [threading.Thread(target=f, daemon=True) for f in (verifier, closer, filler)]
        began = time.monotonic()
        engine.start()
        for t in threads:
            t.start()
        try:
            while time.monotonic() - began < opts.duration:
                time.sleep(
                    min(
                        rng.expovariate(1 / opts.kill_every),
                        max(0.0, opts.duration - (time.monotonic() - began)),
                    )
                )
                if time.monotonic() - began >= opts.duration:
                    break
                engine.kill()
                tally.kills += 1
                engine.start()
        finally:
            tally.seconds = time.monotonic() - began
            stop.set()
            for t in threads:
                t.join(60)
            code = engine.stop()
            if code:
                tally.nonzero_exits.append(code)
        if disk is not None:
            with contextlib.suppress(FileNotFoundError):
                (disk / "filler").unlink()
        final = Engine(url, [*args, "--speed", "10", "--exit-when-done"], env, work / "final.log")
        final.start()
        assert final.proc is not None
        try:
            final.proc.wait(opts.duration * 2 + 120)
        except subprocess.TimeoutExpired:
            final.proc.kill()
            final.proc.wait()
            tally.alarms.append("the final engine run did not finish in time")
        if final.proc.returncode:
            tally.nonzero_exits.append(final.proc.returncode)
        with shop.db.read() as s:
            refs = [r for r in s.scalars(select(Call.call_ref)) if r.startswith("scn-")]
            tally.set_aside = int(s.scalar(select(func.count(UnrecordedCall.id))) or 0)
        distinct = {int(r.rsplit("-", 1)[1]) for r in refs}
        tally.recorded = len(distinct)
        tally.lost = tally.made - len(distinct & set(range(2, tally.made + 2)))
        tally.duplicated = len(refs) - len(distinct)
        report = verify(shop)
        tally.verifies += 1
        if not report.ok:
            tally.false_alarms += 1
            tally.alarms.append("final: " + report.describe(limit=3)[:500])
        shop.close()
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=float, default=120.0, help="seconds of soak per database (default 120)"
    )
    parser.add_argument("--booths", type=int, default=64)
    parser.add_argument(
        "--kill-every", type=float, default=15.0, help="mean seconds between SIGKILLs"
    )
    parser.add_argument("--close-every", type=float, default=30.0)
    parser.add_argument("--verify-every", type=float, default=10.0)
    parser.add_argument("--fill-every", type=float, default=40.0)
    parser.add_argument("--full-for", type=float, default=8.0)
    parser.add_argument("--disk-size", default="256m")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("CALLSHOP_TEST_PG_URL"),
        help="PostgreSQL server URL (a fresh schema is used)",
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--keep", metavar="DIR", type=Path, help="keep the work files (engine log, database) in DIR"
    )
    opts = parser.parse_args()
    # The services' own log lines (this process's shift closes and verify runs) would
    # drown the tally; the engines log to engine.log in the work directory.
    logging.getLogger("callshop_pos").setLevel(logging.CRITICAL)
    print(
        f"soak: {opts.booths} booths, {opts.duration:g} s per database, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start",
        flush=True,
    )
    tallies: list[Tally] = []

    def workdir() -> contextlib.AbstractContextManager[str]:
        if opts.keep is None:
            return tempfile.TemporaryDirectory(prefix="callshop-soak-")
        opts.keep.mkdir(parents=True, exist_ok=True)
        return contextlib.nullcontext(tempfile.mkdtemp(prefix="soak-", dir=opts.keep))

    if opts.only != "postgresql":
        with workdir() as tmp:
            tallies.append(soak("SQLite", None, opts, Path(tmp)))
            print(tallies[-1].show(), flush=True)
    if opts.only != "sqlite":
        if not opts.pg_url:
            print("PostgreSQL: skipped (no --pg-url or CALLSHOP_TEST_PG_URL)")
        else:
            with workdir() as tmp, pg_schema(opts.pg_url) as url:
                tallies.append(soak("PostgreSQL", url, opts, Path(tmp)))
                print(tallies[-1].show(), flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    sys.exit(0 if all(t.ok() for t in tallies) else 1)


if __name__ == "__main__":
    main()
