"""Schema: JSON Schemas for editors, generated from the catalogue's field specs.

Input: the specs in `fields` and the monikers of products.yml; output:
catalogue/_schema/{products,topic,entry}.schema.json (written only by `kb schema`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..catalogue.fields import FORMATS
from ..catalogue.validate import project_products
from ..core.project import Project
from ..core.versions import Products

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def schema_for(kind: str, products: Products | None) -> dict[str, Any]:
    """The JSON Schema of one file format; ranges are checked against the monikers."""
    body = FORMATS[kind].schema(products)
    return {
        "$schema": SCHEMA_URI,
        "$id": f"{kind}.schema.json",
        **body,
    }


def render_schemas(products: Products | None) -> dict[str, str]:
    """File name -> JSON text, deterministic."""
    return {
        f"{kind}.schema.json": json.dumps(schema_for(kind, products), indent=2,
                                          ensure_ascii=False) + "\n"
        for kind in FORMATS
    }


def write_schemas(project: Project, check: bool = False) -> list[Path]:
    """Write the schemas that differ; with `check`, only list them."""
    products = project_products(project)
    stale = []
    for name, text in render_schemas(products).items():
        path = project.schema_dir / name
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return stale
