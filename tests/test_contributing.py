"""The contributor's path: CONTRIBUTING.md, editor schemas, PR checks, pre-commit hooks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator.authoring.fieldref import BEGIN, END, render_reference, splice
from generator.catalogue.fields import FORMATS, ListOf, Obj, Spec
from generator.catalogue.load import read_yaml
from generator.catalogue.validate import build_products
from generator.cli import build_parser
from generator.core.diagnostics import Diagnostics
from tests.conftest import ROOT
from tests.helpers_cli import fixture_repo, kb

CONTRIBUTING = ROOT / "CONTRIBUTING.md"


def shipped_products() -> object:
    diagnostics = Diagnostics()
    doc = read_yaml(ROOT / "catalogue" / "products.yml", "products.yml", diagnostics)
    assert doc is not None
    return build_products(doc, diagnostics)


def test_field_reference_is_current() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    expected = splice(text, render_reference(shipped_products()))  # type: ignore[arg-type]
    assert expected is not None, f"{BEGIN} ... {END} markers are missing"
    assert text == expected, "the field reference in CONTRIBUTING.md is stale; run kb schema"


def objects(spec: Spec) -> list[Obj]:
    if isinstance(spec, ListOf):
        return objects(spec.item)
    if isinstance(spec, Obj):
        return [spec, *(o for f in spec.fields for o in objects(f.spec))]
    return []


def test_field_reference_lists_every_field_of_every_format() -> None:
    block = render_reference(None)
    for root in FORMATS.values():
        for obj in objects(root):
            section = block.split(f"#### `{obj.name}`", 1)[1].split("####", 1)[0]
            for field in obj.fields:
                assert f"| `{field.name}` |" in section, (obj.name, field.name)


def test_schema_check_reports_a_stale_reference(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    assert kb("schema", cwd=repo).code == 0
    (repo / "CONTRIBUTING.md").write_text(f"# Contributing\n\n{BEGIN}\nold\n{END}\n")
    run = kb("schema", "--check", cwd=repo)
    assert (run.code, run.stderr) == (1, "CONTRIBUTING.md: out of date; run kb schema\n")
    assert kb("schema", cwd=repo).stdout == "wrote CONTRIBUTING.md\n"
    text = (repo / "CONTRIBUTING.md").read_text()
    assert "`demo-1`, `demo-2`, `demo-3`" in text
    assert kb("schema", "--check", cwd=repo).code == 0


def test_every_command_the_guide_names_exists() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    verbs = set(re.findall(r"\bkb ([a-z][a-z-]+)", text))
    parser = build_parser()
    known = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert {"new", "check", "fmt", "serve", "import", "schema"} <= verbs
    assert verbs <= known, verbs - known


def catalogue_files() -> list[Path]:
    files = sorted((ROOT / "catalogue").glob("*/*.yml"))
    return [f for f in files if not f.parent.name.startswith("_")]


@pytest.mark.parametrize("path", catalogue_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_catalogue_file_points_editors_at_its_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    kind = "topic" if path.name == "_topic.yml" else "entry"
    assert first == f"# yaml-language-server: $schema=../_schema/{kind}.schema.json"
    assert (path.parent / f"../_schema/{kind}.schema.json").resolve().is_file()


def load_yaml(path: Path) -> object:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_pull_request_workflow_runs_the_checks_and_uploads_the_site() -> None:
    flows = [load_yaml(p) for p in sorted((ROOT / ".github" / "workflows").glob("*.yml"))]
    pull_requests = [f for f in flows if isinstance(f, dict) and "pull_request" in f["on"]]
    assert len(pull_requests) == 1
    flow = pull_requests[0]
    steps = flow["jobs"]["check"]["steps"]
    runs = " ".join(str(s.get("run", "")) for s in steps)
    for command in ("kb check --strict --format github", "--changed-since", "--base origin/",
                    "kb fmt --check", "kb schema --check", "kb build", "./dev test"):
        assert command in runs, command
    python = next(s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.11"
    assert python["with"]["cache"] == "pip"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "site/"
    assert flow["jobs"]["check"]["runs-on"] == "ubuntu-latest"


def test_pre_commit_hooks_run_the_same_checks() -> None:
    offered = load_yaml(ROOT / ".pre-commit-hooks.yaml")
    local = load_yaml(ROOT / ".pre-commit-config.yaml")
    assert isinstance(offered, list) and isinstance(local, dict)
    hooks = local["repos"][0]["hooks"]
    assert [h["id"] for h in offered] == [h["id"] for h in hooks] == [
        "kb-fmt", "kb-check", "kb-schema"]
    for offer, hook in zip(offered, hooks, strict=True):
        assert hook["entry"] == ".venv/bin/" + offer["entry"]
        assert re.search(offer["files"], "catalogue/demo/disk-full.yml") or \
            offer["id"] == "kb-schema"


def test_pull_request_template_has_the_reviewers_checklist() -> None:
    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = re.findall(r"^- \[ \] (.+)$", text, re.MULTILINE)
    assert len(items) >= 5
    assert any("aliases" in item for item in items)
    assert any("kb check --strict" in item for item in items)


@pytest.mark.parametrize("name", ["README.md", "CONTRIBUTING.md", "generator/README.md"])
def test_guides_have_no_placeholder_left(name: str) -> None:
    """A line that is one capitalised word alone ("FIGURES") is a placeholder that was
    never filled in."""
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    left = [f"{name}:{number}: {line}" for number, line in enumerate(lines, 1)
            if re.fullmatch(r"\s*(TODO|TBD|FIXME|XXX|[A-Z]{4,}(_[A-Z]+)*)\s*", line)]
    assert left == []
