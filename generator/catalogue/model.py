"""Model: the validated catalogue as frozen dataclasses.

Input: built only by `validate` from raw YAML; output: read by resolve, render,
lookup and tree. Raw YAML never reaches this module's users.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.diagnostics import Loc
from ..core.versions import Products, Range
from .messages import shown

if TYPE_CHECKING:
    from .toc import Toc


@dataclass(frozen=True)
class Markdown:
    """A DocFX-flavoured Markdown text and where its first line is in the source."""

    text: str
    loc: Loc


class NoteKind(enum.Enum):
    NOTE = "note"
    TIP = "tip"
    IMPORTANT = "important"
    CAUTION = "caution"
    WARNING = "warning"


class Position(enum.Enum):
    BEFORE = "before"
    AFTER = "after"


class Status(enum.Enum):
    ACTIVE = "active"
    RETIRED = "retired"


@dataclass(frozen=True)
class Note:
    """A note, tip or warning shown before or after the steps it belongs to."""

    kind: NoteKind
    text: Markdown
    loc: Loc
    applies_to: Range
    position: Position = Position.BEFORE


@dataclass(frozen=True)
class Link:
    """A related link: `url` to another site, or `ref` to `topic#anchor`, `#anchor` or `page.md`."""

    title: str
    loc: Loc
    applies_to: Range
    url: str = ""
    ref: str = ""


@dataclass(frozen=True)
class Step:
    """One step of a fix."""

    text: Markdown
    loc: Loc
    applies_to: Range


@dataclass(frozen=True)
class Message:
    """An error message as users see it, verbatim (placeholders in braces)."""

    text: str
    loc: Loc
    applies_to: Range
    cause: str = ""  # the id of the cause this wording points to, if it tells one apart

    @property
    def shown(self) -> str:
        """The message as readers see it: placeholders as marked variable parts."""
        return shown(self.text)


@dataclass(frozen=True)
class Sample:
    """A realistic text (a message with its variable parts filled, or a log excerpt)."""

    text: str
    loc: Loc
    applies_to: Range


@dataclass(frozen=True)
class Fix:
    """One way to resolve a cause; a cause lists its fixes best first."""

    title: str
    loc: Loc
    applies_to: Range
    steps: tuple[Step, ...]
    id: str = ""
    aliases: tuple[str, ...] = ()
    description: Markdown | None = None
    notes: tuple[Note, ...] = ()
    takes_effect: str = ""
    links: tuple[Link, ...] = ()


def slug(text: str) -> str:
    """A lowercase, hyphenated anchor from a title."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words) or "section"


def anchor_of(cause: Cause, fix: Fix) -> str:
    """The anchor of a fix's heading on its topic page: its id, else one made from its
    cause's id and its title."""
    return fix.id or f"{cause.id}-{slug(fix.title)}"


@dataclass(frozen=True)
class Cause:
    """Why an error happens, the question that tells it apart, and its fixes."""

    id: str
    title: str
    loc: Loc
    applies_to: Range
    fixes: tuple[Fix, ...]
    aliases: tuple[str, ...] = ()
    check: str = ""
    description: Markdown | None = None
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One error: its messages, causes and fixes; a section of its topic's page."""

    id: str
    title: str
    loc: Loc
    applies_to: Range
    causes: tuple[Cause, ...] = ()  # none: a reference entry (meaning known, no fix yet)
    messages: tuple[Message, ...] = ()
    codes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    status: Status = Status.ACTIVE
    retired_note: Markdown | None = None
    summary: Markdown | None = None
    notes: tuple[Note, ...] = ()
    related: tuple[Link, ...] = ()
    samples: tuple[Sample, ...] = ()  # must find this entry first
    not_samples: tuple[Sample, ...] = ()  # must not match this entry's messages or codes

    @property
    def retired(self) -> bool:
        return self.status is Status.RETIRED


@dataclass(frozen=True)
class Section:
    """A hand-written section of a topic page (narrative, FAQ, list of errors)."""

    id: str
    title: str
    loc: Loc
    applies_to: Range
    body: Markdown | None = None
    aliases: tuple[str, ...] = ()
    list_errors: bool = False


@dataclass(frozen=True)
class TreeAnswer:
    """An answer of an authored question: it leads to a node, a cause's fix, or an end."""

    label: str
    loc: Loc
    applies_to: Range
    id: str = ""  # the key of the answer in links; defaults to a slug of the label
    goto: str = ""  # another node, or an entry (its questions)
    cause: str = ""  # a cause of this topic: the reader gets its fixes
    not_covered: bool = False  # the knowledge base has nothing more for this case
    note: Markdown | None = None  # what to tell the reader at a "not covered" end


