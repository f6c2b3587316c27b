"""`presend policy edm ...` / `presend policy fingerprint ...` (app/commands/policy_data.py)."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from app.commands.context import CliContext, CliError
from app.commands.policy_data import add_subcommands
from classifiers.custom.edm import EdmIndex
from classifiers.custom.fingerprint import FingerprintSet

MEMO = (
    "The Falcon programme will close the Leeds plant in March. Two hundred roles move to "
    "Glasgow over the following year. Unions are told only after the board meeting on the "
    "fourth. Local press enquiries go to the communications lead without comment. "
)


def _run(argv: list[str]) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="presend policy")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true")
    add_subcommands(parser.add_subparsers(), common)
    args = parser.parse_args(argv)
    out = io.StringIO()
    ctx = CliContext(out=out, err=io.StringIO(), quiet=bool(args.quiet))
    return args.handler(args, ctx), out.getvalue()


def test_edm_build_writes_hashes_only_and_reports_counts(tmp_path: Path) -> None:
    csv_path = tmp_path / "customers.csv"
    csv_path.write_text("id,email,notes\nCX-88121,ana.silva@example.pt,vip\n"
                        "CX-88122,li.wei@example.cn,\n", encoding="utf-8")
    out = tmp_path / "customers.edm"
    code, printed = _run(["edm", "build", str(csv_path), "--columns", "id,email", "-o", str(out)])
    assert code == 0 and "4 hashed values from 2 rows" in printed
    data = out.read_bytes()
    for raw in (b"88121", b"ana.silva", b"li.wei", b"CX-88122"):
        assert raw not in data
    assert EdmIndex.load(out).contains("cx 88121")
    code, printed = _run(["edm", "info", str(out)])
    assert code == 0 and "4 hashed values" in printed and "id, email" in printed


def test_edm_build_refuses_to_overwrite_and_names_unknown_columns(tmp_path: Path) -> None:
    csv_path = tmp_path / "c.csv"
    csv_path.write_text("id\nAB1234\n", encoding="utf-8")
    out = tmp_path / "c.edm"
    out.write_bytes(b"x")
    with pytest.raises(CliError, match="--force"):
        _run(["edm", "build", str(csv_path), "--columns", "id", "-o", str(out)])
    with pytest.raises(CliError, match="its columns are: id"):
        _run(["edm", "build", str(csv_path), "--columns", "iban", "-o", str(out), "--force"])


def test_fingerprint_add_creates_then_extends_the_file(tmp_path: Path) -> None:
    a = tmp_path / "memo.txt"
    a.write_text(MEMO, encoding="utf-8")
    b = tmp_path / "plan.txt"
    b.write_text(MEMO.replace("Falcon", "Osprey").replace("Leeds", "Derby") * 2, encoding="utf-8")
    out = tmp_path / "docs.fp"
    assert _run(["fingerprint", "add", str(a), "-o", str(out)])[0] == 0
    assert _run(["fingerprint", "add", str(b), "-o", str(out), "-q"])[0] == 0
    fps = FingerprintSet.load(out)
    assert [d.name for d in fps.documents] == ["memo.txt", "plan.txt"]
    assert b"Leeds" not in out.read_bytes()
    code, printed = _run(["fingerprint", "list", str(out)])
    assert code == 0 and "memo.txt" in printed and "plan.txt" in printed


def test_fingerprint_add_refuses_a_too_short_document(tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("just a few words", encoding="utf-8")
    with pytest.raises(CliError, match="at least 20 words"):
        _run(["fingerprint", "add", str(short), "-o", str(tmp_path / "x.fp")])


def test_presend_policy_edm_build_is_reachable_from_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    csv_path = tmp_path / "c.csv"
    csv_path.write_text("account\nACC-771299\n", encoding="utf-8")
    out = tmp_path / "c.edm"
    assert main(["policy", "edm", "build", str(csv_path), "--columns", "account",
                 "-o", str(out)]) == 0
    assert "1 hashed value from 1 row" in capsys.readouterr().out
    assert main(["policy", "edm", "build", str(csv_path), "--columns", "iban",
                 "-o", str(out), "--force"]) == 2
    assert "its columns are: account" in capsys.readouterr().err
