"""User preferences (recent files, hidden columns, window geometry) behind one small seam.

The app stores them in ``QSettings``; tests pass nothing and get an in-memory store, so a test
run never touches the user's real preferences.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings


class Prefs:
    """Key/value preferences.

    Args:
        settings: The ``QSettings`` to persist to, or ``None`` for an in-memory store.
    """

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings
        self._memory: dict[str, Any] = {}

    def get_list(self, key: str, default: list[str] | None = None) -> list[str]:
        """A list of strings (QSettings returns a bare string for one-element lists)."""
        value = self._get(key)
        if value is None:
            return list(default or [])
        return [value] if isinstance(value, str) else [str(v) for v in value]

    def get_bytes(self, key: str) -> Any:
        """A raw value (e.g. saved window geometry), or ``None``."""
        return self._get(key)

    def set(self, key: str, value: Any) -> None:
        """Store a value."""
        if self._settings is None:
            self._memory[key] = value
        else:
            self._settings.setValue(key, value)

    def _get(self, key: str) -> Any:
        if self._settings is None:
            return self._memory.get(key)
        return self._settings.value(key)
