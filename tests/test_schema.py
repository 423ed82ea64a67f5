"""The JSON Schema for editors agrees with the validator, file by file."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema
import pytest

from generator.authoring.schema import render_schemas, schema_for
from generator.catalogue.fields import ENTRY, INVALID, Ctx, node_loc
from generator.catalogue.load import read_yaml
from generator.catalogue.validate import build_products
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.core.versions import Products
from tests.conftest import FIXTURES, ROOT

MINIMAL = FIXTURES / "catalogues" / "minimal"


def entry_files() -> list[Path]:
    """Every entry file the fixtures and the shipped catalogue hold."""
    files = sorted((FIXTURES / "check").glob("*/catalogue/*/*.yml"))
    files += sorted(MINIMAL.glob("catalogue/*/*.yml"))
    files += sorted((ROOT / "catalogue").glob("*/*.yml"))
    return [f for f in files if f.name != "_topic.yml"]


@functools.cache
def products_of(products_yml: Path) -> Products:
    """The products a products.yml defines (read once: each test only reads them)."""
    diagnostics = Diagnostics()
    products_doc = read_yaml(products_yml, "products.yml", diagnostics)
    assert products_doc is not None
    products = build_products(products_doc, diagnostics)
    assert products is not None and not diagnostics.has_errors()
    return products


@functools.cache
def schema_validator(products_yml: Path) -> jsonschema.Draft202012Validator:
    """The editors' entry schema for those products, itself checked against its metaschema."""
    schema = schema_for("entry", products_of(products_yml))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validator_accepts(path: Path, products_yml: Path) -> bool:
    diagnostics = Diagnostics()
    products = products_of(products_yml)
    doc = read_yaml(path, path.name, diagnostics)
    if doc is None:
        return False
    ctx = Ctx(diagnostics, products, "entry", lines=doc.lines)
    result = ENTRY.check(doc.node, node_loc(doc.path, doc.node), ctx)
    return result is not INVALID and not diagnostics.has_errors()


def schema_accepts(path: Path, products_yml: Path) -> bool:
    from ruamel.yaml import YAML

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except Exception:
        return False
    errors = schema_validator(products_yml).iter_errors(json.loads(json.dumps(data, default=str)))
    return next(errors, None) is None


def products_for(path: Path) -> Path:
    if (ROOT / "catalogue") in path.parents:
        return ROOT / "catalogue" / "products.yml"
    return MINIMAL / "catalogue" / "products.yml"


# Scenarios only the validator can judge: a regular expression can't tell whether a range
# selects no version, so editors accept what kb check rejects.
SCHEMA_CANNOT_SEE = ("empty_range", "empty_range_lenient")


@pytest.mark.parametrize("path", entry_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_and_validator_agree(path: Path) -> None:
    products = products_for(path)
    if path.parent.parent.parent.name in SCHEMA_CANNOT_SEE:
        assert (schema_accepts(path, products), validator_accepts(path, products)) == (
            True, False)
        return
    assert schema_accepts(path, products) == validator_accepts(path, products)


def test_the_comparison_covers_both_outcomes() -> None:
    verdicts = [validator_accepts(p, products_for(p)) for p in entry_files()]
    assert verdicts.count(True) >= 5
    assert verdicts.count(False) >= 8


def test_committed_schemas_are_current() -> None:
    project = Project(ROOT)
    diagnostics = Diagnostics()
    doc = read_yaml(project.products_yml, "products.yml", diagnostics)
    assert doc is not None
    expected = render_schemas(build_products(doc, diagnostics))
    for name, text in expected.items():
        path = project.schema_dir / name
        assert path.read_text(encoding="utf-8") == text, f"{name} is stale; run kb schema"


@pytest.mark.parametrize(("text", "valid"), [
    (">= tfs-2015", True),
    (">=TFS-2015<azure-devops", True),
    ("<= tfs-2018 || azure-devops", True),
    ("tfs-2015 tfs-2017", True),
    ("tfs2018", False),
    ("tfs-2015tfs-2017", False),
    (">= ", False),
    ("tfs-2015 ||", False),
    ("latest", False),
])
def test_range_pattern_follows_the_grammar(text: str, valid: bool) -> None:
    project = Project(ROOT)
    diagnostics = Diagnostics()
    doc = read_yaml(project.products_yml, "products.yml", diagnostics)
    assert doc is not None
    schema = schema_for("entry", build_products(doc, diagnostics))
    pattern = schema["properties"]["applies_to"]["anyOf"][0]["pattern"]
    import re

    assert bool(re.search(pattern, text)) is valid
