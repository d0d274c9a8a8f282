"""The selected-trade panel: levels to scale, labels kept apart, scenario table."""

from __future__ import annotations

from PySide6.QtCore import Qt

from planner import compute
from ui.panel.ladder import PriceLadder
from ui.panel.levels import price_range, spread_labels, trade_levels
from ui.panel.scenario_model import ScenarioTableModel


def row(sample, i):
    return compute(sample).rows.iloc[i].to_dict()


def test_levels_of_a_long_are_sorted_and_complete(sample):
    levels = trade_levels(row(sample, 0))
    names = [lv.name for lv in levels]
    assert names[0] == "Target" and names[-1] in ("Bankruptcy", "Tail")
    assert [lv.price for lv in levels] == sorted((lv.price for lv in levels), reverse=True)
    assert {"Entry", "Trim", "Stop", "Review", "Liquidation", "Normal", "Stressed"} <= set(names)


def test_short_levels_lie_above_entry(sample):
    levels = {lv.name: lv.price for lv in trade_levels(row(sample, 2))}
    assert levels["Stop"] > levels["Entry"] and levels["Liquidation"] > levels["Stop"]
    assert levels["Target"] < levels["Entry"]


def test_labels_are_spread_apart_within_bounds():
    ys = [10.0, 11.0, 12.0, 200.0, 295.0, 296.0]
    out = spread_labels(ys, 14.0, 5.0, 300.0)
    assert all(b - a >= 14.0 - 1e-9 for a, b in zip(out, out[1:], strict=False))
    assert out[0] >= 5.0 and out[-1] <= 300.0
    assert out[3] == 200.0


def test_price_range_pads_every_level(sample):
    levels = trade_levels(row(sample, 0))
    lo, hi = price_range(levels)
    assert lo < min(lv.price for lv in levels) and hi > max(lv.price for lv in levels)


def test_ladder_paints_a_trade_and_an_empty_state(qtbot, sample):
    ladder = PriceLadder()
    qtbot.addWidget(ladder)
    ladder.resize(320, 400)
    ladder.set_values(row(sample, 7))
    image = ladder.grab().toImage()
    assert image.width() == 320
    ladder.set_values(None)
    assert ladder.levels() == []
    ladder.grab()


def test_scenario_table_model(qtmodeltester, sample):
    model = ScenarioTableModel()
    qtmodeltester.check(model, force_py=True)
    model.set_values(row(sample, 0))
    qtmodeltester.check(model, force_py=True)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Normal"
    assert model.index(1, 2).data() == "-6,425"  # BTC quantity on its 0.001 lot
    assert model.index(2, 2).data() == "yes"
