"""ESC/POS output, byte for byte (python-escpos Dummy), and over a real serial pseudo-terminal."""

from __future__ import annotations

import os
import select
import threading
from pathlib import Path

import pytest
from escpos.printer import Dummy

from callshop_pos.receipts.model import ReportKind
from callshop_pos.receipts.ports import DeviceError
from callshop_pos.receipts.samples import sample_receipt, sample_shift_report
from drivers.printing.connection import printer_connector
from drivers.printing.escpos import EscPosPrinter, EscPosSettings, encode_text

GOLDEN = Path(__file__).parent / "golden"
CUT_PARTIAL = b"\x1bd\x06\x1dV\x01"  # feed 6 lines, GS V 1
KICK_PIN2 = b"\x1bp\x0022"  # ESC p 0 t1=50 (100 ms) t2=50
KICK_PIN5 = b"\x1bp\x0122"


class Recorder:
    """Stands in for an open python-escpos printer and records what was sent."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed = False

    def _raw(self, data: bytes) -> None:
        self.sent.append(data)

    def close(self) -> None:
        self.closed = True


def printer(**kw: object) -> tuple[EscPosPrinter, Recorder]:
    rec = Recorder()
    return EscPosPrinter(lambda: rec, EscPosSettings(**kw)), rec  # type: ignore[arg-type]


def test_cp1251_has_cyrillic_and_the_euro_sign() -> None:
    assert encode_text("ОБЩО 3.50 €", "CP1251") == b"\xce\xc1\xd9\xce 3.50 \x88"
    # CP866 has Cyrillic but no euro sign: the code is printed instead.
    assert encode_text("ОБЩО 3.50 €", "CP866") == b"\x8e\x81\x99\x8e 3.50 EUR"
    assert encode_text("„Витоша“ – №", "CP866") == b'"\x82\xa8\xe2\xae\xe8\xa0" - \xfc'
    assert encode_text("✓", "CP1251") == b"?"


def test_receipt_job_golden_bytes_58mm_cp1251() -> None:
    p, rec = printer(paper_mm=58, codepage="CP1251", cut="partial")
    p.print_receipt(sample_receipt(), kick_drawer=True)
    job = b"".join(rec.sent)
    assert rec.closed
    assert job == (GOLDEN / "receipt_58_cp1251.bin").read_bytes()
    # What the golden file holds, spelled out:
    assert job.startswith(b"\x1b@" + b"\x1bt\x2e" + KICK_PIN2)  # init, ESC t 46 (CP1251), kick
    assert b"\x1b!\x18" + "Телефонен център „Витоша“".center(32).rstrip().encode("cp1251") in job
    total = b"\x1b!\x18" + "ОБЩО".encode("cp1251") + b" " * 22 + b"3.50 \x88\n"
    assert total in job  # bold + double height, euro sign as 0x88
    assert "Обща сума в BGN         6.85 лв.\n".encode("cp1251") in job
    assert job.endswith(CUT_PARTIAL)
    assert job.count(KICK_PIN2) == 1


def test_receipt_80mm_cp866_prints_eur_and_keeps_columns() -> None:
    p, rec = printer(paper_mm=80, codepage="CP866", cut="full", drawer_pin=5)
    p.print_receipt(sample_receipt(is_copy=True))
    job = b"".join(rec.sent)
    assert job.startswith(b"\x1b@\x1bt\x11")  # ESC t 17 = CP866 on the default profile
    assert KICK_PIN2 not in job and KICK_PIN5 not in job  # no kick unless asked
    line = "ОБЩО".ljust(48 - len("3.50 EUR")) + "3.50 EUR"
    assert line.encode("cp866") + b"\n" in job
    assert "*** КОПИЕ ***".encode("cp866") in job
    assert job.endswith(b"\x1bd\x06\x1dV\x00")  # full cut
    for raw_line in job.split(b"\n"):
        text = raw_line.split(b"\x1b!")[-1]
        assert len(text) <= 48 + 1


def test_z_report_on_paper() -> None:
    p, rec = printer(paper_mm=80, columns=42)
    p.print_report(sample_shift_report(ReportKind.Z))
    text = b"".join(rec.sent).decode("cp1251", errors="replace")
    assert "Z-ОТЧЕТ" in text
    assert "Разлика" in text and "-0.50 €" in text
    assert "Ръчни отваряния на чекмеджето" in text
    assert "9f2c4e1b7a0d3c5e8f6a2b4d1c3e5f7a" in text


def test_drawer_kick_bytes() -> None:
    p, rec = printer(drawer_pin=2)
    p.open_drawer()
    assert rec.sent == [KICK_PIN2]
    p5, rec5 = printer(drawer_pin=5)
    p5.open_drawer()
    assert rec5.sent == [KICK_PIN5]


def test_settings_are_checked() -> None:
    for bad in (
        {"codepage": "CP437"},
        {"paper_mm": 70},
        {"paper_mm": 58, "columns": 48},
        {"cut": "half"},
        {"drawer_pin": 3},
    ):
        with pytest.raises(ValueError):
            EscPosSettings(**bad)  # type: ignore[arg-type]


def test_printer_not_there_is_a_device_error() -> None:
    def missing() -> Dummy:
        raise OSError("No such file or directory: '/dev/ttyUSB9'")

    p = EscPosPrinter(missing, EscPosSettings())
    with pytest.raises(DeviceError, match="receipt printer not available"):
        p.open_drawer()


def test_serial_printer_over_a_pseudo_terminal() -> None:
    """The whole job goes through pyserial (python-escpos Serial) and arrives intact."""
    master, slave = os.openpty()
    try:
        path = os.ttyname(slave)
        connect = printer_connector(f"serial:{path}?baudrate=19200")
        p = EscPosPrinter(connect, EscPosSettings(paper_mm=58))
        expected = p.receipt_bytes(sample_receipt(), kick_drawer=True)
        received = bytearray()
        done = threading.Event()

        def read_back() -> None:
            while len(received) < len(expected):
                ready, _, _ = select.select([master], [], [], 5)
                if not ready:
                    break
                received.extend(os.read(master, 4096))
            done.set()

        reader = threading.Thread(target=read_back)
        reader.start()
        p.print_receipt(sample_receipt(), kick_drawer=True)
        done.wait(10)
        reader.join(10)
        assert bytes(received) == expected
    finally:
        os.close(master)
        os.close(slave)


def test_connection_strings() -> None:
    for bad in (
        "ttyUSB0",
        "serial:",
        "serial:/dev/x?speed=9600",
        "lpt:1",
        "serial:/dev/x?baudrate=fast",
    ):
        with pytest.raises(ValueError):
            printer_connector(bad)
    assert callable(printer_connector("tcp:192.0.2.10"))
    assert callable(printer_connector("usb:0x04b8:0x0202"))


def test_optional_logo_is_printed_as_a_raster_image(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("1", (64, 16), 0).save(logo)
    p, rec = printer(paper_mm=58, logo=logo)
    p.print_receipt(sample_receipt())
    job = b"".join(rec.sent)
    assert b"\x1dv0" in job  # GS v 0: raster bit image, before the shop name
    assert job.index(b"\x1dv0") < job.index("Телефонен".encode("cp1251"))
    broken, _ = printer(logo=tmp_path / "missing.png")
    with pytest.raises(DeviceError, match="cannot print the logo"):
        broken.print_receipt(sample_receipt())


def test_network_printer_on_port_9100_style_socket() -> None:
    """A network printer is a raw TCP socket (port 9100); here an ephemeral one on 127.0.0.1."""
    import socket

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    received = bytearray()

    def accept() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(4096):
                received.extend(chunk)

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        p = EscPosPrinter(printer_connector(f"tcp:127.0.0.1:{port}"), EscPosSettings())
        p.open_drawer()
        thread.join(10)
    finally:
        server.close()
    assert bytes(received) == KICK_PIN2
