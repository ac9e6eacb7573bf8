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

import grimp
import pytest

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


def _module_cycles(package: str) -> list[list[str]]:
    """Groups of modules of ``package`` that import each other in a circle.

    Every import counts: top level, inside functions and under ``TYPE_CHECKING``
    (a cycle hidden in a function is still a cycle between the two modules).
    """
    graph = grimp.build_graph(package)
    imports = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for other in imports[module]:
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            group: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(imports):
        if module not in order:
            visit(module)
    return cycles


@pytest.mark.parametrize("package", ["callshop_pos", "drivers"])
def test_no_import_cycles_between_modules(package: str) -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    assert _module_cycles(package) == []
