"""Tree terminal: `kb triage` walked in a terminal with numbers or arrow keys.

Input: a Walk, the version's Texts and a terminal (its input descriptor and output);
output: one screen per question, then the result printed on the terminal's normal
screen, where it stays to be read, copied or scrolled.
"""

from __future__ import annotations

import os
import shutil
import termios
import textwrap
import tty
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from .derive import NONE_KEY, Choice, NotCovered, Question
from .walk import Texts, Walk, filter_messages

SEQUENCES = {
    "\x1b[A": "up", "\x1bOA": "up", "\x1b[B": "down", "\x1bOB": "down",
    "\x1b[C": "right", "\x1bOC": "right", "\x1b[D": "left", "\x1bOD": "left",
    "\x1b[H": "home", "\x1bOH": "home", "\x1b[F": "end", "\x1bOF": "end",
    "\x1b[1~": "home", "\x1b[4~": "end",
}
NAMED = {"\r": "enter", "\n": "enter", "\x7f": "backspace", "\x08": "backspace",
         "\x1b": "escape", "\x03": "quit", "\x04": "quit", "\t": "down"}
HELP = "1-{count} answer · ↑↓ move · Enter choose · ← or b back · r start again · q quit"
FILTER_HELP = "type to filter · ↑↓ move · Enter choose · Esc stop filtering"


def split_keys(chunk: str) -> Iterator[str]:
    """Key names from what the terminal sent: 'up', 'enter', ... or the character."""
    at = 0
    while at < len(chunk):
        if chunk[at] == "\x1b":
            sequence = next((s for s in SEQUENCES if chunk.startswith(s, at)), None)
            if sequence is not None:
                yield SEQUENCES[sequence]
                at += len(sequence)
                continue
            if chunk.startswith("\x1b[", at):  # an unknown sequence: skip it whole
                end = at + 2
                while end < len(chunk) and not chunk[end].isalpha() and chunk[end] != "~":
                    end += 1
                at = end + 1
                continue
        yield NAMED.get(chunk[at], chunk[at])
        at += 1


@dataclass
class Screen:
    """The state of one question's screen: highlighted answer, typed number, filter."""

    cursor: int = 0
    typed: str = ""
    filtering: bool = False
    query: str = ""
    status: str = ""
    visible: list[int] = field(default_factory=list)


class Terminal:
    """Reads keys without echo and draws on the alternate screen; restores on exit."""

    def __init__(self, fd: int, out: TextIO, styled: bool = True):
        self.fd = fd
        self.out = out
        self.styled = styled
        self.saved: list[Any] | None = None
        self.alternate = False

    def __enter__(self) -> Terminal:
        self.saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        return self

    def __exit__(self, *exc: object) -> None:
        self.main_screen()
        if self.saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)

    def keys(self) -> Iterator[str]:
        while True:
            chunk = os.read(self.fd, 64)
            if not chunk:
                yield "quit"
                return
            yield from split_keys(chunk.decode("utf-8", "replace"))

    def alt_screen(self) -> None:
        if not self.alternate:
            self.out.write("\x1b[?1049h")
            self.alternate = True
        self.out.write("\x1b[H\x1b[2J")

    def main_screen(self) -> None:
        if self.alternate:
            self.out.write("\x1b[?1049l")
            self.alternate = False
        self.out.flush()

    def style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.styled else text


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=True) or [first.rstrip()]


def draw(term: Terminal, walk: Walk, texts: Texts, screen: Screen) -> None:
    width = max(30, shutil.get_terminal_size().columns - 1)
    node = walk.node
    choices = walk.choices
    lines = [term.style(f"Troubleshooter · {texts.tree.title}", "1")]
    for asked, choice in walk.applied():
        crumb = f"{texts.asked(asked)} {choice.label}"
        lines += [term.style(line, "2") for line in _wrap(crumb, width, "  ✓ ", "    ")]
    lines.append("")
    if isinstance(node, Question):
        lines += _wrap(texts.question(node), width, "", "")
        help_text = texts.help(node)
        if help_text:
            lines += [term.style(line, "2") for line in help_text.splitlines()]
    elif isinstance(node, NotCovered):
        lines += ["The causes known for this error:"]
    lines.append("")
    groups = {c.group for c in choices if c.group}
    group = ""
    for index in screen.visible:
        choice = choices[index]
        if len(groups) > 1 and choice.group != group and not screen.query:
            group = choice.group
            lines.append(term.style(group, "1"))
        mark = "›" if index == screen.visible[screen.cursor] else " "
        earlier = "  (your earlier answer)" if choice.key == walk.earlier else ""
        first = f"{mark} {index + 1:>2}. "
        item = _wrap(choice.label + earlier, width, first, " " * len(first))
        item += [line for more in choice.more
                 for line in _wrap(more, width, " " * len(first), " " * len(first))]
        if mark == "›":
            item = [term.style(line, "7") for line in item]
        lines += item
    lines.append("")
    if screen.filtering or screen.query:
        matched = sum(1 for i in screen.visible if choices[i].key != NONE_KEY)
        total = sum(1 for c in choices if c.key != NONE_KEY)
        lines.append(f"Filter: {screen.query}{'_' if screen.filtering else ''}  "
                     f"({matched} of {total} match)")
    if screen.typed:
        lines.append(f"Answer number: {screen.typed}")
    if screen.status:
        lines.append(screen.status)
    help_line = FILTER_HELP if screen.filtering else HELP.format(count=len(choices))
    if isinstance(node, Question) and node.id == texts.tree.root.id and not screen.filtering:
        help_line += " · / filter"
    lines.append(term.style(help_line, "2"))
    term.alt_screen()
    term.out.write("\r\n".join(lines) + "\r\n")
    term.out.flush()


