"""kb import: a DocFX troubleshooting article into a topic, or a DocFX docs folder into content/."""

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
    if article.is_dir():
        return run_docset(args, project)
    if not article.is_file():
        raise UsageError(f"no such file or folder: {args.article}")
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
    else:
        for rel in write(project, result):
            print(f"wrote {rel}")
    if args.report:
        print_report(result)
    print(summary, file=sys.stderr)
    if args.dry_run:
        return 0
    print(f"next: review catalogue/{result.topic}/, then run: kb check", file=sys.stderr)
    return 0


def print_report(result: Any) -> None:
    """What a writer should still look at, entry by entry (stdout)."""
    print(f"report: topic '{result.topic}'")
    for entry in result.entries:
        notes = result.report.get(entry, [])
        print(f"  entry '{entry}' (catalogue/{result.topic}/{entry}.yml):"
              + ("" if notes else " nothing to review"))
        for note in notes:
            print(f"    - {note}")


def run_docset(args: argparse.Namespace, project: Project) -> int:
    """`kb import docfx DIR`: migrate a docs folder; all files or none."""
    from ..authoring.migrate import commit, existing, migrate, settle, summarise_outside

    if args.topic or args.report:
        raise UsageError("--topic and --report are for one article; a folder becomes pages "
                         "of content/")
    into = (args.into or "").strip("/")
    if ".." in into.split("/"):
        raise UsageError(f"--into '{args.into}' must stay inside content/")
    print(f"kb import: reading {args.article}", file=sys.stderr, flush=True)
    result = migrate(project, Path(args.article), into, args.base_url or "")
    summarise_outside(result)
    refused = Diagnostics()
    if not result.diagnostics.has_errors():
        for rel in existing(project, result) if not args.force else []:
            refused.error(Loc(rel), "import", "file already exists",
                          "pass --force to overwrite it, or --into to migrate elsewhere")
    if not result.diagnostics.has_errors() and not refused:
        print(f"kb import: checking {result.pages} pages as kb check does", file=sys.stderr,
              flush=True)
        for problem in settle(project, result):
            if problem.severity.value == "error":
                refused.items.append(problem)
            elif problem.loc.path in result.files:  # kb check --strict would fail on it
                result.diagnostics.items.append(problem)
    print_diagnostics(result.diagnostics)
    print_diagnostics(refused)
    count = len(result.diagnostics)
    summary = (f"kb import: {result.pages} page{'s' if result.pages != 1 else ''}, "
               f"{result.includes} include{'s' if result.includes != 1 else ''}, "
               f"{result.media} media file{'s' if result.media != 1 else ''}, "
               f"{result.toc_items} navigation item{'s' if result.toc_items != 1 else ''}, "
               f"{result.redirects} redirect{'s' if result.redirects != 1 else ''}; "
               f"{len(result.outside)} link target{'s' if len(result.outside) != 1 else ''} "
               f"outside the migrated pages; {count} thing{'s' if count != 1 else ''} could "
               "not be mapped" + (" (listed above)" if count else ""))
    if result.skipped_redirects:
        summary += (f"; {result.skipped_redirects} redirection"
                    f"{'s' if result.skipped_redirects != 1 else ''} of other folders skipped")
    failed = result.diagnostics.has_errors() or bool(refused) or (args.strict and count > 0)
    if failed:
        print(summary, file=sys.stderr)
        reason = " (--strict: warnings count)" if not refused and \
            not result.diagnostics.has_errors() else ""
        print(f"kb import: nothing was written{reason}", file=sys.stderr)
        return 1
    if args.dry_run:
        for rel in sorted(result.files):
            print(f"would write {rel}")
        print(summary, file=sys.stderr)
        return 0
    for rel in commit(project, result.files):
        print(f"wrote {rel}")
    print(summary, file=sys.stderr)
    print("next: run kb build, then kb check-links", file=sys.stderr)
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
                    "written; existing files are kept unless --force.",
    )
    parser.add_argument("source", choices=["docfx"], help="the article's format")
    parser.add_argument("article", metavar="ARTICLE.md|DIR",
                        help="an article to turn into a topic, or a docs folder to migrate "
                             "into content/")
    parser.add_argument("--topic", metavar="ID",
                        help="the topic id (default: the article's file name, or its title)")
    parser.add_argument("--base-url", metavar="URL",
                        help="the address the article was published at, to turn its relative "
                             "links into absolute ones")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.add_argument("--report", action="store_true",
                        help="ARTICLE.md only: list, per entry, what a writer should still "
                             "look at (generated titles, questions and samples, missing "
                             "messages)")
    parser.add_argument("--into", metavar="FOLDER",
                        help="DIR only: the folder of content/ to migrate into (default: "
                             "content/ itself); paths below it follow the docset's")
    parser.add_argument("--strict", action="store_true",
                        help="DIR only: write nothing when anything could not be mapped, "
                             "links to pages outside the migrated set included")
    parser.add_argument("--dry-run", action="store_true",
                        help="write nothing; list the files that would be written")
    parser.set_defaults(handler=run)
