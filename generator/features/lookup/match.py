"""Lookup matching: rank catalogue entries for a pasted message or log.

Input: a per-version index (see `index`) and pasted text; output: ranked results with
score, kind (exact, pattern, code, fuzzy), the lines that matched, placeholder values,
the cause and the anchor URL. generator/features/assets/lookup/lookup.js is the same matcher in
JavaScript; tests/vectors/lookup.json holds both to the same ranking.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from rapidfuzz.distance import LCSseq

from .pattern import (
    ERRORISH,
    MARKERS,
    NUMBER,
    TRAILING,
    Line,
    ascii_lower,
    ascii_words,
    clean_input,
    display,
    fuzzy_tokens,
    normalise_clean,
    regex_source,
    reliable_words,
    shown,
    split_lines,
    tokens,
    windows,
)

INDEX_FORMAT = 1
MAX_INPUT = 1 << 20  # characters; longer input keeps its end, where errors usually are
WINDOW = 3  # a message may be wrapped over up to this many lines
SHORT_INPUT = 50  # non-empty lines; longer input is a log: fuzzy only on error lines
MAX_WINDOW_CHARS = 4000
FUZZY_MAX_TOKENS = 120
FUZZY_CANDIDATES = 16
FUZZY_MIN = 0.5
SCORES = {"exact": 100, "pattern": 90, "code": 80, "digits": 75}
FUZZY_TOP = 70
WORDS = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True)
class Match:
    """One way an entry was found: by which pattern, where, how well."""

    entry: int
    pattern: int  # -1 for a code
    kind: str
    score: int
    specificity: int
    first: int  # 0-based index of the first line
    count: int  # lines in the window
    values: tuple[tuple[str, str], ...] = ()

    def key(self) -> tuple[int, int, int, int]:
        """How entries are ranked: exact, pattern, code, fuzzy; then the most specific."""
        return (self.score, self.specificity, -self.count, -self.first)

    def detail_key(self) -> tuple[int, int, int, int]:
        """Which of an entry's message matches tells most (values, the cause)."""
        return (self.specificity, self.score, -self.count, -self.first)


@dataclass(frozen=True)
class Result:
    """A ranked entry, as the CLI prints it and the page shows it."""

    entry: str
    title: str
    topic: str
    kind: str
    score: int
    line: int  # 1-based, in the pasted text
    end_line: int
    text: str  # the line(s) that matched, cleaned of colour codes
    values: tuple[tuple[str, str], ...]
    cause: tuple[str, str] | None  # (id, title)
    url: str  # relative to the version's root: topic/#entry

    def as_json(self) -> dict[str, Any]:
        return {
            "entry": self.entry,
            "title": self.title,
            "topic": self.topic,
            "kind": self.kind,
            "score": self.score,
            "line": self.line,
            "end_line": self.end_line,
            "text": self.text,
            "values": dict(self.values),
            "cause": {"id": self.cause[0], "title": self.cause[1]} if self.cause else None,
            "url": self.url,
        }


@dataclass(frozen=True)
class Lookup:
    """Everything one lookup found, and what to offer when it found nothing."""

    moniker: str
    title: str
    results: tuple[Result, ...]
    lines: int
    truncated: bool
    propose_url: str

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.moniker,
            "version_title": self.title,
            "lines": self.lines,
            "truncated": self.truncated,
            "results": [r.as_json() for r in self.results],
            "propose_url": self.propose_url,
        }


@dataclass
class _Compiled:
    regex: re.Pattern[str]
    groups: list[str]


def encode(text: str) -> str:
    """URL-encode like JavaScript's encodeURIComponent."""
    return quote(text, safe="!'()*-._~")


def clip(text: str) -> tuple[str, int, bool]:
    """The last MAX_INPUT characters from a line start, lines dropped, and whether cut."""
    if len(text) <= MAX_INPUT:
        return text, 0, False
    start = len(text) - MAX_INPUT
    cut = text.find("\n", start)
    cut = start if cut == -1 else cut + 1
    return text[cut:], len(split_lines(text[:cut])) - 1, True


def lower_words(text: str) -> set[str]:
    """The words of a text, lowercased one by one (as the JavaScript matcher does)."""
    return set(ascii_words(text))


def count_markers(text: str, end: int) -> int:
    return sum(1 for char in text[:end] if char in MARKERS)


def restore(text: str, start: int, end: int, values: Sequence[str]) -> str:
    """The original text of text[start:end], markers replaced by the values they hide."""
    index = count_markers(text, start)
    out = []
    for char in text[start:end]:
        if char in MARKERS:
            out.append(values[index])
            index += 1
        else:
            out.append(char)
    return "".join(out)


