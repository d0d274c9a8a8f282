"""Workbook reading and writing. The only place that imports openpyxl or XlsxWriter."""

from planner.io.reader import load_plan
from planner.io.writer import save_plan

__all__ = ["load_plan", "save_plan"]
