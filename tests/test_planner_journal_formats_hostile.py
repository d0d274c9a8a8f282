"""Hostile exports: every reader refuses bad input clearly (file, line, column), stores nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from planner.errors import FileRefused
from planner.journal.formats import PRESETS, read_exports
from planner.journal.formats.load import load_export
from planner.journal.importer import ImportRefused, store_all
from planner.journal.importer import read_exports as importer_read
from planner.journal.store import JournalStore
from tests.formats_helpers import csv_text

BINANCE = ("Uid,Time,Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit,Buyer,Maker,Trade ID,"
           "Order ID")


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _binance(tmp: Path, *rows: str, name: str = "t.csv") -> Path:
    return _write(tmp, name, "\n".join([BINANCE, *rows]) + "\n")


GOOD = ("1,2026-03-17 10:00:00,BTCUSDT,BUY,60000,0.01,600,0.24USDT,0,true,false,1,1",
        "1,2026-03-17 11:00:00,BTCUSDT,SELL,61000,0.01,610,0.24USDT,10,false,false,2,2")


@pytest.mark.parametrize("preset", [p.name for p in PRESETS])
def test_every_preset_refuses_an_empty_file_and_a_header_only_file(tmp_path: Path,
                                                                    preset: str) -> None:
    with pytest.raises(FileRefused, match="empty"):
        read_exports([_write(tmp_path, "e.csv", "")], forced=preset)
    header = ",".join(next(p for p in PRESETS if p.name == preset).signature)
    got = read_exports([_write(tmp_path, "h.csv", header + "\n")], forced=preset)
    assert got.parsed[0].frame.empty and not got.parsed[0].issues


@pytest.mark.parametrize("preset", [p.name for p in PRESETS])
def test_every_preset_names_line_and_column_of_a_bad_number(tmp_path: Path, preset: str) -> None:
    p = next(x for x in PRESETS if x.name == preset)
    cells = {h: "1" for h in p.signature}
    for key in ("time", "opened_at", "closed_at"):
        for h in p.columns.get(key, ()):
            if h in cells:
                cells[h] = "2026-03-17 10:00:00"
    numeric = next(h for k in ("quantity", "price", "amount", "entry_price", "fee")
                   for h in p.columns.get(k, ()) if h in cells)
    cells[numeric] = "12abc!"
    for k, word in (("side", "Buy"), ("symbol", "BTCUSDT"), ("kind", "Trade")):
        for h in p.columns.get(k, ()):
            if h in cells:
                cells[h] = word if not (k == "side" and p.side == "position") else "Long"
    if p.kind == "ledger":
        cells["type"] = "FUNDING_FEE"
    text = "UID:1,Time Zone:UTC+0\n" if not p.utc else ""
    path = _write(tmp_path, "bad.csv", text + csv_text(list(cells), [list(cells.values())]))
    issues = read_exports([path], forced=preset).parsed[0].issues
    assert any(i.row == (3 if text else 2) and i.column == numeric and "12abc!" in i.message
               for i in issues), issues


def test_unknown_layout_is_refused_naming_the_options(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match="--format.*--map"):
        load_export(_write(tmp_path, "x.csv", "a,b,c\n1,2,3\n"))


def test_forced_format_that_does_not_fit_names_its_headers(tmp_path: Path) -> None:
    path = _binance(tmp_path, *GOOD)
    with pytest.raises(FileRefused, match="not a dydx-fills file"):
        load_export(path, "dydx-fills")
    with pytest.raises(FileRefused, match="unknown format 'nope'"):
        load_export(path, "nope")


def test_not_utf8_and_binary_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes((BINANCE + "\n1,2026-03-17 10:00:00,BTC\xe9,BUY,1,1,1,0,0,1,1,1,1\n")
                     .encode("latin-1"))
    with pytest.raises(FileRefused, match="UTF-8"):
        load_export(path)


def test_zip_with_two_csvs_or_broken_zip_is_refused(tmp_path: Path) -> None:
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.csv", BINANCE + "\n")
        zf.writestr("b.csv", BINANCE + "\n")
    with pytest.raises(FileRefused, match="exactly one .csv"):
        load_export(two)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(FileRefused):
        load_export(broken)


def test_repeated_header_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", BINANCE + ",Price\n")
    with pytest.raises(FileRefused, match="repeats 'Price'"):
        load_export(path)


def test_absurd_values_are_listed_by_line(tmp_path: Path) -> None:
    path = _binance(tmp_path, GOOD[0],
                    "1,2026-03-17 11:00:00,BTCUSDT,SELL,-5,0.01,1,0.1USDT,0,f,f,2,2",
                    "1,2026-03-17 12:00:00,BTCUSDT,SELL,1e400,0.01,1,0.1USDT,0,f,f,3,3",
                    "1,2026-03-17 12:00:00,BTCUSDT,HOLD,60000,0.01,1,0.1USDT,0,f,f,4,4",
                    "1,1999-01-01 00:00:00,BTCUSDT,SELL,60000,0.01,1,0.1USDT,0,f,f,5,5",
                    "1,not a time,BTCUSDT,SELL,60000,0.01,1,0.1USDT,0,f,f,6,6",
                    "1,2026-03-17 12:00:00,,SELL,60000,0.01,1,0.1USDT,0,f,f,7,7",
                    "1,2026-03-17 12:00:00,BTCUSDT,SELL,60000,0,1,0.1USDT,0,f,f,8,8", GOOD[1])
    parsed = read_exports([path]).parsed[0]
    rows = {i.row: i for i in parsed.issues if i.row is not None}
    assert set(rows) == {3, 4, 5, 6, 7, 8, 9}
    assert "must be > 0" in rows[3].message and "finite" in rows[4].message
    assert "unknown side 'HOLD'" in rows[5].message and "outside" in rows[6].message
    assert len(parsed.issues) == 8                  # one per bad cell, none twice
    assert parsed.frame.empty                       # BTCUSDT had bad fills: left out
    assert any("left out" in i.message for i in parsed.issues if i.row is None)


def test_bad_rows_store_nothing_unless_accepted(tmp_path: Path) -> None:
    path = _binance(tmp_path, *GOOD, "1,2026-03-17 12:00:00,ETHUSDT,BUY,x,1,1,0.1USDT,0,f,f,9,9")
    items, _ = importer_read([path])
    with JournalStore(tmp_path / "j.sqlite3") as store:
        with pytest.raises(ImportRefused, match="line|row"):
            store_all(store, items)
        assert store.count() == 0
        res = store_all(store, items, accept_good=True)
        assert res[0].added == 1 and store.count() == 1


def test_reimport_is_idempotent_even_with_a_funding_file_added(tmp_path: Path) -> None:
    path = _binance(tmp_path, *GOOD)
    ledger = _write(tmp_path, "l.csv", "Date(UTC),type,Amount,Asset,Symbol,Transaction ID\n"
                    "2026-03-17 10:30:00,FUNDING_FEE,-0.2,USDT,BTCUSDT,77\n")
    with JournalStore(tmp_path / "j.sqlite3") as store:
        assert store_all(store, importer_read([path, ledger])[0])[0].added == 1
        again = store_all(store, importer_read([path])[0])
        assert again[0].added == 0 and again[0].skipped == 1
        assert store.trades()["funding_usd"].tolist() == [-0.2]


def test_time_zone_offset_in_preamble_or_name_and_contradicting_dates(tmp_path: Path) -> None:
    path = _binance(tmp_path, *GOOD, name="x(UTC-05:30).csv")
    assert load_export(path).offset == "-05:30"
    weird = _binance(tmp_path, *GOOD, name="x(UTC+99).csv")
    assert load_export(weird).offset == ""
    hl = _write(tmp_path, "hl.csv", "time,coin,dir,px,sz,ntl,fee,closedPnl\n"
                "18/09/2025 - 14:03:11,ETH,Open Long,2000,1,2000,1,0\n"
                "09/19/2025 - 14:03:11,ETH,Close Long,2100,1,2100,1,99\n")
    with pytest.raises(FileRefused, match="mix day/month"):
        read_exports([hl])


def test_output_is_never_the_input_and_symlinks_read_through(tmp_path: Path) -> None:
    real = _binance(tmp_path, *GOOD)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert len(read_exports([link]).parsed[0].frame) == 1
    with pytest.raises(FileRefused, match="not found"):
        load_export(tmp_path / "missing.csv")
    with pytest.raises(FileRefused, match="not found"):
        load_export(tmp_path)
