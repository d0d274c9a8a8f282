"""Exchange export formats: one preset per layout, feeding the journal's import pipeline.

:data:`PRESETS` lists the layouts (``journal formats``); :func:`load_export` detects a file's
layout from its header; :func:`read_exports` turns files into journal rows (fills netted into
trades, funding and liquidations attached), nothing stored until the caller stores them.
"""

from planner.journal.formats.assemble import ExportImport, read_exports
from planner.journal.formats.catalog import BY_NAME, PRESETS
from planner.journal.formats.load import detect, load_export
from planner.journal.formats.preset import Preset

__all__ = ["BY_NAME", "PRESETS", "ExportImport", "Preset", "detect", "load_export",
           "read_exports"]
