"""Tables of errors in a DocFX article: a pipe table whose header names a column of error
codes or messages and a column that explains or fixes them, one error per row
(`| Code | Error message | Details and solution |`, `| Error | Description |`).

Input: the lines of an article's body; output: the tables of errors among them, each with
what its columns hold and the cells of its rows. Pure: the importer maps rows to entries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..markdown import docfx

# What a column holds, from its header; the first role that matches names it, and a role
# goes to the first column that has it ("Details and solution" is a fix, "Error message" a
# message, "Error code" and a lone "Error" codes).
ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fix", re.compile(r"\b(?:solution|resolution|resolve|fix|action|workaround|mitigation|"
                       r"remed(?:y|ies)|what to do)\b", re.IGNORECASE)),
    ("message", re.compile(r"\bmessages?\b", re.IGNORECASE)),
    ("cause", re.compile(r"\b(?:cause|reason)s?\b", re.IGNORECASE)),
    ("code", re.compile(r"\bcodes?\b|^errors?$|^error (?:id|name|number)$", re.IGNORECASE)),
    ("description", re.compile(r"\b(?:description|details?|meaning|explanation)\b",
                               re.IGNORECASE)),
)
KEYS = ("code", "message")  # a row names its error by one of these
TELLS = ("fix", "cause", "description")  # and says something of it in one of these
DELIMITER = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class ErrorTable:
    """A table of errors: where it is in the lines given (its header's index, and the index
    after its last row), what each role's column is, its headers and its rows (each row's
    index and cells)."""

    first: int
    end: int
    roles: dict[str, int]
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]

    def cell(self, cells: Sequence[str], role: str) -> str:
        """A row's cell of the column that has `role` ('' when there is none)."""
        column = self.roles.get(role)
        return cells[column] if column is not None and column < len(cells) else ""

    def header(self, role: str) -> str:
        return self.headers[self.roles[role]] if role in self.roles else ""


def cells(row: str) -> tuple[str, ...]:
    """A table row's cells, as GitHub's Markdown splits it: at each pipe not escaped with a
    backslash (in code spans too), the pipes at either end left out; `\\|` read as `|`."""
    text = row.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return tuple(cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", text))


def _header_text(cell: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", cell).split())


def roles_of(headers: Sequence[str]) -> dict[str, int]:
    """Each role's column among `headers` (see ROLES)."""
    roles: dict[str, int] = {}
    for column, header in enumerate(headers):
        text = _header_text(header)
        for role, pattern in ROLES:
            if pattern.search(text):
                roles.setdefault(role, column)
                break
    return roles


def error_tables(texts: Sequence[str]) -> list[ErrorTable]:
    """The tables of errors among the lines, outside code fences: a header row, its
    delimiter row (as many cells), then the rows up to a blank line or a line without a
    pipe. A table counts when a column names the errors (codes or messages), another says
    something of them (a fix, a cause or a description), and a row has a name."""
    found: list[ErrorTable] = []
    fenced = docfx._fenced(list(texts))
    index = 0
    while index + 1 < len(texts):
        header, delimiter = texts[index], texts[index + 1]
        if fenced[index] or fenced[index + 1] or "|" not in header \
                or len(header) - len(header.lstrip(" ")) > 3 \
                or not DELIMITER.match(delimiter) \
                or len(cells(header)) != len(cells(delimiter)):
            index += 1
            continue
        headers = cells(header)
        end = index + 2
        while end < len(texts) and not fenced[end] and texts[end].strip() \
                and "|" in texts[end]:
            end += 1
        roles = roles_of(headers)
        table = ErrorTable(index, end, roles, headers,
                           tuple((at, cells(texts[at])) for at in range(index + 2, end)))
        if any(key in roles for key in KEYS) and any(tell in roles for tell in TELLS) \
                and any(_header_text(table.cell(row, key)) for _, row in table.rows
                        for key in KEYS):
            found.append(table)
        index = end
    return found
