"""kb fmt: write catalogue YAML in the house layout, or list the files that differ."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..cli import print_diagnostics
from ..core.diagnostics import Diagnostics, Loc, Severity
from ..core.project import Project

ORDER = 15


def run(args: argparse.Namespace, project: Project) -> int:
    from ..authoring.fmt import format_paths, write_atomic
    diagnostics = Diagnostics()
    paths = [Path(p).resolve() for p in args.paths] if args.paths else None
    results = format_paths(project, paths, diagnostics)
    changed = [r for r in results if r.changed]
    if args.check:
        for result in changed:
            diagnostics.error(
                Loc(result.rel, result.first_difference(), 1), "format",
                "file is not formatted (first difference on this line)",
                f"run kb fmt {result.rel}",
            )
    else:
        for result in changed:
            write_atomic(result.path, result.after)
            print(f"formatted {result.rel}")
    if args.diff:
        for result in changed:
            sys.stdout.write(result.diff())
    print_diagnostics(diagnostics, args.format)
    unchanged = len(results) - len(changed)
    # Files that could not be read (their problems are above) are counted too.
    formatted = {r.rel for r in results}
    failed = len({d.loc.path for d in diagnostics.items if d.severity is Severity.ERROR
                  and d.loc.path not in formatted})
    total = len(results) + failed
    files = f"{total} file{'s' if total != 1 else ''}"
    unread = f", {failed} could not be read" if failed else ""
    if args.check and changed:
        print(f"kb fmt: {len(changed)} of {files} would be reformatted{unread}",
              file=sys.stderr)
    elif args.check:
        print(f"kb fmt: {unchanged} of {files} already formatted{unread}" if failed
              else f"kb fmt: {files} already formatted", file=sys.stderr)
    else:
        print(f"kb fmt: {len(changed)} formatted, {unchanged} unchanged{unread}",
              file=sys.stderr)
    if diagnostics.has_errors():
        return 1
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "fmt", help="format the catalogue's YAML files",
        description="Rewrite catalogue YAML in one layout: keys in the order of the field "
                    "reference, two-space indentation, one quoting style, texts wrapped at "
                    "88 columns, and the editor's schema comment on the first line. Comments "
                    "and blank lines are kept, and no value changes. With --check, only list "
                    "the files that differ (exit status 1).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders to format (default: the whole catalogue)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; list unformatted files and exit 1 if any")
    parser.add_argument("--diff", action="store_true",
                        help="also print what would change, as a unified diff")
    parser.add_argument("--format", choices=["text", "github"], default="text",
                        help="'github' prints GitHub Actions annotations")
    parser.set_defaults(handler=run)
