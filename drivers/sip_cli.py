"""The ``--sip-…`` options of ``callshop-pos engine`` and how they meet the settings.

Every SIP option has a setting of the same meaning (``sip_listen``, ``sip_trunk`` …, see
:mod:`callshop_pos.settings`); the command line overrides the settings, which default to
the SIP driver's own defaults. Values are checked by the matching setting, so the command
line and the admin's Settings page accept exactly the same values. The SIP package itself
(and sippy) is not imported here.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin.booths import BoothInfo
from callshop_pos.settings import DEFAULT_SIP_UA_BLOCK, Settings, parse_sip_rate
from callshop_pos.sip_uri import mask_password, parse_sip_uri
from drivers.registry import SipOptions

__all__ = ["add_sip_arguments", "check_sip_arguments", "sip_options"]

_YES, _NO = "yes", "no"


def add_sip_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``--sip-…`` options (all default to "not given": settings apply)."""
    group = parser.add_argument_group(
        "SIP booths",
        "Each option overrides the setting of the same name "
        "(callshop-pos settings show); the defaults are the settings'.",
    )
    group.add_argument(
        "--sip-listen",
        metavar="HOST:PORT",
        help="address the booths' ATAs register to (default 0.0.0.0:5060)",
    )
    group.add_argument(
        "--sip-trunk",
        metavar="URI",
        help="carrier trunk sip:USER:PASSWORD@HOST:PORT; without :PASSWORD the "
        "sip_trunk_password setting is used (keeps it out of the process list)",
    )
    group.add_argument(
        "--sip-register-trunk",
        metavar="SECONDS",
        nargs="?",
        const=_YES,
        help="register to the carrier, optionally for SECONDS per registration "
        "(default: sip_register_expires_s, 600)",
    )
    group.add_argument(
        "--no-sip-register-trunk",
        dest="sip_register_trunk",
        action="store_const",
        const=_NO,
        help="do not register to the carrier",
    )
    group.add_argument(
        "--sip-trunk-cli",
        metavar="NUMBER",
        help="caller ID presented to the carrier (default: the trunk user)",
    )
    group.add_argument(
        "--sip-pass-caller-id",
        action=argparse.BooleanOptionalAction,
        help="pass the booth's own identity to the carrier (default off)",
    )
    group.add_argument(
        "--sip-ua-block",
        metavar="PATTERN",
        action="append",
        help="User-Agent pattern banned at once; repeatable; replaces the "
        "configured list ('default' = friendly-scanner, sipvicious, sipcli … ; "
        "'none' = no blocklist)",
    )
    group.add_argument(
        "--sip-rate-limit",
        metavar="N/SECONDS",
        help="new requests per SECONDS from one address before a ban (default 30/10)",
    )
    group.add_argument(
        "--sip-ban-seconds", metavar="S", help="how long an abusive address is banned (default 600)"
    )


def _parsed(option: str, setting: str, text: str) -> Any:
    """``text`` read by ``setting``; errors name the option instead of the setting."""
    try:
        return Settings.setting(setting).parse(text)
    except InvalidInput as exc:
        message = str(exc).removeprefix(f"setting {setting}: ")
        raise InvalidInput(f"{option}: {message}") from None


def _trunk(text: str) -> str:
    text = text.strip()
    try:
        uri = parse_sip_uri(text)
        Settings.setting("sip_trunk").parse(uri.without_password())
    except InvalidInput:
        shown = mask_password(text)
        if shown is None:
            # the value is not echoed: it may carry the trunk password
            raise InvalidInput(
                "--sip-trunk: expected sip:USER:PASSWORD@HOST:PORT (the value "
                "given is not shown because it may contain the password)"
            ) from None
        raise InvalidInput(
            f"--sip-trunk: expected sip:USER:PASSWORD@HOST:PORT, not {shown!r}"
        ) from None
    return text


def _register(value: str | None) -> tuple[bool | None, int | None]:
    if value is None:
        return None, None
    if value == _NO:
        return False, None
    if value == _YES:
        return True, None
    return True, _parsed("--sip-register-trunk", "sip_register_expires_s", value)


