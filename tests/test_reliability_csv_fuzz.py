"""Fuzz: hostile and random journal CSVs either load or are refused with a clear message.

Wrong encodings, huge fields, mixed separators, unbalanced quotes, NUL bytes, flipped bytes and
truncation: ``read_source`` returns the parsed rows (good and bad ones named) or raises a
``PlanError`` naming the file — never another exception, never a hang. ``FUZZ_CSV_CASES`` sets
the number of random cases (default 2,000).
"""

from __future__ import annotations

import os
import random
import signal

import pytest

from planner.errors import PlanError
from planner.journal.importer import read_source

CASES = int(os.environ.get("FUZZ_CSV_CASES", "2000"))
HEADER = ("opened_at,closed_at,symbol,bucket,side,venue,entry_price,exit_price,quantity,"
          "leverage,fees_usd,funding_usd,planned_risk_usd,planned_stop_price,planned_vol_pct,"
          "notes")


def _base(rows: int = 40) -> str:
    lines = [HEADER]
    for i in range(rows):
        lines.append(f"2024-03-{1 + i % 28:02d}T10:00:00+00:00,2024-03-{1 + i % 28:02d}T15:00:00"
                     f"+00:00,BTCUSDT,directional,{'long' if i % 2 else 'short'},Binance,"
                     f"{60000 + i},{60500 - i},0.1,5,1.5,-0.2,100,58000,3,\"note {i}, ok\"")
    return "\n".join(lines) + "\n"


SPECIAL = {
    "latin1": lambda: _base().replace("note", "noté").encode("latin-1"),
    "utf16": lambda: _base().encode("utf-16"),
    "utf8_bom": lambda: b"\xef\xbb\xbf" + _base().encode(),
    "huge_field": lambda: (_base() + "2024-03-01T10:00:00Z,2024-03-01T11:00:00Z,BTC,"
                           "directional,long,Binance,1,2,1,1,0,0,1,0.5,3,"
                           + "x" * 20_000_000 + "\n").encode(),
    "mixed_separators": lambda: _base().replace(",", ";", 200).encode(),
    "tabs": lambda: _base().replace(",", "\t").encode(),
    "unbalanced_quote": lambda: _base().replace('"note 3', 'note 3"').encode(),
    "nul_bytes": lambda: _base().replace("BTCUSDT", "BTC\x00USDT").encode(),
    "empty": lambda: b"",
    "header_only": lambda: (HEADER + "\n").encode(),
    "binary": lambda: bytes(range(256)) * 100,
    "formula_cells": lambda: _base().replace("note 1,", "=HYPERLINK(\"x\"),").encode(),
}


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Timeout


def _check(path, label: str) -> str:
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(20)
    try:
        parsed = read_source(path)
        assert parsed.total >= 0
        return "loaded"
    except PlanError as exc:
        assert path.name in str(exc) or exc.issues, label
        assert "Traceback" not in str(exc)
        return "refused"
    except _Timeout:
        pytest.fail(f"{label}: reading took more than 20 s")
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{label}: {exc.__class__.__name__}: {exc}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_hostile_csv_loads_or_is_refused(name, tmp_path):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(SPECIAL[name]())
    _check(path, name)


def test_random_csv_corruptions(tmp_path):
    rng = random.Random(1130)
    base = _base().encode()
    path = tmp_path / "case.csv"
    outcomes = {"loaded": 0, "refused": 0}
    for i in range(CASES):
        data = bytearray(base)
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        for _ in range(rng.randint(1, 10)):
            if data:
                data[rng.randrange(len(data))] = rng.choice(b',;\t"\n\r\x00\xff\xc3x9-.:+=')
        path.write_bytes(bytes(data))
        outcomes[_check(path, f"case {i}")] += 1
    assert sum(outcomes.values()) == CASES and outcomes["refused"] > 0
