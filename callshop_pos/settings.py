"""The shop's settings: one typed registry (after Electrum's ``ConfigVar``).

Each setting is a typed descriptor on :class:`Settings` with its name, default,
validation and a short description. A :class:`Settings` value is immutable; a change
is ``settings.replace(name=value)``, which validates and refuses unknown names.
Reading ``settings.cash_rounding_unit`` gives an ``int`` to the type checker too.

Storage (one row per changed setting, JSON values) and auditing live in
:mod:`callshop_pos.services.admin.settings`.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callshop_pos.errors import InvalidInput
from callshop_pos.money import parse_decimal
from callshop_pos.rating.offpeak import OffPeakSchedule
from callshop_pos.sip_uri import parse_sip_uri

__all__ = ["DEFAULT_SIP_UA_BLOCK", "SECRET_MASK", "Setting", "Settings", "parse_sip_rate"]

T = TypeVar("T")
Scalar = str | int | bool | None
DeviceMap = dict[str, dict[str, Scalar]]


class _Kind(Generic[T]):
    """How a setting's values are checked, stored as JSON and read from text."""

    label = "value"

    def check(self, value: object) -> T:
        raise NotImplementedError

    def to_json(self, value: T) -> Any:
        return value

    def from_json(self, raw: Any) -> T:
        return self.check(raw)

    def parse(self, text: str) -> T:
        return self.check(text)


class _Str(_Kind[str]):
    label = "text"

    def __init__(self, max_len: int = 200, choices: tuple[str, ...] = ()) -> None:
        self.max_len = max_len
        self.choices = choices

    def check(self, value: object) -> str:
        if not isinstance(value, str):
            raise InvalidInput(f"expected text, got {value!r}")
        if self.choices and value not in self.choices:
            raise InvalidInput(f"{value!r} is not one of {', '.join(self.choices)}")
        if len(value) > self.max_len:
            raise InvalidInput(f"at most {self.max_len} characters")
        return value


class _Int(_Kind[int]):
    label = "whole number"

    def __init__(self, least: int = 0, most: int | None = None) -> None:
        self.least = least
        self.most = most

    def check(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"expected a whole number, got {value!r}")
        if value < self.least or (self.most is not None and value > self.most):
            top = "" if self.most is None else f" and at most {self.most}"
            raise InvalidInput(f"must be at least {self.least}{top}, not {value}")
        return value

    def parse(self, text: str) -> int:
        stripped = text.strip()
        digits = stripped.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):
            raise InvalidInput(f"expected a whole number, got {text!r}")
        return self.check(int(stripped))


