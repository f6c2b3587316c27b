"""`presend integrate` through the CLI, and the Settings window's autostart switch, in a
temporary HOME (HOME and XDG_* point into tmp_path)."""

from __future__ import annotations

import configparser
import json
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.services import autostart, integrate


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("HOME", str(h))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(h / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(h / ".local" / "share"))
    monkeypatch.setattr(sys, "platform", "linux")
    return h


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_cli_install_then_uninstall_round_trips_the_home_folder(home: Path, capsys) -> None:
    assert main(["integrate", "install"]) == 0
    out = capsys.readouterr().out
    assert "write " in out and "uca.xml" in out
    assert ".config/Thunar/uca.xml" in _files(home)
    assert ".local/share/nautilus/scripts/Check with presend" in _files(home)
    assert main(["integrate", "uninstall"]) == 0
    assert list(home.iterdir()) == []


def test_cli_dry_run_lists_and_writes_nothing(home: Path, capsys) -> None:
    assert main(["integrate", "install", "--dry-run", "--target", "nemo"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out and all(line.startswith("would ") for line in out)
    assert any(line.endswith("presend-check.nemo_action") for line in out)
    assert list(home.iterdir()) == []


def test_cli_second_install_says_nothing_changed(home: Path, capsys) -> None:
    assert main(["integrate", "install", "--target", "desktop"]) == 0
    capsys.readouterr()
    assert main(["integrate", "install", "--target", "desktop"]) == 0
    assert "nothing to change" in capsys.readouterr().out


def test_cli_refuses_a_target_for_another_os_in_one_line(home: Path, capsys) -> None:
    assert main(["integrate", "install", "--target", "macos"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--dry-run" in err[0]
    assert list(home.iterdir()) == []


def test_cli_rejects_unknown_target(home: Path, capsys) -> None:
    assert main(["integrate", "install", "--target", "finder"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_cli_without_action_says_what_to_run(home: Path, capsys) -> None:
    assert main(["integrate"]) == 2
    assert "presend integrate install" in capsys.readouterr().err


def test_manifest_lists_owners_and_never_file_contents(home: Path) -> None:
    assert main(["integrate", "install", "-q"]) == 0
    manifest = integrate.Host.current().state / integrate.MANIFEST_NAME
    data = json.loads(manifest.read_text(encoding="utf-8"))
    icon = [r for r in data["records"].values() if r["id"].endswith("presend.svg")]
    assert icon and icon[0]["owners"] == ["autostart", "desktop", "dolphin", "nemo", "thunar"]


# ------------------------------------------------------------------ Settings autostart


def test_settings_autostart_switch_writes_and_removes_the_xdg_entry(home: Path) -> None:
    assert autostart.is_enabled() is False
    autostart.set_enabled(True)
    path = autostart.autostart_file()
    assert path == home / ".config" / "autostart" / "presend.desktop"
    assert autostart.is_enabled() is True
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read_string(path.read_text(encoding="utf-8"))
    assert entry["Desktop Entry"]["Exec"].endswith(" tray")
    assert path.read_text(encoding="utf-8") == autostart.autostart_entry()
    autostart.set_enabled(False)
    assert autostart.is_enabled() is False
    assert list(home.iterdir()) == []


def test_settings_switch_and_integrate_autostart_share_one_file(home: Path) -> None:
    assert main(["integrate", "install", "--target", "autostart", "-q"]) == 0
    assert autostart.is_enabled() is True
    autostart.set_enabled(False)
    assert not autostart.autostart_file().exists()
    assert integrate.installed_targets(integrate.Host.current()) == ()


def test_settings_switch_off_also_stops_the_macos_launch_agent(home: Path,
                                                                monkeypatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert main(["integrate", "install", "--target", "macos", "-q"]) == 0
    agent = home / "Library" / "LaunchAgents" / "org.presend.tray.plist"
    assert autostart.autostart_file() == agent and autostart.is_enabled()
    autostart.set_enabled(False)
    assert not agent.exists()
    assert (home / "Library" / "Services" / "Check with presend.workflow").is_dir()


def test_presend_command_passes_arguments_on(monkeypatch, tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "python3"
    fake.parent.mkdir()
    fake.touch()
    monkeypatch.setattr(sys, "executable", str(fake))
    # no installed script next to the interpreter: `-m app.cli` (``-m app`` is tray-only)
    assert autostart.presend_command() == [str(fake), "-m", "app.cli"]
    (tmp_path / "bin" / "presend").touch()
    assert autostart.presend_command() == [str(tmp_path / "bin" / "presend")]


def test_frozen_app_inside_an_appimage_names_the_appimage(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/tmp/.mount_presendXYZ/usr/lib/presend/presend")
    monkeypatch.setenv("APPIMAGE", str(tmp_path / "presend-0.1.0-x86_64.AppImage"))
    assert autostart.presend_command() == [str(tmp_path / "presend-0.1.0-x86_64.AppImage")]
    monkeypatch.delenv("APPIMAGE")
    assert autostart.presend_command() == ["/tmp/.mount_presendXYZ/usr/lib/presend/presend"]
