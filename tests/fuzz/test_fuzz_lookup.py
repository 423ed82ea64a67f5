"""Fuzzing lookup input: logs made of real messages, decorations, variable parts, markers,
control and astral characters, line breaks of every kind.

Properties: the Python matcher never raises, gives the same answer twice, and reports
lines that exist in the input; the JavaScript matcher (the page's, in node) gives exactly
the same answers; the segment search finds exactly what the template's regular expression
finds, on any template and text.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.catalogue.resolve import resolve
from generator.features.lookup.index import build_index
from generator.features.lookup.match import Matcher, Search
from generator.features.lookup.pattern import (
    GUID,
    MASK,
    NUMBER,
    P_ANY,
    P_GUID,
    P_INT,
    P_PATH,
    P_QUOTED,
    P_URL,
    PATH,
    URL,
    ascii_lower,
    plan,
    regex_source,
    split_lines,
)
from tests.conftest import FIXTURES
from tests.fuzz.conftest import count, examples
from tests.helpers_cli import fixture_repo
from tests.test_lookup_vectors import load, run_js

SENT: list[str] = []  # inputs the JavaScript matcher is asked about, after the Python run
FRAGMENTS = [
    "2025-03-12T09:41:07.2231846Z ", "##[error]", "##[warning]", "##vso[task.logissue]",
    "\x1b[31m", "\x1b[0m", "\x1b]8;;x\x07", "ERROR: ", "[error] ", "error:", "AADSTS7000215",
    "Invalid client secret provided.", "No space left on device", "Request timed out after",
    "30", "seconds", "Login failed for user", "'admin'", "404", "500", "HTTP", "status",
    "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "https://example.org/a?b=1", "/home/vsts/work/1",
    "C:\\agent\\_work\\1", "deadbeefdeadbeef00", "***", "12:34:56", "1,234.5", " ", "  ",
    "\t", "\n", "\r\n", "\r", "\u2028", "\x85", "\x00", "\ufeff", "\u200b", "😀", "é",
    "\ue001", "\ue010", "'", '"', "`", "‘", "“", "://", ":\\", "a.", "error", "x" * 40,
]
INPUT = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=40).map("".join)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    repo = fixture_repo(tmp_path_factory.mktemp("fuzz-lookup"), FIXTURES / "lookup" / "vectors")
    catalogue = load(repo)
    moniker = catalogue.products.default
    return build_index(catalogue, resolve(catalogue, moniker), moniker,
                       "https://example.org/new?title={title}&body={body}")


@settings(max_examples=examples("lookup"))
@given(INPUT)
def test_python_matcher_on_any_input(index: dict[str, Any], text: str) -> None:
    count("lookup")
    matcher = Matcher(index)
    found = matcher.lookup(text).as_json()
    assert Matcher(index).lookup(text).as_json() == found
    total = len(split_lines(text))
    for result in found["results"]:
        assert 1 <= result["line"] <= result["end_line"] <= total
    if len(SENT) < examples("lookup-javascript"):
        SENT.append(text)


def test_javascript_matcher_agrees_on_the_same_inputs(index: dict[str, Any]) -> None:
    assert SENT, "run with the Python property first (same module)"
    queries = [{"index": "fuzz", "input": text} for text in SENT]
    lookups = run_js({"indexes": {"fuzz": index}, "queries": queries})["lookups"]
    matcher = Matcher(index)
    for text, javascript in zip(SENT, lookups, strict=True):
        count("lookup-javascript")
        assert javascript == matcher.lookup(text).as_json(), repr(text)


TEMPLATE = st.text(st.sampled_from(["a", "b", "A", " ", "'", "_", ".", "(", P_ANY, MASK,
                                    P_QUOTED, P_INT, P_GUID, P_URL, P_PATH, NUMBER, GUID]),
                   min_size=1, max_size=10)
TEXT = st.text(st.sampled_from(["a", "b", "B", " ", "'", "_", ".", "(", NUMBER, GUID, URL,
                                PATH, "x", "é"]), max_size=18)


def reference(template: str, text: str) -> list[tuple[int, int]] | None:
    source, groups = regex_source(template, literal_first=True)
    found = re.compile(source).search(ascii_lower(text))
    return None if found is None else [found.span(g) for g in range(1, len(groups) + 1)]


@settings(max_examples=examples("lookup-segments"))
@given(TEMPLATE, TEXT)
def test_segments_find_what_the_regular_expression_finds(template: str, text: str) -> None:
    count("lookup-segments")
    steps = plan(template)
    values = ["1"] * sum(1 for c in text if "\ue001" <= c <= "\ue007")
    literals = ["1"] * steps.groups.count("l")
    got = Search(steps, ascii_lower(text), text, values, literals).run()
    spans = None if got is None else [got[g] for g in range(len(steps.groups))]
    assert spans == reference(template, text)
