"""The shared lookup vectors: the Python and JavaScript matchers give the same results."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.catalogue.model import Catalogue
from generator.catalogue.resolve import resolve
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.lookup.index import build_index
from generator.features.lookup.match import Matcher, read_pasted
from generator.features.lookup.pattern import normalise_line
from generator.features.registry import FEATURES
from generator.site.checks import load_checked
from tests.conftest import FIXTURES, ROOT
from tests.helpers_cli import fixture_repo

VECTORS = json.loads((ROOT / "tests" / "vectors" / "lookup.json").read_text(encoding="utf-8"))
RUNNER = ROOT / "tests" / "js" / "lookup_run.js"
NEW_ENTRY = "https://example.org/new?title={title}&body={body}&v={version}"


def load(root: Path) -> Catalogue:
    diagnostics = Diagnostics()
    catalogue = load_checked(Project(root), diagnostics, FEATURES, markdown=False, jobs=1)
    assert catalogue is not None, [d.format() for d in diagnostics.sorted()]
    return catalogue


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory,
            snapshot_repo: Path) -> dict[str, dict[str, Any]]:
    """The index of every (catalogue, version) the vectors name, built as the site does."""
    fixture = fixture_repo(tmp_path_factory.mktemp("vectors"), FIXTURES / "lookup" / "vectors")
    catalogues = {"snapshot": load(snapshot_repo), "fixture": load(fixture)}
    out = {}
    for case in VECTORS["lookups"]:
        name = f"{case['catalogue']}/{case['version']}"
        if name not in out:
            catalogue = catalogues[case["catalogue"]]
            out[name] = build_index(catalogue, resolve(catalogue, case["version"]),
                                    case["version"], NEW_ENTRY)
    return out


def run_js(request: dict[str, Any]) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "node is required for the lookup tests"
    proc = subprocess.run([node, str(RUNNER)], input=json.dumps(request), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def python_lookups(indexes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    matchers = {name: Matcher(index) for name, index in indexes.items()}
    return [matchers[f"{c['catalogue']}/{c['version']}"].lookup(c["input"]).as_json()
            for c in VECTORS["lookups"]]


@pytest.fixture(scope="module")
def js_lookups(indexes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    queries = [{"index": f"{c['catalogue']}/{c['version']}", "input": c["input"]}
               for c in VECTORS["lookups"]]
    lookups: list[dict[str, Any]] = run_js({"indexes": indexes, "queries": queries})["lookups"]
    return lookups


def check(case: dict[str, Any], found: dict[str, Any]) -> None:
    entries = [r["entry"] for r in found["results"]]
    if case["catalogue"] == "snapshot" and case["expected"]:
        # Of the shipped knowledge base, the results must begin with the expected ones.
        entries = entries[:len(case["expected"])]
    assert entries == case["expected"]
    if "first" in case:
        first = found["results"][0]
        got = {"kind": first["kind"], "line": first["line"], "end_line": first["end_line"],
               "cause": first["cause"]["id"] if first["cause"] else None,
               "values": first["values"]}
        assert got == case["first"]


CASES = [pytest.param(i, id=c["name"]) for i, c in enumerate(VECTORS["lookups"])]


@pytest.mark.parametrize("number", CASES)
def test_python_matcher(number: int, indexes: dict[str, dict[str, Any]]) -> None:
    case = VECTORS["lookups"][number]
    index = indexes[f"{case['catalogue']}/{case['version']}"]
    check(case, Matcher(index).lookup(case["input"]).as_json())


@pytest.mark.parametrize("number", CASES)
def test_javascript_matcher(number: int, js_lookups: list[dict[str, Any]]) -> None:
    check(VECTORS["lookups"][number], js_lookups[number])


def test_both_matchers_agree_on_every_detail(indexes: dict[str, dict[str, Any]],
                                             js_lookups: list[dict[str, Any]]) -> None:
    # Scores, lines, values, causes and the "propose a new entry" link, not only the ids.
    assert js_lookups == python_lookups(indexes)


def test_text_read_once_finds_what_each_version_finds_alone(
        indexes: dict[str, dict[str, Any]]) -> None:
    """One reading of the text (read_pasted), looked up in every version's index (as kb
    lookup looks in the other versions), gives what each lookup of the text itself gives,
    with the lines before it that were left out counted alike."""
    for case in VECTORS["lookups"]:
        for dropped in (0, 7):
            pasted = read_pasted(case["input"], dropped)
            for index in indexes.values():
                assert Matcher(index).lookup(pasted, 3) == \
                    Matcher(index).lookup(case["input"], 3, dropped)


def test_the_vectors_cover_every_kind_of_match() -> None:
    kinds = {c["first"]["kind"] for c in VECTORS["lookups"] if "first" in c}
    assert kinds == {"exact", "pattern", "code", "fuzzy"}
    assert any(not c["expected"] for c in VECTORS["lookups"])


@pytest.mark.parametrize("number", range(len(VECTORS["normalise"])))
def test_normalisation_is_the_same_in_both(number: int) -> None:
    case = VECTORS["normalise"][number]
    line = normalise_line(case["input"])
    python = {"text": line.text, "values": list(line.values),
              "raw_words": list(line.raw_words), "prefixed": line.prefixed}
    [js] = run_js({"normalise": [case["input"]]})["normalised"]
    expected = {k: case[k] for k in ("text", "values", "raw_words", "prefixed")}
    assert python == expected
    assert js == expected
