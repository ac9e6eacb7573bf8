"""The link to central: its base URL, this shop's id there and the shop's API token.

They are ordinary settings (``central_url``, ``central_shop``, ``central_token`` — the
token is a secret setting: masked in listings and in the journal). ``callshop-pos sync
link URL [--shop ID] --token-file F`` reads the token from a file that only its owner
may read (0600), never from the command line (it would sit in the shell history and
in ``ps``).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin.settings import get_settings, update_settings
from callshop_pos.services.auth import Actor, require_role
from callshop_pos.services.context import Shop
from callshop_pos.settings import Settings

__all__ = ["LinkConfig", "link", "read_token_file", "split_shop_url", "unlink"]

_SHOP_URL = re.compile(r"^(?P<base>.+?)(?:/v1)?/shops/(?P<shop>[^/]+)$")

#: The longest token accepted from a file.
MAX_TOKEN_LENGTH = 256


@dataclass(frozen=True, slots=True)
class LinkConfig:
    url: str  # base URL, without a trailing slash
    shop: str
    token: str

    @classmethod
    def from_settings(cls, settings: Settings) -> LinkConfig | None:
        """The link, or None while the till is not linked (any of the three empty)."""
        if not (settings.central_url and settings.central_shop and settings.central_token):
            return None
        return cls(settings.central_url.rstrip("/"), settings.central_shop, settings.central_token)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def read_token_file(path: str | os.PathLike[str]) -> str:
    """The token in ``path``: refused unless the file is readable by its owner only."""
    file = Path(path)
    try:
        info = file.stat()
    except OSError as exc:
        raise InvalidInput(f"cannot read the token file {file}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"the token file {file} is not a regular file")
    if os.name == "posix" and info.st_mode & 0o077:
        raise InvalidInput(
            f"the token file {file} may be read by others (mode "
            f"{stat.S_IMODE(info.st_mode):04o}); run chmod 600 {file} first"
        )
    try:
        text = file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the token file {file}: {exc}") from None
    if not text or len(text) > MAX_TOKEN_LENGTH or any(c.isspace() for c in text):
        raise InvalidInput(
            f"the token file {file} must hold one token (1-{MAX_TOKEN_LENGTH} characters, "
            "no spaces)"
        )
    return text


def split_shop_url(url: str) -> tuple[str, str | None]:
    """``https://c.example/v1/shops/sofia-1`` → (``https://c.example``, ``sofia-1``);
    a base URL comes back as it is, with no shop."""
    base = url.rstrip("/")
    match = _SHOP_URL.match(base)
    if match is None:
        return base, None
    return match["base"], match["shop"]


def link(shop: Shop, actor: Actor, url: str, shop_id: str | None, token_file: str) -> LinkConfig:
    """Link the till to central (admin only; journaled as a settings change).

    The shop id is ``shop_id``, else the end of a URL like ``…/v1/shops/ID``, else the
    one already set (a new token for the same shop)."""
    require_role(actor, Role.ADMIN)
    token = read_token_file(token_file)
    base, from_url = split_shop_url(url)
    chosen = shop_id or from_url or get_settings(shop).central_shop
    if not chosen:
        raise InvalidInput(
            "say which shop this till is at central: --shop ID (or a URL ending in /v1/shops/ID)"
        )
    update_settings(shop, actor, central_url=base, central_shop=chosen, central_token=token)
    linked = LinkConfig.from_settings(get_settings(shop))
    assert linked is not None
    return linked


def unlink(shop: Shop, actor: Actor) -> None:
    """Forget the link (admin only). Nothing queued is lost: it waits for the next link."""
    require_role(actor, Role.ADMIN)
    update_settings(shop, actor, central_url="", central_shop="", central_token="")
