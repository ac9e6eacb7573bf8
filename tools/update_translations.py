#!/usr/bin/env python3
"""Refresh the cashier window's translations.

1. ``pyside6-lupdate`` collects every ``tr()`` / ``QCoreApplication.translate()``
   string of ``ui/*.py`` (the cashier window's modules) into
   ``resources/i18n/callshop_bg.ts``, keeping existing translations;
2. ``pyside6-lrelease`` compiles it to ``callshop_bg.qm``;
3. Qt's own ``qtbase_bg.qm`` (standard buttons: OK, Cancel, …) is copied from the
   PySide6 installation.

Translate new strings in Qt Linguist (``pyside6-linguist resources/i18n/callshop_bg.ts``)
and run this again. ``--check`` only verifies that the shipped files are current.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("bg",)


def sources(catalogue: str = "callshop") -> list[Path]:
    """The modules of one catalogue: ``callshop`` = the cashier window (``ui/*.py``),
    ``admin`` = the administration window (``ui/admin/*.py``)."""
    folder = ROOT / "ui" / ("admin" if catalogue == "admin" else "")
    return sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")


#: Each catalogue is compiled to ``resources/i18n/<name>_<lang>.qm`` (ui/i18n.py loads both).
CATALOGUES = ("callshop", "admin")


def qt_translations() -> Path:
    from PySide6.QtCore import QLibraryInfo

    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def lupdate(ts: Path, catalogue: str = "callshop") -> None:
    subprocess.run(
        [
            "pyside6-lupdate",
            *map(str, sources(catalogue)),
            "-no-obsolete",
            "-locations",
            "none",
            "-ts",
            str(ts),
        ],
        check=True,
        capture_output=True,
    )


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run(["pyside6-lrelease", str(ts), "-qm", str(qm)], check=True, capture_output=True)


def update() -> None:
    for lang in LANGUAGES:
        for catalogue in CATALOGUES:
            ts = I18N / f"{catalogue}_{lang}.ts"
            lupdate(ts, catalogue)
            lrelease(ts, I18N / f"{catalogue}_{lang}.qm")
        shutil.copyfile(qt_translations() / f"qtbase_{lang}.qm", I18N / f"qtbase_{lang}.qm")


def check() -> list[str]:
    """Problems with the shipped files (empty when everything is current)."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in LANGUAGES:
            for catalogue in CATALOGUES:
                shipped_ts = I18N / f"{catalogue}_{lang}.ts"
                fresh_ts = Path(tmp) / shipped_ts.name
                shutil.copyfile(shipped_ts, fresh_ts)
                lupdate(fresh_ts, catalogue)
                if fresh_ts.read_bytes() != shipped_ts.read_bytes():
                    problems.append(
                        f"{shipped_ts.name} is out of date: run tools/update_translations.py"
                    )
                fresh_qm = Path(tmp) / f"{catalogue}_{lang}.qm"
                lrelease(shipped_ts, fresh_qm)
                shipped_qm = I18N / f"{catalogue}_{lang}.qm"
                if not shipped_qm.exists() or fresh_qm.read_bytes() != shipped_qm.read_bytes():
                    problems.append(f"{shipped_qm.name} is not compiled from {shipped_ts.name}")
            if not (I18N / f"qtbase_{lang}.qm").exists():
                problems.append(f"qtbase_{lang}.qm is missing")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only, change nothing")
    if parser.parse_args().check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
