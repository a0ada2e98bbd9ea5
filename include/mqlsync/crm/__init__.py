"""Transport to the CRMs: building clients from connection settings, nothing about leads.

`salesforce.connect_salesforce` builds a real simple-salesforce client for a real org or the sandbox.
"""
