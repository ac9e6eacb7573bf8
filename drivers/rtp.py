"""RTP for booths whose audio passes through the till (RFC 3550, 3551, 4733), and the
SDP offer/answer of such a call (RFC 3264, audio only).

Small on purpose: G.711 frames are carried as they are (no transcoding), so all this
needs is the fixed RTP header, a sender that keeps sequence number, timestamp and SSRC
right, a small jitter buffer on the receive side and RFC 4733 telephone-events for
digits. No RTCP (optional in a call like this; carriers do not need it). The
maintained RTP libraries on PyPI did not fit: ``aiortc`` is WebRTC (ICE/DTLS-SRTP,
asyncio, codecs through PyAV), ``aiortp`` is asyncio-only, ``rtp`` (0.0.4) is a packet
parser last released in 2023 and ``rtp-io`` is an RTPProxy-style relay.
"""

from __future__ import annotations

import errno
import re
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from callshop_pos.errors import CallShopError

__all__ = [
    "DTMF_EVENTS",
    "PT_PCMA",
    "PT_PCMU",
    "PT_TELEPHONE_EVENT",
    "JitterBuffer",
    "MediaAnswer",
    "RtpPacket",
    "RtpSender",
    "SdpError",
    "open_rtp_socket",
    "parse_sdp_answer",
    "sdp_offer",
]

PT_PCMU, PT_PCMA, PT_TELEPHONE_EVENT = 0, 8, 101
CLOCK_RATE = 8000
#: RFC 4733 event codes of the DTMF keys
DTMF_EVENTS = {
    **{str(d): d for d in range(10)},
    "*": 10,
    "#": 11,
    "A": 12,
    "B": 13,
    "C": 14,
    "D": 15,
}
_HEADER = 12
_SEQ_MOD = 1 << 16
_TS_MOD = 1 << 32


class SdpError(CallShopError):
    """The far end's SDP cannot be used (no G.711 audio we offered, no address)."""


@dataclass(frozen=True, slots=True)
class RtpPacket:
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes
    marker: bool = False

    def encode(self) -> bytes:
        first = 0x80  # version 2, no padding, no extension, no CSRC
        second = (0x80 if self.marker else 0) | (self.payload_type & 0x7F)
        return (
            bytes((first, second))
            + self.sequence.to_bytes(2, "big")
            + self.timestamp.to_bytes(4, "big")
            + self.ssrc.to_bytes(4, "big")
            + self.payload
        )

    @classmethod
    def decode(cls, data: bytes) -> RtpPacket:
        """One RTP datagram; ValueError if it is not RTP version 2 or is cut short."""
        if len(data) < _HEADER or data[0] >> 6 != 2:
            raise ValueError("not an RTP version 2 packet")
        csrc = data[0] & 0x0F
        start = _HEADER + 4 * csrc
        if data[0] & 0x10:  # header extension: 16-bit profile, 16-bit length in words
            if len(data) < start + 4:
                raise ValueError("RTP header extension cut short")
            start += 4 + 4 * int.from_bytes(data[start + 2 : start + 4], "big")
        end = len(data)
        if data[0] & 0x20:  # padding: the last byte counts the padding bytes
            end -= data[-1]
        if start > end:
            raise ValueError("RTP packet cut short")
        return cls(
            payload_type=data[1] & 0x7F,
            sequence=int.from_bytes(data[2:4], "big"),
            timestamp=int.from_bytes(data[4:8], "big"),
            ssrc=int.from_bytes(data[8:12], "big"),
            payload=bytes(data[start:end]),
            marker=bool(data[1] & 0x80),
        )


