"""Reading kline and funding files: Binance's layouts and any CSV through a mapping."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
from market_helpers import HOUR_US, T0_US, candles, kline_text, write_funding, write_kline

from planner.errors import FileRefused
from planner.market.binance import read_binance
from planner.market.mapped import MarketMapping, parse_map, read_mapped
from planner.market.names import base_symbol, candles_per_day, interval_us, match_series


@pytest.mark.parametrize("header", [False, True])
@pytest.mark.parametrize("micros", [False, True])
def test_binance_zip_with_or_without_header_in_ms_or_us(tmp_path, header, micros):
    frame = candles(48)
    path = write_kline(tmp_path, frame, header=header, micros=micros)
    got = read_binance(path)
    assert (got.kind, got.symbol, got.interval) == ("candles", "BTCUSDT", "1h")
    assert got.parsed.issues == ()
    assert got.parsed.frame["open_time"].tolist() == frame["open_time"].tolist()
    np.testing.assert_allclose(got.parsed.frame["close"], frame["close"], rtol=1e-15)


def test_plain_csv_and_overrides(tmp_path):
    path = write_kline(tmp_path, candles(5), name="prices", zipped=False)
    with pytest.raises(FileRefused, match="does not give the symbol"):
        read_binance(path)
    got = read_binance(path, symbol="ethusdt", interval="1h")
    assert (got.symbol, got.interval, len(got.parsed.frame)) == ("ETHUSDT", "1h", 5)


def test_wrong_interval_is_caught_by_the_grid(tmp_path):
    """An hourly file read as 1d: times are off the daily grid, each named by line."""
    path = write_kline(tmp_path, candles(3, start_us=T0_US + HOUR_US), name="X-1d-2024-01")
    got = read_binance(path)
    assert got.parsed.good == 0
    assert "grid" in str(got.parsed.issues[0]) and got.parsed.bad_rows == (1, 2, 3)


def test_bad_rows_are_named_by_line_and_column(tmp_path):
    text = kline_text(candles(6), header=True).splitlines()
    cells = [line.split(",") for line in text]
    cells[2][0] = "yesterday"                  # line 3: not a time
    cells[3][2], cells[3][3] = "90", "110"     # line 4: high below low
    cells[4][4] = "inf"                        # line 5: close not finite
    cells[5][1] = "1e15"                       # line 6: absurd open (and high below it)
    cells[6][0] = str(int(cells[6][0]) - 20 * 365 * 86_400_000)  # line 7: 2004, out of range
    path = tmp_path / "BTCUSDT-1h-2024-01.csv"
    path.write_text("\n".join(",".join(c) for c in cells) + "\n")
    got = read_binance(path).parsed
    assert got.bad_rows == (3, 4, 5, 6, 7) and got.good == 1 and got.total == 6
    text = "\n".join(map(str, got.issues))
    assert 'row 3, column "open_time": not a time' in text
    assert 'row 4, column "high": high below low' in text
    assert 'row 5, column "close": not a finite number' in text
    assert 'row 6, column "open": absurd' in text
    assert 'row 7, column "open_time": outside 2009-01-01' in text


def test_negative_and_zero_prices_and_negative_volume(tmp_path):
    text = kline_text(candles(3)).splitlines()
    cells = [line.split(",") for line in text]
    cells[0][3] = "0"      # low 0
    cells[1][5] = "-1"     # volume < 0
    path = tmp_path / "BTCUSDT-1h-2024-01.csv"
    path.write_text("\n".join(",".join(c) for c in cells) + "\n")
    issues = "\n".join(map(str, read_binance(path).parsed.issues))
    assert 'row 1, column "low": must be > 0' in issues
    assert 'row 2, column "volume": must be ≥ 0' in issues


def test_repeated_times_same_values_kept_once_other_values_bad(tmp_path):
    lines = kline_text(candles(3)).splitlines()
    changed = lines[0].split(",")
    changed[4] = str(float(changed[4]) * 1.0001)
    changed[2] = str(max(float(changed[2]), float(changed[4])))
    path = tmp_path / "BTCUSDT-1h-2024-01.csv"
    path.write_text("\n".join([*lines, lines[1], ",".join(changed)]) + "\n")
    got = read_binance(path).parsed
    assert len(got.frame) == 3
    assert [str(i) for i in got.issues] == [
        'BTCUSDT-1h-2024-01.csv, row 5, column "open_time": time repeats line 1 with other '
        "values"]


@pytest.mark.parametrize("content, why", [
    ("", "empty file"),
    ("\n\n", "empty file"),
    ("date,o,h,l,c\n2024-01-01,1,2,0.5,1\n", "not a Binance kline or funding header"),
    (",".join(["open_time", "open", "high", "low", "close", "volume", "close_time",
               "quote_volume", "count", "taker_buy_volume", "taker_buy_quote_volume",
               "ignore"]) + "\n", "no rows below the header"),
    ("1704067200000,1,2,0.5,1,1,0,0,0,0,0,0,EXTRA,MORE\n", "12-column table"),
])
def test_refused_files_say_why(tmp_path, content, why):
    path = tmp_path / "BTCUSDT-1h-2024-01.csv"
    path.write_text(content)
    with pytest.raises(FileRefused, match=why):
        read_binance(path)


def test_bom_and_crlf_are_read(tmp_path):
    path = tmp_path / "BTCUSDT-1h-2024-01.csv"
    path.write_bytes(b"\xef\xbb\xbf" + kline_text(candles(4), header=True).replace(
        "\n", "\r\n").encode())
    assert read_binance(path).parsed.good == 4


def test_zip_with_two_members_or_no_csv_is_refused(tmp_path):
    path = tmp_path / "BTCUSDT-1h-2024-01.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.csv", kline_text(candles(2)))
        zf.writestr("b.csv", kline_text(candles(2)))
    with pytest.raises(FileRefused, match="exactly one CSV file; it holds 2"):
        read_binance(path)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.txt", "x")
    with pytest.raises(FileRefused, match="is not a .csv"):
        read_binance(path)
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileRefused, match="not a readable zip"):
        read_binance(path)


def test_binary_and_missing_files_are_refused(tmp_path):
    path = tmp_path / "BTCUSDT-1h-2024-01.csv"
    path.write_bytes(b"\xff\xfe\x00garbage\x00")
    with pytest.raises(FileRefused, match="UTF-8"):
        read_binance(path)
    with pytest.raises(FileRefused, match="file not found"):
        read_binance(tmp_path / "nothing.zip")


def test_monthly_interval_and_unknown_interval_are_refused(tmp_path):
    for name, why in (("BTCUSDT-1M-2024-01", "no fixed length"),
                      ("BTCUSDT-7m-2024-01", "unknown interval")):
        path = write_kline(tmp_path, candles(2), name=name)
        with pytest.raises(FileRefused, match=why):
            read_binance(path)


def test_binance_funding_file(tmp_path):
    t = [1_704_067_200_000 + i * 8 * 3_600_000 for i in range(4)]
    path = write_funding(tmp_path, t, [0.0001, -0.0002, 0.0003, "x"])  # type: ignore[list-item]
    got = read_binance(path)
    assert (got.kind, got.symbol) == ("funding", "BTCUSDT")
    assert got.parsed.frame["rate"].tolist() == [0.0001, -0.0002, 0.0003]
    assert [str(i) for i in got.parsed.issues] == [
        'BTCUSDT-fundingRate-2024-01.csv, row 5, column "last_funding_rate": not a number']


def test_funding_rate_written_in_percent_is_called_absurd(tmp_path):
    path = write_funding(tmp_path, [1_704_067_200_000], [5.0], hours=48)
    issues = "\n".join(map(str, read_binance(path).parsed.issues))
    assert "in % rather than a fraction" in issues
    assert '"funding_interval_hours": absurd: above 24' in issues


def test_kline_file_named_as_funding_is_refused(tmp_path):
    path = write_kline(tmp_path, candles(2), name="BTCUSDT-fundingRate-2024-01", header=True)
    with pytest.raises(FileRefused, match="name says funding but the rows are candles"):
        read_binance(path)


def test_mapped_ohlcv_csv_with_timezone(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Date;Open;High;Low;Close;Vol\n"
                    "2024-01-02 09:00;100;110;95;105;3\n"
                    "2024-01-02 10:00;105;106;104;104.5;1\n"
                    "2024-01-02 11:00;abc;1;1;1;1\n")
    m = parse_map(["time=Date", "open=Open", "high=High", "low=Low", "close=Close",
                   "volume=Vol"], timezone="Europe/Berlin")
    got = read_mapped(path, m, symbol="btcusdt", interval="1h")
    assert got.parsed.frame["open_time"].iat[0] == T0_US + 32 * HOUR_US   # 09:00 CET = 08:00Z
    assert [str(i) for i in got.parsed.issues] == ['export.csv, row 4, column "Open": not a '
                                                   "number"]


def test_mapping_that_does_not_fit_names_every_problem(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Date,Open\n2024-01-01,1\n")
    m = MarketMapping("candles", {"time": "Date", "open": "Open", "high": "Hi"}, "Mars/Base")
    with pytest.raises(FileRefused) as err:
        read_mapped(path, m, symbol="", interval="2x")
    text = str(err.value)
    for part in ("map a column to 'low'", "no column 'Hi'", "unknown timezone",
                 "unknown interval", "name the symbol"):
        assert part in text


def test_mapped_funding_in_percent_per_interval(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text("when,rate %,hours\n2024-01-01T00:00Z,0.01,8\n2024-01-01T01:00Z,0.005,1\n")
    m = parse_map(["time=when", "rate=rate %", "interval=hours"], kind="funding",
                  rate_in_percent=True)
    got = read_mapped(path, m, symbol="BTC")
    assert got.parsed.frame["rate"].tolist() == pytest.approx([0.0001, 0.00005])
    assert got.parsed.frame["interval_hours"].tolist() == [8.0, 1.0]


def test_interval_and_symbol_rules():
    assert interval_us("1h") == HOUR_US and candles_per_day("15m") == 96
    for raw in ("BTC", "BTCUSDT", "BTC-PERP", "btc/usdc:usdc", "BTC_USDT", "BTCUSD"):
        assert base_symbol(raw) == "BTC", raw
    assert base_symbol("USDT") == "USDT"
    stored = ["BTCUSDC", "BTCUSDT", "ETHUSDT", "WBTCUSDT"]
    assert match_series("BTC-PERP", stored) == "BTCUSDT"
    assert match_series("BTCUSDC", stored) == "BTCUSDC"
    assert match_series("wbtc", stored) == "WBTCUSDT"
    assert match_series("SOL", stored) is None


def test_times_in_the_future_and_a_symlinked_file(tmp_path):
    future = candles(2, start_us=4_102_444_800_000_000)          # 2100-01-01
    path = write_kline(tmp_path, future, name="BTCUSDT-1h-2100-01")
    assert "outside 2009-01-01" in str(read_binance(path).parsed.issues[0])
    real = write_kline(tmp_path, candles(3), name="data")
    link = tmp_path / "ETHUSDT-1h-2024-01.zip"
    link.symlink_to(real)
    got = read_binance(link)
    assert (got.symbol, got.parsed.good) == ("ETHUSDT", 3)


def test_blank_lines_are_skipped_and_later_lines_keep_their_numbers(tmp_path):
    lines = kline_text(candles(3)).splitlines()
    lines[2] = "bad" + lines[2]
    path = tmp_path / "BTCUSDT-1h-2024-01.csv"
    path.write_text("\n".join([lines[0], "", *lines[1:]]) + "\n")
    got = read_binance(path).parsed
    assert (got.good, got.total, got.bad_rows) == (2, 3, (4,))
