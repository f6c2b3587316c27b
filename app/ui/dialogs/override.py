"""Asks why the user overrides a decision (restore a redacted clip, keep a blocked file)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

MIN_REASON_CHARS = 5


class OverrideDialog(QDialog):
    """``reason()`` after ``exec()`` returns Accepted. OK is enabled once a reason is given
    (when one is required)."""

    def __init__(self, what: str, reason_required: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("presend — override")
        self._required = reason_required
        layout = QVBoxLayout(self)
        text = QLabel(
            f"You are about to restore content that presend {what}.<br>"
            "This is recorded in the audit log."
            + ("<br><b>Your organisation asks for a reason.</b>" if reason_required else "")
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText("Why is this safe to share? (e.g. test data, already public)")
        self.edit.textChanged.connect(self._on_edit_text_changed)
        layout.addWidget(self.edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._on_edit_text_changed()

    def reason(self) -> str:
        return self.edit.toPlainText().strip()

    @Slot()
    def _on_edit_text_changed(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not self._required or len(self.reason()) >= MIN_REASON_CHARS)
