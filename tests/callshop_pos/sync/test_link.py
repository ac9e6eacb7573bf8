"""Linking the till: settings validated, the token only from an owner-only file."""

from __future__ import annotations

from pathlib import Path

import pytest

from callshop_pos.errors import InvalidInput, PermissionDenied
from callshop_pos.services.admin.settings import get_settings, update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.sync.link import LinkConfig, link, read_token_file, unlink
from callshop_pos.sync.status import sync_status
from tests.callshop_pos.sync.support import close_a_busy_shift


def token(tmp_path: Path, text: str = "cs_1.abc", mode: int = 0o600) -> Path:
    path = tmp_path / "token"
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.mark.parametrize("url", ["ftp://x", "central.example.com", "http://a b", "http://x?y=1"])
def test_bad_urls_are_refused(shop: Shop, admin: Actor, url: str) -> None:
    with pytest.raises(InvalidInput, match="central_url"):
        update_settings(shop, admin, central_url=url)


@pytest.mark.parametrize("code", ["Sofia", "-x", "a" * 64, "a_b"])
def test_bad_shop_ids_are_refused(shop: Shop, admin: Actor, code: str) -> None:
    with pytest.raises(InvalidInput, match="central_shop"):
        update_settings(shop, admin, central_shop=code)


@pytest.mark.parametrize(
    ("text", "mode", "why"),
    [
        ("cs_1.abc", 0o640, "may be read by others"),
        ("cs_1.abc", 0o604, "may be read by others"),
        ("", 0o600, "one token"),
        ("two words", 0o600, "one token"),
        ("x" * 300, 0o600, "one token"),
    ],
)
def test_token_files_are_checked(tmp_path: Path, text: str, mode: int, why: str) -> None:
    with pytest.raises(InvalidInput, match=why):
        read_token_file(token(tmp_path, text, mode))


def test_missing_token_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        read_token_file(tmp_path / "nope")
    with pytest.raises(InvalidInput, match="not a regular file"):
        read_token_file(tmp_path)


def test_link_is_for_administrators_and_unlink_keeps_the_queue(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path
) -> None:
    close_a_busy_shift(shop, operator)
    with pytest.raises(PermissionDenied):
        link(shop, operator, "https://c.example", "sofia-1", str(token(tmp_path)))
    linked = link(shop, admin, "https://c.example/", "sofia-1", str(token(tmp_path, "cs_1.x\n")))
    assert linked == LinkConfig("https://c.example", "sofia-1", "cs_1.x")
    assert linked.auth_headers() == {"Authorization": "Bearer cs_1.x"}
    assert "cs_1.x" not in repr(get_settings(shop))  # a secret setting
    assert sync_status(shop).linked
    unlink(shop, admin)
    status = sync_status(shop)
    assert not status.linked and status.pending == 1


def test_the_shop_comes_from_the_option_the_url_or_the_last_link(
    shop: Shop, admin: Actor, tmp_path: Path
) -> None:
    path = str(token(tmp_path))
    with pytest.raises(InvalidInput, match="--shop ID"):
        link(shop, admin, "https://c.example", None, path)
    assert link(shop, admin, "https://c.example/v1/shops/sofia-1/", None, path) == LinkConfig(
        "https://c.example", "sofia-1", "cs_1.abc"
    )
    # a new token for the same shop
    again = link(shop, admin, "https://c.example:8443/base", None, str(token(tmp_path, "cs_2.x")))
    assert again == LinkConfig("https://c.example:8443/base", "sofia-1", "cs_2.x")
    assert link(shop, admin, "https://c.example", "plovdiv-2", path).shop == "plovdiv-2"
