"""Right-click "Check with presend" and start-at-login, per user, for every desktop.

Qt-free. ``plan(targets, host)`` turns the templates in ``resources/integration`` into the
files (and, on Windows, registry values and a Send To shortcut) each target needs;
``install`` writes them and ``uninstall`` removes exactly what ``install`` added. A
manifest in the user's state folder (``integration.json``) records every file, folder and
registry value presend added and which targets own it, so that:

- install is idempotent (the same files twice; the manifest does not grow);
- uninstall of one target leaves what another target still uses (the shared icon);
- folders presend created are removed again when they are empty, and no others;
- Thunar's ``uca.xml`` is merged: presend's ``<action>`` is inserted next to the user's
  own actions and uninstall takes out only that action (byte for byte when Thunar has not
  rewritten the file since).

Command lines are quoted for the way each file manager passes paths on:

=========  ==============================================================================
Nautilus   a shell script; the selection arrives in NAUTILUS_SCRIPT_SELECTED_FILE_PATHS
           (one per line) or as arguments; the script passes it on as "$@".
desktop,   Desktop Entry ``Exec=`` quoting (double quotes; backslash before ``" ` $ \\``)
Dolphin    under key-file escaping; ``%F`` expands to one argument per file.
Nemo       ``Exec=`` is split by g_shell_parse_argv after Nemo inserts the paths with
           quotes backslash-escaped and, with ``EscapeSpaces=true``, spaces too.
Thunar     ``<command>``: ``%F`` becomes g_shell_quote'd paths, then g_shell_parse_argv.
Windows    ``"exe" check -- "%1"`` (Windows file names cannot hold ``"``), in a .reg file
           with ``\\`` and ``\"`` escaped.
macOS      a Run Shell Script action (input as arguments) running ``exec 'exe' check -- "$@"``.
=========  ==============================================================================

Errors raise ``IntegrationError`` with one line that says what to do; messages name
files, never their content.
"""

from __future__ import annotations

import base64
import json
import os
import shlex
import string
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

LINUX_TARGETS = ("nautilus", "dolphin", "nemo", "thunar", "desktop", "autostart")
TARGETS = (*LINUX_TARGETS, "windows", "macos")
MENU_NAME = "Check with presend"
DESKTOP_ID = "presend"
THUNAR_UNIQUE_ID = "presend-check-with-presend"
LAUNCH_AGENT_LABEL = "org.presend.tray"
MANIFEST_NAME = "integration.json"
RUN_KEY = r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run"
SHELL_KEYS = (
    r"HKEY_CURRENT_USER\Software\Classes\*\shell\presend",
    r"HKEY_CURRENT_USER\Software\Classes\Directory\shell\presend",
)


class IntegrationError(Exception):
    """An integration step failed; the message is one line saying what to do."""


# --------------------------------------------------------------------------- host


@dataclass(frozen=True)
class Host:
    """Where the current user's integration files go, and how to start presend."""

    platform: str  # "linux" | "darwin" | "win32"
    home: Path
    config_home: Path  # $XDG_CONFIG_HOME
    data_home: Path  # $XDG_DATA_HOME
    appdata: Path  # %APPDATA% (Windows Send To)
    state: Path  # the manifest's folder
    command: tuple[str, ...]  # argv that runs `presend`

    @classmethod
    def current(
        cls, environ: Mapping[str, str] | None = None, platform: str | None = None
    ) -> Host:
        from app.paths import app_paths
        from app.services.autostart import presend_command

        env = os.environ if environ is None else environ
        home = Path(env.get("HOME") or env.get("USERPROFILE") or Path.home())
        plat = platform or sys.platform
        if plat.startswith("linux") or plat.startswith("freebsd"):
            plat = "linux"
        return cls(
            platform=plat,
            home=home,
            config_home=Path(env.get("XDG_CONFIG_HOME") or home / ".config"),
            data_home=Path(env.get("XDG_DATA_HOME") or home / ".local" / "share"),
            appdata=Path(env.get("APPDATA") or home / "AppData" / "Roaming"),
            state=app_paths(dict(env)).state,
            command=tuple(presend_command()),
        )


