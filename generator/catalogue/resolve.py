"""Resolve: the version-specific view of the catalogue.

Input: a validated Catalogue and one moniker; output: the same model with every
topic, entry, cause, fix, step, note, message, link and page outside the moniker's
range removed. Pure; Markdown zones inside texts are left to the renderer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol, TypeVar

from ..core.versions import Range
from .model import Catalogue, Cause, Entry, Fix, Topic


class _Ranged(Protocol):
    @property
    def applies_to(self) -> Range: ...


T = TypeVar("T", bound=_Ranged)


def _keep(items: tuple[T, ...], moniker: str) -> tuple[T, ...]:
    kept = tuple(item for item in items if moniker in item.applies_to)
    return items if len(kept) == len(items) else kept


def _same(new: tuple[object, ...], old: tuple[object, ...]) -> bool:
    """True when every child came through unchanged (the common case): skip the copy."""
    return len(new) == len(old) and all(a is b for a, b in zip(new, old, strict=False))


def resolve_fix(fix: Fix, moniker: str) -> Fix:
    steps, notes, links = (_keep(fix.steps, moniker), _keep(fix.notes, moniker),
                           _keep(fix.links, moniker))
    if steps is fix.steps and notes is fix.notes and links is fix.links:
        return fix
    return replace(fix, steps=steps, notes=notes, links=links)


def resolve_cause(cause: Cause, moniker: str) -> Cause:
    fixes = tuple(resolve_fix(f, moniker) for f in _keep(cause.fixes, moniker))
    notes = _keep(cause.notes, moniker)
    if _same(fixes, cause.fixes) and notes is cause.notes:
        return cause
    return replace(cause, fixes=fixes, notes=notes)


# Per process: the ranges inside each entry (of the catalogues resolved lately), and the
# entries resolved so far by what their resolution depends on, so that versions that keep
# the same parts of an entry share one resolved entry (most versions keep most of them).
_RANGES: dict[int, tuple[Entry, tuple[frozenset[str], ...]]] = {}
_RESOLVED: dict[tuple[int, tuple[bool, ...]], Entry] = {}
_REMEMBERED = 200_000


def _ranges(entry: Entry) -> tuple[frozenset[str], ...]:
    """The ranges `_resolve_entry` looks at, in a fixed order."""
    out = [x.applies_to.monikers for x in entry.messages]
    out += [x.applies_to.monikers for x in entry.notes]
    out += [x.applies_to.monikers for x in entry.related]
    for cause in entry.causes:
        out.append(cause.applies_to.monikers)
        out += [note.applies_to.monikers for note in cause.notes]
        for fix in cause.fixes:
            out.append(fix.applies_to.monikers)
            out += [x.applies_to.monikers for x in fix.steps]
            out += [x.applies_to.monikers for x in fix.notes]
            out += [x.applies_to.monikers for x in fix.links]
    return tuple(out)


def resolve_entry(entry: Entry, moniker: str) -> Entry:
    known = _RANGES.get(id(entry))
    if known is None or known[0] is not entry:
        if len(_RANGES) >= _REMEMBERED:
            _RANGES.clear()
            _RESOLVED.clear()
        known = _RANGES[id(entry)] = (entry, _ranges(entry))
    key = (id(entry), tuple(moniker in monikers for monikers in known[1]))
    resolved = _RESOLVED.get(key)
    if resolved is None:
        resolved = _RESOLVED[key] = _resolve_entry(entry, moniker)
    return resolved


def _resolve_entry(entry: Entry, moniker: str) -> Entry:
    causes = tuple(resolve_cause(c, moniker) for c in _keep(entry.causes, moniker))
    messages, notes, related = (_keep(entry.messages, moniker), _keep(entry.notes, moniker),
                                _keep(entry.related, moniker))
    if _same(causes, entry.causes) and messages is entry.messages \
            and notes is entry.notes and related is entry.related:
        return entry
    return replace(entry, causes=causes, messages=messages, notes=notes, related=related)


def resolve_topic(topic: Topic, moniker: str) -> Topic:
    return replace(
        topic,
        entries=tuple(resolve_entry(e, moniker) for e in _keep(topic.entries, moniker)),
        sections=_keep(topic.sections, moniker),
        closing_sections=_keep(topic.closing_sections, moniker),
    )


def resolve(catalogue: Catalogue, moniker: str) -> Catalogue:
    """The catalogue as readers of `moniker` see it."""
    return replace(
        catalogue,
        topics=tuple(resolve_topic(t, moniker) for t in _keep(catalogue.topics, moniker)),
        pages=_keep(catalogue.pages, moniker),
    )
