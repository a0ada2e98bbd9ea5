"""mqlsync: qualified, routed, explained MQLs for life-sciences CRMs."""

__version__ = "0.1.0"
