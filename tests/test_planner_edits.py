"""Edits as data: apply returns a new plan and an inverse that restores the old one exactly."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import sample_plan
from planner.edits import (
    Batch,
    DeleteRows,
    InsertRows,
    SetCells,
    SetScenarios,
    SetSettings,
    SetVenues,
    apply,
    structure,
)
from planner.model import DEFAULT_SCENARIOS, Scenario
from planner.schema import INPUT_KEYS, INPUTS

SAMPLE = sample_plan()
NUMBER_KEYS = [c.key for c in INPUTS if c.dtype == "float"]
TEXT_KEYS = [c.key for c in INPUTS if c.dtype != "float"]


def plan_with_rows(indices: list[int], extra: bool):
    trades = SAMPLE.trades.iloc[indices].reset_index(drop=True)
    ex = pd.DataFrame({"Desk": [f"d{i}" for i in indices],
                       "Score": np.arange(len(indices), dtype=float)}) if extra else None
    return SAMPLE.with_changes(trades=trades, extra=ex)


plans = st.builds(plan_with_rows,
                  st.lists(st.integers(0, len(SAMPLE.trades) - 1), min_size=0, max_size=14),
                  st.booleans())
numbers = st.one_of(st.just(math.nan), st.floats(-1e6, 1e6, allow_nan=False))
texts = st.text(alphabet="abcXYZ -_.", max_size=8)


def row_values():
    return st.tuples(*[numbers if c.dtype == "float" else texts for c in INPUTS])


@st.composite
def set_cells(draw, plan):
    n = len(plan.trades)
    if n == 0:
        return SetCells((), (), ())
    cells = draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(INPUT_KEYS)),
                          min_size=1, max_size=12))
    values = tuple(draw(numbers if k in NUMBER_KEYS else texts) for _, k in cells)
    return SetCells(tuple(r for r, _ in cells), tuple(k for _, k in cells), values)


@st.composite
def insert_rows(draw, plan):
    n = len(plan.trades)
    k = draw(st.integers(1, 4))
    positions = sorted(draw(st.lists(st.integers(0, n + k - 1), min_size=k, max_size=k,
                                     unique=True)))
    rows = tuple(draw(row_values()) for _ in positions)
    return InsertRows(tuple(positions), rows)


@st.composite
def delete_rows(draw, plan):
    n = len(plan.trades)
    if n == 0:
        return DeleteRows(())
    return DeleteRows(tuple(sorted(draw(st.sets(st.integers(0, n - 1), max_size=n)))))


def other_edits():
    capital = st.floats(1, 1e9, allow_nan=False)
    return st.one_of(
        capital.map(lambda c: SetSettings(SAMPLE.settings.with_changes(capital_usd=c))),
        st.floats(0, 10, allow_nan=False).map(lambda m: SetScenarios((
            Scenario("normal", m), *DEFAULT_SCENARIOS[1:]))),
        st.just(SetVenues(tuple(list(SAMPLE.venues.values())[::-1]))),
    )


@st.composite
def edits(draw, plan):
    kind = draw(st.sampled_from(["cells", "insert", "delete", "other", "batch"]))
    if kind == "cells":
        return draw(set_cells(plan))
    if kind == "insert":
        return draw(insert_rows(plan))
    if kind == "delete":
        return draw(delete_rows(plan))
    if kind == "other":
        return draw(other_edits())
    first = draw(insert_rows(plan))
    middle, _ = apply(plan, first)
    return Batch((first, draw(set_cells(middle)), draw(other_edits())))


@st.composite
def plan_and_edit(draw):
    plan = draw(plans)
    return plan, draw(edits(plan))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_and_edit())
def test_applying_the_inverse_restores_the_plan(case):
    plan, edit = case
    before = pickle.loads(pickle.dumps(plan))
    new, inverse = apply(plan, edit)
    assert plan == before, "apply must not mutate its input"
    back, redo = apply(new, inverse)
    assert back == plan
    again, _ = apply(back, redo)
    assert again == new


@settings(max_examples=60, deadline=None)
@given(plan_and_edit())
def test_edits_keep_the_trades_frame_typed(case):
    plan, edit = case
    new, _ = apply(plan, edit)
    assert list(new.trades.columns) == list(INPUT_KEYS)
    for key in NUMBER_KEYS:
        assert new.trades[key].dtype == float
    if new.extra is not None:
        assert len(new.extra) == len(new.trades)


def test_set_cells_changes_only_the_cells_named():
    new, inverse = apply(SAMPLE, SetCells((0, 2), ("entry_price", "side"), (70_000.0, "long")))
    assert new.trades["entry_price"].iat[0] == 70_000
    assert new.trades["side"].iat[2] == "long"
    diff = (new.trades != SAMPLE.trades) & ~(new.trades.isna() & SAMPLE.trades.isna())
    assert int(diff.to_numpy().sum()) == 2
    assert isinstance(inverse, SetCells) and set(inverse.values) == {65_000.0, "short"}


def test_repeated_cell_undoes_to_the_first_value():
    new, inverse = apply(SAMPLE, SetCells((0, 0), ("leverage", "leverage"), (7.0, 9.0)))
    assert new.trades["leverage"].iat[0] == 9
    assert apply(new, inverse)[0] == SAMPLE


def test_insert_and_delete_keep_extra_columns_aligned():
    plan = plan_with_rows([0, 1, 2], extra=True)
    row = tuple(SAMPLE.trades[list(INPUT_KEYS)].iloc[5])
    new, inverse = apply(plan, InsertRows((1,), (row,), (("new", 9.0),)))
    assert list(new.extra["Desk"]) == ["d0", "new", "d1", "d2"]
    assert new.trades["symbol"].iat[1] == SAMPLE.trades["symbol"].iat[5]
    assert inverse == DeleteRows((1,))
    back, _ = apply(new, inverse)
    assert back == plan


@pytest.mark.parametrize("edit", [
    SetCells((99,), ("entry_price",), (1.0,)),
    SetCells((0,), ("notional_usd",), (1.0,)),
    SetCells((0,), ("entry_price",), ("abc",)),
    SetCells((0,), ("symbol",), (3.0,)),
    DeleteRows((3, 1)),
    InsertRows((0, 0), ((), ())),
])
def test_malformed_edits_are_refused_and_change_nothing(edit):
    with pytest.raises(ValueError):
        apply(SAMPLE, edit)
    assert sample_plan() == SAMPLE


def test_structure_reports_row_steps_in_order():
    assert structure(SetCells((), (), ())) == []
    assert structure(DeleteRows((1, 2))) == [("delete", (1, 2))]
    batch = Batch((InsertRows((3,), ((),)), SetCells((), (), ())))
    assert structure(batch) == [("insert", (3,))]
