"""The metadata of the emulated org: which objects exist, their fields, types and relationships.

Types come from two places: what Salesforce itself says about standard and mqlsync fields (the
tables below), and the Parquet column types for everything else. A field's type decides how SOQL
compares it, how values are parsed on write and rendered on read, and what describe reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from mqlsync.schemas import MQL_STATUSES, ROUTING_QUEUES

# Types whose values compare as text in SOQL (case-insensitively, except ids).
TEXT_TYPES = frozenset(
    {"string", "email", "picklist", "multipicklist", "phone", "url", "textarea", "id", "reference"}
)
ID_TYPES = frozenset({"id", "reference"})
# Fields every object has and that no client may write.
SYSTEM_FIELDS = ("Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp")


@dataclass(frozen=True)
class FieldSpec:
    """One field as describe reports it; `compound_of` names a compound field's components."""

    name: str
    type: str
    label: str = ""
    custom: bool = False
    updateable: bool = True
    createable: bool = True
    nillable: bool = True
    length: int = 0
    picklist_values: tuple[str, ...] = ()
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    external_id: bool = False
    compound_field_name: str | None = None
    compound_of: tuple[tuple[str, str], ...] = ()

    @property
    def is_text(self) -> bool:
        return self.type in TEXT_TYPES

    @property
    def is_compound(self) -> bool:
        return bool(self.compound_of)


@dataclass(frozen=True)
class ObjectSpec:
    """An sObject: key prefix, relationship names and per-field overrides of inferred types."""

    name: str
    prefix: str
    label: str
    references: dict[str, tuple[str, ...]] = field(default_factory=dict)
    compounds: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)


_ADDRESS = ("street", "city", "state", "postalCode", "country")
_LEAD_STATUS = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")
_LEAD_SOURCE = ("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other")

# The fields mqlsync writes (DESIGN.md section 3), on Lead and Contact.
MQLSYNC_FIELDS: dict[str, dict[str, Any]] = {
    "MQL_Status__c": {"type": "picklist", "picklist_values": MQL_STATUSES},
    "Lead_Score__c": {"type": "double"},
    "Fit_Score__c": {"type": "double"},
    "Intent_Score__c": {"type": "double"},
    "Lead_Tier__c": {"type": "picklist"},
    "MQL_Reason_Codes__c": {"type": "string", "length": 255},
    "MQL_Date__c": {"type": "datetime"},
    "Routing_Queue__c": {"type": "picklist", "picklist_values": ROUTING_QUEUES},
    "SLA_Due__c": {"type": "datetime"},
    "Scoring_Model_Version__c": {"type": "string", "length": 64},
    "MQL_Handoff_Summary__c": {"type": "textarea", "length": 32768},
}

_PEOPLE_CUSTOM: dict[str, dict[str, Any]] = {
    "Organization_Type__c": {"type": "picklist"},
    "Therapeutic_Areas__c": {"type": "multipicklist"},
    "Program_Stage__c": {"type": "picklist"},
    "Evaluation_Timeline__c": {"type": "picklist"},
    "Consent_Status__c": {"type": "picklist", "picklist_values": ("Opt In", "Opt Out")},
    "First_Touch_Date__c": {"type": "date"},
    **MQLSYNC_FIELDS,
}

# Fields every client may read but never write, beyond the system fields.
READ_ONLY = frozenset(
    {
        "IsConverted",
        "ConvertedDate",
        "ConvertedContactId",
        "ConvertedAccountId",
        "MasterRecordId",
        "HasResponded",
        "Name",
        "IsClosed",
        "IsWon",
        "CompletedDateTime",
    }
)

