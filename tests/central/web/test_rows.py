"""The session list's rows built in Python are exactly what the Jinja loop they replace
wrote (escaping included), in both languages."""

# ruff: noqa: E501  (the reference template's lines are kept as they were)

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from jinja2 import Environment, select_autoescape

from central.web import views
from central.web.i18n import Formatter
from central.web.rows import session_rows

#: the template's loop before the rows were built in Python (kept as the reference)
REFERENCE = """{% for ln in lines %}{% set r = ln.row %}{% set tz = ln.shop.timezone %}
  <tr>
    <td>{{ ln.shop.name }}</td>
    <td class="when">{{ fmt.when(r.opened_at, tz) }}</td>
    <td class="when"><a href="/shops/{{ ln.shop.code }}/sessions/{{ r.shift_uuid }}">{{ fmt.when(r.closed_at, tz) }}</a></td>
    <td>{{ r.operator }}</td>
    <td class="num">{{ r.call_count }}</td><td class="num">{{ fmt.minutes(r.talk_seconds) }}</td>
    <td class="num">{{ fmt.money(r.cash_minor, r.currency) }}</td>
    <td class="num">{{ r.unserved }}</td><td class="num">{{ r.unpaid }}</td>
    <td class="num">{{ fmt.money(r.counted_minor, r.currency) }}</td><td class="num">{{ fmt.money(r.expected_minor, r.currency) }}</td>
    <td class="num{% if r.discrepancy_minor %} warn{% endif %}">{{ fmt.money(r.discrepancy_minor, r.currency) }}</td>
  </tr>
{% endfor %}"""


@dataclass(frozen=True)
class Shop:
    code: str
    name: str
    timezone: str


def line(shop: Shop, n: int, operator: str, discrepancy: int) -> SimpleNamespace:
    row = SimpleNamespace(
        shift_uuid=f"00000000-0000-0000-0000-{n:012d}",
        opened_at=datetime(2026, 3, 28, 20 + n, 5, tzinfo=UTC),
        closed_at=datetime(2026, 3, 29, n, 59, tzinfo=UTC),
        operator=operator,
        currency="EUR",
        call_count=100 + n,
        talk_seconds=30_000 + 7 * n,
        cash_minor=123_456 * n,
        unserved=n,
        unpaid=2 * n,
        counted_minor=5_000 + n,
        expected_minor=5_000,
        discrepancy_minor=discrepancy,
    )
    return SimpleNamespace(shop=shop, row=row)


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("lang", ["en", "bg"])
def test_the_rows_are_the_reference_loops(lang: str) -> None:
    sofia = Shop("sofia-1", "Sofia <Vitosha> & 1", "Europe/Sofia")
    york = Shop("ny-1", 'New "York"', "America/New_York")
    lines = [
        line(sofia, 1, "olga", -20),
        line(york, 2, "<script>alert(1)</script>", 0),
        line(sofia, 3, "d'Artagnan", 15),
    ]
    fmt = Formatter(lang)
    env = Environment(autoescape=select_autoescape(default_for_string=True))
    expected = env.from_string(REFERENCE).render(lines=lines, fmt=fmt)
    rows, totals = session_rows(lines, fmt)
    assert squeeze(str(rows)) == squeeze(expected)
    assert "<script>" not in str(rows) and "&lt;Vitosha&gt; &amp; 1" in str(rows)
    assert [t.currency for t in totals] == ["EUR"]
    assert totals[0].cash_minor == 123_456 * 6 and totals[0].discrepancy_minor == -5
    assert totals[0].call_count == 306 and totals[0].talk_seconds == 90_042


def test_the_totals_are_per_currency_as_the_views_count_them() -> None:
    sofia = Shop("sofia-1", "Sofia", "Europe/Sofia")
    lines = [line(sofia, 1, "olga", -20), line(sofia, 2, "olga", 0), line(sofia, 3, "olga", 15)]
    lines[1].row.currency = "BGN"
    _, totals = session_rows(lines, Formatter("en"))
    assert [(t.currency, t.cash_minor, t.call_count, t.discrepancy_minor) for t in totals] == [
        ("BGN", 123_456 * 2, 102, 0),
        ("EUR", 123_456 * 4, 204, -5),
    ]
    assert totals == views.totals(lines)  # type: ignore[arg-type]
