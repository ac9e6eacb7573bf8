"""The one parser of the trunk's SIP URI (the setting, --sip-trunk and the driver use it)."""

from __future__ import annotations

import pytest

from callshop_pos.errors import InvalidInput
from callshop_pos.sip_uri import SipUri, mask_password, parse_sip_uri


def test_parts_as_written_and_decoded() -> None:
    uri = parse_sip_uri("sip:shop%2042:s%40cret@sip.carrier.example:5080")
    assert (uri.scheme, uri.user, uri.host, uri.port) == (
        "sip",
        "shop%2042",
        "sip.carrier.example",
        5080,
    )
    assert (uri.user_text, uri.password_text) == ("shop 42", "s@cret")
    assert "cret" not in repr(uri)
    assert uri.without_password() == "sip:shop%2042@sip.carrier.example:5080"


def test_ipv6_no_port_no_password() -> None:
    uri = parse_sip_uri("sips:a.b-c@[2001:db8::1]")
    assert uri == SipUri("sips", "a.b-c", None, "2001:db8::1", None)
    assert uri.without_password() == "sips:a.b-c@[2001:db8::1]"
    assert parse_sip_uri("sip:u:@h").password == ""  # an empty password is given


@pytest.mark.parametrize(
    "text",
    [
        "shop42:pw@host",
        "sip:@host",
        "sip:u:pw@host:99999",
        "sip:u:pw@ho st",
        "http://u:pw@host",
        "sip:u:pw@",
        "sip:u@h:p",
        "sip:u@[::1",
        " sip:u@h",
    ],
)
def test_refused_without_echoing(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_sip_uri(text)
    assert "pw" not in str(caught.value) and text not in str(caught.value)


def test_mask_password() -> None:
    assert mask_password("sip:shop42:pw@") == "sip:shop42:***@"
    assert mask_password("sip:shop42@") == "sip:shop42@"
    assert mask_password("http://shop42:pw@carrier") is None
    assert mask_password("carrier.example") is None
