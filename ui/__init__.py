"""The Qt (PySide6) desktop application of the trade planner."""