class _Bool(_Kind[bool]):
    label = "yes/no"
    _WORDS: Mapping[str, bool] = {
        "1": True,
        "true": True,
        "yes": True,
        "on": True,
        "0": False,
        "false": False,
        "no": False,
        "off": False,
    }

    def check(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise InvalidInput(f"expected yes or no, got {value!r}")
        return value

    def parse(self, text: str) -> bool:
        try:
            return self._WORDS[text.strip().lower()]
        except KeyError:
            raise InvalidInput(f"expected yes or no, got {text!r}") from None


class _OptionalDate(_Kind[date | None]):
    label = "date (YYYY-MM-DD) or empty"

    def check(self, value: object) -> date | None:
        if value is None or isinstance(value, date):
            return value
        raise InvalidInput(f"expected a date, got {value!r}")

    def to_json(self, value: date | None) -> Any:
        return None if value is None else value.isoformat()

    def from_json(self, raw: Any) -> date | None:
        return None if raw is None else self.parse(str(raw))

    def parse(self, text: str) -> date | None:
        if not text.strip():
            return None
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise InvalidInput(f"expected a date YYYY-MM-DD, got {text!r}") from None


class _Prefixes(_Kind[tuple[str, ...]]):
    """A list of dialling prefixes (digits; ``+`` allowed where ``allow_plus``)."""

    label = "comma-separated prefixes"

    def __init__(self, allow_plus: bool = False) -> None:
        self.allow_plus = allow_plus

    def check(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, list | tuple):
            raise InvalidInput(f"expected a list of prefixes, got {value!r}")
        out: list[str] = []
        for item in value:
            ok = isinstance(item, str) and (
                (item.isascii() and item.isdigit()) or (self.allow_plus and item == "+")
            )
            if not ok or len(str(item)) > 15:
                raise InvalidInput(f"{item!r} is not a dialling prefix (digits)")
            if item in out:
                raise InvalidInput(f"prefix {item!r} is listed twice")
            out.append(str(item))
        return tuple(out)

    def to_json(self, value: tuple[str, ...]) -> Any:
        return list(value)

    def parse(self, text: str) -> tuple[str, ...]:
        return self.check([p.strip() for p in text.split(",") if p.strip()])


class _Words(_Kind[tuple[str, ...]]):
    """A list of short text patterns (typed comma-separated; no commas inside)."""

    label = "comma-separated words"

    def __init__(self, max_len: int = 64) -> None:
        self.max_len = max_len

    def check(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, list | tuple):
            raise InvalidInput(f"expected a list of words, got {value!r}")
        out: list[str] = []
        for item in value:
            if (
                not isinstance(item, str)
                or not item.strip()
                or item != item.strip()
                or "," in item
                or not item.isprintable()
                or len(item) > self.max_len
            ):
                raise InvalidInput(
                    f"{item!r} is not a pattern (1-{self.max_len} printable characters, no comma)"
                )
            if item.lower() in (o.lower() for o in out):
                raise InvalidInput(f"{item!r} is listed twice")
            out.append(item)
        return tuple(out)

    def to_json(self, value: tuple[str, ...]) -> Any:
        return list(value)

    def parse(self, text: str) -> tuple[str, ...]:
        return self.check([p.strip() for p in text.split(",") if p.strip()])


class _Devices(_Kind[DeviceMap]):
    """Named device entries, each a flat mapping of simple values (printer, display …)."""

    label = "device entries"

    def check(self, value: object) -> DeviceMap:
        if not isinstance(value, dict):
            raise InvalidInput("devices must be a mapping of name to settings")
        out: DeviceMap = {}
        for name, entry in value.items():
            if not isinstance(name, str) or not name:
                raise InvalidInput(f"device name {name!r} is not text")
            if not isinstance(entry, dict):
                raise InvalidInput(f"device {name!r}: settings must be a mapping")
            clean: dict[str, Scalar] = {}
            for key, item in entry.items():
                if (
                    not isinstance(key, str)
                    or not (item is None or isinstance(item, str | int | bool))
                    or isinstance(item, float)
                ):
                    raise InvalidInput(f"device {name!r}: {key!r} must be text, number or yes/no")
                clean[key] = item
            out[name] = clean
        return out

    def parse(self, text: str) -> DeviceMap:
        try:
            return self.check(json.loads(text))
        except ValueError:
            raise InvalidInput("devices must be given as JSON") from None


def _check_currency(code: str) -> None:
    if len(code) != 3 or not code.isascii() or not code.isalpha() or not code.isupper():
        raise InvalidInput(f"currency must be a 3-letter ISO code like EUR, not {code!r}")


def _check_digits(what: str, *, allow_empty: bool = False) -> Callable[[str], None]:
    def check(value: str) -> None:
        if (not value and not allow_empty) or (value and not (value.isascii() and value.isdigit())):
            raise InvalidInput(f"{what} must be digits, not {value!r}")

    return check


def _check_access_code(code: str) -> None:
    """``*`` then 1-7 digits: a booth dials it, the PIN, ``*`` and the number."""
    digits = code[1:]
    if not (code.startswith("*") and digits and digits.isascii() and digits.isdigit()):
        raise InvalidInput(f"the card access code must be * and digits (e.g. *77), not {code!r}")


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown time zone {name!r} (e.g. Europe/Sofia)") from None


def _check_offpeak(spec: str) -> None:
    OffPeakSchedule.parse(spec)  # raises OffPeakError (an InvalidInput) with the reason


def _check_intl(prefixes: tuple[str, ...]) -> None:
    if not prefixes:
        raise InvalidInput("at least one international prefix is needed (e.g. 00)")


# --- SIP (the drivers re-parse these; here they are checked so a bad value is never stored)
SECRET_MASK = "***"
#: User-Agent substrings of SIP scanners, banned at once (the SIP driver's own default too).
DEFAULT_SIP_UA_BLOCK: tuple[str, ...] = (
    "friendly-scanner",
    "sipvicious",
    "sipcli",
    "sip-scan",
    "sundayddr",
    "iWar",
    "VaxSIPUserAgent",
)
_CALLER_ID_RE = re.compile(r"^\+?[0-9]{1,32}$")


def _check_sip_listen(text: str) -> None:
    host, sep, port = text.rpartition(":")
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        raise InvalidInput(
            f"expected HOST:PORT with an IPv4 address, such as 0.0.0.0:5060, not {text!r}"
        ) from None
    if not sep or not (port.isascii() and port.isdigit()) or int(port) > 65535:
        raise InvalidInput(f"expected HOST:PORT with a port 0-65535, not {text!r}")


def _check_sip_trunk(text: str) -> None:
    if not text:
        return
    try:
        uri = parse_sip_uri(text)
    except InvalidInput:
        raise InvalidInput(
            f"expected sip:USER@HOST:PORT (or empty for no trunk), not {text!r}"
        ) from None
    if uri.password is not None:
        # not echoed: it is the password; it belongs in the masked setting
        raise InvalidInput("give the trunk password in sip_trunk_password, not in the address")


def _check_caller_id(text: str) -> None:
    if text and not _CALLER_ID_RE.match(text):
        raise InvalidInput(f"a caller ID is digits with an optional leading +, not {text!r}")


_CENTRAL_URL_RE = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
_CENTRAL_SHOP_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def _check_central_url(text: str) -> None:
    if text and not _CENTRAL_URL_RE.match(text):
        raise InvalidInput(
            f"expected http(s)://HOST[:PORT][/PATH] (or empty: not linked), not {text!r}"
        )


def _check_central_shop(text: str) -> None:
    if text and not _CENTRAL_SHOP_RE.match(text):
        raise InvalidInput(
            f"a shop id is lowercase letters, digits and dashes (up to 63), not {text!r}"
        )


def parse_sip_rate(text: str) -> tuple[int, Decimal]:
    """``N/SECONDS`` (e.g. ``30/10``): at most N new SIP requests per SECONDS from one
    address. N is 1-100000, SECONDS above 0 and at most 3600 (decimals allowed)."""
    count, sep, seconds = text.strip().partition("/")
    try:
        if not sep or not (count.isascii() and count.strip().isdigit()):
            raise InvalidOperation
        n, window = int(count), parse_decimal(seconds)
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"expected N/SECONDS such as 30/10, not {text!r}") from None
    if not 1 <= n <= 100_000:
        raise InvalidInput(f"the request count must be 1-100000, not {n}")
    if not window.is_finite() or not 0 < window <= 3600:
        raise InvalidInput(f"the window must be above 0 and at most 3600 seconds, not {seconds!r}")
    return n, window


