"""Fault tests: a save killed at random points, a full disk, a read-only folder.

The promise (docs/reliability.md): the plan file on disk is always either the complete old one
or the complete new one, and a failed save says why and leaves the previous file intact.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from planner import PlanError, load_plan, sample_plan, save_plan
from tests.conftest import ROOT


def _plans(n: int):
    base = sample_plan()
    trades = base.trades.sample(n, replace=True, random_state=4).reset_index(drop=True)
    old = base.with_changes(trades=trades)
    new_trades = trades.copy()
    new_trades["notes"] = "second version"
    return old, base.with_changes(trades=new_trades)


SAVER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from bench.synth import synthetic_plan
    from planner import save_plan, sample_plan
    base = sample_plan()
    trades = base.trades.sample({n}, replace=True, random_state=4).reset_index(drop=True)
    trades["notes"] = "second version"
    print("ready", flush=True)
    while True:
        save_plan(base.with_changes(trades=trades), {path!r})
""")


def test_save_killed_at_random_points_leaves_old_or_new_file(tmp_path):
    old, new = _plans(1500)
    path = tmp_path / "plan.xlsx"
    save_plan(old, path)
    rng = random.Random(11)
    seen = set()
    for _ in range(12):
        with subprocess.Popen([sys.executable, "-c", SAVER.format(root=str(ROOT), n=1500,
                                                                  path=str(path))],
                              stdout=subprocess.PIPE, text=True) as proc:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.0, 1.2))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        got = load_plan(path)
        assert got in (old, new)
        seen.add("new" if got == new else "old")
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "plan.xlsx"]
    assert len(leftovers) <= 12  # at most one orphaned temp file per kill, never the plan itself
    assert seen  # at least one complete file every time


FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    sys.path.insert(0, {root!r})
    from planner import sample_plan, save_plan
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    base = sample_plan()
    big = base.with_changes(trades=base.trades.sample(20000, replace=True,
                                                      random_state=1).reset_index(drop=True))
    resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
    try:
        save_plan(big, {path!r})
    except OSError as exc:
        print("refused:", exc.strerror or exc)
        sys.exit(3)
    sys.exit(0)
""")


def test_full_disk_gives_a_clear_error_and_keeps_the_previous_file(tmp_path):
    path = tmp_path / "plan.xlsx"
    save_plan(sample_plan(), path)
    before = path.read_bytes()
    proc = subprocess.run([sys.executable, "-c", FULL_DISK.format(root=str(ROOT),
                                                                  path=str(path))],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert "refused: File too large" in proc.stdout
    assert path.read_bytes() == before
    assert load_plan(path) == sample_plan()
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]  # temp file cleaned up


@contextlib.contextmanager
def _read_only(folder):
    """Make ``folder`` refuse new files: chmod for a user, ``chattr +i`` for root (which ignores
    permissions)."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)],
                                                        capture_output=True).returncode:
        pytest.skip("running as root and chattr +i is not available on this filesystem")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_read_only_folder_refuses_cleanly(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    save_plan(sample_plan(), folder / "plan.xlsx")
    before = (folder / "plan.xlsx").read_bytes()
    small = sample_plan().with_changes(trades=sample_plan().trades.iloc[:2])
    with _read_only(folder), pytest.raises(OSError):
        save_plan(small, folder / "plan.xlsx")
    assert (folder / "plan.xlsx").read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["plan.xlsx"]


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 256 KB filesystem (tmpfs), when this process may mount one (root on Linux)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
            capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root; the RLIMIT_FSIZE test covers this case")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_save_on_a_full_filesystem_keeps_the_previous_file(tiny_disk):
    path = tiny_disk / "plan.xlsx"
    save_plan(sample_plan(), path)
    before = path.read_bytes()
    base = sample_plan()
    big = base.with_changes(trades=base.trades.sample(20_000, replace=True, random_state=2)
                            .reset_index(drop=True))
    with pytest.raises(OSError) as err:
        save_plan(big, path)
    assert err.value.errno in (28, 27)  # ENOSPC (or EFBIG)
    assert path.read_bytes() == before
    assert [p.name for p in tiny_disk.iterdir()] == ["plan.xlsx"]


def test_loading_a_truncated_file_is_refused_with_a_message(tmp_path):
    path = tmp_path / "plan.xlsx"
    save_plan(sample_plan(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(PlanError, match="plan.xlsx"):
        load_plan(path)


def test_saved_files_keep_normal_permissions(tmp_path):
    path = tmp_path / "plan.xlsx"
    umask = os.umask(0o022)
    try:
        save_plan(sample_plan(), path)
        assert path.stat().st_mode & 0o777 == 0o644
        path.chmod(0o640)
        save_plan(sample_plan(), path)
        assert path.stat().st_mode & 0o777 == 0o640  # replacing keeps the file's mode
    finally:
        os.umask(umask)
