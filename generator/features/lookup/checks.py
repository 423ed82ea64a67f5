"""Lookup checks: messages that can match anything or are shadowed, and sample conformance.

Input: the validated Catalogue; output: diagnostics. Every entry's samples must find
it first and its not_samples must not match it, in every version they apply to; two
entries that match one sample equally well are ambiguous. One matcher holds every
message of every version, so each text is matched once and judged per version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ...catalogue.messages import PLACEHOLDER
from ...catalogue.model import Catalogue, Entry, Sample
from ...core.diagnostics import Diagnostics, Loc, did_you_mean
from .index import Compiled, compile_messages
from .match import INDEX_FORMAT, Match, Matcher
from .pattern import (
    MARKERS,
    PLACEHOLDER_CHARS,
    ascii_words,
    normalise_line,
    split_lines,
)

# Two ways to fill placeholders when testing whether a message is shadowed.
FILLS = (
    {"": "sample-value", "guid": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "int": "42",
     "url": "https://example.org/a", "path": "/var/example/a.txt", "quoted": "'example'"},
    {"": "Other Text 7", "guid": "6fa459ea-ee8a-3ca4-894e-db77e160355e", "int": "7",
     "url": "https://example.net/b/c", "path": "C:\\example\\b.log", "quoted": "'other'"},
)
MIN_LITERAL = 6


@dataclass
class _Table:
    """Every entry and message of the catalogue, with the versions each shows in."""

    matcher: Matcher
    entries: list[Entry]
    entry_versions: list[frozenset[str]]
    entry_locs: list[Loc]
    messages: list[Compiled]
    order: list[str]  # monikers, oldest first

    def best(self, found: Iterable[Match], moniker: str) -> dict[int, Match]:
        """The best match of each entry among those that exist in `moniker`."""
        best: dict[int, Match] = {}
        for match in found:
            if match.pattern >= 0:
                if moniker not in self.messages[match.pattern].versions:
                    continue
            elif moniker not in self.entry_versions[match.entry]:
                continue
            known = best.get(match.entry)
            if known is None or match.key() > known.key():
                best[match.entry] = match
        return best

    def loc_of(self, match: Match) -> Loc:
        if match.pattern >= 0:
            return self.messages[match.pattern].message.loc
        return self.entry_locs[match.entry]

    def where(self, monikers: list[str], every: frozenset[str]) -> str:
        if set(monikers) == set(every):
            return ""
        return " in " + ", ".join(f"'{m}'" for m in monikers)

    def matches(self, text: str) -> list[Match]:
        lines = [normalise_line(raw) for raw in split_lines(text)]
        return self.matcher.matches(lines, fuzzy=False)


def _table(catalogue: Catalogue) -> _Table:
    compiled = compile_messages(catalogue)
    entries: list[Entry] = []
    entry_versions: list[frozenset[str]] = []
    entry_rows: list[list[Any]] = []
    patterns: list[list[Any]] = []
    messages: list[Compiled] = []
    codes: list[list[Any]] = []
    topics = [t.id for t in catalogue.topics]
    for topic, entry in catalogue.entries():
        number = len(entries)
        entries.append(entry)
        entry_versions.append(topic.applies_to.monikers & entry.applies_to.monikers)
        entry_rows.append([topics.index(topic.id), entry.id, entry.title, []])
        for message in entry.messages:
            item = compiled[message.loc]
            t = item.template
            patterns.append([number, t.text, list(t.names), list(t.literals), item.anchor,
                             t.specificity, -1])
            messages.append(item)
        codes.extend([code.lower(), number] for code in entry.codes)
    common = sorted(set().union(*(item.common for item in messages)))
    index = {"format": INDEX_FORMAT, "moniker": "", "title": "", "new_entry_url": "",
             "topics": topics, "entries": entry_rows, "patterns": patterns,
             "codes": sorted(codes), "common": common}
    return _Table(Matcher(index), entries, entry_versions, [e.loc for e in entries], messages,
                  list(catalogue.products.names))


def witness(text: str, fill: dict[str, str]) -> str:
    """A message text with its placeholders filled in."""
    def one(found: re.Match[str]) -> str:
        token = found.group()
        if token in ("{{", "}}"):
            return token[0]
        _, _, kind = (found.group(1) or "").partition(":")
        return fill.get(kind, fill[""])
    return PLACEHOLDER.sub(one, text)


def _literal_characters(template: str) -> int:
    return sum(1 for c in template
               if c.isalnum() and c not in PLACEHOLDER_CHARS and c not in MARKERS)


def check_messages(table: _Table, diagnostics: Diagnostics) -> None:
    """Message causes exist; no message matches (almost) anything or is shadowed."""
    for number, item in enumerate(table.messages):
        entry_index = table.matcher.index["patterns"][number][0]
        entry = table.entries[entry_index]
        message = item.message
        subject = f"entry '{entry.id}'"
        causes = [c.id for c in entry.causes]
        if message.cause and message.cause not in causes:
            diagnostics.error(message.loc, subject, f"unknown cause '{message.cause}' in message",
                              did_you_mean(message.cause, causes) or
                              "use the id of one of the entry's causes")
        elif message.cause:
            cause = entry.causes[causes.index(message.cause)]
            missing = [m for m in table.order
                       if m in item.versions and m not in cause.applies_to.monikers]
            if missing:
                diagnostics.warning(
                    message.loc, subject,
                    f"message points to cause '{cause.id}', which is not in "
                    f"{_versions(missing)} where the message shows: a lookup there falls back "
                    "to another cause",
                    "narrow the message's applies_to to the versions of the cause, or widen "
                    "the cause's", related=(cause.loc,))
        literal = _literal_characters(item.template.text)
        if literal == 0:
            diagnostics.error(message.loc, subject,
                              "message has no literal words: it matches any line",
                              "add the fixed words of the message around its placeholders")
            continue
        if literal < MIN_LITERAL:
            diagnostics.warning(message.loc, subject,
                                f"message has only {literal} letters or digits besides its "
                                "placeholders: it matches most lines",
                                "quote more of the message's fixed text")
        _check_shadowed(table, number, entry_index, diagnostics)


def _rivals(table: _Table, text: str, entry_index: int) -> bool:
    """Whether a message of another entry might match `text` (its words are all there)."""
    matcher = table.matcher
    words = set(ascii_words(normalise_line(text).text))
    for number in set(matcher.always).union(*(matcher.anchors.get(w, ()) for w in words)):
        if matcher.index["patterns"][number][0] != entry_index \
                and matcher.required(number) <= words:
            return True
    return False


def _check_shadowed(table: _Table, number: int, entry_index: int,
                    diagnostics: Diagnostics) -> None:
    item = table.messages[number]
    shadowed: dict[str, Match] = {}
    for attempt, fill in enumerate(FILLS):
        text = witness(item.message.text, fill)
        if not _rivals(table, text, entry_index):
            return  # no other message can match it: nothing shadows this one
        found = table.matches(text)
        mine = [m for m in found if m.pattern == number]
        if not mine:
            return  # the message does not match its own filled-in text: nothing to judge
        own = max(m.key() for m in mine)
        for moniker in table.order:
            if moniker not in item.versions or (attempt and moniker not in shadowed):
                continue
            rivals = [m for m in found if m.pattern >= 0 and m.entry != entry_index
                      and moniker in table.messages[m.pattern].versions and m.key() >= own]
            if rivals:
                if not attempt:
                    shadowed[moniker] = max(rivals, key=lambda m: (m.key(), -m.entry))
            else:
                shadowed.pop(moniker, None)
    if not shadowed:
        return
    rival = next(iter(shadowed.values()))
    other = table.entries[rival.entry]
    monikers = [m for m in table.order if m in shadowed]
    diagnostics.error(
        item.message.loc, f"entry '{table.entries[entry_index].id}'",
        f"message is shadowed by the message of entry '{other.id}' at {table.loc_of(rival)}"
        f"{table.where(monikers, item.versions)}: what it matches, that message matches "
        "as well or better",
        "make one of the two messages more specific, or merge the entries",
        related=(table.loc_of(rival),),
    )


# Text that `kb new` leaves for the writer to replace; kb check warns on it by itself.
TODO = "TODO:"


def _versions(monikers: list[str]) -> str:
    return ("version " if len(monikers) == 1 else "versions ") + ", ".join(
        f"'{m}'" for m in monikers)


def check_samples(table: _Table, diagnostics: Diagnostics) -> None:
    """Samples find their entry first, unambiguously; not_samples do not match it; every
    message has a sample that it matches (a warning: `kb check --strict` requires it)."""
    messages: dict[int, list[int]] = {}
    for pattern, row in enumerate(table.matcher.index["patterns"]):
        messages.setdefault(row[0], []).append(pattern)
    for number, entry in enumerate(table.entries):
        covered: set[int] = set()
        for position, sample in enumerate(entry.samples, 1):
            if TODO in sample.text:
                continue
            found = table.matches(sample.text)
            covered.update(m.pattern for m in found if m.entry == number)
            _check_sample(table, number, sample, f"sample {position}", found, diagnostics)
        for position, sample in enumerate(entry.not_samples, 1):
            if TODO not in sample.text:
                _check_not_sample(table, number, sample, f"not_sample {position}", diagnostics)
        for pattern in messages.get(number, ()):
            if pattern not in covered:
                diagnostics.warning(
                    table.messages[pattern].message.loc, f"entry '{entry.id}'",
                    "expected a sample that this message matches, found none in 'samples'",
                    "add to 'samples' the message as it appears in a real log, with its "
                    "variable parts filled in: kb check then proves that a lookup finds this "
                    "entry")


def _check_sample(table: _Table, number: int, sample: Sample, name: str,
                  found: list[Match], diagnostics: Diagnostics) -> None:
    entry = table.entries[number]
    every = sample.applies_to.monikers & table.entry_versions[number]
    problems: dict[tuple[str, str, str], list[str]] = {}
    rival_locs: dict[tuple[str, str, str], Loc] = {}
    for moniker in table.order:
        if moniker not in every:
            continue
        best = table.best(found, moniker)
        own = best.get(number)
        if own is None:
            key = ("none", "", "")
            problems.setdefault(key, []).append(moniker)
            continue
        rivals = sorted((m for e, m in best.items() if e != number and m.key() >= own.key()),
                        key=lambda m: (tuple(-k for k in m.key()), m.entry))
        for rival in rivals[:1]:
            kind = "first" if rival.key() > own.key() else "tie"
            key = (kind, str(table.loc_of(own)), f"{rival.entry}@{table.loc_of(rival)}")
            problems.setdefault(key, []).append(moniker)
            rival_locs[key] = table.loc_of(rival)
    for (kind, own_loc, rival_ref), monikers in problems.items():
        where = table.where(monikers, every)
        subject = f"entry '{entry.id}'"
        if kind == "none":
            diagnostics.error(sample.loc, subject,
                              f"{name} matches none of the entry's messages or codes{where}",
                              "add a message (with placeholders) that covers it, or fix the "
                              "sample")
            continue
        rival_index, _, rival_loc = rival_ref.partition("@")
        other = table.entries[int(rival_index)].id
        if kind == "first":
            message = (f"{name} finds entry '{other}' ({rival_loc}) before this entry's "
                       f"message at {own_loc}{where}")
        else:
            message = (f"ambiguous: {name} matches entry '{entry.id}' ({own_loc}) and entry "
                       f"'{other}' ({rival_loc}) equally well{where}")
        diagnostics.error(sample.loc, subject, message,
                          "make one of the messages more specific, or merge the entries",
                          related=(rival_locs[(kind, own_loc, rival_ref)],))


def _check_not_sample(table: _Table, number: int, sample: Sample, name: str,
                      diagnostics: Diagnostics) -> None:
    entry = table.entries[number]
    every = sample.applies_to.monikers & table.entry_versions[number]
    found = table.matches(sample.text)
    hits: dict[str, list[str]] = {}
    for moniker in table.order:
        if moniker in every:
            own = table.best(found, moniker).get(number)
            if own is not None:
                hits.setdefault(str(table.loc_of(own)), []).append(moniker)
    for loc, monikers in hits.items():
        diagnostics.error(sample.loc, f"entry '{entry.id}'",
                          f"{name} matches this entry's message at {loc}"
                          f"{table.where(monikers, every)}",
                          "make the message more specific, or drop the not_sample")


def check_codes(table: _Table, diagnostics: Diagnostics) -> None:
    """A code belongs to one entry in each version, or a code alone would be ambiguous."""
    first: dict[str, int] = {}
    for number, entry in enumerate(table.entries):
        for code in entry.codes:
            other = first.setdefault(code.lower(), number)
            if other == number:
                continue
            shared = table.entry_versions[number] & table.entry_versions[other]
            if shared:
                monikers = [m for m in table.order if m in shared]
                diagnostics.error(
                    entry.loc, f"entry '{entry.id}'",
                    f"code '{code}' is also listed by entry '{table.entries[other].id}' "
                    f"({table.entry_locs[other]}){table.where(monikers, frozenset())}",
                    "list each code in one entry, or give the two entries disjoint ranges",
                    related=(table.entry_locs[other],))


def check_lookup(catalogue: Catalogue, diagnostics: Diagnostics) -> None:
    """Every lookup check of a validated catalogue."""
    table = _table(catalogue)
    check_messages(table, diagnostics)
    check_codes(table, diagnostics)
    check_samples(table, diagnostics)
