"""Documents: save and reopen, the unsaved-changes prompt, bad files, title, recent files."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from planner import load_plan
from ui.document import PlanDocument
from ui.grid.columns import INDEX
from ui.mainwindow import MainWindow
from ui.prefs import Prefs


class Answers:
    """Stands in for the dialogs: records questions, answers from a script."""

    def __init__(self, save: str = "cancel", open_path=None, save_path=None):
        self.save, self.open_path, self.save_path = save, open_path, save_path
        self.asked: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def answers():
    return Answers()


@pytest.fixture
def window(qtbot, sample, answers):
    w = MainWindow(PlanDocument(sample, name="Sample plan"), Prefs())
    f = w.files
    f.ask_save = lambda name: answers.asked.append(name) or answers.save
    f.ask_open_path = lambda: answers.open_path
    f.ask_save_path = lambda name: answers.save_path
    f.show_error = lambda title, text: answers.errors.append(text)
    qtbot.addWidget(w)
    yield w
    answers.save = "discard"


def edit(window, row=0, key="leverage", text="4"):
    model = window.plan_tab.model
    assert model.setData(model.index(row, INDEX[key]), text)


def test_save_as_then_reopen_gives_the_same_plan(window, answers, tmp_path):
    edit(window)
    answers.save_path = str(tmp_path / "mine")
    assert window.files.save()                      # sample has no file: Save As
    saved = tmp_path / "mine.xlsx"
    assert saved.exists() and window.document.path == saved
    assert load_plan(saved) == window.document.plan
    assert not window.document.is_modified
    assert window.windowTitle().startswith("mine.xlsx")
    edit(window, key="risk_pct", text="1.5")
    assert window.files.save()                      # now Save writes to the same file
    assert load_plan(saved).trades["risk_pct"].iat[0] == 1.5


def test_title_shows_the_modified_marker(window):
    assert window.windowTitle().startswith("Sample plan")
    assert not window.isWindowModified()
    edit(window)
    assert window.isWindowModified()
    window.document.undo_stack.undo()
    assert not window.isWindowModified()


@pytest.mark.parametrize(("answer", "proceeds", "saves"), [
    ("cancel", False, False), ("discard", True, False), ("save", True, True)])
def test_unsaved_changes_prompt_through_the_seam(window, answers, tmp_path, answer, proceeds,
                                                 saves):
    edit(window)
    answers.save, answers.save_path = answer, str(tmp_path / "kept.xlsx")
    assert window.files.open_sample() is proceeds
    assert answers.asked == ["Sample plan"]
    assert (tmp_path / "kept.xlsx").exists() is saves
    assert window.document.is_modified is (not proceeds)


def test_no_prompt_without_changes(window, answers):
    assert window.files.new()
    assert answers.asked == []
    assert len(window.document.plan.trades) == 1 and window.windowTitle().startswith("Untitled")


def test_close_asks_and_cancel_keeps_the_window(qtbot, window, answers):
    window.show()
    edit(window)
    answers.save = "cancel"
    assert not window.close()
    assert window.isVisible()
    answers.save = "discard"
    assert window.close()


def test_an_unreadable_file_leaves_the_open_plan_untouched(window, answers, tmp_path):
    edit(window)
    plan = window.document.plan
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    answers.save, answers.open_path = "discard", str(bad)
    assert not window.files.open()
    assert window.document.plan is plan and window.document.is_modified
    assert answers.errors and "broken.xlsx" in answers.errors[0]


def test_a_plan_with_bad_cells_is_refused_naming_where(window, answers, tmp_path, sample):
    import xlsxwriter

    path = tmp_path / "bad.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Plan")
    for c, h in enumerate(["Symbol", "Entry", "Vol % (daily)"]):
        ws.write(0, c, h)
    ws.write_row(1, 0, ["BTC", "abc", 3])
    wb.close()
    assert not window.files.open_path(path)
    assert "row 2" in answers.errors[0] and "Entry" in answers.errors[0]
    assert window.document.plan == sample


def test_saving_a_plan_with_blank_required_cells_is_refused(window, answers, tmp_path):
    window.plan_tab.view.setCurrentIndex(window.plan_tab.model.index(0, 0))
    window.plan_tab.grid_actions.insert_rows()
    answers.save_path = str(tmp_path / "x.xlsx")
    assert not window.files.save()
    assert "row 1" in answers.errors[0] and "Symbol is required" in answers.errors[0]
    assert not (tmp_path / "x.xlsx").exists()


def test_open_recent_and_drop_a_workbook(qtbot, window, answers, tmp_path):
    answers.save_path = str(tmp_path / "a.xlsx")
    window.files.save_as()
    assert window.files.recent()[0].endswith("a.xlsx")
    window.files.new()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "a.xlsx"))])
    drop = QDropEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert window.document.path == tmp_path / "a.xlsx"
    assert len(window.document.plan.trades) == 12


def test_without_a_file_the_sample_workbook_opens_as_an_untitled_copy(qtbot):
    from ui.files import sample_plan_path

    w = MainWindow(prefs=Prefs())
    qtbot.addWidget(w)
    assert w.document.plan == load_plan(sample_plan_path())
    assert w.document.path is None and w.windowTitle().startswith("Sample plan")


def test_save_and_save_as_keep_the_users_own_sheets(window, answers, tmp_path):
    from tests.test_planner_io_keep import assert_kept, hand_made

    src = hand_made(tmp_path / "mine.xlsx")
    assert window.files.open_path(src, ask=False)
    edit(window)
    assert window.files.save()                      # File → Save over the hand-made workbook
    assert_kept(src)
    answers.save_path = str(tmp_path / "copy.xlsx")
    assert window.files.save_as()                   # File → Save As carries them along
    assert_kept(tmp_path / "copy.xlsx")
    assert load_plan(tmp_path / "copy.xlsx").trades["leverage"].iat[0] == 4
