"""Settings: watched folders (admin-locked ones greyed out) and start at login."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class SettingsDialog(QDialog):
    folders_changed = Signal(list)  # the user's folders (list[str])
    autostart_changed = Signal(bool)

    def __init__(
        self,
        mandatory: Sequence[Path],
        chosen: Sequence[Path],
        autostart: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("presend — settings")
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Watched folders</b> — files that land here are checked"))
        self.list = QListWidget()
        for folder in mandatory:
            item = QListWidgetItem(f"{folder}   (set by your organisation)")
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
            item.setData(Qt.ItemDataRole.UserRole, None)
            self.list.addItem(item)
        for folder in chosen:
            self._add_item(Path(folder))
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add folder…")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._on_remove_clicked)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.autostart = QCheckBox("Start presend when I log in")
        self.autostart.setChecked(autostart)
        self.autostart.toggled.connect(self.autostart_changed.emit)
        layout.addWidget(self.autostart)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def _add_item(self, folder: Path) -> None:
        item = QListWidgetItem(str(folder))
        item.setData(Qt.ItemDataRole.UserRole, str(folder))
        self.list.addItem(item)

    def chosen_folders(self) -> list[str]:
        out = []
        for i in range(self.list.count()):
            data = self.list.item(i).data(Qt.ItemDataRole.UserRole)
            if data:
                out.append(data)
        return out

    def add_folder(self, folder: Path) -> None:
        if str(folder) not in self.chosen_folders():
            self._add_item(folder)
            self.folders_changed.emit(self.chosen_folders())

    @Slot()
    def _on_add_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Watch a folder")
        if folder:
            self.add_folder(Path(folder))

    @Slot()
    def _on_remove_clicked(self) -> None:
        for item in self.list.selectedItems():
            if item.data(Qt.ItemDataRole.UserRole):
                self.list.takeItem(self.list.row(item))
        self.folders_changed.emit(self.chosen_folders())
