"""Transport to the CRMs: building clients from connection settings, nothing about leads.

`salesforce.connect_salesforce` builds a real simple-salesforce client for a real org or the sandbox,
`hubspot.connect_hubspot` a real hubspot-api-client one; `calls.CrmCaller` is the one layer every
CRM call goes through (budget, retries, errors).
"""
