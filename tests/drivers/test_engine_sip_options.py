"""``callshop-pos engine --sip-…`` options and the SIP settings: parsing, validation,
command line over settings over defaults, the masked trunk password, and the options
reaching the SIP driver built by ``drivers.registry``."""

from __future__ import annotations

import argparse
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from callshop_pos import cli
from callshop_pos.clock import FakeClock, SystemClock
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.errors import InvalidInput
from callshop_pos.lines.booth import BoothConfig
from callshop_pos.services.admin import booths as booth_service
from callshop_pos.services.admin.settings import get_settings, update_settings
from callshop_pos.settings import DEFAULT_SIP_UA_BLOCK, SECRET_MASK, Settings, parse_sip_rate
from drivers import engine_cli
from drivers.registry import DriverContext, SipOptions, create_driver
from drivers.sip import SipDriver
from drivers.sip.config import DEFAULT_BLOCKED_USER_AGENTS, AbuseLimits, Trunk, parse_listen
from drivers.sip_cli import check_sip_arguments, sip_options
from tests.callshop_pos.support import ADMIN_PASSWORD, SeededShop, make_shop
from tests.drivers.engine_support import run_engine

PASSWORD = "s3cr3t-Trunk!"


def engine_args(*argv: str) -> argparse.Namespace:
    """``argv`` parsed by the real ``engine`` command parser."""
    parser = argparse.ArgumentParser()
    engine_cli.register(parser.add_subparsers())
    return parser.parse_args(["engine", *argv])


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[SeededShop]:
    seeded = make_shop(f"sqlite:///{tmp_path / 'shop.db'}", FakeClock())
    yield seeded
    seeded.shop.close()


# --- the command line ------------------------------------------------------------------


def test_every_option_is_parsed_and_checked() -> None:
    given = check_sip_arguments(
        engine_args(
            "--driver",
            "sip",
            "--sip-listen",
            "127.0.0.1:5070",
            "--sip-trunk",
            f"sip:shop42:{PASSWORD}@sip.carrier.example:5080",
            "--sip-register-trunk",
            "300",
            "--sip-trunk-cli",
            "+35929876543",
            "--sip-pass-caller-id",
            "--sip-ua-block",
            "EvilBot",
            "--sip-ua-block",
            "default",
            "--sip-rate-limit",
            "12/2.5",
            "--sip-ban-seconds",
            "90",
        )
    )
    assert given == {
        "sip_listen": "127.0.0.1:5070",
        "sip_trunk": f"sip:shop42:{PASSWORD}@sip.carrier.example:5080",
        "sip_register_trunk": True,
        "sip_register_expires_s": 300,
        "sip_trunk_cli": "+35929876543",
        "sip_pass_caller_id": True,
        "sip_ua_block": ("EvilBot", *DEFAULT_SIP_UA_BLOCK),
        "sip_rate_limit": "12/2.5",
        "sip_ban_seconds": 90,
    }


def test_nothing_given_means_the_settings_apply() -> None:
    assert check_sip_arguments(engine_args()) == {}


