"""One trade's price ladder, to scale: coloured zones, level lines, scenario moves, labels.

Zones and level lines fill the left part of the axes; the scenario moves are arrows from the
entry; labels sit on the right, spread so they never overlap, each joined to its level by a thin
leader line. The split between the two parts follows the longest label and the chart's width.
"""

from __future__ import annotations

import math

from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.text import Text

from planner.charts import LEVEL_KEYS, ZONE_KEYS, Ladder, spread_labels
from planner.model import SCENARIO_NAMES
from ui.charts.base import Chart, Rect, sticky
from ui.charts.style import (
    GRID,
    LABEL_COLORS,
    LEVEL_STYLES,
    LOSS,
    MUTED,
    SMALL,
    ZONE_COLORS,
    price_axis,
    style_axes,
)

LABEL_PT = 10.0          # vertical room per label, points
CHAR_PT = SMALL * 0.56   # average width of a label character, points
ZX_RANGE = (0.3, 0.6)    # the zones' share of the axes width, at least / at most


def scenario_x(name: str, zx: float) -> float:
    """Where the arrow of scenario ``name`` stands, in axes fraction, for zones [0, zx]."""
    return zx * (0.45 + 0.17 * SCENARIO_NAMES.index(name))


class LadderChart(Chart):
    """Draws a :class:`planner.charts.Ladder` (or an empty state), updated in place."""

    margins = (50.0, 6.0, 52.0, 8.0)

    def __init__(self, fig: Figure, rect: Rect = (0.0, 0.0, 1.0, 1.0)) -> None:
        super().__init__(fig, rect)
        self.ax = ax = self.add_axes()[0]
        style_axes(ax, usd_axis=None)
        price_axis(ax)
        ax.set_xlim(0.0, 1.0)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        tr = ax.get_yaxis_transform()
        self.zx = 0.42
        self.zones: dict[str, Rectangle] = {
            k: ax.axhspan(0.0, 0.0, xmin=0.0, xmax=self.zx, facecolor=ZONE_COLORS[k],
                          linewidth=0) for k in ZONE_KEYS}
        self.zone_text: dict[str, Text] = {
            k: ax.text(0.01, 0.0, "", transform=tr, fontsize=SMALL - 0.5, style="italic",
                       color=MUTED, va="center") for k in ZONE_KEYS}
        self.lines: dict[str, Line2D] = {k: self._line(k) for k in LEVEL_KEYS}
        self.arrows: dict[str, FancyArrowPatch] = {n: self._arrow(n) for n in SCENARIO_NAMES}
        self.labels: dict[str, Text] = {k: self._label(k) for k in LEVEL_KEYS}
        self.leaders = LineCollection([], colors=GRID, linewidths=0.7, transform=tr)
        ax.add_collection(self.leaders)
        self.empty = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                             color=MUTED, fontsize=SMALL + 1)
        self._ladder: Ladder | None = None
        self._ylim: tuple[float, float] | None = None
        self.animate(*self.zones.values(), *self.zone_text.values(), *self.lines.values(),
                     *self.arrows.values(), *self.labels.values(), self.leaders, self.empty,
                     self.subtitle)
        self.set_titles("Price ladder", "")
        self.fit()

    def _line(self, key: str) -> Line2D:
        color, style, width = LEVEL_STYLES[key]
        scenario = key.startswith("scenario_")
        return self.ax.axhline(0.0, 0.0, self.zx, color=color,
                               linestyle=":" if scenario else style, linewidth=width)

    def _arrow(self, name: str) -> FancyArrowPatch:
        color = LEVEL_STYLES[f"scenario_{name}"][0]
        arrow = FancyArrowPatch((0.0, 0.0), (0.0, 0.0), arrowstyle="-|>", mutation_scale=9,
                                color=color, linewidth=1.4, shrinkA=0, shrinkB=0,
                                transform=self.ax.get_yaxis_transform())
        self.ax.add_patch(arrow)
        return arrow

    def _label(self, key: str) -> Text:
        color = LABEL_COLORS.get(key, LEVEL_STYLES[key][0])
        return self.ax.text(self.zx + 0.05, 0.0, "", transform=self.ax.get_yaxis_transform(),
                            va="center", fontsize=SMALL, color=color,
                            fontweight="bold" if key == "entry" else "normal")

    def update(self, series: Ladder | None) -> None:
        """Show ``series``, or the empty state when it is None."""
        self._ladder = series
        visible = series is not None
        for art in [*self.zones.values(), *self.zone_text.values(), *self.lines.values(),
                    *self.arrows.values(), *self.labels.values(), self.leaders]:
            art.set_visible(visible)
        self.empty.set_text("" if visible else "Select a trade in the grid to see its ladder")
        if series is None:
            self.set_titles("Price ladder", "no trade selected")
            return
        stop_beyond = "never fill" in series.subtitle
        self.set_titles("Price ladder", f"{series.title}\n{series.subtitle}",
                        LOSS if stop_beyond else MUTED)
        self.ax.set_ylim(sticky(self._ylim, *series.ylim, pad=(0.0, 0.0)))
        self._ylim = self.ax.get_ylim()
        self._zones(series)
        self._levels(series)
        self._place()

    def _zones(self, s: Ladder) -> None:
        """Zones as computed, the outermost stretched to the axis limits (kept when sticky)."""
        lo_ax, hi_ax = self.ax.get_ylim()
        span, eps = hi_ax - lo_ax, 1e-9 * (s.ylim[1] - s.ylim[0])
        for z in s.zones:
            lo, hi = z.lo, z.hi
            if hi > lo:
                lo = lo_ax if lo <= s.ylim[0] + eps else lo
                hi = hi_ax if hi >= s.ylim[1] - eps else hi
            self.zones[z.key].set_y(lo)
            self.zones[z.key].set_height(hi - lo)
            text = self.zone_text[z.key]
            text.set_position((0.01, (lo + hi) / 2))
            text.set_text(z.label)
            text.set_visible(hi - lo > 0.045 * span)

    def _levels(self, s: Ladder) -> None:
        for lv in s.levels:
            ok = math.isfinite(lv.price)
            self.lines[lv.key].set_visible(ok)
            self.labels[lv.key].set_visible(ok)
            if ok:
                self.lines[lv.key].set_ydata([lv.price, lv.price])
                self.labels[lv.key].set_text(lv.label)
            name = lv.key.removeprefix("scenario_")
            if name in self.arrows:
                self.arrows[name].set_visible(ok)

    def _place(self) -> None:
        """Split the width between zones and labels, then place everything along it."""
        s = self._ladder
        if s is None:
            return
        w_pt, h_pt = self.fig.get_size_inches() * 72.0   # axes positions are figure fractions
        pos = self.ax.get_position()
        longest = max((len(lv.label) for lv in s.levels), default=0)
        want = 1.0 - (longest * CHAR_PT + 8.0) / max(pos.width * w_pt, 1.0) - 0.05
        self.zx = zx = min(max(want, ZX_RANGE[0]), ZX_RANGE[1])
        for rect in self.zones.values():
            rect.set_width(zx)
        for key, line in self.lines.items():
            start = scenario_x(key.removeprefix("scenario_"), zx) - 0.02 \
                if key.startswith("scenario_") else 0.0
            line.set_xdata([start, zx])
        for name, arrow in self.arrows.items():
            x = scenario_x(name, zx)
            price = s.levels[LEVEL_KEYS.index(f"scenario_{name}")].price
            arrow.set_positions((x, s.entry), (x, price if math.isfinite(price) else s.entry))
        self._spread(s, pos.height * h_pt)

    def _spread(self, s: Ladder, height_pt: float) -> None:
        """Spread the labels so they keep :data:`LABEL_PT` apart at this height."""
        shown = [lv for lv in s.levels if math.isfinite(lv.price)]
        lo, hi = self.ax.get_ylim()
        gap = LABEL_PT / max(height_pt, 1.0) * (hi - lo)
        ys = spread_labels([lv.price for lv in shown], gap, lo + gap / 2, hi - gap / 2)
        for lv, y in zip(shown, ys, strict=True):
            self.labels[lv.key].set_position((self.zx + 0.05, float(y)))
        self.leaders.set_segments([[(self.zx, lv.price), (self.zx + 0.045, float(y))]
                                   for lv, y in zip(shown, ys, strict=True)])

    def fit(self) -> None:
        """Re-place the axes, then the zones / labels split and the labels for the new size."""
        super().fit()
        self._place()
