"""Diagnostics: the one message format shared by every stage.

Input: problems found by load, validate, render, build and check; output: sorted
`path:line:col: severity: subject: message; suggestion` lines and an exit status.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


class Severity(enum.Enum):
    """How bad a problem is; errors fail the command, warnings only with --strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Loc:
    """A place in a source file: repository-relative path, 1-based line and column."""

    path: str
    line: int = 0
    col: int = 0

    def shifted(self, lines: int = 0, col: int | None = None) -> Loc:
        """This location moved down by `lines`, optionally at column `col`."""
        return Loc(self.path, self.line + lines, self.col if col is None else col)

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        if self.col <= 0:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where, how bad, about what, what is wrong, and how to fix it."""

    loc: Loc
    severity: Severity
    subject: str
    message: str
    suggestion: str = ""
    # Other places the problem involves (the first definition of a duplicate, the message
    # that shadows this one, the source of a page in the anchors lock): `kb check
    # --changed-since` keeps a problem when any of them is in a changed file.
    related: tuple[Loc, ...] = ()

    @property
    def paths(self) -> tuple[str, ...]:
        """The file of the problem and the files of its related locations."""
        return (self.loc.path, *(loc.path for loc in self.related))

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.loc.path, self.loc.line, self.loc.col, self.subject, self.message)

    def format(self) -> str:
        text = f"{self.loc}: {self.severity.value}: "
        if self.subject:
            text += f"{self.subject}: "
        text += self.message
        if self.suggestion:
            text += f"; {self.suggestion}"
        return text

    def format_github(self) -> str:
        """The same finding as a GitHub Actions workflow command (annotation)."""
        kind = "error" if self.severity is Severity.ERROR else "warning"
        parts = [f"file={self.loc.path}"]
        if self.loc.line > 0:
            parts.append(f"line={self.loc.line}")
        if self.loc.col > 0:
            parts.append(f"col={self.loc.col}")
        body = self.format().split(": ", 2)[-1] if self.loc.line > 0 else self.format()
        body = body.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{kind} {','.join(parts)}::{body}"

    def __str__(self) -> str:
        return self.format()


@dataclass
class Diagnostics:
    """A collector: stages add problems here instead of raising on the first one."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, loc: Loc, subject: str, message: str, suggestion: str = "",
              related: tuple[Loc, ...] = ()) -> None:
        self.items.append(Diagnostic(loc, Severity.ERROR, subject, message, suggestion,
                                     related))

    def warning(self, loc: Loc, subject: str, message: str, suggestion: str = "",
                related: tuple[Loc, ...] = ()) -> None:
        self.items.append(Diagnostic(loc, Severity.WARNING, subject, message, suggestion,
                                     related))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """Unique diagnostics in a stable order: by file, line, column, text."""
        unique: dict[tuple[Loc, Severity, str, str, str], Diagnostic] = {}
        for item in self.items:
            key = (item.loc, item.severity, item.subject, item.message, item.suggestion)
            known = unique.get(key)
            if known is None:
                unique[key] = item
            elif not set(item.related) <= set(known.related):
                merged = tuple(sorted({*known.related, *item.related}))
                unique[key] = Diagnostic(*key, related=merged)
        return sorted(unique.values(), key=Diagnostic.sort_key)

    def fails(self, strict: bool = False) -> bool:
        return self.has_errors() or (strict and bool(self.items))

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


class DiagnosticError(Exception):
    """Raised by a stage that cannot continue; carries every problem it collected."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def did_you_mean(value: str, choices: Iterable[str], *, quote: bool = True) -> str:
    """A "did you mean 'x'?" hint for the closest choice, or an empty string."""
    options = list(choices)
    folded = {c.lower(): c for c in options}
    if value.lower() in folded:
        best = folded[value.lower()]
    else:
        # Compare with separators removed too: 'tfs2018' is close to 'tfs-2018'.
        squashed = {c.lower().replace("-", "").replace("_", ""): c for c in options}
        key = value.lower().replace("-", "").replace("_", "")
        if key in squashed:
            best = squashed[key]
        else:
            close = difflib.get_close_matches(value.lower(), list(folded), n=1, cutoff=0.6)
            if not close:
                return ""
            best = folded[close[0]]
    return f"did you mean '{best}'?" if quote else f"did you mean {best}?"
