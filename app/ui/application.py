"""The tray app's composition root: wires the runtime, tray, clipboard guard, folder
watcher, notifications and windows. ``run_tray()`` is what `presend tray` runs."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QProgressDialog,
    QSystemTrayIcon,
    QWidget,
)

from app.paths import AppPaths, app_paths
from app.services.file_actions import (
    FileActionError,
    Quarantine,
    can_redact_copy,
    write_redacted_copy,
)
from app.services.pipeline import Outcome, strictest, walk_files
from app.services.runtime import Runtime
from app.services.secret_store import KeyringSecretStore, SecretStore
from app.services.watcher import FolderWatcher
from app.ui.clipboard_guard import ClipboardGuard, ClipEvent
from app.ui.dialogs.findings import FindingsView, FindingsWindow
from app.ui.dialogs.info import AboutDialog, PolicyStatusDialog, RecentFindingsDialog
from app.ui.dialogs.override import OverrideDialog
from app.ui.dialogs.settings import SettingsDialog
from app.ui.jobs import Jobs
from app.ui.notifications import TrayNotifier
from app.ui.single_instance import SingleInstanceServer
from app.ui.tray import TrayController

WATCH_POLL_MS = 500
FOREGROUND_POLL_MS = 600


class PresendApp(QObject):
    """Everything the tray app does, on the GUI thread; work goes to ``Jobs``."""

    file_checked = Signal(object)  # Outcome of a watched-folder file or a right-click check
    file_acted = Signal(str, str)  # (path, action) after a folder action
    forward_alerted = Signal(str, str)  # (target, message) from the forwarding thread

    def __init__(
        self,
        runtime: Runtime,
        *,
        jobs: Jobs | None = None,
        watch: bool = True,
        ask_reason=None,  # type: ignore[no-untyped-def]  # (what, required) -> str | None
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runtime = runtime
        self.jobs = jobs or Jobs()
        self.windows: list[QWidget] = []
        self._ask_reason = ask_reason or self._ask_reason_dialog
        self._file_ticket = 0
        self.watcher: FolderWatcher | None = None
        policy = runtime.policy
        self.tray = TrayController(
            self._tray_status,
            may_pause=lambda: bool(getattr(self.runtime.policy, "user_may_pause", True)),
            may_quit=lambda: bool(getattr(self.runtime.policy, "user_may_quit", True)),
            parent=self,
        )
        self.notifier = TrayNotifier(self.tray.tray, self)
        clipboard = QGuiApplication.clipboard()
        self.guard = ClipboardGuard(clipboard, runtime, self.jobs, parent=self)
        self.guard.checked.connect(self._on_guard_checked)
        self.guard.failed.connect(self._on_guard_failed)
        self.tray.pause_changed.connect(self._on_tray_pause_changed)
        self.tray.check_clipboard_requested.connect(self._on_tray_check_clipboard_requested)
        self.tray.check_file_requested.connect(self._on_tray_check_file_requested)
        self.tray.settings_requested.connect(self._on_tray_settings_requested)
        self.tray.recent_requested.connect(self._on_tray_recent_requested)
        self.tray.policy_status_requested.connect(self._on_tray_policy_status_requested)
        self.tray.open_log_requested.connect(self._on_tray_open_log_requested)
        self.tray.about_requested.connect(self._on_tray_about_requested)
        self.tray.quit_requested.connect(self._on_tray_quit_requested)
        self.quarantine = Quarantine(runtime.paths.quarantine_dir)
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_POLL_MS)
        self._watch_timer.timeout.connect(self._on_watch_timer_timeout)
        if watch:
            self.start_watching(self.watched_folders(policy))
            runtime.start_site_watch()
        self._site_timer = QTimer(self)
        self._site_timer.setInterval(2000)
        self._site_timer.timeout.connect(self._on_site_timer_timeout)
        if watch:
            self._site_timer.start()
        self.forward_alerted.connect(self._on_forward_alerted)
        from app.services.foreground import UnknownForeground, default_probe

        self.foreground = default_probe()
        self._fg_timer = QTimer(self)
        self._fg_timer.setInterval(FOREGROUND_POLL_MS)
        self._fg_timer.timeout.connect(self._on_fg_timer_timeout)
        self._fg_busy = False
        if watch and not isinstance(self.foreground, UnknownForeground):
            self._fg_timer.start()
        if watch:
            runtime.start_forwarding(on_alert=self.forward_alerted.emit)
            runtime.warm_up()  # background: the first clip is then as fast as the rest
        self.tray.tray.show()
        runtime.audit_admin("app_started", {})

    # -- status ---------------------------------------------------------------------
    def _tray_status(self) -> tuple[str, tuple[str, ...]]:
        status = self.runtime.status()
        problems = status.problems
        if self.watcher is not None and not self.watcher.running and self.watcher.folders:
            problems = problems + ("the folder watcher stopped",)
        return ("degraded" if problems else "active"), problems

    # -- clipboard ------------------------------------------------------------------
    @Slot(object)
    def _on_guard_checked(self, event: ClipEvent) -> None:
        plan = event.plan
        if plan.action in ("allow", "log"):
            return
        level = "critical" if plan.action in ("redact", "block") else "warning"
        self.tray.set_alert(plan.title)
        self.notifier.notify(plan.title, plan.message, level,
                             on_click=lambda e=event: self.show_clip_findings(e))

    @Slot(str)
    def _on_guard_failed(self, error: str) -> None:
        self.tray.set_alert("a clipboard check failed")
        self.notifier.notify("presend could not check the clipboard",
                             f"The check failed ({error}); the clip was not changed. "
                             "Use 'Check clipboard now' to retry.", "warning")

    def show_clip_findings(self, event: ClipEvent) -> FindingsWindow:
        outcome = event.outcome
        action = {"redact": "the clipboard was redacted", "block": "the clipboard was cleared",
                  "warn": "the clipboard was left as it is"}.get(event.plan.action, "")
        view = FindingsView(
            source="clipboard",
            verdict=outcome.verdict,
            findings=tuple(outcome.decision.reported),  # type: ignore[attr-defined]
            text=event.original_text if not event.files else None,
            complete=outcome.result.complete,
            notes=outcome.result.notes,
            action_taken=action,
            can_restore=event.plan.changes_clipboard and event.plan.may_override,
        )
        win = FindingsWindow(view)
        win.restore_requested.connect(lambda e=event, w=win: self._restore_clip(e, w))
        win.copy_redacted_requested.connect(lambda e=event: self._copy_redacted(e))
        win.false_positive_requested.connect(self._on_findings_false_positive_requested)
        self._show(win)
        self.tray.set_alert(None)
        return win

    def _restore_clip(self, event: ClipEvent, window: QWidget | None = None) -> bool:
        what = "redacted" if event.plan.action == "redact" else "cleared"
        reason = self._ask_reason(what, event.plan.reason_required)
        if reason is None:
            return False
        ok = self.guard.restore(reason, event)
        if ok:
            self.notifier.notify("Clipboard restored", "The original content is back; "
                                 "your reason was recorded.", "info")
            if window is not None:
                window.close()
        return ok

    def _copy_redacted(self, event: ClipEvent) -> None:
        self.guard.redact_now(event)

    def _ask_reason_dialog(self, what: str, required: bool) -> str | None:
        dlg = OverrideDialog(what, required)
        if dlg.exec() != OverrideDialog.DialogCode.Accepted:
            return None
        return dlg.reason()

    @Slot(object)
    def _on_findings_false_positive_requested(self, finding: Any) -> None:
        self.mark_false_positive(finding)

    def mark_false_positive(self, finding: Any) -> bool:
        """Allowlist the value for this user where the policy permits; always audited."""
        from app.services.preferences import PreferencesError, add_allowlisted_value
        from classifiers.redact import fingerprint

        try:
            entry = add_allowlisted_value(self.runtime.paths, self.runtime.policy, finding.value)
        except PreferencesError as exc:
            self.notifier.notify("Could not save", str(exc), "warning")
            return False
        fp = fingerprint(finding.value, self.runtime.fingerprint_key())
        self.runtime.audit_admin("false_positive", {"entity_type": finding.entity_type,
                                                    "rule": finding.recognizer,
                                                    "fingerprint": fp[:32],
                                                    "allowlisted": entry is not None})
        if entry is None:
            self.notifier.notify("Reported as not sensitive",
                                 f"{finding.entity_type} was recorded as a false positive; "
                                 "your organisation's policy decides whether to allow it.")
            return False
        self.runtime.reload_policy()
        self.notifier.notify("Marked as not sensitive",
                             f"This {finding.entity_type} value will not be flagged again for "
                             "you (stored as a fingerprint, never the value).")
        return True

    # -- pause ----------------------------------------------------------------------
    @Slot(bool)
    def _on_tray_pause_changed(self, paused: bool) -> None:
        self.guard.set_paused(paused)
        self.runtime.audit_admin("guard_paused" if paused else "guard_resumed", {})

    @Slot()
    def _on_tray_check_clipboard_requested(self) -> None:
        if self.guard.check_now() is None:
            self.notifier.notify("Nothing to check", "The clipboard holds no text or files.")

    # -- folders --------------------------------------------------------------------
    def watched_folders(self, policy: Any) -> list[Path]:
        folders = [*getattr(policy, "mandatory_folders", ()), *getattr(policy, "watch_folders", ())]
        folders += self._user_folders()
        out: list[Path] = []
        for f in folders:
            p = Path(os.path.expandvars(os.path.expanduser(str(f))))
            if p not in out:
                out.append(p)
        return out

    def _user_folders_file(self) -> Path:
        return self.runtime.paths.config / "watched_folders.txt"

    def _user_folders(self) -> list[str]:
        try:
            return [line.strip() for line in self._user_folders_file().read_text().splitlines()
                    if line.strip()]
        except OSError:
            return []

    def set_user_folders(self, folders: Sequence[str]) -> None:
        path = self._user_folders_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{f}\n" for f in folders))
        self.start_watching(self.watched_folders(self.runtime.policy))

    def start_watching(self, folders: Sequence[Path]) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        self.watcher = FolderWatcher(folders, self._on_file_ready,
                                     on_error=self.runtime.report_problem)
        if folders:
            self.watcher.start()
            self._watch_timer.start()
        else:
            self._watch_timer.stop()

    @Slot()
    def _on_site_timer_timeout(self) -> None:
        before = self.runtime.policy
        if self.runtime.poll_site() and self.runtime.policy is not before:
            self.notifier.notify("Policy updated", "Your organisation's policy changed and is "
                                 "now in force.")
            self.start_watching(self.watched_folders(self.runtime.policy))
            self.runtime.start_forwarding(on_alert=self.forward_alerted.emit)
        self.tray.refresh()

    @Slot()
    def _on_fg_timer_timeout(self) -> None:
        if self._fg_busy or self.tray.paused:
            return
        self._fg_busy = True
        probe = self.foreground
        self.jobs.submit(0, probe.current, self._on_fg_job_finished, self._on_fg_job_failed)

    @Slot(int, object)
    def _on_fg_job_finished(self, _ticket: int, fg: object) -> None:
        from app.services.foreground import destination_of

        self._fg_busy = False
        self.guard.set_destination(destination_of(self.runtime.policy, fg))  # type: ignore[arg-type]

    @Slot(int, str)
    def _on_fg_job_failed(self, _ticket: int, _error: str) -> None:
        self._fg_busy = False
        self.guard.set_destination(None)  # unknown: treated as an AI tool

    @Slot(str, str)
    def _on_forward_alerted(self, target: str, message: str) -> None:
        self.tray.set_alert(f"SIEM forwarding: {target}")
        self.notifier.notify("Audit forwarding problem", message, "warning")

    @Slot()
    def _on_watch_timer_timeout(self) -> None:
        if self.watcher is not None and not self.tray.paused:
            self.watcher.poll()

    def _on_file_ready(self, path: Path) -> None:
        from app.services.decide import Channel

        self._file_ticket += 1
        runtime = self.runtime

        def work() -> tuple[Outcome, str]:
            outcome = runtime.pipeline().classify_path(path, Channel.FOLDER, keep_text=True)
            return outcome, folder_action(runtime, outcome, path, self.quarantine)

        self.jobs.submit(self._file_ticket, work, self._on_folder_job_finished,
                         self._on_folder_job_failed)

    @Slot(int, object)
    def _on_folder_job_finished(self, _ticket: int, payload: object) -> None:
        outcome, action = payload  # type: ignore[misc]
        self.file_checked.emit(outcome)
        self.file_acted.emit(outcome.result.source, action)
        name = Path(outcome.result.source).name
        if outcome.verdict in ("warn", "redact", "block") or outcome.result.error:
            text = {
                "quarantined": f"{name} was moved to quarantine.",
                "redacted-copy": f"A redacted copy of {name} was written next to it.",
            }.get(action, f"{name} contains sensitive data.")
            if outcome.result.error:
                text = f"{name} could not be checked: {outcome.result.error}"
            self.tray.set_alert(f"{name} needs attention")
            self.notifier.notify("Sensitive file in a watched folder", text, "warning",
                                 on_click=lambda o=outcome, a=action: self.show_file_findings(o, a))

    @Slot(int, str)
    def _on_folder_job_failed(self, _ticket: int, error: str) -> None:
        self.runtime.audit_admin("scan_failed", {"channel": "folder", "error": error})
        self.notifier.notify("presend could not check a file", f"The check failed ({error}).",
                             "warning")

    # -- right-click check ------------------------------------------------------------
    def check_paths(self, paths: Sequence[str]) -> None:
        """Scan files/folders on a worker, with a progress dialog, then show the findings."""
        from app.services.decide import Channel

        files: list[Path] = []
        for p in paths:
            files.extend(walk_files(Path(p)))
        progress = QProgressDialog("Checking…", "Cancel", 0, len(files))
        progress.setWindowTitle("presend — checking")
        progress.setMinimumDuration(300)
        self._file_ticket += 1
        state = {"cancelled": False}
        progress.canceled.connect(lambda: state.__setitem__("cancelled", True))
        runtime = self.runtime
        results: list[Outcome] = []

        def work() -> list[Outcome]:
            pipe = runtime.pipeline()
            for f in files:
                if state["cancelled"]:
                    break
                o = pipe.classify_path(f, Channel.FILE_CHECK, keep_text=True)
                runtime.audit_outcome(o, "file-check", "checked")
                results.append(o)
            return results

        timer = QTimer(progress)
        timer.timeout.connect(lambda: progress.setValue(len(results)))
        timer.start(100)
        self.windows.append(progress)

        def done(_t: int, outs: object) -> None:
            timer.stop()
            for o in outs:  # type: ignore[attr-defined]
                self.file_checked.emit(o)
            self.show_check_summary(list(outs))  # type: ignore[call-overload]
            progress.close()  # after the result window is up (one-shot mode quits on last)

        self.jobs.submit(self._file_ticket, work, self._slot(done), self._slot(
            lambda _t, e: self.notifier.notify("Check failed", f"({e})", "warning")))

    def _slot(self, fn):  # type: ignore[no-untyped-def]
        return _Relay(fn, self).relay

    def show_check_summary(self, outcomes: list[Outcome]) -> FindingsWindow:
        if not outcomes:
            win = FindingsWindow(FindingsView(source="nothing", verdict="allow", findings=(),
                                              text=None, notes=("no files to check",)))
            self._show(win)
            return win
        worst = strictest(outcomes)
        if len(outcomes) == 1:
            return self.show_file_findings(worst, "checked")
        findings = []
        for o in outcomes:
            for f in o.decision.reported:  # type: ignore[attr-defined]
                where = f"{Path(o.result.source).name}: {f.location or 'offset ' + str(f.start)}"
                findings.append(f.with_changes(location=where))
        view = FindingsView(
            source=f"{len(outcomes)} files", verdict=worst.verdict, findings=tuple(findings),
            text=None, complete=all(o.result.complete for o in outcomes),
            notes=tuple(f"{Path(o.result.source).name}: {o.result.error}" for o in outcomes
                        if o.result.error),
        )
        win = FindingsWindow(view)
        self._show(win)
        return win

    def show_file_findings(self, outcome: Outcome, action: str = "") -> FindingsWindow:
        path = Path(outcome.result.source)
        view = FindingsView(
            source=str(path), verdict=outcome.verdict,
            findings=tuple(outcome.decision.reported),  # type: ignore[attr-defined]
            text=outcome.text, complete=outcome.result.complete,
            notes=outcome.result.notes + ((outcome.result.error,) if outcome.result.error else ()),
            action_taken={"quarantined": "the file was moved to quarantine",
                          "redacted-copy": "a redacted copy was written next to it"}.get(action, ""),
            can_save_copy=outcome.text is not None and can_redact_copy(path),
            can_restore=action == "quarantined",
        )
        win = FindingsWindow(view)
        win.restore_requested.connect(lambda o=outcome, w=win: self.restore_quarantined(o, w))
        win.open_location_requested.connect(
            lambda p=path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(p.parent))))
        win.save_copy_requested.connect(lambda o=outcome: self._save_redacted_copy(o))
        win.copy_redacted_requested.connect(lambda o=outcome: self._copy_redacted_text(o))
        win.false_positive_requested.connect(self._on_findings_false_positive_requested)
        self._show(win)
        self.tray.set_alert(None)
        return win

    def restore_quarantined(self, outcome: Outcome, window: QWidget | None = None) -> Path | None:
        """Put a quarantined file back (an override: asks for a reason, audited)."""
        original = outcome.result.source
        entries = [e for e in self.quarantine.entries() if e.original == original]
        if not entries:
            return None
        decision = outcome.decision
        if not getattr(decision, "may_override", True):
            self.notifier.notify("Not allowed", "Your organisation's policy does not allow "
                                 "restoring this file.", "warning")
            return None
        reason = self._ask_reason("quarantined", bool(getattr(decision, "reason_required", False)))
        if reason is None:
            return None
        try:
            restored = self.quarantine.restore(entries[-1].id)
        except FileActionError as exc:
            self.notifier.notify("Could not restore", str(exc), "warning")
            return None
        self.runtime.audit_outcome(outcome, "folder", "restored-by-user", override_reason=reason)
        self.notifier.notify("File restored", f"{restored.name} is back; your reason was recorded.")
        if window is not None:
            window.close()
        return restored

    def _save_redacted_copy(self, outcome: Outcome) -> Path | None:
        text = self.runtime.redacted_text(outcome)
        if text is None:
            return None
        try:
            out = write_redacted_copy(Path(outcome.result.source), text)
        except FileActionError as exc:
            self.notifier.notify("Could not save", str(exc), "warning")
            return None
        self.notifier.notify("Redacted copy saved", f"{out.name} is next to the original.")
        return out

    def _copy_redacted_text(self, outcome: Outcome) -> None:
        text = self.runtime.redacted_text(outcome)
        if text is not None:
            self.guard._write(text, None)  # our own write: not re-checked

    # -- windows --------------------------------------------------------------------
    def _show(self, win: QWidget) -> None:
        self.windows = [w for w in self.windows if w.isVisible()]
        self.windows.append(win)
        win.show()
        win.raise_()
        win.activateWindow()

    @Slot()
    def _on_tray_check_file_requested(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(None, "Check files with presend")
        if paths:
            self.check_paths(paths)

    @Slot()
    def _on_tray_settings_requested(self) -> None:
        policy = self.runtime.policy
        mandatory = [Path(p) for p in getattr(policy, "mandatory_folders", ())]
        from app.services import autostart

        dlg = SettingsDialog(mandatory, [Path(p) for p in self._user_folders()],
                             autostart.is_enabled())
        dlg.folders_changed.connect(self.set_user_folders)
        dlg.autostart_changed.connect(autostart.set_enabled)
        dlg.add_button.setEnabled(bool(getattr(policy, "user_may_add_folders", True)))
        self._show(dlg)

    @Slot()
    def _on_tray_recent_requested(self) -> None:
        self._show(RecentFindingsDialog(self.runtime.recent_decisions()))

    @Slot()
    def _on_tray_policy_status_requested(self) -> None:
        status = self.runtime.status()
        data: dict[str, object] = {"state": status.state, "problems": list(status.problems)}
        data.update(status.policy)
        self._show(PolicyStatusDialog(data))

    @Slot()
    def _on_tray_open_log_requested(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.runtime.paths.audit_dir)))

    @Slot()
    def _on_tray_about_requested(self) -> None:
        self._show(AboutDialog())

    @Slot()
    def _on_tray_quit_requested(self) -> None:
        QApplication.quit()

    def handle_message(self, message: dict[str, Any]) -> None:
        """A request from `presend check` or a second `presend` start."""
        if message.get("cmd") == "check":
            paths = [str(p) for p in message.get("paths", []) if isinstance(p, str)]
            if paths:
                self.check_paths(paths)
        elif message.get("cmd") == "show":
            self._on_tray_policy_status_requested()

    def shutdown(self) -> None:
        self.runtime.audit_admin("app_stopped", {})
        self._watch_timer.stop()
        self._fg_timer.stop()
        self._site_timer.stop()
        self.runtime.stop_site_watch()
        self.runtime.stop_forwarding()
        if self.watcher is not None:
            self.watcher.stop()
        self.guard.detach()
        self.guard.clear_if_owned()
        self.tray.tray.hide()


class _Relay(QObject):
    """Turns a plain function into a bound slot on a GUI-thread object (queued delivery)."""

    def __init__(self, fn, parent: QObject) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._fn = fn

    @Slot(int, object)
    def relay(self, ticket: int, payload: object) -> None:
        self._fn(ticket, payload)
        self.deleteLater()


def folder_action(runtime: Runtime, outcome: Outcome, path: Path, quarantine: Quarantine) -> str:
    """Carry out the policy's verdict for a watched file (worker thread); audit it."""
    verdict = outcome.verdict
    simulated = bool(getattr(outcome.decision, "simulated", False))
    action = {"allow": "allowed", "log": "logged", "warn": "warned"}.get(verdict, verdict)
    try:
        if simulated:
            action = f"simulated-{getattr(outcome.decision.intended, 'value', verdict)}"  # type: ignore[attr-defined]
        elif verdict == "block":
            quarantine.put(path)
            action = "quarantined"
        elif verdict == "redact" and outcome.text is not None and can_redact_copy(path):
            write_redacted_copy(path, runtime.redacted_text(outcome) or "")
            action = "redacted-copy"
        elif verdict == "redact":
            action = "warned"  # no redacted copy for this format: warn instead, never allow
    except FileActionError as exc:
        runtime.report_problem(str(exc))
        action = "action-failed"
    if verdict != "allow" or outcome.decision.reported:  # type: ignore[attr-defined]
        runtime.audit_outcome(outcome, "folder", action)
    return action


