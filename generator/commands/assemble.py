"""kb assemble: merge versions built apart (`kb build --only`) into site/."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..core.project import Project

ORDER = 21


def run(args: argparse.Namespace, project: Project) -> int:
    from ..features.registry import FEATURES
    from ..site.build import assemble_parts
    # The folder holding the site is resolved, not the site: it is a link to replace.
    site = (Path(args.site_dir).parent.resolve() / Path(args.site_dir).name
            if args.site_dir else None)
    assemble_parts(project, FEATURES, [Path(p) for p in args.parts], site_dir=site)
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "assemble", help="merge versions built apart into site/",
        description="Merge the parts that `kb build --only VERSION` wrote (one folder per "
                    "version, e.g. one per CI job) into site/: every version of products.yml "
                    "once, versions.json, the root redirect and the aliases, then the "
                    "site-wide files, exactly as `kb build` makes them. Each part must be "
                    "built from the same sources as this checkout. site/ is replaced in one "
                    "step; on a problem it stays as it was.",
    )
    parser.add_argument("parts", nargs="+", metavar="DIR",
                        help="a folder written by `kb build --only VERSION`")
    parser.add_argument("--site-dir", metavar="DIR",
                        help="write the site here instead of site/")
    parser.set_defaults(handler=run)
