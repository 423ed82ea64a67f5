"""Golden tests: CommonMark block rules (as Markdig reads DocFX pages) written for Python-Markdown.

Each case in tests/golden/docfx/commonmark/ is one rule: `input.md` beside `expected.md`
(`pytest --update-golden` rewrites them). Every case is also checked against the reference:
Python-Markdown's reading of the output has the block structure a CommonMark parser gives
the input.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.core.diagnostics import Diagnostics, Loc
from generator.markdown import commonmark, docfx
from tests.conftest import ROOT
from tests.golden import assert_golden
from tests.helpers import shipped_like_products
from tests.markdown_structure import commonmark as reference_html
from tests.markdown_structure import python_markdown, skeleton

CASES = Path(__file__).resolve().parent / "golden" / "docfx" / "commonmark"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def translated(case: str) -> str:
    folder = CASES / case
    ctx = docfx.Context(shipped_like_products(), ROOT, (folder,))
    diagnostics = Diagnostics()
    text = (folder / "input.md").read_text(encoding="utf-8")
    out = docfx.translate(text, Loc("content/x.md", 1, 1), "azure-devops", ctx, diagnostics,
                          headings=False)
    assert [d.format() for d in diagnostics.items] == []
    return out


@pytest.mark.parametrize("case", NAMES)
def test_golden(case: str, update_golden: bool) -> None:
    assert_golden(translated(case), CASES / case / "expected.md", update_golden)


@pytest.mark.parametrize("case", NAMES)
def test_python_markdown_reads_the_structure_commonmark_reads(case: str) -> None:
    source = (CASES / case / "input.md").read_text(encoding="utf-8")
    expected = skeleton(reference_html(source.replace("[!NOTE]", "NOTE")))
    actual = skeleton(python_markdown(translated(case)))
    if "alert" in case:  # an alert is a quote for CommonMark and an admonition here
        expected = [line.replace("blockquote", "div") for line in expected]
        actual = [line for line in actual]
        assert [x for x in expected if "div" not in x] == actual
    else:
        assert actual == expected


def test_without_docfx_constructs_the_writer_alone_gives_the_same() -> None:
    for case in NAMES:
        source = (CASES / case / "input.md").read_text(encoding="utf-8")
        if "[!" in source:
            continue
        assert commonmark.to_python_markdown(source) == translated(case), case


def test_nesting_deeper_than_the_limit_is_an_error_not_a_crash() -> None:
    text = "Top.\n\n" + "> " * 500 + "deep\n" + "- " * 500 + "deeper\n"
    ctx = docfx.Context(shipped_like_products(), ROOT, (ROOT / "content",))
    diagnostics = Diagnostics()
    out = docfx.translate(text, Loc("content/x.md", 3, 1), "azure-devops", ctx, diagnostics)
    assert out.startswith("Top.")
    assert [d.format() for d in diagnostics.items] == [
        "content/x.md:3:1: error: markdown: blocks are nested more than 40 deep (quotes or "
        "lists inside one another); what lies deeper is not shown; flatten the nesting"]
