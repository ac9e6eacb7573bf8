"""The ``callshop-pos`` command line (headless use).

Each module in this package that defines ``register(subparsers)`` adds its
sub-commands; a sub-command sets ``func(args) -> int`` with ``set_defaults``.
The composition root (``main.py``) may add more registrars (the engine, which
wires drivers the core must not import) and starts the GUI when no command is given.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterable
from typing import Any

from callshop_pos.errors import CallShopError

__all__ = ["Registrar", "build_parser", "read_password", "run"]

Registrar = Callable[[Any], None]


def _own_registrars() -> list[Registrar]:
    found: list[Registrar] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            found.append(register)
    return found


def build_parser(extra: Iterable[Registrar] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callshop-pos",
        description="CallShop POS: call-shop till, booth-line engine and back office. "
        "With no command, starts the cashier window.",
    )
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy database URL (env CALLSHOP_DB)")
    parser.add_argument("--data-dir", metavar="DIR", help="data directory (env CALLSHOP_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in [*_own_registrars(), *extra]:
        register(sub)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run a parsed sub-command; known errors become a message and exit code 1."""
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        print("error: no command given (see --help)", file=sys.stderr)
        return 2
    try:
        return func(args)
    except CallShopError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def read_password(prompt: str = "Password: ") -> str:
    """A password: prompted on a terminal, otherwise one line from standard input."""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise CallShopError("a password is required (prompt or one line on standard input)")
    return line.rstrip("\r\n")
