"""Render times of the central service's web pages (the owner's remote view).

20 shops, each with two closed shifts a day for a month (1,200 shifts with eight
destinations each, SQLite file), a heartbeat from every shop, one 200-call shift for
the session view. Each page is requested in-process through httpx's ASGI transport as
a logged-in owner (cookie, database-held session), median of ``--repeat`` requests. The
baseline, measured in the same run, is the same session list for a period with no
shift (the fixed cost of a page: session lookup, query, template); every figure is
printed with its ratio to it.

Then the month's session list is built without HTTP both ways, in the same run: as it
was (one query per shop, the rows drawn by a Jinja loop calling the formatters) and as
it is (one query per time zone, the rows built by ``central.web.rows``), with the ratio.

Usage: ``python bench/central_pages.py [--shops 20] [--days 30] [--repeat 15]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def run(shops: int, days: int, repeat: int, profile: str | None = None) -> None:
    from callshop_wire import encode
    from central import auth, service
    from central.api import create_app
    from central.clock import FixedClock
    from central.db import CentralDb, migrate
    from central.models import ShiftDestination, ShiftRow, Shop
    from tests.callshop_wire.samples import make_heartbeat, make_shift
    from tests.central.client import ApiClient
    from tests.central.support import fast_hasher
    from tests.central.web.pages import login

    now = datetime(2026, 3, 31, 18, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        db = CentralDb(f"sqlite:///{Path(tmp) / 'central.db'}")
        migrate(db)
        clock = FixedClock(now)
        hasher = fast_hasher()
        codes = [f"shop-{i:02d}" for i in range(shops)]
        for code in codes:
            service.add_shop(db, clock, code, f"Shop {code}", "Europe/Sofia")
        auth.add_user(db, clock, hasher, "boss", "owner-pass", "owner")
        with db.write() as s:
            ids = {c: s.query(Shop).filter_by(code=c).one().id for c in codes}
            for code in codes:
                for day in range(days):
                    for half in range(2):
                        opened = now - timedelta(days=day, hours=14 - 7 * half)
                        s.add(
                            ShiftRow(
                                shop_id=ids[code],
                                shift_uuid=str(uuid.uuid4()),
                                till_id=1,
                                content_sha256="0" * 64,
                                payload="{}",
                                received_at=opened,
                                opened_at=opened,
                                closed_at=opened + timedelta(hours=7),
                                operator="olga",
                                currency="EUR",
                                call_count=120,
                                attempts=10,
                                talk_seconds=30_000,
                                billable_seconds=30_500,
                                payments_minor=25_000,
                                refunds_minor=100,
                                cash_minor=24_900,
                                expected_minor=29_900,
                                counted_minor=29_880,
                                discrepancy_minor=-20,
                                paid=100,
                                unserved=12,
                                unpaid=8,
                                unrated=0,
                                wholesale_micro_usd=5_000_000,
                                wholesale_cost_minor=460 if day % 7 else 0,
                                unconverted_micro_usd=0 if day % 7 else 5_000_000,
                                head_seq=day,
                                head_hash="0" * 64,
                                anchored=True,
                            )
                        )
            s.flush()
            s.add_all(
                ShiftDestination(
                    shift_id=shift_id,
                    destination=f"Destination {d}",
                    shop_id=shop_id,
                    calls=15,
                    billable_seconds=3_800,
                    takings_minor=3_100,
                    wholesale_micro_usd=625_000,
                    wholesale_cost_minor=58,
                    unconverted_micro_usd=0,
                )
                for shift_id, shop_id in s.query(ShiftRow.id, ShiftRow.shop_id).all()
                for d in range(8)
            )
        big = make_shift(shop=codes[0], calls=200, seed=99)
        service.put_shift(db, clock, codes[0], big.shift_uuid, encode(big))
        for code in codes:
            service.receive_heartbeat(db, clock, code, encode(make_heartbeat(code, now)))
        app = create_app(db, clock=clock, hasher=hasher)
        with ApiClient(app) as web:
            assert login(web, "boss", "owner-pass").status_code == 303

            def median_ms(url: str) -> tuple[float, float]:
                """Median wall and CPU (this process, every thread) ms of ``url``."""
                assert web.get(url).status_code == 200, url
                walls, cpus = [], []
                for _ in range(repeat):
                    start, cpu = time.perf_counter(), time.process_time()
                    answer = web.get(url)
                    walls.append(time.perf_counter() - start)
                    cpus.append(time.process_time() - cpu)
                    assert answer.status_code == 200
                return statistics.median(walls) * 1000, statistics.median(cpus) * 1000

            if profile:
                _profile(db, clock, repeat)
                return

            base = median_ms("/sessions?period=custom&from=2025-01-01&to=2025-01-02")
            rows = [
                ("baseline: session list of an empty period", base),
                (
                    f"session list, this month ({shops * 2 * days} shifts, {shops} shops)",
                    median_ms("/sessions?period=custom&from=2026-03-01&to=2026-03-31"),
                ),
                (f"session list, today ({shops * 2} shifts)", median_ms("/sessions?period=today")),
                (
                    "CSV of the month",
                    median_ms("/sessions.csv?period=custom&from=2026-03-01&to=2026-03-31"),
                ),
                (f"Now page ({shops} shops with heartbeats)", median_ms("/now")),
                ("Now live block (poll, 200)", median_ms("/now/live")),
                (
                    "session view (200 calls)",
                    median_ms(f"/shops/{codes[0]}/sessions/{big.shift_uuid}"),
                ),
                (
                    "reports of the month (by day, shop, destination)",
                    median_ms("/reports?period=custom&from=2026-03-01&to=2026-03-31"),
                ),
                (
                    "reports CSV of the month",
                    median_ms("/reports.csv?period=custom&from=2026-03-01&to=2026-03-31"),
                ),
            ]
        before, after = _before_after(db, clock, repeat)
        db.dispose()
    print(f"{'page (median of ' + str(repeat) + ')':<56} {'wall':>9} {'×':>6} {'CPU':>9} {'×':>6}")

    def line(name: str, wall: float, cpu: float, ratios: str = "") -> None:
        print(f"{name:<56} {wall:>6.1f} ms {ratios[:6]:>6} {cpu:>6.1f} ms {ratios[6:]:>6}")

    for name, (wall, cpu) in rows:
        line(name, wall, cpu, f"{wall / base[0]:>5.1f}×{cpu / base[1]:>5.1f}×")
    print()
    print("the month's session list without HTTP (query + rows + template), same run:")
    line("  as it was: a query per shop, a Jinja loop", *before)
    line("  as it is: a query per time zone, rows in Python", *after)
    speed = (before[0] / after[0], before[1] / after[1])
    print(f"{'  speed-up':<56} {speed[0]:>8.1f}× {'':>6} {speed[1]:>8.1f}×")


def _environment() -> object:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from central.web.routes import HERE

    return Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _before_after(
    db: object, clock: object, repeat: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median ms of the month's list built the old way and the current way."""
    from sqlalchemy import select

    from central.auth import Principal
    from central.models import ShiftRow
    from central.web import views
    from central.web.i18n import Formatter
    from central.web.rows import session_rows
    from tests.central.web.test_rows import REFERENCE

    env = _environment()
    current = env.get_template("sessions.html")  # type: ignore[attr-defined]
    source = current.environment.loader.get_source(current.environment, "sessions.html")[0]
    start = source.index("  {% if lines %}\n  {{ rows }}")
    end = source.index("  {% endif %}\n", start) + len("  {% endif %}\n")
    old_loop = (
        "{% for ln in lines %}"
        + REFERENCE.split("\n", 1)[1].rsplit("{% endfor %}", 1)[0]
        + '{% else %}<tr><td colspan="12">{{ _("No session closed in this period.") }}</td></tr>'
        + "{% endfor %}\n"
    ).replace(
        "{% for ln in lines %}",
        "{% for ln in lines %}{% set r = ln.row %}{% set tz = ln.shop.timezone %}",
        1,
    )
    old = env.from_string(source[:start] + old_loop + source[end:])  # type: ignore[attr-defined]
    owner = Principal(kind="user", name="boss", role="owner")
    fmt = Formatter("en")
    common = {
        "_": lambda m: m,
        "fmt": fmt,
        "lang": "en",
        "languages": ("en", "bg"),
        "user": None,
        "here": "/sessions",
        "shops": [],
        "args": {},
        "periods": views.PERIODS,
        "error": None,
        "csv_url": "/x",
    }

    def as_it_was() -> str:
        shops = views.visible_shops(db, owner)  # type: ignore[arg-type]
        period = views.period_range("custom", clock.now().date(), "2026-03-01", "2026-03-31")  # type: ignore[attr-defined]
        lines = []
        with db.read() as s:  # type: ignore[attr-defined]
            for shop in shops:
                first, last = views._utc_bounds(period, shop.timezone)
                rows = s.execute(
                    select(*views.LIST_COLUMNS).where(
                        ShiftRow.shop_id == shop.id,
                        ShiftRow.closed_at >= first,
                        ShiftRow.closed_at < last,
                    )
                ).all()
                lines.extend(views.SessionLine(shop, r) for r in rows)
        lines.sort(key=lambda line: (line.row.closed_at, line.shop.code))
        return str(old.render(lines=lines, totals=views.totals(lines), period=period, **common))

    def as_it_is() -> str:
        period, lines = views.sessions(
            db,
            clock,
            owner,
            "custom",
            "2026-03-01",
            "2026-03-31",
            None,  # type: ignore[arg-type]
        )
        rows, totals = session_rows(lines, fmt)
        return str(current.render(lines=lines, rows=rows, totals=totals, period=period, **common))

    def squeeze(html: str) -> str:
        import re

        return re.sub(r">\s+<", "><", html)

    assert squeeze(as_it_was()) == squeeze(as_it_is()), "the two ways differ"

    def median_ms(build: object) -> tuple[float, float]:
        walls, cpus = [], []
        for _ in range(repeat):
            begin, cpu = time.perf_counter(), time.process_time()
            build()  # type: ignore[operator]
            walls.append(time.perf_counter() - begin)
            cpus.append(time.process_time() - cpu)
        return statistics.median(walls) * 1000, statistics.median(cpus) * 1000

    # interleaved, so a change in the machine's load falls on both
    befores, afters = [], []
    for _ in range(3):
        befores.append(median_ms(as_it_was))
        afters.append(median_ms(as_it_is))
    return (
        (statistics.median(b[0] for b in befores), statistics.median(b[1] for b in befores)),
        (statistics.median(a[0] for a in afters), statistics.median(a[1] for a in afters)),
    )


