"""kb build: build every version of the site into site/."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..core.project import Project

ORDER = 20


def run(args: argparse.Namespace, project: Project) -> int:
    from ..features.registry import FEATURES
    from ..site.build import build_site
    site = Path(args.site_dir).resolve() if args.site_dir else None
    build_site(project, FEATURES, jobs=args.jobs, force=args.force, site_dir=site)
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "build", help="build the site for every version into site/",
        description="Validate, render one Markdown tree per version, build each with MkDocs "
                    "(in parallel; unchanged versions are reused), then replace site/ in one "
                    "step. A failed build leaves the previous site/ as it was.",
    )
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="parallel processes (default: number of CPUs)")
    parser.add_argument("--force", action="store_true",
                        help="rebuild every version, even unchanged ones")
    parser.add_argument("--site-dir", metavar="DIR",
                        help="write the site here instead of site/")
    parser.set_defaults(handler=run)
