"""``python main.py export PLAN.xlsx -o OUT.xlsx``."""

from __future__ import annotations

import subprocess
import sys

from openpyxl import load_workbook

from planner import load_plan, sample_plan
from tests.conftest import ROOT

SAMPLE = ROOT / "resources" / "sample_plan.xlsx"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_export_writes_a_live_workbook_that_reads_back_to_the_sample(tmp_path):
    out = tmp_path / "out.xlsx"
    res = run("export", str(SAMPLE), "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert "12 trade(s)" in res.stdout
    ws = load_workbook(out)["Plan"]
    head = {c.value: c.column for c in ws[1]}
    assert ws.cell(2, head["Liq. price"]).value.startswith("=IF(")
    assert "IFERROR(" in ws.cell(2, head["Liq. price"]).value
    assert load_plan(out) == sample_plan()


def test_export_refuses_a_bad_plan_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("symbol,entry\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    res = run("export", str(bad), "-o", str(out))
    assert res.returncode == 2 and "not a readable .xlsx workbook" in res.stderr
    assert "Traceback" not in res.stderr and not out.exists()
    res = run("export", str(SAMPLE), "-o", str(tmp_path / "out.csv"))
    assert res.returncode == 2 and "must be an .xlsx" in res.stderr
