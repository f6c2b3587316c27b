"""The tray app: the only package that imports PySide6."""
