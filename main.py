"""Composition root of CallShop POS: ``python main.py`` = ``callshop-pos``.

With no command it starts the cashier window (demo mode when nothing is
configured); with a command it runs that command headless.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from callshop_pos.cli import build_parser, run
from drivers.cli import register as register_driver_commands


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(extra=[register_driver_commands])
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        from bootstrap import run_cashier_window  # noqa: PLC0415 - Qt is loaded only for the window; commands run headless

        return run_cashier_window(args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