def test_switches_can_be_turned_off_and_the_blocklist_emptied() -> None:
    given = check_sip_arguments(
        engine_args("--no-sip-register-trunk", "--no-sip-pass-caller-id", "--sip-ua-block", "none")
    )
    assert given == {"sip_register_trunk": False, "sip_pass_caller_id": False, "sip_ua_block": ()}
    assert check_sip_arguments(engine_args("--sip-register-trunk")) == {"sip_register_trunk": True}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--sip-listen", "localhost:5060"), "--sip-listen: expected HOST:PORT with an IPv4"),
        (("--sip-listen", "0.0.0.0"), "--sip-listen: expected HOST:PORT"),
        (("--sip-listen", "0.0.0.0:65536"), "--sip-listen: .*port 0-65535"),
        (("--sip-listen", "0.0.0.0:50x"), "--sip-listen: .*port"),
        (("--sip-trunk", "carrier.example"), "--sip-trunk: expected sip:USER:PASSWORD@HOST"),
        (("--sip-trunk", "sip:shop42@"), "--sip-trunk: expected .*not 'sip:shop42@'"),
        (("--sip-trunk", "sip:shop42:pw@carrier:99999"), "--sip-trunk: expected"),
        (("--sip-trunk", "http://shop42:pw@carrier"), "--sip-trunk: expected"),
        (("--sip-register-trunk", "30"), "--sip-register-trunk: must be at least 60"),
        (("--sip-register-trunk", "often"), "--sip-register-trunk: expected a whole number"),
        (("--sip-trunk-cli", "Shop 42"), "--sip-trunk-cli: a caller ID is digits"),
        (("--sip-trunk-cli", "+"), "--sip-trunk-cli: a caller ID is digits"),
        (("--sip-ua-block", "a,b"), "--sip-ua-block: one pattern per option"),
        (("--sip-ua-block", "none", "--sip-ua-block", "x"), "cannot be combined"),
        (("--sip-ua-block", "x", "--sip-ua-block", "X"), "listed twice"),
        (("--sip-ua-block", " "), "--sip-ua-block: .*empty"),
        (("--sip-rate-limit", "30"), "--sip-rate-limit: expected N/SECONDS"),
        (("--sip-rate-limit", "30/"), "--sip-rate-limit: expected N/SECONDS"),
        (("--sip-rate-limit=-3/10",), "--sip-rate-limit: expected N/SECONDS"),
        (("--sip-rate-limit", "0/10"), "count must be 1-100000"),
        (("--sip-rate-limit", "30/0"), "window must be above 0"),
        (("--sip-rate-limit", "30/NaN"), "expected N/SECONDS"),
        (("--sip-rate-limit", "30/\u0661\u0660"), "expected N/SECONDS"),
        (("--sip-rate-limit", "30/7200"), "at most 3600"),
        (("--sip-ban-seconds", "-1"), "--sip-ban-seconds: must be at least 0"),
        (("--sip-ban-seconds", "1.5"), "--sip-ban-seconds: expected a whole number"),
    ],
)
def test_bad_option_values_are_clear_errors(argv: tuple[str, ...], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_sip_arguments(engine_args(*argv))


def test_a_bad_trunk_never_echoes_the_password() -> None:
    for uri in (
        f"sip:shop42:{PASSWORD}@carrier:99999",
        f"sip:shop42:{PASSWORD}@",
        f"sip:shop42:{PASSWORD}@car rier",
    ):
        with pytest.raises(InvalidInput) as caught:
            check_sip_arguments(engine_args("--sip-trunk", uri))
        assert PASSWORD not in str(caught.value)


def test_the_engine_refuses_bad_or_misplaced_sip_options_before_opening_anything(
    tmp_path: Path,
) -> None:
    db = tmp_path / "never.db"
    for argv, message in (
        (("--driver", "sip", "--sip-rate-limit", "lots"), "--sip-rate-limit"),
        (("--driver", "simulator", "--sip-listen", "0.0.0.0:5060"), "need the sip driver"),
    ):
        args = cli.build_parser([engine_cli.register]).parse_args(
            ["--db", f"sqlite:///{db}", "engine", *argv]
        )
        with pytest.raises(InvalidInput, match=message):
            engine_cli.run_engine(args)
    assert not db.exists()
    # Quicknet booths on the VoIP route call through the trunk: the options are theirs too
    args = cli.build_parser([engine_cli.register]).parse_args(
        ["--db", f"sqlite:///{db}", "engine", "--driver", "quicknet", "--sip-listen", "0.0.0.0:0"]
    )
    engine_cli._check(args)  # not refused


def test_the_engine_process_exits_with_the_reason(tmp_path: Path) -> None:
    result = run_engine(
        "--driver",
        "sip",
        "--sip-trunk",
        f"sip:shop42:{PASSWORD}@",
        db=f"sqlite:///{tmp_path / 'none.db'}",
    )
    assert result.returncode == 1
    assert (
        "error: --sip-trunk: expected sip:USER:PASSWORD@HOST:PORT, not 'sip:shop42:***@'"
        in result.stderr
    )
    assert PASSWORD not in result.stderr + result.stdout
    assert not (tmp_path / "none.db").exists()


# --- the settings ----------------------------------------------------------------------


def test_sip_setting_defaults_are_the_drivers_defaults() -> None:
    s = Settings()
    assert s.sip_listen == "0.0.0.0:5060" and parse_listen(s.sip_listen) == ("0.0.0.0", 5060)
    assert (s.sip_trunk, s.sip_trunk_password, s.sip_trunk_cli) == ("", "", "")
    assert not s.sip_register_trunk
    assert s.sip_register_expires_s == Trunk("u", "", "h").register_expires_s
    assert not s.sip_pass_caller_id
    limits = AbuseLimits()
    assert s.sip_ua_block == DEFAULT_BLOCKED_USER_AGENTS == limits.blocked_user_agents
    assert parse_sip_rate(s.sip_rate_limit) == (limits.max_requests, limits.window_s)
    assert s.sip_ban_seconds == limits.ban_s


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sip_listen": "till.local:5060"}, "sip_listen: expected HOST:PORT"),
        ({"sip_listen": "10.0.0.1:"}, "sip_listen: expected HOST:PORT"),
        ({"sip_trunk": "sip:@carrier"}, "sip_trunk: expected"),
        ({"sip_trunk": "shop42@carrier"}, "sip_trunk: expected"),
        ({"sip_trunk": f"sip:shop42:{PASSWORD}@carrier"}, "in sip_trunk_password"),
        ({"sip_register_expires_s": 59}, "at least 60"),
        ({"sip_trunk_cli": "0800-CALL"}, "caller ID is digits"),
        ({"sip_ua_block": ("ok", "bad,comma")}, "not a pattern"),
        ({"sip_ua_block": ("scan", "SCAN")}, "listed twice"),
        ({"sip_ua_block": "friendly-scanner"}, "list of words"),
        ({"sip_rate_limit": "30 per 10"}, "N/SECONDS"),
        ({"sip_rate_limit": "30/-1"}, "above 0"),
        ({"sip_ban_seconds": -5}, "at least 0"),
        ({"sip_pass_caller_id": "yes"}, "yes or no"),
    ],
)
def test_bad_sip_settings_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Settings().replace(**changes)