@dataclass
class Matcher:
    """Matches text against one index; compiles each pattern the first time it is needed."""

    index: dict[str, Any]
    _compiled: dict[int, _Compiled] = field(default_factory=dict)
    _required: dict[int, frozenset[str]] = field(default_factory=dict)
    anchors: dict[str, list[int]] = field(default_factory=dict)
    always: list[int] = field(default_factory=list)
    fuzzy_words: list[list[str]] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)
    codes: dict[str, list[int]] = field(default_factory=dict)
    digits: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.index.get("format") != INDEX_FORMAT:
            raise ValueError(f"lookup index format {self.index.get('format')!r} is not "
                             f"{INDEX_FORMAT}; rebuild the site")
        patterns = self.index["patterns"]
        for number, pattern in enumerate(patterns):
            anchor = pattern[4]
            if anchor:
                self.anchors.setdefault(anchor, []).append(number)
            else:
                self.always.append(number)
        for code, entry in self.index["codes"]:
            self.codes.setdefault(code, []).append(entry)
            tail = re.search(r"[a-z](\d{4,})$", code)
            if tail:
                self.digits.setdefault(tail.group(1), []).append(entry)

    def prepare_fuzzy(self) -> None:
        """The words of each pattern, and which patterns have each word that few have."""
        patterns = self.index["patterns"]
        self.fuzzy_words = [fuzzy_tokens(p[1]) for p in patterns]
        frequency: dict[str, int] = {}
        for words in self.fuzzy_words:
            for word in set(words):
                frequency[word] = frequency.get(word, 0) + 1
        cap = max(20, math.ceil(len(patterns) * 0.02))
        for number, words in enumerate(self.fuzzy_words):
            for word in sorted(set(words)):
                if frequency[word] <= cap:
                    self.postings.setdefault(word, []).append(number)

    def required(self, number: int) -> frozenset[str]:
        """The words any text that the pattern matches has."""
        known = self._required.get(number)
        if known is None:
            known = self._required[number] = frozenset(
                reliable_words(self.index["patterns"][number][1]))
        return known

    def compiled(self, number: int) -> _Compiled:
        known = self._compiled.get(number)
        if known is None:
            source, groups = regex_source(self.index["patterns"][number][1], literal_first=True)
            known = self._compiled[number] = _Compiled(re.compile(source), groups)
        return known

    def search(self, number: int, lowered: str, text: str, values: Sequence[str]) -> tuple[
            tuple[str, str], ...] | None:
        """Placeholder values of pattern `number` in `text`, or None if it does not match.

        `lowered` is `text` with ASCII letters lowercased, where the expression runs.
        """
        compiled = self.compiled(number)
        _entry, _template, names, literals = self.index["patterns"][number][:4]
        position = 0
        while True:
            found = compiled.regex.search(lowered, position)
            if found is None:
                return None
            ok = True
            out: list[tuple[str, str]] = []
            literal = placeholder = 0
            for group, kind in enumerate(compiled.groups, 1):
                start, end = found.span(group)
                if kind == "l":
                    value = values[count_markers(text, start)]
                    if ascii_lower(value) != ascii_lower(literals[literal]):
                        ok = False
                        break
                    literal += 1
                else:
                    name = names[placeholder]
                    placeholder += 1
                    if name:
                        out.append((name, restore(text, start, end, values)))
            if ok:
                return tuple(out)
            position = found.start() + 1

    def matches(self, lines: list[Line], fuzzy: bool = True) -> list[Match]:
        """Every match of every window of `lines` (not yet reduced to one per entry)."""
        patterns = self.index["patterns"]
        found: list[Match] = []
        single: list[set[int]] = [set() for _ in lines]
        short = sum(1 for line in lines if line.text) <= SHORT_INPUT
        # Per line: the patterns whose anchor word it has, and whether it reads like an error.
        anchored: list[set[int]] = []
        words: list[set[str]] = []
        errorish: list[bool] = []
        for line in lines:
            mine = lower_words(line.text)
            hits: set[int] = set()
            for word in mine:
                hits.update(self.anchors.get(word, ()))
            anchored.append(hits)
            words.append(mine)
            errorish.append(fuzzy and (line.prefixed or bool(ERRORISH.search(line.text))))
        for first, count in windows(lines, WINDOW):
            near = fuzzy and (short or (count == 1 and errorish[first]))
            if not near and not self.always and not any(anchored[first:first + count]):
                continue
            if count == 1:
                present, done = words[first], set()
            else:
                present = set().union(*words[first:first + count])
                done = set().union(*single[first:first + count])
            candidates = [
                number for number in sorted(set(self.always).union(*anchored[first:first + count]))
                # Found on one of these lines alone, or a literal word is missing: skip.
                if number not in done and self.required(number) <= present
            ]
            if not candidates and not near:
                continue
            part = lines[first:first + count]
            text = TRAILING.sub("", " ".join(line.text for line in part))
            if count > 1 and len(text) > MAX_WINDOW_CHARS:
                continue
            values = [v for line in part for v in line.values]
            lowered = ascii_lower(text) if candidates else text
            for number in candidates:
                got = self.search(number, lowered, text, values)
                if got is None:
                    continue
                if count == 1:
                    single[first].add(number)
                # A template without placeholders (masked values count) matches only itself.
                kind = "pattern" if patterns[number][2] else "exact"
                found.append(Match(patterns[number][0], number, kind, SCORES[kind],
                                   patterns[number][5], first, count, got))
            if near:
                found.extend(self.fuzzy(text, values, first, count))
        for number, line in enumerate(lines):
            for word in line.raw_words:
                for entry in self.codes.get(word, ()):
                    found.append(Match(entry, -1, "code", SCORES["code"], 0, number, 1))
        filled = [number for number, line in enumerate(lines) if line.text]
        # A number alone ("7000215") stands for the code that ends with it.
        if len(filled) == 1 and lines[filled[0]].text == NUMBER:
            for entry in self.digits.get(lines[filled[0]].raw_words[0], ()):
                found.append(Match(entry, -1, "code", SCORES["digits"], 0, filled[0], 1))
        return found

    def fuzzy(self, text: str, values: Sequence[str], first: int,
              count: int) -> Iterable[Match]:
        """Near misses: patterns sharing words with the window, in the same order.

        A message that spells out a number, URL or path is only a near miss of text
        that has the same value: "status 404" is no near miss of "status 500".
        """
        words = tokens(text)
        if not words or len(words) > FUZZY_MAX_TOKENS:
            return
        if len(self.fuzzy_words) != len(self.index["patterns"]):
            self.prepare_fuzzy()
        shared: dict[int, int] = {}
        for word in set(words):
            for number in self.postings.get(word, ()):
                shared[number] = shared.get(number, 0) + 1
        patterns = self.index["patterns"]
        present = {value.lower() for value in values}
        ranked = sorted((n for n, c in shared.items() if c >= 2
                         and all(v.lower() in present for v in patterns[n][3])),
                        key=lambda n: (-shared[n], n))
        for number in ranked[:FUZZY_CANDIDATES]:
            mine = self.fuzzy_words[number]
            common = int(LCSseq.similarity(mine, words))
            if common < 2:
                continue
            similarity = (2 * common / len(mine) + common / len(words)) / 3
            if similarity < FUZZY_MIN:
                continue
            yield Match(patterns[number][0], number, "fuzzy", math.floor(FUZZY_TOP * similarity),
                        common, first, count)

    def lookup(self, text: str, limit: int | None = None) -> Lookup:
        """Ranked results for pasted text: one per entry, best first."""
        kept, offset, truncated = clip(text)
        raw = split_lines(kept)
        lines = [normalise_clean(r) for r in split_lines(clean_input(kept))]
        best: dict[int, Match] = {}
        detail: dict[int, Match] = {}
        for match in self.matches(lines):
            known = best.get(match.entry)
            if known is None or match.key() > known.key():
                best[match.entry] = match
            if match.kind in ("exact", "pattern"):
                known = detail.get(match.entry)
                if known is None or match.detail_key() > known.detail_key():
                    detail[match.entry] = match
        ordered = sorted(best.values(), key=lambda m: (*(-k for k in m.key()), m.entry))
        if limit is not None:
            ordered = ordered[:limit]
        results = tuple(self.result(m, detail.get(m.entry, m), raw, offset) for m in ordered)
        return Lookup(self.index["moniker"], self.index["title"], results,
                      len(raw), truncated, self.propose_url(lines))

    def result(self, rank: Match, match: Match, raw: list[str], offset: int) -> Result:
        """An entry ranked by `rank`, described by its most telling message match."""
        topic_index, entry_id, title, causes = self.index["entries"][match.entry]
        topic = self.index["topics"][topic_index]
        cause_index = self.index["patterns"][match.pattern][6] if match.pattern >= 0 else -1
        if cause_index < 0 and causes:
            cause_index = 0
        cause = tuple(causes[cause_index]) if cause_index >= 0 else None
        text = "\n".join(shown(line) for line in raw[match.first:match.first + match.count])
        return Result(entry_id, title, topic, rank.kind, rank.score,
                      offset + match.first + 1, offset + match.first + match.count, text,
                      match.values, (cause[0], cause[1]) if cause else None,
                      f"{topic}/#{entry_id}")

    def propose_url(self, lines: list[Line]) -> str:
        """The configured "propose a new entry" link, filled from the pasted text."""
        template = str(self.index.get("new_entry_url") or "")
        if not template:
            return ""
        filled = [line for line in lines if line.text]
        picked = [line for line in filled if line.prefixed or ERRORISH.search(line.text)][:5]
        shown = [display(line.text)[:300] for line in (picked or filled[:5])]
        title = "New error: " + (shown[0][:80] if shown else "")
        body = (f"Version: {self.index['title']} ({self.index['moniker']})\n\nMessage:\n\n"
                + "\n".join("    " + line for line in shown)
                + "\n\nWhat I was doing when it appeared:\n\n")
        return (template.replace("{title}", encode(title)).replace("{body}", encode(body))
                .replace("{version}", encode(self.index["moniker"]))
                .replace("{entry}", "").replace("{path}", encode("lookup/")))
