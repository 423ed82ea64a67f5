"""Tree walk: a reader's path through a version's decision tree, and how it reads as text.

Input: a DecisionTree and answers (numbers, or keys as in the page's URL fragment);
output: the node reached, and plain text for the terminal and for tickets. The rules
match the browser's: going back keeps later answers, offered again while still valid.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..lookup.match import Matcher
from .derive import (
    NONE_KEY,
    CauseEnd,
    Choice,
    DecisionTree,
    Node,
    NotCovered,
    Question,
    choices_of,
)
from .export import PAGE, SiteInfo
from .markup import Markup, html_to_text, page_url, plain

LOOKUP_LIMIT = 20  # how many entries of the lookup's ranking the message filter keeps
_ABSOLUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Step:
    """One answer: the node it was given at and the answer's key."""

    node: str
    key: str


def find(choices: tuple[Choice, ...], key: str) -> Choice | None:
    return next((c for c in choices if c.key == key), None)


@dataclass(frozen=True)
class Walk:
    """Answers given so far; the first `pos` apply, the rest are kept for going forward."""

    tree: DecisionTree
    trail: tuple[Step, ...] = ()
    pos: int = 0
    memory: tuple[Step, ...] = ()  # the last answer at each question, until a restart

    def node_id_at(self, count: int) -> str:
        node_id = self.tree.root.id
        for step in self.trail[:count]:
            choice = find(choices_of(self.tree.nodes[node_id]), step.key)
            assert choice is not None
            node_id = choice.target
        return node_id

    @property
    def node(self) -> Node:
        return self.tree.nodes[self.node_id_at(self.pos)]

    @property
    def choices(self) -> tuple[Choice, ...]:
        return choices_of(self.node)

    @property
    def ended(self) -> bool:
        return isinstance(self.node, (CauseEnd, NotCovered))

    @property
    def earlier(self) -> str:
        """The key answered here before going back, if any."""
        return self.trail[self.pos].key if self.pos < len(self.trail) else ""

    def applied(self) -> list[tuple[Node, Choice]]:
        """The answers that lead to the current node, with the node each was given at."""
        out = []
        for step in self.trail[:self.pos]:
            node = self.tree.nodes[step.node]
            choice = find(choices_of(node), step.key)
            assert choice is not None
            out.append((node, choice))
        return out

    def choose(self, key: str) -> Walk:
        """Answer the current question; later answers still valid are kept."""
        here = self.node_id_at(self.pos)
        choice = find(choices_of(self.tree.nodes[here]), key)
        if choice is None:
            raise KeyError(key)
        if self.earlier == key:
            return replace(self, pos=self.pos + 1)
        memory = {s.node: s.key for s in (*self.memory, *self.trail)}
        memory[here] = key
        trail = [*self.trail[:self.pos], Step(here, key)]
        target = choice.target
        seen = set()
        # Answers given before at the questions ahead are offered again.
        while target in memory and target not in seen:
            seen.add(target)
            again = find(choices_of(self.tree.nodes[target]), memory[target])
            if again is None:
                break
            trail.append(Step(target, again.key))
            target = again.target
        kept = tuple(Step(node, k) for node, k in memory.items())
        return replace(self, trail=tuple(trail), pos=self.pos + 1, memory=kept)

    def number(self, number: int) -> Walk:
        """Choose the answer shown with this number (1 is the first)."""
        if not 1 <= number <= len(self.choices):
            raise IndexError(number)
        return self.choose(self.choices[number - 1].key)

    def back(self) -> Walk:
        return replace(self, pos=max(0, self.pos - 1))

    def restart(self) -> Walk:
        return Walk(self.tree)

    def keys(self) -> list[str]:
        return [step.key for step in self.trail[:self.pos]]

    def numbers(self) -> list[int]:
        """The answers as the numbers `kb triage --answers` takes."""
        out = []
        for node, choice in self.applied():
            out.append(choices_of(node).index(choice) + 1)
        return out


