"""The column mapper on two differently shaped exports, and saved mappings."""

from __future__ import annotations

import pytest

from planner.errors import FileRefused
from planner.journal.derive import derive
from planner.journal.importer import read_source, store_parsed
from planner.journal.mapping import ColumnMapping
from planner.journal.store import JournalStore

# A fill export (one row per execution; the exchange's realized profit per fill, before fees;
# fee with its coin). Two genuine fills at the same second, size and price close the long.
FILLS = """Date(UTC),Symbol,Side,Price,Quantity,Fee,Realized Profit
2024-03-01 09:00:00,BTCUSDT,BUY,60000,0.2,2.4 USDT,0
2024-03-01 15:30:00,BTCUSDT,SELL,61000,0.1,1.22 USDT,100
2024-03-01 15:30:00,BTCUSDT,SELL,61000,0.1,1.22 USDT,100
2024-03-02 08:00:00,ETHUSDT,BUY,3000,1,1.2 USDT,-40
"""

FILLS_MAP = ColumnMapping(
    name="binance-fills",
    columns={"closed_at": "Date(UTC)", "symbol": "Symbol", "side": "Side", "exit_price": "Price",
             "quantity": "Quantity", "fees_usd": "Fee", "reported_pnl_usd": "Realized Profit"},
    timezone="UTC", closing_side=True, skip_zero_pnl=True, pnl_before_costs=True,
    venue="Binance")

# A broker's round trips: semicolons, day-first local times (London), negative commission.
TRIPS = (
    "Open Date;Close Date;Instrument;Direction;Open Price;Close Price;Units;Commission;Swap;"
    "Comment\n"
    "03/04/2024 14:30;04/04/2024 09:15;SOLUSD;Long;150;165;10;-1.5;-0.25;breakout\n"
    "05/04/2024 10:00;05/04/2024 16:45;ETHUSD;Short;3300;3350;2;-2;0;=SUM(A1)\n"
)

TRIPS_MAP = ColumnMapping(
    name="broker-trips",
    columns={"opened_at": "Open Date", "closed_at": "Close Date", "symbol": "Instrument",
             "side": "Direction", "entry_price": "Open Price", "exit_price": "Close Price",
             "quantity": "Units", "fees_usd": "Commission", "funding_usd": "Swap",
             "notes": "Comment"},
    timezone="Europe/London", dayfirst=True, fees_negative=True, bucket="swing")


def _file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_fill_export_imports_closing_fills_with_the_exchange_pnl(tmp_path):
    parsed = read_source(_file(tmp_path, "fills.csv", FILLS), mapping=FILLS_MAP)
    assert parsed.issues == ()
    d = derive(parsed.frame)
    assert len(d) == 3                                   # the opening fill (P&L 0) is skipped
    assert d["side"].tolist() == ["long", "long", "short"]   # SELL closes a long
    assert d["fees_usd"].tolist() == pytest.approx([1.22, 1.22, 1.2])
    assert d["realized_pnl_usd"].tolist() == pytest.approx([98.78, 98.78, -41.2])
    assert d["venue"].tolist() == ["Binance"] * 3
    assert str(d["closed_at"].iloc[0]) == "2024-03-01 15:30:00+00:00"


def test_a_round_trip_export_gets_pnl_from_prices_in_its_own_timezone(tmp_path):
    parsed = read_source(_file(tmp_path, "trips.csv", TRIPS), mapping=TRIPS_MAP)
    assert parsed.issues == ()
    d = derive(parsed.frame)
    # long 10 SOL 150 -> 165, commission 1.5, swap paid 0.25: 150 - 1.5 - 0.25.
    assert d["realized_pnl_usd"].tolist() == pytest.approx([148.25, -102.0])
    assert str(d["opened_at"].iloc[0]) == "2024-04-03 13:30:00+00:00"   # BST = UTC+1
    assert d["bucket"].tolist() == ["swing", "swing"]
    assert d["notes"].tolist() == ["breakout", "=SUM(A1)"]          # kept as text


def test_both_shapes_reimport_idempotently_and_same_fills_stay_apart(tmp_path):
    fills = _file(tmp_path, "fills.csv", FILLS)
    trips = _file(tmp_path, "trips.csv", TRIPS)
    with JournalStore(tmp_path / "j.sqlite3") as store:
        for _ in range(2):
            store_parsed(store, read_source(fills, mapping=FILLS_MAP), source="mapped")
            store_parsed(store, read_source(trips, mapping=TRIPS_MAP), source="mapped")
        assert store.count() == 5


def test_a_mapping_is_saved_by_name_and_reused(tmp_path):
    with JournalStore(tmp_path / "j.sqlite3") as store:
        store.save_mapping(TRIPS_MAP.name, TRIPS_MAP.to_json())
    with JournalStore(tmp_path / "j.sqlite3") as store:
        again = ColumnMapping.from_json(store.mappings()["broker-trips"])
    assert again == TRIPS_MAP


def test_execution_ids_make_the_key_when_mapped(tmp_path):
    text = "Time,Pair,Side,PnL,TradeId\n" + "".join(
        f"2024-01-01T00:00:00Z,BTC,long,5,{i}\n" for i in ("a1", "a2", "a1"))
    mapping = ColumnMapping(columns={"closed_at": "Time", "symbol": "Pair", "side": "Side",
                                     "reported_pnl_usd": "PnL", "execution_id": "TradeId"})
    with JournalStore(tmp_path / "j.sqlite3") as store:
        res = store_parsed(store, read_source(_file(tmp_path, "x.csv", text), mapping=mapping))
    assert (res.added, res.skipped) == (2, 1)   # the repeated id is one execution


def test_a_mapping_that_does_not_fit_the_file_says_what_is_missing(tmp_path):
    path = _file(tmp_path, "fills.csv", FILLS)
    wrong = ColumnMapping(columns={"closed_at": "Time", "symbol": "Symbol"})
    with pytest.raises(FileRefused) as err:
        read_source(path, mapping=wrong)
    text = str(err.value)
    assert "no column 'Time'" in text and "Realized P&L" in text


def test_mapping_problems_cover_side_and_timezone():
    m = ColumnMapping(columns={"closed_at": "t", "symbol": "s", "entry_price": "e",
                               "exit_price": "x", "quantity": "q"}, timezone="Mars/Base")
    problems = " ".join(m.problems())
    assert "'Side'" in problems and "unknown timezone 'Mars/Base'" in problems


def test_the_first_guess_maps_both_shapes_from_their_headers():
    from planner.journal.mapping import guess_mapping

    assert guess_mapping(["Date(UTC)", "Symbol", "Side", "Price", "Quantity", "Fee",
                          "Realized Profit"]).columns == FILLS_MAP.columns
    assert guess_mapping(["Open Date", "Close Date", "Instrument", "Direction", "Open Price",
                          "Close Price", "Units", "Commission", "Swap", "Comment"]
                         ).columns == TRIPS_MAP.columns
