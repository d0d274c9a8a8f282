"""The one-line verdict of the isolated-vs-cross table (planner.engine.cross.verdict)."""

from __future__ import annotations

import pytest

from planner.engine.cross import verdict


def row(diff, wiped=False, green=0, liq=0):
    return {"difference_usd": diff, "cross_account_liquidated": wiped,
            "cross_green_force_closed": green, "isolated_liquidated": liq}


@pytest.mark.parametrize(("r", "text"), [
    (row(-12_000, wiped=True, green=2, liq=1),
     "Cross margin would lose 12,000 USD (12.0 % of capital) more: the gains of the green "
     "positions do not cover the losing ones, the account is liquidated and 2 green positions "
     "are force-closed with it."),
    (row(-5_000, wiped=True),
     "Cross margin would lose 5,000 USD (5.0 % of capital) more: the losses exceed the wallet "
     "and the account is liquidated."),
    (row(-3_511, liq=4),
     "Cross margin would lose 3,511 USD (3.5 % of capital) more: isolated margin caps each of "
     "the 4 liquidated rows at its own collateral."),
    (row(-68, liq=1),
     "Cross margin would lose 68 USD (0.07 % of capital) more: isolated margin caps the "
     "liquidated row at its own collateral."),
    (row(850, liq=1),
     "Cross margin would keep 850 USD (0.85 % of capital) more: the wallet carries the 1 row "
     "that isolated margin liquidates, and the other rows' gains cover them."),
    (row(0.0), "Same outcome under cross and isolated margin: no row reaches its liquidation."),
    (row(0.001, liq=1), "Same outcome under cross and isolated margin."),
])
def test_verdict_says_which_mode_keeps_more_by_how_much_and_why(r, text):
    assert verdict(r, 100_000) == text


def test_one_green_position_is_singular():
    assert "1 green position is force-closed" in verdict(row(-1, wiped=True, green=1), 100_000)
