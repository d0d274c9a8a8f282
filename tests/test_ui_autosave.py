"""Autosave: debounced snapshots while modified, discarded on save, offered after a crash."""

from __future__ import annotations

import pytest

from planner import sample_plan
from planner.recovery import discard, pending
from ui.autosave import Autosave, offer_recovery


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TRADE_PLANNER_DATA_DIR", str(tmp_path))
    return tmp_path / "recovery"


def test_snapshot_written_after_quiet_time_and_dropped_on_save(qtbot, data_dir):
    state = {"modified": True}
    auto = Autosave(sample_plan, lambda: "mine.xlsx", lambda: state["modified"], delay_ms=50)
    with qtbot.waitSignal(auto.snapshot_written, timeout=5000):
        auto.note_change()
    assert len(list(data_dir.glob("*.xlsx"))) == 1
    auto.saved()
    assert list(data_dir.glob("*.xlsx")) == []
    auto.close()
    assert list(data_dir.iterdir()) == []


def test_nothing_written_without_unsaved_changes(qtbot, data_dir):
    auto = Autosave(sample_plan, lambda: "", lambda: False, delay_ms=10)
    auto.write_now()
    assert not data_dir.exists() or list(data_dir.glob("*.xlsx")) == []
    auto.close()


def test_offer_recovery_restores_and_discards_by_decision(data_dir):
    from tests.test_planner_recovery import _crashing_child

    _crashing_child(data_dir.parent, rows=4)
    _crashing_child(data_dir.parent, rows=6)
    answers = iter(["restore", "discard"])
    restored = offer_recovery(lambda info: next(answers))
    assert len(restored) == 1
    info, plan = restored[0]
    assert len(plan.trades) in (4, 6)
    assert [p.slot_id for p in pending()] == [info.slot_id]  # kept until re-snapshotted
    discard(info)
    assert pending() == []
