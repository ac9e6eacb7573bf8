"""RTP packets, the sender's numbering, RFC 4733 digits, the jitter buffer and SDP."""

from __future__ import annotations

import pytest

from drivers.rtp import (
    PT_PCMA,
    PT_PCMU,
    PT_TELEPHONE_EVENT,
    JitterBuffer,
    RtpPacket,
    RtpSender,
    SdpError,
    parse_sdp_answer,
    sdp_offer,
)


def test_packets_round_trip_and_odd_headers_are_read() -> None:
    packet = RtpPacket(PT_PCMA, 65535, 2**32 - 1, 0xDEADBEEF, b"\xd5" * 160, marker=True)
    data = packet.encode()
    assert data[:2] == b"\x80\x88" and len(data) == 172
    assert RtpPacket.decode(data) == packet
    # CSRC count 1, header extension of one word, 4 bytes of padding
    odd = bytes((0xB1, 0x00)) + data[2:12] + b"CSRC" + b"\xbe\xde\x00\x01" + b"EXT!"
    odd += b"voice" + b"\x00\x00\x00\x04"
    assert RtpPacket.decode(odd).payload == b"voice"
    for bad in (b"", b"\x40" + data[1:], data[:11]):
        with pytest.raises(ValueError):
            RtpPacket.decode(bad)


def test_sender_numbers_every_frame_and_wraps() -> None:
    sender = RtpSender(PT_PCMU, 160)
    sender.sequence, sender.timestamp = 65534, 2**32 - 160
    sent = [RtpPacket.decode(p) for f in range(3) for p in sender.frame(bytes([f]) * 160)]
    assert [p.sequence for p in sent] == [65534, 65535, 0]
    assert [p.timestamp for p in sent] == [2**32 - 160, 0, 160]
    assert [p.marker for p in sent] == [True, False, False]  # start of the talk spurt
    assert {p.ssrc for p in sent} == {sender.ssrc}
    assert [p.payload[0] for p in sent] == [0, 1, 2]


def test_digits_go_as_rfc4733_events_in_place_of_audio() -> None:
    sender = RtpSender(PT_PCMU, 160, PT_TELEPHONE_EVENT, digit_ms=60)
    assert sender.press("5") and sender.press("#") and not sender.press("x")
    start = sender.timestamp
    out = [[RtpPacket.decode(p) for p in sender.frame(b"\xff" * 160)] for _ in range(7)]
    first = out[0] + out[1] + out[2]
    assert all(p.payload_type == PT_TELEPHONE_EVENT for p in first)
    assert [p.payload[0] for p in first] == [5] * 5  # event 5
    assert [p.timestamp for p in first] == [start] * 5  # the event's start
    assert [p.marker for p in first] == [True, False, False, False, False]
    durations = [int.from_bytes(p.payload[2:4], "big") for p in first]
    assert durations == [160, 320, 480, 480, 480]
    ends = [bool(p.payload[1] & 0x80) for p in first]
    assert ends == [False, False, True, True, True]  # the end packet three times
    seqs = [p.sequence for group in out for p in group]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert out[3][0].payload[0] == 11 and out[3][0].timestamp == start + 3 * 160  # '#'
    audio = out[6][0]
    assert audio.payload_type == PT_PCMU and audio.timestamp == start + 6 * 160
    assert not RtpSender(PT_PCMU, 160, None).press("1")  # no telephone-event answered


def test_jitter_buffer_reorders_waits_and_drops_late_frames() -> None:
    buffer = JitterBuffer(depth=2, capacity=5)
    assert buffer.pop() is None
    buffer.put(65535, b"a")
    assert buffer.pop() is None  # waits for two frames
    buffer.put(1, b"c")  # out of order, across the wrap
    buffer.put(0, b"b")
    assert [buffer.pop(), buffer.pop(), buffer.pop()] == [b"a", b"b", b"c"]
    buffer.put(65535, b"late")
    assert buffer.late == 1
    buffer.put(3, b"e")
    buffer.put(4, b"f")
    assert buffer.pop() is None and buffer.lost == 1  # 2 never came: a gap
    assert [buffer.pop(), buffer.pop()] == [b"e", b"f"]
    for seq in range(5, 15):  # the far end runs ahead: the oldest go
        buffer.put(seq, bytes([seq]))
    assert buffer.pop() == bytes([10])
    buffer.put(40000, b"new")  # a restart of the far end's stream
    buffer.put(40001, b"new2")
    assert buffer.pop() == b"new"


def test_sdp_offer_and_answers() -> None:
    offer = sdp_offer("192.0.2.10", 16384, 7)
    assert "m=audio 16384 RTP/AVP 0 8 101\r\n" in offer and "a=ptime:20" in offer
    assert "c=IN IP4 192.0.2.10" in offer
    answer = parse_sdp_answer(
        "v=0\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 8 96\r\n"
        "a=rtpmap:8 PCMA/8000\r\na=rtpmap:96 telephone-event/8000\r\n"
    )
    assert (answer.host, answer.port, answer.codec, answer.dtmf_payload_type) == (
        "198.51.100.1",
        30000,
        "PCMA",
        96,
    )
    media_level = parse_sdp_answer(
        "v=0\nc=IN IP4 10.0.0.1\nm=audio 4000 RTP/AVP 0\nc=IN IP4 10.0.0.2\n"
    )
    assert (media_level.host, media_level.payload_type, media_level.dtmf_payload_type) == (
        "10.0.0.2",
        PT_PCMU,
        None,
    )
    for bad, why in (
        ("v=0\nc=IN IP4 10.0.0.1\nm=audio 4000 RTP/AVP 18\n", "without G.711"),
        ("v=0\nc=IN IP4 10.0.0.1\nm=audio 0 RTP/AVP 0\n", "port 0"),
        ("v=0\nm=audio 4000 RTP/AVP 0\n", "no IPv4"),
        ("v=0\nc=IN IP4 10.0.0.1\n", "no audio"),
    ):
        with pytest.raises(SdpError, match=why):
            parse_sdp_answer(bad)
