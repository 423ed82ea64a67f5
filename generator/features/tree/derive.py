"""Tree derive: one version's decision tree, from authored questions and causes' checks.

Input: a validated Catalogue (or one topic) and a moniker; output: a DecisionTree of
questions, cause ends and "not covered" ends, pruned to the version. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ...catalogue.model import Catalogue, Cause, Entry, Markdown, Topic, TreeAnswer, TreeNode
from ...catalogue.resolve import resolve_topic
from ...core.versions import describe_versions

ROOT = "start"
NOT_LISTED = "n:start"
NONE_KEY = "_none"  # not an id (ids start with a letter), so no entry can take it
FIRST_QUESTION = "Which message do you see?"
NOT_LISTED_LABEL = "My message isn't in this list"
KEY_LENGTH = 32


@dataclass(frozen=True)
class Choice:
    """An answer of the version's tree: its key in links, its text, the node it leads to."""

    key: str
    label: str
    target: str
    more: tuple[str, ...] = ()  # further messages of the same error, shown under the label
    match: str = ""  # what the message filter searches besides the label
    group: str = ""  # the topic, on the first question
    verbatim: bool = False  # the label is a message as the reader sees it


@dataclass(frozen=True)
class Question:
    """A question and its answers; `text` is one line of Markdown."""

    id: str
    text: str
    choices: tuple[Choice, ...]
    help: Markdown | None = None
    topic: Topic | None = None
    entry: Entry | None = None


@dataclass(frozen=True)
class CauseEnd:
    """The end of a path: a cause, with its fixes for the version."""

    id: str
    topic: Topic
    entry: Entry
    cause: Cause


@dataclass(frozen=True)
class NotCovered:
    """The end of a path the knowledge base has no fix for; `choices` are the error's causes."""

    id: str
    topic: Topic | None = None
    entry: Entry | None = None
    note: Markdown | None = None
    choices: tuple[Choice, ...] = ()


Node = Question | CauseEnd | NotCovered


@dataclass(frozen=True)
class DecisionTree:
    """A version's tree: the first question is `nodes[ROOT]`; every node is reachable."""

    moniker: str
    title: str
    nodes: dict[str, Node]
    missing: tuple[str, ...] = ()  # topics with no tree in this version, and why

    @property
    def root(self) -> Question:
        node = self.nodes[ROOT]
        assert isinstance(node, Question)
        return node

    @property
    def empty(self) -> bool:
        """True when no error of the catalogue applies to this version."""
        return all(choice.key == NONE_KEY for choice in self.root.choices)


def choices_of(node: Node) -> tuple[Choice, ...]:
    """The answers a reader can pick at a node (none at a cause end)."""
    return () if isinstance(node, CauseEnd) else node.choices


def label_key(label: str) -> str:
    """The default key of an authored answer: its first words, lowercase, hyphenated."""
    words = re.findall(r"[a-z0-9]+", label.lower())
    key = ""
    for word in words:
        if key and len(key) + 1 + len(word) > KEY_LENGTH:
            break
        key = f"{key}-{word}" if key else word[:KEY_LENGTH]
    return key or "answer"


def answer_key(answer: TreeAnswer) -> str:
    return answer.id or label_key(answer.label)


def active_entries(view: Topic) -> list[Entry]:
    """The entries a version's tree offers: not retired, with a cause in the version."""
    return [e for e in view.ordered_entries() if not e.retired and e.causes]


