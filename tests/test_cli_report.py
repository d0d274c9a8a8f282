"""``python main.py report``: a readable PDF, one PNG per chart, no display, clean failures."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument

from planner import save_plan
from tests.conftest import ROOT
from tests.test_planner_charts import wipe_plan

SAMPLE = ROOT / "resources" / "sample_plan.xlsx"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", "report", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180, env=env)


def no_display_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "MPLBACKEND")}


def pdf(qapp, path) -> QPdfDocument:
    doc = QPdfDocument(qapp)
    assert doc.load(str(path)) == QPdfDocument.Error.None_
    return doc


def page_text(doc: QPdfDocument, i: int) -> str:
    return " ".join(doc.getAllText(i).text().split())


def inked(img: QImage) -> float:
    """Share of pixels that are not white (sampled)."""
    dark = total = 0
    for y in range(0, img.height(), 7):
        for x in range(0, img.width(), 7):
            total += 1
            dark += img.pixelColor(x, y).lightness() < 240
    return dark / total


def test_pdf_report_of_the_sample_plan_has_readable_pages(qapp, tmp_path):
    out = tmp_path / "report.pdf"
    res = run(str(SAMPLE), "-o", str(out), env=no_display_env())
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == str(out)
    doc = pdf(qapp, out)
    # buckets, cross table, the two bar charts, 12 ladders three to a page
    assert doc.pageCount() == 3 + 4
    first = page_text(doc, 0)
    assert "Trade plan report · sample_plan.xlsx" in first
    assert "Plan total" in first and "market-making" in first and "Margin and risk" in first
    assert "Cross margin would lose 3,306 USD" in page_text(doc, 1)
    assert "Scenario P&L by bucket" in page_text(doc, 2)
    assert "DOGEUSDT long 20x" in " ".join(page_text(doc, i) for i in range(3, 7))
    for i in range(doc.pageCount()):
        size = doc.pagePointSize(i)
        assert (size.width(), size.height()) == pytest.approx((841.7, 595.4), abs=1)  # A4
        img = doc.render(i, QSize(842, 595))
        assert not img.isNull() and 0.02 < inked(img) < 0.9


def test_the_report_needs_no_qt(tmp_path):
    out = tmp_path / "r.pdf"
    code = ("import sys\nfrom planner.cli import run\n"
            f"rc = run(['report', {str(SAMPLE)!r}, '-o', {str(out)!r}, '--rows', '2'])\n"
            "print(rc, any(m.startswith('PySide6') for m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=180, env=no_display_env())
    assert res.stdout.split()[-2:] == ["0", "False"], res.stderr


def test_a_cross_liquidation_is_on_the_cross_page(qapp, tmp_path):
    plan_path = tmp_path / "wipe.xlsx"
    save_plan(wipe_plan(), plan_path)
    out = tmp_path / "wipe.pdf"
    assert run(str(plan_path), "-o", str(out)).returncode == 0
    text = page_text(pdf(qapp, out), 1)
    assert "the account is liquidated and 1 green position is force-closed" in text


def test_png_output_writes_one_picture_per_table_and_chart(tmp_path):
    out = tmp_path / "plan.png"
    res = run(str(SAMPLE), "-o", str(out), "--rows", "2, 9")
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([
        "plan-buckets.png", "plan-cross-table.png", "plan-scenario-pnl-by-bucket.png",
        "plan-isolated-vs-cross.png", "plan-margin-and-risk-by-bucket.png",
        "plan-ladder-row2-BTCUSDT.png", "plan-ladder-row9-DOGEUSDT.png"])
    assert res.stdout.split() == [str(tmp_path / n) for n in (
        "plan-buckets.png", "plan-cross-table.png", "plan-scenario-pnl-by-bucket.png",
        "plan-isolated-vs-cross.png", "plan-margin-and-risk-by-bucket.png",
        "plan-ladder-row2-BTCUSDT.png", "plan-ladder-row9-DOGEUSDT.png")]
    for name in names:
        img = QImage(str(tmp_path / name))
        assert img.width() >= 600 and 0.01 < inked(img) < 0.9, name


def test_svg_output(tmp_path):
    assert run(str(SAMPLE), "-o", str(tmp_path / "r.svg"), "--rows", "2").returncode == 0
    svg = (tmp_path / "r-isolated-vs-cross.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "report.docx"], "written as .pdf, .png or .svg"),
    (["-o", "r.pdf", "--rows", "99"], "no trade on sheet row(s) 99"),
    (["-o", "r.pdf", "--rows", "two"], "--rows expects sheet row numbers"),
    (["-o", "r.pdf", "--journal", "missing/journal.sqlite3"], "no journal file here"),
])
def test_bad_arguments_stop_with_a_message_and_write_nothing(tmp_path, args, message):
    args = [str(tmp_path / a) if a.startswith(("report", "r.", "missing")) else a for a in args]
    res = run(str(SAMPLE), *args)
    assert res.returncode == 2 and message in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_broken_plan_stops_with_the_cell_that_is_wrong(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Symbol", "Entry", "Vol % (daily)"])
    ws.append(["BTCUSDT", "abc", 3])
    wb.save(tmp_path / "bad.xlsx")
    res = run(str(tmp_path / "bad.xlsx"), "-o", str(tmp_path / "r.pdf"))
    assert res.returncode == 2 and "Entry" in res.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_an_unwritable_output_folder_is_reported(tmp_path):
    res = run(str(SAMPLE), "-o", str(tmp_path / "no" / "such" / "r.pdf"))
    assert res.returncode == 2 and "cannot write" in res.stderr


def test_journal_charts_are_added_when_asked(qapp, tmp_path):
    pytest.importorskip("ui.charts.journal")
    from planner.journal.store import JournalStore
    from tests.journal_helpers import trades

    path = tmp_path / "journal.sqlite3"
    store = JournalStore(path)
    store.add(trades([120, -80, 45, -30, 200], risk=100), source="test")
    store.close()
    out = tmp_path / "j.pdf"
    res = run(str(SAMPLE), "-o", str(out), "--rows", "2", "--journal", str(path))
    assert res.returncode == 0, res.stderr
    doc = pdf(qapp, out)
    assert doc.pageCount() == 3 + 1 + 5      # five journal charts (the fifth: Monte Carlo)
    for i in range(4, 9):
        assert 0.01 < inked(doc.render(i, QSize(842, 595))) < 0.9
