"""Activity export files: read once by checksum, malformed files and rows quarantined with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from mqlsync.extract.exports import load_exports, read_export, scan_export_folder
from mqlsync.schemas import EVENTS, check_frame
from mqlsync.store import read_frame, record_quarantine, start_run, upsert_frame

MARKETO_HEADER = (
    '"marketoGUID","leadId","email","activityDate","activityTypeId","activityTypeName","campaignId",'
    '"primaryAttributeValueId","primaryAttributeValue","attributes"\n'
)
MARKETO_ROWS = (
    '"g1",100,"a@example.com","2025-01-07T00:58:10.169Z",1,"Visit Webpage",,27,"cro-ebook-002",'
    '"{""Webpage URL"":""https://x/a,b""}"\n'
    '"g2",101,"b@example.com","2025-01-07T01:00:00.000Z",2,"Fill Out Form",1007,3,"rt-demopage-001",'
    '"{""Asset ID"":""multi\nline, with comma""}"\n'
    '"g3",102,,"2025-01-07T02:00:00Z",9999,"Unknown Activity",,,"x","{}"\n'
)
PARDOT = (
    '"id","prospect_id","prospect_email","type","type_name","details","campaign_id","created_at"\n'
    '800000860,5115," amartin@example.be ",11,"Email","Remote cardiac monitoring [mt-blog-001]",5009,"2024-11-07T17:49:33.184Z"\n'
    '800000861,5115,"amartin@example.be",1,"File","Evidence pack [mt-clinicalevidence-006]",,"yesterday"\n'
)


def write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_marketo_file_with_quoted_commas_and_newlines_is_read(tmp_path):
    path = write(tmp_path, "marketo/activities_20250107.csv", MARKETO_HEADER + MARKETO_ROWS)
    result = read_export(path)
    assert result.file_problem is None
    assert result.platform == "marketo"
    assert result.rows == 3
    check_frame(result.accepted_events, EVENTS)
    assert result.accepted_events["event_type"].tolist() == ["page_view", "form_submit"]
    assert result.quarantined_rows["check"].tolist() == ["UNKNOWN_EVENT_TYPE"]


def test_pardot_file_with_bom_is_read_and_bad_dates_quarantined(tmp_path):
    path = write(tmp_path, "pardot/visitor_activities_20241107.csv", b"\xef\xbb\xbf" + PARDOT.encode())
    result = read_export(path)
    assert result.platform == "pardot"
    assert result.accepted_events["email"].tolist() == ["amartin@example.be"]
    assert result.quarantined_rows["check"].tolist() == ["MALFORMED_TIMESTAMP"]


@pytest.mark.parametrize(
    ("data", "check"),
    [
        (b"", "EMPTY_FILE"),
        (b"\x00\x01\x02\xff\xfe garbage \x00", "BINARY_FILE"),
        (MARKETO_HEADER.encode("utf-16"), "BINARY_FILE"),
        (MARKETO_HEADER.encode() + '"g9",1,"caf\xe9"\n'.encode("latin-1"), "BAD_ENCODING"),
        (MARKETO_HEADER.replace(",", ";").encode() + b"g1;1;a@b.com\n", "WRONG_DELIMITER"),
        (b"name,age\nbob,3\n", "UNKNOWN_FORMAT"),
        (MARKETO_HEADER.replace('"activityDate",', "").encode() + b"x\n", "MISSING_COLUMNS"),
    ],
)
def test_malformed_files_are_rejected_whole_with_a_reason(tmp_path, data, check):
    result = read_export(write(tmp_path, "bad.csv", data))
    assert result.file_problem is not None
    assert result.file_problem.startswith(check)
    assert result.accepted_events.empty
    assert result.quarantined_rows["check"].tolist() == [check]
    if check == "MISSING_COLUMNS":
        assert "activityDate" in result.file_problem


def test_truncated_last_line_and_extra_columns_are_noted_rows_kept(tmp_path):
    header = MARKETO_HEADER.rstrip("\n") + ',"extra"\n'
    rows = "".join(line.rstrip("\n") + ',"e"\n' for line in MARKETO_ROWS.split("\n")[:1])
    data = header + rows + '"g7",100,"a@example.com","2025-01-0'
    result = read_export(write(tmp_path, "trunc.csv", data))
    assert result.file_problem is None
    assert len(result.accepted_events) == 1
    checks = result.quarantined_rows.set_index("check")["reason"]
    assert "extra" in checks["EXTRA_COLUMNS"]
    assert "truncated" in checks["MALFORMED_ROW"]


def test_scan_skips_known_checksums_and_a_modified_file_is_new(tmp_path):
    path = write(tmp_path, "marketo/a.csv", MARKETO_HEADER + MARKETO_ROWS)
    write(tmp_path, "marketo/copy-of-a.csv", MARKETO_HEADER + MARKETO_ROWS)
    first = scan_export_folder(tmp_path)
    assert len(first) == 1
    assert scan_export_folder(tmp_path, known_sha256={first[0].sha256}) == []
    path.write_text(MARKETO_HEADER + MARKETO_ROWS.split("\n")[0] + "\n")
    again = scan_export_folder(tmp_path, known_sha256={first[0].sha256})
    assert [f.path.name for f in again] == ["a.csv"]


def test_load_exports_reads_each_file_once_and_keeps_quarantine(tmp_path, store_engine):
    folder = tmp_path / "exports"
    write(folder, "marketo/activities_20250107.csv", MARKETO_HEADER + MARKETO_ROWS)
    write(folder, "pardot/visitor_activities_20241107.csv", PARDOT)
    write(folder, "marketo/broken.csv", b"\x00\x00")
    with store_engine.begin() as conn:
        start_run(conn, "run-1", dag_id="test")
        first = load_exports(conn, folder, run_id="run-1")
        upsert_frame(conn, "events", first.events, run_id="run-1")
        stored = record_quarantine(conn, first.quarantined, run_id="run-1").new
    assert sorted(first.files["status"]) == ["failed", "loaded", "loaded"]
    assert len(first.events) == 3
    assert stored == len(first.quarantined) == 3
    with store_engine.begin() as conn:
        start_run(conn, "run-2", dag_id="test")
        second = load_exports(conn, folder, run_id="run-2")
    assert second.events.empty
    assert second.quarantined.empty
    assert second.files.empty
    write(folder, "pardot/visitor_activities_20241108.csv", PARDOT.replace("800000860", "800000870"))
    with store_engine.begin() as conn:
        start_run(conn, "run-3", dag_id="test")
        third = load_exports(conn, folder, run_id="run-3")
    assert third.events["event_id"].tolist() == ["pardot:800000870"]
    with store_engine.connect() as conn:
        assert len(read_frame(conn, "events")) == 3
        assert set(read_frame(conn, "quarantine")["check"]) == {
            "BINARY_FILE",
            "UNKNOWN_EVENT_TYPE",
            "MALFORMED_TIMESTAMP",
        }


def test_a_failed_transaction_leaves_files_unread(tmp_path, store_engine):
    folder = tmp_path / "exports"
    write(folder, "pardot/visitor_activities_20241107.csv", PARDOT)

    def load_then_fail() -> None:
        with store_engine.begin() as conn:
            start_run(conn, "run-1", dag_id="test")
            load_exports(conn, folder, run_id="run-1")
            raise RuntimeError("the upsert failed")

    with pytest.raises(RuntimeError):
        load_then_fail()
    with store_engine.begin() as conn:
        start_run(conn, "run-2", dag_id="test")
        assert len(load_exports(conn, folder, run_id="run-2").events) == 1
