"""Notifications through the tray icon, with click-through to a callback."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QSystemTrayIcon

_ICONS = {
    "info": QSystemTrayIcon.MessageIcon.Information,
    "warning": QSystemTrayIcon.MessageIcon.Warning,
    "critical": QSystemTrayIcon.MessageIcon.Critical,
}


class TrayNotifier(QObject):
    """Shows one message at a time; a click on it runs that message's ``on_click``."""

    def __init__(self, tray: QSystemTrayIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tray = tray
        self._on_click: Callable[[], None] | None = None
        self.history: list[tuple[str, str]] = []  # (title, message): shown this session
        tray.messageClicked.connect(self._on_tray_message_clicked)

    def notify(
        self,
        title: str,
        message: str,
        level: str = "info",
        on_click: Callable[[], None] | None = None,
        msecs: int = 10_000,
    ) -> None:
        self._on_click = on_click
        self.history.append((title, message))
        del self.history[:-50]
        self._tray.showMessage(title, message, _ICONS.get(level, _ICONS["info"]), msecs)

    @Slot()
    def _on_tray_message_clicked(self) -> None:
        callback, self._on_click = self._on_click, None
        if callback is not None:
            callback()

    def click_last(self) -> None:
        """What a click on the last message does (for keyboard users and tests)."""
        self._on_tray_message_clicked()
