"""Tables drawn on a matplotlib Figure (report pages): the same strings as the Qt tables.

Cells are plain ``Figure.text`` artists laid out in points from the top-left corner of a
rectangle of a fixed-size page; the font shrinks when the columns would not fit the width.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from planner.charts import Table
from ui.charts.base import Rect
from ui.charts.style import GAIN, INK, LOSS

PAD = 5.0          # points of padding on each side of a cell
CHAR = 0.6         # average character width, in font sizes
HEADER_BG, ZEBRA, BAD_ROW = "#e9e9e9", "#f6f6f6", "#fde4e4"
TONES = {-1: LOSS, 1: GAIN}


def header_lines(text: str) -> str:
    """Break a long header over two lines at the space nearest its middle."""
    if len(text) <= 10 or " " not in text:
        return text
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut] + "\n" + text[cut + 1:]


def column_widths(table: Table, cols: list[int], size: float) -> list[float]:
    """Width of each column in points at font ``size``."""
    out = []
    for c in cols:
        head = max(len(line) for line in header_lines(table.columns[c].header).split("\n"))
        body = max((len(row[c]) for row in table.text), default=0)
        out.append(max(head, body) * CHAR * size + 2 * PAD)
    return out


class _Page:
    """Converts points from a top-left origin to figure fractions."""

    def __init__(self, fig: Figure, rect: Rect) -> None:
        self.fig = fig
        self.w, self.h = fig.get_figwidth() * 72.0, fig.get_figheight() * 72.0
        self.x0, self.top = rect[0], rect[1] + rect[3]

    def xy(self, x_pt: float, y_pt: float) -> tuple[float, float]:
        return self.x0 + x_pt / self.w, self.top - y_pt / self.h

    def box(self, x: float, y: float, w: float, h: float, color: str) -> None:
        fx, fy = self.xy(x, y + h)
        self.fig.add_artist(Rectangle((fx, fy), w / self.w, h / self.h, facecolor=color,
                                      edgecolor="none", transform=self.fig.transFigure))

    def text(self, x: float, y: float, s: str, **kw: object) -> None:
        self.fig.text(*self.xy(x, y), s, **kw)  # type: ignore[arg-type]


def fitted(table: Table, cols: list[int], width_pt: float, size: float = 8.0) -> tuple[
        float, float]:
    """The font size that fits ``width_pt`` (at most ``size``) and the table's height, points."""
    widths = column_widths(table, cols, size)
    if sum(widths) > width_pt:
        size = max(size * width_pt / sum(widths), 5.0)
    return size, 2.6 * size + 4 + len(table.text) * (1.7 * size + 2)


def draw_table(fig: Figure, rect: Rect, table: Table, cols: list[int] | None = None,
               size: float = 8.0) -> float:
    """Draw ``table`` (its columns ``cols``, all by default) from the top-left of ``rect``.

    Returns:
        The height used, in points.
    """
    cols = list(range(len(table.columns))) if cols is None else cols
    size, height = fitted(table, cols, rect[2] * fig.get_figwidth() * 72.0, size)
    widths = column_widths(table, cols, size)
    page = _Page(fig, rect)
    head_h, row_h = 2.6 * size + 4, 1.7 * size + 2
    page.box(0, 0, sum(widths), head_h, HEADER_BG)
    for r in range(len(table.text)):
        bg = BAD_ROW if table.row_tone[r] < 0 else (ZEBRA if r % 2 else None)
        if bg:
            page.box(0, head_h + r * row_h, sum(widths), row_h, bg)
    x = 0.0
    for c, w in zip(cols, widths, strict=True):
        _column(page, table, c, (x, w), (head_h, row_h), size)
        x += w
    return height


def _column(page: _Page, table: Table, c: int, xw: tuple[float, float],
            heights: tuple[float, float], size: float) -> None:
    col = table.columns[c]
    (x, w), (head_h, row_h) = xw, heights
    right = col.fmt != "text"
    tx, ha = (x + w - PAD, "right") if right else (x + PAD, "left")
    page.text(tx, head_h / 2, header_lines(col.header), ha=ha, va="center", fontsize=size,
              fontweight="bold", color=INK, linespacing=1.0)
    for r, row in enumerate(table.text):
        page.text(tx, head_h + (r + 0.5) * row_h, row[c], ha=ha, va="center", fontsize=size,
                  color=TONES.get(table.tone[r][c], INK),
                  fontweight="bold" if table.row_keys[r] == "" else "normal")
