"""Cell references: column letters ``A`` to ``XFD`` and row numbers ``1`` to ``1,048,576``.

These are Excel's limits, and a file can claim anything: every helper here refuses input
outside them with :class:`ValueError` instead of returning a negative or huge index (a
negative index once made :func:`column_letters` loop forever on ``<c r="$A$2">``).
"""

from __future__ import annotations

import operator

#: Excel's last column is XFD, the 16,384th.
MAX_COLUMNS = 16_384
#: Excel's last row.
MAX_ROW_NUMBER = 1_048_576


def column_index(letters: str) -> int:
    """``"A"`` -> 0, ``"AB"`` -> 27, ``"XFD"`` -> 16,383 (lower case accepted).

    Raises:
        ValueError: Not one to three letters A-Z, or a column beyond XFD.
    """
    if not 0 < len(letters) <= 3 or not (letters.isascii() and letters.isalpha()):
        raise ValueError(f"not a column reference: {letters[:40]!r}")
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    if n > MAX_COLUMNS:
        raise ValueError(f"column {letters.upper()} lies beyond XFD, the last column")
    return n - 1


def column_letters(index: int) -> str:
    """0 -> ``"A"``, 27 -> ``"AB"``, 16,383 -> ``"XFD"``.

    Raises:
        ValueError: ``index`` is negative or beyond XFD (16,383).
        TypeError: ``index`` is not an integer.
    """
    index = operator.index(index)
    if not 0 <= index < MAX_COLUMNS:
        raise ValueError(f"column index {index} lies outside A to XFD (0 to {MAX_COLUMNS - 1})")
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def row_number(text: str) -> int:
    """``"12"`` -> 12.

    Raises:
        ValueError: Not ASCII digits, or a row outside 1 to 1,048,576.
    """
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"not a row number: {text[:40]!r}")
    digits = text.lstrip("0")
    if not digits or len(digits) > 7 or int(digits) > MAX_ROW_NUMBER:
        raise ValueError(f"row {text[:40]} lies outside 1 to {MAX_ROW_NUMBER:,}")
    return int(digits)
