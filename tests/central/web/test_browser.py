"""End to end in a real headless Chromium (Debian's ``chromium``, driven by Playwright
through ``executable_path``): the owner logs in, watches the Now page follow a simulated
till's heartbeats without a reload, opens the session the till closes and checks its
figures against the till's Z, switches to Bulgarian; the same at a phone's 390 × 844.

Set ``CALLSHOP_WRITE_SCREENSHOTS=1`` to (re)write ``docs/screenshots/``."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from callshop_wire import encode
from central.web.i18n import Formatter
from tests.callshop_wire.samples import T0, make_heartbeat, make_shift
from tests.central.support import OWNER_PASSWORD, Central, make_central

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
_IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
if _IN_CI and CHROMIUM is None:  # .ci/run installs it: a skip there would hide the test
    raise RuntimeError("CI is set but Debian's chromium is not installed (see .ci/run)")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium not installed")


@dataclass
class Served:
    central: Central
    url: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    import uvicorn

    central = make_central(f"sqlite:///{tmp_path / 'central.db'}")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            central.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Served(central, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(10)
        central.db.dispose()


def _till_heartbeat(served: Served, cash_minor: int) -> None:
    hb = make_heartbeat("sofia-1", served.central.clock.now())
    assert hb.open_shift is not None
    hb = hb.model_copy(
        update={"open_shift": hb.open_shift.model_copy(update={"cash_minor": cash_minor})}
    )
    answer = httpx.post(
        f"{served.url}/v1/shops/sofia-1/heartbeat",
        content=encode(hb),
        headers=served.central.till("sofia-1"),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


def _put(served: Served, shift: object) -> None:
    shop = shift.shop  # type: ignore[attr-defined]
    answer = httpx.put(
        f"{served.url}/v1/shops/{shop}/shifts/{shift.shift_uuid}",  # type: ignore[attr-defined]
        content=encode(shift),  # type: ignore[arg-type]
        headers=served.central.till(shop),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text


def _earlier_days(served: Served) -> None:
    """Shifts of the days before, for the month's report: Sofia's till sends its USD
    rate; Plovdiv's is an older till that sends none."""
    for n, rate in enumerate(("0.92", "0.93", "0.91", "0.95")):
        opened = T0 - timedelta(days=4 - n)
        _put(
            served,
            make_shift(
                shop="sofia-1",
                seed=20 + n,
                calls=40 + 9 * n,
                opened_at=opened,
                usd_rate=Decimal(rate),
            ),
        )
    _put(served, make_shift(shop="plovdiv-2", seed=30, calls=30, opened_at=T0 - timedelta(days=2)))


