"""What the folder guard does to a file: a redacted copy beside it, or quarantine.

Qt-free and synchronous; the app calls these on a worker thread. Nothing is deleted:
quarantine moves the file (with a manifest entry to restore it) into the state folder.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from app.services.durable import write_text_atomically

REDACTABLE_SUFFIXES = {
    ".txt", ".md", ".csv", ".tsv", ".json", ".jsonl", ".yaml", ".yml", ".toml", ".xml",
    ".html", ".htm", ".log", ".env", ".ini", ".cfg", ".conf", ".properties", ".py", ".js",
    ".ts", ".java", ".go", ".rs", ".rb", ".php", ".cs", ".c", ".cpp", ".h", ".sh", ".sql", "",
}


class FileActionError(Exception):
    """A file action could not be done; the message says what to do."""


def can_redact_copy(path: Path) -> bool:
    return path.suffix.lower() in REDACTABLE_SUFFIXES


def redacted_copy_path(path: Path) -> Path:
    suffix = path.suffix
    stem = path.name[: -len(suffix)] if suffix else path.name
    candidate = path.with_name(f"{stem}.redacted{suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{stem}.redacted-{n}{suffix}")
        n += 1
    return candidate


def write_redacted_copy(path: Path, redacted_text: str) -> Path:
    out = redacted_copy_path(path)
    try:
        write_text_atomically(out, redacted_text)
    except OSError as exc:
        raise FileActionError(
            f"cannot write a redacted copy of {path.name} ({exc.strerror}); "
            "check the folder's permissions"
        ) from None
    return out


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    id: str
    original: str
    stored: str
    time: float


class Quarantine:
    """Moves files out of the way, with a manifest so each can be restored."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._manifest = folder / "manifest.json"

    def _load(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self._manifest.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            raise FileActionError(
                "the quarantine manifest is unreadable; its files are still in "
                f"{self.folder}"
            ) from None
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict[str, dict[str, object]]) -> None:
        tmp = self._manifest.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, self._manifest)

    def put(self, path: Path) -> QuarantineEntry:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        entry_id = uuid.uuid4().hex
        stored = self.folder / f"{entry_id}-{path.name}"
        try:
            shutil.move(str(path), stored)
        except OSError as exc:
            raise FileActionError(
                f"cannot quarantine {path.name} ({exc.strerror}); it was left in place"
            ) from None
        entry = QuarantineEntry(entry_id, str(path), str(stored), time.time())
        data = self._load()
        data[entry_id] = {"original": entry.original, "stored": entry.stored, "time": entry.time}
        self._save(data)
        return entry

    def entries(self) -> list[QuarantineEntry]:
        return [
            QuarantineEntry(k, str(v["original"]), str(v["stored"]), float(v["time"]))  # type: ignore[arg-type]
            for k, v in self._load().items()
        ]

    def restore(self, entry_id: str) -> Path:
        data = self._load()
        item = data.get(entry_id)
        if item is None:
            raise FileActionError(f"no quarantined file with id {entry_id}")
        original = Path(str(item["original"]))
        if original.exists():
            raise FileActionError(
                f"{original.name} exists again at its old place; move it away and retry"
            )
        try:
            original.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(item["stored"]), original)
        except OSError as exc:
            raise FileActionError(f"cannot restore {original.name} ({exc.strerror})") from None
        del data[entry_id]
        self._save(data)
        return original
