"""Takes the screenshots in docs/images: the tray menu, a notification and every window.

Run under Xvfb with a tray host (docs/take-screenshots.sh does it):
    python -m app.ui.screenshots docs/images
Uses synthetic content only; values are masked as users see them.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

SAMPLE = (
    "Hi team,\n\n"
    "the staging deploy failed again. Here is the config I used:\n\n"
    "  AWS_ACCESS_KEY_ID=AKIAZ3MPLQ4RSTUVWX7Y\n"
    "  DATABASE_URL=postgres://deploy:Xk82!pLq0z@db.internal.example:5432/app\n\n"
    "Billing contact: Maria Lopez <maria.lopez@acme-corp.com>, +44 20 7946 0958\n"
    "Card on file: 4539 1488 0343 6467\n\n"
    "Thanks,\nJonas\n"
)


def _spin(ms: int) -> None:
    app = QApplication.instance()
    assert app is not None
    loop_end = QTimer()
    loop_end.setSingleShot(True)
    done = {"v": False}
    loop_end.timeout.connect(lambda: done.__setitem__("v", True))
    loop_end.start(ms)
    while not done["v"]:
        app.processEvents()


def _save(widget: QWidget, out: Path, name: str) -> None:
    widget.show()
    _spin(400)
    widget.grab().save(str(out / f"{name}.png"))
    print(f"wrote {out / name}.png")


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/images").resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PRESEND_HOME", tempfile.mkdtemp(prefix="presend-shots-"))
    app = QApplication.instance() or QApplication(["presend"])
    app.setQuitOnLastWindowClosed(False)

    from app.paths import app_paths
    from app.services.runtime import Runtime
    from app.services.secret_store import InMemorySecretStore
    from app.ui.application import PresendApp
    from app.ui.dialogs.info import AboutDialog, PolicyStatusDialog, RecentFindingsDialog
    from app.ui.dialogs.override import OverrideDialog
    from app.ui.dialogs.settings import SettingsDialog

    runtime = Runtime(app_paths(), InMemorySecretStore())
    presend = PresendApp(runtime, watch=False, ask_reason=lambda what, req: "screenshot")
    _spin(800)

    # the clipboard guard acting on a paste-ready clip
    events: list[object] = []

    def on_checked(event: object) -> None:
        events.append(event)

    presend.guard.checked.connect(on_checked)
    QGuiApplication.clipboard().setText(SAMPLE)
    for _ in range(200):
        if events:
            break
        _spin(100)
    event = events[-1] if events else None

    # tray menu
    menu = presend.tray.menu
    presend.tray._build_menu()
    menu.popup(QPoint(700, 40))
    _spin(400)
    menu.grab().save(str(out / "tray-menu.png"))
    print(f"wrote {out / 'tray-menu.png'}")
    menu.hide()

    # notification (Qt's balloon on the XEmbed tray) — grab the screen corner
    if event is not None:
        presend._on_guard_checked(event)  # shows the notification for the redaction
        _spin(800)
        screen = QGuiApplication.primaryScreen()
        shot = screen.grabWindow(0)
        geo = screen.geometry()
        shot.copy(geo.width() - 520, 0, 520, 260).save(str(out / "notification.png"))
        print(f"wrote {out / 'notification.png'}")
        win = presend.show_clip_findings(event)
        win.resize(980, 640)
        _save(win, out, "findings-window")
        win.close()

    # right-click check on a file
    f = Path(os.environ["PRESEND_HOME"]) / "quarterly-export.csv"
    f.write_text("name,email,iban\nAna Souza,ana.souza@example.net,DE44 5001 0517 5407 3249 31\n")
    checked: list[object] = []

    def on_file_checked(outcome: object) -> None:
        checked.append(outcome)

    presend.file_checked.connect(on_file_checked)
    presend.check_paths([str(f)])
    for _ in range(200):
        if checked and any(w.isVisible() and hasattr(w, "banner") for w in presend.windows):
            break
        _spin(100)
    for w in presend.windows:
        if w.isVisible() and hasattr(w, "banner"):
            w.resize(900, 520)
            _save(w, out, "check-window")
            w.close()

    settings = SettingsDialog([Path("~/AI uploads").expanduser()],
                              [Path("~/Downloads").expanduser(), Path("~/Desktop").expanduser()],
                              autostart=True)
    _save(settings, out, "settings-window")
    status = runtime.status()
    data: dict[str, object] = {"state": status.state, "problems": list(status.problems)}
    data.update(status.policy)
    _save(PolicyStatusDialog(data), out, "policy-status-window")
    _save(RecentFindingsDialog(runtime.recent_decisions()), out, "recent-findings-window")
    _save(AboutDialog(), out, "about-window")
    _save(OverrideDialog("redacted", True), out, "override-dialog")
    presend.shutdown()
    QGuiApplication.clipboard().clear()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