def default_targets(platform: str) -> tuple[str, ...]:
    if platform == "win32":
        return ("windows",)
    if platform == "darwin":
        return ("macos",)
    return LINUX_TARGETS


def supported_targets(platform: str) -> tuple[str, ...]:
    """Targets that install on this OS (``autostart`` exists on every OS)."""
    if platform == "win32":
        return ("windows", "autostart")
    if platform == "darwin":
        return ("macos", "autostart")
    return LINUX_TARGETS


# --------------------------------------------------------------------------- quoting


_DESKTOP_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def desktop_quote(arg: str) -> str:
    """One argument for a Desktop Entry ``Exec=`` line (before key-file escaping)."""
    arg = arg.replace("%", "%%")
    if arg and not (_DESKTOP_RESERVED & set(arg)):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def keyfile_escape(value: str) -> str:
    """A string value for a key file (.desktop, .nemo_action): ``\\`` and controls escaped."""
    out = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    out = out.replace("\r", "\\r")
    if out.startswith(" "):
        out = "\\s" + out[1:]
    return out


def desktop_exec(args: Sequence[str], field_code: str | None = None) -> str:
    """An escaped ``Exec=`` value: the quoted arguments, then an optional ``%F``-style code."""
    line = " ".join(desktop_quote(a) for a in args)
    if field_code:
        line += " " + field_code
    return keyfile_escape(line)


def shell_join(args: Sequence[str]) -> str:
    """POSIX shell quoting (also what g_shell_parse_argv reads)."""
    return " ".join(shlex.quote(a) for a in args)


def windows_quote(arg: str) -> str:
    """One argument as CommandLineToArgvW reads it back (the MS C runtime rules)."""
    return subprocess.list2cmdline([arg]) if arg else '""'


