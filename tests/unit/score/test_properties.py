"""Properties over generated people and events: codes always add up; a late-stage action never
lowers a score."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mqlsync.schemas import EVENT_TYPES, JOB_FUNCTIONS, ORGANIZATION_TYPES, PROGRAM_STAGES, TIMELINES
from mqlsync.score.engine import score_people
from mqlsync.score.reasons import codes_total
from tests.unit.score.conftest import AS_OF, ASSETS, make_events, make_people

ASSET_IDS = [a["asset_id"] for a in ASSETS] + [None, "unknown-asset"]
LATE_ACTIONS = [
    "demo_request",
    "evaluation_request",
    "pricing_request",
    "meeting_request",
    "sample_request",
    "trial_matching_request",
    "evidence_request",
]

person = st.fixed_dictionaries(
    {
        "job_function": st.sampled_from([*JOB_FUNCTIONS, None]),
        "organization_type": st.sampled_from([*ORGANIZATION_TYPES, None]),
        "program_stage": st.sampled_from([*PROGRAM_STAGES, None]),
        "timeline": st.sampled_from([*TIMELINES, None]),
        "country": st.sampled_from(["US", "DE", "GB", "JP", "BR", "IL", None, "XX"]),
        "consent": st.sampled_from(["opt_in", "unknown", "opt_out"]),
        "employees": st.one_of(st.none(), st.integers(0, 100_000)),
        "therapeutic_areas": st.sampled_from([None, "oncology", "ophthalmology", "metabolic;neurology"]),
        "email": st.sampled_from([None, "a@gmail.com", "b@acmebio.com", "c@competitor.example"]),
        "title": st.sampled_from([None, "Student", "VP", "<script>x</script>", "Директор"]),
    }
)
event = st.tuples(
    st.integers(1, 4),
    st.sampled_from(EVENT_TYPES),
    st.sampled_from(ASSET_IDS),
    st.floats(-10, 800, allow_nan=False),
)
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _frames(people, events):
    frame = make_people(*people)
    n = len(frame)
    ev = make_events(*[(f"sf_lead:p{(p - 1) % n + 1}", t, a, d) for p, t, a, d in events])
    return frame, ev


@SETTINGS
@given(st.lists(person, min_size=1, max_size=4), st.lists(event, max_size=25))
def test_reason_codes_always_add_up_to_the_score(model, people, events):
    frame, ev = _frames(people, events)
    scores = score_people(frame, ev, model, as_of=AS_OF)
    assert len(scores) == len(frame)
    for _, row in scores.iterrows():
        assert (
            codes_total(list(row["reason_codes"])) == row["score"] == row["fit_score"] + row["intent_score"]
        )


@SETTINGS
@given(
    st.lists(person, min_size=1, max_size=3),
    st.lists(event, max_size=20),
    st.sampled_from(LATE_ACTIONS),
    st.floats(0, 400, allow_nan=False),
)
def test_adding_a_late_stage_action_never_lowers_a_score(model, people, events, action, age):
    frame, ev = _frames(people, events)
    before = score_people(frame, ev, model, as_of=AS_OF).set_index("person_id")
    extra = make_events(("sf_lead:p1", action, None, age))
    extra["event_id"] = "extra"
    after = score_people(frame, pd.concat([ev, extra], ignore_index=True), model, as_of=AS_OF).set_index(
        "person_id"
    )
    assert (after["score"] >= before["score"]).all()
    assert (after["intent_score"] >= before["intent_score"]).all()
