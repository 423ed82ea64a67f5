"""What the fuzz properties share: a diagnostic is located inside the text it is about."""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.core.diagnostics import Diagnostic

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def outside(diagnostics: Iterable[Diagnostic], texts: dict[str, str]) -> list[str]:
    """The diagnostics about one of `texts` (path -> text) whose line and column are not in
    that text, as editors count lines (a position just after a line's end, or on the empty
    line after a final line break, is inside)."""
    wrong = []
    for item in diagnostics:
        text = texts.get(item.loc.path)
        if text is None or item.loc.line == 0:
            continue
        lines = LINE_BREAK.split(text)
        line, col = item.loc.line, item.loc.col
        if not 1 <= line <= len(lines) or col < 0 or col > len(lines[line - 1]) + 1:
            wrong.append(item.format())
    return wrong
