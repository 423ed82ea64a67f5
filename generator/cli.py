"""CLI: the `kb` command; each subcommand calls one library function.

Input: command-line arguments; output: text on stdout/stderr and an exit status
(0 success, 1 problems found, 2 usage error). One handler prints `error: ...`;
`--debug` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml.error import ReusedAnchorWarning

from .core.diagnostics import DiagnosticError, Diagnostics
from .core.parallel import default_jobs
from .core.project import Project, ProjectError

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


def command_modules() -> list[Any]:
    """The modules of generator.commands, in their ORDER."""
    from . import commands

    modules = [importlib.import_module(f"{commands.__name__}.{info.name}")
               for info in pkgutil.iter_modules(commands.__path__)]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 50), m.__name__))


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
    for module in command_modules():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # YAML lets a file define an anchor name again (an alias means the latest); ruamel.yaml's
    # round-trip reader (kb fmt, kb rename) says so as a Python warning, with its own
    # source line: noise, not a diagnostic.
    warnings.filterwarnings("ignore", category=ReusedAnchorWarning)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        default_jobs()  # a bad KB_JOBS is a usage error of every command, found before work
    except ValueError as err:
        print(f"kb {args.command}: error: {err}", file=sys.stderr)
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
    except BrokenPipeError:
        # The reader went away (e.g. `kb lookup ... | head`): stop quietly, as `cat` does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as err:
        if args.debug:
            traceback.print_exc()
        else:
            print(f"error: {err.__class__.__name__}: {err} (retry with --debug for the traceback)",
                  file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
