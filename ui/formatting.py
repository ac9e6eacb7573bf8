"""Showing values to the cashier: money, durations and times in the UI's locale.

Money arrives as ``int`` minor units and is formatted here without ever becoming a
float: QLocale supplies the digit grouping, the decimal separator and where the
currency symbol goes; the digits themselves come from integer arithmetic.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QLocale

from callshop_pos.clock import format_duration
from callshop_pos.money import EUR, Currency

__all__ = ["Formatter"]


class Formatter:
    """Formats values for one locale and currency (build a new one when they change)."""

    def __init__(self, locale: QLocale | None = None, currency: Currency = EUR) -> None:
        self.locale = locale if locale is not None else QLocale()
        self.currency = currency
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
        return when.astimezone().strftime("%H:%M:%S")

    def date_time(self, when: datetime | None) -> str:
        """Local date and time of a UTC instant, in the locale's short date form."""
        if when is None:
            return ""
        local = when.astimezone()
        day = self.locale.toString(
            QDate(local.year, local.month, local.day), QLocale.FormatType.ShortFormat
        )
        return f"{day} {local:%H:%M}"
