"""SOQL text -> a small AST. Recursive descent over the grammar mqlsync and its users need:

    SELECT (COUNT() | path {, path}) FROM object [WHERE cond] [ORDER BY key {, key}] [LIMIT n] [OFFSET n]
    cond  := term {AND term} | term {OR term}        (mixing AND and OR needs parentheses, as in SOQL)
    term  := NOT term | '(' cond ')' | path op value | path [NOT] IN '(' value {, value} ')' | path LIKE 'pat'
    value := 'text' | number | TRUE | FALSE | NULL | 2024-01-01 | 2024-01-01T00:00:00Z | TODAY | LAST_N_DAYS:n

Field names are only resolved later against the object's fields (INVALID_FIELD), as Salesforce does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from mqlsync.sandbox.salesforce.soql.lexer import Token, malformed, tokenize

COMPARISONS = ("=", "!=", "<>", "<", "<=", ">", ">=")
DATE_LITERALS = {"TODAY", "YESTERDAY", "TOMORROW", "THIS_WEEK", "LAST_WEEK", "THIS_MONTH", "LAST_MONTH"}
N_DATE_LITERALS = {"LAST_N_DAYS", "NEXT_N_DAYS", "LAST_N_WEEKS", "LAST_N_MONTHS"}
KEYWORDS = {
    "SELECT",
    "FROM",
    "WHERE",
    "ORDER",
    "BY",
    "LIMIT",
    "OFFSET",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "ASC",
    "DESC",
    "NULLS",
    "FIRST",
    "LAST",
}


@dataclass(frozen=True)
class FieldPath:
    parts: tuple[str, ...]
    token: Token

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class DateLiteral:
    """TODAY, LAST_N_DAYS:n and friends; resolved to a [start, end) range at evaluation time."""

    name: str
    n: int = 0


@dataclass(frozen=True)
class Compare:
    field: FieldPath
    op: str
    value: Any


@dataclass(frozen=True)
class InList:
    field: FieldPath
    values: tuple[Any, ...]
    negate: bool


@dataclass(frozen=True)
class Like:
    field: FieldPath
    pattern: str


@dataclass(frozen=True)
class Not:
    expr: Any


@dataclass(frozen=True)
class BoolOp:
    op: str  # AND | OR
    items: tuple[Any, ...]


@dataclass(frozen=True)
class OrderKey:
    field: FieldPath
    ascending: bool
    nulls_first: bool


@dataclass(frozen=True)
class Query:
    text: str
    fields: tuple[FieldPath, ...]
    count_only: bool
    object: str
    object_token: Token
    where: Any
    order_by: tuple[OrderKey, ...]
    limit: int | None
    offset: int


class _Parser:
    def __init__(self, soql: str) -> None:
        self.soql = soql
        self.tokens = tokenize(soql)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, token: Token | None = None, message: str | None = None) -> Exception:
        token = token or self.tok
        return malformed(self.soql, token, message or f"unexpected token: '{token.text}'")

    def expect_word(self, word: str) -> Token:
        if not self.tok.is_word(word):
            raise self.fail()
        return self.take()

    def expect_punct(self, text: str) -> Token:
        if self.tok.kind != "punct" or self.tok.text != text:
            raise self.fail()
        return self.take()

    def query(self) -> Query:
        self.expect_word("SELECT")
        count_only, fields = self.select_list()
        self.expect_word("FROM")
        if self.tok.kind != "ident" or self.tok.text.upper() in KEYWORDS:
            raise self.fail()
        obj = self.take()
        where = None
        if self.tok.is_word("WHERE"):
            self.take()
            where = self.condition()
        order: list[OrderKey] = []
        if self.tok.is_word("ORDER"):
            self.take()
            self.expect_word("BY")
            order.append(self.order_key())
            while self.tok.kind == "punct" and self.tok.text == ",":
                self.take()
                order.append(self.order_key())
        limit = self.int_clause("LIMIT")
        offset = self.int_clause("OFFSET") or 0
        if self.tok.kind != "eof":
            raise self.fail()
        return Query(self.soql, tuple(fields), count_only, obj.text, obj, where, tuple(order), limit, offset)

    def select_list(self) -> tuple[bool, list[FieldPath]]:
        if self.tok.is_word("COUNT") and self.tokens[self.i + 1].text == "(":
            self.take()
            self.expect_punct("(")
            self.expect_punct(")")
            return True, []
        fields = [self.path()]
        while self.tok.kind == "punct" and self.tok.text == ",":
            self.take()
            fields.append(self.path())
        return False, fields

    def path(self) -> FieldPath:
        first = self.tok
        if first.kind != "ident" or first.text.upper() in KEYWORDS:
            raise self.fail()
        parts = [self.take().text]
        while self.tok.kind == "punct" and self.tok.text == ".":
            self.take()
            if self.tok.kind != "ident":
                raise self.fail()
            parts.append(self.take().text)
        return FieldPath(tuple(parts), first)

    def int_clause(self, word: str) -> int | None:
        if not self.tok.is_word(word):
            return None
        self.take()
        if self.tok.kind != "number" or not isinstance(self.tok.value, int) or self.tok.value < 0:
            raise self.fail()
        return int(self.take().value)  # type: ignore[arg-type]

    def order_key(self) -> OrderKey:
        path = self.path()
        ascending = True
        if self.tok.is_word("ASC", "DESC"):
            ascending = self.take().text.upper() == "ASC"
        nulls_first = ascending
        if self.tok.is_word("NULLS"):
            self.take()
            if not self.tok.is_word("FIRST", "LAST"):
                raise self.fail()
            nulls_first = self.take().text.upper() == "FIRST"
        return OrderKey(path, ascending, nulls_first)

    def condition(self) -> Any:
        items = [self.term()]
        connective: str | None = None
        while self.tok.is_word("AND", "OR"):
            word = self.tok.text.upper()
            if connective is not None and word != connective:
                raise self.fail()
            connective = word
            self.take()
            items.append(self.term())
        return items[0] if connective is None else BoolOp(connective, tuple(items))

    def term(self) -> Any:
        if self.tok.is_word("NOT"):
            self.take()
            return Not(self.term())
        if self.tok.kind == "punct" and self.tok.text == "(":
            self.take()
            inner = self.condition()
            self.expect_punct(")")
            return inner
        path = self.path()
        if self.tok.kind == "op":
            op = self.take().text
            return Compare(path, "!=" if op == "<>" else op, self.value())
        negate = False
        if self.tok.is_word("NOT"):
            self.take()
            negate = True
            if not self.tok.is_word("IN"):
                raise self.fail()
        if self.tok.is_word("IN"):
            self.take()
            self.expect_punct("(")
            values = [self.value()]
            while self.tok.kind == "punct" and self.tok.text == ",":
                self.take()
                values.append(self.value())
            self.expect_punct(")")
            return InList(path, tuple(values), negate)
        if self.tok.is_word("LIKE"):
            self.take()
            if self.tok.kind != "string":
                raise self.fail()
            return Like(path, str(self.take().value))
        raise self.fail()

    def value(self) -> Any:
        token = self.tok
        if token.kind in ("string", "number"):
            return self.take().value
        if token.kind == "date":
            self.take()
            return pd.Timestamp(token.text)
        if token.kind == "datetime":
            self.take()
            return pd.Timestamp(token.text).tz_convert("UTC")
        if token.kind == "ident":
            word = token.text.upper()
            if word in ("TRUE", "FALSE"):
                self.take()
                return word == "TRUE"
            if word == "NULL":
                self.take()
                return None
            if word in DATE_LITERALS:
                self.take()
                return DateLiteral(word)
            if word in N_DATE_LITERALS:
                self.take()
                self.expect_punct(":")
                if self.tok.kind != "number" or not isinstance(self.tok.value, int):
                    raise self.fail()
                return DateLiteral(word, int(self.take().value))  # type: ignore[arg-type]
        raise self.fail()


def parse_soql(soql: str) -> Query:
    """Parse `soql`; a syntax problem raises MALFORMED_QUERY (400) worded as Salesforce words it."""
    return _Parser(soql).query()
