"""The base of every chart: artists made once, axes placed with margins in points.

A chart owns a rectangle of a ``Figure`` (the whole figure on screen; a share of a report page
when several charts share one), its title and subtitle in that rectangle's top-left corner and
its legend centred under it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import ScaledTranslation

from ui.charts.style import INK, MUTED, SMALL, TITLE

Rect = tuple[float, float, float, float]


class Chart:
    """A chart drawn in ``rect`` of ``fig``; :meth:`update` changes its artists in place.

    Subclasses create their axes with :meth:`add_axes` and their artists in ``__init__``, and
    set :attr:`margins` (left, right, top, bottom, in points) and :attr:`hspace` (points between
    stacked axes). Callers redraw the canvas after :meth:`update` (``draw_idle`` on screen,
    ``savefig`` in the report) and call :meth:`fit` when the figure is resized.

    Args:
        fig: The figure to draw on.
        rect: ``(x0, y0, width, height)`` in figure fraction; the whole figure by default.
    """

    margins: tuple[float, float, float, float] = (48.0, 12.0, 40.0, 30.0)
    hspace: float = 0.0
    #: True when an update that leaves :meth:`static_key` unchanged may be shown by redrawing
    #: only the :attr:`animated` artists over a cached background (see ``ui.charts.widget``).
    blit = True

    def __init__(self, fig: Figure, rect: Rect = (0.0, 0.0, 1.0, 1.0)) -> None:
        self.fig = fig
        self.rect = rect
        self.axes: list[Axes] = []
        self.legend: Legend | None = None
        self.animated: list[Artist] = []
        self.structure = 0
        self.title = self._corner_text(8.0, 6.0, TITLE, INK, "bold")
        self.subtitle = self._corner_text(8.0, 20.0, SMALL + 0.5, MUTED, "normal")
        self.subtitle.set_linespacing(1.25)

    def _corner_text(self, x_pt: float, y_pt: float, size: float, color: str,
                     weight: str) -> Text:
        offset = ScaledTranslation(x_pt / 72.0, -y_pt / 72.0, self.fig.dpi_scale_trans)
        x0, y0, _w, h = self.rect
        return self.fig.text(x0, y0 + h, "", transform=self.fig.transFigure + offset, va="top",
                             ha="left", fontsize=size, color=color, fontweight=weight)

    def animate(self, *artists: Artist) -> None:
        """Mark artists that change on a plain data update (bars, value labels, lines)."""
        for art in artists:
            art.set_animated(True)
        self.animated.extend(artists)

    @contextmanager
    def still(self) -> Iterator[None]:
        """Draw every artist in a normal pass (saving a file): animated flags off meanwhile.

        Matplotlib leaves animated figure-level artists (the subtitle) out of ``savefig``.
        """
        for art in self.animated:
            art.set_animated(False)
        try:
            yield
        finally:
            for art in self.animated:
                art.set_animated(True)

    def forget(self, *artists: Artist) -> None:
        """Remove artists from the figure (and from :attr:`animated`) before a rebuild."""
        gone = {id(a) for a in artists}
        self.animated = [a for a in self.animated if id(a) not in gone]
        for art in artists:
            art.remove()
        self.structure += 1

    def static_key(self) -> tuple[Any, ...]:
        """What the cached background shows: limits, titles, legend, size, structure."""
        legend = tuple(t.get_text() for t in self.legend.get_texts()) if self.legend else ()
        moving = {id(a) for a in self.animated}
        titles = tuple(t.get_text() for t in (self.title, self.subtitle) if id(t) not in moving)
        return (self.structure, tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.axes),
                titles, legend, tuple(self.fig.get_size_inches()))

    def add_axes(self, n: int = 1) -> list[Axes]:
        """Create ``n`` axes stacked top to bottom (placed by :meth:`fit`)."""
        self.axes = [self.fig.add_axes((0.0, 0.0, 1.0, 1.0)) for _ in range(n)]
        return self.axes

    def size_pt(self) -> tuple[float, float]:
        """Width and height of the chart's rectangle, in points."""
        w, h = self.fig.get_size_inches() * 72.0
        return float(w * self.rect[2]), float(h * self.rect[3])

    def set_titles(self, title: str, subtitle: str = "", subtitle_color: str = MUTED) -> None:
        """Set the title and the grey line(s) under it."""
        self.title.set_text(title)
        self.subtitle.set_text(subtitle)
        self.subtitle.set_color(subtitle_color)

    def set_legend(self, handles: list[Artist], ncol: int) -> Legend:
        """Replace the chart's legend, centred under its rectangle."""
        if self.legend is not None:
            self.legend.remove()
        x0, y0, w, _h = self.rect
        self.legend = self.fig.legend(
            handles=handles, loc="lower center", bbox_to_anchor=(x0 + w / 2, y0),
            bbox_transform=self.fig.transFigure, ncol=max(ncol, 1), frameon=False,
            fontsize=SMALL, handlelength=1.4, columnspacing=1.0)
        return self.legend

    def fit(self) -> None:
        """Place the axes inside the rectangle with the margins in points (cheap, no layout)."""
        fw, fh = (max(float(v), 1.0) for v in self.fig.get_size_inches() * 72.0)
        x0, y0, w, h = self.rect
        left, right, top, bottom = self.margins
        ax_w = max(w - (left + right) / fw, 0.2 * w)
        n = max(len(self.axes), 1)
        total = max(h - (top + bottom) / fh, 0.2 * h)
        gap = min(self.hspace / fh, total / (2 * n))
        each = (total - (n - 1) * gap) / n
        top_y = y0 + h - min(top / fh, 0.4 * h)
        for i, ax in enumerate(self.axes):
            ax.set_position((x0 + min(left / fw, 0.4 * w), top_y - (i + 1) * each - i * gap,
                             ax_w, each))

    def update(self, series: Any) -> None:
        """Show ``series`` (a :mod:`planner.charts` object) by changing the artists in place."""
        raise NotImplementedError


def sticky(current: tuple[float, float] | None, lo: float, hi: float,
           pad: tuple[float, float] = (0.12, 0.06)) -> tuple[float, float]:
    """Axis limits for data in [lo, hi] that stay put while the data moves a little.

    The current limits are kept while the data fits inside them and fills at least 60 % of
    them (so an edit redraws only the bars, not the axes); otherwise the data range is padded
    by ``pad`` (shares of the span below and above).
    """
    span = max(hi - lo, 1e-9)
    if current is not None:
        c0, c1 = current
        if c0 <= lo and hi <= c1 and span >= 0.6 * (c1 - c0):
            return current
    return lo - pad[0] * span, hi + pad[1] * span