def normalise(text: str) -> str:
    text = text.lower().replace("\u2018", "'").replace("\u2019", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


def _pieces(message: str) -> list[str]:
    # Messages are shown with their placeholders as marked variable parts: ‹app id›.
    return [p.strip() for p in re.split(r"‹[^›]*›|\*\*\*+", normalise(message)) if p.strip()]


def _holds(text: str, message: str) -> bool:
    at = 0
    parts = _pieces(message)
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return bool(parts)


def filter_messages(choices: tuple[Choice, ...], query: str,
                    lookup: Matcher | None = None) -> list[bool]:
    """Which answers of the first question match: the page's filter, in Python.

    An answer matches when the text is part of one of its messages (typing the start of
    a message), or when the knowledge base's lookup matcher finds its entry in the text
    (a pasted log, a code alone, or a misspelt message: then only its nearest one, so
    the list still narrows as the reader types)."""
    q = normalise(query)
    words = q.split()
    found = set()
    if lookup is not None and q:
        results = lookup.lookup(query, LOOKUP_LIMIT).results
        found = {r.entry for r in results if r.kind != "fuzzy"}
        if not found and results:
            found = {results[0].entry}  # a misspelt message: the nearest one only
    out = []
    for choice in choices:
        if not q or choice.key == NONE_KEY:
            out.append(True)
            continue
        messages = [choice.label, *choice.more]
        text = normalise(" \n ".join(messages) + " " + choice.match)
        out.append(choice.key in found or q in text or any(_holds(q, m) for m in messages)
                   or all(w in text for w in words))
    return out


# ---------------------------------------------------------------------------
# Text.
# ---------------------------------------------------------------------------


@dataclass
class Texts:
    """Plain text of a version's nodes: questions, help and ends, links spelled out."""

    tree: DecisionTree
    markup: Markup
    info: SiteInfo
    width: int = 0
    lookup: Matcher | None = None  # the version's lookup matcher, for the message filter

    def url(self, href: str) -> str:
        """A link of the tree as the reader can open it: on the site, or as written."""
        if not href or _ABSOLUTE.match(href) or href.startswith(("/", "#")):
            return href
        return self.info.url + href if self.info.url else f"{self.tree.moniker}/{href}"

    def text(self, fragment: str, width: int | None = None) -> str:
        return html_to_text(fragment, self.url, self.width if width is None else width)

    def topic(self, node: Node) -> str:
        return node.topic.id if node.topic is not None else ""

    def question(self, node: Question) -> str:
        return plain(self.markup.convert(node.text, self.topic(node), inline=True))

    def help(self, node: Question) -> str:
        return self.text(self.markup.html(node.help, self.topic(node))) if node.help else ""

    def asked(self, node: Node) -> str:
        """What was asked at a node, for the list of answers given."""
        if isinstance(node, Question):
            return self.question(node)
        return "The causes known for this error"

    def path(self, walk: Walk) -> list[str]:
        lines = []
        for number, (node, choice) in enumerate(walk.applied(), 1):
            lines.append(f"{number}. {self.asked(node)}")
            lines.append(f"   {choice.label}")
        return lines

    def page_link(self, walk: Walk) -> str:
        if not self.info.url:
            return ""
        keys = "/".join(walk.keys())
        return self.info.url + page_url(PAGE, self.info.directory_urls) + (
            f"#/{keys}" if keys else "")

    def end(self, walk: Walk, command: Callable[[Walk], str]) -> str:
        """The whole result: the answers given, then the fix (or what to do instead)."""
        node = walk.node
        lines = [f"Troubleshooter for {self.tree.title} ({self.tree.moniker})", ""]
        lines += self.path(walk)
        lines.append("")
        if isinstance(node, CauseEnd):
            lines.append(f"Likely cause: {node.cause.title}")
            lines.append(f"For the error: {node.entry.title}")
            lines.append(self.url(self.markup.site_link(node.topic.id, node.cause.id)))
            lines.append("")
            lines.append(self.text(self.markup.cause(node.cause, node.topic.id,
                                                     links=True)))
        elif isinstance(node, NotCovered):
            lines += self.not_covered(node)
        lines.append("")
        lines.append(f"Replay: {command(walk)}")
        link = self.page_link(walk)
        if link:
            lines.append(f"On the site: {link}")
        return "\n".join(lines) + "\n"

    def not_covered(self, node: NotCovered) -> list[str]:
        lines = []
        if node.entry is not None and node.topic is not None:
            lines.append(f"This guide doesn't cover your case of: {node.entry.title}")
            lines.append(self.url(self.markup.site_link(node.topic.id, node.entry.id)))
        else:
            lines.append("Your message isn't in this knowledge base yet. Check the version, "
                         "try a shorter part of the message or its code, or search the site; "
                         "if it still isn't there, report it so it gets added.")
        if node.note is not None:
            lines += ["", self.text(self.markup.html(node.note, self.topic(node)))]
        if node.choices:
            lines += ["", "If you weren't sure of an answer, read a cause anyway; "
                          "the causes known for this error:"]
            lines += [f"  {n}. {c.label}" for n, c in enumerate(node.choices, 1)]
        return lines


def command_line(walk: Walk) -> str:
    """The `kb triage` command that reaches the same place."""
    numbers = ",".join(str(n) for n in walk.numbers())
    args = ["kb", "triage", "--version", walk.tree.moniker]
    if numbers:
        args += ["--answers", numbers]
    return shlex.join(args)
