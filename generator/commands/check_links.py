"""kb check-links: check every link and anchor of the built site, in every version."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..cli import UsageError, print_diagnostics
from ..core.diagnostics import DiagnosticError, Diagnostics
from ..core.project import Project

ORDER = 25
DEFAULT_CACHE = "build/external-links.json"


def run(args: argparse.Namespace, project: Project) -> int:
    from ..core.project import site_settings
    from ..features.links.report import external_diagnostics, trace
    from ..features.links.site import Options, check_site
    site = Path(args.site).resolve() if args.site else project.site
    if not site.is_dir():
        raise UsageError(f"{project.rel(site)} is not a folder; build the site first (kb build)")
    site_url = args.site_url
    if site_url is None:
        try:
            site_url = str(site_settings(project).get("site_url") or "")
        except DiagnosticError:
            site_url = ""
    report = check_site(site, Options(site_url=site_url, jobs=args.jobs))
    diagnostics = Diagnostics()
    for traced in trace(report, site, project):
        use_source = args.format == "github" and traced.source is not None
        diagnostics.items.append(traced.source if use_source and traced.source
                                 else traced.built)
    if args.external:
        from ..features.links.external import (  # networking: on demand
            ExternalOptions,
            check_external,
        )

        cache = None if args.no_cache else project.root / (args.cache or DEFAULT_CACHE)
        results = check_external(
            (use.url for use in report.external),
            ExternalOptions(args.concurrency, args.timeout, cache, args.cache_ttl * 3600))
        diagnostics.extend(external_diagnostics(results, report, project, site).items)
    else:
        for use in report.external:
            print(use.url)
    print_diagnostics(diagnostics, args.format)
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    versions = len(report.versions)
    external = len(report.external)
    state = "no problems" if not diagnostics else (
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}")
    fetched = ("checked" if args.external else
               "listed on stdout, not fetched (--external checks them)")
    print(f"kb check-links: {report.pages:,} pages in {versions} version"
          f"{'s' if versions != 1 else ''}, {report.links:,} links ({report.internal:,} "
          f"internal, {report.fragments:,} with a #fragment), {external:,} external URLs "
          f"{fetched}: {state}", file=sys.stderr)
    return 1 if diagnostics.fails(strict=args.strict) else 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "check-links", help="check every link and anchor of the built site",
        description="Check the built HTML of every version: each internal href, src and "
                    "#fragment must land on a file and an element with that id (or <a name>) "
                    "in the same version; also versions.json, the root redirect, alias "
                    "redirects, sitemaps and search indexes. External links are listed on "
                    "stdout, and fetched only with --external. Problems are printed as "
                    "path:line:col: severity: subject: message; suggestion, naming the "
                    "built page and the catalogue or content line the link came from.",
    )
    parser.add_argument("site", nargs="?", metavar="SITE",
                        help="the built site folder (default: site/)")
    parser.add_argument("--site-url", metavar="URL",
                        help="the site's public URL, whose links are checked as local files "
                             "(default: site_url of mkdocs.yml)")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--format", choices=["text", "github"], default="text",
                        help="'github' prints GitHub Actions annotations on the source lines")
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="processes that parse pages (default: $KB_JOBS, else one per "
                             "CPU)")
    external = parser.add_argument_group("external links (fetched only with --external)")
    external.add_argument("--external", action="store_true",
                          help="fetch every external URL (HEAD, then GET if refused)")
    external.add_argument("--concurrency", type=int, default=8, metavar="N",
                          help="requests in flight at most (default: 8; 2 per host)")
    external.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                          help="time to wait for an answer (default: 10)")
    external.add_argument("--cache", metavar="FILE",
                          help=f"results reused between runs (default: {DEFAULT_CACHE})")
    external.add_argument("--cache-ttl", type=float, default=24.0, metavar="HOURS",
                          help="reuse a success for this long (default: 24)")
    external.add_argument("--no-cache", action="store_true", help="neither read nor write it")
    parser.set_defaults(handler=run)
