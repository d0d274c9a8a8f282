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


def _open_files() -> set[str]:
    """The paths of this process's open file descriptors (Linux)."""
    import contextlib
    import os

    out = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the descriptor listdir itself used is gone
            out.add(os.readlink(f"/proc/self/fd/{fd}"))
    return out


def test_no_lock_file_stays_open_after_a_documents_life(qtbot, data_dir):
    """A window that autosaved and then closed leaves no descriptor open on its recovery files
    (a lock left to the garbage collector raised a ResourceWarning in an unrelated test)."""
    from planner.edits import SetCells
    from ui.mainwindow import MainWindow

    before = _open_files()
    window = MainWindow()
    qtbot.addWidget(window)
    window.document.apply(SetCells((0,), ("risk_pct",), (1.5,)), "risk")
    window.autosave.write_now()
    assert any(p.endswith(".lock") for p in _open_files() - before)  # the slot holds its lock
    window.files.ask_save = lambda name: "discard"
    window.close()
    leaked = {p for p in _open_files() - before if str(data_dir) in p}
    assert leaked == set()
    assert list(data_dir.iterdir()) == []


def test_a_slot_dropped_without_close_releases_its_lock_without_a_warning(data_dir):
    import gc
    import warnings

    from planner.recovery import SnapshotSlot

    data_dir.mkdir(parents=True)
    slot = SnapshotSlot(data_dir)
    lock = str(data_dir / f"{slot.slot_id}.lock")
    assert lock in _open_files()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ResourceWarning would raise here
        del slot
        gc.collect()
    assert lock not in _open_files()
