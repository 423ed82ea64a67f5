"""kb render: write the generated Markdown of each version, for inspection."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..cli import UsageError
from ..core.diagnostics import DiagnosticError, Diagnostics
from ..core.project import Project
from ..core.versions import moniker_hint

ORDER = 30


def run(args: argparse.Namespace, project: Project) -> int:
    from ..features.registry import FEATURES
    from ..site.build import write_tree
    from ..site.checks import load_checked
    from ..site.trees import render_trees
    diagnostics = Diagnostics()
    catalogue = load_checked(project, diagnostics, FEATURES)
    if catalogue is None:
        raise DiagnosticError(diagnostics.sorted())
    monikers = None
    if args.version:
        moniker = catalogue.products.resolve_alias(args.version)
        if moniker is None:
            raise UsageError(f"unknown version '{args.version}'; "
                             + moniker_hint(args.version, catalogue.products.names))
        monikers = [moniker]
    trees, problems = render_trees(project, catalogue, FEATURES, monikers)
    if problems.has_errors():
        raise DiagnosticError(problems.sorted())
    out = Path(args.out)
    for tree in trees:
        write_tree(tree, out / tree.moniker)
        print(f"{out / tree.moniker}/ ({len(tree.files)} files)")
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "render", help="write the generated Markdown of each version (for inspection)",
        description="Write the Markdown tree MkDocs would build, one folder per version.",
    )
    parser.add_argument("--out", default="build/render", metavar="DIR",
                        help="output folder (default: build/render)")
    parser.add_argument("--version", metavar="MONIKER", help="only this version (or alias)")
    parser.set_defaults(handler=run)
