"""kb check: validate the catalogue and content without building."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any

from ..cli import UsageError, print_diagnostics, summary
from ..core.diagnostics import Diagnostic, DiagnosticError, Diagnostics
from ..core.project import Project

ORDER = 10


def run(args: argparse.Namespace, project: Project) -> int:
    from ..authoring.scaffold import placeholders
    from ..core.changes import ChangesError, changed_since, file_at, involved_files
    from ..features.anchors import LOCK_FILE, check_against_base, parse_lock, read_lock
    from ..features.registry import FEATURES
    from ..site.checks import load_checked
    diagnostics = Diagnostics()
    load_checked(project, diagnostics, FEATURES)
    placeholders(project, diagnostics)  # 'TODO:' texts that kb new wrote
    try:  # the engine mkdocs.yml names (extra.kb.engine) is known and installed
        from ..core.project import site_settings
        from ..site.engines import choose
        choose(site_settings(project), project.mkdocs_yml, project.rel(project.mkdocs_yml))
    except DiagnosticError as err:
        diagnostics.extend(err.diagnostics)
    base = args.base or args.changed_since
    changed: set[str] = set()
    try:
        if base:
            text = file_at(project.root, base, LOCK_FILE)
            check_against_base(read_lock(project), parse_lock(text) if text is not None
                               else None, base, diagnostics)
        if args.changed_since:
            changed = changed_since(project.root, args.changed_since)
    except ChangesError as err:
        option = "--changed-since" if args.changed_since and not args.base else "--base"
        raise UsageError(f"{option}: {err}") from None
    hidden = 0
    if args.changed_since:
        involved = involved_files(project.root, changed)
        everything = len(diagnostics.sorted())
        diagnostics = Diagnostics([d for d in diagnostics.items
                                   if any(path in involved for path in d.paths)])
        hidden = everything - len(diagnostics.sorted())
    print_diagnostics(diagnostics, args.format)
    if args.changed_since and args.format == "github":
        for item in caused_here(diagnostics.sorted(), changed):
            print(item.format_github(), file=sys.stderr)
    failed = diagnostics.fails(strict=args.strict)
    scope = f" that files changed since {args.changed_since} cause or touch" \
        if args.changed_since else ""
    if diagnostics or failed:
        print(f"kb check: {summary(diagnostics)}{scope}", file=sys.stderr)
    elif scope:
        print(f"kb check: no problems{scope}", file=sys.stderr)
    else:
        print("kb check: catalogue is valid", file=sys.stderr)
    if hidden:
        print(f"kb check: {hidden} more elsewhere; run kb check without --changed-since "
              "to see them", file=sys.stderr)
    return 1 if failed else 0


def caused_here(items: list[Diagnostic], changed: set[str]) -> list[Diagnostic]:
    """For a problem reported in a file the change left alone, the same problem at each of
    its related places in a changed file: a pull request shows annotations on its own lines."""
    extra = []
    for item in items:
        if item.loc.path in changed:
            continue
        for loc in item.related:
            if loc.path in changed:
                extra.append(replace(item, loc=loc, related=(),
                                     message=f"{item.message} (reported at {item.loc})"))
    return extra


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "check", help="validate the catalogue and content",
        description="Validate catalogue/ and content/: YAML syntax, fields, ids, anchors, "
                    "version ranges, references and DocFX Markdown. Prints every problem as "
                    "path:line:col: severity: subject: message; suggestion, sorted. "
                    "Exit status 1 when there is an error (or, with --strict, a warning).",
    )
    parser.add_argument("--strict", action="store_true",
                        help="fail on warnings too: placeholder texts, messages without "
                             "samples, causes without a check question, version gaps")
    parser.add_argument("--format", choices=["text", "github"], default="text",
                        help="'github' prints GitHub Actions annotations")
    parser.add_argument("--changed-since", metavar="REF",
                        help="check everything, then report only the problems that files "
                             "changed since the git revision REF (committed, staged, unstaged "
                             "or new) cause or touch, wherever they are reported: in a "
                             "changed file, in a file that refers to one, or naming one as "
                             "the other side (a duplicate id, a shadowing message, a page "
                             "that lost an anchor); the exit status counts only those. "
                             "Implies --base REF")
    parser.add_argument("--base", metavar="REF",
                        help="also verify the anchors lock against the git revision REF (e.g. "
                             "origin/main): each anchor locked there is still locked, or "
                             "dropped with kb anchors --update --drop")
    parser.set_defaults(handler=run)
