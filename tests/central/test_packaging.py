"""The central service stands apart from the till: its own distribution holds every
central package plus the shared schema and nothing of the till, and importing it loads
no till code, Qt or drivers."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_central_distribution_ships_every_central_package_and_no_till_code() -> None:
    project = tomllib.loads((ROOT / "central" / "pyproject.toml").read_text(encoding="utf-8"))
    packages = set(project["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("central", "callshop_wire")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert packages == on_disk
    deps = " ".join(project["project"]["dependencies"]).lower()
    for unwanted in ("pyside6", "pyserial", "reportlab", "escpos", "sippy"):
        assert unwanted not in deps
    assert project["project"]["scripts"]["callshop-central"] == "central.cli:main"


def test_importing_central_loads_nothing_of_the_till() -> None:
    script = (
        "import sys, importlib, pkgutil, central\n"
        "for info in pkgutil.walk_packages(central.__path__, 'central.'):\n"
        "    if '.migrations' not in info.name and info.name != 'central.__main__':\n"
        "        importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('callshop_pos', 'ui', 'drivers', 'PySide6', 'shiboken6'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
