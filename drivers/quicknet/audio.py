"""Audio of the VoIP route: G.711 frames between the cards and RTP, in one thread.

One :class:`AudioPump` thread serves every call in progress with a selector over the
cards' audio descriptors and the calls' RTP sockets, so the engine's thread and the
driver's hook/DTMF thread never wait for audio. The card is the clock: each frame the
card records is sent as one RTP packet at once (no transcoding: the card records and
plays the negotiated law), and each time the card delivers a frame, one frame from the
jitter buffer (or silence in a gap) is written to its speaker side. A card that
delivers no frame for ``timeout_s`` ends its call (``on_dead``). The first RTP packet
from the far end fixes where it is (symmetric RTP: a carrier whose media comes from
another address or port than its SDP named is answered there); packets from anywhere
else are dropped from then on.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import selectors
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from drivers.quicknet.device import Phone
from drivers.rtp import JitterBuffer, RtpPacket, RtpSender

__all__ = ["AudioPump", "AudioStats", "AudioStream"]

log = logging.getLogger("drivers.quicknet")

FRAME_S = 0.02


@dataclass(slots=True)
class AudioStats:
    frames_sent: int = 0  # card → network
    frames_played: int = 0  # network → card (silence in gaps not counted)
    gaps: int = 0  # frame times with nothing from the network to play
    late_reads: int = 0  # a card frame picked up more than a frame time after its turn
    bad_packets: int = 0


@dataclass(slots=True)
class AudioStream:
    """One call's media: the card of ``booth`` and an RTP socket to ``remote``."""

    booth: str
    phone: Phone
    sock: socket.socket
    remote: tuple[str, int]
    payload_type: int
    frame_bytes: int
    silence: bytes
    sender: RtpSender
    jitter: JitterBuffer = field(default_factory=JitterBuffer)
    stats: AudioStats = field(default_factory=AudioStats)
    last_frame: float = 0.0
    last_read: float | None = None
    latched: bool = False  # the far end's media source is known (symmetric RTP)

    def close(self) -> None:
        self.sock.close()


