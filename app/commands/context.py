"""CliContext: what every command handler receives (the CLI's composition root fills it)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from app.paths import AppPaths, app_paths


class CliError(Exception):
    """A failure the user can fix: printed as one line, exit code 2.

    The message says what went wrong and what to do; it never quotes scanned content.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class CliContext:
    paths: AppPaths = field(default_factory=app_paths)
    verbose: bool = False
    quiet: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: Any = field(default_factory=lambda: sys.stdin)
    _cache: dict[str, Any] = field(default_factory=dict)

    def secret_store(self):  # type: ignore[no-untyped-def]
        """The OS keyring store (lazily created; raises nothing until used)."""
        if "secret_store" not in self._cache:
            from app.services.secret_store import KeyringSecretStore

            self._cache["secret_store"] = KeyringSecretStore()
        return self._cache["secret_store"]

    def warn(self, message: str) -> None:
        if not self.quiet:
            print(f"presend: {message}", file=self.err)
