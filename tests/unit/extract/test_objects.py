"""The object table is the one list of what extract reads and how each object is normalized."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from mqlsync.errors import ConfigError, CrmTerminalError
from mqlsync.extract.normalize import normalize_landings
from mqlsync.extract.objects import OBJECTS, SOURCES, CrmObject, check_object_table, crm_object
from mqlsync.extract.sources import EXTRACTORS
from mqlsync.orchestration import steps


def test_sources_and_the_dag_mapping_come_from_the_object_table():
    assert [(o.system, o.name) for o in OBJECTS] == [(s["system"], s["object"]) for s in SOURCES]
    mapped = [s for system in steps.SYSTEMS for s in steps.sources_of(system)]
    assert sorted(map(str, mapped)) == sorted(map(str, SOURCES))


@pytest.mark.parametrize("obj", OBJECTS, ids=lambda o: f"{o.system}/{o.name}")
def test_every_object_names_a_reader_and_a_normalizer_that_exist(obj: CrmObject):
    from mqlsync.extract.hubspot import READERS

    assert obj.system in EXTRACTORS
    if obj.system == "hubspot":
        assert obj.read in READERS
    else:
        assert obj.read == "soql"
    assert (obj.normalize_function() is None) == (obj.feeds == "lookup")


def test_an_unknown_object_is_a_terminal_error_naming_the_known_ones():
    with pytest.raises(CrmTerminalError, match="extract knows Lead, Contact"):
        crm_object("salesforce", "Opportunity")


def made_up_normalizer(frame: pd.DataFrame, ctx) -> object:
    """A new object's normalizer: one event per row, through the same events contract."""
    from mqlsync.extract.normalize.cleaning import QuarantineLog
    from mqlsync.extract.normalize.events import build_events

    fields = pd.DataFrame(
        {
            "event_id": "sf_event:" + frame["Id"],
            "record_id": "sf_lead:" + frame["WhoId"],
            "email": pd.NA,
            "event_type": "meeting_request",
            "asset_id": pd.NA,
            "campaign_id": pd.NA,
            "occurred_at": frame["StartDateTime"],
            "source": "salesforce",
        }
    )
    return build_events(fields, QuarantineLog(frame, table_name="events", record_ids=fields["event_id"]))


def test_a_new_object_is_one_table_entry_plus_its_normalizer():
    event = CrmObject(
        "salesforce", "Event", "SystemModstamp", "soql", "events", f"{__name__}:made_up_normalizer"
    )
    raw = {
        "Event": pd.DataFrame({"Id": ["00U1"], "WhoId": ["00Q1"], "StartDateTime": ["2026-11-01T10:00:00Z"]})
    }
    tables = normalize_landings(raw, objects=(*OBJECTS, event))
    assert tables.events["event_id"].tolist() == ["sf_event:00U1"]
    assert tables.events["event_type"].tolist() == ["meeting_request"]
    renamed = dataclasses.replace(event, name="Lead")
    with pytest.raises(ConfigError, match="object name 'Lead' appears twice"):
        check_object_table((*OBJECTS, renamed))
