"""The tray icon and its menu (rebuilt each time it opens, so it always tells the truth)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.ui.icons import state_icon

PAUSE_CHOICES = (("Pause for 15 minutes", 15 * 60), ("Pause for 1 hour", 60 * 60),
                 ("Pause until resumed", 0))


class TrayController(QObject):
    check_clipboard_requested = Signal()
    check_file_requested = Signal()
    settings_requested = Signal()
    recent_requested = Signal()
    policy_status_requested = Signal()
    open_log_requested = Signal()
    about_requested = Signal()
    quit_requested = Signal()
    pause_changed = Signal(bool)

    def __init__(
        self,
        status: Callable[[], tuple[str, tuple[str, ...]]],
        *,
        may_pause: Callable[[], bool] = lambda: True,
        may_quit: Callable[[], bool] = lambda: True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._status = status  # () -> (state, problems)
        self._may_pause = may_pause
        self._may_quit = may_quit
        self.paused = False
        self.alert: str | None = None
        self.tray = QSystemTrayIcon(self)
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self._on_menu_about_to_show)
        self.tray.setContextMenu(self.menu)
        self._pause_timer = QTimer(self)
        self._pause_timer.setSingleShot(True)
        self._pause_timer.timeout.connect(self._on_pause_timer_timeout)
        self.refresh()
        self._build_menu()
        self.refresh()

    # -- state ------------------------------------------------------------------------
    def state(self) -> str:
        base, _problems = self._status()
        if self.paused:
            return "paused"
        if base == "degraded":
            return "degraded"
        if self.alert:
            return "alert"
        return "active"

    def tooltip(self) -> str:
        base, problems = self._status()
        state = self.state()
        if state == "paused":
            return "presend is paused: nothing is being checked"
        if state == "degraded":
            return "presend is running with a problem: " + "; ".join(problems)
        if state == "alert":
            return f"presend: {self.alert}"
        return "presend is guarding your clipboard and watched folders"

    def refresh(self) -> None:
        self.tray.setIcon(state_icon(self.state()))
        self.tray.setToolTip(self.tooltip())

    def set_alert(self, message: str | None) -> None:
        self.alert = message
        self.refresh()

    # -- pause ----------------------------------------------------------------------
    def pause(self, seconds: int) -> bool:
        if not self._may_pause():
            return False
        self.paused = True
        if seconds:
            self._pause_timer.start(seconds * 1000)
        else:
            self._pause_timer.stop()
        self.refresh()
        self.pause_changed.emit(True)
        return True

    def resume(self) -> None:
        self._pause_timer.stop()
        self.paused = False
        self.refresh()
        self.pause_changed.emit(False)

    @Slot()
    def _on_pause_timer_timeout(self) -> None:
        self.resume()

    # -- menu -----------------------------------------------------------------------
    @Slot()
    def _on_menu_about_to_show(self) -> None:
        self._build_menu()

    def _build_menu(self) -> None:
        m = self.menu
        m.clear()
        status = m.addAction(self.tooltip())
        status.setEnabled(False)
        m.addSeparator()
        if self.paused:
            self._action(m, "Resume checking", self.resume)
        else:
            pause_menu = m.addMenu("Pause")
            allowed = self._may_pause()
            pause_menu.setEnabled(allowed)
            if not allowed:
                pause_menu.setTitle("Pause (not allowed by your organisation)")
            for label, seconds in PAUSE_CHOICES:
                self._action(pause_menu, label, lambda s=seconds: self.pause(s))
        m.addSeparator()
        self._action(m, "Check clipboard now", self.check_clipboard_requested.emit)
        self._action(m, "Check a file…", self.check_file_requested.emit)
        self._action(m, "Watched folders…", self.settings_requested.emit)
        self._action(m, "Recent findings", self.recent_requested.emit)
        self._action(m, "Policy status", self.policy_status_requested.emit)
        self._action(m, "Open audit log", self.open_log_requested.emit)
        m.addSeparator()
        self._action(m, "About presend", self.about_requested.emit)
        if self._may_quit():
            self._action(m, "Quit", self.quit_requested.emit)

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object]) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def action_texts(self) -> list[str]:
        self._build_menu()
        return [a.text() for a in self.menu.actions() if a.text()]

    def find_action(self, text: str) -> QAction | None:
        for a in self.menu.actions():
            if a.text() == text:
                return a
            sub = a.menu()
            if sub is not None:
                for b in sub.actions():
                    if b.text() == text:
                        return b
        return None
