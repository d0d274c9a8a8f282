"""Shared fixtures. Qt runs offscreen; plans are built in code, never downloaded."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so a CI run is reproducible; set
# HYPOTHESIS_PROFILE=explore to draw fresh ones while hunting for bugs.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Autosave snapshots and other user data go to a throw-away folder, never the real one.
os.environ.setdefault("TRADE_PLANNER_DATA_DIR", tempfile.mkdtemp(prefix="trade-planner-tests-"))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner import Plan, sample_plan, shipped_venues, type_trades  # noqa: E402


@pytest.fixture
def sample() -> Plan:
    return sample_plan()


def make_plan(rows: list[dict], **changes) -> Plan:
    """A plan from a list of row dicts (keys = schema keys), shipped venues, default settings."""
    raw = pd.DataFrame(rows, index=range(2, len(rows) + 2))
    venues = shipped_venues()
    plan = Plan(trades=type_trades(raw, venues), venues=venues)
    return plan.with_changes(**changes) if changes else plan


@pytest.fixture
def plan_of():
    return make_plan


@pytest.fixture(autouse=True)
def _no_blocking_save_prompt(monkeypatch):
    """A window a test leaves modified must not open a real "save changes?" box at teardown
    (it would block the run); tests that check the prompt install their own answer."""
    files = sys.modules.get("ui.files")
    if files is not None:
        monkeypatch.setattr(files, "_default_ask_save", lambda parent: lambda name: "discard")
