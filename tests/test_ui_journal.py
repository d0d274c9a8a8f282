"""The Journal extension in the main window: closing planned trades (with undo), the tab's
figures, importing through the column mapper, and the models (qtmodeltester)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from planner import sample_plan
from planner.cli import run
from planner.journal.close import Fill
from planner.journal.columns import BUCKET_COLUMNS, VIEW_COLUMNS
from planner.journal.review import review
from tests.journal_helpers import trades
from ui.journal.closing import close_rows
from ui.journal.models import RAW_ROLE, FrameModel, SummaryModel

CLOSED = pd.Timestamp("2024-05-02 10:00", tz="UTC")


@pytest.fixture
def journal_path(tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite3"
    monkeypatch.setenv("TRADE_PLANNER_JOURNAL", str(path))
    return path


@pytest.fixture
def window(qtbot, journal_path):
    from ui.document import PlanDocument
    from ui.mainwindow import MainWindow
    from ui.prefs import Prefs

    win = MainWindow(PlanDocument(sample_plan(), name="sample"), prefs=Prefs(None))
    if not hasattr(win, "journal_tab"):      # the extension list may not name us yet
        from ui.journal import install

        install(win)
    win.files.ask_save = lambda name: "discard"     # no "save changes?" box when closing
    qtbot.addWidget(win)
    return win


def _fill(doc, row, move=0.03, **kw):
    entry = doc.results.rows["entry_price"].iat[row]
    side = 1 if doc.results.rows["side"].iat[row] == "long" else -1
    return Fill(entry * (1 + side * move), CLOSED, **kw)


def test_the_extension_adds_the_tab_and_the_close_action(window):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Journal" in titles
    assert window.close_trade_action in window.plan_menu.actions()


def test_closing_a_planned_trade_and_undoing_it(window):
    doc, session = window.document, window.journal_session
    before = doc.plan
    btc = doc.results.rows.iloc[0]
    close_rows(doc, session, [0], [_fill(doc, 0, fees_usd=12.0)])
    assert len(doc.plan.trades) == len(before.trades) - 1
    stored = session.trades()
    assert len(stored) == 1
    t = stored.iloc[0]
    assert (t["symbol"], t["bucket"], t["venue"], t["leverage"]) == (
        btc["symbol"], btc["bucket"], "Binance", btc["leverage"])
    assert t["planned_risk_usd"] == pytest.approx(btc["risk_usd"])
    assert t["planned_stop_price"] == pytest.approx(btc["stop_price"])
    assert t["planned_vol_pct"] == btc["volatility_pct"]
    doc.undo_stack.undo()                     # one step: plan row back, journal entry gone
    assert doc.plan == before and session.trades().empty
    doc.undo_stack.redo()
    assert len(doc.plan.trades) == len(before.trades) - 1 and len(session.trades()) == 1


def test_close_selected_asks_per_row_and_closes_them_in_one_step(window, monkeypatch):
    from ui.journal import close_selected
    from ui.journal.close_dialog import CloseTradeDialog

    def answer(dialog):
        dialog.exit_price.setText(f"{dialog.fill().entry_price * 1.01:.6f}")
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CloseTradeDialog, "exec", answer)
    monkeypatch.setattr(window, "selected_source_rows", lambda: [1, 4])
    n = len(window.document.plan.trades)
    assert close_selected(window, window.journal_session) == 2
    assert len(window.document.plan.trades) == n - 2
    assert window.document.undo_stack.count() == 1
    window.document.undo_stack.undo()
    assert len(window.document.plan.trades) == n and window.journal_session.trades().empty


def test_nothing_selected_closes_nothing(window, monkeypatch):
    from ui.journal import close_selected

    monkeypatch.setattr(window, "selected_source_rows", lambda: [])
    assert close_selected(window, window.journal_session) == 0
    assert "select the planned trade" in window.statusBar().currentMessage()


def test_the_close_dialog_refuses_a_bad_exit_and_previews_a_good_one(qtbot):
    from planner import compute
    from ui.journal.close_dialog import CloseTradeDialog

    plan = sample_plan()
    dialog = CloseTradeDialog(plan, compute(plan), 0)
    qtbot.addWidget(dialog)
    dialog.exit_price.setText("-5")
    assert "exit_price" in dialog.error.text()
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.exit_price.setText(f"{plan.trades['entry_price'].iat[0] * 1.12:.2f}")
    assert dialog.error.text() == ""
    # 12 % with σ 3 %: beyond the stressed move max(2.5σ, 10 %), within the tail's 20 %
    assert "R; move 4.00 σ (tail band)" in dialog.preview.text()


def test_a_locked_or_read_only_journal_leaves_the_plan_alone(window, monkeypatch):
    from planner.errors import PlanError
    from planner.journal.store import JournalError, JournalReadOnly

    doc = window.document
    before = doc.plan

    def refuse(frame):
        raise JournalReadOnly("journal.sqlite3: damaged; opened read-only")

    monkeypatch.setattr(window.journal_session, "add_closed", refuse)
    with pytest.raises(JournalError):
        close_rows(doc, window.journal_session, [0], [_fill(doc, 0)])
    with pytest.raises(PlanError):
        close_rows(doc, window.journal_session, [99], [_fill(doc, 0)])
    assert doc.plan == before and doc.undo_stack.count() == 0


def _journal_csv(tmp_path):
    f = trades([100, -50, 0, 200, -90, 30, 400], risk=50, planned_vol_pct=2.0,
               buckets=["directional"] * 4 + ["hedging"] * 3)
    from planner.journal.csvio import write_journal_csv
    from planner.journal.derive import derive

    path = tmp_path / "history.csv"
    write_journal_csv(derive(f), path)
    return path


def test_the_tab_shows_statistics_buckets_and_filters(window, tmp_path, qtbot):
    tab = window.journal_tab
    window.show()
    window.tabs.setCurrentWidget(tab)
    qtbot.waitExposed(window)
    assert tab.import_file(_journal_csv(tmp_path), interactive=False) == 7
    assert tab.summary_model.data(tab.summary_model.index(0, 1)) == "7"
    buckets = [tab.bucket_model.data(tab.bucket_model.index(r, 0))
               for r in range(tab.bucket_model.rowCount())]
    assert buckets == ["hedging", "directional"]               # by P&L
    tab.filter_bar.combos["bucket"].setCurrentText("directional")
    assert tab.summary_model.index(0, 1).data() == "4"
    assert tab.trades_model.rowCount() == 4
    tab.filter_bar.capital.setValue(1000)
    assert tab.review.summary["max_drawdown_pct"] == pytest.approx(50 / 1100 * 100)


def test_bad_rows_are_shown_before_anything_is_imported(window, tmp_path, monkeypatch):
    from ui.journal.import_dialog import ImportReviewDialog

    path = _journal_csv(tmp_path)
    lines = path.read_text().splitlines()
    lines.append(lines[1].replace("BTCUSDT", "").replace("2024-01-01", "2030-01-01"))
    path.write_text("\n".join(lines) + "\n")
    seen = []

    def cancel(dialog):
        seen.append((dialog.summary.text(), dialog.import_button.text(),
                     dialog.issues.toPlainText()))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ImportReviewDialog, "exec", cancel)
    tab = window.journal_tab
    assert tab.import_file(path) == 0 and tab.session.trades().empty
    summary, button, issues = seen[0]
    assert "8 row(s) read: 7 good, 1 bad" in summary and button == "Import 7 good rows"
    assert 'row 9, column "symbol": symbol is required' in issues
    monkeypatch.setattr(ImportReviewDialog, "exec", lambda d: QDialog.DialogCode.Accepted)
    assert tab.import_file(path) == 7


FILLS = """Date(UTC),Symbol,Side,Price,Quantity,Fee,Realized Profit
2024-03-01 09:00:00,BTCUSDT,BUY,60000,0.2,2.4,0
2024-03-01 15:30:00,BTCUSDT,SELL,61000,0.1,1.2,100
2024-03-01 15:30:00,BTCUSDT,SELL,61000,0.1,1.2,100
2024-03-02 08:00:00,ETHUSDT,BUY,3000,1,1.2,-40
"""
TRIPS = """Open Date;Close Date;Instrument;Direction;Open Price;Close Price;Units;Commission
03/04/2024 14:30;04/04/2024 09:15;SOLUSD;Long;150;165;10;-1.5
05/04/2024 10:00;05/04/2024 16:45;ETHUSD;Short;3300;3350;2;-2
"""


def _mapper(path, session, qtbot):
    from planner.journal.csvio import read_table
    from ui.journal.mapping_dialog import ColumnMappingDialog

    dialog = ColumnMappingDialog(path, read_table(path), session)
    qtbot.addWidget(dialog)
    return dialog


def test_the_column_mapper_on_two_differently_shaped_exports(window, tmp_path, qtbot):
    session = window.journal_session
    fills, trips = tmp_path / "fills.csv", tmp_path / "trips.csv"
    fills.write_text(FILLS)
    trips.write_text(TRIPS)
    d1 = _mapper(fills, session, qtbot)
    assert d1.fields["reported_pnl_usd"].currentText() == "Realized Profit"   # guessed
    assert not d1.import_button.isEnabled()
    d1.flags["closing_side"].setChecked(True)
    d1.flags["skip_zero_pnl"].setChecked(True)
    d1.name.setText("binance fills")
    assert d1.check().good == 3 and d1.import_button.text() == "Import 3 good rows"
    d1.accept()
    assert session.import_parsed(d1.parsed, "mapped").added == 3
    d2 = _mapper(trips, session, qtbot)
    assert d2.fields["entry_price"].currentText() == "Open Price"
    d2.check()
    assert "no timezone" not in d2.issues.toPlainText()            # UTC by default
    d2.timezone.setCurrentText("Europe/London")
    d2.flags["dayfirst"].setChecked(True)
    d2.flags["fees_negative"].setChecked(True)
    parsed = d2.check()
    assert parsed.good == 2 and parsed.issues == ()
    assert str(parsed.frame["closed_at"].iloc[0]) == "2024-04-04 08:15:00+00:00"
    assert "binance fills" in session.mappings()                  # saved by name
    d3 = _mapper(fills, session, qtbot)
    d3.saved.setCurrentText("binance fills")
    assert d3.flags["closing_side"].isChecked() and d3.check().good == 3


def test_models_pass_the_qt_model_tester(qtmodeltester):
    rv = review(trades([100, -50, 0, 200], risk=50, buckets=["a", "a", "b", "b"],
                       planned_vol_pct=2.0, notes=["x", "", "y", ""]), capital=1000)
    model = FrameModel(VIEW_COLUMNS)
    model.set_frame(rv.trades)
    qtmodeltester.check(model)
    model.sort(VIEW_COLUMNS.index(next(c for c in VIEW_COLUMNS if c.key == "realized_pnl_usd")),
               Qt.SortOrder.DescendingOrder)
    col = [c.key for c in VIEW_COLUMNS].index("realized_pnl_usd")
    assert [model.index(r, col).data(RAW_ROLE) for r in range(4)] == [200, 100, 0, -50]
    qtmodeltester.check(model)
    buckets = FrameModel(BUCKET_COLUMNS)
    buckets.set_frame(rv.buckets)
    qtmodeltester.check(buckets)
    summary = SummaryModel()
    summary.set_summary(rv.summary)
    qtmodeltester.check(summary)
    assert not model.setData(model.index(0, 0), "x")


def test_done_when_the_tab_and_the_cli_agree(window, tmp_path, journal_path, capsys):
    doc, session = window.document, window.journal_session
    close_rows(doc, session, [0], [_fill(doc, 0, move=0.25)])    # a tail move for σ 3 %
    close_rows(doc, session, [0], [_fill(doc, 0, move=-0.01)])
    fills = tmp_path / "fills.csv"
    fills.write_text(FILLS)
    tab = window.journal_tab
    # Binance's older Trade History: its fills net into one BTCUSDT trade (the ETHUSDT buy
    # closes a position opened before the file, so it is left out)
    assert tab.import_file(fills, interactive=False) == 1
    window.tabs.setCurrentWidget(tab)
    tab.refresh()
    capital = tab.filter_bar.capital.value()
    capsys.readouterr()
    assert run(["journal", "stats", "--json", "--capital", str(capital)]) == 0
    doc_json = json.loads(capsys.readouterr().out)
    rv = tab.review
    for key in ("count", "wins", "losses", "expectancy_usd", "max_drawdown_usd"):
        assert doc_json[key] == pytest.approx(rv.summary[key])
    assert [b["bucket"] for b in doc_json["buckets"]] == list(rv.buckets["bucket"])
    tail = [t["symbol"] for t in doc_json["tail_events"]]
    assert tail == ["BTCUSDT"]
    assert "tail 1" in tab.bands.text() or "beyond tail 1" in tab.bands.text()


def test_the_tab_follows_the_plan_capital_and_scenarios(window, tmp_path, qtbot):
    from planner import edits
    from planner.model import Scenario

    tab = window.journal_tab
    tab.import_file(_journal_csv(tmp_path), interactive=False)
    tab.refresh()
    doc = window.document
    doc.apply(edits.SetSettings(doc.plan.settings.with_changes(capital_usd=2000.0)), "capital")
    assert tab.filter_bar.capital.value() == 2000
    assert tab.review.capital == 2000
    # scenarios a hundred times wider in σ: more realized moves count as normal
    wide = tuple(Scenario(s.name, s.sigma_move * 100, s.min_move_pct, s.vol_mult,
                          s.funding_mult, s.slippage_mult, s.gas_mult, s.gap)
                 for s in doc.plan.scenarios)
    before = dict(tab.review.bands)
    doc.apply(edits.SetScenarios(wide), "scenarios")
    assert tab.review.bands != before and tab.review.bands["normal"] > before["normal"]


def test_a_journal_from_a_newer_version_is_shown_read_only(window, journal_path, tmp_path):
    import sqlite3

    from planner.journal import migrations
    from planner.journal.store import JournalStore

    with JournalStore(journal_path) as store:
        store.add(trades([5, -3]), source="csv")
    conn = sqlite3.connect(journal_path)
    conn.execute(f"PRAGMA user_version = {migrations.CURRENT + 1}")
    conn.commit()
    conn.close()
    tab = window.journal_tab
    tab.refresh()
    assert tab.banner.isVisibleTo(tab) and "newer version" in tab.banner.text()
    assert not tab.import_button.isEnabled()
    assert tab.review.summary["count"] == 2                  # still readable
    assert tab.export_file(tmp_path / "rescued.csv") == 2    # and exportable
    before = window.document.plan
    from planner.journal.store import JournalError

    with pytest.raises(JournalError, match="newer version"):
        close_rows(window.document, window.journal_session, [0], [_fill(window.document, 0)])
    assert window.document.plan == before


def test_a_trade_stored_in_9999_opens_the_tab_and_draws_every_chart(window, journal_path, qtbot):
    # An older version stored a close time in 9999: the tab once crashed the app on opening.
    from tests.test_planner_journal_hostile import _stored_9999

    _stored_9999(journal_path)
    tab = window.journal_tab
    window.show()
    window.tabs.setCurrentWidget(tab)
    qtbot.waitExposed(window)
    tab.refresh()
    assert tab.review.summary["count"] == 3                 # still counted
    assert "outside the supported range" in tab.banner.text()
    for i in range(tab.charts.count()):                     # each chart is drawn on show
        tab.charts.setCurrentIndex(i)
        qtbot.wait(10)
        tab.charts.canvases[list(tab.charts.canvases)[i]].draw()
    assert "could not be drawn" not in tab.banner.text()
    assert "not shown" in tab.charts.charts["calendar"].range_note.get_text()
    assert not window.grab().isNull()
