"""Pole display: the exact ESC/POS display bytes, and over a serial pseudo-terminal."""

from __future__ import annotations

import os
import select

import pytest

from callshop_pos.receipts.ports import DeviceError
from drivers.display.pole import PoleDisplay, PoleSettings, serial_opener


class Port:
    def __init__(self) -> None:
        self.data = bytearray()
        self.fail = False
        self.closed = False

    def write(self, data: bytes) -> int:
        if self.fail:
            raise OSError("write failed: device disconnected")
        self.data += data
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


INIT_CP866 = b"\x1b@" + b"\x1f\x01" + b"\x1bt\x07"


def test_amount_due_bytes() -> None:
    port = Port()
    display = PoleDisplay(lambda: port, PoleSettings())
    display.show_due(350)
    line1 = "ЗА ПЛАЩАНЕ".ljust(20).encode("cp866")
    line2 = "3.50 EUR".rjust(20).encode("ascii")  # CP866 has no euro sign
    assert bytes(port.data) == INIT_CP866 + b"\x0c\x0b" + line1 + b"\x1f$\x01\x02" + line2


def test_change_bytes_and_init_only_once() -> None:
    port = Port()
    display = PoleDisplay(lambda: port, PoleSettings())
    display.show_due(350)
    port.data.clear()
    display.show_change(1000, 650)
    assert bytes(port.data) == (
        b"\x0c\x0b"
        + "ПЛАТЕНО    10.00 EUR".encode("cp866")
        + b"\x1f$\x01\x02"
        + "РЕСТО       6.50 EUR".encode("cp866")
    )


def test_cp1251_display_shows_the_euro_sign() -> None:
    port = Port()
    display = PoleDisplay(
        lambda: port, PoleSettings(codepage="CP1251", codepage_number=46, language="en")
    )
    display.show_due(350)
    assert bytes(port.data).startswith(b"\x1b@\x1f\x01\x1bt\x2e")
    assert bytes(port.data).endswith("3.50 €".rjust(20).encode("cp1251"))
    assert b"\x88" in port.data


def test_long_text_is_cut_to_twenty_columns() -> None:
    port = Port()
    display = PoleDisplay(lambda: port, PoleSettings())
    display.show_lines("Телефонен център „Витоша“ София", "x")
    first = bytes(port.data)[len(INIT_CP866) + 2 :][:20]
    assert first == "Телефонен център „Ви".replace("„", '"').encode("cp866")


def test_clear() -> None:
    port = Port()
    display = PoleDisplay(lambda: port, PoleSettings())
    display.clear()
    assert bytes(port.data) == INIT_CP866 + b"\x0c"


def test_unplugged_display_recovers() -> None:
    ports: list[Port] = []

    def opener() -> Port:
        ports.append(Port())
        return ports[-1]

    display = PoleDisplay(opener, PoleSettings())
    display.show_due(100)
    ports[0].fail = True
    with pytest.raises(DeviceError, match="customer display not available"):
        display.show_due(200)
    assert ports[0].closed
    display.show_due(300)  # reopened and initialised again
    assert len(ports) == 2 and bytes(ports[1].data).startswith(INIT_CP866)


def test_over_a_serial_pseudo_terminal() -> None:
    master, slave = os.openpty()
    try:
        display = PoleDisplay(serial_opener(os.ttyname(slave), 9600), PoleSettings())
        display.show_due(1234)
        display.close()
        expected = INIT_CP866 + display.lines_bytes("ЗА ПЛАЩАНЕ", "12.34 EUR".rjust(20))
        got = bytearray()
        while len(got) < len(expected) and select.select([master], [], [], 5)[0]:
            got += os.read(master, 1024)
        assert bytes(got) == expected
    finally:
        os.close(master)
        os.close(slave)
