"""SIPp as the carrier of calls the till places itself, with RTP echo (tests, bench)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.drivers.sip import sipp
from tests.drivers.sip.conftest import TRUNK_PASSWORD, TRUNK_USER

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
NUMBER = "0049301234567"
MEDIA = """Content-Type: application/sdp
Content-Length: [len]

v=0
o=carrier 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP @PT@ 101
a=rtpmap:@PT@ @CODEC@/8000
a=rtpmap:101 telephone-event/8000
"""
RINGING_180 = """<send>
    <![CDATA[
SIP/2.0 180 Ringing
[$ivia]
[$ifrom]
[$ito];tag=[pid]SIPpTag01[call_number]
Call-ID: [$cid]
CSeq: [$cseqnum] INVITE
Contact: <sip:carrier@[local_ip]:[local_port]>
Content-Length: 0

    ]]>
  </send>"""
EARLY_183 = (
    """<send>
    <![CDATA[
SIP/2.0 183 Session Progress
[$ivia]
[$ifrom]
[$ito];tag=[pid]SIPpTag01[call_number]
Call-ID: [$cid]
CSeq: [$cseqnum] INVITE
Contact: <sip:carrier@[local_ip]:[local_port]>
"""
    + MEDIA
    + """
    ]]>
  </send>"""
)


def carrier(
    workdir: Path,
    port: int,
    *,
    final: int = 200,
    phrase: str = "OK",
    ring_ms: int = 300,
    talk_ms: int = 30000,
    codec: str = "PCMA",
    early_media: bool = False,
    calls: int = 1,
    stream: Path | None = None,
) -> sipp.SippRun:
    """SIPp as the carrier on ``port`` with RTP echo on a media port of its own, or
    (``stream``) sending SIPp's own RTP stream of that raw G.711 file once answered."""
    pt = "8" if codec == "PCMA" else "0"
    text = (SCENARIOS / "carrier_rtp.xml").read_text(encoding="iso-8859-1")
    progress = EARLY_183 if early_media else RINGING_180
    text = text.replace("@PROGRESS@", progress.replace("@PT@", pt).replace("@CODEC@", codec))
    values = {
        "trunk_user": TRUNK_USER,
        "trunk_password": TRUNK_PASSWORD,
        "ring_ms": ring_ms,
        "talk_ms": talk_ms,
        "final": final,
        "final_phrase": phrase,
        "answer_jump": '<nop hide="true" next="answer" />' if final == 200 else "",
        "pt": pt,
        "codec": codec,
        "after_ack": (
            f'<nop><action><exec rtp_stream="{stream},1,{pt}" /></action></nop>'
            if stream is not None
            else ""
        ),
    }
    for key, value in values.items():
        text = text.replace(f"@{key.upper()}@", str(value))
    assert not re.findall(r"@[A-Z_]+@", text)
    scenario = workdir / f"carrier_rtp-{len(list(workdir.glob('*.xml')))}.xml"
    scenario.write_text(text, encoding="iso-8859-1")
    media_port = sipp.free_udp_port()
    return sipp.start(
        scenario,
        workdir,
        local_port=port,
        calls=calls,
        args=("-mp", str(media_port)) if stream else ("-rtp_echo", "-mp", str(media_port)),
    )


def finish(run: sipp.SippRun) -> str:
    rc = run.wait(60)
    assert rc == 0, run.describe()
    return run.logs
