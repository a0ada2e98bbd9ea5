"""Window arithmetic, watermark spelling and the search-cap split, on plain values."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from mqlsync.extract.windows import (
    ExtractResult,
    ExtractWindow,
    SearchWindow,
    parse_instant,
    split_search_window,
    watermark_from_result,
)

T0 = datetime(2026, 11, 1, 10, tzinfo=UTC)


def result(**overrides: object) -> ExtractResult:
    values: dict[str, object] = dict(
        system="salesforce",
        object="Lead",
        landing_dir="x",
        rows=1,
        deleted=0,
        merged=0,
        calls=2,
        complete=True,
        new_watermark="2026-11-01T10:00:00.123Z",
    )
    return ExtractResult(**{**values, **overrides})  # type: ignore[arg-type]


def test_full_pull_has_no_lower_bound() -> None:
    assert ExtractWindow(None, T0, timedelta(hours=1), watermark=T0).lower is None


@pytest.mark.parametrize(
    ("start", "watermark", "expected"),
    [
        (T0, None, T0 - timedelta(minutes=10)),
        (T0, T0 - timedelta(hours=2), T0 - timedelta(hours=2, minutes=10)),  # a stopped run continues
        (T0, T0 + timedelta(hours=2), T0 - timedelta(minutes=10)),  # a backfill reads its own interval
    ],
)
def test_lower_bound_is_min_of_watermark_and_start_minus_lookback(start, watermark, expected) -> None:
    window = ExtractWindow(start, T0 + timedelta(hours=1), timedelta(minutes=10), watermark=watermark)
    assert window.lower == expected


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        ExtractWindow(datetime(2026, 1, 1), T0)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-01T10:00:00.123+0000",
        "2026-11-01T10:00:00.123Z",
        "1793527200123",
        "2026-11-01T11:00:00.123+01:00",
    ],
)
def test_parse_instant_reads_every_crm_spelling(text: str) -> None:
    assert parse_instant(text) == T0 + timedelta(milliseconds=123)


def test_watermark_from_result_gives_set_watermark_arguments() -> None:
    update = watermark_from_result(result(tie_break_id="00Q1").to_dict())
    assert update == ("salesforce", "Lead", T0 + timedelta(milliseconds=123), "00Q1")
    assert watermark_from_result(result(new_watermark=None)) is None


def test_result_round_trips_through_its_dict() -> None:
    r = result(complete=False, mode="rest", parts=3)
    assert ExtractResult.from_dict({**r.to_dict(), "files": []}) == r


def test_split_leaves_a_window_under_the_cap_alone() -> None:
    w = SearchWindow(0, 3_600_000)
    assert split_search_window(w, 10_000) == [w]


def test_split_sizes_pieces_from_the_count_and_covers_the_window_exactly() -> None:
    w = SearchWindow(1_000, 3_601_000)
    pieces = split_search_window(w, 25_000)
    assert len(pieces) == 4
    assert pieces[0].lo == w.lo
    assert pieces[-1].hi == w.hi
    assert all(a.hi == b.lo for a, b in itertools.pairwise(pieces))


def test_a_one_millisecond_window_cannot_be_split() -> None:
    w = SearchWindow(5, 6)
    assert split_search_window(w, 50_000) == [w]


def test_a_narrow_window_splits_into_single_milliseconds_at_most() -> None:
    pieces = split_search_window(SearchWindow(0, 3), 1_000_000)
    assert pieces == [SearchWindow(0, 1), SearchWindow(1, 2), SearchWindow(2, 3)]
