"""kb check: validate the catalogue and content without building."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..cli import print_diagnostics, summary
from ..diagnostics import Diagnostics
from ..project import Project
from ..validate import load_catalogue

ORDER = 10


def run(args: argparse.Namespace, project: Project) -> int:
    diagnostics = Diagnostics()
    load_catalogue(project, diagnostics)
    print_diagnostics(diagnostics, args.format)
    failed = diagnostics.fails(strict=args.strict)
    if diagnostics or failed:
        print(f"kb check: {summary(diagnostics)}", file=sys.stderr)
    else:
        print("kb check: catalogue is valid", file=sys.stderr)
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
    parser.set_defaults(handler=run)
