"""The card dial plan: access code, PIN, '*', number."""

from __future__ import annotations

import pytest

from callshop_pos.lines.dialplan import (
    CardDial,
    mask_any_card_dial,
    mask_dialled,
    mask_pin,
    parse_card_dial,
    valid_access_code,
)

PIN = "123456789012"


def test_a_card_call_is_split_into_pin_and_number() -> None:
    dial = parse_card_dial(f"*77{PIN}*00493012345")
    assert dial == CardDial(PIN, "00493012345", "*77••••••••••12*00493012345")
    assert dial.ok and not dial.bad_pin


def test_an_ordinary_number_is_no_card_call() -> None:
    assert parse_card_dial("00493012345") is None
    assert parse_card_dial("*7") is None  # only part of the access code
    assert parse_card_dial(f"*78{PIN}*0049301") is None
    assert parse_card_dial(f"*77{PIN}*0049", access_code="") is None


@pytest.mark.parametrize(
    "dialled",
    [
        f"%2A77{PIN}%2a00493012345",  # an ATA that escapes '*' in the request-URI
        f"*77{PIN}*00493012345#",  # a Quicknet caller ending the number with '#'
        f"  *77{PIN}*00493012345 ",
    ],
)
def test_escaped_and_terminated_forms_parse_alike(dialled: str) -> None:
    dial = parse_card_dial(dialled)
    assert dial is not None and dial.ok
    assert (dial.pin, dial.number) == (PIN, "00493012345")


def test_another_access_code_from_the_setting() -> None:
    dial = parse_card_dial(f"#9{PIN}*0049301", access_code="#9")
    assert dial is not None and (dial.pin, dial.number) == (PIN, "0049301")
    assert parse_card_dial(f"*77{PIN}*0049301", access_code="#9") is None


@pytest.mark.parametrize(
    ("dialled", "problem", "bad_pin"),
    [
        ("*77*0049301", "no PIN dialled", True),
        ("*77", "no PIN dialled", True),
        ("*7712345*0049301", "a PIN has 10 to 20 digits, not 5", True),
        ("*771234567890123456789012345*0049301", "a PIN has 10 to 20 digits, not 25", True),
        ("*771234#67890*0049301", "the PIN must be digits only", True),
        (f"*77{PIN}", "no number dialled after the PIN and '*'", False),
        (f"*77{PIN}*", "no number dialled after the PIN and '*'", False),
        (f"*77{PIN}*0049*301", "the number after the PIN may not contain '*' or '#'", False),
    ],
)
def test_malformed_card_calls_say_why(dialled: str, problem: str, bad_pin: bool) -> None:
    dial = parse_card_dial(dialled)
    assert dial is not None and not dial.ok
    assert (dial.problem, dial.bad_pin) == (problem, bad_pin)


def test_masks_never_show_the_pin() -> None:
    assert mask_pin(PIN) == "••••••••••12"
    assert mask_pin("1234") == "••••"
    for dialled in (f"*77{PIN}*0049301", f"*77{PIN}", f"*77{PIN[:7]}", f"%2A77{PIN}%2A0049"):
        shown = mask_dialled(dialled)
        assert PIN[:7] not in shown and shown.startswith("*77")
        dial = parse_card_dial(dialled)
        assert dial is not None and PIN[:7] not in dial.masked
    assert mask_dialled("*7") == "*7"
    assert mask_dialled("0049301234") == "0049301234"
    assert mask_dialled(f"*77{PIN}*0049301") == "*77••••••••••12*0049301"


def test_a_driver_masks_card_dials_without_knowing_the_access_code() -> None:
    assert mask_any_card_dial(f"*77{PIN}*0049301") == "*••••••••••••12*0049301"
    assert mask_any_card_dial(f"%2A77{PIN}") == "*••••••••••••12"
    assert mask_any_card_dial("*77*0049") == "*77*0049"  # nothing secret in it
    assert mask_any_card_dial("0049301234") == "0049301234"


def test_access_codes_are_what_a_keypad_dials() -> None:
    assert valid_access_code("*77") and valid_access_code("#9") and valid_access_code("500")
    assert not valid_access_code("") and not valid_access_code("*7a")
    assert not valid_access_code("*" * 9)
