"""Showing values to the cashier: money, durations and times in the UI's locale.

Money arrives as ``int`` minor units and is formatted here without ever becoming a
float: QLocale supplies the digit grouping, the decimal separator and where the
currency symbol goes; the digits themselves come from integer arithmetic.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from PySide6.QtCore import QDate, QLocale

from callshop_pos.clock import Clock, format_duration
from callshop_pos.money import EUR, Currency

__all__ = ["Formatter"]


class Formatter:
    """Formats values for one locale, currency and time zone (build a new one when they
    change). ``zone`` is the shop's time zone: every time shown is the shop's wall
    clock, as on receipts and reports (``None``: the PC's zone, for tests of money)."""

    def __init__(
        self,
        locale: QLocale | None = None,
        currency: Currency = EUR,
        zone: tzinfo | None = None,
    ) -> None:
        self.locale = locale if locale is not None else QLocale()
        self.currency = currency
        self.zone = zone
        # Where the symbol goes and how it is spaced, learnt from the locale once:
        # formatting the integer 1 never involves a float.
        pattern = self.locale.toCurrencyString(1, "¤")
        self._pattern = pattern.replace("1", "{n}", 1)

    def number(self, minor: int) -> str:
        """``123456`` → ``"1,234.56"`` (en) / ``"1 234,56"`` (bg), no symbol."""
        digits = self.currency.digits
        sign = "-" if minor < 0 else ""
        whole, frac = divmod(abs(minor), 10**digits)
        text = self.locale.toString(whole)
        if digits:
            text += self.locale.decimalPoint() + f"{frac:0{digits}d}"
        return sign + text

    def money(self, minor: int | None, *, unrated: str = "—") -> str:
        """An amount with the currency symbol placed as the locale places it."""
        if minor is None:
            return unrated
        body = self._pattern.replace("{n}", self.number(abs(minor))).replace(
            "¤", self.currency.symbol
        )
        return ("-" + body) if minor < 0 else body

    @staticmethod
    def duration(seconds: float | int) -> str:
        """Talk time as ``m:ss`` or ``h:mm:ss`` (whole seconds, truncated)."""
        return format_duration(seconds)

    def time(self, when: datetime | None) -> str:
        """Local wall-clock time of a UTC instant (``HH:mm:ss``)."""
        if when is None:
            return ""
        return when.astimezone(self.zone).strftime("%H:%M:%S")

    def date_time(self, when: datetime | None) -> str:
        """Local date and time of a UTC instant, in the locale's short date form."""
        if when is None:
            return ""
        local = when.astimezone(self.zone)
        day = self.locale.toString(
            QDate(local.year, local.month, local.day), QLocale.FormatType.ShortFormat
        )
        return f"{day} {local:%H:%M}"

    def today(self, clock: Clock) -> date:
        """The shop's date now, by ``clock``."""
        return clock.now().astimezone(self.zone).date()