def _ua_block(patterns: list[str] | None) -> tuple[str, ...] | None:
    if patterns is None:
        return None
    expanded: list[str] = []
    for pattern in patterns:
        if pattern.strip().lower() == "none":
            if len(patterns) > 1:
                raise InvalidInput("--sip-ua-block: 'none' cannot be combined with patterns")
            return ()
        if pattern.strip().lower() == "default":
            expanded.extend(p for p in DEFAULT_SIP_UA_BLOCK if p not in expanded)
        else:
            if not pattern.strip():
                raise InvalidInput(
                    "--sip-ua-block: a pattern is not a pattern when empty "
                    "(use 'none' for no blocklist)"
                )
            if "," in pattern:
                raise InvalidInput(f"--sip-ua-block: one pattern per option, not {pattern!r}")
            expanded.append(pattern.strip())
    return _parsed("--sip-ua-block", "sip_ua_block", ",".join(expanded)) or ()


def check_sip_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The SIP options given on the command line, checked (InvalidInput on a bad one),
    as setting name -> value; the trunk URI (it may carry a password) as ``sip_trunk``."""
    given: dict[str, Any] = {}
    if args.sip_listen is not None:
        given["sip_listen"] = _parsed("--sip-listen", "sip_listen", args.sip_listen.strip())
    if args.sip_trunk is not None:
        given["sip_trunk"] = _trunk(args.sip_trunk)
    register, expires = _register(args.sip_register_trunk)
    if register is not None:
        given["sip_register_trunk"] = register
    if expires is not None:
        given["sip_register_expires_s"] = expires
    if args.sip_trunk_cli is not None:
        given["sip_trunk_cli"] = _parsed(
            "--sip-trunk-cli", "sip_trunk_cli", args.sip_trunk_cli.strip()
        )
    if args.sip_pass_caller_id is not None:
        given["sip_pass_caller_id"] = bool(args.sip_pass_caller_id)
    blocked = _ua_block(args.sip_ua_block)
    if blocked is not None:
        given["sip_ua_block"] = blocked
    if args.sip_rate_limit is not None:
        given["sip_rate_limit"] = _parsed(
            "--sip-rate-limit", "sip_rate_limit", args.sip_rate_limit.strip()
        )
    if args.sip_ban_seconds is not None:
        given["sip_ban_seconds"] = _parsed(
            "--sip-ban-seconds", "sip_ban_seconds", args.sip_ban_seconds
        )
    return given


def sip_options(
    settings: Settings, args: argparse.Namespace, booths: Sequence[BoothInfo]
) -> SipOptions:
    """The SIP driver's options: command line over settings (over their defaults), plus
    the booths' SIP accounts and bound source addresses."""
    given = check_sip_arguments(args)

    def pick(name: str) -> Any:
        return given[name] if name in given else getattr(settings, name)

    requests, window = parse_sip_rate(pick("sip_rate_limit"))
    return SipOptions(
        listen=pick("sip_listen"),
        trunk=pick("sip_trunk") or None,
        trunk_password=settings.sip_trunk_password,
        realm=settings.sip_realm,
        accounts=tuple((b.name, b.sip_user, b.sip_ha1) for b in booths if b.sip_user and b.sip_ha1),
        # driver setting {"bind": "192.168.1.21"}: the booth's ATA may only use that IP
        bindings={
            b.name: str(b.driver_settings["bind"])
            for b in booths
            if b.sip_user and b.driver_settings.get("bind")
        },
        register_trunk=pick("sip_register_trunk"),
        register_expires_s=pick("sip_register_expires_s"),
        trunk_cli=pick("sip_trunk_cli") or None,
        pass_caller_id=pick("sip_pass_caller_id"),
        ua_block=pick("sip_ua_block"),
        rate_limit=(requests, float(window)),
        ban_s=float(pick("sip_ban_seconds")),
    )
