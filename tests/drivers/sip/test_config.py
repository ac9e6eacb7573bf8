"""Parsing of the SIP driver's plain configuration."""

from __future__ import annotations

import pytest

from callshop_pos.errors import InvalidInput
from drivers.sip import BoothAccount, SipDriverConfig, Trunk, ha1, parse_listen


def test_trunk_uri_is_parsed_and_never_printed_with_its_password() -> None:
    trunk = Trunk.parse("sip:shop42:s%40cret@sip.carrier.example:5080")
    assert (trunk.user, trunk.password, trunk.host, trunk.port) == (
        "shop42",
        "s@cret",
        "sip.carrier.example",
        5080,
    )
    assert "s@cret" not in str(trunk) and "s%40cret" not in str(trunk)
    assert Trunk.parse("sip:shop42:pw@10.0.0.1").port == 5060


@pytest.mark.parametrize(
    "text",
    ["shop42:pw@host", "sip:@host", "sip:u:pw@host:99999", "sip:u:pw@ho st", "http://u:pw@host"],
)
def test_bad_trunk_uri_is_refused_without_echoing_the_password(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        Trunk.parse(text)
    assert "pw@" not in str(err.value)


def test_listen_address() -> None:
    assert parse_listen("0.0.0.0:5060") == ("0.0.0.0", 5060)
    for bad in ("5060", "localhost:5060", "1.2.3.4:x", "1.2.3.4:70000"):
        with pytest.raises(InvalidInput):
            parse_listen(bad)


def test_accounts_are_checked() -> None:
    good = ha1("booth1", "callshop", "pw")
    assert good == "65387e22f4fd54166a6c50ab670cc02b"  # MD5("booth1:callshop:pw")
    with pytest.raises(InvalidInput):
        BoothAccount("Booth 1", "booth1", "not-a-hash")
    with pytest.raises(InvalidInput):
        BoothAccount("Booth 1", "bad user", good)
    with pytest.raises(InvalidInput):
        BoothAccount("Booth 1", "booth1", good, bound_host="nowhere")
    a = BoothAccount("Booth 1", "booth1", good)
    with pytest.raises(InvalidInput, match="used by booths"):
        SipDriverConfig(booths=(a, BoothAccount("Booth 2", "booth1", good)), trunk=None)
