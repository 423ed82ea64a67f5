"""kb rename: give a section, entry, cause or fix a new id; the old one stays an alias."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..cli import UsageError
from ..core.project import Project

ORDER = 45


def run(args: argparse.Namespace, project: Project) -> int:
    from ..authoring.rename import RenameError, rename
    try:
        plan = rename(project, args.old, args.new)
    except RenameError as err:
        raise UsageError(str(err)) from None
    for edit in plan.edits:
        print(edit)
    for warning in plan.warnings:
        print(f"note: {warning}", file=sys.stderr)
    files = len(plan.texts) + len(plan.moves)
    print(f"kb rename: '{args.old.rpartition('#')[2]}' is now '{args.new}' (the old id stays "
          f"an alias); {len(plan.edits)} edits in {files} file{'s' if files != 1 else ''}",
          file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "rename", help="rename an id; the old one stays as an alias",
        description="Give a section, entry, cause or fix a new id. The old id moves to its "
                    "aliases, so old links still land on it; an entry's file is renamed; "
                    "refs, Markdown links, the topic's order and tree references are "
                    "rewritten. Comments and layout of the YAML files are kept. Nothing is "
                    "written unless the result validates.",
    )
    parser.add_argument("old", metavar="OLD", help="the current id, or topic#id when several "
                                                  "pages use it")
    parser.add_argument("new", metavar="NEW", help="the new id")
    parser.set_defaults(handler=run)
