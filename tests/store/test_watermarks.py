"""Watermarks only move forward, unless a rewind is asked for explicitly."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
import sqlalchemy as sa

from mqlsync.errors import TerminalError, WatermarkRegressionError
from mqlsync.store.watermarks import get_watermark, set_watermark
from tests.store.samples import T0


def test_unknown_watermark_is_none(store_engine: sa.Engine) -> None:
    with store_engine.connect() as conn:
        assert get_watermark(conn, "salesforce", "Lead") is None


def test_watermark_moves_forward_and_keeps_its_cursor(store_engine: sa.Engine) -> None:
    with store_engine.begin() as conn:
        set_watermark(conn, "salesforce", "Lead", T0, cursor="00Q1", run_id="r1")
        stored = set_watermark(
            conn, "salesforce", "Lead", T0 + timedelta(minutes=5), cursor="00Q9", run_id="r2"
        )
    with store_engine.connect() as conn:
        assert get_watermark(conn, "salesforce", "Lead") == stored
    assert (stored.value, stored.cursor, stored.run_id) == (T0 + timedelta(minutes=5), "00Q9", "r2")


def test_watermark_never_moves_backwards(store_engine: sa.Engine) -> None:
    with store_engine.begin() as conn:
        set_watermark(conn, "hubspot", "contacts", T0, cursor="101")
    with pytest.raises(WatermarkRegressionError) as caught, store_engine.begin() as conn:
        set_watermark(conn, "hubspot", "contacts", T0 - timedelta(microseconds=1), cursor="99")
    assert isinstance(caught.value, TerminalError)
    assert (caught.value.system, caught.value.object) == ("hubspot", "contacts")
    with store_engine.connect() as conn:
        assert get_watermark(conn, "hubspot", "contacts")[:2] == (T0, "101")


def test_same_value_with_a_new_cursor_is_not_a_regression(store_engine: sa.Engine) -> None:
    with store_engine.begin() as conn:
        set_watermark(conn, "salesforce", "Contact", T0, cursor="003B")
        assert set_watermark(conn, "salesforce", "Contact", T0, cursor="003C").cursor == "003C"


def test_forced_rewind_moves_the_watermark_back(store_engine: sa.Engine) -> None:
    with store_engine.begin() as conn:
        set_watermark(conn, "salesforce", "Task", T0)
        rewound = set_watermark(conn, "salesforce", "Task", T0 - timedelta(days=7), force=True)
    assert rewound.value == T0 - timedelta(days=7)


def test_watermark_compares_instants_not_local_clock_readings(store_engine: sa.Engine) -> None:
    """09:00 in New York is later than 10:00 UTC: the store compares instants."""
    new_york = timezone(timedelta(hours=-5))
    with store_engine.begin() as conn:
        set_watermark(conn, "salesforce", "Lead", T0)
        stored = set_watermark(conn, "salesforce", "Lead", T0.replace(hour=9, tzinfo=new_york))
    assert stored.value == T0 + timedelta(hours=4)
    assert stored.value.utcoffset() == timedelta(0)


def test_watermarks_are_per_system_and_object(store_engine: sa.Engine) -> None:
    with store_engine.begin() as conn:
        set_watermark(conn, "salesforce", "Lead", T0)
        set_watermark(conn, "salesforce", "Contact", T0 - timedelta(days=1))
        set_watermark(conn, "hubspot", "Lead", T0 - timedelta(days=2))
        assert get_watermark(conn, "salesforce", "Contact").value == T0 - timedelta(days=1)
        assert get_watermark(conn, "hubspot", "Lead").value == T0 - timedelta(days=2)