def test_a_refused_trunk_setting_does_not_echo_the_password() -> None:
    with pytest.raises(InvalidInput) as caught:
        Settings().replace(sip_trunk=f"sip:shop42:{PASSWORD}@carrier")
    assert PASSWORD not in str(caught.value)


def test_sip_settings_typed_in_forms() -> None:
    reg = Settings.registry()
    assert reg["sip_ua_block"].parse("EvilBot, sipvicious") == ("EvilBot", "sipvicious")
    assert reg["sip_ua_block"].parse("") == ()
    assert reg["sip_register_trunk"].parse("yes") is True
    v6 = "sip:shop42@[2001:db8::1]:5080"
    assert reg["sip_trunk"].parse(v6) == v6
    assert reg["sip_rate_limit"].parse("5/1.5") == "5/1.5"
    assert reg["sip_trunk_password"].secret and not reg["sip_trunk"].secret


def test_every_trunk_setting_the_registry_accepts_the_driver_accepts_too() -> None:
    for uri in (
        "sip:shop42@carrier.example",
        "sip:shop%2042@10.1.2.3:5080",
        "sips:a.b-c@[2001:db8::1]:5061",
    ):
        Settings().replace(sip_trunk=uri)
        assert Trunk.parse(uri).password == ""


# --- the masked password ---------------------------------------------------------------