def _check_sip_rate(text: str) -> None:
    parse_sip_rate(text)


class Setting(Generic[T]):
    """One setting: a typed, validated, documented descriptor on :class:`Settings`."""

    name: str

    def __init__(
        self,
        default: T,
        kind: _Kind[T],
        doc: str,
        check: Callable[[T], None] | None = None,
        *,
        secret: bool = False,
    ) -> None:
        self.default = default
        self.kind = kind
        self.doc = doc
        self._check = check
        self.secret = secret  # never shown: listings, logs and the journal get SECRET_MASK

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> Setting[T]: ...
    @overload
    def __get__(self, obj: Settings, owner: type) -> T: ...
    def __get__(self, obj: Settings | None, owner: type) -> Setting[T] | T:
        if obj is None:
            return self
        value: T = obj._values[self.name]
        return value

    def __set__(self, obj: Settings, value: T) -> None:
        raise AttributeError("Settings are immutable; use settings.replace(...)")

    def validate(self, value: object) -> T:
        """The value if it is allowed, else InvalidInput naming the setting."""
        try:
            checked = self.kind.check(value)
            if self._check is not None:
                self._check(checked)
        except InvalidInput as exc:
            raise InvalidInput(f"setting {self.name}: {exc}") from None
        return checked

    def parse(self, text: str) -> T:
        """Read a value typed by a person (CLI, admin form)."""
        try:
            value = self.kind.parse(text)
        except InvalidInput as exc:
            raise InvalidInput(f"setting {self.name}: {exc}") from None
        return self.validate(value)

    def to_json(self, value: T) -> Any:
        return self.kind.to_json(value)

    def shown(self, value: T) -> Any:
        """The JSON form of ``value`` fit to show or log: a secret's value is masked
        (an empty secret stays empty, so one can see that none is set)."""
        if self.secret and value:
            return SECRET_MASK
        return self.to_json(value)

    def from_json(self, raw: Any) -> T:
        try:
            return self.validate(self.kind.from_json(raw))
        except InvalidInput as exc:
            raise InvalidInput(f"stored {exc}") from None


