"""Linux telephony API (``ixj`` driver, ``/dev/phoneN``) ioctl numbers and bits.

Built with the asm-generic encoding ``dir<<30 | size<<16 | 'q'<<8 | nr``; the few
requests whose argument is a pointer take the pointer size of this machine
(TELEPHONY.md §1.2), so nothing is hard-coded for one architecture.
"""

from __future__ import annotations

import struct

__all__ = [
    "CODEC_ALAW",
    "CODEC_ULAW",
    "DTMF_CODES",
    "EX_DTMF_READY",
    "EX_FLASH",
    "EX_HOOKSTATE",
    "EX_PSTN_RING",
    "EX_PSTN_WINK",
    "IXJCTL_CARDTYPE",
    "IXJCTL_PORT",
    "IXJCTL_POTS_PSTN",
    "PHONE_BUSY",
    "PHONE_CPT_STOP",
    "PHONE_DIALTONE",
    "PHONE_DTMF_OOB",
    "PHONE_EXCEPTION",
    "PHONE_FRAME",
    "PHONE_GET_DTMF_ASCII",
    "PHONE_GET_TONE_STATE",
    "PHONE_HOOKSTATE",
    "PHONE_PLAY_CODEC",
    "PHONE_PLAY_START",
    "PHONE_PLAY_STOP",
    "PHONE_PLAY_TONE",
    "PHONE_PSTN_GET_STATE",
    "PHONE_PSTN_SET_STATE",
    "PHONE_REC_CODEC",
    "PHONE_REC_START",
    "PHONE_REC_STOP",
    "PHONE_RINGBACK",
    "PHONE_RING_STOP",
    "PHONE_SET_TONE_OFF_TIME",
    "PHONE_SET_TONE_ON_TIME",
    "PORT_POTS",
    "PORT_PSTN",
    "PSTN_OFF_HOOK",
    "PSTN_ON_HOOK",
    "tone_index",
]

_NONE, _WRITE, _READ = 0, 1, 2
_TYPE = ord("q")
_INT = struct.calcsize("i")
_CHAR = 1
PTR_SIZE = struct.calcsize("P")


def _ioc(direction: int, nr: int, size: int) -> int:
    return (direction << 30) | (size << 16) | (_TYPE << 8) | nr


PHONE_HOOKSTATE = _ioc(_NONE, 0x84, 0)
PHONE_RING_STOP = _ioc(_NONE, 0x88, 0)
PHONE_REC_CODEC = _ioc(_WRITE, 0x89, _INT)
PHONE_REC_START = _ioc(_NONE, 0x8A, 0)
PHONE_REC_STOP = _ioc(_NONE, 0x8B, 0)
PHONE_FRAME = _ioc(_WRITE, 0x8D, _INT)
PHONE_PLAY_CODEC = _ioc(_WRITE, 0x90, _INT)
PHONE_PLAY_START = _ioc(_NONE, 0x91, 0)
PHONE_PLAY_STOP = _ioc(_NONE, 0x92, 0)
PHONE_DTMF_READY = _ioc(_READ, 0x96, _INT)
PHONE_GET_DTMF_ASCII = _ioc(_READ, 0x98, _INT)
PHONE_DTMF_OOB = _ioc(_WRITE, 0x99, _INT)
PHONE_EXCEPTION = _ioc(_READ, 0x9A, _INT)
PHONE_PLAY_TONE = _ioc(_WRITE, 0x9B, _CHAR)
PHONE_SET_TONE_ON_TIME = _ioc(_WRITE, 0x9C, _INT)
PHONE_SET_TONE_OFF_TIME = _ioc(_WRITE, 0x9D, _INT)
PHONE_GET_TONE_STATE = _ioc(_NONE, 0xA0, 0)
PHONE_BUSY = _ioc(_NONE, 0xA1, 0)
PHONE_RINGBACK = _ioc(_NONE, 0xA2, 0)
PHONE_DIALTONE = _ioc(_NONE, 0xA3, 0)
# Same nr, told apart only by direction and size (TELEPHONY.md §1.2).
PHONE_CPT_STOP = _ioc(_NONE, 0xA4, 0)
PHONE_PSTN_SET_STATE = _ioc(_WRITE, 0xA4, _INT)
PHONE_PSTN_GET_STATE = _ioc(_NONE, 0xA5, 0)
IXJCTL_CARDTYPE = _ioc(_READ, 0xC1, _INT)
IXJCTL_PORT = _ioc(_WRITE, 0xD1, _INT)
IXJCTL_POTS_PSTN = _ioc(_WRITE, 0xD5, _INT)
PHONE_RING_START = _ioc(_WRITE, 0x87, PTR_SIZE)  # pointer argument: size varies

# union telephony_exception, LSB first (TELEPHONY.md §1.3)
EX_DTMF_READY = 0x0001
EX_HOOKSTATE = 0x0002  # hook state *changed*; read PHONE_HOOKSTATE for the state
EX_PSTN_RING = 0x0004
EX_CALLER_ID = 0x0008
EX_PSTN_WINK = 0x0010  # loop-current break from the exchange: far end hung up
EX_FLASH = 0x0200
#: PHONE_EXCEPTION clears these on read; dtmf_ready and hookstate persist.
EX_CLEARED_ON_READ = 0xFFFF & ~(EX_DTMF_READY | EX_HOOKSTATE)

PORT_QUERY, PORT_POTS, PORT_PSTN = 0, 1, 2
#: phone_codec of linux/telephony.h (the G.711 laws the VoIP route uses)
CODEC_ULAW, CODEC_ALAW = 8, 9
#: PHONE_FRAME: frame length in ms (10, 20 or 30); G.711 is 8 bytes per ms
FRAME_MS = (10, 20, 30)
G711_BYTES_PER_MS = 8
PSTN_ON_HOOK, PSTN_RINGING, PSTN_OFF_HOOK = 0, 1, 2
CARD_PHONEJACK, CARD_LINEJACK, CARD_PHONEJACK_LITE, CARD_PHONEJACK_PCI, CARD_PHONECARD = (
    100,
    300,
    400,
    500,
    600,
)

#: PHONE_PLAY_TONE / detected digit codes: 1-9, 10 '*', 11 '0', 12 '#', 28-31 A-D.
DTMF_CODES = {
    **{str(d): d for d in range(1, 10)},
    "*": 10,
    "0": 11,
    "#": 12,
    "A": 28,
    "B": 29,
    "C": 30,
    "D": 31,
}


def tone_index(digit: str) -> int:
    """The PHONE_PLAY_TONE index of a DTMF digit (follows OPAL, not chan_phone)."""
    return DTMF_CODES[digit.upper()]
