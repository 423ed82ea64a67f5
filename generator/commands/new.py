"""kb new: scaffold a catalogue entry (and its topic, if asked) that passes kb check."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..cli import UsageError
from ..core.project import Project

if TYPE_CHECKING:
    from ..core.versions import Products

ORDER = 5


def _ask(question: str, check: Callable[[str], str], required: bool = False) -> str:
    from ..authoring.scaffold import ScaffoldError

    """Ask until the answer passes `check` (which returns it cleaned or raises)."""
    while True:
        try:
            answer = input(question).strip()
        except EOFError:
            raise UsageError("no answer given; pass the values as options instead") from None
        if not answer and required:
            print("  an answer is required", file=sys.stderr)
            continue
        try:
            return check(answer)
        except ScaffoldError as err:
            print(f"  {err}", file=sys.stderr)


def _title(text: str) -> str:
    from ..authoring.scaffold import ScaffoldError, check_message

    if "\n" in text.strip() or "\r" in text.strip():
        raise ScaffoldError("expected a title of one line, found several; a title is the "
                            "entry's heading: put the rest in the summary")
    if not text.strip():
        raise ScaffoldError("expected a title, found an empty text")
    return check_message(text, "title")


def _message(text: str) -> str:
    from ..authoring.scaffold import check_message

    return check_message(text) if text.strip() else ""


def _example(products: Products | None) -> str:
    return f" (e.g. >= {products.names[1 if len(products.names) > 1 else 0]})" \
        if products else ""


def run(args: argparse.Namespace, project: Project) -> int:
    # Imported here, so that `kb` starts fast for the other commands.
    from ..authoring.scaffold import (
        NewEntry,
        ScaffoldError,
        check_free,
        check_range,
        check_topic,
        create,
        parse_target,
    )
    from ..catalogue.validate import project_products

    try:
        topic, ident = parse_target(args.target)
        check_topic(project, topic, args.new_topic)
        check_free(project, topic, ident)
        products = project_products(project)
        applies_to = check_range(args.range or "", products)
        messages = [_message(m) for m in args.message or []]
        if args.title is not None:
            _title(args.title)
        if args.topic_title is not None:
            _title(args.topic_title)
    except ScaffoldError as err:
        raise UsageError(str(err)) from None
    title, topic_title = args.title, args.topic_title
    creating_topic = args.new_topic and not (project.catalogue / topic).is_dir()
    interactive = sys.stdin.isatty()
    if not interactive and not title:
        raise UsageError("--title is required (kb new asks for it only in a terminal)")
    if interactive:
        if creating_topic and not topic_title:
            topic_title = _ask(f"Title of the new page '{topic}': ", _title, required=True)
        if not title:
            title = _ask("Title (the heading of the entry, usually the message): ", _title,
                         required=True)
        if args.message is None:
            message = _ask("Message users see, verbatim (Enter for none): ", _message)
            messages = [message] if message else []
        if args.range is None:
            applies_to = _ask("Versions it applies to" + _example(products)
                              + " (Enter for all of the page's): ",
                              lambda text: check_range(text, products))
    if creating_topic and not topic_title:
        topic_title = f"Troubleshoot {topic.replace('-', ' ').replace('_', ' ')}"
    request = NewEntry(topic, ident, _title(title), tuple(messages), applies_to,
                       topic_title if creating_topic else "")
    try:
        written = create(project, request)
    except FileExistsError:
        raise UsageError(f"catalogue/{topic}/{ident}.yml was created meanwhile; "
                         "nothing was overwritten") from None
    for path in written:
        print(f"created {project.rel(path)}")
    print(f"next: replace each 'TODO:' text in {project.rel(written[-1])}, then run: "
          "kb fmt && kb check --strict")
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "new", help="scaffold a new catalogue entry",
        description="Create catalogue/TOPIC/ID.yml: a valid entry with the editor's schema "
                    "comment, the title, messages and range given, and 'TODO:' texts to "
                    "replace (kb check --strict fails while any is left). Asks for what is "
                    "missing when run in a terminal. Never overwrites a file.",
    )
    parser.add_argument("target", metavar="TOPIC/ID",
                        help="the topic folder and the new entry's id, e.g. azure-rm-endpoint/"
                             "port-in-use")
    parser.add_argument("--title", help="the entry's heading, usually the message")
    parser.add_argument("--message", action="append", metavar="TEXT",
                        help="a message users see, verbatim (repeat for several)")
    parser.add_argument("--range", metavar="RANGE",
                        help="the versions it applies to, e.g. '>= tfs-2018' (default: all "
                             "of the topic's)")
    parser.add_argument("--new-topic", action="store_true",
                        help="create the topic folder and its _topic.yml if missing")
    parser.add_argument("--topic-title", metavar="TEXT",
                        help="the new topic's page title (with --new-topic)")
    parser.set_defaults(handler=run)
