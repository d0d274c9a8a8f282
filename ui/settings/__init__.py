"""The Settings tab: plan settings, scenarios and venue profiles, all undoable edits."""

from ui.settings.tab import SettingsTab

__all__ = ["SettingsTab"]