def test_the_trunk_password_is_masked_everywhere_it_could_show(
    seeded: SeededShop,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    shop = seeded.shop
    update_settings(
        shop, seeded.admin, sip_trunk="sip:shop42@127.0.0.1:5080", sip_trunk_password=PASSWORD
    )
    assert get_settings(shop).sip_trunk_password == PASSWORD  # stored for outbound digest
    setting = Settings.setting("sip_trunk_password")
    assert setting.shown(PASSWORD) == SECRET_MASK and setting.shown("") == ""
    assert PASSWORD not in repr(get_settings(shop))
    with shop.db.read() as s:
        entry = s.scalars(select(JournalEntry).order_by(JournalEntry.seq.desc())).first()
    assert entry is not None and entry.action == "settings.update"
    assert PASSWORD not in entry.payload
    assert json.loads(entry.payload)["sip_trunk_password"] == {"old": "", "new": SECRET_MASK}

    parser = cli.build_parser()
    for argv in (["settings", "show"], ["settings", "show", "--json"]):
        assert cli.run(parser.parse_args(["--db", f"sqlite:///{tmp_path / 'shop.db'}", *argv])) == 0
        out = capsys.readouterr().out
        assert PASSWORD not in out and SECRET_MASK in out and "sip_trunk_password" in out

    options = sip_options(get_settings(shop), engine_args(), [])
    assert PASSWORD not in repr(options) and options.trunk_password == PASSWORD
    with caplog.at_level(logging.INFO, logger="drivers.sip"):
        driver = create_driver(
            "sip",
            DriverContext(
                clock=SystemClock(),
                booths=[BoothConfig("S", driver="sip")],
                sip=sip_options(get_settings(shop), engine_args("--sip-listen", "127.0.0.1:0"), []),
            ),
        )
    assert isinstance(driver, SipDriver)
    assert driver.config.trunk is not None and driver.config.trunk.password == PASSWORD
    assert PASSWORD not in repr(driver.config) and PASSWORD not in caplog.text
    assert "sip:shop42:***@127.0.0.1:5080" in caplog.text


def test_settings_set_on_the_command_line_masks_the_password(
    seeded: SeededShop,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    args = cli.build_parser().parse_args(
        [
            "--db",
            f"sqlite:///{tmp_path / 'shop.db'}",
            "settings",
            "set",
            "--user",
            "admin",
            "sip_trunk=sip:shop42@carrier.example:5080",
            f"sip_trunk_password={PASSWORD}",
            "sip_ua_block=EvilBot, sipvicious",
            "sip_rate_limit=10/5",
            "sip_register_trunk=yes",
        ]
    )
    assert cli.run(args) == 0
    out = capsys.readouterr().out
    assert PASSWORD not in out and f'sip_trunk_password: "" -> "{SECRET_MASK}"' in out
    assert 'sip_rate_limit: "30/10" -> "10/5"' in out
    stored = get_settings(seeded.shop)
    assert stored.sip_trunk_password == PASSWORD and stored.sip_register_trunk
    assert stored.sip_ua_block == ("EvilBot", "sipvicious")


# --- command line over settings over defaults ------------------------------------------


def test_command_line_over_settings_over_defaults(seeded: SeededShop) -> None:
    shop = seeded.shop
    defaults = sip_options(get_settings(shop), engine_args(), [])
    assert defaults == SipOptions(rate_limit=(30, 10.0), ban_s=600.0, ua_block=DEFAULT_SIP_UA_BLOCK)
    update_settings(
        shop,
        seeded.admin,
        sip_listen="10.0.0.5:5070",
        sip_trunk="sip:shop42@carrier.example",
        sip_trunk_password=PASSWORD,
        sip_register_trunk=True,
        sip_register_expires_s=900,
        sip_trunk_cli="35929876543",
        sip_pass_caller_id=True,
        sip_ua_block=("EvilBot",),
        sip_rate_limit="10/5",
        sip_ban_seconds=60,
    )
    stored = sip_options(get_settings(shop), engine_args(), [])
    assert (stored.listen, stored.trunk, stored.trunk_password) == (
        "10.0.0.5:5070",
        "sip:shop42@carrier.example",
        PASSWORD,
    )
    assert (
        stored.register_trunk,
        stored.register_expires_s,
        stored.trunk_cli,
        stored.pass_caller_id,
    ) == (True, 900, "35929876543", True)
    assert (stored.ua_block, stored.rate_limit, stored.ban_s) == (("EvilBot",), (10, 5.0), 60.0)

    cli_wins = sip_options(
        get_settings(shop),
        engine_args(
            "--sip-listen",
            "127.0.0.1:5080",
            "--sip-trunk",
            "sip:other:pw2@carrier2:5090",
            "--sip-register-trunk",
            "120",
            "--sip-trunk-cli",
            "+4930123",
            "--no-sip-pass-caller-id",
            "--sip-ua-block",
            "none",
            "--sip-rate-limit",
            "100/1",
            "--sip-ban-seconds",
            "0",
        ),
        [],
    )
    assert (cli_wins.listen, cli_wins.trunk) == ("127.0.0.1:5080", "sip:other:pw2@carrier2:5090")
    assert (
        cli_wins.register_trunk,
        cli_wins.register_expires_s,
        cli_wins.trunk_cli,
        cli_wins.pass_caller_id,
    ) == (True, 120, "+4930123", False)
    assert (cli_wins.ua_block, cli_wins.rate_limit, cli_wins.ban_s) == ((), (100, 1.0), 0.0)
    # one option given: the rest still come from the settings
    partly = sip_options(get_settings(shop), engine_args("--no-sip-register-trunk"), [])
    assert not partly.register_trunk and partly.register_expires_s == 900
    assert partly.ua_block == ("EvilBot",) and partly.listen == "10.0.0.5:5070"


def test_the_trunk_password_comes_from_the_uri_or_else_the_setting() -> None:
    settings = Settings(dict(sip_trunk="sip:shop42@127.0.0.1", sip_trunk_password=PASSWORD))

    def trunk(*argv: str) -> Trunk:
        context = DriverContext(
            clock=SystemClock(),
            booths=[],
            sip=sip_options(settings, engine_args("--sip-listen", "127.0.0.1:0", *argv), []),
        )
        driver = create_driver("sip", context)
        assert isinstance(driver, SipDriver) and driver.config.trunk is not None
        return driver.config.trunk

    assert trunk().password == PASSWORD
    assert trunk("--sip-trunk", "sip:x@127.0.0.2").password == PASSWORD
    assert trunk("--sip-trunk", "sip:x:given@127.0.0.2").password == "given"


def test_registration_or_caller_id_without_a_trunk_stops_the_engine() -> None:
    for argv in (("--sip-register-trunk",), ("--sip-trunk-cli", "123")):
        context = DriverContext(
            clock=SystemClock(),
            booths=[],
            sip=sip_options(Settings(), engine_args("--sip-listen", "127.0.0.1:0", *argv), []),
        )
        with pytest.raises(InvalidInput, match="need a trunk"):
            create_driver("sip", context)


def test_every_option_reaches_the_driver_config(seeded: SeededShop) -> None:
    shop = seeded.shop
    booth_service.add_booth(
        shop, seeded.admin, "Booth 1", driver="sip", sip_user="booth1", sip_password="secret-1"
    )
    update_settings(
        shop,
        seeded.admin,
        sip_trunk="sip:shop42@127.0.0.1:5080",
        sip_trunk_password=PASSWORD,
        sip_ua_block=("EvilBot",),
    )
    args = engine_args(
        "--driver",
        "sip",
        "--sip-listen",
        "127.0.0.1:0",
        "--sip-register-trunk",
        "300",
        "--sip-trunk-cli",
        "+35929876543",
        "--sip-pass-caller-id",
        "--sip-rate-limit",
        "7/3",
        "--sip-ban-seconds",
        "45",
    )
    options = engine_cli._sip_options(shop, args)
    driver = create_driver(
        "auto",
        DriverContext(
            clock=SystemClock(), booths=[BoothConfig("Booth 1", driver="sip")], sip=options
        ),
    )
    sip = driver.parts["sip"]  # type: ignore[attr-defined]
    assert isinstance(sip, SipDriver)
    config = sip.config
    assert (config.listen_host, config.listen_port) == ("127.0.0.1", 0)
    assert [a.sip_user for a in config.booths] == ["booth1"]
    assert config.trunk == Trunk(
        "shop42",
        PASSWORD,
        "127.0.0.1",
        5080,
        register=True,
        register_expires_s=300,
        caller_id="+35929876543",
        pass_caller_id=True,
    )
    assert config.abuse == AbuseLimits(
        max_requests=7, window_s=3.0, ban_s=45.0, blocked_user_agents=("EvilBot",)
    )
