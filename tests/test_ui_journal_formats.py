"""The Journal tab with exchange exports, plan links, exit kinds, tags and the Monte Carlo fan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from planner.journal.columns import SUMMARY_COLUMNS, VIEW_COLUMNS
from tests.formats_helpers import csv_text
from tests.test_planner_journal_formats import BINANCE, _binance_rows, _hyperliquid, _ledger
from tests.test_ui_journal import journal_path, window  # noqa: F401  (fixtures)


def _binance(tmp: Path) -> Path:
    path = tmp / "Export Trade History(UTC+8).csv"
    path.write_text(csv_text(BINANCE, _binance_rows(600)), encoding="utf-8")
    return path


def _col(key: str) -> int:
    return [c.key for c in VIEW_COLUMNS].index(key)


def test_export_imports_in_one_step_and_shows_exit_kind(window, tmp_path):  # noqa: F811
    tab = window.journal_tab
    window.tabs.setCurrentWidget(tab)
    assert tab.import_file(_binance(tmp_path), interactive=False) == 3
    assert tab.import_file(_ledger(tmp_path), interactive=False) == 1   # loose funding + mark
    tab.refresh()
    kinds = [tab.trades_model.data(tab.trades_model.index(r, _col("exit_kind")))
             for r in range(tab.trades_model.rowCount())]
    assert kinds.count("close") == 3 and kinds.count("funding") == 1
    summary = dict(zip([c.key for c in SUMMARY_COLUMNS], tab.summary_model._values,
                       strict=True))
    assert summary["liquidations"] == 0 and summary["count"] == 4


def test_a_trade_matching_several_plan_rows_is_asked_about(window, tmp_path,  # noqa: F811
                                                           monkeypatch):
    asked: list[str] = []

    def choose(parent, title, label, items, current, editable):
        asked.append(label)
        return items[1], True                       # the first candidate row

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(choose))
    tab = window.journal_tab
    assert tab.import_file(_binance(tmp_path)) == 3
    longs = window.journal_session.trades().query("side == 'long'")
    assert len(asked) == 2 and "matches several plan rows" in asked[0]
    assert longs["bucket"].tolist() == ["directional", "directional"]   # sheet row 2
    rows = window.document.results.rows
    assert longs["planned_risk_usd"].iloc[0] == pytest.approx(rows["risk_usd"].iat[0])
    short = window.journal_session.trades().query("side == 'short'").iloc[0]
    assert short["bucket"] == "hedging"             # the one BTC short row: no question


def test_ambiguous_dates_are_asked_in_the_app(window, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QInputDialog, "getItem",
                        staticmethod(lambda *a, **k: ("none (leave unlinked)", True)))
    paths = _hyperliquid(tmp_path, "%d/%m/%Y - %H:%M:%S")
    paths[0].write_text(paths[0].read_text().replace("17/03/2026", "01/03/2026"))
    tab = window.journal_tab
    assert tab.import_file(paths[0]) == 3
    assert tab.import_file(paths[0], interactive=False) == 0     # headless: refused, shown
    assert "--dayfirst" in tab.banner.text()


def test_tags_typed_in_the_table_are_stored_and_filter(window, tmp_path, qtbot):  # noqa: F811
    tab = window.journal_tab
    window.tabs.setCurrentWidget(tab)
    tab.import_file(_binance(tmp_path), interactive=False)
    tab.refresh()
    model = tab.trades_model
    cell = model.index(0, _col("tags"))
    assert model.flags(cell) & model.flags(cell).ItemIsEditable
    assert not model.setData(model.index(0, _col("symbol")), "x")
    assert model.setData(cell, "Breakout, news")
    assert window.journal_session.trades()["tags"].tolist().count("breakout, news") == 1
    tab.refresh()                    # what showing the tab does after a change
    combo = tab.filter_bar.combos["tag"]
    combo.setCurrentIndex(combo.findText("news"))
    assert tab.review is not None and len(tab.review.trades) == 1


def test_monte_carlo_fan_in_the_tab_uses_the_plan_risk(window, tmp_path):  # noqa: F811
    src = tmp_path / "j.csv"
    rows = [f"2026-01-{d:02d}T00:00:00Z,BTCUSDT,long,100,{p},1,5" for d, p in
            ((2, 110), (3, 95), (4, 104), (5, 96), (6, 108))]
    src.write_text("closed_at,symbol,side,entry_price,exit_price,quantity,planned_risk_usd\n"
                   + "\n".join(rows) + "\n", encoding="utf-8")
    tab = window.journal_tab
    window.tabs.setCurrentWidget(tab)
    tab.import_file(src, interactive=False)
    assert tab.charts.build() == []  # what showing the tab does the first time
    tab.refresh()
    chart = tab.charts.charts["monte_carlo"]
    plan_risk = float(np.median(window.document.plan.trades["risk_pct"].dropna()))
    assert chart.settings.risk_pct == pytest.approx(plan_risk)
    assert chart.result is not None and chart.result["trades_sampled"] == 5
    y = chart.median.get_ydata()
    assert len(y) == chart.settings.trades + 1 and y[0] == tab.filter_bar.capital.value()
    assert "ruin" in chart.ax.get_xlabel()
