"""Margin and risk allocation by bucket: two stacked bars in % of capital.

Top: heat (what the stops may lose) against the heat cap. Bottom: isolated margin posted, with
the capital left free.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter

from planner.charts import Allocation
from ui.charts.base import Chart, Rect, sticky
from ui.charts.style import (
    CAP,
    FONT,
    GRID,
    INK,
    MUTED,
    SMALL,
    add_rect,
    bucket_color,
    style_axes,
)

HEIGHT = 0.62
FREE = "#eeeeee"


def _pct_axes(ax: Axes) -> None:
    style_axes(ax, usd_axis=None)
    ax.grid(True, axis="x", color=GRID, linewidth=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g} %"))
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_ylim(-0.5, 0.5)


class AllocationChart(Chart):
    """Stacked bars of :class:`planner.charts.Allocation`, updated in place."""

    margins = (12.0, 16.0, 58.0, 40.0)
    hspace = 42.0

    def __init__(self, fig: Figure, rect: Rect = (0.0, 0.0, 1.0, 1.0)) -> None:
        super().__init__(fig, rect)
        self.heat_ax, self.margin_ax = self.add_axes(2)
        for ax in (self.heat_ax, self.margin_ax):
            _pct_axes(ax)
        self.cap_line = self.heat_ax.axvline(0.0, color=CAP, linestyle="--", linewidth=1.2)
        self.cap_text = self.heat_ax.text(0.0, 0.5, "", color=CAP, fontsize=SMALL, ha="left",
                                          va="bottom")
        self.free = add_rect(self.margin_ax, 0.0, -HEIGHT / 2, 0.0, HEIGHT, facecolor=FREE)
        self.free_text = self.margin_ax.text(0.0, 0.0, "", ha="center", va="center",
                                             fontsize=SMALL, color=MUTED)
        self.heat_title = self._axis_title(self.heat_ax)
        self.margin_title = self._axis_title(self.margin_ax)
        self.animate(self.cap_line, self.cap_text, self.free, self.free_text, self.heat_title,
                     self.margin_title)
        self.segments: dict[str, list[tuple[Rectangle, Text]]] = {"heat": [], "margin": []}
        self._buckets: tuple[str, ...] | None = None
        self._last: Allocation | None = None
        self._xlim: tuple[float, float] | None = None
        self._mxlim: tuple[float, float] | None = None
        self.set_titles("Margin and risk by bucket",
                        "heat = what the stops may lose; margin = isolated collateral")
        self.fit()

    def _axis_title(self, ax: Axes) -> Text:
        return ax.text(0.0, 1.0, "", transform=ax.transAxes, ha="left", va="bottom",
                       fontsize=FONT, color=INK)

    def _build(self, buckets: tuple[str, ...]) -> None:
        self.forget(*[a for pair in self.segments["heat"] + self.segments["margin"]
                      for a in pair])
        for key, ax in (("heat", self.heat_ax), ("margin", self.margin_ax)):
            self.segments[key] = [
                (add_rect(ax, 0.0, -HEIGHT / 2, 0.0, HEIGHT,
                          facecolor=bucket_color(b, buckets), edgecolor="white"),
                 ax.text(0.0, 0.0, "", ha="center", va="center", fontsize=SMALL, color="white"))
                for b in buckets]
        self.animate(*[a for key in ("heat", "margin") for pair in self.segments[key]
                       for a in pair])
        self.set_legend([Patch(color=bucket_color(b, buckets), label=b) for b in buckets],
                        ncol=len(buckets))
        self._buckets = buckets

    def update(self, series: Allocation) -> None:
        """Show new allocations; rebuild the segments only when the buckets change."""
        if series.buckets != self._buckets:
            self._build(series.buckets)
        self._last = series
        heat, margin = float(series.heat_pct.sum()), float(series.margin_pct.sum())
        top = max(series.heat_cap_pct, heat, 1e-9)
        self.heat_ax.set_xlim(sticky(self._xlim, 0.0, top, (0.0, 0.15)))
        self._xlim = self.heat_ax.get_xlim()
        self.margin_ax.set_xlim(sticky(self._mxlim, 0.0, max(100.0, margin), (0.0, 0.05)))
        self._mxlim = self.margin_ax.get_xlim()
        self._stack("heat", series.heat_pct)
        self._stack("margin", series.margin_pct)
        self._cap(series.heat_cap_pct, heat)
        self.free.set_x(margin)
        self.free.set_width(max(100.0 - margin, 0.0))
        self.free_text.set_position(((margin + 100.0) / 2, 0.0))
        self.free_text.set_text(f"free {100.0 - margin:.1f} %" if margin < 85 else "")
        self.margin_title.set_text(f"Margin posted: {margin:.1f} % of capital")
        self._label_segments()

    def _stack(self, key: str, values: object) -> None:
        left = 0.0
        for (rect, _text), v in zip(self.segments[key], values, strict=True):  # type: ignore[call-overload]
            rect.set_x(left)
            rect.set_width(float(v))
            left += float(v)

    def _cap(self, cap: float, heat: float) -> None:
        self.cap_line.set_xdata([cap, cap])
        self.cap_text.set_position((cap, HEIGHT / 2 + 0.02))
        self.cap_text.set_text(f" cap {cap:g} %")
        over = heat > cap
        self.heat_title.set_text(f"Heat: {heat:.2f} % of capital"
                                 + (" — above the cap" if over else f" (cap {cap:g} %)"))
        self.heat_title.set_color(CAP if over else INK)

    def _label_segments(self) -> None:
        """Write the value inside each segment that is wide enough for it."""
        for key, ax in (("heat", self.heat_ax), ("margin", self.margin_ax)):
            lo, hi = ax.get_xlim()
            width_pt = ax.get_position().width * self.fig.get_size_inches()[0] * 72.0
            # (axes positions are figure fractions, so the figure's width converts them)
            for rect, text in self.segments[key]:
                w = rect.get_width()
                label = f"{w:.2f}" if key == "heat" else f"{w:.1f}"
                fits = w / max(hi - lo, 1e-9) * width_pt > len(label) * SMALL * 0.6 + 4
                text.set_text(label if fits else "")
                text.set_position((rect.get_x() + w / 2, 0.0))

    def fit(self) -> None:
        """Re-place the axes and re-decide which segments have room for a label."""
        super().fit()
        if self._last is not None:
            self._label_segments()
