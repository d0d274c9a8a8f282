"""Isolated vs cross P&L: a pair of bars per scenario and market direction.

A cross bar whose account is liquidated is hatched and says how many green positions went down
with it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Annotation, Text

from planner.charts import CrossPnl
from ui.charts.base import Chart, Rect, sticky
from ui.charts.style import (
    FONT,
    GAIN,
    INK,
    LOSS,
    MODE_COLORS,
    SMALL,
    add_rect,
    style_axes,
    usd_short,
)

WIDTH = 0.38
ARROWS = {"down": "↓ down", "up": "↑ up"}


def pair_x(scenarios: tuple[str, ...]) -> np.ndarray:
    """Centre of each pair; a gap separates scenarios."""
    x, pos, last = [], 0.0, None
    for s in scenarios:
        pos += 0.0 if last is None else (1.0 if s == last else 1.5)
        x.append(pos)
        last = s
    return np.array(x)


class CrossPnlChart(Chart):
    """Bar pairs of :class:`planner.charts.CrossPnl`, updated in place."""

    margins = (44.0, 10.0, 40.0, 56.0)

    def __init__(self, fig: Figure, rect: Rect = (0.0, 0.0, 1.0, 1.0)) -> None:
        super().__init__(fig, rect)
        self.ax = ax = self.add_axes()[0]
        style_axes(ax)
        ax.axhline(0.0, color=INK, linewidth=0.8)
        self.capital_line = ax.axhline(0.0, color=INK, linestyle=":", linewidth=1.0)
        self.capital_text = ax.text(0.01, 0.0, "", transform=ax.get_yaxis_transform(),
                                    ha="left", va="top", fontsize=SMALL, color=INK)
        self.animate(self.capital_line, self.capital_text)
        self.bars: dict[str, list[Rectangle]] = {"isolated": [], "cross": []}
        self.notes: dict[str, list[Text]] = {"isolated": [], "cross": []}
        self.scenario_labels: list[Annotation] = []
        self.diffs: list[Annotation] = []
        self._ylim: tuple[float, float] | None = None
        self._shape: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        handles: list[Artist] = [Patch(color=c, label=f"{m} margin")
                                 for m, c in MODE_COLORS.items()]
        handles.append(Patch(color="none", label="Δ = cross − isolated"))
        self.set_legend(handles, 3)
        self.set_titles("Isolated vs cross margin", "plan P&L when every price moves, USD")
        self.fit()

    def _build(self, scenarios: tuple[str, ...], directions: tuple[str, ...]) -> None:
        self.forget(*self._dynamic(), *self.scenario_labels)
        x = pair_x(scenarios)
        self.diffs = [self.ax.annotate("", xy=(xi, 0.0), xytext=(0, 3),
                                       textcoords="offset points", ha="center", va="bottom",
                                       fontsize=SMALL, fontweight="bold") for xi in x]
        for k, (mode, color) in enumerate(MODE_COLORS.items()):
            off = (k - 0.5) * WIDTH
            self.bars[mode] = [add_rect(self.ax, xi + off - WIDTH / 2, 0.0, WIDTH, 0.0,
                                        facecolor=color) for xi in x]
            self.notes[mode] = [self.ax.text(xi + off, 0.0, "", ha="center", fontsize=SMALL - 0.5,
                                             color=LOSS, linespacing=1.0) for xi in x]
        self.ax.set_xticks(x, [ARROWS.get(d, d) for d in directions], fontsize=SMALL)
        self.ax.set_xlim(-0.7, (x[-1] if len(x) else 0.0) + 0.7)
        self.scenario_labels = [self._scenario_label(float(x[[i for i, t in enumerate(scenarios)
                                                              if t == s]].mean()), s)
                                for s in dict.fromkeys(scenarios)]
        self.animate(*self._dynamic())
        self._shape = (scenarios, directions)

    def _dynamic(self) -> list[Artist]:
        arts: list[Artist] = [a for v in self.bars.values() for a in v]
        return arts + [a for v in self.notes.values() for a in v] + list(self.diffs)

    def _scenario_label(self, cx: float, name: str) -> Annotation:
        return self.ax.annotate(name, xy=(cx, 0.0), xycoords=self.ax.get_xaxis_transform(),
                                xytext=(0, -15), textcoords="offset points", ha="center",
                                va="top", fontsize=FONT, fontweight="bold", color=INK)

    def update(self, series: CrossPnl) -> None:
        """Show new P&L figures; rebuild only when the scenarios change."""
        if (series.scenarios, series.directions) != self._shape:
            self._build(series.scenarios, series.directions)
        values = {"isolated": series.isolated_pnl_usd, "cross": series.cross_pnl_usd}
        for mode, bars in self.bars.items():
            for i, rect in enumerate(bars):
                rect.set_height(float(values[mode][i]))
                self._note(mode, i, rect, series)
        for i, ann in enumerate(self.diffs):
            self._diff(ann, i, series)
        self._limits(series)

    def _diff(self, ann: Annotation, i: int, s: CrossPnl) -> None:
        """Label a pair with what cross adds or loses, when it differs by more than 0.05 %."""
        d = float(s.difference_usd[i])
        top = max(float(s.isolated_pnl_usd[i]), float(s.cross_pnl_usd[i]), 0.0)
        ann.xy = (ann.xy[0], top)
        ann.set_text(f"Δ {'+' if d > 0 else ''}{usd_short(d)}"
                     if abs(d) >= 5e-4 * s.capital_usd else "")
        ann.set_color(GAIN if d > 0 else LOSS)

    def _note(self, mode: str, i: int, rect: Rectangle, s: CrossPnl) -> None:
        h = rect.get_height()
        text = self.notes[mode][i]
        wiped = mode == "cross" and bool(s.account_liquidated[i])
        rect.set_hatch("////" if wiped else "")
        rect.set_edgecolor(LOSS if wiped else "none")
        if wiped:
            label = f"account\nliquidated\n{int(s.green_force_closed[i])} green\nclosed"
        else:
            n = int(s.isolated_liquidated[i]) if mode == "isolated" else 0
            label = f"{n} liq" if n else ""
        text.set_text(label)
        text.set_position((rect.get_x() + WIDTH / 2, min(h, 0.0)))   # below the bar or the axis
        text.set_verticalalignment("top")

    def _limits(self, s: CrossPnl) -> None:
        for art in (self.capital_line, self.capital_text):
            art.set_visible(s.show_capital)
        self.capital_line.set_ydata([-s.capital_usd] * 2)
        self.capital_text.set_position((0.01, -s.capital_usd))
        self.capital_text.set_text(f"whole capital {usd_short(-s.capital_usd)}")
        both = np.concatenate([s.isolated_pnl_usd, s.cross_pnl_usd, [0.0]])
        lo = min(float(both.min()), -s.capital_usd if s.show_capital else 0.0)
        wiped = bool(s.account_liquidated.any())
        self.ax.set_ylim(sticky(self._ylim, lo, float(both.max()),
                                (0.3 if wiped else 0.12, 0.1)))
        self._ylim = self.ax.get_ylim()
