"""Colours, fonts and axis formatters shared by every chart (no pyplot, no global rcParams)."""

from __future__ import annotations

from typing import Any, Literal

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.ticker import Formatter, FuncFormatter

from planner.charts import price_text

FONT = 8.0
SMALL = 7.0
TITLE = 9.5
INK = "#222222"
MUTED = "#6b6b6b"
GRID = "#e6e6e6"
LOSS = "#b2182b"
GAIN = "#1a7f37"
CAP = "#c0392b"

SCENARIO_COLORS = {"normal": "#f1c27d", "stressed": "#e07b39", "tail": "#8c1c13"}
MODE_COLORS = {"isolated": "#4c78a8", "cross": "#b279a2"}
_BUCKETS = {"market-making": "#4c78a8", "directional": "#f58518", "hedging": "#54a24b"}
_PALETTE = ("#eeca3b", "#b279a2", "#72b7b2", "#9d755d", "#ff9da6", "#bab0ac", "#e45756")
ZONE_COLORS = {"profit": "#e3f2dc", "noise": "#f4f4f4", "trim": "#fff1b8",
               "beyond_stop": "#fdd3a7", "liquidation": "#f6b2b2"}
LEVEL_STYLES: dict[str, tuple[str, str, float]] = {   # colour, line style, width
    "target": ("#1a7f37", "-", 1.2), "entry": ("#111111", "-", 1.8),
    "trim": ("#c99a06", "--", 1.0), "stop": ("#e66101", "-", 1.4),
    "review": ("#8c510a", ":", 1.0), "liquidation": ("#d7191c", "-", 1.8),
    "bankruptcy": ("#67000d", "--", 1.0),
    **{f"scenario_{k}": (c, "-", 1.0) for k, c in SCENARIO_COLORS.items()},
}

#: Label colours where the line colour is too light for text.
LABEL_COLORS = {"scenario_normal": "#a8741a", "trim": "#9a7504"}


def bucket_color(name: str, order: tuple[str, ...]) -> str:
    """Colour of a bucket: fixed for the three standard ones, from a palette for the others."""
    if name in _BUCKETS:
        return _BUCKETS[name]
    extra = [b for b in order if b not in _BUCKETS]
    return _PALETTE[extra.index(name) % len(_PALETTE)] if name in extra else _PALETTE[0]


def usd_short(value: float, _pos: object = None) -> str:
    """Compact USD tick label: ``−12k``, ``1.5M``, ``800``."""
    a = abs(value)
    sign = "−" if value < 0 else ""
    if a >= 1e6:
        return f"{sign}{a / 1e6:.3g}M"
    if a >= 1e3:
        return f"{sign}{a / 1e3:.3g}k"
    return f"{sign}{a:.0f}"


class UsdTicks(Formatter):
    """Compact USD tick labels, one unit per axis, with the digits the tick spacing needs.

    ``usd_short`` alone labels an equity curve that moves between 99,800 and 100,000 as
    ``100k`` five times; this formatter writes ``99.80k … 100.00k`` instead.
    """

    def __init__(self) -> None:
        super().__init__()
        self._style: tuple[float, str, int] | None = None

    def format_ticks(self, values: Any) -> list[str]:
        """Label all ticks of an axis at once, sharing one unit and precision."""
        vals = [float(v) for v in values]
        self._style = _tick_style(vals)
        try:
            return [self(v) for v in vals]
        finally:
            self._style = None

    def __call__(self, x: float, pos: object = None) -> str:
        """Label one tick (alone: as :func:`usd_short`)."""
        if self._style is None:
            return usd_short(x)
        scale, unit, digits = self._style
        if x == 0:
            return "0"
        return f"{'−' if x < 0 else ''}{abs(x) / scale:.{digits}f}{unit}"


def _tick_style(values: list[float]) -> tuple[float, str, int] | None:
    """Unit and decimals that label every tick exactly, or ``None`` for plain labels."""
    steps = [abs(b - a) for a, b in zip(values, values[1:], strict=False) if b != a]
    top = max((abs(v) for v in values), default=0.0)
    if not steps or top < 1e3:
        return None
    scale, unit = (1e6, "M") if top >= 1e6 else (1e3, "k")
    step = min(steps) / scale
    digits = next((d for d in range(7) if abs(round(step, d) - step) < 1e-9 * max(step, 1)), 6)
    return scale, unit, digits


def style_axes(ax: Axes, usd_axis: Literal["x", "y"] | None = "y") -> None:
    """House look: light grid, no top/right spines, small ticks, compact USD labels."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(MUTED)
    ax.spines["bottom"].set_color(MUTED)
    ax.tick_params(labelsize=FONT, colors=INK, length=3)
    ax.set_axisbelow(True)
    if usd_axis:
        axis = ax.yaxis if usd_axis == "y" else ax.xaxis
        axis.set_major_formatter(UsdTicks())
        ax.grid(True, axis=usd_axis, color=GRID, linewidth=0.8)


def price_axis(ax: Axes) -> None:
    """Y tick labels as prices with five significant digits."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: tick_price(v)))


def tick_price(value: float) -> str:
    """A round tick price without trailing zeros (``46``, ``0.475``, ``65,000``)."""
    text = price_text(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def add_rect(ax: Axes, x: float, y: float, width: float, height: float, **kw: object) -> Rectangle:
    """Add a rectangle (a bar or a segment) to ``ax`` and return it, typed."""
    rect = Rectangle((x, y), width, height, **kw)  # type: ignore[arg-type]
    ax.add_patch(rect)
    return rect
