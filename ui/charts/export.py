"""Writing figures to files, atomically (no Qt: the headless report uses it too)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from planner.atomic import atomic_path

FORMATS = ("pdf", "png", "svg")


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` to ``path``; the format follows the suffix (.png, .svg, .pdf).

    Raises:
        ValueError: The suffix is not one of :data:`FORMATS`.
        OSError: The file cannot be written (nothing is left behind).
    """
    target = Path(path)
    fmt = target.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"cannot export a chart as {target.suffix or 'a file without suffix'}"
                         f"; use one of {', '.join('.' + f for f in FORMATS)}")
    with atomic_path(target, suffix=target.suffix) as tmp:
        fig.savefig(tmp, format=fmt, dpi=150 if fmt == "png" else "figure")
    return target


def save_pdf(figures: Sequence[Figure], path: str | Path, title: str = "") -> Path:
    """Write ``figures`` as the pages of one PDF, atomically."""
    target = Path(path)
    with atomic_path(target, suffix=".pdf") as tmp, PdfPages(
            tmp, metadata={"Title": title, "Creator": "trade planner"}) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    return target
