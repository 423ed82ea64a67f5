"""CLI: the `kb` command; each subcommand calls one library function.

Input: command-line arguments; output: text on stdout/stderr and an exit status
(0 success, 1 problems found, 2 usage error). One handler prints `error: ...`;
`--debug` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from .diagnostics import DiagnosticError, Diagnostics
from .project import Project, ProjectError

Handler = Callable[[argparse.Namespace, Project], int]


class UsageError(Exception):
    """Bad arguments: exit status 2."""


def print_diagnostics(diagnostics: Diagnostics | DiagnosticError, fmt: str = "text") -> None:
    items = diagnostics.diagnostics if isinstance(diagnostics, DiagnosticError) \
        else diagnostics.sorted()
    for item in items:
        print(item.format_github() if fmt == "github" else item.format(), file=sys.stderr)


def summary(diagnostics: Diagnostics) -> str:
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    return (f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}")


def cmd_check(args: argparse.Namespace, project: Project) -> int:
    from .validate import load_catalogue

    diagnostics = Diagnostics()
    load_catalogue(project, diagnostics)
    print_diagnostics(diagnostics, args.format)
    failed = diagnostics.fails(strict=args.strict)
    if diagnostics or failed:
        print(f"kb check: {summary(diagnostics)}", file=sys.stderr)
    else:
        print("kb check: catalogue is valid", file=sys.stderr)
    return 1 if failed else 0


def cmd_build(args: argparse.Namespace, project: Project) -> int:
    from .build import build_site

    site = Path(args.site_dir).resolve() if args.site_dir else None
    build_site(project, jobs=args.jobs, force=args.force, site_dir=site)
    return 0


def cmd_render(args: argparse.Namespace, project: Project) -> int:
    from .build import render_trees, write_tree
    from .validate import load_catalogue

    diagnostics = Diagnostics()
    catalogue = load_catalogue(project, diagnostics)
    if catalogue is None:
        raise DiagnosticError(diagnostics.sorted())
    monikers = None
    if args.version:
        moniker = catalogue.products.resolve_alias(args.version)
        if moniker is None:
            raise UsageError(f"unknown version '{args.version}'; "
                             f"choose one of: {', '.join(catalogue.products.names)}")
        monikers = [moniker]
    trees, problems = render_trees(project, catalogue, monikers)
    if problems.has_errors():
        raise DiagnosticError(problems.sorted())
    out = Path(args.out)
    for tree in trees:
        write_tree(tree, out / tree.moniker)
        print(f"{out / tree.moniker}/ ({len(tree.files)} files)")
    return 0


def cmd_schema(args: argparse.Namespace, project: Project) -> int:
    from .schema import write_schemas

    stale = write_schemas(project, check=args.check)
    if args.check and stale:
        for path in stale:
            print(f"{path}: out of date; run kb schema", file=sys.stderr)
        return 1
    for path in stale:
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kb",
        description=(
            "Troubleshooting knowledge base generator: validates the YAML error "
            "catalogue and builds one MkDocs + Material site per product version."
        ),
        epilog="Run 'kb COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--root", metavar="DIR",
                        help="repository root (default: the folder holding mkdocs.yml "
                             "and catalogue/, searched upwards from here)")
    parser.add_argument("--debug", action="store_true",
                        help="show a traceback when a command fails unexpectedly")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check", help="validate the catalogue and content",
        description="Validate catalogue/ and content/: YAML syntax, fields, ids, anchors, "
                    "version ranges, references and DocFX Markdown. Prints every problem as "
                    "path:line:col: severity: subject: message; suggestion, sorted.",
    )
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--format", choices=["text", "github"], default="text",
                       help="'github' prints GitHub Actions annotations")
    check.set_defaults(handler=cmd_check)

    build = sub.add_parser(
        "build", help="build the site for every version into site/",
        description="Validate, render one Markdown tree per version, build each with MkDocs "
                    "(in parallel; unchanged versions are reused), then replace site/ in one "
                    "step. A failed build leaves the previous site/ as it was.",
    )
    build.add_argument("-j", "--jobs", type=int, metavar="N",
                       help="parallel MkDocs builds (default: number of CPUs)")
    build.add_argument("--force", action="store_true",
                       help="rebuild every version, even unchanged ones")
    build.add_argument("--site-dir", metavar="DIR", help="write the site here instead of site/")
    build.set_defaults(handler=cmd_build)

    render = sub.add_parser(
        "render", help="write the generated Markdown of each version (for inspection)",
        description="Write the Markdown tree MkDocs would build, one folder per version.",
    )
    render.add_argument("--out", default="build/render", metavar="DIR",
                        help="output folder (default: build/render)")
    render.add_argument("--version", metavar="MONIKER", help="only this version (or alias)")
    render.set_defaults(handler=cmd_render)

    schema = sub.add_parser(
        "schema", help="regenerate the JSON Schemas for editors",
        description="Write catalogue/_schema/*.schema.json from the catalogue's field "
                    "definitions and the monikers in products.yml.",
    )
    schema.add_argument("--check", action="store_true",
                        help="only report schemas that are out of date (exit 1)")
    schema.set_defaults(handler=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        project = Project(Path(args.root).resolve()) if args.root else Project.find()
        if args.root and not project.mkdocs_yml.is_file():
            raise ProjectError(f"{project.root} has no mkdocs.yml; is --root the repository?")
        handler: Handler = args.handler
        return handler(args, project)
    except DiagnosticError as err:
        print_diagnostics(err, getattr(args, "format", "text"))
        count = len(err.diagnostics)
        print(f"kb {args.command}: failed with {count} problem{'s' if count != 1 else ''}",
              file=sys.stderr)
        return 1
    except UsageError as err:
        print(f"kb {args.command}: error: {err}", file=sys.stderr)
        return 2
    except ProjectError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kb: interrupted", file=sys.stderr)
        return 130
    except Exception as err:
        if args.debug:
            traceback.print_exc()
        else:
            print(f"error: {err.__class__.__name__}: {err} (retry with --debug for the traceback)",
                  file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
