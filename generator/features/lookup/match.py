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
    LIT,
    MARK,
    MARKERS,
    NUMBER,
    TRAILING,
    Item,
    Line,
    Plan,
    ascii_lower,
    ascii_words,
    clean_input,
    display,
    fuzzy_tokens,
    normalise_clean,
    plan,
    reliable_words,
    shown,
    split_lines,
    tokens,
    windows,
)

INDEX_FORMAT = 2
# Longer input keeps its end, where errors usually are. Lengths count UTF-16 code units,
# as JavaScript does, so that both matchers cut in the same place.
MAX_INPUT = 1 << 20  # code units
MAX_LINES = 20_000  # lines: the work per line is what grows with many short lines
WINDOW = 3  # a message may be wrapped over up to this many lines
SHORT_INPUT = 50  # non-empty lines; longer input is a log: fuzzy only on error lines
MAX_WINDOW_CHARS = 4000
FUZZY_MAX_TOKENS = 120
FUZZY_CANDIDATES = 16
FUZZY_MIN = 0.5
SCORES = {"exact": 100, "pattern": 90, "code": 80, "digits": 75}
FUZZY_TOP = 70
WORDS = re.compile(r"[A-Za-z0-9_]+")


def common_words(messages: Sequence[frozenset[str]]) -> list[str]:
    """The words the fuzzy step does not look candidates up by (`messages`: the fuzzy words
    of each message template): those in more than 2% of the messages (at least 20), which
    tell messages apart too little. Counted over the whole catalogue, not one version, so
    that a text finds the same near misses in every version that has its message, however
    many other messages the version has."""
    frequency: dict[str, int] = {}
    for words in messages:
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    cap = max(20, math.ceil(len(messages) * 0.02))
    return sorted(word for word, number in frequency.items() if number > cap)


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


WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class Search:
    """One template plan looked for in one text: the spans of its groups, or None."""

    def __init__(self, template: Plan, lowered: str, text: str, values: Sequence[str],
                 literals: Sequence[str]):
        self.plan = template
        self.lowered = lowered
        self.text = text
        self.values = values
        self.literals = literals
        self.marker_at: dict[int, int] | None = None  # position -> index of the marker

    def run(self) -> dict[int, tuple[int, int]] | None:
        segments, gaps = self.plan.segments, self.plan.gaps
        size = len(self.lowered)
        spans: dict[int, tuple[int, int]] = {}
        last = len(segments) - 1
        if segments[0]:
            got = self.find(segments[0], 0, self.plan.word_start,
                            last == 0 and self.plan.word_end, spans)
            if got is None:
                return None
            position = got
        else:
            position = 0
        for number, gap in enumerate(gaps):
            segment = segments[number + 1]
            if not segment:
                if number + 1 == last:  # a final free placeholder takes the rest
                    if position >= size:
                        return None
                    spans[gap] = (position, size)
                    position = size
                    continue
                if position + 1 > size:
                    return None
                spans[gap] = (position, position + 1)
                position += 1
                continue
            start = position
            got = self.find(segment, position + 1, False,
                            number + 1 == last and self.plan.word_end, spans, gap, start)
            if got is None:
                return None
            position = got
        return spans

    def find(self, segment: tuple[Item, ...], start: int, word_start: bool, word_end: bool,
             spans: dict[int, tuple[int, int]], gap: int = -1,
             gap_start: int = 0) -> int | None:
        """Where `segment` ends at its earliest place from `start` on (recording its groups
        and the gap before it in `spans`), or None."""
        lowered = self.lowered
        first = segment[0]
        probe = first.text
        at = lowered.find(probe, start)
        while at >= 0:
            if not (word_start and at > 0 and lowered[at - 1] in WORD_CHARS):
                mine: dict[int, tuple[int, int]] = {}
                end = self.at(segment, at, mine)
                if end is not None and not (word_end and end < len(lowered)
                                            and lowered[end] in WORD_CHARS):
                    spans.update(mine)
                    if gap >= 0:
                        spans[gap] = (gap_start, at)
                    return end
            at = lowered.find(probe, at + 1)
        return None

    def at(self, segment: tuple[Item, ...], position: int,
           spans: dict[int, tuple[int, int]]) -> int | None:
        """Where `segment` ends if it matches at `position` exactly, else None."""
        lowered = self.lowered
        size = len(lowered)
        for item in segment:
            if item.kind == LIT:
                if not lowered.startswith(item.text, position):
                    return None
                position += len(item.text)
            elif item.kind == MARK:
                if position >= size or lowered[position] != item.text:
                    return None
                if item.literal >= 0:
                    value = self.values[self.marker_index(position)]
                    if ascii_lower(value) != ascii_lower(self.literals[item.literal]):
                        return None
                spans[item.group] = (position, position + 1)
                position += 1
            else:  # QUOTE
                if position >= size or lowered[position] != "'":
                    return None
                close = lowered.find("'", position + 1)
                if close < 0:
                    return None
                spans[item.group] = (position + 1, close)
                position = close + 1
        return position

    def marker_index(self, position: int) -> int:
        if self.marker_at is None:
            found: dict[int, int] = {}
            for index, char in enumerate(self.text):
                if char in MARKERS:
                    found[index] = len(found)
            self.marker_at = found
        return self.marker_at[position]


