"""kb triage: walk a version's decision tree in the terminal, from the message to the fix."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ..cli import UsageError
from ..core.project import Project
from ..core.versions import moniker_hint

if TYPE_CHECKING:
    from ..catalogue.model import Catalogue
    from ..features.tree.walk import Texts, Walk

ORDER = 45
STOPPED = 3  # exit status when the walk stops before its end


def parse_answers(text: str) -> list[int]:
    numbers = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit() or int(part) < 1:
            raise UsageError(f"--answers takes answer numbers separated by commas, "
                             f"such as 1,2,1; found '{part}'")
        numbers.append(int(part))
    return numbers


# Up to this many answers are named in an error; more are counted (a list of every message
# of a catalogue is no hint).
NAMED_ANSWERS = 10


def _choices_hint(walk: Walk) -> str:
    if len(walk.choices) > NAMED_ANSWERS:
        return (f"1 to {len(walk.choices)}; without --answers, kb triage lists them (and "
                "--message TEXT picks a message by its words)")
    return "; ".join(f"{n} = {c.label}" for n, c in enumerate(walk.choices, 1))


def _versions_with(catalogue: Catalogue, moniker: str, message: str) -> list[str]:
    """The other versions (oldest first) whose tree has a message that `message` picks,
    as --message picks it: each named by its title and moniker (looked in on every
    core)."""
    from ..core.parallel import fork_map

    others = [m for m in catalogue.products.monikers if m.name != moniker]
    found = fork_map(_picks_a_message, [m.name for m in others], (catalogue, message))
    return [f"{m.title} ({m.name})" for m, yes in zip(others, found, strict=True) if yes]


def _picks_a_message(context: tuple[Catalogue, str], moniker: str) -> bool:
    from ..catalogue.resolve import resolve
    from ..features.lookup.index import build_index
    from ..features.lookup.match import Matcher
    from ..features.tree.derive import NONE_KEY, derive
    from ..features.tree.walk import Walk, filter_messages

    catalogue, message = context
    tree = derive(catalogue, moniker)
    if tree.empty:
        return False
    choices = Walk(tree).choices
    lookup = Matcher(build_index(catalogue, resolve(catalogue, moniker), moniker, ""))
    return any(ok and choice.key != NONE_KEY for choice, ok in
               zip(choices, filter_messages(choices, message, lookup), strict=True))


def run(args: argparse.Namespace, project: Project) -> int:
    # Imported here, so that `kb` starts fast for the other commands.
    from ..catalogue.resolve import resolve
    from ..core.project import site_settings
    from ..features.lookup.index import build_index
    from ..features.lookup.match import Matcher
    from ..features.registry import FEATURES
    from ..features.tree.derive import NONE_KEY, derive
    from ..features.tree.export import SiteInfo, version_markup
    from ..features.tree.terminal import interactive
    from ..features.tree.walk import Texts, Walk, command_line, filter_messages
    from ..site.checks import load_built

    catalogue = load_built(project, FEATURES)
    products = catalogue.products
    moniker = products.default
    if args.version:
        found = products.resolve_alias(args.version)
        if found is None:
            raise UsageError(f"unknown version '{args.version}'; "
                             + moniker_hint(args.version, products.names))
        moniker = found
    tree = derive(catalogue, moniker)
    settings = site_settings(project)
    info = SiteInfo.from_settings(settings, moniker)
    # The message filter uses the lookup matcher of `kb lookup` and the site.
    lookup = Matcher(build_index(catalogue, resolve(catalogue, moniker), moniker, ""))
    texts = Texts(tree, version_markup(project, catalogue, moniker, info.directory_urls), info,
                  lookup=lookup)
    if tree.empty:
        print(f"kb triage: no decision tree for {tree.title}", file=sys.stderr)
        for line in tree.missing:
            print(f"  {line}", file=sys.stderr)
        return 1
    walk = Walk(tree)
    terminal = sys.stdin.isatty() and sys.stdout.isatty() and not args.no_input
    query = ""
    if args.message:
        kept = filter_messages(walk.choices, args.message, lookup)
        matches = [c for c, ok in zip(walk.choices, kept, strict=True)
                   if ok and c.key != NONE_KEY]
        if len(matches) == 1:
            walk = walk.choose(matches[0].key)
        elif not matches:
            others = _versions_with(catalogue, moniker, args.message)
            where = (f"; messages of {', '.join(others)} do: choose one with --version"
                     if others else ", nor of any other version" if len(products.names) > 1
                     else "")
            raise UsageError(f"no message of {tree.title} matches '{args.message}'{where}; "
                             "run kb triage without --message to see them all")
        elif terminal and not args.answers:
            query = args.message  # the reader picks among them, the filter set
        else:
            raise UsageError(f"{len(matches)} messages match '{args.message}': "
                             + "; ".join(c.label for c in matches)
                             + "; give more of the message")
    for index, number in enumerate(parse_answers(args.answers or "")):
        if not walk.choices:
            raise UsageError(f"answer {index + 1} of --answers ({number}) comes after the "
                             "end of the walk")
        try:
            walk = walk.number(number)
        except IndexError:
            raise UsageError(
                f"answer {index + 1} of --answers is {number}, but the question "
                f"'{texts.asked(walk.node)}' has {len(walk.choices)} answers: "
                f"{_choices_hint(walk)}") from None
    if terminal and not walk.ended:
        walk = interactive(walk, texts, command_line, sys.stdin.fileno(), sys.stdout, query)
        return 0 if walk.ended else STOPPED
    if not walk.ended:
        return _pending(walk, texts, query)
    sys.stdout.write(texts.end(walk, command_line))
    return 0


def _pending(walk: Walk, texts: Texts, query: str) -> int:
    """Print the question the answers stopped at, for a script to pick the next one."""
    from ..features.tree.derive import Question
    from ..features.tree.walk import filter_messages

    for line in texts.path(walk):
        print(line)
    if walk.applied():
        print()
    print(texts.asked(walk.node))
    node = walk.node
    if isinstance(node, Question) and node.help is not None:
        print(texts.help(node))
    matches = (filter_messages(walk.choices, query, texts.lookup) if query
               else [True] * len(walk.choices))
    for number, (choice, ok) in enumerate(zip(walk.choices, matches, strict=True), 1):
        if ok:
            print(f"  {number}. {choice.label}")
            for more in choice.more:
                print(f"     {more}")
    following = ",".join(str(n) for n in walk.numbers())
    example = f"{following},N" if following else "N"
    print(f"kb triage: more answers needed; add the next one, e.g. --answers {example}",
          file=sys.stderr)
    return STOPPED


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "triage", help="walk the decision tree in the terminal, from the message to the fix",
        description="Ask which message you see, then the questions that tell its causes "
                    "apart, and print the fix for your version: the same tree as the site's "
                    "troubleshooter. In a terminal, answer with numbers or the arrow keys "
                    "and Enter; b or the left arrow goes back, r starts again, q quits, and "
                    "/ filters the messages. In scripts, give the answers with --answers.",
        epilog="Exit status: 0 when the walk reached a fix or the end of what the knowledge "
               "base knows, 1 on errors or when the version has no tree, 2 for wrong "
               "arguments, 3 when it stopped before the end (the pending question is printed "
               "when not in a terminal).",
    )
    parser.add_argument("--version", metavar="MONIKER",
                        help="the product version (moniker or alias; default: the default "
                             "version of products.yml)")
    parser.add_argument("--answers", metavar="N,N,...",
                        help="answer numbers, one per question, in order, e.g. 1,2,1")
    parser.add_argument("--message", metavar="TEXT",
                        help="answer the first question with the message that matches TEXT "
                             "(part of the message, or its code)")
    parser.add_argument("--no-input", action="store_true",
                        help="never ask in the terminal; stop where the answers end")
    parser.set_defaults(handler=run)
