"""No command loses the user's files: outputs never overwrite inputs, links are followed,
special files are refused, and a multi-file report is written all or nothing."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from planner.atomic import atomic_paths, atomic_write_text
from planner.paths import NotAFileError, OutputRefused, check_outputs, output_target
from tests.conftest import ROOT
from tests.test_cli_compute import run

SAMPLE = ROOT / "resources" / "sample_plan.xlsx"


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "plan.xlsx"
    shutil.copy(SAMPLE, path)
    return path


def test_compute_csv_onto_the_plan_itself_is_refused_and_the_workbook_survives(plan):
    before = plan.read_bytes()
    res = run("compute", str(plan), "--csv", str(plan))
    assert res.returncode != 0
    assert "nothing was written" in res.stderr and "plan.xlsx" in res.stderr
    assert plan.read_bytes() == before


def test_compute_csv_through_a_symlink_or_hard_link_to_the_plan_is_refused(plan, tmp_path):
    before = plan.read_bytes()
    link = tmp_path / "out.csv"
    link.symlink_to(plan)
    hard = tmp_path / "hard.csv"
    os.link(plan, hard)
    for out in (link, hard):
        res = run("compute", str(plan), "--csv", str(out))
        assert res.returncode != 0 and "would overwrite the input plan workbook" in res.stderr
    assert plan.read_bytes() == before and link.is_symlink()


def test_compute_csv_refuses_a_workbook_suffix(plan, tmp_path):
    other = tmp_path / "other.xlsx"
    res = run("compute", str(plan), "--csv", str(other))
    assert res.returncode != 0 and "name the output .csv" in res.stderr
    assert not other.exists()


def test_journal_export_onto_its_own_journal_is_refused_and_the_journal_survives(tmp_path):
    journal = tmp_path / "j.csv"           # a journal file named like a CSV, on purpose
    res = run("journal", "--journal", str(journal), "batches")
    assert res.returncode == 0, res.stderr
    before = journal.read_bytes()
    assert before.startswith(b"SQLite format 3")
    res = run("journal", "--journal", str(journal), "export", str(journal))
    assert res.returncode != 0 and "would overwrite the input journal" in res.stderr
    assert journal.read_bytes() == before


def test_writing_through_a_symlink_updates_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real" / "rows.csv"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "rows.csv"
    link.symlink_to(target)
    atomic_write_text(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_compute_csv_through_a_symlink_writes_the_target(plan, tmp_path):
    target = tmp_path / "target.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    res = run("compute", str(plan), "--csv", str(link))
    assert res.returncode == 0, res.stderr
    assert link.is_symlink() and target.read_text().startswith("symbol,")


def test_a_named_pipe_is_refused_before_anything_is_written(plan, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    res = run("compute", str(plan), "--csv", str(fifo))
    assert res.returncode != 0 and "named pipe" in res.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)          # still a pipe, not a regular file
    with pytest.raises(NotAFileError, match="named pipe"):
        output_target(fifo)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(NotAFileError, match="a folder"):
        atomic_write_text(tmp_path, "x")


def test_a_character_device_is_written_in_place_not_replaced(plan):
    res = run("compute", str(plan), "--csv", os.devnull)
    assert res.returncode == 0, res.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_csv_to_standard_output_with_a_dash_is_pure_csv(plan):
    import csv
    import io

    res = run("compute", str(plan), "--csv", "-")
    assert res.returncode == 0, res.stderr
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert rows[0][0] == "symbol" and len(rows) == 13          # header + 12 trades, nothing else
    assert {len(r) for r in rows} == {len(rows[0])}
    assert "12 trades" in res.stderr                           # the summary is still shown
    both = run("compute", str(plan), "--csv", "-", "--json")
    assert both.returncode != 0 and "both write to standard output" in both.stderr


def test_a_multi_file_report_that_fails_halfway_leaves_nothing_and_names_the_file(plan, tmp_path):
    out = tmp_path / "r.png"
    blocker = tmp_path / "r-isolated-vs-cross.png"   # the fourth of its files is a folder
    blocker.mkdir()
    res = run("report", str(plan), "-o", str(out))
    assert res.returncode != 0
    assert "r-isolated-vs-cross.png" in res.stderr
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["plan.xlsx", "r-isolated-vs-cross.png"]


def test_a_multi_file_report_replaces_earlier_files_only_when_all_are_drawn(plan, tmp_path):
    out = tmp_path / "r.png"
    res = run("report", str(plan), "-o", str(out))
    assert res.returncode == 0, res.stderr
    written = sorted(tmp_path.glob("r-*.png"))
    assert len(written) >= 3 and all(p.stat().st_size > 1000 for p in written)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_atomic_paths_rolls_back_every_file_when_one_rename_fails(tmp_path, monkeypatch):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a")
    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if str(dst) == str(b):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OSError) as err, atomic_paths([a, b]) as tmps:
        for tmp, text in zip(tmps, ("new a", "new b"), strict=True):
            tmp.write_text(text)
    assert err.value.filename == str(b)
    monkeypatch.setattr(os, "replace", real_replace)
    assert a.read_text() == "old a" and not b.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_check_outputs_names_output_and_input(tmp_path):
    plan = tmp_path / "p.xlsx"
    plan.write_bytes(b"x")
    with pytest.raises(OutputRefused, match=r"p\.xlsx: writing it would overwrite the input "
                                            r"plan workbook"):
        check_outputs([plan], {"plan workbook": plan, "journal": None})
    check_outputs([tmp_path / "other.csv"], {"plan workbook": plan})


def test_journal_export_to_standard_output_is_pure_csv(tmp_path):
    journal = tmp_path / "j.sqlite3"
    res = run("journal", "--journal", str(journal), "export", "-")
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) == 1             # the header of an empty journal, only
    assert res.stdout.startswith("opened_at,closed_at,symbol,")
    assert "trade(s) written" in res.stderr and "trade(s) written" not in res.stdout
