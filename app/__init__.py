"""presend's application layer: CLI, Qt-free services, and the tray UI (app.ui only)."""

__version__ = "0.1.0"
