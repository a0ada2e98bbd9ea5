"""The run folder is the contract between a run's tasks: tables plus a manifest written last."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from mqlsync.run_folder import MANIFEST, RunFolder, StageOutput


def _people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": pd.Series(["sf_lead:00Q1", "hubspot:7"], dtype="string"),
            "updated_at": pd.to_datetime(["2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z"], utc=True),
            "employees": pd.array([12, None], dtype="Int64"),
        }
    )


def test_a_written_stage_reads_back_the_same_tables_with_counts_and_meta(tmp_path):
    folder = RunFolder(tmp_path, "scheduled__2026-11-01T10:00:00+00:00")
    out = folder.write("normalized", {"people": _people()}, counts={"people": 2}, meta={"extracted": [1]})
    assert folder.path.name == "scheduled__2026-11-01T10_00_00_00_00"
    back = folder.finished("normalized")
    assert back == out
    assert StageOutput.from_dict(json.loads(json.dumps(out.to_dict()))) == out  # what XCom carries
    pd.testing.assert_frame_equal(back.read("people"), _people(), check_dtype=False)
    assert back.tables["people"]["rows"] == 2
    assert back.counts == {"people": 2}
    assert back.meta == {"extracted": [1]}


def test_a_stage_without_its_manifest_is_unfinished_and_is_cleared_when_written_again(tmp_path):
    folder = RunFolder(tmp_path, "run-1")
    out = folder.write("normalized", {"people": _people()})
    (folder.stage_path("normalized") / MANIFEST).unlink()
    (folder.stage_path("normalized") / "stale.parquet").write_bytes(b"half a file")
    assert folder.finished("normalized") is None
    folder.write("normalized", {"events": _people()})
    assert sorted(p.name for p in folder.stage_path("normalized").iterdir()) == [MANIFEST, "events.parquet"]
    with pytest.raises(KeyError, match="has no table 'people'"):
        folder.finished("normalized").read("people")
    assert out.tables["people"]["sha256"]


def test_hostile_text_survives_the_round_trip_as_text(tmp_path):
    hostile = [
        "<script>alert(1)</script>",
        "O'Brien\"; DROP TABLE--",
        "\u202eevil",
        "x" * 100_000,
        "🧬",
        None,
    ]
    frame = pd.DataFrame({"first_name": pd.Series(hostile, dtype="string")})
    out = RunFolder(tmp_path, "r").write("normalized", {"people": frame})
    assert out.read("people")["first_name"].tolist()[:5] == hostile[:5]
