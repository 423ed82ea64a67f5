"""kb serve: preview one version on 127.0.0.1, rebuilt and reloaded on every change."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.project import Project
from ..site.engines import ENGINES

ORDER = 25


def run(args: argparse.Namespace, project: Project) -> int:
    from ..features.registry import FEATURES  # imported here: `kb` starts fast
    from ..site.serve import default_version, serve

    return serve(project, FEATURES, args.version or default_version(project), args.port,
                 engine=args.engine)


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "serve", help="preview one version with live reload",
        description="Build one version (the default one, or --version) into "
                    "build/serve/, serve it on 127.0.0.1, and rebuild and reload open pages "
                    "when a file of catalogue/, content/, overrides/ or mkdocs.yml changes. "
                    "A rebuild renders only the pages that changed; the search index "
                    "follows a moment later. Bad input prints its problems, shows them over "
                    "every served page, and the last good build stays served until it is "
                    "fixed. site/ is not touched; build/serve/ is kept, so the next kb "
                    "serve starts from it.",
    )
    parser.add_argument("--version", metavar="MONIKER",
                        help="the version to preview, a moniker or alias (default: the "
                             "default version of products.yml)")
    parser.add_argument("--port", type=int, default=8000,
                        help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    parser.add_argument("--engine", choices=sorted(ENGINES),
                        help="the site engine, instead of the one mkdocs.yml chooses "
                             "(extra.kb.engine; default: mkdocs)")
    parser.set_defaults(handler=run)
