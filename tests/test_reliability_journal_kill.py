"""Fault test: a journal import killed midway stores all of it or none of it.

A child process imports a 30,000-trade CSV (``python main.py journal import``) and is killed
with SIGKILL at random points; afterwards ``PRAGMA integrity_check`` passes and the journal
holds either the trades it had before or those plus the whole file.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pandas as pd

from planner.journal.store import JournalStore
from tests.conftest import ROOT

N = 30_000


def _csv(path, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    opened = pd.Timestamp("2024-01-01T00:00:00Z") + pd.to_timedelta(rng.integers(0, 10**7, n),
                                                                     unit="s")
    entry = rng.uniform(10, 100, n)
    pd.DataFrame({
        "opened_at": opened.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        "closed_at": (opened + pd.Timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        "symbol": "BTCUSDT", "bucket": "directional",
        "side": np.where(rng.random(n) < 0.5, "long", "short"),
        "venue": "Binance", "entry_price": entry, "exit_price": entry * rng.uniform(0.9, 1.1, n),
        "quantity": rng.uniform(0.1, 2, n), "leverage": 5, "fees_usd": 1.0, "funding_usd": 0.0,
        "planned_risk_usd": 100.0, "planned_stop_price": entry * 0.95, "planned_vol_pct": 3.0,
        "notes": [f"t{i}" for i in range(n)],
    }).to_csv(path, index=False)


def _import(csv, journal) -> subprocess.Popen:
    env = {**os.environ, "TRADE_PLANNER_JOURNAL": str(journal)}
    return subprocess.Popen([sys.executable, "main.py", "journal", "import", str(csv)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _copy(src, dst) -> None:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def test_killed_import_is_all_or_nothing(tmp_path):
    seed = tmp_path / "seed.sqlite3"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    _csv(first, 500, 1)
    _csv(second, N, 2)
    _import(first, seed).wait(timeout=120)
    with JournalStore(seed) as store:
        before = store.count()
    assert before == 500
    rng = random.Random(5)
    counts = []
    for i in range(8):
        journal = tmp_path / f"journal{i}.sqlite3"
        _copy(seed, journal)  # every kill starts from the same 500 trades
        proc = _import(second, journal)
        time.sleep(rng.uniform(0.4, 2.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        with sqlite3.connect(journal) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with JournalStore(journal) as store:
            counts.append(store.count())
        assert counts[-1] in (before, before + N)
    print("journal counts after each kill:", counts)


def _limited(limit: int):
    def apply() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_full_disk_during_import_keeps_stored_trades(tmp_path):
    journal, first, second = (tmp_path / "j.sqlite3", tmp_path / "a.csv", tmp_path / "b.csv")
    _csv(first, 300, 3)
    _csv(second, N, 4)
    _import(first, journal).wait(timeout=120)
    size = journal.stat().st_size + 200_000
    env = {**os.environ, "TRADE_PLANNER_JOURNAL": str(journal)}
    proc = subprocess.run([sys.executable, "main.py", "journal", "import", str(second)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          preexec_fn=_limited(size))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and proc.stderr.strip()
    with sqlite3.connect(journal) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with JournalStore(journal) as store:
        assert store.count() == 300
