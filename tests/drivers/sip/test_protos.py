"""Robustness: the PROTOS c07-sip suite (4,527 mutated INVITEs) against the running driver.

The corpus is read from ``../shared/corpora/sip/`` next to the repository (never copied
into it); the test skips with a message when it is absent.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tarfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from drivers.sip import AbuseLimits
from tests.drivers.sip.test_calls import booth_call, carrier, finish

pytestmark = [pytest.mark.sip, pytest.mark.slow]

CORPUS = Path(__file__).resolve().parents[3].parent / "shared/corpora/sip/protos-c07-sip.tar.gz"
CASES = 4527
PROBE_EVERY = 50  # cases between liveness probes (also paces the sender)


def protos_cases(path: Path) -> list[tuple[int, list[bytes]]]:
    """(case number, [INVITE template, teardown template]) from the tarball, in order."""
    cases: list[tuple[int, list[bytes]]] = []
    with tarfile.open(path) as tar:
        for member in tar:  # archive order: a gzip stream cannot seek cheaply
            if not member.isfile():
                continue
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            messages: list[bytes] = []
            while data:
                length, _, rest = data.partition(b" ")
                size = int(length)
                messages.append(rest[:size])
                data = rest[size:]
            cases.append((int(member.name.rsplit("/", 1)[1]), messages))
    return sorted(cases)


def fill(
    template: bytes, case: int, sock: socket.socket, target: tuple[str, int], seq: int
) -> bytes:
    host, port = sock.getsockname()
    values = {
        b"<To>": f"booth1@{target[0]}:{target[1]}".encode(),
        b"<From>": f"protos@{host}".encode(),
        b"<From-Address>": host.encode(),
        b"<From-IP>": host.encode(),
        b"<Local-Port>": str(port).encode(),
        b"<Branch-ID>": f"c{case}s{seq}".encode(),
        b"<Call-ID>": f"protos{case:07d}".encode(),
        b"<CSeq>": str(seq).encode(),
        b"<Teardown-Method>": b"CANCEL",
    }
    for key, value in values.items():
        template = template.replace(key, value)
    _, sep, body = template.partition(b"\r\n\r\n")
    return template.replace(b"<Content-Length>", str(len(body) if sep else 0).encode())


class Collector(threading.Thread):
    """Receives everything the driver answers; first status code per PROTOS case."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__(name="protos-collector", daemon=True)
        self.sock = sock
        self.first_status: dict[int, int] = {}
        self.probe_answers: set[int] = set()
        self.stop_flag = threading.Event()
        self.target: tuple[str, int] | None = None

    def run(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop_flag.is_set():
            try:
                data = self.sock.recv(65535)
            except TimeoutError:
                continue
            status = re.match(rb"SIP/2\.0 (\d{3})", data)
            call_id = re.search(rb"(?im)^(?:call-id|i):\s*(\S+)", data)
            if not status:
                continue
            if call_id is None:
                call_id = re.search(rb"()", data)
                assert call_id is not None
            cid = call_id.group(1)
            branch = re.search(rb"branch=z9hG4bK\d*c(\d+)s\d", data)
            if int(status.group(1)) >= 200:
                self.acknowledge(data)
            if cid.startswith(b"probe"):
                self.probe_answers.add(int(cid[5:].split(b"@")[0]))
            elif branch is not None:  # our <Branch-ID> survives most mutations
                self.first_status.setdefault(int(branch.group(1)), int(status.group(1)))
            elif cid.startswith(b"protos"):
                self.first_status.setdefault(int(cid[6:13]), int(status.group(1)))

    def acknowledge(self, response: bytes) -> None:
        """ACK a final answer to an INVITE, as a real UA would (stops retransmissions)."""
        head = response.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]
        keep = {}
        for line in head:
            name, _, value = line.partition(b":")
            key = name.strip().lower()
            if key in (b"via", b"v", b"from", b"f", b"to", b"t", b"call-id", b"i", b"cseq"):
                keep.setdefault(key[:1] if len(key) > 1 and key != b"call-id" else key, value)
        cseq = keep.get(b"c", b"").split()
        if len(cseq) != 2 or cseq[1] != b"INVITE" or self.target is None:
            return
        ack = (
            b"ACK sip:booth1@%s:%d SIP/2.0\r\nVia:%s\r\nFrom:%s\r\nTo:%s\r\nCall-ID:%s\r\n"
            b"CSeq: %s ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        ) % (
            self.target[0].encode(),
            self.target[1],
            keep.get(b"v", b""),
            keep.get(b"f", b""),
            keep.get(b"t", b""),
            keep.get(b"call-id", b""),
            cseq[0],
        )
        with contextlib.suppress(OSError):
            self.sock.sendto(ack, self.target)


