"""`presend integrate` on Linux, run for real into a temporary HOME.

Every generated file is parsed (configparser for .desktop/.nemo_action, xml.etree for
Thunar's uca.xml), its permissions checked, and its command line expanded the way its
file manager does it and then executed: first with a stand-in `presend` that records its
argv (exact argument passing, fast), then with the real `presend check` (the
PRESEND_CHECK_NO_GUI variable makes it print instead of opening a window).
"""

from __future__ import annotations

import configparser
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.services import integrate
from app.services.integrate import Host, IntegrationError

# Names that break naive quoting: spaces, both quotes, non-ASCII, $, %, a leading dash.
TRICKY_NAMES = (
    "it's a \"quoted\" ünïcödé file.txt",
    "-rf $HOME 100% `x`.txt",
)
REPO = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ fixtures/helpers


def make_host(home: Path, command: tuple[str, ...], platform: str = "linux") -> Host:
    return Host(
        platform=platform,
        home=home,
        config_home=home / ".config",
        data_home=home / ".local" / "share",
        appdata=home / "AppData" / "Roaming",
        state=home.parent / "presend state",  # presend's own folder, outside HOME here
        command=command,
    )


def write_argv_recorder(folder: Path) -> Path:
    """A stand-in `presend` (in a folder whose name needs quoting) that writes its argv
    as JSON to $ARGV_OUT."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "presend stand-in"
    exe.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "open(os.environ['ARGV_OUT'], 'w', encoding='utf-8').write(json.dumps(sys.argv))\n",
        encoding="utf-8",
    )
    exe.chmod(0o755)
    return exe


def tricky_files(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in TRICKY_NAMES:
        p = folder / name
        p.write_text("nothing to see\n", encoding="utf-8")
        paths.append(str(p))
    return paths


def keyfile_unescape(value: str) -> str:
    """GKeyFile/Desktop Entry string unescaping: \\s \\n \\t \\r \\\\."""
    out, i = [], 0
    table = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value) and value[i + 1] in table:
            out.append(table[value[i + 1]])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def desktop_tokens(exec_value: str) -> list[str]:
    """Split an (unescaped) Exec= value per the Desktop Entry spec: arguments separated by
    spaces; inside double quotes a backslash escapes `"`, `` ` ``, `$` and `\\`."""
    tokens: list[str] = []
    cur: list[str] = []
    in_quotes = started = False
    i = 0
    while i < len(exec_value):
        c = exec_value[i]
        if in_quotes:
            if c == "\\" and i + 1 < len(exec_value) and exec_value[i + 1] in '"`$\\':
                cur.append(exec_value[i + 1])
                i += 2
                continue
            if c == '"':
                in_quotes = False
            else:
                cur.append(c)
        elif c == '"':
            in_quotes = started = True
        elif c == " ":
            if started or cur:
                tokens.append("".join(cur))
            cur, started = [], False
        else:
            cur.append(c)
        i += 1
    assert not in_quotes, "unterminated quote in Exec="
    if started or cur:
        tokens.append("".join(cur))
    return tokens


def expand_desktop_exec(exec_value: str, files: list[str]) -> list[str]:
    """What a launcher (GIO, KIO) runs: field codes replaced after splitting."""
    argv: list[str] = []
    for token in desktop_tokens(keyfile_unescape(exec_value)):
        if token == "%F":
            argv.extend(files)
        elif token == "%f":
            argv.extend(files[:1])
        elif token == "%U":
            argv.extend(Path(f).as_uri() for f in files)
        else:
            assert "%" not in token.replace("%%", ""), f"unexpected field code in {token!r}"
            argv.append(token.replace("%%", "%"))
    return argv


def g_shell_quote(value: str) -> str:
    """GLib's g_shell_quote: always single quotes, ' written as '\\''."""
    return "'" + value.replace("'", "'\\''") + "'"


def nemo_path(value: str) -> str:
    """Nemo's path insertion with EscapeSpaces=true and no Quote=: quotes and spaces
    backslash-escaped."""
    return value.replace("'", "\\'").replace('"', '\\"').replace(" ", "\\ ")


def run_recorded(argv: list[str], tmp_path: Path, env: dict[str, str] | None = None) -> list[str]:
    out = tmp_path / "argv.json"
    out.unlink(missing_ok=True)
    full_env = {**os.environ, "ARGV_OUT": str(out), **(env or {})}
    subprocess.run(argv, env=full_env, check=True, timeout=60)
    return json.loads(out.read_text(encoding="utf-8"))


