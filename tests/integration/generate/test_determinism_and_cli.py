"""Same seed, same bytes; different seed, different world; the CLI writes the same files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mqlsync.cli import main
from mqlsync.generate import WorldConfig, generate_world


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files_whatever_the_workers(tmp_path: Path) -> None:
    one = generate_world(tmp_path / "a", people=2500, seed=5, config=WorldConfig(chunk_size=1000, workers=1))
    two = generate_world(tmp_path / "b", people=2500, seed=5, config=WorldConfig(chunk_size=1000, workers=2))
    assert one == two
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_different_seed_gives_a_different_world(tmp_path: Path) -> None:
    one = generate_world(tmp_path / "a", people=300, seed=1, config=WorldConfig(workers=1))
    two = generate_world(tmp_path / "b", people=300, seed=2, config=WorldConfig(workers=1))
    for rel in ("truth/people.parquet", "truth/events.parquet", "salesforce/Lead.parquet"):
        assert one.files[rel].sha256 != two.files[rel].sha256


def test_cli_generate_writes_the_world_and_its_manifest(tmp_path: Path) -> None:
    out = tmp_path / "world"
    config = tmp_path / "world.yaml"
    config.write_text("dirty:\n  malformed_email: 0.5\nworkers: 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", "--people", "300", "--seed", "9", "--out", str(out),
                                       "--config", str(config), "--as-of", "2025-06-01"])  # fmt: skip
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["people"] == 300
    assert manifest["as_of"].startswith("2025-06-01")
    assert manifest["config"]["dirty"]["malformed_email"] == 0.5
    for rel in (
        "salesforce/Lead.parquet",
        "hubspot/contacts.parquet",
        "truth/people.parquet",
        "truth/defects.parquet",
    ):
        assert (out / rel).is_file()
    assert any((out / "exports" / "marketo").glob("activities_*.csv"))