def _refilter(walk: Walk, screen: Screen, texts: Texts) -> None:
    matches = filter_messages(walk.choices, screen.query, texts.lookup)
    screen.visible = [i for i, ok in enumerate(matches) if ok]
    screen.cursor = min(screen.cursor, len(screen.visible) - 1)


def _new_screen(walk: Walk, texts: Texts, query: str = "") -> Screen:
    screen = Screen(query=query, filtering=bool(query))
    _refilter(walk, screen, texts)
    earlier = [i for i in screen.visible if walk.choices[i].key == walk.earlier]
    screen.cursor = screen.visible.index(earlier[0]) if earlier else 0
    return screen


def _pick(choices: tuple[Choice, ...], index: int, walk: Walk) -> Walk:
    return walk.choose(choices[index].key)


def ask(term: Terminal, keys: Iterator[str], walk: Walk, texts: Texts,
        query: str = "") -> Walk | None:
    """Screens until the walk reaches an end; None when the reader quits."""
    screen = _new_screen(walk, texts, query)
    while not walk.ended:
        draw(term, walk, texts, screen)
        key = next(keys)
        screen.status = ""
        count = len(walk.choices)
        before = walk
        if key == "quit" or (key == "q" and not screen.filtering):
            return None
        if screen.filtering:
            if key == "escape":
                screen.filtering = False
                screen.query = ""
                _refilter(walk, screen, texts)
            elif key == "backspace":
                screen.query = screen.query[:-1]
                _refilter(walk, screen, texts)
            elif len(key) == 1 and key.isprintable():
                screen.query += key
                screen.cursor = 0
                _refilter(walk, screen, texts)
        if key in ("up", "down", "home", "end"):
            last = len(screen.visible) - 1
            screen.cursor = {"up": max(0, screen.cursor - 1),
                             "down": min(last, screen.cursor + 1),
                             "home": 0, "end": last}[key]
        elif key == "enter":
            if screen.typed:
                walk = _number(walk, screen)
            elif screen.visible:
                walk = _pick(walk.choices, screen.visible[screen.cursor], walk)
        elif screen.filtering:
            pass
        elif key.isdigit():
            screen.typed += key
            number = int(screen.typed)
            if number == 0 or number > count:
                screen.status = f"There is no answer {number}: choose 1 to {count}."
                screen.typed = ""
            elif number * 10 > count:
                walk = _number(walk, screen)
        elif key in ("left", "b", "backspace"):
            walk = walk.back()
        elif key == "r":
            walk = walk.restart()
        elif key == "/" and isinstance(walk.node, Question) \
                and walk.node.id == texts.tree.root.id:
            screen.filtering = True
        elif key == "escape":
            screen.typed = ""
        if walk is not before:
            screen = _new_screen(walk, texts)
    return walk


def _number(walk: Walk, screen: Screen) -> Walk:
    number = int(screen.typed)
    screen.typed = ""
    return walk.number(number)


def interactive(walk: Walk, texts: Texts, command: Callable[[Walk], str], fd: int,
                out: TextIO, query: str = "") -> Walk:
    """Walk in the terminal until the reader leaves; the result is printed as it ends."""
    styled = "NO_COLOR" not in os.environ
    with Terminal(fd, out, styled) as term:
        keys = term.keys()
        while True:
            reached = ask(term, keys, walk, texts, query)
            query = ""
            term.main_screen()
            if reached is None:
                return walk if walk.ended else _stopped(walk, term)
            walk = reached
            texts.width = max(30, shutil.get_terminal_size().columns - 1)
            out.write(texts.end(walk, command).replace("\n", "\r\n"))
            choices = walk.choices
            prompt = "b back · r start again · q or Enter quit"
            if choices:
                prompt = f"1-{len(choices)} read a cause · " + prompt
            out.write(term.style(prompt, "2") + "\r\n")
            out.flush()
            while True:
                key = next(keys)
                if key in ("left", "b", "backspace"):
                    walk = walk.back()
                elif key == "r":
                    walk = walk.restart()
                elif key.isdigit() and 1 <= int(key) <= len(choices):
                    walk = walk.number(int(key))
                elif key in ("q", "quit", "enter", "escape"):
                    return walk
                else:
                    continue
                break


def _stopped(walk: Walk, term: Terminal) -> Walk:
    term.out.write("kb triage: stopped before the end\r\n")
    term.out.flush()
    return walk