class Settings:
    """All settings of the shop (immutable). Unknown names are an error."""

    __slots__ = ("_values",)
    _values: dict[str, Any]

    # --- the shop, on receipts and reports
    shop_name = Setting("", _Str(80), "Shop name printed on receipts")
    shop_address = Setting("", _Str(200), "Shop address printed on receipts")
    shop_vat_number = Setting("", _Str(32), "VAT / company number printed on receipts")
    language = Setting(
        "bg",
        _Str(8, ("en", "bg")),
        "Language of receipts, reports and the customer display: the shop's language "
        "(each till chooses its own screen language)",
    )
    timezone = Setting("Europe/Sofia", _Str(64), "Local time zone of the shop", _check_timezone)
    # --- money
    currency = Setting("EUR", _Str(8), "Local currency (ISO code)", _check_currency)
    bgn_line_enabled = Setting(
        True, _Bool(), "Show the BGN equivalent (1 EUR = 1.95583 BGN) on receipts and totals"
    )
    bgn_line_until = Setting[date | None](
        date(2026, 8, 8), _OptionalDate(), "Last day the BGN equivalent is shown (empty = no end)"
    )
    cash_rounding_unit = Setting(
        1, _Int(1, 100), "Round cash bills to this many minor units (5 = 0.05; 1 = no rounding)"
    )
    low_balance_threshold_micro_usd = Setting(
        10_000_000, _Int(0), "Warn when the carrier account falls below this (micro-USD)"
    )
    minimum_margin_percent = Setting(
        10, _Int(0, 1000), "Margin guard: warn when retail < wholesale × USD rate × (1 + this %)"
    )
    # --- dialling and rating
    country_code = Setting(
        "359", _Str(4), "The shop's country calling code", _check_digits("country code")
    )
    national_prefix = Setting(
        "0",
        _Str(4),
        "Trunk prefix of national numbers",
        _check_digits("national prefix", allow_empty=True),
    )
    intl_prefixes = Setting(
        ("00", "+"),
        _Prefixes(allow_plus=True),
        "Prefixes that start an international number",
        _check_intl,
    )
    offpeak = Setting(
        "",
        _Str(500),
        "Off-peak windows, e.g. 'Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00' (empty = none)",
        _check_offpeak,
    )
    allow_unrated_calls = Setting(
        False, _Bool(), "Let booths call numbers that have no retail price (billed as unrated)"
    )
    blocked_prefixes = Setting[tuple[str, ...]](
        (), _Prefixes(), "Normalised number prefixes booths may never call"
    )
    # --- booths
    auto_lock_after_pay = Setting(
        False, _Bool(), "Lock a booth after its calls are paid (unlocked by the cashier)"
    )
    sip_realm = Setting("callshop", _Str(64), "SIP digest realm booths authenticate in")
    # --- SIP booths (callshop-pos engine; its --sip-… options override these)
    sip_listen = Setting(
        "0.0.0.0:5060",
        _Str(32),
        "SIP: address (IPv4 HOST:PORT) the booths' ATAs register to",
        _check_sip_listen,
    )
    sip_trunk = Setting(
        "", _Str(200), "SIP: carrier trunk sip:USER@HOST:PORT (empty = none)", _check_sip_trunk
    )
    sip_trunk_password = Setting("", _Str(128), "SIP: carrier trunk password", secret=True)
    sip_register_trunk = Setting(False, _Bool(), "SIP: register to the carrier's trunk")
    sip_register_expires_s = Setting(
        600, _Int(60, 86400), "SIP: seconds each trunk registration lasts (60-86400)"
    )
    sip_trunk_cli = Setting(
        "",
        _Str(33),
        "SIP: caller ID presented to the carrier (empty = the trunk user)",
        _check_caller_id,
    )
    sip_pass_caller_id = Setting(
        False, _Bool(), "SIP: pass the booth's own identity to the carrier (off: the trunk's)"
    )
    sip_ua_block = Setting(
        DEFAULT_SIP_UA_BLOCK,
        _Words(),
        "SIP: User-Agent patterns banned at once (scanners; empty = none)",
    )
    sip_rate_limit = Setting(
        "30/10",
        _Str(32),
        "SIP: requests N/SECONDS from one address before it is banned",
        _check_sip_rate,
    )
    sip_ban_seconds = Setting(
        600, _Int(0, 30 * 86400), "SIP: seconds an abusive address stays banned"
    )
    # --- prepaid calling cards
    card_access_code = Setting(
        "*77",
        _Str(8),
        "Cards: access code a booth dials before the card's PIN (e.g. *77PIN*number)",
        _check_access_code,
    )
    card_top_up = Setting(False, _Bool(), "Cards: the till may top up a sold card")
    # --- the central billing account (callshop-pos sync link)
    central_url = Setting(
        "", _Str(200), "Central billing account: base URL (empty = not linked)", _check_central_url
    )
    central_shop = Setting("", _Str(63), "Central: this shop's id there", _check_central_shop)
    central_token = Setting("", _Str(256), "Central: this shop's API token", secret=True)
    # --- backups (SQLite; on PostgreSQL see docs/backup.md)
    backup_enabled = Setting(
        True,
        _Bool(),
        "Backups: a verified copy of the database at "
        "every Z and daily (off: only `callshop-pos backup`)",
    )
    backup_dir = Setting(
        "",
        _Str(500),
        "Backups: folder for the verified copies of the "
        "database, e.g. a USB disk (empty = 'backups' beside the database)",
    )
    backup_keep = Setting(14, _Int(1, 1000), "Backups: how many verified copies to keep")
    # --- printing and devices
    print_policy = Setting(
        "ask",
        _Str(8, ("always", "ask", "never")),
        "Print a receipt after payment: always, ask or never",
    )
    devices = Setting[DeviceMap]({}, _Devices(), "Attached devices by name (printer, display …)")

    def __init__(self, values: Mapping[str, object] | None = None) -> None:
        registry = self.registry()
        given = dict(values or {})
        unknown = sorted(set(given) - set(registry))
        if unknown:
            raise InvalidInput(f"unknown setting(s): {', '.join(unknown)}")
        resolved: dict[str, Any] = {}
        for name, setting in registry.items():
            resolved[name] = setting.validate(given.get(name, setting.default))
        object.__setattr__(self, "_values", resolved)

    @classmethod
    def registry(cls) -> dict[str, Setting[Any]]:
        """Every setting by name, in declaration order."""
        return {name: attr for name, attr in vars(cls).items() if isinstance(attr, Setting)}

    @classmethod
    def setting(cls, name: str) -> Setting[Any]:
        """The setting called ``name`` (InvalidInput when there is none)."""
        found = cls.registry().get(name)
        if found is None:
            raise InvalidInput(f"unknown setting {name!r}")
        return found

    def replace(self, **changes: object) -> Settings:
        """A copy with ``changes`` applied (validated; unknown names refused)."""
        return Settings({**self._values, **changes})

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def to_json(self) -> dict[str, Any]:
        """Every value in its JSON form."""
        return {n: s.to_json(self._values[n]) for n, s in self.registry().items()}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Settings:
        registry = cls.registry()
        unknown = sorted(set(raw) - set(registry))
        if unknown:
            raise InvalidInput(f"unknown setting(s) stored: {', '.join(unknown)}")
        return cls({name: registry[name].from_json(value) for name, value in raw.items()})

    def bgn_line_on(self, day: date) -> bool:
        """Whether the BGN-equivalent line is shown on ``day`` (local date)."""
        until = self.bgn_line_until
        return self.bgn_line_enabled and (until is None or day <= until)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, repr(v)) for k, v in self._values.items())))

    def __repr__(self) -> str:
        registry = self.registry()
        changed = {
            n: registry[n].shown(v) if registry[n].secret else v
            for n, v in self._values.items()
            if v != registry[n].default
        }
        return f"Settings({changed!r})"