class RtpSender:
    """The sending side of one stream: random SSRC, initial sequence number and
    timestamp (RFC 3550 §5.1); the timestamp advances by the samples of every frame
    time whether audio or a telephone-event is sent in it."""

    def __init__(
        self,
        payload_type: int,
        samples_per_frame: int = 160,
        dtmf_payload_type: int | None = PT_TELEPHONE_EVENT,
        *,
        digit_ms: int = 100,
    ) -> None:
        self.payload_type = payload_type
        self.samples = samples_per_frame
        self.dtmf_payload_type = dtmf_payload_type
        self.ssrc = secrets.randbits(32)
        self.sequence = secrets.randbits(16)
        self.timestamp = secrets.randbits(32)
        self._first = True
        self._digit_frames = max(1, digit_ms * CLOCK_RATE // 1000 // samples_per_frame)
        self._digits: list[str] = []
        self._event: tuple[int, int, int] | None = None  # (code, start timestamp, frames sent)

    def press(self, digit: str) -> bool:
        """Queue a DTMF digit, sent as telephone-events instead of the next frames;
        False when the far end took no telephone-event or the key is unknown."""
        if self.dtmf_payload_type is None or digit.upper() not in DTMF_EVENTS:
            return False
        self._digits.append(digit.upper())
        return True

    def frame(self, payload: bytes) -> list[bytes]:
        """The datagrams to send for one frame time of audio ``payload``."""
        out: list[bytes] = []
        if self._event is None and self._digits:
            self._event = (DTMF_EVENTS[self._digits.pop(0)], self.timestamp, 0)
        if self._event is not None:
            assert self.dtmf_payload_type is not None
            code, start, sent = self._event
            sent += 1
            duration = sent * self.samples
            last = sent >= self._digit_frames
            # RFC 4733 §2.5.1: marker on the first packet of the event; the end packet
            # (E bit) goes three times with the same timestamp and duration.
            for _ in range(3 if last else 1):
                event = bytes((code, (0x80 if last else 0) | 10)) + duration.to_bytes(2, "big")
                out.append(self._packet(self.dtmf_payload_type, start, event, marker=sent == 1))
            self._event = None if last else (code, start, sent)
        else:
            out.append(self._packet(self.payload_type, self.timestamp, payload, self._first))
            self._first = False
        self.timestamp = (self.timestamp + self.samples) % _TS_MOD
        return out

    def _packet(self, pt: int, timestamp: int, payload: bytes, marker: bool) -> bytes:
        packet = RtpPacket(pt, self.sequence, timestamp, self.ssrc, payload, marker).encode()
        self.sequence = (self.sequence + 1) % _SEQ_MOD
        return packet


class JitterBuffer:
    """Orders received frames by sequence number and hands them out one per frame time.

    Play-out starts once ``depth`` frames are waiting (``depth`` × 20 ms of delay);
    a frame that arrives after its turn has been played is dropped and counted
    (:attr:`late`), a missing one is a gap (:meth:`pop` returns None: the caller plays
    silence). At most ``capacity`` frames are kept: a far end that sends faster than
    the card plays loses its oldest frames, and after a long silence of the far end
    play-out waits for ``depth`` frames again. A jump of the sequence number by more
    than ``capacity`` (a new SSRC, a restart of the far end) starts the buffer over.
    """

    def __init__(self, depth: int = 2, capacity: int = 10) -> None:
        self.depth = depth
        self.capacity = capacity
        self._frames: dict[int, bytes] = {}
        self._next: int | None = None  # extended sequence number to play next
        self._highest: int | None = None
        self._playing = False
        self.late = 0
        self.lost = 0
        self.received = 0

    def _extend(self, sequence: int) -> int:
        if self._highest is None:
            return sequence
        base = self._highest - (self._highest % _SEQ_MOD)
        candidates = (base - _SEQ_MOD + sequence, base + sequence, base + _SEQ_MOD + sequence)
        return min(candidates, key=lambda c: abs(c - self._highest))  # type: ignore[operator]

    def put(self, sequence: int, payload: bytes) -> None:
        ext = self._extend(sequence)
        if self._highest is not None and abs(ext - self._highest) > self.capacity * 4:
            self._frames.clear()  # a restart of the far end's stream
            self._next = self._highest = None
            self._playing = False
            ext = sequence
        elif self._next is not None and ext < self._next:
            self.late += 1
            return
        self.received += 1
        self._frames[ext] = payload
        if self._highest is None or ext > self._highest:
            self._highest = ext
        if self._next is None:
            self._next = ext
        while len(self._frames) > self.capacity:
            oldest = min(self._frames)
            del self._frames[oldest]
            self.lost += 1
            self._next = min(self._frames)

    def pop(self) -> bytes | None:
        """The frame for this frame time, or None (not started, or a gap)."""
        if not self._playing:
            if len(self._frames) < self.depth:
                return None
            self._playing = True
        if self._next is None or not self._frames:
            self._playing = False  # ran dry: wait for ``depth`` frames again
            return None
        payload = self._frames.pop(self._next, None)
        self._next += 1
        if payload is None:
            self.lost += 1
        return payload


# ------------------------------------------------------------------ SDP


@dataclass(frozen=True, slots=True)
class MediaAnswer:
    host: str
    port: int
    payload_type: int  # PT_PCMU or PT_PCMA
    dtmf_payload_type: int | None
    ptime_ms: int = 20

    @property
    def codec(self) -> str:
        return "PCMU" if self.payload_type == PT_PCMU else "PCMA"


def sdp_offer(host: str, port: int, session_id: int) -> str:
    """Our offer: PCMU and PCMA at 20 ms, telephone-events 0-15 (RFC 4733)."""
    return (
        "v=0\r\n"
        f"o=callshop {session_id} {session_id} IN IP4 {host}\r\n"
        "s=callshop\r\n"
        f"c=IN IP4 {host}\r\n"
        "t=0 0\r\n"
        f"m=audio {port} RTP/AVP {PT_PCMU} {PT_PCMA} {PT_TELEPHONE_EVENT}\r\n"
        f"a=rtpmap:{PT_PCMU} PCMU/8000\r\n"
        f"a=rtpmap:{PT_PCMA} PCMA/8000\r\n"
        f"a=rtpmap:{PT_TELEPHONE_EVENT} telephone-event/8000\r\n"
        f"a=fmtp:{PT_TELEPHONE_EVENT} 0-15\r\n"
        "a=ptime:20\r\n"
        "a=sendrecv\r\n"
    )


_RTPMAP = re.compile(r"^a=rtpmap:(\d+)\s+([^/\s]+)/(\d+)", re.IGNORECASE)


def parse_sdp_answer(text: str) -> MediaAnswer:
    """The first audio stream of the far end's SDP: where to send, which G.711 law
    (the first of its formats that we offered) and its telephone-event payload type."""
    session_host: str | None = None
    media_host: str | None = None
    port: int | None = None
    formats: list[int] = []
    names: dict[int, str] = {}
    in_audio = False
    seen_audio = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("m="):
            if seen_audio:
                break  # only the first audio stream
            parts = line[2:].split()
            in_audio = len(parts) >= 3 and parts[0] == "audio"
            if in_audio:
                seen_audio = True
                try:
                    port = int(parts[1])
                    formats = [int(f) for f in parts[3:]]
                except ValueError:
                    raise SdpError(f"bad media line {line!r}") from None
        elif line.startswith("c="):
            parts = line[2:].split()
            if len(parts) >= 3 and parts[1] == "IP4":
                if in_audio:
                    media_host = parts[2].split("/")[0]
                elif not seen_audio:
                    session_host = parts[2].split("/")[0]
        elif in_audio and (match := _RTPMAP.match(line)):
            names[int(match.group(1))] = match.group(2).lower()
    if not seen_audio or port is None:
        raise SdpError("the far end's SDP has no audio stream")
    if port == 0:
        raise SdpError("the far end refused the audio stream (port 0)")
    host = media_host or session_host
    if not host:
        raise SdpError("the far end's SDP has no IPv4 connection address")
    # The answer's formats are a subset of ours: the static G.711 types 0 and 8.
    chosen = next((pt for pt in formats if pt in (PT_PCMU, PT_PCMA)), None)
    if chosen is None:
        raise SdpError(f"the far end answered without G.711 (formats {formats})")
    dtmf = next((pt for pt in formats if names.get(pt) == "telephone-event"), None)
    return MediaAnswer(host, port, chosen, dtmf)


# ------------------------------------------------------------------ sockets


def open_rtp_socket(host: str, ports: Iterable[int] | None = None) -> socket.socket:
    """A non-blocking UDP socket for one call's RTP, bound on ``host`` to the first
    free port of ``ports`` (even numbers, as RFC 3550 asks), or any port if None."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setblocking(False)
        if ports is None:
            sock.bind((host, 0))
            return sock
        for port in ports:
            try:
                sock.bind((host, port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    continue
                raise
            return sock
    except BaseException:
        sock.close()
        raise
    sock.close()
    raise CallShopError("no free RTP port left in the configured range")
