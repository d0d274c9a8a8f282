"""``python main.py market …`` and ``replay``/``stress``: import, list, vol, funding, delete."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from market_helpers import candles, kline_text, write_funding, write_kline

from planner.cli import run
from tests.conftest import ROOT

SAMPLE = str(ROOT / "resources" / "sample_plan.xlsx")


@pytest.fixture
def market(tmp_path, monkeypatch):
    path = tmp_path / "market.sqlite3"
    monkeypatch.setenv("TRADE_PLANNER_MARKET", str(path))
    return path


def _json(capsys, *argv):
    capsys.readouterr()
    assert run(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def _crash_file(tmp_path):
    frame = candles(24 * 60, seed=31, sigma=0.004, price=60000.0)
    for key in ("open", "high", "low", "close"):
        frame.loc[24 * 40:, key] *= 0.75                   # a 25 % crash on day 40
    return write_kline(tmp_path, frame)


def test_import_list_vol_funding_delete(tmp_path, market, capsys):
    path = _crash_file(tmp_path)
    t = [1_704_067_200_000 + i * 28_800_000 for i in range(50)]
    fund = write_funding(tmp_path, t, [0.0001] * 45 + [0.001] * 5)
    assert run(["market", "import", str(path), str(fund)]) == 0
    out = capsys.readouterr().out
    assert "1440 added, 0 already stored" in out and "50 added" in out
    assert run(["market", "import", str(path)]) == 0
    assert "0 added, 1440 already stored" in capsys.readouterr().out
    listed = _json(capsys, "market", "list", "--json")
    assert [(d["kind"], d["symbol"], d["rows"], d["gaps"]) for d in listed] == [
        ("candles", "BTCUSDT", 1440, []), ("funding", "BTCUSDT", 50, [])]
    assert listed[0]["from"] == "2024-01-01T00:00:00Z"
    vol = _json(capsys, "market", "vol", "BTC", "--window", "7", "--json")
    assert list(vol) == ["symbol", "interval", "window_days", "candles", "close_to_close",
                         "parkinson", "garman_klass", "yang_zhang", "ewma", "atr_pct"]
    assert vol["candles"] == 168 and vol["close_to_close"] == pytest.approx(
        0.4 * 24 ** 0.5, rel=0.25)
    fu = _json(capsys, "market", "funding", "BTC-PERP", "--json")
    assert (fu["symbol"], fu["count"]) == ("BTCUSDT", 50)
    assert fu["p99"] == pytest.approx(0.1) and fu["mean"] == pytest.approx(0.019)
    assert run(["market", "delete", "BTC", "--interval", "1h"]) == 0
    assert _json(capsys, "market", "list", "--json")[0]["kind"] == "funding"


def test_bad_rows_refuse_the_import_until_accepted(tmp_path, market, capsys):
    lines = kline_text(candles(5)).splitlines()
    lines[2] = "garbage," + lines[2].split(",", 1)[1]
    bad = tmp_path / "BTCUSDT-1h-2024-01.csv"
    bad.write_text("\n".join(lines) + "\n")
    assert run(["market", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert 'row 3, column "open_time": not a time' in err and "nothing was imported" in err
    assert not market.exists() or _json(capsys, "market", "list", "--json") == []
    assert run(["market", "import", str(bad), "--accept-good"]) == 0
    assert "4 added" in capsys.readouterr().out


def test_mapped_csv_import(tmp_path, market, capsys):
    path = tmp_path / "prices.csv"
    path.write_text("ts,o,h,l,c\n2024-01-01T00:00Z,1,2,0.5,1.5\n2024-01-01T01:00Z,1.5,2,1,1\n")
    argv = ["market", "import", str(path), "--symbol", "SOLUSDT", "--interval", "1h"]
    assert run([*argv, *(f"--map={m}" for m in ("time=ts", "open=o", "high=h", "low=l",
                                                "close=c"))]) == 0
    assert _json(capsys, "market", "list", "--json")[0]["symbol"] == "SOLUSDT"
    assert run(argv) == 2                      # not Binance's layout, no mapping: refused
    assert "not a Binance kline or funding header" in capsys.readouterr().err


def test_errors_are_plain(tmp_path, market, capsys):
    assert run(["market", "vol", "BTC", "--json"]) == 2
    assert "no candles for BTC in" in capsys.readouterr().err
    assert run(["market", "import", str(tmp_path / "missing.zip")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_replay_worst_and_typed_windows_json(tmp_path, market, capsys):
    assert run(["market", "import", str(_crash_file(tmp_path))]) == 0
    doc = _json(capsys, "replay", SAMPLE, "--worst", "2", "--hours", "48", "--json")
    assert doc["interval"] == "1h" and len(doc["windows"]) == 2
    worst = doc["windows"][0]
    assert worst["move_pct"] < -20 and worst["from"] <= "2024-02-10T00:00:00Z" <= worst["to"]
    row = worst["rows"][0]
    assert set(row) >= {"row", "symbol", "outcome", "at", "pnl_usd", "funding_usd", "gap"}
    first = worst["rows"][0]                      # sheet row 2: the BTCUSDT long
    assert (first["row"], first["symbol"], first["outcome"]) == (2, "BTCUSDT", "stop")
    assert first["pnl_usd"] < 0 and worst["totals"]["rows"] == 12
    assert {"survived", "at", "min_equity_usd", "pnl_usd"} <= set(worst["cross"])
    typed = _json(capsys, "stress", SAMPLE, "--window", "2024-01-05", "2024-01-06", "--json")
    assert typed["windows"][0]["from"] == "2024-01-05T00:00:00Z"
    assert run(["replay", SAMPLE, "--json"]) == 2
    assert "name a window" in capsys.readouterr().err
    assert run(["replay", SAMPLE, "--worst", "1"]) == 2
    assert "--hours H or --length DAYS" in capsys.readouterr().err


def test_main_py_runs_market_headless(tmp_path):
    env = {"TRADE_PLANNER_MARKET": str(tmp_path / "m.sqlite3"), "PATH": ""}
    out = subprocess.run([sys.executable, "main.py", "market", "--help"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "import" in out.stdout and "funding" in out.stdout


def test_the_generated_sample_imports_and_its_crash_is_the_worst_window(tmp_path, market,
                                                                         capsys):
    sys.path.insert(0, str(ROOT / "resources"))
    try:
        import make_sample_market
    finally:
        sys.path.pop(0)
    assert make_sample_market.main([str(tmp_path / "s")]) == 0
    zips = sorted(str(p) for p in (tmp_path / "s").glob("*.zip"))
    assert len(zips) == 9 and run(["market", "import", *zips]) == 0
    listed = _json(capsys, "market", "list", "--json")
    assert [(d["symbol"], d["rows"]) for d in listed if d["kind"] == "candles"] == [
        ("BTCUSDT", 2904), ("ETHUSDT", 2904)]
    doc = _json(capsys, "replay", SAMPLE, "--worst", "1", "--hours", "72", "--json")
    worst = doc["windows"][0]
    assert worst["from"].startswith("2024-03-1") and worst["move_pct"] < -20
    eth = [r for r in worst["rows"] if r["symbol"] == "ETHUSDT"]
    assert eth and all(r["path"] == "ETHUSDT" for r in eth)        # its own candles
