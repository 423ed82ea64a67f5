"""Lookup index: the catalogue's messages and codes as one JSON index per version.

Input: a validated Catalogue (messages are compiled once for every version) and one
moniker; output: the index dict both matchers read (`lookup.json` and
`assets/lookup/lookup-index.js` in each version of the site).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from ...catalogue.model import Catalogue, Entry, Message, Topic
from ...core.diagnostics import Loc
from .match import INDEX_FORMAT, common_words
from .pattern import Template, fuzzy_tokens, parse, reliable_words


@dataclass(frozen=True)
class Compiled:
    """One catalogue message, ready for every version it shows in."""

    topic: str
    entry: str
    message: Message
    template: Template
    anchor: str  # the message's rarest reliable word, to find candidates fast
    versions: frozenset[str]
    common: frozenset[str]  # its words the fuzzy step leaves out (see match.common_words)


@functools.cache
def template_of(text: str) -> Template:
    return parse(text)


_COMPILED: dict[int, tuple[Catalogue, dict[Loc, Compiled]]] = {}


def compile_messages(catalogue: Catalogue) -> dict[Loc, Compiled]:
    """Every message of the catalogue by its location, parsed once per build."""
    known = _COMPILED.get(id(catalogue))
    if known is None or known[0] is not catalogue:
        if len(_COMPILED) > 127:  # a build asks for the whole and for each topic alone
            _COMPILED.pop(next(iter(_COMPILED)))
        known = _COMPILED[id(catalogue)] = (catalogue, _compile(catalogue))
    return known[1]


def _compile(catalogue: Catalogue) -> dict[Loc, Compiled]:
    found: list[tuple[Topic, Entry, Message, Template, list[str]]] = []
    frequency: dict[str, int] = {}
    for topic, entry in catalogue.entries():
        for message in entry.messages:
            template = template_of(message.text)
            words = reliable_words(template.text)
            for word in set(words):
                frequency[word] = frequency.get(word, 0) + 1
            found.append((topic, entry, message, template, words))
    fuzzy = [frozenset(fuzzy_tokens(item[3].text)) for item in found]
    common = frozenset(common_words(fuzzy))
    out: dict[Loc, Compiled] = {}
    for (topic, entry, message, template, words), its_fuzzy in zip(found, fuzzy, strict=True):
        anchor = min(words, key=lambda w: (frequency[w], -len(w), w)) if words else ""
        versions = topic.applies_to.monikers & entry.applies_to.monikers \
            & message.applies_to.monikers
        out[message.loc] = Compiled(topic.id, entry.id, message, template, anchor, versions,
                                    common & its_fuzzy)
    return out


# The last indexes built: the lookup page and the decision tree of one version both
# need it, one after the other. Keyed by the view itself (compared by identity).
_RECENT: list[tuple[Catalogue, str, str, dict[str, Any]]] = []


def build_index(catalogue: Catalogue, view: Catalogue, moniker: str,
                new_entry_url: str = "") -> dict[str, Any]:
    """The index of one version: `view` is `catalogue` resolved for `moniker`.

    The result is shared with later calls for the same view: treat it as read-only."""
    for known_view, known_moniker, known_url, index in _RECENT:
        if known_view is view and (known_moniker, known_url) == (moniker, new_entry_url):
            return index
    index = _build_index(catalogue, view, moniker, new_entry_url)
    _RECENT[:] = [(view, moniker, new_entry_url, index), *_RECENT[:1]]
    return index


def _build_index(catalogue: Catalogue, view: Catalogue, moniker: str,
                 new_entry_url: str) -> dict[str, Any]:
    compiled = compile_messages(catalogue)
    topics: list[str] = []
    entries: list[list[Any]] = []
    patterns: list[list[Any]] = []
    codes: list[list[Any]] = []
    common: set[str] = set()
    for topic in view.topics:
        for entry in topic.ordered_entries():
            if not entry.messages and not entry.codes:
                continue
            if topic.id not in topics:
                topics.append(topic.id)
            number = len(entries)
            cause_ids = [c.id for c in entry.causes]
            entries.append([topics.index(topic.id), entry.id, entry.title,
                            [[c.id, c.title] for c in entry.causes]])
            for message in entry.messages:
                item = compiled[message.loc]
                template = item.template
                cause = cause_ids.index(message.cause) if message.cause in cause_ids else -1
                patterns.append([number, template.text, list(template.names),
                                 list(template.literals), item.anchor, template.specificity,
                                 cause])
                common |= item.common
            codes.extend([code.lower(), number] for code in entry.codes)
    return {
        "format": INDEX_FORMAT,
        "moniker": moniker,
        "title": catalogue.products[moniker].title,
        "new_entry_url": new_entry_url,
        "topics": topics,
        "entries": entries,
        "patterns": patterns,
        "codes": sorted(codes),
        # Counted over the whole catalogue: each version's matcher leaves out the same.
        "common": sorted(common),
    }


def index_json(index: dict[str, Any]) -> str:
    """The index as compact JSON (non-ASCII escaped, so the file is plain ASCII)."""
    return json.dumps(index, separators=(",", ":"), sort_keys=True)


def index_script(data: str) -> str:
    """The index (as JSON) in a script that sets a global, so the page works from file://."""
    return "window.KB_LOOKUP_INDEX = " + data + ";\n"
