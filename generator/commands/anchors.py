"""kb anchors: show or refresh the lock of published anchors (catalogue/_anchors.lock.json)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..core.diagnostics import DiagnosticError, Diagnostics
from ..core.project import Project

ORDER = 40


def run(args: argparse.Namespace, project: Project) -> int:
    from ..features.anchors import LOCK_FILE, compare, lock_text, published, read_lock, render_index
    from ..features.registry import FEATURES
    from ..site.checks import load_checked
    diagnostics = Diagnostics()
    catalogue = load_checked(project, diagnostics, FEATURES, markdown=False)
    if catalogue is None:
        raise DiagnosticError(diagnostics.sorted())
    order = list(catalogue.products.names)
    current = published(render_index(project, catalogue, FEATURES), order)
    lock = read_lock(project)
    before = lock.anchors if lock is not None and not lock.problem else {}
    changes = compare(before, current, order)
    for line in changes.lines():
        print(line)
    total = sum(len(names) for pages in current.values() for names in pages.values())
    added = sum(len(c.versions) for c in changes.added)
    removed = sum(len(c.versions) for c in changes.removed) + sum(
        len(before[v][c.url]) for c in changes.removed_pages for v in c.versions)
    counts = f"{added} added, {removed} removed"
    if args.update:
        text = lock_text(current)
        path = project.root / LOCK_FILE
        if lock is None or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"kb anchors: wrote {LOCK_FILE} ({total} anchors; {counts})", file=sys.stderr)
        else:
            print(f"kb anchors: {LOCK_FILE} is up to date ({total} anchors)", file=sys.stderr)
        return 0
    if lock is None:
        print(f"kb anchors: no {LOCK_FILE} yet; run kb anchors --update to create it",
              file=sys.stderr)
        return 1 if args.check else 0
    if not changes:
        print(f"kb anchors: {LOCK_FILE} is up to date ({total} anchors)", file=sys.stderr)
        return 0
    print(f"kb anchors: {LOCK_FILE} differs from the catalogue ({counts}); "
          "run kb anchors --update to record it", file=sys.stderr)
    return 1 if args.check else 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "anchors", help="show or refresh the lock of published anchors",
        description="Compare catalogue/_anchors.lock.json, the committed list of every "
                    "anchor each page publishes in each version, with what the catalogue "
                    "publishes now, and print the differences ('+' added, '-' removed, "
                    "with their versions). "
                    "kb check fails when a locked anchor disappears; new anchors only show "
                    "here until the lock is refreshed.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--update", action="store_true",
                      help="rewrite the lock from the catalogue and print what changed")
    mode.add_argument("--check", action="store_true",
                      help="exit 1 when the lock differs from the catalogue in any way")
    parser.set_defaults(handler=run)
