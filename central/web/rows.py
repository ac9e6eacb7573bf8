"""The session list's rows as HTML, built in Python.

A month's list for 20 shops has 1,200 rows of 12 cells. Written as a Jinja loop, every
cell's ``fmt.…(…)`` goes through Jinja's context-call machinery and every value through
autoescaping: measured, that was most of the page's time (``bench/central_pages.py``,
docs/performance.md). Here each row is one f-string: numbers are formatted by the same
:class:`~central.web.i18n.Formatter`, and every piece of text that comes from data (shop
name and code, operator, UUID) is escaped with ``markupsafe.escape``, exactly as the
template's autoescape would. The template still draws the table, its header and its
totals (one per currency).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from central.web.i18n import Formatter
from central.web.views import SessionTotals

__all__ = ["session_rows"]


def session_rows(lines: Sequence[Any], fmt: Formatter) -> tuple[Markup, list[SessionTotals]]:
    """The ``<tr>`` of every line (a ``SessionLine``) and the list's totals, one per
    currency by ISO code (as :func:`central.web.views.totals`)."""
    out: list[str] = []
    by_currency: dict[str, SessionTotals] = {}
    when, money, minutes = fmt.when, fmt.money, fmt.minutes
    names: dict[str, tuple[str, str, str]] = {}
    for line in lines:
        shop, r = line.shop, line.row
        shown = names.get(shop.code)
        if shown is None:
            shown = names[shop.code] = (
                str(escape(shop.name)),
                str(escape(shop.code)),
                shop.timezone,
            )
        name, code, tz = shown
        currency = r.currency
        out.append(
            f'<tr>\n    <td>{name}</td>\n    <td class="when">{when(r.opened_at, tz)}</td>\n'
            f'    <td class="when"><a href="/shops/{code}/sessions/{escape(r.shift_uuid)}">'
            f"{when(r.closed_at, tz)}</a></td>\n"
            f"    <td>{escape(r.operator)}</td>\n"
            f'    <td class="num">{r.call_count}</td>'
            f'<td class="num">{minutes(r.talk_seconds)}</td>\n'
            f'    <td class="num">{money(r.cash_minor, currency)}</td>\n'
            f'    <td class="num">{r.unserved}</td><td class="num">{r.unpaid}</td>\n'
            f'    <td class="num">{money(r.counted_minor, currency)}</td>'
            f'<td class="num">{money(r.expected_minor, currency)}</td>\n'
            f'    <td class="num{" warn" if r.discrepancy_minor else ""}">'
            f"{money(r.discrepancy_minor, currency)}</td>\n  </tr>\n"
        )
        totals = by_currency.get(currency)
        if totals is None:
            totals = by_currency[currency] = SessionTotals(currency)
        totals.call_count += r.call_count
        totals.talk_seconds += r.talk_seconds
        totals.cash_minor += r.cash_minor
        totals.unserved += r.unserved
        totals.unpaid += r.unpaid
        totals.counted_minor += r.counted_minor
        totals.expected_minor += r.expected_minor
        totals.discrepancy_minor += r.discrepancy_minor
    return Markup("".join(out)), [by_currency[c] for c in sorted(by_currency)]
