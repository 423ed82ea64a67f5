"""Fidelity: DocFX articles built for all eight versions match expectations computed from
their source alone (see tests/docfx_fidelity.py); one build per run, shared by the checks."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, SHARED
from tests.docfx_fidelity import PageResult, run

CORPUS = SHARED / "docfx-corpus"


@pytest.fixture(scope="module")
def fixture_results() -> list[PageResult]:
    return run([FIXTURES / "docfx_fidelity" / "guide"])


def test_own_articles_are_fully_correct_in_every_version(
        fixture_results: list[PageResult]) -> None:
    assert {r.page: r.problems for r in fixture_results if not r.correct} == {}
    assert sorted(r.page for r in fixture_results) == ["guide/connections.md",
                                                       "guide/old-servers.md"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared DocFX corpus is absent")
def test_shared_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    results = run([CORPUS / "SupportArticles-docs" / "support", CORPUS / "entra-docs" / "docs"])
    good = sum(r.correct for r in results)
    with capsys.disabled():
        print(f"\n{good} of {len(results)} pages fully correct")
    assert len(results) >= 80
    assert good >= 66