def encode(text: str) -> str:
    """URL-encode like JavaScript's encodeURIComponent."""
    return quote(text, safe="!'()*-._~")


ASTRAL = re.compile("[\U00010000-\U0010ffff]")
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def units(text: str) -> int:
    """The length of `text` in UTF-16 code units (JavaScript's `length`)."""
    return len(text) + (len(ASTRAL.findall(text)) if not text.isascii() else 0)


@dataclass(frozen=True)
class Pasted:
    """Pasted text as every version's matcher reads it: its lines as pasted and as
    normalised, the lines left out before them, and whether any were."""

    raw: list[str]
    lines: list[Line]
    offset: int
    truncated: bool


def read_pasted(text: str, dropped: int = 0) -> Pasted:
    """`text` read for `Matcher.lookup`: clipped to what the matcher reads, split into lines
    and normalised (`dropped`: lines the caller already left out before `text`)."""
    kept, offset, truncated = clip(text)
    return Pasted(split_lines(kept), [normalise_clean(r) for r in split_lines(clean_input(kept))],
                  offset + dropped, truncated or dropped > 0)


def clip(text: str) -> tuple[str, int, bool]:
    """At most the last MAX_INPUT code units from a line start and the last MAX_LINES lines;
    how many lines were dropped, and whether any were."""
    offset, truncated = 0, False
    if len(text) > MAX_INPUT // 2 and units(text) > MAX_INPUT:
        data = text.encode("utf-16-le", "surrogatepass")
        start = len(data) // 2 - MAX_INPUT
        cut = data.find(b"\n\x00", 2 * start)
        while cut != -1 and cut % 2:  # a match across two code units
            cut = data.find(b"\n\x00", cut + 1)
        cut = start if cut == -1 else cut // 2 + 1
        offset = len(split_lines(data[:2 * cut].decode("utf-16-le", "surrogatepass"))) - 1
        text = data[2 * cut:].decode("utf-16-le", "surrogatepass")
        if text and "\udc00" <= text[0] <= "\udfff":  # half of a character cut in two
            text = "\ufffd" + text[1:]
        truncated = True
    breaks = text.count("\n") + text.count("\r")
    if breaks >= MAX_LINES:
        lines = LINE_BREAK.split(text)
        if len(lines) > MAX_LINES:
            drop = len(lines) - MAX_LINES
            found = LINE_BREAK.finditer(text)
            end = 0
            for _ in range(drop):
                end = next(found).end()
            text = text[end:]
            offset += drop
            truncated = True
    return text, offset, truncated


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
    _compiled: dict[int, Plan] = field(default_factory=dict)
    _required: dict[int, frozenset[str]] = field(default_factory=dict)
    _literal_values: dict[int, frozenset[str]] = field(default_factory=dict)
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
        """The words of each pattern, and which patterns have each word the fuzzy step uses
        (all but the index's common words)."""
        patterns = self.index["patterns"]
        self.fuzzy_words = [fuzzy_tokens(p[1]) for p in patterns]
        common = set(self.index["common"])
        for number, words in enumerate(self.fuzzy_words):
            for word in sorted(set(words)):
                if word not in common:
                    self.postings.setdefault(word, []).append(number)

    def required(self, number: int) -> frozenset[str]:
        """The words any text that the pattern matches has."""
        known = self._required.get(number)
        if known is None:
            known = self._required[number] = frozenset(
                reliable_words(self.index["patterns"][number][1]))
        return known

    def literal_values(self, number: int) -> frozenset[str]:
        """The masked values (numbers, addresses...) any text that the pattern matches has,
        lowercased: the pattern's literal markers each match one equal to theirs."""
        known = self._literal_values.get(number)
        if known is None:
            known = self._literal_values[number] = frozenset(
                ascii_lower(value) for value in self.index["patterns"][number][3])
        return known

    def compiled(self, number: int) -> Plan:
        known = self._compiled.get(number)
        if known is None:
            known = self._compiled[number] = plan(self.index["patterns"][number][1])
        return known

    def search(self, number: int, lowered: str, text: str, values: Sequence[str]) -> tuple[
            tuple[str, str], ...] | None:
        """Placeholder values of pattern `number` in `text`, or None if it does not match.

        `lowered` is `text` with ASCII letters lowercased, where the segments are looked
        for. Each segment is found at its earliest place after the one before; no choice is
        ever revisited, so the work grows with the text, not with its power.
        """
        found = Search(self.compiled(number), lowered, text, values,
                       self.index["patterns"][number][3]).run()
        if found is None:
            return None
        names = self.index["patterns"][number][2]
        out: list[tuple[str, str]] = []
        placeholder = 0
        for group, kind in enumerate(self.compiled(number).groups):
            if kind != "p":
                continue
            name = names[placeholder]
            placeholder += 1
            if name:
                start, end = found[group]
                out.append((name, restore(text, start, end, values)))
        return tuple(out)

    def matches(self, lines: list[Line], fuzzy: bool = True) -> list[Match]:
        """Every match of every window of `lines` (not yet reduced to one per entry)."""
        patterns = self.index["patterns"]
        found: list[Match] = []
        single: list[set[int]] = [set() for _ in lines]
        short = sum(1 for line in lines if line.text) <= SHORT_INPUT
        # Per line: the patterns whose anchor word it has, and whether it reads like an error.
        anchored: list[set[int]] = []
        words: list[set[str]] = []
        masked: list[set[str]] = []
        errorish: list[bool] = []
        for line in lines:
            mine = lower_words(line.text)
            hits: set[int] = set()
            for word in mine:
                hits.update(self.anchors.get(word, ()))
            anchored.append(hits)
            words.append(mine)
            masked.append({ascii_lower(value) for value in line.values})
            errorish.append(fuzzy and (line.prefixed or bool(ERRORISH.search(line.text))))
        for first, count in windows(lines, WINDOW):
            near = fuzzy and (short or (count == 1 and errorish[first]))
            if not near and not self.always and not any(anchored[first:first + count]):
                continue
            if count == 1:
                present, done, values_present = words[first], set(), masked[first]
            else:
                present = set().union(*words[first:first + count])
                done = set().union(*single[first:first + count])
                values_present = set().union(*masked[first:first + count])
            candidates = [
                number for number in sorted(set(self.always).union(*anchored[first:first + count]))
                # Found on one of these lines alone, or a literal word or value is missing.
                if number not in done and self.required(number) <= present
                and self.literal_values(number) <= values_present
            ]
            if not candidates and not near:
                continue
            part = lines[first:first + count]
            text = TRAILING.sub("", " ".join(line.text for line in part))
            if count > 1 and (len(text) > MAX_WINDOW_CHARS or units(text) > MAX_WINDOW_CHARS):
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

    def lookup(self, text: str | Pasted, limit: int | None = None, dropped: int = 0) -> Lookup:
        """Ranked results for pasted text: one per entry, best first.

        `dropped`: lines the caller already left out before `text` (it read only the end).
        The text may be given as `read_pasted` read it (with its own `dropped`), to look it
        up in several versions reading it once.
        """
        pasted = text if isinstance(text, Pasted) else read_pasted(text, dropped)
        raw, lines, offset, truncated = pasted.raw, pasted.lines, pasted.offset, \
            pasted.truncated
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
