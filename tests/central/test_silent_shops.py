"""Silent shops: an incident when a shop sends no heartbeat for longer than the chain's
setting, raised once per silence, closed when the shop is heard again; on SQLite and
PostgreSQL, with central's clock injected."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from callshop_wire import encode
from central import service
from central.cli import main
from central.db import CentralDb
from central.errors import Invalid
from central.models import SILENT_KIND, Incident
from tests.callshop_wire.samples import make_heartbeat
from tests.central.client import ApiClient
from tests.central.support import START, Central

SOFIA = "sofia-1"
PLOVDIV = "plovdiv-2"


def beat(client: ApiClient, central: Central, shop: str = SOFIA) -> Any:
    r = client.post(
        f"/v1/shops/{shop}/heartbeat",
        content=encode(make_heartbeat(shop=shop, at=central.clock.now())),
        headers=central.till(shop),
    )
    assert r.status_code == 200, r.text
    return r


def listed(client: ApiClient, central: Central, shop: str = SOFIA) -> list[dict[str, Any]]:
    r = client.get(f"/v1/shops/{shop}/incidents", headers=central.owner())
    assert r.status_code == 200, r.text
    return [i for i in r.json() if i["kind"] == SILENT_KIND]


def silences(db: CentralDb) -> int:
    with db.read() as s:
        return int(
            s.scalar(select(func.count()).select_from(Incident).where(Incident.kind == "silent"))
            or 0
        )


def test_a_silence_is_raised_once_and_closed_when_the_shop_is_heard(
    client: ApiClient, central: Central
) -> None:
    beat(client, central)
    central.clock.advance(minutes=15)
    assert listed(client, central) == []  # exactly the limit: not yet
    central.clock.advance(seconds=1)
    first = listed(client, central)
    assert len(first) == 1
    silence = first[0]
    assert silence["closed_at"] is None
    assert silence["at"] == "2026-03-29T09:15:00Z"  # last heard + 15 minutes
    assert "no heartbeat since 2026-03-29 09:00:00 UTC" in silence["message"]
    central.clock.advance(hours=3)
    assert listed(client, central) == first  # still one, however often it is read
    assert service.sweep_silent(central.db, central.clock) == 1  # Plovdiv: never heard
    assert service.sweep_silent(central.db, central.clock) == 0

    beat(client, central)
    closed = listed(client, central)
    assert len(closed) == 1 and closed[0]["id"] == silence["id"]
    assert closed[0]["closed_at"] == "2026-03-29T12:15:01Z"
    central.clock.advance(minutes=10)
    beat(client, central)
    assert len(listed(client, central)) == 1  # heard in time: no new silence

    central.clock.advance(minutes=16)  # a second silence is a second incident
    second = listed(client, central)
    assert len(second) == 2 and second[1]["closed_at"] is None
    assert second[1]["at"] == "2026-03-29T12:40:01Z"


def test_a_shop_never_heard_is_silent_from_when_it_was_added(
    client: ApiClient, central: Central
) -> None:
    central.clock.advance(minutes=10)
    assert listed(client, central, PLOVDIV) == []
    central.clock.advance(minutes=6)
    (silence,) = listed(client, central, PLOVDIV)
    assert "never heard from" in silence["message"]
    assert silence["at"] == "2026-03-29T09:15:00Z"
    beat(client, central, PLOVDIV)
    assert listed(client, central, PLOVDIV)[0]["closed_at"] is not None


def test_a_silence_nobody_looked_at_is_recorded_by_the_heartbeat_that_ends_it(
    client: ApiClient, central: Central
) -> None:
    beat(client, central)
    central.clock.advance(hours=2)
    beat(client, central)  # nobody read the incidents in between
    (silence,) = listed(client, central)
    assert silence["at"] == "2026-03-29T09:15:00Z"
    assert silence["closed_at"] == "2026-03-29T11:00:00Z"


def test_a_heartbeat_not_held_still_counts_as_heard(client: ApiClient, central: Central) -> None:
    """A till whose clock went back sends heartbeats older than the one held: they are
    not held (newest wins) but the shop is not silent."""
    url = f"/v1/shops/{SOFIA}/heartbeat"
    ahead = make_heartbeat(at=central.clock.now() + timedelta(hours=1))
    assert client.post(url, content=encode(ahead), headers=central.till()).json()["applied"]
    for _ in range(20):
        central.clock.advance(minutes=1)
        behind = make_heartbeat(at=central.clock.now() - timedelta(hours=5))
        r = client.post(url, content=encode(behind), headers=central.till())
        assert r.status_code == 200
    service.set_silent_after(central.db, central.clock, 1, "test")
    central.clock.advance(seconds=59)
    assert listed(client, central) == []


def test_the_limit_is_a_setting_of_the_chain(client: ApiClient, central: Central) -> None:
    assert service.silent_after(central.db) == timedelta(minutes=15)
    service.set_silent_after(central.db, central.clock, 60, "boss")
    assert service.silent_after(central.db) == timedelta(minutes=60)
    beat(client, central)
    central.clock.advance(minutes=30)
    assert listed(client, central) == []
    central.clock.advance(minutes=31)
    (silence,) = listed(client, central)
    assert silence["at"] == "2026-03-29T10:00:00Z" and "60 minutes" in silence["message"]
    for bad in (0, -5, 7 * 24 * 60 + 1, True):
        with pytest.raises(Invalid):
            service.set_silent_after(central.db, central.clock, bad, "boss")
    assert service.silent_after(central.db) == timedelta(minutes=60)


def test_two_processes_sweeping_at_once_raise_one_incident(central: Central) -> None:
    """Every worker may sweep on read; the database keeps one open silence per shop."""
    central.clock.advance(minutes=20)
    dbs = [CentralDb(central.db.url) for _ in range(4)]
    barrier = threading.Barrier(len(dbs))
    errors: list[BaseException] = []

    def sweep(db: CentralDb) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                service.sweep_silent(db, central.clock)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sweep, args=(db,)) for db in dbs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for db in dbs:
        db.dispose()
    assert errors == []
    assert silences(central.db) == 2  # one per shop


def test_the_database_refuses_a_second_open_silence(central: Central) -> None:
    central.clock.advance(minutes=20)
    service.sweep_silent(central.db, central.clock, [SOFIA])
    with pytest.raises(IntegrityError), central.db.write() as s:
        held = s.scalars(select(Incident)).one()
        s.add(
            Incident(shop_id=held.shop_id, kind=SILENT_KIND, at=START, message="again", detail="{}")
        )
        s.flush()


def test_a_till_reads_its_own_silences_only(client: ApiClient, central: Central) -> None:
    central.clock.advance(minutes=20)
    r = client.get(f"/v1/shops/{SOFIA}/incidents", headers=central.till(SOFIA))
    assert r.status_code == 200 and [i["shop"] for i in r.json()] == [SOFIA]
    r = client.get(f"/v1/shops/{PLOVDIV}/incidents", headers=central.till(SOFIA))
    assert r.status_code == 403


def test_the_command_line_shows_and_sets_the_limit_and_sweeps(
    central: Central, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("central.cli.SystemClock", lambda: central.clock)
    url = central.db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "settings", "silent-after"]) == 0
    assert "after 15 minutes" in capsys.readouterr().out
    assert main(["--db", url, "settings", "silent-after", "30"]) == 0
    assert "after 30 minutes" in capsys.readouterr().out
    assert service.silent_after(central.db) == timedelta(minutes=30)
    assert main(["--db", url, "settings", "silent-after", "0"]) == 1
    assert "1 to 10080 minutes" in capsys.readouterr().err
    assert main(["--db", url, "incidents", "sweep"]) == 0
    assert "0 silent shops raised" in capsys.readouterr().out
    central.clock.advance(minutes=31)
    assert main(["--db", url, "incidents", "sweep"]) == 0
    assert "2 silent shops raised" in capsys.readouterr().out
    assert silences(central.db) == 2
