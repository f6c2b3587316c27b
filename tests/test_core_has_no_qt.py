"""The core is a pure library: importing it must not load Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _core_modules() -> list[str]:
    names: list[str] = []
    for pkg in ("classifiers", "app"):
        names.append(pkg)
        for info in pkgutil.walk_packages([str(ROOT / pkg)], prefix=f"{pkg}."):
            if info.name.startswith("app.ui") or info.name == "app.__main__":
                continue
            names.append(info.name)
    return names


@pytest.mark.parametrize("module", _core_modules())
def test_core_module_imports_without_qt(module: str) -> None:
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6')\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "", f"{module} pulled in Qt: {proc.stdout.strip()}"


def test_ruff_bans_qt_outside_the_ui_package() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert '"PySide6".msg' in text
    assert '"app/ui/**" = ["TID251"]' in text