def _shoot(page: object, name: str) -> None:
    if os.environ.get("CALLSHOP_WRITE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("label", "viewport"),
    [
        ("desktop", {"width": 1280, "height": 900}),
        ("phone", {"width": 390, "height": 844}),
    ],
)
def test_owner_follows_the_shop_live_and_opens_the_closed_session(
    served: Served,
    label: str,
    viewport: dict[str, int],
) -> None:
    en = Formatter("en")
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            context = browser.new_context(
                viewport=viewport, locale="en-GB", is_mobile=label == "phone"
            )
            page = context.new_page()
            page.goto(f"{served.url}/now")
            assert "/login" in page.url
            page.get_by_label("User name").fill("boss")
            page.get_by_label("Password").fill(OWNER_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/now")
            assert page.locator("#live").inner_text().count("Never seen") == 2

            # the till starts sending heartbeats: the block updates in place (no reload)
            page.evaluate("window.__sameDocument = true")
            _till_heartbeat(served, 250)
            live = page.locator("#live")
            playwright.expect(live).to_contain_text("Online", timeout=15000)
            assert en.money(250) in page.locator("#live").inner_text()
            served.central.clock.advance(seconds=61)
            _till_heartbeat(served, 1730)
            playwright.expect(live).to_contain_text(en.money(1730), timeout=15000)
            assert page.evaluate("window.__sameDocument") is True
            _shoot(page, f"central-now-{label}")

            # the till closes its shift; the owner finds it in today's list and opens it
            shift = make_shift(shop="sofia-1", seed=1, calls=12, usd_rate=Decimal("0.92"))
            _put(served, shift)
            _earlier_days(served)
            page.get_by_role("link", name="Sessions").click()
            page.wait_for_url("**/sessions")
            assert "olga" in page.locator("table.list").inner_text()
            _shoot(page, f"central-sessions-{label}")
            page.locator("table.list tbody a").first.click()
            page.wait_for_url(f"**/sessions/{shift.shift_uuid}")
            figures = page.locator("dl.figures").first.inner_text()
            assert en.money(shift.cash_minor) in figures
            assert en.money(shift.counted_minor) in figures
            assert en.money(shift.discrepancy_minor) in figures
            z = page.locator("dl.figures").last.inner_text()
            assert f"{shift.z.payment_count} · {en.money(shift.payments_minor)}" in z
            assert page.locator("table.list").first.locator("tbody tr").count() == len(shift.calls)
            _shoot(page, f"central-session-{label}")
            if label == "phone":  # nothing sticks out sideways on a phone
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"]

            # switch to Bulgarian
            page.get_by_role("link", name="BG").click()
            page.wait_for_load_state()
            assert page.locator("html").get_attribute("lang") == "bg"
            assert "Разговори" in page.content()
            assert (
                Formatter("bg").money(shift.cash_minor)
                in page.locator("dl.figures").first.inner_text()
            )
            if label == "phone":
                _shoot(page, "central-session-phone-bg")
            page.get_by_role("link", name="Отчети").click()
            page.wait_for_url("**/reports")
            assert page.locator("svg[role=img]").count() == 1
            # 25, 26, 28, 29 March have profit; the 27th has Plovdiv's shift without a rate
            assert page.locator("svg rect.bar-profit").count() == 4
            assert page.locator("svg .no-rate-mark").count() == 1  # Plovdiv's day
            assert "Печалба" in page.content() and "няма курс на долара" in page.content()
            _shoot(page, f"central-reports-{label}-bg")
            context.close()
        finally:
            browser.close()


@pytest.mark.parametrize(
    ("label", "viewport"),
    [
        ("desktop", {"width": 1366, "height": 768}),
        ("phone", {"width": 390, "height": 844}),
    ],
)
def test_a_chain_in_two_currencies_gets_a_report_per_currency(
    served: Served, label: str, viewport: dict[str, int]
) -> None:
    """Sofia keeps euro, Plovdiv leva: two reports, each with its own chart and
    tables, amounts never added across them; readable on a phone."""
    for n, rate in enumerate(("0.92", "0.93", "0.91")):
        opened = T0 - timedelta(days=3 - n)
        _put(
            served,
            make_shift(
                shop="sofia-1",
                seed=40 + n,
                calls=30 + 7 * n,
                opened_at=opened,
                usd_rate=Decimal(rate),
            ),
        )
        _put(
            served,
            make_shift(
                shop="plovdiv-2",
                seed=50 + n,
                calls=45 - 6 * n,
                opened_at=opened,
                usd_rate=Decimal("1.8"),
            ).model_copy(update={"currency": "BGN"}),
        )
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            context = browser.new_context(
                viewport=viewport, locale="en-GB", is_mobile=label == "phone"
            )
            page = context.new_page()
            page.goto(f"{served.url}/reports")
            page.get_by_label("User name").fill("boss")
            page.get_by_label("Password").fill(OWNER_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/reports")
            sections = page.locator("section.currency")
            assert sections.count() == 2
            assert sections.nth(0).locator("h2").inner_text() == "Bulgarian Lev (BGN)"
            assert sections.nth(1).locator("h2").inner_text() == "Euro (EUR)"
            for i in range(2):
                assert sections.nth(i).locator("svg[role=img]").count() == 1
                assert sections.nth(i).locator("svg rect.bar-profit").count() == 3
            assert "€" not in sections.nth(0).inner_text()
            assert "BGN" not in sections.nth(1).locator("table").first.inner_text()
            page.get_by_role("link", name="Euro (EUR)").click()
            playwright.expect(page).to_have_url(f"{served.url}/reports#currency-EUR")
            if label == "phone":
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"]
            _shoot(page, f"central-reports-currencies-{label}")
            page.get_by_role("link", name="BG", exact=True).click()
            page.wait_for_load_state()
            assert page.locator("section.currency h2").first.inner_text() == ("Български лев (BGN)")
            if label == "phone":
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"]
            context.close()
        finally:
            browser.close()
