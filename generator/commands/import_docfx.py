"""kb import: turn a DocFX troubleshooting article into a catalogue topic."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..cli import UsageError, print_diagnostics
from ..core.diagnostics import DiagnosticError, Diagnostics, Loc
from ..core.project import Project

ORDER = 40


def run(args: argparse.Namespace, project: Project) -> int:
    # Imported here, so that `kb` starts fast for the other commands.
    from ..authoring.importer import (
        ImportError_,
        conflicts,
        existing,
        import_article,
        settle,
        write,
    )
    from ..catalogue.fields import ID_RE
    from ..catalogue.validate import project_products

    article = Path(args.article)
    if not article.is_file():
        raise UsageError(f"no such file: {args.article}")
    if args.topic and not ID_RE.match(args.topic):
        raise UsageError(f"--topic '{args.topic}' is not a valid id: use letters, digits, "
                         "'-' and '_', starting with a letter")
    products = project_products(project)
    if products is None:
        raise UsageError("catalogue/products.yml is not valid; run kb check and fix it first")
    try:
        result = import_article(project, article.resolve(), products, args.topic or "",
                                args.base_url or "")
    except ImportError_ as err:
        raise DiagnosticError(err.diagnostics) from None
    except UnicodeDecodeError:
        raise UsageError(f"{args.article} is not UTF-8 text") from None
    refused = Diagnostics()
    for taken in conflicts(project, result):
        refused.error(Loc(f"catalogue/{result.topic}"), f"topic '{result.topic}'", taken,
                      "rename the heading's anchor in the article, or import into that topic")
    present = existing(project, result)
    if present and not args.force:
        for rel in present:
            refused.error(Loc(rel), f"topic '{result.topic}'", "file already exists",
                          "pass --force to overwrite it, or --topic to import elsewhere")
    if refused:
        print_diagnostics(result.diagnostics)
        print_diagnostics(refused)
        print("kb import: nothing was written", file=sys.stderr)
        return 1
    problems = settle(project, result)
    print_diagnostics(result.diagnostics)
    if any(p.severity.value == "error" for p in problems):
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        print("kb import: the result would not pass kb check; nothing was written",
              file=sys.stderr)
        return 1
    count = len(result.diagnostics)
    summary = (f"kb import: topic '{result.topic}': {result.sections} section"
               f"{'s' if result.sections != 1 else ''}, {len(result.entries)} "
               f"entr{'ies' if len(result.entries) != 1 else 'y'}; "
               f"{count} thing{'s' if count != 1 else ''} could not be mapped"
               + (" (listed above)" if count else ""))
    if args.dry_run:
        for rel in sorted(result.files):
            print(f"would write {rel}")
        print(summary, file=sys.stderr)
        return 0
    for rel in write(project, result):
        print(f"wrote {rel}")
    print(summary, file=sys.stderr)
    print(f"next: review catalogue/{result.topic}/, then run: kb check --strict (it lists "
          "what a pull request still needs, such as samples and check questions)",
          file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "import", help="turn a DocFX troubleshooting article into a topic",
        description="Map a DocFX (Microsoft Learn) troubleshooting article to a catalogue "
                    "topic: headings and <a name> anchors become ids (heading slugs are kept "
                    "as aliases), moniker zones and monikerRange become version ranges, "
                    "numbered steps become fixes, alerts become notes, error strings in code "
                    "spans become messages, and includes are inlined. Prints what could not "
                    "be mapped with its line. The result passes kb check, or nothing is "
                    "written; kb check --strict (what pull requests run) then lists what to "
                    "add: samples of each message, a check question for each cause that has "
                    "siblings. Existing files are kept unless --force.",
    )
    parser.add_argument("source", choices=["docfx"], help="the article's format")
    parser.add_argument("article", metavar="ARTICLE.md", help="the article to import")
    parser.add_argument("--topic", metavar="ID",
                        help="the topic id (default: the article's file name, or its title)")
    parser.add_argument("--base-url", metavar="URL",
                        help="the address the article was published at, to turn its relative "
                             "links into absolute ones")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.add_argument("--dry-run", action="store_true",
                        help="write nothing; list the files that would be written")
    parser.set_defaults(handler=run)
