"""Roles this field really has, the titles people put on forms for them, and the personas that
decide a person's role, organisation, segment and behaviour.

Persona weights are shares of the whole world. `requests` are the relative weights of the high-intent
event types in a hot episode: students never ask for pricing, evidence questions come from MSLs and
physicians, partnering meetings from business development.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# fmt: off
JOB_TITLES: dict[str, tuple[str, ...]] = {
    "principal_investigator": ("Principal Investigator", "Associate Professor", "Professor of Medicine",
                               "Assistant Professor, Department of Pathology", "Group Leader",
                               "Lab Head", "PI, Translational Oncology", "Professor & Chair"),
    "lab_manager": ("Lab Manager", "Laboratory Manager", "Core Facility Manager", "Research Lab Manager",
                    "Sr. Lab Operations Manager", "Lab Supervisor", "Manager, Genomics Core"),
    "scientist": ("Scientist", "Sr. Scientist II", "Senior Scientist", "Research Scientist",
                  "Staff Scientist", "Scientist I, Discovery Biology", "Principal Scientist",
                  "Associate Scientist", "Research Associate II", "Sr. Research Associate"),
    "postdoc": ("Postdoctoral Fellow", "Postdoc", "Postdoctoral Researcher", "Research Fellow",
                "Post-doctoral Associate", "Postdoctoral Scholar"),
    "clinical_research_coordinator": ("Clinical Research Coordinator", "CRC", "Sr. Clinical Research Coordinator",
                                      "Study Coordinator", "Clinical Trial Coordinator",
                                      "Research Nurse Coordinator", "Clinical Research Associate"),
    "clinical_operations_director": ("Director, Clinical Operations", "Associate Director, Clinical Operations",
                                     "VP Clinical Operations", "Head of Clinical Operations",
                                     "Sr. Director Clinical Development Operations", "Clinical Program Director",
                                     "Clinical Operations Lead"),
    "procurement": ("Procurement Manager", "Strategic Sourcing Manager", "Purchasing Agent",
                    "Sr. Buyer, Lab Supplies", "Category Manager, R&D", "Director of Supply Chain",
                    "Value Analysis Coordinator", "Materials Manager"),
    "medical_science_liaison": ("Medical Science Liaison", "MSL", "Sr. Medical Science Liaison",
                                "Regional Medical Scientific Director", "Field Medical Director",
                                "Medical Affairs Manager"),
    "physician": ("Physician", "MD", "Attending Physician", "Cardiologist", "Medical Oncologist",
                  "Neurologist", "Chief of Surgery", "Consultant Physician", "Interventional Cardiologist",
                  "Ophthalmologist"),
    "executive": ("CEO", "Chief Scientific Officer", "CSO", "Chief Medical Officer", "COO", "VP R&D",
                  "Founder & CEO", "President", "SVP, Research"),
    "business_development": ("Director, Business Development", "VP Business Development",
                             "Head of Licensing", "Sr. Manager, Search & Evaluation",
                             "Alliance Manager", "BD Manager", "Director, Corporate Development"),
    "regulatory_affairs": ("Regulatory Affairs Manager", "Director, Regulatory Affairs",
                           "Regulatory Affairs Specialist", "Sr. Manager, Regulatory CMC",
                           "Head of Regulatory", "Quality & Regulatory Lead"),
    "student": ("Student", "PhD Student", "PhD Candidate", "Graduate Student", "MSc Student",
                "Undergraduate Researcher", "Medical Student"),
    "consultant": ("Consultant", "Independent Consultant", "Life Sciences Consultant",
                   "Management Consultant", "Sr. Consultant, Healthcare", "Advisor"),
    "other": ("Manager", "Analyst", "Coordinator", "Specialist", "Assistant", "N/A", "Other"),
}

# Who signs, who shapes, who uses, who buys.
BUYING_ROLES: dict[str, str] = {
    "principal_investigator": "decision_maker", "lab_manager": "influencer", "scientist": "end_user",
    "postdoc": "end_user", "clinical_research_coordinator": "end_user",
    "clinical_operations_director": "decision_maker", "procurement": "procurement",
    "medical_science_liaison": "influencer", "physician": "influencer", "executive": "decision_maker",
    "business_development": "decision_maker", "regulatory_affairs": "influencer", "student": "none",
    "consultant": "influencer", "other": "none",
}

SEGMENTS: tuple[str, ...] = ("research_tools", "cro_services", "medtech_devices", "partnering")
# fmt: on


@dataclass(frozen=True)
class Persona:
    """What kind of person this is: drives who they are, where they work and how they engage."""

    name: str
    weight: float
    job_functions: dict[str, float]
    org_types: dict[str, float]
    segments: dict[str, float]
    mean_events: float
    hot_share: float
    requests: dict[str, float] = field(default_factory=dict)
    sales_rate: float = 0.1
    customer_rate: float = 0.03
    careers_share: float = 0.03


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "academic_researcher",
        0.22,
        {"principal_investigator": 3, "lab_manager": 2, "scientist": 3, "postdoc": 3},
        {"university": 5, "academic_medical_center": 4, "government": 1},
        {"research_tools": 1},
        9,
        0.30,
        {
            "sample_request": 3,
            "demo_request": 2,
            "pricing_request": 1.5,
            "evaluation_request": 1,
            "meeting_request": 0.5,
        },
        0.08,
    ),
    Persona(
        "biotech_buyer",
        0.14,
        {"scientist": 4, "lab_manager": 2, "procurement": 2, "executive": 1},
        {"biotech": 6, "pharma": 3, "diagnostics_lab": 1},
        {"research_tools": 3, "cro_services": 1},
        12,
        0.45,
        {
            "demo_request": 4,
            "pricing_request": 4,
            "evaluation_request": 2,
            "sample_request": 2,
            "meeting_request": 1,
        },
        0.22,
        0.06,
    ),
    Persona(
        "cro_clinical_ops",
        0.09,
        {
            "clinical_operations_director": 4,
            "clinical_research_coordinator": 2,
            "regulatory_affairs": 2,
            "executive": 1,
        },
        {"pharma": 3, "biotech": 4, "cro": 2, "academic_medical_center": 1},
        {"cro_services": 1},
        11,
        0.40,
        {"meeting_request": 4, "pricing_request": 2, "trial_matching_request": 1, "demo_request": 1},
        0.20,
        0.05,
    ),
    Persona(
        "trial_site_staff",
        0.06,
        {"clinical_research_coordinator": 4, "physician": 2, "principal_investigator": 1},
        {"academic_medical_center": 4, "hospital": 4, "community_practice": 2},
        {"cro_services": 1},
        8,
        0.35,
        {"trial_matching_request": 6, "meeting_request": 1, "evidence_request": 0.3},
        0.10,
    ),
    Persona(
        "medtech_procurement",
        0.08,
        {"procurement": 4, "physician": 1, "executive": 1, "other": 1},
        {"hospital": 6, "academic_medical_center": 2, "community_practice": 2},
        {"medtech_devices": 1},
        10,
        0.40,
        {"pricing_request": 4, "evaluation_request": 3, "demo_request": 3, "meeting_request": 1},
        0.20,
        0.05,
    ),
    Persona(
        "medical_evidence_seeker",
        0.08,
        {"medical_science_liaison": 3, "physician": 5},
        {"pharma": 3, "hospital": 3, "academic_medical_center": 2, "community_practice": 2},
        {"medtech_devices": 3, "cro_services": 1},
        9,
        0.40,
        {"evidence_request": 8, "trial_matching_request": 1, "meeting_request": 0.5, "demo_request": 0.3},
        0.06,
    ),
    Persona(
        "bd_licensing",
        0.04,
        {"business_development": 5, "executive": 2, "consultant": 1},
        {"biotech": 5, "pharma": 4},
        {"partnering": 1},
        7,
        0.45,
        {"meeting_request": 8, "evidence_request": 0.2},
        0.25,
    ),
    Persona(
        "student_job_seeker",
        0.10,
        {"student": 5, "postdoc": 1},
        {"university": 8, "academic_medical_center": 2},
        {"research_tools": 4, "cro_services": 1},
        6,
        0.20,
        {"sample_request": 0.3},
        0.01,
        0.0,
        0.55,
    ),
    Persona(
        "existing_customer",
        0.08,
        {
            "scientist": 3,
            "lab_manager": 2,
            "procurement": 2,
            "clinical_operations_director": 1,
            "principal_investigator": 1,
            "physician": 1,
        },
        {"biotech": 3, "pharma": 2, "university": 2, "hospital": 2, "cro": 1, "diagnostics_lab": 1},
        {"research_tools": 3, "cro_services": 1, "medtech_devices": 2},
        14,
        0.45,
        {
            "pricing_request": 2,
            "meeting_request": 2,
            "sample_request": 1,
            "demo_request": 1,
            "evaluation_request": 1,
        },
        0.15,
        1.0,
    ),
    Persona(
        "tire_kicker",
        0.21,
        {"consultant": 3, "other": 4, "scientist": 2, "regulatory_affairs": 1},
        {"biotech": 2, "pharma": 1, "university": 1, "government": 1, "other": 4},
        {"research_tools": 2, "cro_services": 1, "medtech_devices": 1, "partnering": 0.3},
        5,
        0.10,
        {"demo_request": 0.5, "pricing_request": 0.5},
        0.04,
        0.01,
    ),
)
