"""Writing figures to files, atomically (no Qt: the headless report uses it too)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from planner.atomic import atomic_path, atomic_paths

FORMATS = ("pdf", "png", "svg")


def _format(target: Path) -> str:
    fmt = target.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"cannot export a chart as {target.suffix or 'a file without suffix'}"
                         f"; use one of {', '.join('.' + f for f in FORMATS)}")
    return fmt


def _render(fig: Figure, tmp: Path, fmt: str) -> None:
    fig.savefig(tmp, format=fmt, dpi=150 if fmt == "png" else "figure")


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` to ``path``; the format follows the suffix (.png, .svg, .pdf).

    Raises:
        ValueError: The suffix is not one of :data:`FORMATS`.
        OSError: The file cannot be written (nothing is left behind).
    """
    target = Path(path)
    fmt = _format(target)
    with atomic_path(target, suffix=target.suffix) as tmp:
        _render(fig, tmp, fmt)
    return target


def save_figures(items: Sequence[tuple[Figure, Path]]) -> list[Path]:
    """Write each figure to its file, all or nothing (:func:`planner.atomic.atomic_paths`).

    Raises:
        ValueError: A suffix is not one of :data:`FORMATS`, or two files are one.
        OSError: A file cannot be written; ``filename`` names it. No new file is left behind
            and the files that existed before are unchanged.
    """
    targets = [Path(p) for _, p in items]
    formats = [_format(t) for t in targets]
    with atomic_paths(targets, suffix=".tmp") as tmps:
        for (fig, target), tmp, fmt in zip(items, tmps, formats, strict=True):
            try:
                _render(fig, tmp, fmt)
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc
    return targets


def save_pdf(figures: Sequence[Figure], path: str | Path, title: str = "") -> Path:
    """Write ``figures`` as the pages of one PDF, atomically."""
    target = Path(path)
    with atomic_path(target, suffix=".pdf") as tmp, PdfPages(
            tmp, metadata={"Title": title, "Creator": "trade planner"}) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    return target
