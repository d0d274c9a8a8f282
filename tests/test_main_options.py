"""``python main.py --journal PATH`` points the app's Journal tab at that file."""

from __future__ import annotations

import os

import main


def test_journal_option_sets_the_journal_for_the_app(monkeypatch, tmp_path):
    seen = {}

    def fake_run_app(file, screenshot=None):
        from planner.journal.location import journal_path

        seen["journal"], seen["file"] = journal_path(), file
        return 0

    import ui.app

    monkeypatch.setattr(ui.app, "run_app", fake_run_app)
    monkeypatch.delenv("TRADE_PLANNER_JOURNAL", raising=False)
    target = tmp_path / "mine.sqlite3"
    assert main.main(["--journal", str(target), "--screenshot", str(tmp_path / "s.png")]) == 0
    assert seen["journal"] == target
    assert os.environ["TRADE_PLANNER_JOURNAL"] == str(target)
    monkeypatch.delenv("TRADE_PLANNER_JOURNAL")
