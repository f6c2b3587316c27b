"""`presend scan`, `redact` and `check --no-gui` through a real subprocess: exit codes,
formats, masking, and the canary (a random secret never leaks unless asked for)."""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK_POLICY = 'schema = 1\nserial = 1\nname = "strict"\n[actions]\nhigh = "block"\ncritical = "block"\n'


def presend(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], input=stdin,
                          capture_output=True, cwd=ROOT, env=full_env, timeout=120)


def random_card() -> str:
    """A Luhn-valid Visa number made up for this run."""
    digits = [4] + [secrets.randbelow(10) for _ in range(14)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    digits.append((10 - total % 10) % 10)
    return "".join(map(str, digits))


def random_github_token() -> str:
    alphabet = string.ascii_letters + string.digits
    return "ghp_" + "".join(secrets.choice(alphabet) for _ in range(36))


def test_clean_input_exits_0() -> None:
    r = presend("scan", "-", stdin=b"The meeting moved to Thursday at 3pm.\n")
    assert r.returncode == 0, r.stderr
    assert b"nothing found" in r.stdout


def test_findings_exit_1_with_masked_previews() -> None:
    card = random_card()
    r = presend("scan", "-", stdin=f"Charge card {card} please\n".encode())
    assert r.returncode == 1, r.stderr
    out = r.stdout.decode()
    assert "CREDIT_CARD" in out and card not in out and card[-4:] in out


def test_block_verdict_exits_3(tmp_path: Path) -> None:
    pol = tmp_path / "strict.toml"
    pol.write_text(BLOCK_POLICY)
    r = presend("scan", "--policy", str(pol), "-", stdin=f"card {random_card()}\n".encode())
    assert r.returncode == 3, r.stderr


def test_unreadable_source_exits_2_and_still_reports_the_rest(tmp_path: Path) -> None:
    ok = tmp_path / "ok.txt"
    ok.write_text("nothing to see")
    r = presend("scan", "--format", "json", str(ok), str(tmp_path / "missing.txt"))
    assert r.returncode == 2
    doc = json.loads(r.stdout)
    by_source = {res["source"]: res for res in doc["results"]}
    assert by_source[str(tmp_path / "missing.txt")]["error"].startswith("missing.txt")
    assert by_source[str(ok)]["findings"] == []
    assert len(r.stderr.decode().strip().splitlines()) >= 1
    assert "Traceback" not in r.stderr.decode()


def test_binary_stdin_is_a_clear_error_not_findings() -> None:
    r = presend("scan", "-", stdin=bytes(range(256)) * 64)
    assert r.returncode == 2
    err = r.stderr.decode().strip().splitlines()[-1]
    assert err.startswith("presend: ") and "binary" in err.lower()
    assert "Traceback" not in r.stderr.decode()


def test_json_contract(tmp_path: Path) -> None:
    f = tmp_path / "ticket.txt"
    card = random_card()
    f.write_text(f"Customer note\nplease charge {card} today\n")
    r = presend("scan", "--format", "json", str(f))
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert set(doc) == {"results", "summary"}
    res = doc["results"][0]
    assert res["source"] == str(f) and res["complete"] is True
    assert res["verdict"] in ("allow", "log", "warn", "redact", "block")
    finding = next(x for x in res["findings"] if x["entity_type"] == "CREDIT_CARD")
    for key in ("entity_type", "category", "start", "end", "score", "severity", "recognizer",
                "preview", "line", "column", "location"):
        assert key in finding
    text = f.read_text()
    assert text[finding["start"]:finding["end"]] == card
    assert finding["line"] == 2 and finding["location"] == "line 2"
    assert doc["summary"]["by_entity_type"]["CREDIT_CARD"] == 1


def test_sarif_output_is_sarif_2_1_0(tmp_path: Path) -> None:
    f = tmp_path / "a.env"
    f.write_text(f"GITHUB_TOKEN={random_github_token()}\n")
    r = presend("scan", "--format", "sarif", str(f))
    doc = json.loads(r.stdout)
    assert doc["version"] == "2.1.0"
    result = doc["runs"][0]["results"][0]
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert {rule["id"] for rule in doc["runs"][0]["tool"]["driver"]["rules"]} >= {result["ruleId"]}


def test_folders_are_scanned_recursively(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text(f"token {random_github_token()}\n")
    (tmp_path / "top.txt").write_text("harmless\n")
    r = presend("scan", "--format", "json", str(tmp_path))
    doc = json.loads(r.stdout)
    assert doc["summary"]["sources"] == 2
    assert doc["summary"]["by_entity_type"] == {"GITHUB_TOKEN": 1}


def test_redact_replaces_findings_and_keeps_the_rest(tmp_path: Path) -> None:
    token = random_github_token()
    text = f"deploy with {token} tonight\n"
    r = presend("redact", "-", stdin=text.encode())
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == "deploy with [GITHUB_TOKEN] tonight\n"
    out = tmp_path / "clean.txt"
    r = presend("redact", "-o", str(out), "--style", "hash", "-", stdin=text.encode())
    assert r.returncode == 0
    assert token not in out.read_text() and out.read_text().startswith("deploy with [GITHUB_TOKEN:")


def test_no_command_without_stdin_is_a_usage_error() -> None:
    r = presend("scan", "--bogus-flag")
    assert r.returncode == 2
    assert "presend: " in r.stderr.decode()


def test_version_and_paths(tmp_path: Path) -> None:
    r = presend("--version")
    assert r.returncode == 0 and r.stdout.decode().startswith("presend ")
    r = presend("paths", env={"PRESEND_HOME": str(tmp_path)})
    assert f"log: {tmp_path / 'log'}" in r.stdout.decode()


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_canary_secret_never_leaks_without_show_values(tmp_path: Path, fmt: str) -> None:
    home = tmp_path / "home"
    token, card = random_github_token(), random_card()
    f = tmp_path / "paste.txt"
    f.write_text(f"here is my token {token} and card {card}\n")
    env = {"PRESEND_HOME": str(home)}
    outputs = [
        presend("scan", "--format", fmt, str(f), env=env),
        presend("scan", "--format", fmt, "-", stdin=f.read_bytes(), env=env),
        presend("check", "--no-gui", "--format", fmt, str(f), env=env),
        presend("redact", str(f), env=env),
        presend("scan", "-v", str(tmp_path / "nope"), env=env),
    ]
    for r in outputs:
        blob = r.stdout + r.stderr
        assert token.encode() not in blob and card.encode() not in blob
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert token.encode() not in data and card.encode() not in data, path
    shown = presend("scan", "--show-values", "--format", fmt, str(f), env=env)
    assert token.encode() in shown.stdout, (shown.stdout + shown.stderr).decode()[-1500:]


def test_check_no_gui_is_audited(tmp_path: Path) -> None:
    home = tmp_path / "home"
    f = tmp_path / "contract.txt"
    f.write_text(f"card {random_card()}\n")
    r = presend("check", "--no-gui", str(f), env={"PRESEND_HOME": str(home)})
    assert r.returncode == 1, (r.stdout + r.stderr).decode()[-1500:]
    lines = [json.loads(x) for p in sorted((home / "log").glob("*.jsonl"))
             for x in p.read_text().splitlines() if x.strip()]
    decisions = [x for x in lines if x.get("event") == "decision"]
    assert decisions and decisions[-1]["channel"] == "file-check"
    assert decisions[-1]["findings"][0]["entity_type"] == "CREDIT_CARD"


def test_tray_without_a_display_says_what_to_do() -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, "-m", "app.cli"], capture_output=True, cwd=ROOT,
                       env=env, timeout=60)
    assert r.returncode == 2
    assert r.stderr.decode().strip().splitlines()[-1].startswith("presend: no display")
