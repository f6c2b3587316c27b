"""The findings window: the content with every finding highlighted, masked by default.

Verdict banner (safe to share / share with care / do not share), the highlighted text,
a table of findings (type, severity, confidence, where, preview, why), and actions:
copy redacted text, save a redacted copy, restore (where an override is allowed),
mark as false positive, open the file's folder.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from classifiers.model import Finding, Severity
from classifiers.redact import mask_value

MAX_SHOWN_CHARS = 200_000

_BANNERS = {
    "safe": ("Safe to share", "#e8f5e9", "#1b5e20"),
    "care": ("Share with care", "#fff8e1", "#8a5a00"),
    "stop": ("Do not share", "#ffebee", "#b71c1c"),
}
_SEVERITY_COLOURS = {
    Severity.CRITICAL: "#ef9a9a",
    Severity.HIGH: "#ffcc80",
    Severity.MEDIUM: "#fff59d",
    Severity.LOW: "#c5e1a5",
}


def banner_for(verdict: str, has_findings: bool, complete: bool) -> str:
    if verdict in ("block", "redact"):
        return "stop"
    if verdict == "warn" or (has_findings and verdict != "allow") or not complete:
        return "care"
    return "safe"


@dataclass
class FindingsView:
    """Everything the window shows; built by the app from an Outcome."""

    source: str
    verdict: str
    findings: Sequence[Finding]
    text: str | None  # None: the content is not kept (too large or a document we can't show)
    complete: bool = True
    notes: Sequence[str] = ()
    action_taken: str = ""  # e.g. "the clipboard was redacted"
    can_restore: bool = False
    can_save_copy: bool = False
    can_mark_false_positive: bool = True
    extra: dict[str, object] = field(default_factory=dict)


def highlighted_html(text: str, findings: Sequence[Finding], reveal: bool) -> str:
    """The text as HTML with each finding in a coloured span (masked unless ``reveal``)."""
    shown = text[:MAX_SHOWN_CHARS]
    parts: list[str] = []
    pos = 0
    for i, f in enumerate(sorted(findings, key=lambda f: f.start)):
        if f.start < pos or f.start >= len(shown):
            continue
        parts.append(html.escape(shown[pos : f.start]))
        value = f.value if reveal else mask_value(f.value, f.category)
        colour = _SEVERITY_COLOURS.get(f.severity, "#fff59d")
        parts.append(
            f'<a name="f{i}"></a><span style="background-color:{colour};font-weight:bold" '
            f'title="{html.escape(f.entity_type)}">{html.escape(value)}</span>'
            f'<sup style="color:#555">{html.escape(f.entity_type)}</sup>'
        )
        pos = f.end
    parts.append(html.escape(shown[pos:]))
    if len(text) > MAX_SHOWN_CHARS:
        parts.append(f"\n… ({len(text) - MAX_SHOWN_CHARS:,} more characters not shown)")
    return '<pre style="white-space:pre-wrap;font-family:monospace">' + "".join(parts) + "</pre>"


class FindingsWindow(QWidget):
    copy_redacted_requested = Signal()
    save_copy_requested = Signal()
    restore_requested = Signal()
    false_positive_requested = Signal(object)  # the Finding
    open_location_requested = Signal()

    def __init__(self, view: FindingsView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setWindowTitle(f"presend — {view.source}")
        self.resize(900, 620)
        layout = QVBoxLayout(self)

        kind = banner_for(view.verdict, bool(view.findings), view.complete)
        title, bg, fg = _BANNERS[kind]
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        n = len(view.findings)
        detail = f"{n} finding{'s' if n != 1 else ''}" if n else "nothing sensitive found"
        if view.action_taken:
            detail += f" — {view.action_taken}"
        self.banner.setText(f"<b style='font-size:16pt'>{title}</b><br>{html.escape(detail)}")
        self.banner.setStyleSheet(
            f"background:{bg};color:{fg};padding:10px;border-radius:6px;border:1px solid {fg}"
        )
        layout.addWidget(self.banner)
        for note in view.notes:
            lab = QLabel(f"⚠ {note}")
            lab.setWordWrap(True)
            layout.addWidget(lab)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.text_view = QTextBrowser()
        self.text_view.setOpenLinks(False)
        splitter.addWidget(self.text_view)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            ["Type", "Severity", "Confidence", "Where", "Preview", "Why"]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        splitter.addWidget(self.table)
        splitter.setSizes([380, 200])
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.reveal = QCheckBox("Show values")
        self.reveal.setToolTip("Reveal the sensitive values on screen (nothing is logged)")
        self.reveal.toggled.connect(self._on_reveal_toggled)
        buttons.addWidget(self.reveal)
        buttons.addStretch(1)
        self.copy_button = self._button(buttons, "Copy redacted text", self.copy_redacted_requested)
        self.copy_button.setEnabled(view.text is not None and bool(view.findings))
        self.save_button = self._button(buttons, "Save redacted copy", self.save_copy_requested)
        self.save_button.setVisible(view.can_save_copy)
        self.fp_button = QPushButton("Not sensitive (false positive)")
        self.fp_button.setEnabled(False)
        self.fp_button.setVisible(view.can_mark_false_positive)
        self.fp_button.clicked.connect(self._on_fp_clicked)
        buttons.addWidget(self.fp_button)
        self.open_button = self._button(buttons, "Open folder", self.open_location_requested)
        self.open_button.setVisible(view.source not in ("-", "clipboard"))
        self.restore_button = self._button(buttons, "Restore original", self.restore_requested)
        self.restore_button.setVisible(view.can_restore)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self._fill()

    def _button(self, layout: QHBoxLayout, text: str, signal: Signal) -> QPushButton:
        b = QPushButton(text)
        b.clicked.connect(signal.emit)
        layout.addWidget(b)
        return b

    def _fill(self) -> None:
        v = self.view
        reveal = self.reveal.isChecked()
        if v.text is not None:
            self.text_view.setHtml(highlighted_html(v.text, v.findings, reveal))
        else:
            self.text_view.setPlainText(
                "The content is not shown here (a document or a large file); "
                "the table lists what was found and where."
            )
        self.table.setRowCount(len(v.findings))
        for row, f in enumerate(v.findings):
            value = f.value if reveal else mask_value(f.value, f.category)
            cells = [
                f.entity_type,
                f.severity.value,
                f"{f.score:.2f}",
                f.location or f"offset {f.start}",
                value,
                f.explanation or f.recognizer,
            ]
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def shown_text(self) -> str:
        return self.text_view.toPlainText()

    def selected_finding(self) -> Finding | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        return self.view.findings[rows.pop()]

    @Slot(bool)
    def _on_reveal_toggled(self, _checked: bool) -> None:
        self._fill()

    @Slot()
    def _on_table_selection_changed(self) -> None:
        f = self.selected_finding()
        self.fp_button.setEnabled(f is not None)
        if f is not None:
            index = sorted(self.view.findings, key=lambda x: x.start).index(f)
            self.text_view.scrollToAnchor(f"f{index}")

    @Slot()
    def _on_fp_clicked(self) -> None:
        f = self.selected_finding()
        if f is not None:
            self.false_positive_requested.emit(f)


def copy_to_clipboard(text: str, on_copied: Callable[[str], None] | None = None) -> None:
    QGuiApplication.clipboard().setText(text)
    if on_copied:
        on_copied(text)
