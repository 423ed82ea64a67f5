"""kb schema: regenerate the JSON Schemas that editors use."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..core.project import Project

ORDER = 90


def run(args: argparse.Namespace, project: Project) -> int:
    from ..authoring.fieldref import write_reference
    from ..authoring.schema import write_schemas
    from ..catalogue.validate import project_products
    stale = write_schemas(project, check=args.check)
    # The field reference in CONTRIBUTING.md comes from the same field definitions.
    reference = write_reference(project.root, project_products(project), check=args.check)
    if reference is not None:
        stale.append(reference)
    if args.check and stale:
        for path in stale:
            print(f"{project.rel(path)}: out of date; run kb schema", file=sys.stderr)
        return 1
    for path in stale:
        print(f"wrote {project.rel(path)}")
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "schema", help="regenerate the JSON Schemas for editors",
        description="Write catalogue/_schema/*.schema.json from the catalogue's field "
                    "definitions and the monikers in products.yml, and the field "
                    "reference in CONTRIBUTING.md from the same definitions.",
    )
    parser.add_argument("--check", action="store_true",
                        help="only report schemas or the field reference that are out of date "
                             "(exit 1)")
    parser.set_defaults(handler=run)