def _profile(db: object, clock: object, repeat: int) -> None:
    """cProfile of the month's session list, its query and its template run in this
    thread (the ASGI app runs them in worker threads a profiler does not see)."""
    import cProfile
    import pstats

    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from central.auth import Principal
    from central.web import views
    from central.web.i18n import Formatter
    from central.web.routes import HERE

    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    owner = Principal(kind="user", name="boss", role="owner")

    def page() -> str:
        from central.web.rows import session_rows

        period, lines = views.sessions(
            db,
            clock,
            owner,
            "custom",
            "2026-03-01",
            "2026-03-31",
            None,  # type: ignore[arg-type]
        )
        fmt = Formatter("en")
        rows, totals = session_rows(lines, fmt)
        return env.get_template("sessions.html").render(
            _=lambda m: m,
            fmt=fmt,
            lang="en",
            languages=("en", "bg"),
            user=None,
            here="/sessions",
            shops=[],
            lines=lines,
            rows=rows,
            totals=totals,
            period=period,
            args={},
            periods=views.PERIODS,
            error=None,
            csv_url="/x",
        )

    page()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        page()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shops", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", metavar="URL", help="print a cProfile of URL instead")
    args = parser.parse_args()
    run(args.shops, args.days, args.repeat, args.profile)


if __name__ == "__main__":
    main()
