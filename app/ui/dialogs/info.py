"""Small read-only windows: About, Policy status, Recent findings."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import __version__


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About presend")
        layout = QVBoxLayout(self)
        label = QLabel(
            f"<h2>presend {__version__}</h2>"
            "<p>A pre-send guard: presend checks what you copy and the files you are about "
            "to upload, on this computer, before they reach an AI tool.</p>"
            "<p>Nothing you copy or scan leaves this machine. The audit log holds entity "
            "types, masked previews and keyed fingerprints, never the values.</p>"
            "<p>Open source under the Apache License 2.0.</p>"
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout.addWidget(box)


class PolicyStatusDialog(QDialog):
    def __init__(self, status: Mapping[str, object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("presend — policy status")
        self.resize(560, 360)
        layout = QVBoxLayout(self)
        rows = "".join(
            f"<tr><td><b>{html.escape(str(k))}</b></td><td>{html.escape(_fmt(v))}</td></tr>"
            for k, v in status.items()
        )
        label = QLabel(f"<table cellpadding='4'>{rows}</table>")
        label.setWordWrap(True)
        layout.addWidget(label)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout.addWidget(box)


def _fmt(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value) or "none"
    return "—" if value in (None, "") else str(value)


class RecentFindingsDialog(QDialog):
    COLUMNS = ("time", "channel", "source", "verdict", "action", "findings")

    def __init__(self, rows: Sequence[Mapping[str, object]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("presend — recent findings")
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        if not rows:
            layout.addWidget(QLabel("Nothing has been found recently."))
        self.table = QTableWidget(len(rows), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([c.capitalize() for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(rows):
            for c, key in enumerate(self.COLUMNS):
                self.table.setItem(r, c, QTableWidgetItem(_fmt(row.get(key, ""))))
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