def reg_string(value: str) -> str:
    """A string for a .reg file's ``"..."``: backslashes and quotes escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _xml(value: str) -> str:
    return xml_escape(value, {'"': "&quot;", "'": "&apos;"})


# --------------------------------------------------------------------------- templates


def templates_dir() -> Path:
    """resources/integration: shipped with the package (and inside the frozen app)."""
    from importlib import resources

    candidate = Path(str(resources.files("resources") / "integration"))
    if candidate.is_dir():
        return candidate
    raise IntegrationError(
        "presend's integration templates are missing (resources/integration); reinstall presend"
    )


def render(name: str, **values: str) -> str:
    text = (templates_dir() / name).read_text(encoding="utf-8")
    return string.Template(text).substitute(values)


def icon_source() -> Path:
    meipass = getattr(sys, "_MEIPASS", None)
    root = Path(meipass) if meipass else Path(__file__).resolve().parents[2]
    return root / "resources" / "icons" / "presend.svg"


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class PlannedFile:
    target: str
    path: Path
    content: bytes = field(repr=False)
    executable: bool = False


@dataclass(frozen=True)
class ThunarAction:
    target: str
    path: Path  # uca.xml
    block: str = field(repr=False)  # one <action> element, as text


@dataclass(frozen=True)
class RegistryValue:
    target: str
    key: str  # full key, HKEY_CURRENT_USER\...
    name: str  # "" is the key's default value
    value: str


@dataclass(frozen=True)
class Shortcut:
    target: str
    path: Path  # the .lnk
    script: str = field(repr=False)  # PowerShell that creates it


Item = PlannedFile | ThunarAction | RegistryValue | Shortcut


def plan(targets: Iterable[str], host: Host) -> list[Item]:
    items: list[Item] = []
    for target in targets:
        if target not in TARGETS:
            raise IntegrationError(
                f"unknown target {target!r}; choose from {', '.join(TARGETS)}"
            )
        items.extend(_PLANNERS[target](host))
    return items


def _icon_path(host: Host) -> Path:
    return host.data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg"


def _icon_items(target: str, host: Host) -> list[Item]:
    return [PlannedFile(target, _icon_path(host), icon_source().read_bytes())]


def _check_args(host: Host) -> list[str]:
    return [*host.command, "check", "--"]


def _plan_nautilus(host: Host) -> list[Item]:
    path = host.data_home / "nautilus" / "scripts" / MENU_NAME
    text = render("linux/nautilus-script.sh", command=shell_join(host.command))
    return [PlannedFile("nautilus", path, text.encode("utf-8"), executable=True)]


def _plan_dolphin(host: Host) -> list[Item]:
    path = host.data_home / "kio" / "servicemenus" / f"{DESKTOP_ID}-check.desktop"
    text = render(
        "linux/dolphin-servicemenu.desktop",
        icon=DESKTOP_ID,
        exec_check=desktop_exec(_check_args(host), "%F"),
    )
    return [*_icon_items("dolphin", host),
            PlannedFile("dolphin", path, text.encode("utf-8"), executable=True)]


def _plan_nemo(host: Host) -> list[Item]:
    path = host.data_home / "nemo" / "actions" / f"{DESKTOP_ID}-check.nemo_action"
    text = render(
        "linux/presend.nemo_action",
        icon=DESKTOP_ID,
        exec_check=keyfile_escape(shell_join(_check_args(host)) + " %F"),
    )
    return [*_icon_items("nemo", host), PlannedFile("nemo", path, text.encode("utf-8"))]


def thunar_block(host: Host) -> str:
    command = shell_join(_check_args(host)) + " %F"
    return render(
        "linux/thunar-action.xml",
        icon=_xml(DESKTOP_ID),
        unique_id=_xml(THUNAR_UNIQUE_ID),
        command=_xml(command),
    )


def _plan_thunar(host: Host) -> list[Item]:
    path = host.config_home / "Thunar" / "uca.xml"
    return [*_icon_items("thunar", host), ThunarAction("thunar", path, thunar_block(host))]


def _plan_desktop(host: Host) -> list[Item]:
    path = host.data_home / "applications" / f"{DESKTOP_ID}.desktop"
    text = render(
        "linux/presend.desktop", icon=DESKTOP_ID, exec_tray=desktop_exec([*host.command, "tray"])
    )
    return [*_icon_items("desktop", host), PlannedFile("desktop", path, text.encode("utf-8"))]


def linux_autostart_file(host: Host) -> Path:
    return host.config_home / "autostart" / f"{DESKTOP_ID}.desktop"


def linux_autostart_entry(host: Host) -> str:
    return render(
        "linux/presend-autostart.desktop",
        icon=DESKTOP_ID,
        exec_tray=desktop_exec([*host.command, "tray"]),
    )


def launch_agent_file(host: Host) -> Path:
    return host.home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


def launch_agent_plist(host: Host) -> str:
    args = "\n".join(f"\t\t<string>{_xml(a)}</string>" for a in [*host.command, "tray"])
    return render("macos/launchagent.plist", label=_xml(LAUNCH_AGENT_LABEL),
                  program_arguments=args)


def _plan_autostart(host: Host) -> list[Item]:
    if host.platform == "darwin":
        return [PlannedFile("autostart", launch_agent_file(host),
                            launch_agent_plist(host).encode("utf-8"))]
    if host.platform == "win32":
        return [v for v in windows_registry_values(host, "autostart") if v.key == RUN_KEY]
    return [*_icon_items("autostart", host),
            PlannedFile("autostart", linux_autostart_file(host),
                        linux_autostart_entry(host).encode("utf-8"))]


# macOS ---------------------------------------------------------------------------


def quick_action_dir(host: Host) -> Path:
    return host.home / "Library" / "Services" / f"{MENU_NAME}.workflow"


def quick_action_script(host: Host) -> str:
    return f'exec {shell_join(_check_args(host))} "$@"\n'


def _plan_macos(host: Host) -> list[Item]:
    contents = quick_action_dir(host) / "Contents"
    info = render("macos/quickaction-Info.plist", menu_name=_xml(MENU_NAME))
    wflow = render("macos/quickaction-document.wflow",
                   command_string=_xml(quick_action_script(host)))
    return [
        PlannedFile("macos", contents / "Info.plist", info.encode("utf-8")),
        PlannedFile("macos", contents / "document.wflow", wflow.encode("utf-8")),
        PlannedFile("macos", launch_agent_file(host), launch_agent_plist(host).encode("utf-8")),
    ]


# Windows -------------------------------------------------------------------------


def windows_gui_command(host: Host) -> tuple[str, ...]:
    """The windowless twin (presendw.exe / pythonw.exe) when there is one: no console
    window flashes up on a right-click or at login."""
    if not host.command:
        return host.command
    exe = host.command[0]
    lowered = exe.lower()
    for console, gui in (("presend.exe", "presendw.exe"), ("python.exe", "pythonw.exe")):
        if lowered.endswith(console):
            candidate = exe[: -len(console)] + gui
            if host.platform != "win32" or Path(candidate).exists():
                return (candidate, *host.command[1:])
    return host.command


def windows_command_line(args: Sequence[str], placeholder: str | None = None) -> str:
    line = " ".join(windows_quote(a) for a in args)
    if placeholder:
        line += f' "{placeholder}"'
    return line


def windows_reg(host: Host) -> str:
    """The .reg file equivalent of the registry values the windows target sets."""
    command = windows_gui_command(host)
    icon = f"{command[0]},0" if command else ""
    return render(
        "windows/presend.reg",
        menu_name=reg_string(MENU_NAME),
        icon=reg_string(icon),
        check_command=reg_string(windows_command_line([*command, "check", "--"], "%1")),
        tray_command=reg_string(windows_command_line([*command, "tray"])),
    )


def windows_uninstall_reg() -> str:
    return (templates_dir() / "windows" / "presend-uninstall.reg").read_text(encoding="utf-8")


def parse_reg(text: str, target: str = "windows") -> list[RegistryValue]:
    """String values of a .reg file (the subset presend writes: REG_SZ, ``@`` defaults)."""
    values: list[RegistryValue] = []
    key = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("Windows Registry Editor"):
            continue
        if line.startswith("[") and line.endswith("]"):
            key = line[1:-1]
            continue
        name_part, sep, value_part = line.partition("=")
        if not sep or not key:
            raise IntegrationError("unexpected line in the registry template; reinstall presend")
        name = "" if name_part == "@" else _reg_unquote(name_part)
        values.append(RegistryValue(target, key, name, _reg_unquote(value_part)))
    return values


def _reg_unquote(token: str) -> str:
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise IntegrationError("unexpected value in the registry template; reinstall presend")
    out, i, body = [], 0, token[1:-1]
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(body[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def windows_registry_values(host: Host, target: str = "windows") -> list[RegistryValue]:
    return parse_reg(windows_reg(host), target)


def _ps_quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sendto_file(host: Host) -> Path:
    return host.appdata / "Microsoft" / "Windows" / "SendTo" / f"{MENU_NAME}.lnk"


def sendto_script(host: Host) -> str:
    """PowerShell that creates the Send To shortcut: target presend(w).exe, arguments
    ``check --`` (Explorer appends the quoted paths of the files sent)."""
    command = windows_gui_command(host)
    args = windows_command_line([*command[1:], "check", "--"])
    return render(
        "windows/sendto.ps1",
        link_path=_ps_quote(str(sendto_file(host))),
        target_path=_ps_quote(command[0] if command else ""),
        arguments=_ps_quote(args),
        icon_location=_ps_quote(f"{command[0]},0" if command else ""),
        description=_ps_quote("Check the files for secrets and personal data with presend"),
    )


def encoded_powershell(script: str) -> list[str]:
    data = base64.b64encode(script.encode("utf-16-le")).decode("ascii")
    return ["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
            "-EncodedCommand", data]


def _plan_windows(host: Host) -> list[Item]:
    return [*windows_registry_values(host, "windows"),
            Shortcut("windows", sendto_file(host), sendto_script(host))]


_PLANNERS = {
    "nautilus": _plan_nautilus,
    "dolphin": _plan_dolphin,
    "nemo": _plan_nemo,
    "thunar": _plan_thunar,
    "desktop": _plan_desktop,
    "autostart": _plan_autostart,
    "windows": _plan_windows,
    "macos": _plan_macos,
}


def describe(item: Item) -> str:
    if isinstance(item, PlannedFile):
        mode = " (executable)" if item.executable else ""
        return f"write {item.path}{mode}"
    if isinstance(item, ThunarAction):
        return f"merge the '{MENU_NAME}' action into {item.path}"
    if isinstance(item, RegistryValue):
        return f"set {item.key} [{item.name or '(default)'}] = {item.value}"
    return f"create shortcut {item.path}"


# --------------------------------------------------------------------------- manifest


@dataclass
class Manifest:
    """What presend added, by kind and identity, with the targets that own each record."""

    path: Path
    records: dict[str, dict[str, object]]

    @classmethod
    def load(cls, state: Path) -> Manifest:
        path = state / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            records = dict(data.get("records", {}))
        except FileNotFoundError:
            records = {}
        except (OSError, ValueError, AttributeError):
            raise IntegrationError(
                f"cannot read {path}; delete it and run `presend integrate install` again"
            ) from None
        return cls(path, records)

    def save(self) -> None:
        if not self.records:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"version": 1, "records": self.records}, indent=1,
                                  sort_keys=True, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)

    def add(self, kind: str, ident: str, target: str, **extra: object) -> dict[str, object]:
        key = f"{kind}:{ident}"
        record = self.records.setdefault(key, {"kind": kind, "id": ident, "owners": []})
        owners = record["owners"]
        assert isinstance(owners, list)
        if target not in owners:
            owners.append(target)
            owners.sort()
        for name, value in extra.items():
            record.setdefault(name, value)
        return record

    def owned_by(self, kind: str, ident: str) -> list[str]:
        record = self.records.get(f"{kind}:{ident}")
        return list(record["owners"]) if record else []  # type: ignore[arg-type]

    def release(self, targets: Iterable[str]) -> list[dict[str, object]]:
        """Drop ``targets`` as owners; return the records nobody owns any more."""
        gone = set(targets)
        orphans = []
        for record in self.records.values():
            owners = [o for o in record["owners"] if o not in gone]  # type: ignore[attr-defined]
            if owners != record["owners"]:
                record["owners"] = owners
                if not owners:
                    orphans.append(record)
        return orphans

    def forget(self, record: Mapping[str, object]) -> None:
        self.records.pop(f"{record['kind']}:{record['id']}", None)


# --------------------------------------------------------------------------- install


@dataclass(frozen=True)
class Report:
    actions: tuple[str, ...]  # one line per change made (or, dry run, to be made)


def install(targets: Sequence[str], host: Host, dry_run: bool = False) -> Report:
    _check_supported(targets, host, dry_run)
    items = plan(targets, host)
    if dry_run:
        return Report(tuple(dict.fromkeys(describe(i) for i in items)))
    manifest = Manifest.load(host.state)
    done: list[str] = []
    try:
        for item in items:
            if isinstance(item, PlannedFile):
                if _write_file(item, manifest):
                    done.append(describe(item))
            elif isinstance(item, ThunarAction):
                if _merge_thunar(item, manifest):
                    done.append(describe(item))
            elif isinstance(item, RegistryValue):
                _set_registry(item, manifest)
                done.append(describe(item))
            else:
                _create_shortcut(item, manifest)
                done.append(describe(item))
    finally:
        manifest.save()
    return Report(tuple(dict.fromkeys(done)))


def _check_supported(targets: Sequence[str], host: Host, dry_run: bool) -> None:
    for target in targets:
        if target not in TARGETS:
            raise IntegrationError(f"unknown target {target!r}; choose from {', '.join(TARGETS)}")
        if not dry_run and target not in supported_targets(host.platform):
            raise IntegrationError(
                f"the {target} target does not install on this system; use --dry-run to see "
                "what it would write"
            )


def _make_dirs(folder: Path, target: str, manifest: Manifest) -> None:
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for created in reversed(missing):
        created.mkdir()
    for parent in [folder, *folder.parents]:
        if manifest.owned_by("dir", str(parent)) or parent in missing:
            manifest.add("dir", str(parent), target)


def _write_file(item: PlannedFile, manifest: Manifest) -> bool:
    _make_dirs(item.path.parent, item.target, manifest)
    mode = 0o755 if item.executable else 0o644
    changed = True
    try:
        existing = item.path.read_bytes()
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise IntegrationError(f"cannot read {item.path}: {exc.strerror}") from None
    if existing is not None:
        changed = existing != item.content
        ours = manifest.owned_by("file", str(item.path)) or b"presend" in existing.lower()
        if changed and not ours:
            raise IntegrationError(
                f"{item.path} exists and is not presend's; move it away and run again"
            )
    try:
        if changed:
            tmp = item.path.with_name(item.path.name + ".presend-tmp")
            tmp.write_bytes(item.content)
            os.chmod(tmp, mode)
            os.replace(tmp, item.path)
        elif (item.path.stat().st_mode & 0o777) != mode:
            os.chmod(item.path, mode)
            changed = True
    except OSError as exc:
        raise IntegrationError(f"cannot write {item.path}: {exc.strerror}") from None
    manifest.add("file", str(item.path), item.target)
    return changed


# Thunar ----------------------------------------------------------------------------

_UCA_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _merge_thunar(item: ThunarAction, manifest: Manifest) -> bool:
    path = item.path
    try:
        text: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = None
    except (OSError, UnicodeDecodeError):
        raise IntegrationError(f"cannot read {path}; check its permissions and encoding") from None
    if text is None:
        _make_dirs(path.parent, item.target, manifest)
        new = f"{_UCA_HEADER}<actions>\n{item.block}</actions>\n"
        created = True
    else:
        if item.block in text:
            _parse_uca(text, path)
            manifest.add("thunar", str(path), item.target, created_file=False)
            return False
        if _has_our_action(text, path):  # an older presend's action: replace it
            record = manifest.records.get(f"thunar:{path}", {})
            old_block = record.get("block")
            text = _remove_thunar_action(text, path, str(old_block) if old_block else None)
        new = _insert_block(text, item.block, path)
        created = False
    _parse_uca(new, path)
    _atomic_write(path, new)
    record = manifest.add("thunar", str(path), item.target, created_file=created)
    record["block"] = item.block
    return True


def _parse_uca(text: str, path: Path) -> ET.Element:
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError:
        raise IntegrationError(
            f"{path} is not valid XML; fix or move it, then run the command again"
        ) from None
    if root.tag != "actions":
        raise IntegrationError(f"{path} is not a Thunar actions file; move it and try again")
    return root


def _has_our_action(text: str, path: Path) -> bool:
    root = _parse_uca(text, path)
    return any((a.findtext("unique-id") or "") == THUNAR_UNIQUE_ID for a in root.iter("action"))


def _insert_block(text: str, block: str, path: Path) -> str:
    _parse_uca(text, path)
    end = text.rfind("</actions>")
    if end >= 0:
        before = text[:end]
        if before and not before.endswith("\n"):
            before += "\n"
        return before + block + text[end:]
    empty = text.rfind("<actions/>")
    if empty < 0:
        empty = text.rfind("<actions />")
    if empty < 0:
        raise IntegrationError(f"{path} has no <actions> element; move it and try again")
    close = text.index(">", empty) + 1
    return text[:empty] + "<actions>\n" + block + "</actions>" + text[close:]


def _remove_thunar_action(text: str, path: Path, block: str | None) -> str:
    """Take presend's action out: byte for byte when the inserted block is still there,
    else through the XML tree (Thunar rewrote the file)."""
    if block and block in text:
        return text.replace(block, "", 1)
    root = _parse_uca(text, path)
    removed = False
    for action in list(root.findall("action")):
        if (action.findtext("unique-id") or "") == THUNAR_UNIQUE_ID:
            root.remove(action)
            removed = True
    if not removed:
        return text
    body = ET.tostring(root, encoding="unicode")
    return _UCA_HEADER + body + "\n"


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".presend-tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except OSError as exc:
        raise IntegrationError(f"cannot write {path}: {exc.strerror}") from None


# Windows ---------------------------------------------------------------------------


def _split_hkcu(key: str) -> str:
    prefix = "HKEY_CURRENT_USER\\"
    if not key.startswith(prefix):
        raise IntegrationError("presend only writes under HKEY_CURRENT_USER; reinstall presend")
    return key[len(prefix):]


def _set_registry(item: RegistryValue, manifest: Manifest) -> None:  # pragma: no cover
    import winreg  # type: ignore[import-not-found]

    sub = _split_hkcu(item.key)
    existed = True
    try:
        winreg.CloseKey(winreg.OpenKey(winreg.HKEY_CURRENT_USER, sub))
    except OSError:
        existed = False
    try:
        with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, sub, 0, winreg.KEY_SET_VALUE) as k:
            winreg.SetValueEx(k, item.name or None, 0, winreg.REG_SZ, item.value)
    except OSError as exc:
        raise IntegrationError(f"cannot write registry key {item.key}: {exc.strerror}") from None
    if not existed or manifest.owned_by("regkey", item.key):
        manifest.add("regkey", item.key, item.target)
    manifest.add("regvalue", f"{item.key}|{item.name}", item.target)


def _create_shortcut(item: Shortcut, manifest: Manifest) -> None:  # pragma: no cover
    _make_dirs(item.path.parent, item.target, manifest)
    try:
        subprocess.run(encoded_powershell(item.script), check=True, capture_output=True,
                       timeout=60)
    except (OSError, subprocess.SubprocessError):
        raise IntegrationError(
            f"could not create the Send To shortcut {item.path.name}; run again, or skip it"
        ) from None
    manifest.add("file", str(item.path), item.target)


def _delete_registry(record: Mapping[str, object]) -> None:  # pragma: no cover
    import winreg  # type: ignore[import-not-found]

    ident = str(record["id"])
    if record["kind"] == "regvalue":
        key, _, name = ident.rpartition("|")
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, _split_hkcu(key), 0,
                                winreg.KEY_SET_VALUE) as k:
                winreg.DeleteValue(k, name or None)
        except FileNotFoundError:
            pass
        return
    try:
        winreg.DeleteKey(winreg.HKEY_CURRENT_USER, _split_hkcu(ident))
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise IntegrationError(f"cannot remove registry key {ident}: {exc.strerror}") from None


# --------------------------------------------------------------------------- uninstall


def uninstall(targets: Sequence[str], host: Host, dry_run: bool = False) -> Report:
    for target in targets:
        if target not in TARGETS:
            raise IntegrationError(f"unknown target {target!r}; choose from {', '.join(TARGETS)}")
    manifest = Manifest.load(host.state)
    if dry_run:
        names = set(targets)
        lines = []
        for record in manifest.records.values():
            owners = set(record["owners"])  # type: ignore[call-overload]
            if owners and owners <= names:
                lines.append(_describe_removal(record, dry_run=True))
        return Report(tuple(lines))
    orphans = manifest.release(targets)
    done: list[str] = []
    try:
        # Files and registry values first, then keys and folders, deepest first.
        order = {"file": 0, "thunar": 0, "regvalue": 0, "regkey": 1, "dir": 2}
        orphans.sort(key=lambda r: (order.get(str(r["kind"]), 3), -len(str(r["id"]))))
        for record in orphans:
            if _remove(record, done):
                manifest.forget(record)
    finally:
        manifest.save()
    return Report(tuple(done))


def _describe_removal(record: Mapping[str, object], dry_run: bool = False) -> str:
    kind, ident = record["kind"], record["id"]
    if kind == "thunar":
        return f"remove the '{MENU_NAME}' action from {ident}"
    if kind == "dir":
        return f"remove folder {ident}" + (" (if empty)" if dry_run else "")
    if kind in ("regvalue", "regkey"):
        return f"delete registry {'value' if kind == 'regvalue' else 'key'} {ident}"
    return f"remove {ident}"


def _remove(record: Mapping[str, object], done: list[str]) -> bool:
    """Undo one record; False keeps it in the manifest (a folder that is not empty)."""
    kind, path = record["kind"], Path(str(record["id"]))
    if kind == "file":
        try:
            path.unlink()
            done.append(_describe_removal(record))
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise IntegrationError(f"cannot remove {path}: {exc.strerror}") from None
        return True
    if kind == "dir":
        try:
            path.rmdir()
            done.append(_describe_removal(record))
        except FileNotFoundError:
            pass
        except OSError:
            return not path.exists()  # not empty: the user's files live there now
        return True
    if kind == "thunar":
        _unmerge_thunar(path, record)
        done.append(_describe_removal(record))
        return True
    _delete_registry(record)  # pragma: no cover - Windows only
    done.append(_describe_removal(record))  # pragma: no cover
    return True  # pragma: no cover


def _unmerge_thunar(path: Path, record: Mapping[str, object]) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError):
        raise IntegrationError(f"cannot read {path}; check its permissions") from None
    block = record.get("block")
    new = _remove_thunar_action(text, path, str(block) if block else None)
    if record.get("created_file") and not list(_parse_uca(new, path).iter("action")):
        path.unlink()
        return
    if new != text:
        _atomic_write(path, new)


def disable_autostart(host: Host) -> Report:
    """Stop starting at login even when a wider target (macos, windows) also added it."""
    report = uninstall(["autostart"], host)
    items = [i for i in _plan_autostart(host) if not isinstance(i, PlannedFile)
             or i.path != _icon_path(host)]
    manifest = Manifest.load(host.state)
    done = list(report.actions)
    try:
        for item in items:
            if isinstance(item, PlannedFile):
                record = {"kind": "file", "id": str(item.path)}
            else:
                assert isinstance(item, RegistryValue)
                record = {"kind": "regvalue", "id": f"{item.key}|{item.name}"}
            if isinstance(item, PlannedFile) and not item.path.exists():
                manifest.forget(record)
                continue
            _remove(record, done)
            manifest.forget(record)
    finally:
        manifest.save()
    return Report(tuple(done))


def installed_targets(host: Host) -> tuple[str, ...]:
    manifest = Manifest.load(host.state)
    owners: set[str] = set()
    for record in manifest.records.values():
        if record["kind"] != "dir":
            owners.update(record["owners"])  # type: ignore[call-overload]
    return tuple(t for t in TARGETS if t in owners)


__all__ = [
    "LINUX_TARGETS", "TARGETS", "Host", "IntegrationError", "Report", "default_targets",
    "desktop_exec", "disable_autostart", "install", "installed_targets", "plan", "supported_targets", "uninstall",
]
