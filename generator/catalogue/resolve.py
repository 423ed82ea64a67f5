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


def resolve_entry(entry: Entry, moniker: str) -> Entry:
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
