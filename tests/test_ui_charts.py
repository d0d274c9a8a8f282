"""The Portfolio charts: drawn once, updated in place on every plan change, exported."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from planner import compute
from planner.charts import bucket_pnl, price_ladder
from planner.edits import SetCells, apply
from tests.test_planner_charts import wipe_plan
from ui.portfolio import PortfolioTab


@pytest.fixture
def shown(qtbot, sample):
    """The Portfolio tab, shown, with the sample plan drawn once in every chart."""
    tab = PortfolioTab()
    qtbot.addWidget(tab)
    tab.resize(1400, 900)
    tab.set_results(sample, compute(sample))
    tab.show()
    qtbot.waitExposed(tab)
    charts = tab.charts

    def settled() -> bool:   # layout applied, every chart drawn at its final size
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        return all(w.current for w in charts.charts())

    qtbot.waitUntil(settled)
    return tab


def heights(bars):
    return [[r.get_height() for r in row] for row in bars]


def test_charts_redraw_on_plan_change_without_recreating_the_canvas(qtbot, shown, sample):
    panel = shown.charts
    canvases = [w.canvas for w in panel.charts()]
    figures = [w.figure for w in panel.charts()]
    bars = panel.pnl.chart.bars
    first = bars[2][1]                                  # tail bar of "directional"
    plan = apply(sample, SetCells((1,), ("risk_pct",), (1.0,)))[0]   # ETHUSDT risks 1 %
    res = compute(plan)
    blits = panel.pnl.blit_count
    with qtbot.waitSignals([w.redrawn for w in panel.charts()[:3]]):
        shown.set_results(plan, res)
    assert panel.pnl.blit_count == blits + 1       # same axes: only the bars were redrawn
    assert [w.canvas for w in panel.charts()] == canvases
    assert [w.figure for w in panel.charts()] == figures
    assert panel.pnl.chart.bars[2][1] is first          # the same artist, a new height
    expected = bucket_pnl(res).pnl_usd
    assert heights(panel.pnl.chart.bars) == [list(expected[:, j]) for j in range(3)]
    cross = panel.cross.chart.bars["cross"]
    assert [r.get_height() for r in cross] == pytest.approx(list(res.cross["cross_pnl_usd"]))


def test_a_new_bucket_rebuilds_the_bars_on_the_same_canvas(qtbot, shown, sample):
    panel = shown.charts
    canvas, draws = panel.pnl.canvas, panel.pnl.draw_count
    plan = apply(sample, SetCells((0,), ("bucket",), ("swing",)))[0]
    with qtbot.waitSignal(panel.pnl.redrawn):
        shown.set_results(plan, compute(plan))
    assert panel.pnl.canvas is canvas and panel.pnl.draw_count == draws + 1   # a full draw
    assert len(panel.pnl.chart.bars[0]) == 5            # 4 buckets + the plan total
    labels = [t.get_text() for t in panel.pnl.chart.ax.get_xticklabels()]
    assert labels[-2:] == ["swing", "Plan total"]
    assert len(panel.allocation.chart.segments["heat"]) == 4


def test_the_ladder_follows_the_selected_trade(qtbot, shown, sample):
    ladder = shown.charts.ladder
    assert "BTCUSDT long 5x" in ladder.chart.subtitle.get_text()   # first trade by default
    with qtbot.waitSignal(ladder.redrawn):
        shown.set_selected_row(7)
    assert "DOGEUSDT long 20x" in ladder.chart.subtitle.get_text()
    lad = price_ladder(compute(sample), 7)
    stop = ladder.chart.lines["stop"]
    assert list(stop.get_ydata()) == [lad.levels[3].price] * 2
    liq = ladder.chart.zones["liquidation"]
    assert liq.get_y() <= lad.levels[3].price <= liq.get_y() + liq.get_height()


def test_a_hidden_tab_waits_and_catches_up_when_shown(qtbot, shown, sample):
    panel = shown.charts
    shown.hide()
    before = heights(panel.pnl.chart.bars)
    plan = wipe_plan()
    shown.set_results(plan, compute(plan))
    assert heights(panel.pnl.chart.bars) == before       # untouched while nobody looks
    assert not panel.cross.chart.capital_line.get_visible()
    with qtbot.waitSignal(panel.pnl.redrawn):
        shown.show()
    assert panel.pnl.chart.ax.get_xticklabels()[0].get_text() == "directional"
    assert panel.cross.chart.capital_line.get_visible()   # the wiped account needs the line


def test_the_ladder_is_not_redrawn_for_an_edit_of_another_trade(qtbot, shown, sample,
                                                                monkeypatch):
    ladder = shown.charts.ladder
    calls = []
    monkeypatch.setattr(ladder, "show_series", calls.append)
    plan = apply(sample, SetCells((5,), ("risk_pct",), (0.5,)))[0]   # row 0 is on the ladder
    with qtbot.waitSignal(shown.charts.pnl.redrawn):
        shown.set_results(plan, compute(plan))
    assert calls == []
    plan = apply(plan, SetCells((0,), ("stop_pct",), (4.0,)))[0]
    shown.set_results(plan, compute(plan))
    assert len(calls) == 1 and calls[0].levels[3].price == pytest.approx(62_400)


def test_an_export_after_live_updates_shows_the_current_bars(qtbot, shown, sample, tmp_path):
    plan = apply(sample, SetCells((1,), ("risk_pct",), (1.0,)))[0]
    with qtbot.waitSignal(shown.charts.pnl.redrawn):
        shown.set_results(plan, compute(plan))
    img = QImage(str(shown.charts.pnl.export(tmp_path / "pnl.png")))
    tail = [(x, y) for x in range(0, img.width(), 3) for y in range(0, img.height(), 3)
            if img.pixelColor(x, y).name() == "#8c1c13"]   # the tail bars' colour
    assert len(tail) > 100


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_export_writes_a_picture_of_the_chart(shown, tmp_path, fmt):
    path = shown.charts.cross.export(tmp_path / f"cross.{fmt}")
    data = path.read_bytes()
    if fmt == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        img = QImage(str(path))
        assert img.width() > 300 and img.height() > 200
    else:
        assert b"<svg" in data[:500] and b"Isolated vs cross margin" in data
    assert list(tmp_path.iterdir()) == [path]             # no temporary file left behind


def test_export_from_the_context_menu_asks_for_a_file(shown, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "ladder"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "PNG image (*.png)")))
    shown.charts.ladder.export_dialog("png")
    assert (tmp_path / "ladder.png").read_bytes()[:4] == b"\x89PNG"


def test_export_refuses_an_unknown_format(shown, tmp_path):
    with pytest.raises(ValueError, match="cannot export"):
        shown.charts.pnl.export(tmp_path / "chart.docx")
