"""The plan figures the status bar always shows: capital, heat vs cap, margin, tail, alerts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtWidgets import QLabel, QStatusBar

from ui.formats import fmt_pct, fmt_usd

_OK, _BAD = "#1f2937", "#b91c1c"


def status_texts(totals: Mapping[str, Any], alerts: int) -> dict[str, tuple[str, bool]]:
    """Text and "needs attention" flag of each status field, from the plan totals."""
    heat, cap = totals.get("heat_pct", 0.0), totals.get("heat_cap_pct", 0.0)
    tail = totals.get("worst_tail_pnl_usd", 0.0)
    return {
        "capital": (f"Capital {fmt_usd(totals.get('capital_usd'))} $", False),
        "heat": (f"Heat {fmt_pct(heat)}% / cap {fmt_pct(cap)}%", bool(heat > cap)),
        "margin": (f"Margin in use {fmt_usd(totals.get('margin_usd'))} $ "
                   f"({fmt_pct(totals.get('margin_use_pct'))}%)", False),
        "tail": (f"Worst tail P&L {fmt_usd(tail)} $", False),
        "alerts": (f"{alerts} alert{'s' * (alerts != 1)}", alerts > 0),
    }


class PlanStatus:
    """Permanent labels on a ``QStatusBar``."""

    def __init__(self, bar: QStatusBar) -> None:
        self.labels: dict[str, QLabel] = {}
        for name in ("capital", "heat", "margin", "tail", "alerts"):
            label = QLabel(bar)
            label.setObjectName(f"status_{name}")
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)
            self.labels[name] = label

    def show_results(self, results: Any, incomplete: np.ndarray) -> None:
        """Show the totals of ``results`` (alerts of rows still being filled in not counted)."""
        counts = results.rows["alert_count"].to_numpy(dtype=float)
        alerts = int(np.nansum(counts[~incomplete])) if len(counts) else 0
        for name, (text, bad) in status_texts(results.totals, alerts).items():
            label = self.labels[name]
            label.setText(text)
            weight = "bold" if bad else "normal"
            label.setStyleSheet(f"color: {_BAD if bad else _OK}; font-weight: {weight};")
