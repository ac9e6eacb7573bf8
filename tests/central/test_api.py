"""The central API through httpx against the ASGI app, on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
import json
import threading
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from callshop_wire import (
    CarrierBalance,
    CarrierLedger,
    ClosedShift,
    HeartbeatAck,
    JournalHead,
    JournalHeads,
    ShiftAccepted,
    decode,
    encode,
)
from central import service
from central.api import ENV_DB, GC_YOUNG_THRESHOLD, app_from_env, basic_auth
from central.auth import LOCKOUT, MAX_FAILURES
from central.models import CallRow, CarrierEntry, HeadRow, Incident, ShiftRow
from tests.callshop_wire.samples import head_hash, make_heartbeat, make_price_list, make_shift
from tests.central.client import ApiClient
from tests.central.support import OWNER_PASSWORD, Central

SOFIA = "sofia-1"


def put(
    client: ApiClient,
    central: Central,
    shift: ClosedShift,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    shop: str = SOFIA,
) -> Any:
    return client.put(
        f"/v1/shops/{shop}/shifts/{shift.shift_uuid}",
        content=encode(shift) if body is None else body,
        headers=central.till(shop) if headers is None else headers,
    )


def counts(central: Central) -> dict[str, int]:
    with central.db.read() as s:
        return {
            name: int(s.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in (
                ("shifts", ShiftRow),
                ("calls", CallRow),
                ("heads", HeadRow),
                ("incidents", Incident),
                ("carrier", CarrierEntry),
            )
        }


def error(response: Any) -> dict[str, Any]:
    return response.json()["error"]


# ------------------------------------------------------------------ shifts


def test_a_closed_shift_is_held_exactly_as_sent(client: ApiClient, central: Central) -> None:
    shift = make_shift(calls=40)
    r = put(client, central, shift)
    assert r.status_code == 201, r.text
    answer = decode(ShiftAccepted, r.content)
    assert answer.anchored and answer.incident_id is None
    assert "Idempotent-Replayed" not in r.headers

    got = client.get(f"/v1/shops/{SOFIA}/shifts/{shift.shift_uuid}", headers=central.till())
    assert got.status_code == 200
    assert got.content == encode(shift)
    held = decode(ClosedShift, got.content)
    assert (held.cash_minor, held.counted_minor, held.discrepancy_minor, held.call_count) == (
        shift.cash_minor,
        shift.counted_minor,
        shift.discrepancy_minor,
        shift.call_count,
    )
    with central.db.read() as s:
        row = s.scalars(select(ShiftRow)).one()
        assert (row.cash_minor, row.unserved, row.unpaid, row.billable_seconds) == (
            shift.cash_minor,
            shift.unserved,
            shift.unpaid,
            shift.billable_seconds,
        )
        assert s.scalar(select(func.count()).select_from(CallRow)) == 40


def test_the_same_shift_again_gets_the_same_answer(client: ApiClient, central: Central) -> None:
    shift = make_shift()
    first = put(client, central, shift)
    central.clock.advance(minutes=5)
    # the same content spelled differently (indented, keys reversed) is the same shift
    data = json.loads(encode(shift))
    respelled = json.dumps(dict(reversed(list(data.items()))), indent=1).encode()
    again = put(client, central, shift, body=respelled)
    assert again.status_code == first.status_code == 201
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert counts(central) == {"shifts": 1, "calls": 6, "heads": 1, "incidents": 0, "carrier": 1}


def test_the_same_uuid_with_other_content_is_refused_and_recorded(
    client: ApiClient, central: Central
) -> None:
    shift = make_shift()
    put(client, central, shift)
    before = counts(central)
    data = json.loads(encode(shift))
    data["counted_minor"] += 100
    data["discrepancy_minor"] += 100
    r = put(client, central, shift, body=json.dumps(data).encode())
    assert r.status_code == 409
    assert error(r)["code"] == "conflicting_content"
    assert error(r)["incident_id"] is not None
    after = counts(central)
    assert after == {**before, "incidents": before["incidents"] + 1}
    held = client.get(f"/v1/shops/{SOFIA}/shifts/{shift.shift_uuid}", headers=central.till())
    assert held.content == encode(shift)  # append-only: the first content stays
    incidents = client.get(f"/v1/shops/{SOFIA}/incidents", headers=central.owner()).json()
    assert [i["kind"] for i in incidents] == ["conflicting_resend"]
    assert incidents[0]["subject_uuid"] == str(shift.shift_uuid)


def test_a_shift_sent_concurrently_from_two_processes_is_held_once(central: Central) -> None:
    shift = make_shift(calls=30)
    body = encode(shift)
    answers: list[service.Outcome] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        barrier.wait()
        try:
            answers.append(
                service.put_shift(central.db, central.clock, SOFIA, shift.shift_uuid, body)
            )
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures
    assert len({a.answer for a in answers}) == 1
    assert sorted(a.replayed for a in answers) == [False, True, True, True]
    assert counts(central)["shifts"] == 1
    assert counts(central)["calls"] == 30


# ------------------------------------------------------------------ chain anchoring


def test_chain_anchoring_flags_a_shift_that_does_not_link(
    client: ApiClient, central: Central
) -> None:
    first = make_shift(seed=1)
    second = make_shift(seed=2, previous=first.anchor.head)
    assert decode(ShiftAccepted, put(client, central, first).content).anchored
    assert decode(ShiftAccepted, put(client, central, second).content).anchored
    # a till restored from a backup taken after the first shift links to the first head
    restored = make_shift(seed=3, previous=first.anchor.head)
    r = put(client, central, restored)
    assert r.status_code == 201  # accepted: the money is real either way
    answer = decode(ShiftAccepted, r.content)
    assert not answer.anchored and answer.incident_id is not None
    heads = decode(
        JournalHeads, client.get(f"/v1/shops/{SOFIA}/heads", headers=central.till()).content
    )
    assert [(h.seq, h.anchored) for h in heads.heads] == [(100, True), (200, True), (300, False)]
    assert [h.uuid for h in heads.heads] == [
        first.shift_uuid,
        second.shift_uuid,
        restored.shift_uuid,
    ]
    incidents = client.get(f"/v1/shops/{SOFIA}/incidents", headers=central.owner()).json()
    assert [i["kind"] for i in incidents] == ["chain_break"]
    assert "#200" in incidents[0]["message"]
    # the replay of the flagged shift answers the same, and adds no second incident
    assert put(client, central, restored).content == r.content
    assert counts(central)["incidents"] == 1


def test_a_second_till_claiming_to_be_first_is_flagged(client: ApiClient, central: Central) -> None:
    put(client, central, make_shift(seed=1))
    clone = make_shift(seed=9, previous=None)
    assert not decode(ShiftAccepted, put(client, central, clone).content).anchored


def test_a_first_shift_linking_to_an_unknown_head_is_flagged(
    client: ApiClient, central: Central
) -> None:
    shift = make_shift(seed=1, previous=JournalHead(seq=7, hash=head_hash(7)))
    assert not decode(ShiftAccepted, put(client, central, shift).content).anchored


def test_heads_are_per_shop(client: ApiClient, central: Central) -> None:
    put(client, central, make_shift(seed=1))
    put(client, central, make_shift(seed=1, shop="plovdiv-2"), shop="plovdiv-2")
    for shop in (SOFIA, "plovdiv-2"):
        heads = client.get(f"/v1/shops/{shop}/heads", headers=central.till(shop)).json()
        assert [(h["seq"], h["anchored"]) for h in heads["heads"]] == [(100, True)]


# ------------------------------------------------------------------ corrections


def correction_body(
    shift: ClosedShift,
    *,
    amount: int = 50,
    cid: str | None = None,
    call: str | None = None,
    previous: JournalHead | None = None,
) -> bytes:
    cid = cid or "6f1c0b8e-8a44-4b8f-9b0e-1f1f1f1f1f1f"
    return json.dumps(
        {
            "schema_version": 1,
            "shop": shift.shop,
            "shift_uuid": str(shift.shift_uuid),
            "correction": {
                "correction_uuid": cid,
                "till_id": 1,
                "call_uuid": call or str(shift.calls[1].call_uuid),
                "at": "2026-03-30T08:00:00Z",
                "admin": "admin",
                "old_status": "unpaid",
                "new_status": "paid",
                "amount_minor": amount,
                "reason": "paid the next morning",
            },
            "anchor": {
                "head": {"seq": 150, "hash": head_hash(150)},
                "previous_head": (previous or shift.anchor.head).model_dump(mode="json"),
            },
        }
    ).encode()


def test_corrections_are_idempotent_and_anchored(client: ApiClient, central: Central) -> None:
    shift = make_shift()
    url = f"/v1/shops/{SOFIA}/corrections/6f1c0b8e-8a44-4b8f-9b0e-1f1f1f1f1f1f"
    early = client.put(url, content=correction_body(shift), headers=central.till())
    assert early.status_code == 409 and error(early)["code"] == "shift_unknown"
    put(client, central, shift)
    first = client.put(url, content=correction_body(shift), headers=central.till())
    assert first.status_code == 201, first.text
    assert decode(ShiftAccepted, first.content).anchored
    again = client.put(url, content=correction_body(shift), headers=central.till())
    assert again.content == first.content and again.headers["Idempotent-Replayed"] == "true"
    other = client.put(url, content=correction_body(shift, amount=70), headers=central.till())
    assert other.status_code == 409
    stranger = client.put(
        f"/v1/shops/{SOFIA}/corrections/7f1c0b8e-8a44-4b8f-9b0e-1f1f1f1f1f1f",
        content=correction_body(
            shift,
            cid="7f1c0b8e-8a44-4b8f-9b0e-1f1f1f1f1f1f",
            call="00000000-0000-0000-0000-000000000001",
        ),
        headers=central.till(),
    )
    assert stranger.status_code == 422
    heads = client.get(f"/v1/shops/{SOFIA}/heads", headers=central.till()).json()["heads"]
    assert [h["seq"] for h in heads] == [100, 150]


# ------------------------------------------------------------------ bad requests


def test_credentials_are_checked_and_nothing_changes(client: ApiClient, central: Central) -> None:
    shift = make_shift()
    before = counts(central)
    r = put(client, central, shift, headers={})
    assert r.status_code == 401 and "Bearer" in r.headers["WWW-Authenticate"]
    assert (
        put(client, central, shift, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    )
    forged = central.tokens[SOFIA][:-3] + "abc"
    assert (
        put(client, central, shift, headers={"Authorization": f"Bearer {forged}"}).status_code
        == 401
    )
    # plovdiv's till cannot write sofia's shifts; a user cannot pose as a till
    assert put(client, central, shift, headers=central.till("plovdiv-2")).status_code == 403
    assert put(client, central, shift, headers=central.owner()).status_code == 403
    assert counts(central) == before


def test_credentials_are_checked_before_the_body_is_read(
    client: ApiClient, central: Central
) -> None:
    """A caller without the shop's token learns nothing about the body (401/403, never
    400/422) and costs central no decoding."""
    path = f"/v1/shops/{SOFIA}/shifts/{make_shift().shift_uuid}"
    before = counts(central)
    for body in (b"{not json", b'{"schema_version": 2}'):
        for headers, status in (
            ({"Authorization": "Bearer nonsense"}, 401),
            ({"Authorization": f"Bearer {central.tokens[SOFIA][:-3]}abc"}, 401),
            (central.till("plovdiv-2"), 403),
        ):
            r = client.put(path, content=body, headers=headers)
            assert r.status_code == status, (body, headers, r.text)
        assert client.put(path, content=body, headers=central.till()).status_code in (400, 422)
    assert counts(central) == before


def test_a_revoked_token_is_refused(client: ApiClient, central: Central) -> None:
    from central.auth import revoke_token

    revoke_token(central.db, central.clock, central.tokens[SOFIA].split(".")[0])
    r = put(client, central, make_shift())
    assert r.status_code == 401 and "revoked" in error(r)["message"]


def test_a_token_reads_only_its_own_shop(client: ApiClient, central: Central) -> None:
    put(client, central, make_shift())
    shift = make_shift()
    for path in (
        f"/v1/shops/{SOFIA}/shifts/{shift.shift_uuid}",
        f"/v1/shops/{SOFIA}/heads",
        f"/v1/shops/{SOFIA}/carrier/balance",
        f"/v1/shops/{SOFIA}/incidents",
    ):
        assert client.get(path, headers=central.till("plovdiv-2")).status_code == 403, path
        assert client.get(path, headers=central.manager()).status_code == 403, path
        assert client.get(path, headers=central.owner()).status_code == 200, path


@pytest.mark.parametrize(
    ("mutate", "status", "code"),
    [
        (lambda d: "{not json", 400, "malformed_json"),
        (lambda d: {**d, "cash_minor": float(d["cash_minor"])}, 422, "invalid_payload"),
        (lambda d: {**d, "schema_version": 2}, 422, "invalid_payload"),
        (lambda d: {**d, "closed_at": "2026-03-29T08:30:00+02:00"}, 422, "invalid_payload"),
        (lambda d: {**d, "shop": "plovdiv-2"}, 422, "invalid_payload"),
        (lambda d: {**d, "shift_uuid": str(uuid.uuid4())}, 422, "invalid_payload"),
        (lambda d: {**d, "call_count": d["call_count"] + 1}, 422, "invalid_payload"),
    ],
    ids=["not-json", "float", "version", "offset-time", "other-shop", "other-uuid", "sums"],
)
def test_bad_bodies_get_clear_errors_and_change_nothing(
    client: ApiClient, central: Central, mutate: Any, status: int, code: str
) -> None:
    shift = make_shift()
    changed = mutate(json.loads(encode(shift)))
    body = changed if isinstance(changed, str) else json.dumps(changed)
    before = counts(central)
    r = put(client, central, shift, body=body.encode())
    assert r.status_code == status, r.text
    assert error(r)["code"] == code
    assert error(r)["message"]
    assert counts(central) == before


def test_an_oversized_body_is_refused_with_413(central: Central) -> None:
    shift = make_shift(calls=50)
    body = encode(shift)
    with ApiClient(central.app(max_body=len(body) - 1)) as small:
        r = put(small, central, shift, body=body)
        assert r.status_code == 413 and error(r)["code"] == "too_large"

        async def chunks() -> Any:  # no Content-Length: counted while streaming
            yield body[:1000]
            yield body[1000:]

        r = small.put(
            f"/v1/shops/{SOFIA}/shifts/{shift.shift_uuid}", content=chunks(), headers=central.till()
        )
        assert r.status_code == 413
    assert counts(central)["shifts"] == 0


def test_a_bad_uuid_or_shop_in_the_path_is_422(client: ApiClient, central: Central) -> None:
    r = client.put(f"/v1/shops/{SOFIA}/shifts/not-a-uuid", content=b"{}", headers=central.till())
    assert r.status_code == 422 and error(r)["code"] == "invalid_request"
    r = client.get("/v1/shops/Bad Shop/heads", headers=central.owner())
    assert r.status_code == 422


# ------------------------------------------------------------------ users


def test_user_lockout_after_five_wrong_passwords(client: ApiClient, central: Central) -> None:
    wrong = {"Authorization": basic_auth("boss", "wrong-password")}
    path = f"/v1/shops/{SOFIA}/carrier/balance"
    for _ in range(MAX_FAILURES):
        assert client.get(path, headers=wrong).status_code == 401
    locked = client.get(path, headers=central.owner())
    assert locked.status_code == 401 and error(locked)["code"] == "locked"
    central.clock.advance(seconds=LOCKOUT.total_seconds() + 1)
    assert client.get(path, headers=central.owner()).status_code == 200
    unknown = client.get(path, headers={"Authorization": basic_auth("nobody", OWNER_PASSWORD)})
    assert unknown.status_code == 401


# ------------------------------------------------------------------ carrier account


def test_the_carrier_account_takes_top_ups_and_each_shifts_wholesale_cost(
    client: ApiClient, central: Central
) -> None:
    topup = uuid.uuid4()
    url = f"/v1/shops/{SOFIA}/carrier/topups/{topup}"
    body = {
        "amount_micro_usd": 250_000_000,
        "reference": "bank 2026-03-29",
        "at": "2026-03-28T10:00:00Z",
    }
    assert client.put(url, json=body, headers=central.till()).status_code == 403
    assert client.put(url, json=body, headers=central.manager()).status_code == 403
    first = client.put(url, json=body, headers=central.owner())
    assert first.status_code == 201, first.text
    assert client.put(url, json=body, headers=central.owner()).content == first.content
    assert (
        client.put(url, json={**body, "amount_micro_usd": 1}, headers=central.owner()).status_code
        == 409
    )
    assert (
        client.put(
            f"/v1/shops/{SOFIA}/carrier/topups/{uuid.uuid4()}",
            json={**body, "amount_micro_usd": 2.5},
            headers=central.owner(),
        ).status_code
        == 422
    )

    shift = make_shift(calls=20)
    put(client, central, shift)
    put(client, central, shift)  # a retry debits nothing more
    cost = sum(c.wholesale_micro_usd or 0 for c in shift.calls if c.answered)
    assert cost > 0
    bal = decode(
        CarrierBalance,
        client.get(f"/v1/shops/{SOFIA}/carrier/balance", headers=central.till()).content,
    )
    assert bal.balance_micro_usd == 250_000_000 - cost
    assert bal.last_topup_at is not None

    led = client.get(
        f"/v1/shops/{SOFIA}/carrier/ledger",
        params={"from": "2026-03-29T00:00:00Z", "to": "2026-03-30T00:00:00Z"},
        headers=central.owner(),
    )
    assert led.status_code == 200, led.text
    ledger = decode(CarrierLedger, led.content)
    assert ledger.opening_balance_micro_usd == 250_000_000  # the top-up was the day before
    assert ledger.costs_micro_usd == -cost
    assert ledger.closing_balance_micro_usd == 250_000_000 - cost
    assert [e.kind for e in ledger.entries] == ["call_cost"]
    assert ledger.entries[0].shift_uuid == shift.shift_uuid
    bad = client.get(
        f"/v1/shops/{SOFIA}/carrier/ledger",
        params={"from": "2026-03-29", "to": "2026-03-30T00:00:00Z"},
        headers=central.owner(),
    )
    assert bad.status_code == 422
    # another shop's account is untouched
    other = client.get("/v1/shops/plovdiv-2/carrier/balance", headers=central.till("plovdiv-2"))
    assert other.json()["balance_micro_usd"] == 0


# ------------------------------------------------------------------ heartbeat


def test_heartbeats_newest_wins_and_are_never_money(client: ApiClient, central: Central) -> None:
    url = f"/v1/shops/{SOFIA}/heartbeat"
    t0 = central.clock.now()
    newer = make_heartbeat(at=t0)
    older = make_heartbeat(at=t0 - timedelta(seconds=30))
    r = client.post(url, content=encode(newer), headers=central.till())
    assert r.status_code == 200, r.text
    ack = decode(HeartbeatAck, r.content)
    assert ack.applied and ack.server_time == t0
    late = decode(
        HeartbeatAck, client.post(url, content=encode(older), headers=central.till()).content
    )
    assert not late.applied
    held = service.latest_heartbeat(central.db, SOFIA)
    assert held is not None and held[0] == newer
    # a till whose clock was set back is not ignored for ever
    central.clock.advance(seconds=service.HEARTBEAT_STALE.total_seconds() + 1)
    assert decode(
        HeartbeatAck, client.post(url, content=encode(older), headers=central.till()).content
    ).applied
    assert counts(central)["carrier"] == 0
    assert (
        client.post(url, content=encode(newer), headers=central.till("plovdiv-2")).status_code
        == 403
    )
    bad = json.loads(encode(newer))
    bad["booths"][0]["running_cost_minor"] = 0.5
    assert client.post(url, json=bad, headers=central.till()).status_code == 422


# ------------------------------------------------------------------ price list


def test_the_wholesale_price_list_is_versioned_with_etags(
    client: ApiClient, central: Central
) -> None:
    url = "/v1/price-lists/wholesale"
    assert client.get(url, headers=central.till()).status_code == 404
    assert (
        client.post(url, content=encode(make_price_list(1)), headers=central.manager()).status_code
        == 403
    )
    assert (
        client.post(url, content=encode(make_price_list(2)), headers=central.owner()).status_code
        == 409
    )
    published = client.post(url, content=encode(make_price_list(1)), headers=central.owner())
    assert published.status_code == 201, published.text
    got = client.get(url, headers=central.till())
    assert got.status_code == 200 and got.content == encode(make_price_list(1))
    etag = got.headers["ETag"]
    same = client.get(url, headers={**central.till(), "If-None-Match": etag})
    assert same.status_code == 304 and same.content == b""
    client.post(url, content=encode(make_price_list(2)), headers=central.owner())
    fresh = client.get(url, headers={**central.till(), "If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert fresh.json()["version"] == 2
    assert fresh.json()["entries"][0]["wholesale_usd"] == "0.0123"


def test_health_and_openapi_are_served(client: ApiClient) -> None:
    assert client.get("/v1/health").json()["status"] == "ok"
    spec = client.get("/v1/openapi.json").json()
    assert "/v1/shops/{shop}/shifts/{shift_uuid}" in spec["paths"]
    body = spec["paths"]["/v1/shops/{shop}/shifts/{shift_uuid}"]["put"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("/ClosedShift")
    assert "ClosedShift" in spec["components"]["schemas"]


def test_a_database_that_is_down_answers_503_and_stores_nothing(tmp_path: Any) -> None:
    from central.api import create_app
    from central.db import CentralDb
    from tests.central.server import free_port

    down = CentralDb(f"postgresql+psycopg://nobody:x@127.0.0.1:{free_port()}/none")
    try:
        with ApiClient(create_app(down)) as client:
            shift = make_shift()
            r = client.put(
                f"/v1/shops/{SOFIA}/shifts/{shift.shift_uuid}",
                content=encode(shift),
                headers={"Authorization": "Bearer cst_a.b"},
            )
            assert r.status_code == 503, r.text
            assert error(r)["code"] == "database_unavailable"
            assert r.headers["Retry-After"] == "5"
    finally:
        down.dispose()


def test_parallel_wrong_passwords_all_count_towards_the_lockout(central: Central) -> None:
    from central.auth import authenticate_user
    from central.errors import Locked, Unauthorized

    barrier = threading.Barrier(MAX_FAILURES)

    def guess() -> None:
        barrier.wait()
        with pytest.raises(Unauthorized):
            authenticate_user(central.db, central.clock, central.hasher, "boss", "guess")

    threads = [threading.Thread(target=guess) for _ in range(MAX_FAILURES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with pytest.raises(Locked):
        authenticate_user(central.db, central.clock, central.hasher, "boss", OWNER_PASSWORD)


def test_a_call_sent_again_inside_another_shift_is_refused(
    client: ApiClient, central: Central
) -> None:
    first = make_shift(seed=1)
    put(client, central, first)
    data = json.loads(encode(make_shift(seed=2, previous=first.anchor.head)))
    data["calls"][0]["call_uuid"] = str(first.calls[0].call_uuid)
    for line in data["payments"][0]["lines"]:  # keep the second shift self-consistent
        if line["call_uuid"] == str(make_shift(seed=2).calls[0].call_uuid):
            line["call_uuid"] = str(first.calls[0].call_uuid)
    for refund in data["refunds"]:
        if refund["call_uuid"] == str(make_shift(seed=2).calls[0].call_uuid):
            refund["call_uuid"] = str(first.calls[0].call_uuid)
    before = counts(central)
    r = client.put(
        f"/v1/shops/{SOFIA}/shifts/{data['shift_uuid']}",
        content=json.dumps(data).encode(),
        headers=central.till(),
    )
    assert r.status_code == 409, r.text
    assert error(r)["code"] == "duplicate_call" and error(r)["incident_id"]
    assert counts(central) == {**before, "incidents": before["incidents"] + 1}


# ------------------------------------------------------------------ serving worker


def test_a_serving_worker_freezes_what_it_loaded_and_collects_less_often(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """uvicorn's factory readies the worker's garbage collector once the app is built:
    what is loaded then is out of every collection, and young collections are rarer."""
    monkeypatch.setenv(ENV_DB, f"sqlite:///{tmp_path / 'central.db'}")
    threshold = gc.get_threshold()
    try:
        app = app_from_env()
        frozen = gc.get_freeze_count()
        young = gc.get_threshold()[0]
        app.state.central.db.dispose()
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
    assert frozen > 10_000  # the framework, SQLAlchemy, the schemas, the app
    assert young == GC_YOUNG_THRESHOLD > threshold[0]