def build_runtime(paths: AppPaths | None = None, store: SecretStore | None = None) -> Runtime:
    return Runtime(paths or app_paths(), store or KeyringSecretStore())


def run_tray(argv: Sequence[str] = (), check_paths: Sequence[str] = ()) -> int:
    """Start the tray app (or hand the request to the one already running)."""
    from app.ui.single_instance import send_to_running

    qt_args = [sys.argv[0] if sys.argv else "presend", *argv]
    app = QApplication.instance() or QApplication(qt_args)
    app.setApplicationName("presend")
    app.setQuitOnLastWindowClosed(False)
    message = {"cmd": "check", "paths": list(check_paths)} if check_paths else {"cmd": "show"}
    if send_to_running(message):
        return 0
    server = SingleInstanceServer()
    if not server.listen():
        print("presend: could not claim the single-instance socket; is another presend "
              "starting? Try again in a moment.", file=sys.stderr)
        return 2
    if not QSystemTrayIcon.isSystemTrayAvailable():
        print("presend: no system tray found; the guard runs without an icon "
              "(notifications may not show)", file=sys.stderr)
    presend = PresendApp(build_runtime())
    server.message_received.connect(presend.handle_message)
    app.aboutToQuit.connect(presend.shutdown)
    if check_paths:
        presend.check_paths(list(check_paths))
    ready = os.environ.get("PRESEND_READY_FILE")  # start-to-tray benchmark and scripts
    if ready:
        Path(ready).write_text(str(os.getpid()))
    code = app.exec()
    server.close()
    return int(code)
