"""kb check: validate the catalogue and content without building."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..cli import UsageError, print_diagnostics, summary
from ..core.diagnostics import Diagnostics
from ..core.project import Project

ORDER = 10


def run(args: argparse.Namespace, project: Project) -> int:
    from ..authoring.scaffold import placeholders
    from ..core.changes import ChangesError, changed_since
    from ..features.registry import FEATURES
    from ..site.checks import load_checked
    diagnostics = Diagnostics()
    load_checked(project, diagnostics, FEATURES)
    placeholders(project, diagnostics)  # 'TODO:' texts that kb new wrote
    hidden = 0
    if args.changed_since:
        try:
            changed = changed_since(project.root, args.changed_since)
        except ChangesError as err:
            raise UsageError(f"--changed-since: {err}") from None
        everything = len(diagnostics.sorted())
        diagnostics = Diagnostics([d for d in diagnostics.items if d.loc.path in changed])
        hidden = everything - len(diagnostics.sorted())
    print_diagnostics(diagnostics, args.format)
    failed = diagnostics.fails(strict=args.strict)
    scope = f" in files changed since {args.changed_since}" if args.changed_since else ""
    if diagnostics or failed:
        print(f"kb check: {summary(diagnostics)}{scope}", file=sys.stderr)
    elif scope:
        print(f"kb check: no problems{scope}", file=sys.stderr)
    else:
        print("kb check: catalogue is valid", file=sys.stderr)
    if hidden:
        print(f"kb check: {hidden} more in other files; run kb check without --changed-since "
              "to see them", file=sys.stderr)
    return 1 if failed else 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "check", help="validate the catalogue and content",
        description="Validate catalogue/ and content/: YAML syntax, fields, ids, anchors, "
                    "version ranges, references and DocFX Markdown. Prints every problem as "
                    "path:line:col: severity: subject: message; suggestion, sorted. "
                    "Exit status 1 when there is an error (or, with --strict, a warning).",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--format", choices=["text", "github"], default="text",
                        help="'github' prints GitHub Actions annotations")
    parser.add_argument("--changed-since", metavar="REF",
                        help="report only problems in files changed since the git revision "
                             "REF (committed, staged, unstaged or new), e.g. origin/main; the "
                             "exit status counts only those")
    parser.set_defaults(handler=run)
