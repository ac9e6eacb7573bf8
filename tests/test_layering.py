"""The core and the drivers import and work without Qt.

import-linter checks the static import graph (tests/test_code_quality.py); this test
checks it at run time: every module of ``callshop_pos`` and ``drivers`` is imported in
a fresh interpreter where importing PySide6, shiboken6 or ``ui`` raises.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent(
    """
    import importlib, importlib.abc, pkgutil, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            top = name.split(".")[0]
            if top in ("PySide6", "shiboken6", "ui"):
                raise ImportError(f"{name} must not be imported by the core or the drivers")
            return None

    sys.meta_path.insert(0, NoQt())
    count = 0
    for package_name in ("callshop_pos", "drivers"):
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            if ".migrations" in info.name:  # alembic scripts run on import
                continue
            importlib.import_module(info.name)
            count += 1
    print(count)
    """
)


def test_core_and_drivers_import_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 5
