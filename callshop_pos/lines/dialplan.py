"""The booth dial plan for prepaid calling cards.

A booth calls with a card by dialling the access code (the shop's ``card_access_code``
setting, ``*77`` by default), the card's PIN, ``*`` and then the number::

    *77 123456789012 * 00493012345   ->   PIN 123456789012, number 00493012345

The same string arrives from a SIP ATA (the INVITE's request-URI user part, where a
``*`` may come %-escaped as ``%2A``) and from a Quicknet line (the DTMF digits
collected until ``#`` or the inter-digit timeout). Everything here is pure: the
engine parses a dialled string once, at admission, and from then on only the
destination number travels (to the carrier, the call record, the booth tile, the
logs). The PIN never leaves this module's result except to the card check;
:func:`mask_dialled` is what may be shown or logged of a string that holds one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "DEFAULT_ACCESS_CODE",
    "MAX_PIN_DIGITS",
    "MIN_PIN_DIGITS",
    "CardDial",
    "mask_any_card_dial",
    "mask_dialled",
    "mask_pin",
    "parse_card_dial",
    "valid_access_code",
]

DEFAULT_ACCESS_CODE = "*77"
#: PIN lengths the card service accepts (services.cards.engine).
MIN_PIN_DIGITS = 10
MAX_PIN_DIGITS = 20

_ACCESS_CODE = re.compile(r"[*#0-9]{1,8}")
_ESCAPES = {"%2a": "*", "%23": "#"}


@dataclass(frozen=True, slots=True)
class CardDial:
    """A dialled string that starts with the access code.

    ``pin`` and ``number`` are as dialled (digits only when well formed); ``problem``
    says in words why the string is not a usable card call (None when it is).
    ``masked`` is the whole string with the PIN hidden, for logs and screens.
    """

    pin: str
    number: str
    masked: str
    problem: str | None = None
    bad_pin: bool = False  # the PIN itself is malformed (counts as a wrong PIN)

    @property
    def ok(self) -> bool:
        return self.problem is None


def valid_access_code(code: str) -> bool:
    """1–8 characters of ``0-9 * #`` (what a keypad can dial)."""
    return bool(_ACCESS_CODE.fullmatch(code))


def _unescape(dialled: str) -> str:
    text = dialled
    for escaped, plain in _ESCAPES.items():
        text = re.sub(re.escape(escaped), plain, text, flags=re.IGNORECASE)
    return text


def mask_pin(pin: str) -> str:
    """A PIN as it may be logged: every digit hidden but the last two (``••••12``);
    a PIN of four characters or fewer is hidden entirely."""
    if len(pin) <= 4:
        return "•" * len(pin)
    return "•" * (len(pin) - 2) + pin[-2:]


def parse_card_dial(dialled: str, access_code: str = DEFAULT_ACCESS_CODE) -> CardDial | None:
    """The card call in ``dialled``, or None when it does not start with the access code
    (an ordinary call). A string that does start with it is always a card attempt:
    malformed ones come back with ``problem`` set (and never reach the carrier)."""
    if not access_code:
        return None
    text = _unescape(dialled.strip())
    if text.endswith("#"):
        text = text[:-1]  # a Quicknet caller may end the number with '#'
    if not text.startswith(access_code):
        return None
    rest = text[len(access_code) :]
    pin, sep, number = rest.partition("*")
    masked = f"{access_code}{mask_pin(pin)}{sep}{number}"
    problem: str | None = None
    bad_pin = True
    if not pin:
        problem = "no PIN dialled"
    elif not pin.isdigit():
        problem = "the PIN must be digits only"
    elif not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        problem = f"a PIN has {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits, not {len(pin)}"
    else:
        bad_pin = False
        if not sep or not number:
            problem = "no number dialled after the PIN and '*'"
        elif "*" in number or "#" in number:
            problem = "the number after the PIN may not contain '*' or '#'"
    return CardDial(pin, number, masked, problem, bad_pin and problem is not None)


def mask_any_card_dial(dialled: str) -> str:
    """``dialled`` as a driver may log it without knowing the access code: in a string
    that starts with ``*``, the digits up to the next ``*`` (access code and PIN) are
    hidden but the last two. Other strings are returned as they are."""
    text = _unescape(dialled)
    if not text.startswith("*"):
        return dialled
    secret, sep, rest = text[1:].partition("*")
    if len(secret) < 6 or not secret.isdigit():
        return text
    return f"*{mask_pin(secret)}{sep}{rest}"


def mask_dialled(dialled: str, access_code: str = DEFAULT_ACCESS_CODE) -> str:
    """``dialled`` as it may be shown or logged: the PIN of a card call hidden, also
    while it is still being dialled (digits collected one by one)."""
    if not access_code:
        return dialled
    text = _unescape(dialled)
    if text.startswith(access_code):
        rest = text[len(access_code) :]
        pin, sep, number = rest.partition("*")
        return f"{access_code}{mask_pin(pin)}{sep}{number}"
    if access_code.startswith(text) and text:
        return text  # only part of the access code so far: nothing secret yet
    return dialled
