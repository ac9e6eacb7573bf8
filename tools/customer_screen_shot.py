"""Screenshot of the customers' screen: ``python tools/customer_screen_shot.py [OUT.png]``.

Eight booths in typical states (two talking, one ringing, one locked, one waiting
for payment) fed through the real engine bridge, rendered offscreen at 1920×1080
into docs/screenshots/customer-screen.png.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    from callshop_pos.lines.snapshot import BillingMode, BoothSnapshot, BoothState
    from ui.app import load_stylesheet
    from ui.bridge import EngineBridge
    from ui.customer_screen import CustomerScreen
    from ui.formatting import Formatter

    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshots" / "customer-screen.png"
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    load_stylesheet(app)
    bridge = EngineBridge()

    def booth(n: int, state: BoothState, **kw: object) -> BoothSnapshot:
        values: dict[str, object] = {"locked": False, **kw}
        return BoothSnapshot(
            booth=f"Booth {n}",
            position=n,
            state=state,  # type: ignore[arg-type]
            driver="sip",
            driver_status="registered",
            billing=BillingMode.POSTPAID,
            seq=1,
            **values,
        )

    snapshots = [
        booth(
            1,
            BoothState.TALKING,
            number="00493012345678",
            destination="Germany – Berlin",
            elapsed_s=754.0,
            price_minor=318,
        ),
        booth(2, BoothState.IDLE),
        booth(
            3,
            BoothState.TALKING,
            number="0035988123456",
            destination="Bulgaria – mobile",
            elapsed_s=95.0,
            price_minor=60,
        ),
        booth(4, BoothState.RINGING, number="0017185551234", destination="USA"),
        booth(5, BoothState.IDLE, unpaid_calls=1),
        booth(6, BoothState.IDLE),
        booth(7, BoothState.LOCKED, locked=True),
        booth(
            8,
            BoothState.TALKING,
            number="00905321234567",
            destination="Turkey – mobile",
            elapsed_s=3725.0,
            price_minor=1490,
        ),
    ]
    screen = CustomerScreen(bridge, Formatter(QLocale("en_IE")), shop_name="Vitosha Call Centre")
    bridge.attach()
    for snap in snapshots:
        bridge.on_snapshot(snap)
    app.processEvents()
    screen.resize(1920, 1080)
    screen.show()
    screen.show_change(2000, 1682)
    for _ in range(5):
        app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    screen.grab().save(str(out))
    screen.close()
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
