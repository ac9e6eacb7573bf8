"""Build hook: compiles the rating kernel to C with mypyc (metadata lives in setup.cfg).

``callshop_pos/rating/kernel.py`` is ordinary, fully typed Python; compiled, it rates
calls several times faster (``bench/rating.py``, ``docs/performance.md``). The
compiled module is an optimisation, never a requirement: with
``CALLSHOP_PURE_PYTHON=1``, without mypyc, or when there is no working C compiler,
the package installs as plain Python and rates exactly the same.
"""

from __future__ import annotations

import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

KERNELS = ["callshop_pos/rating/kernel.py"]


class OptionalBuildExt(build_ext):
    """``build_ext`` that falls back to pure Python when compiling fails."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # any compiler failure means "no speed-up", not "no install"
            self._skip(error)

    def build_extension(self, ext):  # type: ignore[no-untyped-def]
        try:
            super().build_extension(ext)
        except Exception as error:
            self._skip(error)

    @staticmethod
    def _skip(error: BaseException) -> None:
        print(
            f"WARNING: the rating kernel was not compiled ({error}); "
            "callshop-pos runs it as plain Python (same results, slower rating).",
            file=sys.stderr,
        )


def _extensions() -> list[object]:
    if os.environ.get("CALLSHOP_PURE_PYTHON") == "1":
        return []
    try:
        from mypyc.build import mypycify  # noqa: PLC0415 - mypyc is optional at build time
    except ImportError:
        print(
            "WARNING: mypyc is not available; the rating kernel stays plain Python.",
            file=sys.stderr,
        )
        return []
    try:
        # setup.cfg's [mypy] sections name the whole tree; only the kernel is built here.
        return list(
            mypycify(["--no-warn-unused-configs", *KERNELS], opt_level="3", debug_level="0")
        )
    except (Exception, SystemExit) as error:  # mypyc exits on a type error
        OptionalBuildExt._skip(error)
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
