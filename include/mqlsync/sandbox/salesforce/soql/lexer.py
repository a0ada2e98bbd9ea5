"""SOQL tokens with their positions, so errors can point at Row:n:Column:m as Salesforce does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mqlsync.sandbox.salesforce.errors import SalesforceApiError

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2}(?![\dT]))
  | (?P<number>[+-]?\d+(?:\.\d+)?)
  | (?P<string>'(?:\\.|[^'\\])*')
  | (?P<op>!=|<>|<=|>=|=|<|>)
  | (?P<punct>[(),.:])
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)
_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
    "%": "\\%",
    "_": "\\_",
}


@dataclass(frozen=True)
class Token:
    kind: str  # ident, string, number, date, datetime, op, punct, eof
    text: str
    value: object
    row: int
    column: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "ident" and self.text.upper() in words


def malformed(soql: str, token: Token, message: str) -> SalesforceApiError:
    """MALFORMED_QUERY worded as Salesforce does: the query line, a caret, the position, the reason."""
    line = soql.splitlines()[token.row - 1] if soql.strip() else ""
    caret = " " * max(token.column - 1, 0) + "^"
    text = f"\n{line}\n{caret}\nERROR at Row:{token.row}:Column:{token.column}\n{message}"
    return SalesforceApiError(400, "MALFORMED_QUERY", text)


def tokenize(soql: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(soql):
        match = _TOKEN.match(soql, pos)
        row = soql.count("\n", 0, pos) + 1
        column = pos - (soql.rfind("\n", 0, pos) + 1) + 1
        if match is None:
            bad = Token("error", soql[pos], None, row, column)
            raise malformed(soql, bad, f"unexpected token: '{soql[pos]}'")
        kind = match.lastgroup or ""
        text = match.group()
        pos = match.end()
        if kind == "ws":
            continue
        value: object = text
        if kind == "string":
            value = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])
        elif kind == "number":
            value = float(text) if "." in text else int(text)
        tokens.append(Token(kind, text, value, row, column))
    row = soql.count("\n") + 1
    tokens.append(Token("eof", "<EOF>", None, row, len(soql.splitlines()[-1] if soql else "") + 1))
    return tokens
