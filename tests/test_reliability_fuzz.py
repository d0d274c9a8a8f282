"""Fuzz: randomly corrupted workbooks either load or are refused with a clear message.

Never a traceback of another exception type, never a hang. ``FUZZ_CASES`` sets the number of
cases (default 10,000, which fits in CI time; a release run uses 200,000 — see
docs/reliability.md).
"""

from __future__ import annotations

import io
import os
import random
import signal
import zipfile
from pathlib import Path

import pytest

from planner import Plan, PlanError, load_plan, sample_plan, save_plan

CASES = int(os.environ.get("FUZZ_CASES", "10000"))


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    return buf.getvalue()


def _flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _mutate_member(rng: random.Random, members: dict[str, bytes]) -> bytes:
    """Corrupt the XML inside a member (stays a valid zip), or drop a member."""
    m = dict(members)
    name = rng.choice(sorted(m))
    action = rng.random()
    if action < 0.25:
        del m[name]
    else:
        blob = bytearray(m[name])
        if action < 0.6 and blob:
            cut = rng.randrange(len(blob))
            blob = blob[:cut]
        else:
            for _ in range(rng.randint(1, 4)):
                if blob:
                    blob[rng.randrange(len(blob))] = rng.choice(b"<>&\"'=/0123456789abcdefx \x00")
        m[name] = bytes(blob)
    return _zip(m)


def _case(rng: random.Random, data: bytes, members: dict[str, bytes]) -> bytes:
    kind = rng.random()
    if kind < 0.2:
        return data[: rng.randrange(len(data))]
    if kind < 0.5:
        return _flip_bytes(rng, data)
    return _mutate_member(rng, members)


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Timeout


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("fuzz") / "base.xlsx"
    plan = sample_plan()
    save_plan(plan, path)
    return path.read_bytes()


def test_corrupted_workbooks_load_or_are_refused_cleanly(base, tmp_path):
    rng = random.Random(20261130)
    members = _members(base)
    path = tmp_path / "case.xlsx"
    outcomes = {"loaded": 0, "refused": 0}
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        for i in range(CASES):
            path.write_bytes(_case(rng, base, members))
            signal.alarm(10)
            try:
                result = load_plan(path)
                assert isinstance(result, Plan)
                outcomes["loaded"] += 1
            except PlanError as exc:
                assert str(exc).strip(), f"case {i}: empty message"
                assert "Traceback" not in str(exc)
                outcomes["refused"] += 1
            except _Timeout:
                pytest.fail(f"case {i}: load took more than 10 s")
            except Exception as exc:  # noqa: BLE001 - the point of the test
                Path("fuzz-failure.xlsx").write_bytes(path.read_bytes())
                pytest.fail(f"case {i}: {exc.__class__.__name__}: {exc} (saved fuzz-failure.xlsx)")
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, old)
    assert outcomes["refused"] > 0 and sum(outcomes.values()) == CASES
