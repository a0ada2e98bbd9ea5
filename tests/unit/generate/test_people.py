"""People draws: unique emails, personas that respect their roles."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from mqlsync.generate import roles
from mqlsync.generate.catalog import build_catalog
from mqlsync.generate.config import WorldConfig
from mqlsync.generate.people import sample_people
from mqlsync.schemas import JOB_FUNCTIONS


def _people(n: int = 3000):
    cat = build_catalog(11, n, WorldConfig())
    return sample_people(cat, np.random.Generator(np.random.PCG64([11, 0])), 0, n, 0, 1)


def test_work_and_personal_emails_are_unique() -> None:
    p = _people()
    assert len(pc.unique(p.work_email)) == len(p)
    assert len(pc.unique(p.personal_email)) == len(p)


def test_job_functions_come_from_the_persona() -> None:
    p = _people()
    for k, persona in enumerate(roles.PERSONAS):
        seen = {JOB_FUNCTIONS[j] for j in np.unique(p.job_function[p.persona == k])}
        assert seen <= set(persona.job_functions), persona.name


def test_only_student_personas_have_student_job_function() -> None:
    p = _people()
    students = p.job_function == JOB_FUNCTIONS.index("student")
    names = np.array([x.name for x in roles.PERSONAS])[p.persona[students]]
    assert set(names) == {"student_job_seeker"}
