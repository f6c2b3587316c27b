"""docs/admin.md is true: every command in it runs, in order, with the exit code it shows.

``presend`` commands run in process against an in-memory keyring (the real Secret Service
is exercised in tests/keyring); other commands (mkdir, cp, sed) run in bash. A toml block
whose first line is ``# NAME`` is written to NAME first. A block after
``<!-- fresh machine ... -->`` runs on a second machine (its own home, keyring and no
machine-wide folder).
"""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import build_parser
from app.commands.context import CliContext, CliError
from app.paths import app_paths
from app.services.secret_store import InMemorySecretStore

DOC = Path(__file__).resolve().parents[2] / "docs" / "admin.md"


@dataclass
class Step:
    kind: str  # "file" or "cmd"
    text: str
    name: str = ""
    exit_code: int = 0
    fresh: bool = False


def steps(markdown: str) -> list[Step]:
    out: list[Step] = []
    lang: str | None = None
    block: list[str] = []
    fresh_next = False
    for line in markdown.splitlines():
        if lang is None:
            if line.startswith("<!-- fresh machine"):
                fresh_next = True
            elif line.startswith("```"):
                lang, block = line[3:].strip(), []
            continue
        if not line.startswith("```"):
            block.append(line)
            continue
        if lang == "toml" and block and block[0].startswith("# "):
            out.append(Step("file", "\n".join(block) + "\n", name=block[0][2:].strip()))
        elif lang == "console":
            for cmd in block:
                if not cmd.startswith("$ "):
                    continue
                code = re.search(r"#\s*exit (\d+)\s*$", cmd)
                command = re.sub(r"\s*#.*$", "", cmd[2:])
                out.append(
                    Step(
                        "cmd",
                        command,
                        exit_code=int(code.group(1)) if code else 0,
                        fresh=fresh_next,
                    )
                )
            fresh_next = False
        lang = None
    return out


def presend(store: InMemorySecretStore, argv: list[str]) -> tuple[int, str, str]:
    ctx = CliContext(paths=app_paths(), out=io.StringIO(), err=io.StringIO())
    ctx._cache["secret_store"] = store
    try:
        args = build_parser().parse_args(argv)
        code = int(args.handler(args, ctx))
    except CliError as exc:
        print(f"presend: {exc}", file=ctx.err)
        code = exc.exit_code
    return code, ctx.out.getvalue(), ctx.err.getvalue()  # type: ignore[attr-defined]


def test_admin_walkthrough_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "admin"
    work.mkdir()
    site = tmp_path / "site"
    machine = {
        "home": os.environ["PRESEND_HOME"],
        "site": str(site),
        "store": InMemorySecretStore(),
    }
    fresh = {
        "home": str(tmp_path / "home2"),
        "site": str(tmp_path / "no-site"),
        "store": InMemorySecretStore(),
    }
    monkeypatch.chdir(work)
    outputs: list[tuple[str, str]] = []
    all_steps = steps(DOC.read_text())
    assert sum(s.kind == "cmd" for s in all_steps) >= 15
    for step in all_steps:
        if step.kind == "file":
            (work / step.name).write_text(step.text)
            continue
        env = fresh if step.fresh else machine
        monkeypatch.setenv("PRESEND_HOME", env["home"])
        monkeypatch.setenv("PRESEND_SITE_DIR", env["site"])
        if step.text.startswith("presend "):
            code, out, err = presend(env["store"], shlex.split(step.text)[1:])  # type: ignore[arg-type]
        else:
            done = subprocess.run(
                ["bash", "-c", step.text],
                cwd=work,
                capture_output=True,
                text=True,
                env={**os.environ, "SITE": str(site)},
                timeout=30,
            )
            code, out, err = done.returncode, done.stdout, done.stderr
        assert code == step.exit_code, f"`{step.text}` exited {code}: {err}"
        outputs.append((step.text, out + err))

    status = [o for cmd, o in outputs if cmd == "presend policy status"]
    assert "source:         admin" in status[0] and "serial:         1" in status[0]
    assert "serial:         2" in status[1] and "serial:         2" in status[2]
    refused = next(o for cmd, o in outputs if cmd.startswith("presend policy import v1/"))
    assert "serial 1 is lower than the highest accepted (2)" in refused
    log = next(o for cmd, o in outputs if cmd == "presend log show")
    for event in ("policy_key_pinned", "policy_accepted", "policy_refused"):
        assert event in log
    trusted = next(o for cmd, o in outputs if cmd.startswith("presend policy trust"))
    assert "policies signed by it can now be imported" in trusted


def test_site_folders_named_in_the_doc_are_platformdirs_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from platformdirs import macos, unix

    monkeypatch.delenv("XDG_CONFIG_DIRS", raising=False)
    text = DOC.read_text()
    assert f"`{macos.MacOS('presend', appauthor=False).site_config_dir}`" in text
    assert "`/etc/xdg/presend`" in text and unix.Unix(
        "presend", appauthor=False
    ).site_config_dir.startswith("/etc/xdg")
    assert r"`C:\ProgramData\presend`" in text
