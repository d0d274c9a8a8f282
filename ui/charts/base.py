"""The base of every chart: one Figure, artists made once, a title anchored in points."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import ScaledTranslation

from ui.charts.style import INK, MUTED, SMALL, TITLE, fit_margins


class Chart:
    """A chart drawn on ``fig``; :meth:`update` changes its artists in place.

    Subclasses create their axes and artists in ``__init__`` and set :attr:`margins` (left,
    right, top, bottom, in points). Callers redraw the canvas after :meth:`update`
    (``draw_idle`` on screen, ``savefig`` in the report) and call :meth:`fit` when the figure
    is resized.
    """

    margins: tuple[float, float, float, float] = (48.0, 12.0, 40.0, 30.0)
    hspace: float = 0.0

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.title = self._corner_text(8.0, 6.0, TITLE, INK, "bold")
        self.subtitle = self._corner_text(8.0, 20.0, SMALL + 0.5, MUTED, "normal")
        self.subtitle.set_linespacing(1.25)

    def _corner_text(self, x_pt: float, y_pt: float, size: float, color: str,
                     weight: str) -> Text:
        offset = ScaledTranslation(x_pt / 72.0, -y_pt / 72.0, self.fig.dpi_scale_trans)
        return self.fig.text(0.0, 1.0, "", transform=self.fig.transFigure + offset, va="top",
                             ha="left", fontsize=size, color=color, fontweight=weight)

    def set_titles(self, title: str, subtitle: str = "", subtitle_color: str = MUTED) -> None:
        """Set the title and the grey line under it."""
        self.title.set_text(title)
        self.subtitle.set_text(subtitle)
        self.subtitle.set_color(subtitle_color)

    def fit(self) -> None:
        """Re-place the axes for the figure's current size (margins in points)."""
        fit_margins(self.fig, *self.margins, hspace_pt=self.hspace)

    def update(self, series: Any) -> None:
        """Show ``series`` (a :mod:`planner.charts` object) by changing the artists in place."""
        raise NotImplementedError
