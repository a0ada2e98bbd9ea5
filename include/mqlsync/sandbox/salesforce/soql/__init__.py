"""A real subset of SOQL: lexer -> parser (AST) -> vectorised evaluator over a Table's columns."""

from mqlsync.sandbox.salesforce.soql.parser import Query, parse_soql

__all__ = ["Query", "parse_soql"]
