"""USD tick labels stay distinct and exact whatever the axis range."""

from __future__ import annotations

import pytest

from ui.charts.style import UsdTicks


@pytest.mark.parametrize(("ticks", "labels"), [
    ([99_800, 99_850, 99_900, 99_950, 100_000], ["99.80k", "99.85k", "99.90k", "99.95k",
                                                 "100.00k"]),
    ([-20_000, -15_000, -10_000, -5_000, 0], ["−20k", "−15k", "−10k", "−5k", "0"]),
    ([0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000], ["0", "0.25M", "0.50M", "0.75M",
                                                            "1.00M", "1.25M"]),
    ([0, 200, 400], ["0", "200", "400"]),
])
def test_equity_and_pnl_axes_get_distinct_exact_labels(ticks, labels):
    assert UsdTicks().format_ticks(ticks) == labels