class AudioPump:
    def __init__(self, on_dead: Callable[[str, str], None], *, timeout_s: float = 2.0) -> None:
        self.on_dead = on_dead
        self.timeout_s = timeout_s
        self._streams: dict[str, AudioStream] = {}
        self._requests: deque[Callable[[], None]] = deque()
        self._lock = threading.Lock()
        self._wake_r: socket.socket | None = None  # made by start()
        self._wake_w: socket.socket | None = None
        self._selector: selectors.BaseSelector = selectors.DefaultSelector()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.finished: dict[str, AudioStats] = {}  # booth -> stats of its last call

    # ------------------------------------------------------------ any thread

    def start(self) -> None:
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._thread = threading.Thread(target=self._run, name="quicknet-audio", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._wake()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        self._run_requests()  # streams added at the last moment are closed too
        for stream in list(self._streams.values()):
            self._drop(stream)
        self._selector.close()
        for wake in (self._wake_r, self._wake_w):
            if wake is not None:
                wake.close()

    def add(self, stream: AudioStream) -> None:
        self._request(lambda: self._add(stream))

    def remove(self, booth: str) -> None:
        """End the booth's stream: its card stops recording and playing (done here, in
        this thread, so no read of the card races the stop) and its RTP socket closes."""
        self._request(lambda: self._remove(booth))

    def retarget(
        self,
        booth: str,
        remote: tuple[str, int],
        payload_type: int,
        silence: bytes,
        sender: RtpSender,
        *,
        codec: int,
        frame_ms: int,
    ) -> None:
        """The far end's media moved (the 200 OK's SDP differs from the 183's): the card
        records and plays ``codec`` from now on. The card is restarted here, in this
        thread, between two of its frames: restarted beside it, a frame read before the
        stop would be written to a card that no longer plays, and the call would end."""

        def apply() -> None:
            stream = self._streams.get(booth)
            if stream is None:
                return
            try:
                stream.phone.start_audio(codec, frame_ms)
            except OSError as exc:
                self._dead(stream, f"the card's audio failed: {exc}")
                return
            stream.remote, stream.payload_type = remote, payload_type
            stream.silence, stream.sender = silence, sender
            stream.jitter = JitterBuffer()

        self._request(apply)

    def press(self, booth: str, digit: str) -> None:
        """Send ``digit`` as RFC 4733 telephone-events in the booth's stream."""
        self._request(lambda: self._press(booth, digit))

    def streams(self) -> int:
        return len(self._streams)

    def _request(self, action: Callable[[], None]) -> None:
        with self._lock:
            self._requests.append(action)
        self._wake()

    def _wake(self) -> None:
        if self._wake_w is not None:
            with contextlib.suppress(OSError):
                self._wake_w.send(b"w")

    # ------------------------------------------------------------ audio thread

    def _add(self, stream: AudioStream) -> None:
        old = self._streams.pop(stream.booth, None)
        if old is not None:
            self._drop(old)
        stream.last_frame = time.monotonic()
        self._streams[stream.booth] = stream
        self._selector.register(stream.phone.device.audio_fileno(), selectors.EVENT_READ, stream)
        self._selector.register(stream.sock, selectors.EVENT_READ, stream)

    def _remove(self, booth: str) -> None:
        stream = self._streams.pop(booth, None)
        if stream is not None:
            self._drop(stream)
            try:
                stream.phone.stop_audio()
            except OSError as exc:
                log.warning("Quicknet audio of %s: stopping the card failed: %s", booth, exc)

    def _drop(self, stream: AudioStream) -> None:
        self._streams.pop(stream.booth, None)
        for fileobj in (stream.phone.device.audio_fileno(), stream.sock):
            with contextlib.suppress(KeyError, ValueError, OSError):
                self._selector.unregister(fileobj)
        self.finished[stream.booth] = stream.stats
        stream.close()

    def _press(self, booth: str, digit: str) -> None:
        stream = self._streams.get(booth)
        if stream is not None and not stream.sender.press(digit):
            log.info("digit %r of %s not sent: no telephone-event at the far end", digit, booth)

    def _run(self) -> None:
        while not self._stopping:
            try:
                ready = self._selector.select(0.1)
            except OSError:  # a descriptor closed under us; the next round is clean
                continue
            for key, _mask in ready:
                stream: AudioStream | None = key.data
                if stream is None:
                    with contextlib.suppress(OSError, AttributeError):
                        self._wake_r.recv(4096)  # type: ignore[union-attr]
                    self._run_requests()
                    continue
                if self._streams.get(stream.booth) is not stream:
                    continue  # removed during this round
                if key.fileobj is stream.sock:
                    self._receive(stream)
                else:
                    self._card_frame(stream)
            self._run_requests()
            self._check_dead()

    def _run_requests(self) -> None:
        with self._lock:
            requests = list(self._requests)
            self._requests.clear()
        for action in requests:
            try:
                action()
            except Exception:
                log.exception("audio request failed")

    def _card_frame(self, stream: AudioStream) -> None:
        try:
            frame = stream.phone.device.read(stream.frame_bytes)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                return
            self._dead(stream, f"the card's audio failed: {exc}")
            return
        now = time.monotonic()
        if stream.last_read is not None and now - stream.last_read > 2 * FRAME_S:
            stream.stats.late_reads += 1
        stream.last_read = stream.last_frame = now
        for packet in stream.sender.frame(frame):
            try:
                stream.sock.sendto(packet, stream.remote)
            except OSError as exc:  # e.g. ICMP unreachable from an earlier datagram
                log.debug("RTP to %s:%d: %s", *stream.remote, exc)
        stream.stats.frames_sent += 1
        payload = stream.jitter.pop()
        if payload is None:
            stream.stats.gaps += 1
            payload = stream.silence
        else:
            stream.stats.frames_played += 1
        try:
            stream.phone.device.write(payload)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK):
                self._dead(stream, f"the card's audio failed: {exc}")

    def _receive(self, stream: AudioStream) -> None:
        for _ in range(64):
            try:
                data, source = stream.sock.recvfrom(2048)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # ICMP errors of earlier sends surface here
                continue
            try:
                packet = RtpPacket.decode(data)
            except ValueError:
                stream.stats.bad_packets += 1
                continue
            if source != stream.remote:
                if stream.latched:
                    stream.stats.bad_packets += 1  # not the far end we talk to
                    continue
                # Symmetric RTP (RFC 4961): the first RTP from the far end says where it
                # really is (behind NAT, or another port than its SDP named); send there.
                log.info(
                    "RTP of %s: far end at %s:%d, not %s:%d", stream.booth, *source, *stream.remote
                )
                stream.remote = (str(source[0]), int(source[1]))
            stream.latched = True
            if packet.payload_type != stream.payload_type:
                continue  # telephone-events, comfort noise: nothing to play
            if len(packet.payload) != stream.frame_bytes:
                stream.stats.bad_packets += 1  # another packet time than agreed
                continue
            stream.jitter.put(packet.sequence, packet.payload)

    def _check_dead(self) -> None:
        now = time.monotonic()
        for stream in list(self._streams.values()):
            if now - stream.last_frame > self.timeout_s:
                self._dead(stream, f"the card delivered no audio frame for {self.timeout_s:g} s")

    def _dead(self, stream: AudioStream, detail: str) -> None:
        log.error("Quicknet audio of %s: %s", stream.booth, detail)
        self._drop(stream)
        with contextlib.suppress(OSError):
            stream.phone.stop_audio()
        try:
            self.on_dead(stream.booth, detail)
        except Exception:
            log.exception("on_dead failed")
