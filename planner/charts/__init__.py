"""Series and display tables of the Portfolio view and the report (computed here, drawn in ui).

Pure functions from :class:`planner.Results` to plain data: the bucket and isolated-vs-cross
tables as formatted text (:mod:`~planner.charts.tables`), the scenario P&L by bucket, isolated vs
cross P&L per scenario and direction, margin and risk allocation by bucket
(:mod:`~planner.charts.series`), and one trade's price ladder, to scale
(:mod:`~planner.charts.ladder`). Nothing here draws: ``ui/charts`` does, the same way on screen
and in the headless report.
"""

from planner.charts.ladder import (
    LEVEL_KEYS,
    ZONE_KEYS,
    Ladder,
    Level,
    Zone,
    price_ladder,
    spread_labels,
)
from planner.charts.series import Allocation, BucketPnl, CrossPnl, allocation, bucket_pnl, cross_pnl
from planner.charts.tables import (
    BUCKET_COLUMNS,
    CROSS_COLUMNS,
    CROSS_HIDDEN,
    TOTAL_LABEL,
    Table,
    TableColumn,
    bucket_view,
    cross_view,
    format_value,
    heat_level,
    key_figures,
    price_text,
    totals_line,
)

__all__ = [
    "BUCKET_COLUMNS", "CROSS_COLUMNS", "CROSS_HIDDEN", "LEVEL_KEYS", "TOTAL_LABEL", "ZONE_KEYS",
    "Allocation", "BucketPnl", "CrossPnl", "Ladder", "Level", "Table", "TableColumn", "Zone",
    "allocation", "bucket_pnl", "bucket_view", "cross_pnl", "cross_view", "format_value",
    "heat_level", "key_figures", "price_ladder", "price_text", "spread_labels", "totals_line",
]