def read_keyfile(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def snapshot(root: Path) -> dict[str, tuple[str, bytes | None, int]]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_dir():
            out[rel] = ("dir", None, 0)
        else:
            out[rel] = ("file", p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
    return out


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home dir ü"
    h.mkdir()
    return h


@pytest.fixture
def recorder_host(home: Path, tmp_path: Path) -> Host:
    exe = write_argv_recorder(tmp_path / "opt" / "it's \"presend\" ü")
    return make_host(home, (str(exe),))


# ------------------------------------------------------------------ files, parsed


def test_install_writes_every_linux_target_as_parseable_files(recorder_host: Host) -> None:
    integrate.install(list(integrate.LINUX_TARGETS), recorder_host)
    data, config = recorder_host.data_home, recorder_host.config_home

    script = data / "nautilus" / "scripts" / "Check with presend"
    assert script.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    assert os.access(script, os.X_OK)

    dolphin = read_keyfile(data / "kio" / "servicemenus" / "presend-check.desktop")
    assert dolphin["Desktop Entry"]["Type"] == "Service"
    assert dolphin["Desktop Entry"]["MimeType"] == "all/allfiles;inode/directory;"
    assert dolphin["Desktop Entry"]["Actions"] == "presendCheck;"
    assert dolphin["Desktop Action presendCheck"]["Name"] == "Check with presend"
    assert os.access(data / "kio" / "servicemenus" / "presend-check.desktop", os.X_OK)

    nemo = read_keyfile(data / "nemo" / "actions" / "presend-check.nemo_action")
    assert nemo["Nemo Action"]["Name"] == "Check with presend"
    assert nemo["Nemo Action"]["Selection"] == "notnone"
    assert nemo["Nemo Action"]["EscapeSpaces"] == "true"

    root = ET.parse(config / "Thunar" / "uca.xml").getroot()
    assert root.tag == "actions"
    (action,) = root.findall("action")
    assert action.findtext("name") == "Check with presend"
    assert action.findtext("patterns") == "*"
    assert action.find("directories") is not None and action.find("other-files") is not None

    launcher = read_keyfile(data / "applications" / "presend.desktop")
    assert launcher["Desktop Entry"]["Type"] == "Application"
    assert launcher["Desktop Entry"]["Icon"] == "presend"
    autostart = read_keyfile(config / "autostart" / "presend.desktop")
    assert autostart["Desktop Entry"]["X-GNOME-Autostart-enabled"] == "true"

    icon = ET.parse(data / "icons" / "hicolor" / "scalable" / "apps" / "presend.svg")
    assert icon.getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert not os.access(data / "applications" / "presend.desktop", os.X_OK)


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (Debian: desktop-file-utils) is not installed")
def test_launcher_and_autostart_entries_pass_desktop_file_validate(recorder_host: Host) -> None:
    integrate.install(["desktop", "autostart"], recorder_host)
    for path in (recorder_host.data_home / "applications" / "presend.desktop",
                 recorder_host.config_home / "autostart" / "presend.desktop"):
        proc = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                              text=True, timeout=30)
        assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


# ------------------------------------------------------------------ argument passing


def test_nautilus_script_passes_selected_paths_unchanged(recorder_host: Host,
                                                          tmp_path: Path) -> None:
    integrate.install(["nautilus"], recorder_host)
    script = recorder_host.data_home / "nautilus" / "scripts" / "Check with presend"
    files = tricky_files(tmp_path / "my files")
    selected = "".join(f + "\n" for f in files)
    argv = run_recorded([str(script)], tmp_path, {"NAUTILUS_SCRIPT_SELECTED_FILE_PATHS": selected})
    assert argv == [*recorder_host.command, "check", "--", *files]


def test_nautilus_script_falls_back_to_its_arguments(recorder_host: Host, tmp_path: Path) -> None:
    integrate.install(["nautilus"], recorder_host)
    script = recorder_host.data_home / "nautilus" / "scripts" / "Check with presend"
    files = tricky_files(tmp_path / "remote")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NAUTILUS_")}
    out = tmp_path / "argv.json"
    subprocess.run([str(script), *files], env={**env, "ARGV_OUT": str(out)}, check=True,
                   timeout=60)
    assert json.loads(out.read_text(encoding="utf-8")) == [*recorder_host.command, "check",
                                                            "--", *files]


def test_dolphin_exec_expands_to_presend_check_with_each_path(recorder_host: Host,
                                                               tmp_path: Path) -> None:
    integrate.install(["dolphin"], recorder_host)
    entry = read_keyfile(recorder_host.data_home / "kio" / "servicemenus" /
                         "presend-check.desktop")
    files = tricky_files(tmp_path / "a folder")
    argv = expand_desktop_exec(entry["Desktop Action presendCheck"]["Exec"], files)
    assert run_recorded(argv, tmp_path) == [*recorder_host.command, "check", "--", *files]


def test_nemo_exec_survives_nemo_escaping_and_g_shell_parsing(recorder_host: Host,
                                                              tmp_path: Path) -> None:
    integrate.install(["nemo"], recorder_host)
    entry = read_keyfile(recorder_host.data_home / "nemo" / "actions" /
                         "presend-check.nemo_action")
    files = tricky_files(tmp_path / "nemo folder")
    command = keyfile_unescape(entry["Nemo Action"]["Exec"])
    assert command.endswith(" %F")
    line = command.replace("%F", " ".join(nemo_path(f) for f in files))
    argv = shlex.split(line)  # g_shell_parse_argv: the same POSIX quoting, no expansion
    assert run_recorded(argv, tmp_path) == [*recorder_host.command, "check", "--", *files]


def test_thunar_command_survives_g_shell_quote_and_parse(recorder_host: Host,
                                                         tmp_path: Path) -> None:
    integrate.install(["thunar"], recorder_host)
    root = ET.parse(recorder_host.config_home / "Thunar" / "uca.xml").getroot()
    command = root.find("action").findtext("command")  # type: ignore[union-attr]
    assert command is not None and command.endswith(" %F")
    files = tricky_files(tmp_path / "thunar folder")
    argv = shlex.split(command.replace("%F", " ".join(g_shell_quote(f) for f in files)))
    assert run_recorded(argv, tmp_path) == [*recorder_host.command, "check", "--", *files]


def test_launcher_and_autostart_start_the_tray(recorder_host: Host, tmp_path: Path) -> None:
    integrate.install(["desktop", "autostart"], recorder_host)
    for path in (recorder_host.data_home / "applications" / "presend.desktop",
                 recorder_host.config_home / "autostart" / "presend.desktop"):
        argv = expand_desktop_exec(read_keyfile(path)["Desktop Entry"]["Exec"], [])
        assert run_recorded(argv, tmp_path) == [*recorder_host.command, "tray"]


def test_desktop_exec_quoting_round_trips_backslashes_and_percent() -> None:
    args = ["/opt/we\\ird $dir/pre`send`", "100%", 'say "hi"']
    value = integrate.desktop_exec(args, "%F")
    assert expand_desktop_exec(value, ["/f"]) == [*args, "/f"]


# ------------------------------------------------------------------ the real presend check


def _secret_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    token = "ghp_" + "Zq7Lm2Xw9Rt4Vb6Nc8Hd1Jf3Kg5Ps0Ya2Ue4Io"  # synthetic: classic PAT shape
    path = folder / "it's my \"notes\" — ünïcödé.txt"
    path.write_text(f"deploy with {token}\n", encoding="utf-8")
    return path


def _real_host(home: Path) -> Host:
    presend = Path(sys.executable).with_name("presend")
    command = (str(presend),) if presend.exists() else (sys.executable, "-m", "app.cli")
    return make_host(home, command)


def _check_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PRESEND_CHECK_NO_GUI"] = "1"
    env["PYTHONPATH"] = str(REPO)
    return env


def test_nautilus_script_runs_real_presend_check_on_a_tricky_path(home: Path,
                                                                  tmp_path: Path) -> None:
    host = _real_host(home)
    integrate.install(["nautilus"], host)
    secret = _secret_file(tmp_path / "Shared files")
    env = {**_check_env(), "NAUTILUS_SCRIPT_SELECTED_FILE_PATHS": f"{secret}\n"}
    proc = subprocess.run([str(host.data_home / "nautilus" / "scripts" / "Check with presend")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (1, 3), proc.stderr
    assert "GITHUB_TOKEN" in proc.stdout
    assert str(secret) in proc.stdout


def test_dolphin_exec_runs_real_presend_check_on_a_tricky_path(home: Path,
                                                               tmp_path: Path) -> None:
    host = _real_host(home)
    integrate.install(["dolphin"], host)
    secret = _secret_file(tmp_path / "Shared files")
    entry = read_keyfile(host.data_home / "kio" / "servicemenus" / "presend-check.desktop")
    argv = expand_desktop_exec(entry["Desktop Action presendCheck"]["Exec"], [str(secret)])
    proc = subprocess.run(argv, env=_check_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode in (1, 3), proc.stderr
    assert "GITHUB_TOKEN" in proc.stdout and str(secret) in proc.stdout


# ------------------------------------------------------------------ idempotent, clean


def test_installing_twice_leaves_the_same_files_and_reports_nothing_new(
    recorder_host: Host,
) -> None:
    integrate.install(list(integrate.LINUX_TARGETS), recorder_host)
    first = snapshot(recorder_host.home)
    report = integrate.install(list(integrate.LINUX_TARGETS), recorder_host)
    assert snapshot(recorder_host.home) == first
    assert report.actions == ()


def _users_own_setup(host: Host) -> None:
    thunar = host.config_home / "Thunar"
    thunar.mkdir(parents=True)
    (thunar / "uca.xml").write_text(textwrap.dedent("""\
        <?xml version="1.0" encoding="UTF-8"?>
        <actions>
        <action>
        \t<icon>utilities-terminal</icon>
        \t<name>Open Terminal Here</name>
        \t<unique-id>1234567890123456-1</unique-id>
        \t<command>exo-open --working-directory %f --launch TerminalEmulator</command>
        \t<description>Example for a custom action &amp; more</description>
        \t<patterns>*</patterns>
        \t<startup-notify/>
        \t<directories/>
        </action>
        </actions>
        """), encoding="utf-8")
    (host.config_home / "autostart").mkdir()
    (host.config_home / "autostart" / "other-app.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Other\nExec=other\n", encoding="utf-8")
    (host.data_home / "applications").mkdir(parents=True)


def test_uninstall_restores_the_home_folder_exactly(recorder_host: Host) -> None:
    _users_own_setup(recorder_host)
    before = snapshot(recorder_host.home)
    integrate.install(list(integrate.LINUX_TARGETS), recorder_host)
    uca = (recorder_host.config_home / "Thunar" / "uca.xml").read_text(encoding="utf-8")
    assert "Open Terminal Here" in uca and "Check with presend" in uca
    integrate.uninstall(list(integrate.LINUX_TARGETS), recorder_host)
    assert snapshot(recorder_host.home) == before
    assert not (recorder_host.state / integrate.MANIFEST_NAME).exists()


def test_uninstall_after_thunar_rewrote_uca_xml_keeps_the_users_actions(
    recorder_host: Host,
) -> None:
    _users_own_setup(recorder_host)
    integrate.install(["thunar"], recorder_host)
    uca = recorder_host.config_home / "Thunar" / "uca.xml"
    tree = ET.parse(uca)  # Thunar saves the file in its own layout
    tree.write(uca, encoding="UTF-8", xml_declaration=True)
    integrate.uninstall(["thunar"], recorder_host)
    actions = ET.parse(uca).getroot().findall("action")
    assert [a.findtext("name") for a in actions] == ["Open Terminal Here"]
    assert actions[0].findtext("command") == (
        "exo-open --working-directory %f --launch TerminalEmulator")


def test_invalid_uca_xml_is_refused_and_left_untouched(recorder_host: Host) -> None:
    uca = recorder_host.config_home / "Thunar" / "uca.xml"
    uca.parent.mkdir(parents=True)
    uca.write_text("<actions><action>", encoding="utf-8")
    with pytest.raises(IntegrationError, match="not valid XML"):
        integrate.install(["thunar"], recorder_host)
    assert uca.read_text(encoding="utf-8") == "<actions><action>"


def test_uninstalling_one_target_keeps_what_others_still_use(recorder_host: Host) -> None:
    integrate.install(["nemo", "desktop"], recorder_host)
    icon = recorder_host.data_home / "icons" / "hicolor" / "scalable" / "apps" / "presend.svg"
    integrate.uninstall(["nemo"], recorder_host)
    assert not (recorder_host.data_home / "nemo").exists()
    assert icon.is_file()
    assert integrate.installed_targets(recorder_host) == ("desktop",)
    integrate.uninstall(["desktop"], recorder_host)
    assert not (recorder_host.data_home / "icons").exists()


def test_uninstall_keeps_a_folder_the_user_put_files_in(recorder_host: Host) -> None:
    integrate.install(["nautilus"], recorder_host)
    scripts = recorder_host.data_home / "nautilus" / "scripts"
    (scripts / "my own script").write_text("#!/bin/sh\n", encoding="utf-8")
    integrate.uninstall(["nautilus"], recorder_host)
    assert sorted(p.name for p in scripts.iterdir()) == ["my own script"]


def test_dry_run_changes_nothing(recorder_host: Host) -> None:
    report = integrate.install(list(integrate.LINUX_TARGETS), recorder_host, dry_run=True)
    assert any("uca.xml" in line for line in report.actions)
    assert list(recorder_host.home.iterdir()) == []
    assert not recorder_host.state.exists()


def test_windows_target_is_refused_on_linux_unless_dry_run(recorder_host: Host) -> None:
    with pytest.raises(IntegrationError, match="--dry-run"):
        integrate.install(["windows"], recorder_host)
    report = integrate.install(["windows"], recorder_host, dry_run=True)
    assert any("CurrentVersion\\Run" in line for line in report.actions)


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (Debian: desktop-file-utils) is not installed")
def test_install_docs_fleet_autostart_entry_is_valid(tmp_path: Path) -> None:
    doc = (REPO / "docs" / "install.md").read_text(encoding="utf-8")
    start = doc.index("cat > /etc/xdg/autostart/presend.desktop <<'EOF'\n")
    body = doc[doc.index("\n", start) + 1: doc.index("\nEOF\n", start) + 1]
    path = tmp_path / "presend.desktop"
    path.write_text(body, encoding="utf-8")
    proc = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout
    argv = expand_desktop_exec(read_keyfile(path)["Desktop Entry"]["Exec"], [])
    assert argv[:2] == ["sh", "-c"] and argv[2].endswith("; exec presend tray")
    assert shlex.split(argv[2].split(";")[0])[:3] == ["presend", "integrate", "install"]


def test_a_users_own_file_at_presends_path_is_never_overwritten(recorder_host: Host) -> None:
    launcher = recorder_host.data_home / "applications" / "presend.desktop"
    launcher.parent.mkdir(parents=True)
    launcher.write_text("[Desktop Entry]\nType=Link\nName=Mine\nURL=https://x\n",
                        encoding="utf-8")
    with pytest.raises(IntegrationError, match="not presend's"):
        integrate.install(["desktop"], recorder_host)
    assert "Name=Mine" in launcher.read_text(encoding="utf-8")


def test_an_older_presend_autostart_entry_is_taken_over(recorder_host: Host) -> None:
    entry = recorder_host.config_home / "autostart" / "presend.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text("[Desktop Entry]\nType=Application\nName=presend\nExec=presend tray\n",
                     encoding="utf-8")
    integrate.install(["autostart"], recorder_host)
    assert "X-GNOME-Autostart-enabled=true" in entry.read_text(encoding="utf-8")
    integrate.uninstall(["autostart"], recorder_host)
    assert not entry.exists()


def test_reinstall_after_presend_moved_replaces_only_its_thunar_action(
    recorder_host: Host, tmp_path: Path
) -> None:
    _users_own_setup(recorder_host)
    original = (recorder_host.config_home / "Thunar" / "uca.xml").read_text(encoding="utf-8")
    integrate.install(["thunar"], recorder_host)
    moved = make_host(recorder_host.home, (str(tmp_path / "new place" / "presend"),))
    integrate.install(["thunar"], moved)
    uca = recorder_host.config_home / "Thunar" / "uca.xml"
    commands = [a.findtext("command") for a in ET.parse(uca).getroot().findall("action")]
    assert commands[0].startswith("exo-open")
    assert commands[1:] == [shlex.join([*moved.command, "check", "--"]) + " %F"]
    integrate.uninstall(["thunar"], moved)
    assert uca.read_text(encoding="utf-8") == original