@dataclass(frozen=True)
class TreeNode:
    """An authored question of a topic's decision tree; an entry's id replaces its questions."""

    id: str
    question: str
    loc: Loc
    applies_to: Range
    answers: tuple[TreeAnswer, ...]
    help: Markdown | None = None


@dataclass(frozen=True)
class Tree:
    """The questions a topic authors; entries without an authored node get derived ones."""

    loc: Loc
    nodes: tuple[TreeNode, ...] = ()


@dataclass(frozen=True)
class Topic:
    """A folder of the catalogue: one page with its sections and error entries."""

    id: str
    title: str
    loc: Loc
    applies_to: Range
    entries: tuple[Entry, ...] = ()
    nav_title: str = ""
    description: str = ""
    intro: Markdown | None = None
    sections: tuple[Section, ...] = ()
    closing_sections: tuple[Section, ...] = ()
    order: tuple[str, ...] = ()
    tree: Tree | None = None
    order_locs: tuple[Loc, ...] = ()  # where each item of `order` is written
    left_out: tuple[str, ...] = ()  # entry files of the folder that did not validate (names)

    @property
    def page(self) -> str:
        """The Markdown file of this topic in each version's docs tree."""
        return f"{self.id}.md"

    def ordered_entries(self) -> tuple[Entry, ...]:
        """Entries in the authored `order`, then the rest by id; retired ones last."""
        rank = {entry_id: i for i, entry_id in enumerate(self.order)}
        return tuple(
            sorted(
                self.entries,
                key=lambda e: (e.retired, rank.get(e.id, len(rank)), e.id),
            )
        )

    def anchors(self) -> Iterator[tuple[str, Loc]]:
        """Every anchor the page defines from the catalogue, aliases included."""
        for section in (*self.sections, *self.closing_sections):
            yield section.id, section.loc
            for alias in section.aliases:
                yield alias, section.loc
        for entry in self.entries:
            yield entry.id, entry.loc
            for alias in entry.aliases:
                yield alias, entry.loc
            for cause in entry.causes:
                yield cause.id, cause.loc
                for alias in cause.aliases:
                    yield alias, cause.loc
                for fix in cause.fixes:
                    if fix.id:
                        yield fix.id, fix.loc
                    for alias in fix.aliases:
                        yield alias, fix.loc


@dataclass(frozen=True)
class ContentPage:
    """A hand-written page from `content/` (home, concepts, FAQ)."""

    path: str  # relative to content/, e.g. "index.md"
    title: str
    body: Markdown
    applies_to: Range
    order: int = 0
    # Front matter passed on to Material (description, hide, search, ...), as JSON texts.
    meta: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """The whole validated knowledge base."""

    products: Products
    topics: tuple[Topic, ...]
    pages: tuple[ContentPage, ...] = ()
    toc: Toc | None = None  # content/toc.yml: the navigation, when the project has one

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def entries(self) -> Iterator[tuple[Topic, Entry]]:
        for topic in self.topics:
            for entry in topic.ordered_entries():
                yield topic, entry


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
# Field types that never hold model objects or texts: walking skips them.
_LEAF_TYPES = ("str", "int", "bool", "Loc", "Range", "NoteKind", "Position", "Status",
               "tuple[str, ...]", "tuple[tuple[str, str], ...]")


def _field_names(cls: type) -> tuple[str, ...]:
    """The fields of a model class that may hold model objects or texts."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(
            f.name for f in dataclasses.fields(cls) if str(f.type) not in _LEAF_TYPES)
    return names


def children(obj: Any) -> Iterator[Any]:
    """The model objects and texts directly inside a model object, in field order."""
    for name in _field_names(type(obj)):
        value = getattr(obj, name)
        if isinstance(value, tuple):
            yield from value
        elif value is not None:
            yield value


def walk(obj: Any) -> Iterator[Any]:
    """Every model object and text inside `obj` (not `obj` itself), depth first."""
    for child in children(obj):
        if isinstance(child, Markdown):
            yield child
        elif hasattr(child, "__dataclass_fields__"):
            yield child
            yield from walk(child)


def iter_markdown(obj: Any) -> Iterator[Markdown]:
    """Every Markdown text in a model object, depth first."""
    if isinstance(obj, Markdown):
        yield obj
        return
    for child in walk(obj):
        if isinstance(child, Markdown):
            yield child