@dataclass
class _TopicBuilder:
    """Builds the nodes of one topic for one version, skipping single-answer questions."""

    topic: Topic  # as authored, for the ranges of its tree
    view: Topic  # resolved for the version
    moniker: str
    nodes: dict[str, Node]
    authored: dict[str, TreeNode] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    causes: dict[str, tuple[Entry, Cause]] = field(default_factory=dict)
    memo: dict[str, str | None] = field(default_factory=dict)
    visiting: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.topic.tree is not None:
            for node in self.topic.tree.nodes:
                self.authored.setdefault(node.id, node)
        self.entries = {e.id: e for e in active_entries(self.view)}
        self.causes = {c.id: (e, c) for e in self.entries.values() for c in e.causes}

    def entry_start(self, entry: Entry) -> str | None:
        """The first node of an entry: its authored node, else its derived questions."""
        node = self.authored.get(entry.id)
        if node is not None and self.moniker in node.applies_to:
            return self.authored_node(node, entry)
        return self.derived(entry, 0)

    def derived(self, entry: Entry, index: int) -> str:
        """The question of the entry's cause `index`: yes to its fixes, no to the next one."""
        cause = entry.causes[index]
        node_id = f"q:{self.topic.id}/{entry.id}/{cause.id}"
        if node_id not in self.nodes:
            yes = self.cause_end(entry, cause)
            no = (self.derived(entry, index + 1) if index + 1 < len(entry.causes)
                  else self.not_covered(entry))
            text = cause.check or f"Does this describe your case: {cause.title}?"
            self.nodes[node_id] = Question(
                node_id, text, (Choice("yes", "Yes", yes), Choice("no", "No", no)),
                topic=self.view, entry=entry)
        return node_id

    def authored_node(self, node: TreeNode, entry: Entry | None) -> str | None:
        """An authored question; None when it has no answer in the version or loops."""
        node_id = f"q:{self.topic.id}/{node.id}"
        if node_id in self.memo:
            return self.memo[node_id]
        if node_id in self.visiting:
            return None  # a loop: validation reports it
        self.visiting.add(node_id)
        choices = []
        for answer in node.answers:
            if self.moniker not in answer.applies_to:
                continue
            target = self.answer_target(answer, node, entry)
            if target is not None:
                choices.append(Choice(answer_key(answer), answer.label, target))
        self.visiting.discard(node_id)
        result: str | None
        if not choices:
            result = None
        elif len(choices) == 1:
            result = choices[0].target  # one answer left: nothing to ask
        else:
            self.nodes[node_id] = Question(node_id, node.question, tuple(choices), node.help,
                                           self.view, entry)
            result = node_id
        self.memo[node_id] = result
        return result

    def goto(self, target: str, entry: Entry | None) -> str | None:
        if target in self.entries:
            return self.entry_start(self.entries[target])
        node = self.authored.get(target)
        if node is not None and self.moniker in node.applies_to:
            return self.authored_node(node, entry)
        return None

    def answer_target(self, answer: TreeAnswer, node: TreeNode,
                      entry: Entry | None) -> str | None:
        if answer.cause:
            found = self.causes.get(answer.cause)
            return self.cause_end(*found) if found else None
        if answer.not_covered:
            return self.not_covered(entry, answer.note, f"{node.id}/{answer_key(answer)}")
        return self.goto(answer.goto, entry)

    def cause_end(self, entry: Entry, cause: Cause) -> str:
        node_id = f"c:{self.topic.id}/{cause.id}"
        if node_id not in self.nodes:
            self.nodes[node_id] = CauseEnd(node_id, self.view, entry, cause)
        return node_id

    def not_covered(self, entry: Entry | None, note: Markdown | None = None,
                    where: str = "") -> str:
        node_id = f"n:{self.topic.id}"
        if entry is not None:
            node_id += f"/{entry.id}"
        if note is not None:
            node_id += f"/{where}"
        if node_id not in self.nodes:
            choices: tuple[Choice, ...] = ()
            if entry is not None:
                choices = tuple(Choice(c.id, c.title, self.cause_end(entry, c))
                                for c in entry.causes)
            self.nodes[node_id] = NotCovered(node_id, self.view, entry, note, choices)
        return node_id


@dataclass(frozen=True)
class TopicPart:
    """One topic's share of a version's tree: its answers to the first question, its nodes."""

    choices: tuple[Choice, ...]
    nodes: dict[str, Node]


def derive_topic(topic: Topic, moniker: str, nodes: dict[str, Node] | None = None,
                 view: Topic | None = None) -> TopicPart:
    """The answers and nodes one topic adds to the tree of `moniker` (in its range);
    `view` is the topic already resolved for the version, when the caller has it."""
    nodes = {} if nodes is None else nodes
    view = view or resolve_topic(topic, moniker)
    builder = _TopicBuilder(topic, view, moniker, nodes)
    group = topic.nav_title or topic.title
    choices = []
    for entry in active_entries(view):
        start = builder.entry_start(entry)
        if start is None:
            continue
        messages = [m.shown for m in entry.messages]
        label = messages[0] if messages else entry.title
        words = [entry.title] if entry.title not in messages else []
        match = " ".join([*entry.codes, *words, entry.id])
        choices.append(Choice(entry.id, label, start, tuple(messages[1:]), match, group,
                              verbatim=bool(messages)))
    return TopicPart(tuple(choices), nodes)


def reached_causes(part: TopicPart) -> set[str]:
    """Ids of the causes that answers to questions lead to (not the "read anyway" lists)."""
    seen: set[str] = set()
    found: set[str] = set()
    todo = [c.target for c in part.choices]
    while todo:
        node_id = todo.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = part.nodes[node_id]
        if isinstance(node, CauseEnd):
            found.add(node.cause.id)
        elif isinstance(node, Question):
            todo.extend(c.target for c in node.choices)
    return found


def _reachable(nodes: dict[str, Node]) -> Iterator[str]:
    """Node ids reachable from the first question, in a stable breadth-first order."""
    seen = {ROOT}
    order = [ROOT]
    for node_id in order:
        for choice in choices_of(nodes[node_id]):
            if choice.target not in seen:
                seen.add(choice.target)
                order.append(choice.target)
    return iter(order)


def derive(catalogue: Catalogue, moniker: str, view: Catalogue | None = None) -> DecisionTree:
    """The decision tree of one version: every topic's errors under the first question.

    `view` is the catalogue already resolved for the version, when the caller has it.
    """
    products = catalogue.products
    version = products[moniker].title
    nodes: dict[str, Node] = {}
    choices: list[Choice] = []
    missing: list[str] = []
    for topic in catalogue.topics:
        name = topic.nav_title or topic.title
        if moniker not in topic.applies_to:
            missing.append(f"{name}: no decision tree for {version}; this topic covers "
                           f"{describe_versions(topic.applies_to, products)}.")
            continue
        part = derive_topic(topic, moniker, nodes, view.topic(topic.id) if view else None)
        if not part.choices:
            missing.append(f"{name}: no decision tree for {version}; none of its errors "
                           "applies to this version.")
        choices.extend(part.choices)
    choices.append(Choice(NONE_KEY, NOT_LISTED_LABEL, NOT_LISTED))
    nodes[NOT_LISTED] = NotCovered(NOT_LISTED)
    nodes[ROOT] = Question(ROOT, FIRST_QUESTION, tuple(choices))
    ordered = {node_id: nodes[node_id] for node_id in _reachable(nodes)}
    return DecisionTree(moniker, version, ordered, tuple(missing))
