"""Where the per-row outputs live: preallocated 2-D blocks, one float, one bool, one text.

The engine writes each chunk of rows straight into its slice of the blocks, and the result frame
is then built around the blocks without copying them (pandas keeps a frame's columns in 2-D
blocks of one dtype anyway; handing it ready-made blocks saves the consolidation copy, which at
a million rows costs more than several of the formulas).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planner.model import SCENARIO_NAMES
from planner.schema import OUTPUT_KEYS, OUTPUTS

#: Per-scenario output families; each family's three rows sit next to each other in a block,
#: in the order normal, stressed, tail, so :meth:`OutputBlocks.family` is a view.
FAMILIES = ("price_{}", "pnl_{}_usd", "recovery_{}_pct", "p_liq_{}", "p_stop_{}",
            "liquidated_{}")


def _block_keys(dtype: str) -> tuple[str, ...]:
    keys = [c.key for c in OUTPUTS if _kind(c.dtype) == dtype]
    grouped = [f.format(n) for f in FAMILIES for n in SCENARIO_NAMES]
    return tuple([k for k in keys if k not in grouped] + [k for k in grouped if k in keys])


def _kind(dtype: str) -> str:
    return dtype if dtype in ("bool", "text") else "float"


FLOAT_KEYS = _block_keys("float")
BOOL_KEYS = _block_keys("bool")
TEXT_KEYS = _block_keys("text")
_ROW = ({k: (0, i) for i, k in enumerate(FLOAT_KEYS)} | {k: (1, i) for i, k in enumerate(BOOL_KEYS)}
        | {k: (2, i) for i, k in enumerate(TEXT_KEYS)})
_PLACE = tuple(np.array([OUTPUT_KEYS.index(k) for k in keys], dtype=np.intp)
               for keys in (FLOAT_KEYS, BOOL_KEYS, TEXT_KEYS))

try:  # pandas ≥ 3.0: build a frame from ready-made blocks, no copy
    from pandas.api.internals import create_dataframe_from_blocks as _from_blocks
except ImportError:  # pragma: no cover - exercised by a test that hides it
    _from_blocks = None


class OutputBlocks:
    """Every output column of the schema for ``n`` rows, stored as a float, a bool and a text block.

    Attributes:
        floats: Shape ``(len(FLOAT_KEYS), n)``, float64.
        flags: Shape ``(len(BOOL_KEYS), n)``, bool.
        texts: Shape ``(len(TEXT_KEYS), n)``, object (str).
    """

    def __init__(self, n: int) -> None:
        self.floats: NDArray[np.float64] = np.empty((len(FLOAT_KEYS), n))
        self.flags: NDArray[np.bool_] = np.empty((len(BOOL_KEYS), n), dtype=bool)
        self.texts: NDArray[np.object_] = np.empty((len(TEXT_KEYS), n), dtype=object)

    def _blocks(self) -> tuple[NDArray[Any], ...]:
        return self.floats, self.flags, self.texts

    def copy(self) -> OutputBlocks:
        """An independent copy (a result frame shares its blocks; edits write to a copy)."""
        out = OutputBlocks(0)
        out.floats, out.flags, out.texts = (b.copy() for b in self._blocks())
        return out

    def column(self, key: str) -> NDArray[Any]:
        """The row of the block holding output ``key`` (a view, writable)."""
        which, i = _ROW[key]
        return self._blocks()[which][i]

    def family(self, pattern: str) -> NDArray[Any]:
        """The rows of a per-scenario family (see :data:`FAMILIES`), shape ``(3, n)``; a view."""
        which, first = _ROW[pattern.format(SCENARIO_NAMES[0])]
        return self._blocks()[which][first:first + len(SCENARIO_NAMES)]

    def write(self, where: slice | NDArray[np.intp], columns: Mapping[str, Any]) -> None:
        """Store ``columns`` (every output key) at rows ``where``."""
        for key in OUTPUT_KEYS:
            self.column(key)[where] = columns[key]

    def frame(self, trades: pd.DataFrame) -> pd.DataFrame:
        """The result frame: the trades' columns (own dtypes), then every output column."""
        n = self.floats.shape[1]
        index = pd.RangeIndex(n)
        if _from_blocks is not None:
            out = _from_blocks(list(zip(self._blocks(), _PLACE, strict=True)),
                               index=index, columns=pd.Index(list(OUTPUT_KEYS)))
        else:
            out = pd.DataFrame({k: self.column(k) for k in OUTPUT_KEYS}, index=index)
            out = out.astype({k: object for k in TEXT_KEYS})  # as the block API keeps them
        return pd.concat([trades.reset_index(drop=True), out], axis=1)
