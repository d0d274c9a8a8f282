"""The three Settings-tab tables: plan settings, scenarios, venue profiles with their tiers.

Rows and columns come from the sheet layouts of :mod:`planner.tables` (the same the workbook
uses); edits are built and checked by :mod:`planner.parse`.
"""

from __future__ import annotations

import math
from typing import Any

from planner import parse
from planner.edits import Edit
from planner.tables import SCENARIO_HEADER, SETTINGS_META, VENUE_HEADER, scenario_rows
from ui.formats import fmt_ratio, fmt_usd
from ui.settings.sheet_model import SheetModel


class SettingsModel(SheetModel):
    """One row per plan setting: meaning, value (editable), unit."""

    headers = ("Setting", "Value", "Unit", "Key")
    editable = frozenset({1})

    def build_rows(self) -> list[list[Any]]:
        """``[meaning, value, unit, key]`` per setting."""
        values = self._doc.plan.settings.to_dict()
        return [[meta[4], values[key], meta[0], key] for key, meta in SETTINGS_META.items()]

    def key(self, row: int) -> str:
        """The settings key of a row."""
        return str(self._rows[row][3])

    def make_edit(self, row: int, column: int, value: Any) -> Edit:
        """A checked settings change (bounds, bands in order, known venue)."""
        return parse.settings_edit(self._doc.plan, self.key(row), value)

    def tooltip(self, row: int, column: int) -> str | None:
        """The whole meaning of a setting (its column is narrower than the longest ones)."""
        return str(self._rows[row][0]) if column == 0 else None

    def display(self, row: int, column: int, value: Any) -> str:
        """Capital with thousands separators; other numbers plain."""
        if column == 1 and self.key(row) == "capital_usd":
            return fmt_usd(value)
        return super().display(row, column, value)


class ScenariosModel(SheetModel):
    """One row per scenario (normal, stressed, tail); every field but the name editable."""

    headers = SCENARIO_HEADER
    editable = frozenset(range(1, len(SCENARIO_HEADER)))

    def build_rows(self) -> list[list[Any]]:
        """The Scenarios sheet rows."""
        return scenario_rows(self._doc.plan.scenarios)

    def make_edit(self, row: int, column: int, value: Any) -> Edit:
        """A checked change of one scenario field."""
        name = str(self._rows[row][0])
        return parse.scenario_edit(self._doc.plan, name, SCENARIO_HEADER[column], value)


class VenuesModel(SheetModel):
    """The Venues sheet: one row per tier; profile fields on each profile's first row."""

    headers = VENUE_HEADER
    editable = frozenset(range(len(VENUE_HEADER)))

    def build_rows(self) -> list[list[Any]]:
        """Tier rows, with repeated fields blanked.

        Profile fields show on a profile's first row only, table fields on the first row of
        each tier table (an instrument or the venue's default).
        """
        rows, last, last_table = [], None, None
        for r in parse.venue_table(self._doc.plan):
            table = (r["name"], r["instrument"])
            first, first_of_table = r["name"] != last, table != last_table
            last, last_table = r["name"], table
            rows.append([r[k] if (first or k not in parse.PROFILE_FIELDS[1:])
                         and (first_of_table or k not in parse.TABLE_FIELDS) else None
                         for k in VENUE_HEADER])
        return rows

    def venue_name(self, row: int) -> str:
        """The profile a tier row belongs to."""
        return str(parse.venue_table(self._doc.plan)[row]["name"])

    def make_edit(self, row: int, column: int, value: Any) -> Edit:
        """A checked change of a profile field (whole profile) or a tier field."""
        return parse.venue_cell_edit(self._doc.plan, row, VENUE_HEADER[column], value)

    def tooltip(self, row: int, column: int) -> str | None:
        """Long texts (the source of the numbers) in full."""
        value = self._rows[row][column]
        return value if isinstance(value, str) and len(value) > 30 else None

    def display(self, row: int, column: int, value: Any) -> str:
        """Unbounded last tier shown as ``∞``; notional with separators."""
        if VENUE_HEADER[column] == "max_notional_usd":
            return "∞ (no limit)" if value is None or (isinstance(value, float) and
                                                       math.isinf(value)) else fmt_usd(value)
        if VENUE_HEADER[column] in ("max_leverage", "maintenance_amount_usd") and value is not None:
            return fmt_ratio(value)
        return super().display(row, column, value)