def probe(sock: socket.socket, target: tuple[str, int], n: int, collector: Collector) -> bool:
    """An OPTIONS liveness probe; UDP may lose a datagram, so it is re-sent (as a UA
    would) every 2 s, up to 10 s in all."""
    host, port = sock.getsockname()
    datagram = (
        f"OPTIONS sip:{target[0]}:{target[1]} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bK-probe{n}\r\n"
        f"From: <sip:probe@{host}>;tag=p{n}\r\nTo: <sip:{target[0]}>\r\n"
        f"Call-ID: probe{n}@{host}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()
    for _ in range(5):
        sock.sendto(datagram, target)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            if n in collector.probe_answers:
                return True
            time.sleep(0.002)
    return False


def test_protos_c07_sip_suite(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    if not CORPUS.exists():
        pytest.skip(f"PROTOS corpus not found at {CORPUS}; robustness test skipped")
    driver, _ = start_driver(abuse=AbuseLimits(max_requests=10**6, max_auth_failures=10**6))
    target = driver.address
    fds_before = len(os.listdir("/proc/self/fd"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind(("127.0.0.1", 0))
    collector = Collector(sock)
    collector.target = target
    collector.start()
    sent = 0
    too_big: set[int] = set()  # over the 64 KiB UDP limit: cannot be sent at all
    started = time.monotonic()
    try:
        for case, messages in protos_cases(CORPUS):
            for seq, template in enumerate(messages, start=1):
                datagram = fill(template, case, sock, target, seq)
                if len(datagram) > 65507:
                    too_big.add(case)
                    continue
                sock.sendto(datagram, target)
            sent += 1
            if sent % PROBE_EVERY == 0:
                assert probe(sock, target, sent, collector), f"driver hung after case {case}"
        assert probe(sock, target, 0, collector), "driver hung at the end"
        time.sleep(0.5)
    finally:
        collector.stop_flag.set()
        collector.join()
        sock.close()
    elapsed = time.monotonic() - started
    assert sent == CASES
    statuses = collector.first_status
    answered_4xx = sum(1 for code in statuses.values() if 400 <= code < 500)
    answered_400 = sum(1 for code in statuses.values() if code == 400)
    stats = driver.stats()
    print(
        f"\nPROTOS c07-sip: {sent} cases in {elapsed:.1f} s ({len(too_big)} cases have a "
        f"message too big for UDP: {sorted(too_big)}); answered {len(statuses)}, "
        f"4xx {answered_4xx} (400: {answered_400}, 401 challenge: "
        f"{sum(1 for c in statuses.values() if c == 401)}), other "
        f"{len(statuses) - answered_4xx}, unanswered {sent - len(statuses)}; "
        f"driver stats {stats}"
    )
    # Every case the driver could parse far enough was answered, and with a 4xx (the
    # valid ones get the digest challenge, the malformed ones 400).
    assert answered_4xx == len(statuses)
    assert answered_4xx >= 0.9 * CASES
    assert statuses[0] == 401  # case 0 is the valid baseline
    # A normal call still works, and nothing leaked.
    carrier(workdir, trunk_port)
    assert "booth hung up" in finish(booth_call(workdir, driver, talk_ms=300))
    assert len(os.listdir("/proc/self/fd")) <= fds_before + 2
