"""Render (code snippets): the lines a DocFX code snippet shows, taken from a source file.

Input: a file's text and the snippet's selectors (a region or tag name, a line range, the
lines to highlight); output: the snippet's lines, dedented, and the highlighted line
numbers counted within the snippet, or a `SnippetError` saying what is wrong.

`[!code-lang[](file#name?range=1-3,5&highlight=2)]` and `:::code source="file" id="name"
range="1-3" highlight="2":::` select lines the way DocFX does: `#L12-L16` is a line range,
`#name` (or `?name=` / `id=`) a region between `<name>` and `</name>` tag comments or
`#region name` and `#endregion`; lines holding only another tag comment are left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_LINE_RANGE = re.compile(r"^L(?P<start>\d+)(?:-L(?P<end>\d+))?$", re.IGNORECASE)
_TAG_LINE = re.compile(r"^\s*(?://|#|<!--|'|--|/\*|;|REM\b|%)\s*<(?P<close>/)?(?P<name>[\w.-]+)>"
                       r"\s*(?:-->|\*/)?\s*$", re.IGNORECASE)
_REGION = re.compile(r"^\s*#\s*(?P<end>end)?region\b\s*(?P<name>.*?)\s*$", re.IGNORECASE)


class SnippetError(ValueError):
    """A snippet that cannot be taken: `message` says why, `suggestion` what to do."""

    def __init__(self, message: str, suggestion: str):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


@dataclass(frozen=True)
class Snippet:
    """The lines shown and the 1-based snippet line numbers to highlight."""

    lines: tuple[str, ...]
    highlight: tuple[int, ...]


def parse_ranges(text: str, what: str) -> list[tuple[int, int | None]]:
    """`1-3,5,7-` -> [(1, 3), (5, 5), (7, None)]; SnippetError when malformed."""
    ranges: list[tuple[int, int | None]] = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        found = re.fullmatch(r"(\d+)(?:-(\d*))?", part)
        if found is None:
            raise SnippetError(f"expected {what} like '1-3,5,7-', found '{text}'",
                               f"write the {what} as line numbers and ranges")
        start = int(found[1])
        end: int | None = start if found[2] is None else (int(found[2]) if found[2] else None)
        if start < 1 or (end is not None and end < start):
            raise SnippetError(f"{what} '{part}' is empty or starts before line 1",
                               "line numbers start at 1 and ranges go upwards")
        ranges.append((start, end))
    return ranges


def _select(lines: Sequence[str], ranges: list[tuple[int, int | None]], what: str,
            ) -> list[str]:
    picked: list[str] = []
    for start, end in ranges:
        if start > len(lines):
            raise SnippetError(f"{what} starts at line {start}, past the end "
                               f"({len(lines)} lines)", "check the line numbers")
        picked.extend(lines[start - 1:(end if end is not None else len(lines))])
    return picked


def _region(lines: Sequence[str], name: str) -> list[str]:
    """The lines between `<name>` and `</name>` tags, or `#region name` and `#endregion`."""
    wanted = name.lower()
    for i, line in enumerate(lines):
        tag = _TAG_LINE.match(line)
        if tag and not tag["close"] and tag["name"].lower() == wanted:
            for j in range(i + 1, len(lines)):
                end = _TAG_LINE.match(lines[j])
                if end and end["close"] and end["name"].lower() == wanted:
                    return list(lines[i + 1:j])
            raise SnippetError(f"region '{name}' opened on line {i + 1} is not closed",
                               f"add a '</{name}>' tag comment where the region ends")
        region = _REGION.match(line)
        if region and not region["end"] and region["name"].lower() == wanted:
            depth = 0
            for j in range(i + 1, len(lines)):
                inner = _REGION.match(lines[j])
                if inner and not inner["end"]:
                    depth += 1
                elif inner and inner["end"]:
                    if depth == 0:
                        return list(lines[i + 1:j])
                    depth -= 1
            raise SnippetError(f"#region '{name}' opened on line {i + 1} is not closed",
                               "add '#endregion' where the region ends")
    raise SnippetError(f"region '{name}' not found",
                       f"mark it with '<{name}>' and '</{name}>' comments, or fix the name")


def _dedent(lines: list[str]) -> list[str]:
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return [line[cut:] if line.strip() else "" for line in lines]


def take(text: str, region: str | None = None, ranges: str | None = None,
         highlight: str | None = None) -> Snippet:
    """The snippet of `text` that the selectors name."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if region:
        found = _LINE_RANGE.match(region)
        if found:
            end = found["end"] or found["start"]
            lines = _select(lines, [(int(found["start"]), int(end))], "line range")
        else:
            lines = _region(lines, region)
    if ranges:
        lines = _select(lines, parse_ranges(ranges, "range"), "range")
    lines = [line for line in lines if not _TAG_LINE.match(line) and not _REGION.match(line)]
    marked: list[int] = []
    if highlight:
        for start, end in parse_ranges(highlight, "highlight"):
            marked.extend(range(start, (end if end is not None else len(lines)) + 1))
    return Snippet(tuple(_dedent(lines)), tuple(sorted(set(marked))))
