"""Recovery snapshots: one slot per open document, found again only after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from planner import sample_plan
from planner.recovery import SnapshotSlot, discard, pending, restore
from tests.conftest import ROOT


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TRADE_PLANNER_DATA_DIR", str(tmp_path))
    return tmp_path


def test_live_snapshot_is_not_offered_and_clean_close_leaves_nothing(data_dir):
    slot = SnapshotSlot()
    slot.write(sample_plan(), "plan.xlsx")
    assert pending() == []  # its process is alive
    slot.close()
    assert list((data_dir / "recovery").iterdir()) == []


def test_two_windows_keep_separate_snapshots(data_dir):
    a, b = SnapshotSlot(), SnapshotSlot()
    plan = sample_plan()
    a.write(plan, "a.xlsx")
    b.write(plan.with_changes(trades=plan.trades.iloc[:3]), "b.xlsx")
    assert a.slot_id != b.slot_id
    assert len(list((data_dir / "recovery").glob("*.xlsx"))) == 2
    a.close()
    b.close()


def _crashing_child(data_dir, rows: int) -> None:
    code = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from planner import sample_plan
        from planner.recovery import SnapshotSlot
        plan = sample_plan()
        slot = SnapshotSlot()
        slot.write(plan.with_changes(trades=plan.trades.iloc[:{rows}]), "/tmp/edited.xlsx")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    env = {**os.environ, "TRADE_PLANNER_DATA_DIR": str(data_dir)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, timeout=120)
    assert proc.returncode == -signal.SIGKILL


def test_snapshot_of_a_killed_process_is_offered_restored_and_discarded(data_dir):
    _crashing_child(data_dir, rows=5)
    found = pending()
    assert len(found) == 1
    info = found[0]
    assert info.rows == 5 and info.source.endswith("edited.xlsx")
    assert "edited.xlsx: 5 trade(s)" in info.describe()
    plan = restore(info)
    assert plan == sample_plan().with_changes(trades=sample_plan().trades.iloc[:5])
    discard(info)
    assert pending() == []
