"""The vectorised identifier and text builders agree with straightforward reference code."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from mqlsync.generate import strings as s


def _reference_suffix(id15: str) -> str:
    """Salesforce's documented case-safe suffix, one id at a time."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    out = ""
    for block in range(3):
        bits = sum(1 << i for i, ch in enumerate(id15[block * 5 : block * 5 + 5]) if "A" <= ch <= "Z")
        out += alphabet[bits]
    return out


@pytest.mark.parametrize("prefix", ["00Q", "003", "001", "701", "00v", "00T", "005", "006"])
def test_salesforce_ids_have_prefix_length_and_case_safe_suffix(prefix: str) -> None:
    counters = np.array([1, 61, 62, 3843, 10_000_000_123, 62**9 - 1])
    ids = s.salesforce_ids(prefix, counters).to_pylist()
    assert all(len(i) == 18 and i.startswith(prefix) for i in ids)
    assert all(i[15:] == _reference_suffix(i[:15]) for i in ids)
    assert len(set(ids)) == len(ids)


def test_iso_z_matches_arrow_strftime() -> None:
    ms = np.random.default_rng(3).integers(0, 2_500_000_000_000, 5000)
    expected = pc.strftime(pa.array(ms, type=pa.timestamp("ms", tz="UTC")), format="%Y-%m-%dT%H:%M:%SZ")
    assert s.iso_z(ms).equals(expected)


def test_guids_look_like_version_4_uuids() -> None:
    values = s.guids(np.random.default_rng(1), 200).to_pylist()
    pattern = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$")
    assert all(pattern.match(v) for v in values)
    assert len(set(values)) == 200


def test_numbers_pad_and_prefix() -> None:
    assert s.numbers(np.array([7, 123]), prefix="P", width=4).to_pylist() == ["P0007", "P0123"]


def test_ascii_slug_folds_accents_and_drops_punctuation() -> None:
    assert s.ascii_slug(pa.array(["Müller-Lüdenscheidt", "O'Brien", "Núñez"])).to_pylist() == [
        "mullerludenscheidt",
        "obrien",
        "nunez",
    ]
