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


def test_offer_recovery_discards_declined_and_stops_at_the_restored(data_dir):
    from tests.test_planner_recovery import _crashing_child

    _crashing_child(data_dir.parent, rows=4)
    _crashing_child(data_dir.parent, rows=6)
    asked = []

    def ask(info):
        asked.append(info.rows)
        return "discard" if len(asked) == 1 else "restore"

    info, plan = offer_recovery(ask)
    assert len(asked) == 2 and len(plan.trades) == asked[1]
    assert [p.slot_id for p in pending()] == [info.slot_id]  # kept until re-snapshotted
    discard(info)
    assert pending() == []


def test_window_restores_a_crashed_session_as_unsaved_changes(qtbot, data_dir):
    from tests.test_planner_recovery import _crashing_child
    from ui.autosave import recover_into
    from ui.mainwindow import MainWindow

    _crashing_child(data_dir.parent, rows=3)
    window = MainWindow()
    window.files.ask_save = lambda name: "discard"  # no "save changes?" box at teardown
    qtbot.addWidget(window)
    assert recover_into(window, lambda info: "restore")
    assert len(window.document.plan.trades) == 3
    assert window.document.is_modified
    assert len(pending()) == 0  # the old snapshot is gone ...
    assert len(list(data_dir.glob("*.xlsx"))) == 1  # ... replaced by this window's own
    window.autosave.close()
