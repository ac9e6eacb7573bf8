"""The installation's card key: PINs are stored only as HMAC-SHA-256 under it.

The key is 32 random bytes (hex) in ``cards.key`` in the data directory, mode 0600,
never in the database: a copy of the database alone reveals no PIN, and guessing a
12-digit PIN offline needs the key too. It is created by ``callshop-pos init`` (or the
first batch); every process of the installation (till, engine, command line) reads
the same file. On a PostgreSQL shop with several tills, copy the file to each till's
data directory (docs/cards.md).

Losing the key makes every card's PIN unverifiable, so once cards exist a missing key
is an error (restore it from the backup), never silently replaced by a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

from callshop_pos.config import data_dir
from callshop_pos.errors import CallShopError

__all__ = [
    "KEY_FILE",
    "CardKey",
    "CardKeyMissing",
    "card_key",
    "ensure_card_key",
]

KEY_FILE = "cards.key"
_KEY_BYTES = 32

_cache: dict[Path, CardKey] = {}
_cache_lock = threading.Lock()


class CardKeyMissing(CallShopError):
    """Cards exist but the key their PINs were hashed with is gone or damaged."""


class CardKey:
    """The key and the one PIN hash function."""

    __slots__ = ("_key", "path")

    def __init__(self, key: bytes, path: Path) -> None:
        if len(key) < _KEY_BYTES:
            raise CardKeyMissing(f"the card key in {path} is damaged (too short)")
        self._key = key
        self.path = path

    def pin_hash(self, pin: str) -> str:
        """Hex HMAC-SHA-256 of ``pin`` (what ``cards.pin_hash`` holds)."""
        return hmac.new(self._key, pin.encode("ascii"), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:  # never show the key
        return f"CardKey({str(self.path)!r})"


def _key_path(directory: Path | None) -> Path:
    return (directory if directory is not None else data_dir()) / KEY_FILE


def _read(path: Path) -> CardKey:
    text = path.read_text(encoding="ascii").strip()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise CardKeyMissing(f"the card key in {path} is damaged (not hex)") from None
    return CardKey(raw, path)


def ensure_card_key(directory: Path | None = None) -> CardKey:
    """The key, created (0600) if there is none yet; the mode is re-tightened."""
    path = _key_path(directory)
    with _cache_lock:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            os.chmod(path, 0o600)
        else:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(_KEY_BYTES) + "\n")
                out.flush()
                os.fsync(out.fileno())
        key = _read(path)
        _cache[path] = key
        return key


def card_key(directory: Path | None = None) -> CardKey:
    """The existing key (cached per path); :class:`CardKeyMissing` if there is none."""
    path = _key_path(directory)
    cached = _cache.get(path)
    if cached is not None and path.exists():
        return cached
    try:
        key = _read(path)
    except FileNotFoundError:
        raise CardKeyMissing(
            f"the card key {path} is missing: no card PIN can be checked; restore the "
            "file from the backup of the data directory"
        ) from None
    with _cache_lock:
        _cache[path] = key
    return key
