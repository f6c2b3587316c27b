"""Smoke test of the frozen one-folder app (PyInstaller, packaging/presend.spec).

Builds dist/presend with packaging/build-linux.sh (about 3 minutes on 2 cores) when
PRESEND_FROZEN_SMOKE=1 or in CI (CI=true), then runs the frozen binary: `--version`,
`scan` on a file with a known secret (proves the rule packs were bundled), on a text with
a person's name (proves the spaCy model was bundled and loaded: no "name model" notice),
on a PDF (proves the sandboxed extraction child starts from the frozen binary), and
`integrate install --dry-run` (proves the templates were bundled). Set
PRESEND_FROZEN_APP=/path/to/dist/presend to test an existing build instead of building.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__

REPO = Path(__file__).resolve().parents[2]
WANTED = os.environ.get("PRESEND_FROZEN_SMOKE") == "1" or os.environ.get("CI") == "true"
EXISTING = os.environ.get("PRESEND_FROZEN_APP")

pytestmark = pytest.mark.skipif(
    not (WANTED or EXISTING),
    reason="frozen-app smoke test builds with PyInstaller (~3 min): set PRESEND_FROZEN_SMOKE=1 "
    "(CI=true does), or PRESEND_FROZEN_APP=dist/presend to test an existing build",
)


@pytest.fixture(scope="module")
def frozen_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if EXISTING:
        app = Path(EXISTING) / "presend"
        assert app.is_file(), f"no presend binary in {EXISTING}"
        return app
    if sys.platform != "linux":
        pytest.skip("the frozen-app smoke test builds the Linux app; run it on Linux")
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller is missing: pip install pyinstaller==6.22.3 (test extra)")
    out = tmp_path_factory.mktemp("frozen")
    env = {**os.environ, "DIST": str(out / "dist"), "WORK": str(out / "work"),
           "PYTHON": sys.executable}
    proc = subprocess.run([str(REPO / "packaging" / "build-linux.sh")], env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out / "dist" / "presend" / "presend"


def _run(app: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "DISPLAY", "WAYLAND"))}
    env.update(PRESEND_HOME=str(home / "presend-home"), HOME=str(home))
    # A PATH without the venv: the frozen app must not lean on the development Python.
    env["PATH"] = "/usr/bin:/bin"
    return subprocess.run([str(app), *args], env=env, capture_output=True, text=True,
                          timeout=180, cwd=home)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


def test_frozen_app_reports_its_version(frozen_app: Path, home: Path) -> None:
    proc = _run(frozen_app, "--version", home=home)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"presend {__version__}"


def _synthetic_github_token() -> str:
    return "ghp_" + "Zq7Lm2Xw9Rt4Vb6Nc8Hd1Jf3Kg5Ps0Ya2Ue4Io"


def test_frozen_app_finds_a_secret_with_its_bundled_rules(frozen_app: Path, home: Path) -> None:
    sample = home / "deploy notes.txt"
    sample.write_text(f"token for CI: {_synthetic_github_token()}\n", encoding="utf-8")
    proc = _run(frozen_app, "scan", "--format", "json", str(sample), home=home)
    assert proc.returncode in (1, 3), proc.stderr
    (result,) = json.loads(proc.stdout)["results"]
    assert [f["entity_type"] for f in result["findings"]] == ["GITHUB_TOKEN"]
    assert result["findings"][0]["recognizer"].startswith("secrets/")
    assert _synthetic_github_token() not in proc.stdout + proc.stderr  # masked


def test_frozen_app_loads_the_bundled_name_model(frozen_app: Path, home: Path) -> None:
    sample = home / "letter.txt"
    sample.write_text("Please forward the signed contract to Margaret Thompson today.\n",
                      encoding="utf-8")
    proc = _run(frozen_app, "scan", "--format", "json", str(sample), home=home)
    (result,) = json.loads(proc.stdout)["results"]
    notes = " ".join(result.get("notes", []))
    assert "name model" not in notes, notes
    assert "PERSON" in [f["entity_type"] for f in result["findings"]]


def test_frozen_app_extracts_a_pdf_in_its_sandbox_child(frozen_app: Path, home: Path) -> None:
    sys.path.insert(0, str(REPO))
    from tests.classifiers.extract.pdf_fixtures import build_pdf, text_stream

    pdf = home / "report.pdf"
    pdf.write_bytes(build_pdf([text_stream([f"key {_synthetic_github_token()}"])]))
    proc = _run(frozen_app, "scan", "--format", "json", str(pdf), home=home)
    (result,) = json.loads(proc.stdout)["results"]
    assert result["complete"] is True, result.get("notes")
    assert [f["entity_type"] for f in result["findings"]] == ["GITHUB_TOKEN"]


def test_frozen_app_has_its_integration_templates(frozen_app: Path, home: Path) -> None:
    proc = _run(frozen_app, "integrate", "install", "--dry-run", "--target", "thunar",
                home=home)
    assert proc.returncode == 0, proc.stderr
    assert "uca.xml" in proc.stdout
    assert not (home / ".config").exists()
