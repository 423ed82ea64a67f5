"""kb anchors: show or refresh the lock of published anchors (catalogue/_anchors.lock.json)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..cli import UsageError
from ..core.project import Project

ORDER = 40


# The figures count an anchor once in each version that publishes it (a line lists one
# anchor with its versions).
PER_VERSION = "counted once per version"


def run(args: argparse.Namespace, project: Project) -> int:
    from ..features.anchors import (
        LOCK_FILE,
        DropError,
        compare,
        lock_text,
        plan_update,
        published,
        read_lock,
        render_index,
    )
    from ..features.registry import FEATURES
    from ..site.checks import load_built
    if (args.drop or args.retired or args.redirect) and not args.update:
        raise UsageError("--drop, --retired and --redirect go with --update")
    if (args.retired or args.redirect) and not args.drop:
        raise UsageError("--retired and --redirect say why the anchors named by --drop go; "
                         "name them with --drop ID")
    catalogue = load_built(project, FEATURES)
    order = list(catalogue.products.names)
    current = published(render_index(project, catalogue, FEATURES), order)
    lock = read_lock(project)
    if lock is not None and lock.problem and args.update:
        raise UsageError(f"{LOCK_FILE}: {lock.problem}; fix it or restore it from git first, "
                         "so that no locked anchor is lost")
    before = lock.anchors if lock is not None and not lock.problem else {}
    changes = compare(before, current, order)
    total = sum(len(names) for pages in current.values() for names in pages.values())
    if args.update:
        try:
            update = plan_update(lock, current, order, args.drop or (), args.retired or "",
                                 args.redirect or "")
        except DropError as err:
            raise UsageError(str(err)) from None
        for change in changes.added:
            print(change.format("+"))
        for drop in update.new_drops:
            why = f"redirect to {drop.redirect}" if drop.redirect else f"retired: {drop.retired}"
            print(f"- {drop.name} ({', '.join(drop.versions)}) dropped; {why}")
        for change in update.kept:
            print(change.format("!") + " gone from the catalogue; still locked")
        text = lock_text(update.anchors, update.dropped)
        path = project.root / LOCK_FILE
        added = sum(len(c.versions) for c in changes.added)
        counts = f"{added} added, {sum(len(d.versions) for d in update.new_drops)} dropped"
        if lock is None or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"kb anchors: wrote {LOCK_FILE} ({total} anchors; {counts}; {PER_VERSION})",
                  file=sys.stderr)
        else:
            print(f"kb anchors: {LOCK_FILE} is up to date ({total} anchors, {PER_VERSION})",
                  file=sys.stderr)
        if update.kept:
            print(f"kb anchors: {len(update.kept)} locked anchor"
                  f"{'s are' if len(update.kept) != 1 else ' is'} gone from the catalogue "
                  "(marked '!') and stay locked, so kb check fails until each is back: keep "
                  "it with an alias (kb rename OLD NEW) or a retired entry, or drop it on "
                  "purpose with --drop ID and --retired 'why' or --redirect PAGE#ANCHOR",
                  file=sys.stderr)
            return 1
        return 0
    for line in changes.lines():
        print(line)
    removed = sum(len(c.versions) for c in changes.removed) + sum(
        len(before[v][c.url]) for c in changes.removed_pages for v in c.versions)
    counts = f"{sum(len(c.versions) for c in changes.added)} added, {removed} removed"
    if lock is None:
        print(f"kb anchors: no {LOCK_FILE} yet; run kb anchors --update to create it",
              file=sys.stderr)
        return 1 if args.check else 0
    if not changes:
        print(f"kb anchors: {LOCK_FILE} is up to date ({total} anchors, {PER_VERSION})",
              file=sys.stderr)
        return 0
    print(f"kb anchors: {LOCK_FILE} differs from the catalogue ({counts}, {PER_VERSION}); "
          "run kb anchors --update to record it", file=sys.stderr)
    return 1 if args.check else 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "anchors", help="show or refresh the lock of published anchors",
        description="Compare catalogue/_anchors.lock.json, the committed list of every "
                    "anchor each page publishes in each version, with what the catalogue "
                    "publishes now, and print the differences ('+' added, '-' removed, "
                    "with their versions). kb check fails when a locked anchor disappears; "
                    "new anchors only show here until the lock is refreshed. --update never "
                    "takes a locked anchor out of the lock unless --drop names it, and then "
                    "records the decision (--retired or --redirect) under 'dropped', where "
                    "reviewers see it and kb check --base verifies it.",
        epilog="examples:\n"
               "  kb anchors --update\n"
               "  kb anchors --update --drop oldentry --retired 'merged into newentry'\n"
               "  kb anchors --update --drop '/old-topic/' --redirect '/new-topic/'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--update", action="store_true",
                      help="record new anchors in the lock (and drops named by --drop); "
                           "exit 1 while a locked anchor is gone and not dropped")
    mode.add_argument("--check", action="store_true",
                      help="exit 1 when the lock differs from the catalogue in any way")
    parser.add_argument("--drop", nargs="+", metavar="ID",
                        help="with --update: take these gone anchors out of the lock: "
                             "'anchor' (on any page), 'page#anchor', or a page URL such as "
                             "'/old-topic/'")
    decision = parser.add_mutually_exclusive_group()
    decision.add_argument("--retired", metavar="WHY",
                          help="why the dropped anchors are gone, for the record")
    decision.add_argument("--redirect", metavar="PAGE#ANCHOR",
                          help="where readers of the dropped anchors should go now; it must "
                               "be published in the same versions")
    parser.set_defaults(handler=run)
