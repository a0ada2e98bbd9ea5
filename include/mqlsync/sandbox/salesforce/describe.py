"""sObject describe documents, from the field metadata the store carries (custom fields included)."""

from __future__ import annotations

from typing import Any

from mqlsync.sandbox.salesforce.schema import FieldSpec
from mqlsync.sandbox.salesforce.store import Table

_SOAP = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "int": "xsd:int",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
    "address": "urn:address",
}


def describe_field(f: FieldSpec) -> dict[str, Any]:
    return {
        "name": f.name,
        "label": f.label or f.name,
        "type": f.type,
        "soapType": _SOAP.get(f.type, "xsd:string"),
        "length": f.length,
        "byteLength": f.length * 3,
        "precision": 18 if f.type in ("double", "currency", "percent") else 0,
        "scale": 2 if f.type in ("double", "currency", "percent") else 0,
        "digits": 9 if f.type == "int" else 0,
        "nillable": f.nillable,
        "createable": f.createable,
        "updateable": f.updateable,
        "custom": f.custom,
        "externalId": f.external_id,
        "idLookup": f.name == "Id" or f.external_id or f.type == "email",
        "unique": False,
        "calculated": False,
        "defaultedOnCreate": f.name
        in ("Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp"),
        "filterable": f.type not in ("textarea", "address"),
        "sortable": f.type not in ("textarea", "address", "multipicklist"),
        "groupable": f.type not in ("textarea", "address", "double", "datetime"),
        "picklistValues": [
            {"value": v, "label": v, "active": True, "defaultValue": False, "validFor": None}
            for v in f.picklist_values
        ],
        "referenceTo": list(f.reference_to),
        "relationshipName": f.relationship_name,
        "polymorphicForeignKey": len(f.reference_to) > 1,
        "compoundFieldName": f.compound_field_name,
        "restrictedPicklist": False,
        "htmlFormatted": False,
    }


def describe_object(table: Table, api_base: str) -> dict[str, Any]:
    base = f"{api_base}/sobjects/{table.name}"
    return {
        **object_summary(table, api_base),
        "fields": [describe_field(f) for f in table.fields.values()],
        "childRelationships": [],
        "recordTypeInfos": [],
        "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
    }


def object_summary(table: Table, api_base: str) -> dict[str, Any]:
    base = f"{api_base}/sobjects/{table.name}"
    return {
        "name": table.name,
        "label": table.spec.label,
        "labelPlural": f"{table.spec.label}s",
        "keyPrefix": table.spec.prefix,
        "custom": table.name.endswith("__c"),
        "queryable": True,
        "retrieveable": True,
        "searchable": True,
        "createable": table.name not in ("User",),
        "updateable": True,
        "deletable": True,
        "replicateable": True,
        "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
    }
