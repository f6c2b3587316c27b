"""Windows and macOS integration, tested as GENERATED FILES on this (Linux) machine.

Nothing here touches a registry, Explorer or Finder: the .reg text, the Send To PowerShell
script and the macOS plists are generated and checked for content and escaping. The
Windows command lines are split with the documented CommandLineToArgvW rules; the macOS
Quick Action's shell script is run by /bin/sh with the selection as arguments (which is
what Automator's "Run Shell Script, pass input as arguments" does).
"""

from __future__ import annotations

import base64
import plistlib
import subprocess
from pathlib import Path

import pytest

from app.services import integrate
from tests.app.test_integrate_linux import (
    make_host,
    run_recorded,
    tricky_files,
    write_argv_recorder,
)

WIN_EXE = "C:\\Program Files\\presend ü\\presend.exe"


def commandline_to_argv(line: str) -> list[str]:
    """CommandLineToArgvW / MS C runtime rules: whitespace separates; "..." groups;
    2n backslashes + quote -> n backslashes and a quote toggle; 2n+1 -> n and a literal
    quote; other backslashes are literal."""
    args: list[str] = []
    cur: list[str] = []
    in_quotes = started = False
    i = 0
    while i < len(line):
        c = line[i]
        if c == "\\":
            j = i
            while j < len(line) and line[j] == "\\":
                j += 1
            n = j - i
            if j < len(line) and line[j] == '"':
                cur.append("\\" * (n // 2))
                if n % 2:
                    cur.append('"')
                    i = j + 1
                else:
                    i = j
                started = True
                continue
            cur.append("\\" * n)
            i = j
            started = True
            continue
        if c == '"':
            in_quotes = not in_quotes
            started = True
        elif c in " \t" and not in_quotes:
            if started:
                args.append("".join(cur))
            cur, started = [], False
        else:
            cur.append(c)
            started = True
        i += 1
    if started:
        args.append("".join(cur))
    return args


@pytest.fixture
def win_host(tmp_path: Path) -> integrate.Host:
    return make_host(tmp_path / "home", (WIN_EXE,), platform="win32")


# ------------------------------------------------------------------ Windows (generated)


def test_reg_file_adds_the_verb_for_files_and_folders_and_the_run_key(win_host) -> None:
    text = integrate.windows_reg(win_host)
    assert text.startswith("Windows Registry Editor Version 5.00\n")
    keys = {v.key for v in integrate.parse_reg(text)}
    assert keys == {
        r"HKEY_CURRENT_USER\Software\Classes\*\shell\presend",
        r"HKEY_CURRENT_USER\Software\Classes\*\shell\presend\command",
        r"HKEY_CURRENT_USER\Software\Classes\Directory\shell\presend",
        r"HKEY_CURRENT_USER\Software\Classes\Directory\shell\presend\command",
        r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run",
    }
    assert all(k.startswith("HKEY_CURRENT_USER\\") for k in keys)  # per user, no admin


def test_reg_file_escapes_backslashes_and_quotes_in_the_command(win_host) -> None:
    text = integrate.windows_reg(win_host)
    # In .reg syntax every \ is doubled and every " inside the value is \".
    expected = '@="\\"C:\\\\Program Files\\\\presend ü\\\\presend.exe\\" check -- \\"%1\\""'
    assert expected in text
    assert '"presend"="\\"C:\\\\Program Files\\\\presend ü\\\\presend.exe\\" tray"' in text


def test_context_menu_command_gives_presend_the_clicked_path_as_one_argument(win_host) -> None:
    values = {(v.key, v.name): v.value for v in integrate.windows_registry_values(win_host)}
    command = values[(r"HKEY_CURRENT_USER\Software\Classes\*\shell\presend\command", "")]
    clicked = "C:\\Users\\Zoë O'Brien\\My files\\report 2024 (final) 100%.docx"
    argv = commandline_to_argv(command.replace("%1", clicked))
    assert argv == [WIN_EXE, "check", "--", clicked]
    folder_cmd = values[(r"HKEY_CURRENT_USER\Software\Classes\Directory\shell\presend\command",
                         "")]
    # Explorer gives folders without a trailing backslash (drive roots, which have one,
    # are Drive\shell: presend does not register there, so "%1" never ends in \").
    assert commandline_to_argv(folder_cmd.replace("%1", "D:\\A folder ü")) == [
        WIN_EXE, "check", "--", "D:\\A folder ü"]
    run = values[(r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run", "presend")]
    assert commandline_to_argv(run) == [WIN_EXE, "tray"]
    label = values[(r"HKEY_CURRENT_USER\Software\Classes\*\shell\presend", "")]
    assert label == "Check with presend"


def test_windows_arguments_with_quotes_and_trailing_backslashes_round_trip() -> None:
    tricky = ['C:\\dir with space\\', 'say "hi"', "back\\\\slash\\", ""]
    line = " ".join(integrate.windows_quote(a) for a in tricky)
    assert commandline_to_argv(line) == tricky


def test_uninstall_reg_deletes_only_presends_keys_and_run_value() -> None:
    text = integrate.windows_uninstall_reg()
    assert "[-HKEY_CURRENT_USER\\Software\\Classes\\*\\shell\\presend]" in text
    assert "[-HKEY_CURRENT_USER\\Software\\Classes\\Directory\\shell\\presend]" in text
    assert '"presend"=-' in text
    assert "[-HKEY_CURRENT_USER\\Software\\Microsoft" not in text  # never the whole Run key


def test_sendto_script_quotes_paths_for_powershell(tmp_path: Path) -> None:
    exe = "C:\\Users\\O'Brien\\presend\\presend.exe"
    host = make_host(tmp_path / "home", (exe,), platform="win32")
    script = integrate.sendto_script(host)
    assert "$link.TargetPath = 'C:\\Users\\O''Brien\\presend\\presend.exe'" in script
    assert "$link.Arguments = 'check --'" in script
    assert "Check with presend.lnk'" in script
    argv = integrate.encoded_powershell(script)
    assert argv[:2] == ["powershell.exe", "-NoProfile"]
    assert base64.b64decode(argv[-1]).decode("utf-16-le") == script


def test_windows_plan_lists_registry_values_and_the_send_to_shortcut(win_host) -> None:
    items = integrate.plan(["windows"], win_host)
    assert sum(isinstance(i, integrate.RegistryValue) for i in items) == 7
    (shortcut,) = [i for i in items if isinstance(i, integrate.Shortcut)]
    assert shortcut.path.parts[-4:] == ("Microsoft", "Windows", "SendTo",
                                        "Check with presend.lnk")
    autostart = integrate.plan(["autostart"], win_host)
    assert [(i.key, i.name) for i in autostart] == [(integrate.RUN_KEY, "presend")]


# ------------------------------------------------------------------ macOS (generated)


@pytest.fixture
def mac_host(tmp_path: Path) -> integrate.Host:
    exe = write_argv_recorder(tmp_path / "Applications" / "pre \"send\" it's ü.app")
    return make_host(tmp_path / "home", (str(exe),), platform="darwin")


def test_macos_install_writes_a_quick_action_and_a_launch_agent(mac_host) -> None:
    integrate.install(["macos"], mac_host)
    contents = mac_host.home / "Library" / "Services" / "Check with presend.workflow" / "Contents"
    info = plistlib.loads((contents / "Info.plist").read_bytes())
    (service,) = info["NSServices"]
    assert service["NSMenuItem"]["default"] == "Check with presend"
    assert service["NSMessage"] == "runWorkflowAsService"
    assert service["NSSendFileTypes"] == ["public.item"]
    assert service["NSRequiredContext"]["NSApplicationIdentifier"] == "com.apple.finder"

    wflow = plistlib.loads((contents / "document.wflow").read_bytes())
    (action,) = [a["action"] for a in wflow["actions"]]
    assert action["BundleIdentifier"] == "com.apple.RunShellScript"
    assert action["ActionParameters"]["inputMethod"] == 1  # pass input as arguments
    assert wflow["workflowMetaData"]["workflowTypeIdentifier"] == (
        "com.apple.Automator.servicesMenu")
    assert wflow["workflowMetaData"]["serviceInputTypeIdentifier"] == (
        "com.apple.Automator.fileSystemObject")

    agent = plistlib.loads((mac_host.home / "Library" / "LaunchAgents" /
                            "org.presend.tray.plist").read_bytes())
    assert agent["Label"] == "org.presend.tray"
    assert agent["ProgramArguments"] == [*mac_host.command, "tray"]
    assert agent["RunAtLoad"] is True


def test_quick_action_script_passes_finder_selection_unchanged(mac_host, tmp_path) -> None:
    integrate.install(["macos"], mac_host)
    wflow = plistlib.loads((mac_host.home / "Library" / "Services" /
                            "Check with presend.workflow" / "Contents" /
                            "document.wflow").read_bytes())
    script = wflow["actions"][0]["action"]["ActionParameters"]["COMMAND_STRING"]
    files = tricky_files(tmp_path / "Finder selection")
    argv = run_recorded(["/bin/sh", "-c", script, "sh", *files], tmp_path)
    assert argv == [*mac_host.command, "check", "--", *files]


def test_macos_uninstall_removes_everything_it_added(mac_host) -> None:
    (mac_host.home / "Library" / "LaunchAgents").mkdir(parents=True)
    integrate.install(["macos"], mac_host)
    integrate.uninstall(["macos"], mac_host)
    assert sorted(str(p.relative_to(mac_host.home)) for p in mac_host.home.rglob("*")) == [
        "Library", "Library/LaunchAgents"]


def test_plutil_free_plist_escaping_of_odd_command_paths(tmp_path: Path) -> None:
    host = make_host(tmp_path / "h", ("/Apps/a&b <c> \"d\".app/presend",), platform="darwin")
    agent = plistlib.loads(integrate.launch_agent_plist(host).encode("utf-8"))
    assert agent["ProgramArguments"] == ["/Apps/a&b <c> \"d\".app/presend", "tray"]
    proc = subprocess.run(["/bin/sh", "-n", "-c", integrate.quick_action_script(host)],
                          capture_output=True, timeout=10)
    assert proc.returncode == 0
