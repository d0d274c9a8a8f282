"""Explicit timezones: offsets kept, naive times only with a named zone, DST gaps refused."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from planner.journal.filters import JournalFilter, parse_bound
from planner.journal.times import iso_utc, parse_times
from tests.journal_helpers import trades


def _one(value, tz=None, **kw):
    times, errors = parse_times(pd.Series([value], dtype=object), tz, **kw)
    return times.iloc[0], errors.iloc[0]


@pytest.mark.parametrize(("text", "utc"), [
    ("2024-05-01T14:30:00+02:00", "2024-05-01 12:30:00+00:00"),
    ("2024-05-01T14:30:00Z", "2024-05-01 14:30:00+00:00"),
    ("2024-05-01 14:30:00 UTC", "2024-05-01 14:30:00+00:00"),
    ("2024-05-01T14:30:00.250-0500", "2024-05-01 19:30:00.250000+00:00"),
])
def test_times_with_an_offset_need_no_timezone(text, utc):
    t, err = _one(text)
    assert pd.isna(err) and str(t) == utc


def test_a_naive_time_is_an_error_without_a_named_timezone():
    t, err = _one("2024-05-01 14:30")
    assert pd.isna(t) and "no timezone" in err


def test_a_naive_time_is_read_in_the_named_timezone():
    t, _ = _one("2024-01-15 09:00", "America/New_York")
    assert str(t) == "2024-01-15 14:00:00+00:00"


@pytest.mark.parametrize("local", ["2024-03-31 02:30", "2024-10-27 02:30"])
def test_a_local_time_in_a_daylight_saving_change_is_refused(local):
    t, err = _one(local, "Europe/Berlin")
    assert pd.isna(t) and "daylight-saving" in err


def test_epoch_numbers_are_utc_in_seconds_or_milliseconds():
    assert str(_one(1_700_000_000)[0]) == "2023-11-14 22:13:20+00:00"
    assert str(_one(1_700_000_000_500)[0]) == "2023-11-14 22:13:20.500000+00:00"


def test_workbook_datetimes_are_naive_and_read_in_the_zone_given():
    t, _ = _one(dt.datetime(2024, 6, 1, 12, 0), "Asia/Singapore")
    assert str(t) == "2024-06-01 04:00:00+00:00"


def test_a_custom_format_and_day_first_dates():
    assert str(_one("01.02.2024 10:00", "UTC", fmt="%d.%m.%Y %H:%M")[0]).startswith("2024-02-01")
    assert str(_one("01/02/2024 10:00", "UTC", dayfirst=True)[0]).startswith("2024-02-01")


def test_iso_output_always_carries_the_offset():
    times, _ = parse_times(pd.Series(["2024-05-01T14:30:00Z", "2024-05-01T14:30:00.5Z", None]))
    assert iso_utc(times).tolist() == ["2024-05-01T14:30:00+00:00",
                                       "2024-05-01T14:30:00.500000+00:00", ""]


def test_date_filter_bounds_include_the_whole_end_day():
    f = trades([1, 2, 3, 4], start="2024-01-01 12:00")      # closes 1, 2, 3, 4 January
    flt = JournalFilter(start=parse_bound("2024-01-02"), end=parse_bound("2024-01-03", end=True))
    assert flt.apply(f)["exit_price"].tolist() == [102, 103]


def test_filter_bounds_in_another_timezone():
    assert str(parse_bound("2024-01-02", "Asia/Tokyo")) == "2024-01-01 15:00:00+00:00"
    with pytest.raises(ValueError, match="not a date"):
        parse_bound("next tuesday")


def test_filters_combine_fields_and_match_case_insensitively():
    f = trades([1, 2, 3], buckets=["hedging", "Directional", "hedging"], side=["long", "short",
                                                                             "short"])
    kept = JournalFilter(buckets=("HEDGING",), sides=("short",)).apply(f)
    assert kept["exit_price"].tolist() == [103]