OBJECTS: dict[str, ObjectSpec] = {
    spec.name: spec
    for spec in [
        ObjectSpec("User", "005", "User", overrides={"Email": {"type": "email"}, "Name": {"type": "string"}}),
        ObjectSpec(
            "Account",
            "001",
            "Account",
            references={"OwnerId": ("User",)},
            compounds={
                "BillingAddress": tuple(
                    zip(
                        _ADDRESS,
                        (
                            "BillingStreet",
                            "BillingCity",
                            "BillingState",
                            "BillingPostalCode",
                            "BillingCountry",
                        ),
                        strict=True,
                    )
                )
            },
            overrides={
                "Type": {"type": "picklist", "picklist_values": ("Customer", "Prospect", "Partner")},
                "Industry": {"type": "picklist"},
                "Website": {"type": "url"},
                "Organization_Type__c": {"type": "picklist"},
            },
        ),
        ObjectSpec(
            "Lead",
            "00Q",
            "Lead",
            references={
                "OwnerId": ("User",),
                "ConvertedContactId": ("Contact",),
                "ConvertedAccountId": ("Account",),
                "MasterRecordId": ("Lead",),
            },
            compounds={
                "Address": tuple(
                    zip(_ADDRESS, ("Street", "City", "State", "PostalCode", "Country"), strict=True)
                )
            },
            overrides={
                "Status": {"type": "picklist", "picklist_values": _LEAD_STATUS, "nillable": False},
                "LeadSource": {"type": "picklist", "picklist_values": _LEAD_SOURCE},
                "Industry": {"type": "picklist"},
                "Rating": {"type": "picklist"},
                "LastName": {"nillable": False},
                "Company": {"nillable": False},
                "Street": {"type": "textarea"},
                **_PEOPLE_CUSTOM,
            },
        ),
        ObjectSpec(
            "Contact",
            "003",
            "Contact",
            references={"AccountId": ("Account",), "OwnerId": ("User",), "MasterRecordId": ("Contact",)},
            compounds={
                "MailingAddress": tuple(
                    zip(
                        _ADDRESS,
                        (
                            "MailingStreet",
                            "MailingCity",
                            "MailingState",
                            "MailingPostalCode",
                            "MailingCountry",
                        ),
                        strict=True,
                    )
                )
            },
            overrides={
                "LeadSource": {"type": "picklist", "picklist_values": _LEAD_SOURCE},
                "LastName": {"nillable": False},
                "MailingStreet": {"type": "textarea"},
                **_PEOPLE_CUSTOM,
            },
        ),
        ObjectSpec(
            "Campaign",
            "701",
            "Campaign",
            overrides={
                "Type": {
                    "type": "picklist",
                    "picklist_values": (
                        "Webinar",
                        "Conference",
                        "Email",
                        "Content Syndication",
                        "Trade Show",
                        "Website",
                    ),
                },
                "Status": {"type": "picklist"},
            },
        ),
        ObjectSpec(
            "CampaignMember",
            "00v",
            "Campaign Member",
            references={"CampaignId": ("Campaign",), "LeadId": ("Lead",), "ContactId": ("Contact",)},
            overrides={
                "Status": {
                    "type": "picklist",
                    "picklist_values": ("Sent", "Registered", "Attended", "Responded", "Downloaded"),
                }
            },
        ),
        ObjectSpec(
            "Task",
            "00T",
            "Task",
            references={
                "WhoId": ("Lead", "Contact"),
                "WhatId": ("Account", "Opportunity", "Campaign"),
                "OwnerId": ("User",),
            },
            overrides={
                "Type": {"type": "picklist", "picklist_values": ("Call", "Email", "Meeting")},
                "TaskSubtype": {"type": "picklist", "picklist_values": ("Task", "Email", "Call")},
                "Status": {"type": "picklist"},
                "Subject": {"type": "string"},
            },
        ),
        ObjectSpec(
            "Opportunity",
            "006",
            "Opportunity",
            references={"AccountId": ("Account",), "OwnerId": ("User",), "Primary_Contact__c": ("Contact",)},
            overrides={"StageName": {"type": "picklist"}, "Amount": {"type": "currency"}},
        ),
    ]
}
PREFIX_TO_OBJECT = {spec.prefix: name for name, spec in OBJECTS.items()}
COMMON_OVERRIDES: dict[str, dict[str, Any]] = {
    "Email": {"type": "email"},
    "Phone": {"type": "phone"},
    "MobilePhone": {"type": "phone"},
    "NumberOfEmployees": {"type": "int"},
    "AnnualRevenue": {"type": "currency"},
}


def relationship_name(field_name: str) -> str:
    """`CampaignId` -> `Campaign`, `Primary_Contact__c` -> `Primary_Contact__r` (Salesforce's rule)."""
    if field_name.endswith("__c"):
        return field_name[:-3] + "__r"
    return field_name[:-2] if field_name.endswith("Id") else field_name


def infer_type(dtype: Any, sample: Any = None) -> str:
    """A Salesforce type for a column with no declared type, from its pandas dtype."""
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "datetime"
    if pd.api.types.is_datetime64_dtype(dtype):
        return "date"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    if sample is not None and hasattr(sample, "isoformat") and not hasattr(sample, "hour"):
        return "date"
    return "string"


def build_field(spec: ObjectSpec, name: str, dtype: Any = None, sample: Any = None) -> FieldSpec:
    """The FieldSpec of column `name` on `spec`, from overrides first and the dtype second."""
    over = {**COMMON_OVERRIDES.get(name, {}), **spec.overrides.get(name, {})}
    if name == "Id":
        return FieldSpec(
            "Id", "id", f"{spec.label} ID", updateable=False, createable=False, nillable=False, length=18
        )
    if name in spec.references:
        targets = spec.references[name]
        return FieldSpec(
            name,
            "reference",
            _label(name),
            custom=name.endswith("__c"),
            length=18,
            reference_to=targets,
            relationship_name=relationship_name(name),
            updateable=name not in READ_ONLY,
            createable=name not in READ_ONLY,
        )
    ftype = over.pop("type", None) or infer_type(dtype, sample)
    system = name in SYSTEM_FIELDS or name in READ_ONLY
    length = over.pop("length", 255 if ftype in TEXT_TYPES else 0)
    base = FieldSpec(
        name,
        ftype,
        _label(name),
        custom=name.endswith("__c"),
        updateable=not system,
        createable=not system,
        nillable=name not in SYSTEM_FIELDS,
        length=length,
    )
    compound = next((c for c, parts in spec.compounds.items() if name in dict(parts).values()), None)
    return replace(base, compound_field_name=compound, **over)


def compound_fields(spec: ObjectSpec) -> list[FieldSpec]:
    return [
        FieldSpec(name, "address", _label(name), updateable=False, createable=False, compound_of=parts)
        for name, parts in spec.compounds.items()
    ]


def _label(name: str) -> str:
    base = name.removesuffix("__c").replace("_", " ")
    return base.removesuffix("Id").strip() or name
