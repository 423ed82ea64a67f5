"""kb build: build every version of the site into site/, or one version as a part."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..core.project import Project
from ..site.engines import ENGINES

ORDER = 20


def run(args: argparse.Namespace, project: Project) -> int:
    if args.list_versions:
        from ..catalogue.validate import project_products
        products = project_products(project)
        if products is None:
            from ..core.diagnostics import DiagnosticError, Diagnostics, Loc
            problem = Diagnostics()
            problem.error(Loc(project.rel(project.products_yml)), "products",
                          "products.yml is missing or invalid", "run kb check")
            raise DiagnosticError(problem.items)
        print(json.dumps(list(products.names)))
        return 0
    from ..features.registry import FEATURES
    from ..site.build import build_site
    # The folder holding the site is resolved, not the site: it is a link to replace.
    site = (Path(args.site_dir).parent.resolve() / Path(args.site_dir).name
            if args.site_dir else None)
    build_site(project, FEATURES, jobs=args.jobs, force=args.force, site_dir=site,
               only=args.only, engine=args.engine)
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "build", help="build the site for every version into site/",
        description="Validate, render one Markdown tree per version, build each with the "
                    "site engine (MkDocs + Material for MkDocs, or Zensical; in parallel), then "
                    "replace site/ in one step. A failed build leaves "
                    "the previous site/ as it was. Work is kept in build/ and reused: each "
                    "distinct block of Markdown is converted once, an unchanged version is "
                    "reused whole, a changed one renders only its changed pages, and with "
                    "nothing changed since the last build nothing is done. With --only, one "
                    "version is built as a part (its folder and kb-part.json) for "
                    "`kb assemble`, e.g. one CI job per version. The theme's compiled "
                    "templates are kept in build/cache/templates/, or in the folder "
                    "$KB_TEMPLATE_CACHE names, shared by every repository built with it.",
    )
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="parallel processes (default: $KB_JOBS, else one per CPU)")
    parser.add_argument("--force", action="store_true",
                        help="rebuild every version from scratch, reusing nothing in build/ "
                             "(compiled templates in $KB_TEMPLATE_CACHE are still used)")
    parser.add_argument("--only", metavar="VERSION",
                        help="build this version alone, as a part for `kb assemble` (written "
                             "to build/parts/VERSION/ unless --site-dir is given)")
    parser.add_argument("--site-dir", metavar="DIR",
                        help="write the site (or with --only, the part) here instead of "
                             "site/")
    parser.add_argument("--engine", choices=sorted(ENGINES),
                        help="the site engine for this build, instead of the one mkdocs.yml "
                             "chooses (extra.kb.engine; default: mkdocs, i.e. MkDocs + "
                             "Material for MkDocs)")
    parser.add_argument("--list-versions", action="store_true",
                        help="print the versions of products.yml as a JSON list (for a CI "
                             "matrix) and build nothing")
    parser.set_defaults(handler=run)
