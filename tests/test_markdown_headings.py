"""DocFX heading ids (Markdig's auto-identifiers, GitHub mode), against published ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.markdown.docfx import split_front_matter
from generator.markdown.headings import document_headings, gfm_id, heading_ids
from tests.conftest import SHARED

CORPUS = SHARED / "docfx-corpus"
# Fragments real articles link to that their target never had (broken on the published
# site too): the heading says "not listed for task", and no heading says "isn't listed".
KNOWN_BROKEN = {
    ("troubleshoot-subscription-related-scenarios.md",
     "subscription-isnt-listed-when-creating-a-service-connection"),
    ("azure-rm-service-connection-not-listed-for-a-task.md",
     "azure-rm-service-connection-not-listed-for-a-task"),
}


@pytest.mark.parametrize(("text", "expected"), [
    ("Use full HTTP tracing - Windows", "use-full-http-tracing---windows"),
    # DocFX's own test (Docfx.MarkdigEngine.Tests, AutoIdentifierTest_DocfxDefault).
    ("This - is a &@! heading _ with . and ! -", "this---is-a--heading-_-with--and---"),
    # Markdig's tests of UrilizeAsGfm.
    ("Header identifiers in HTML", "header-identifiers-in-html"),
    ("* Dogs*?--in *my* house?", "-dogs--in-my-house"),
    ("[HTML], [S5], or [RTF]?", "html-s5-or-rtf"),
    ("3. Applications", "3-applications"),
    ("33", "33"),
    ("You don't appear to have an active Azure subscription error",
     "you-dont-appear-to-have-an-active-azure-subscription-error"),
    ("Café: AADSTS50011", "café-aadsts50011"),
])
def test_gfm_id(text: str, expected: str) -> None:
    assert gfm_id(text) == expected


def test_repeated_headings_are_numbered_and_empty_ones_are_section() -> None:
    assert heading_ids(["Cause", "Cause", "Cause", "cause-1", "!!!", ""]) == [
        "cause", "cause-1", "cause-2", "cause-1-1", "section", "section-1"]


def test_ids_come_from_the_heading_text_without_markup() -> None:
    text = ("# `az login` fails with [AADSTS700016](https://e.x) <b>now</b>\n"
            "Setext *heading*\n---\n> ## Cause\n- ## Cause\n")
    assert [i for _, _, i in document_headings(text)] == [
        "az-login-fails-with-aadsts700016-now", "setext-heading", "cause", "cause-1"]


def corpus_links() -> list[tuple[Path, str, str]]:
    """(target article, fragment, linking article) for each `page.md#fragment` link in the
    corpus whose page is in the corpus too."""
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted(CORPUS.rglob("*.md")):
        for match in re.finditer(r"\]\(([^)\s#]*\.md)?#([A-Za-z0-9_.-]+)\)",
                                 path.read_text(encoding="utf-8")):
            target = (path.parent / match[1]) if match[1] else path
            if target.is_file():
                found.append((target, match[2], path.name))
    return found


@pytest.mark.skipif(not corpus_links(), reason="the shared DocFX corpus is absent")
def test_fragments_real_articles_link_to_are_the_ids_docfx_gave() -> None:
    missing = set()
    checked = 0
    for target, fragment, _ in corpus_links():
        body = split_front_matter(target.read_text(encoding="utf-8"))[1]
        ids = {i for _, _, i in document_headings(body)}
        ids |= set(re.findall(r'<a (?:name|id)="([^"]+)"', body))
        if fragment not in ids:
            missing.add((target.name, fragment))
        checked += 1
    assert checked >= 10
    assert missing == KNOWN_BROKEN


def test_heading_ids_count_the_headings_of_every_zone() -> None:
    # DocFX renders every moniker zone into the page (`<div range="...">`, hidden by the
    # version selector), so a heading's id counts the headings of zones another version
    # shows: the second "Cause" is `cause-1` in every version, also where the first is hidden.
    from generator.core.diagnostics import Diagnostics, Loc
    from generator.markdown.docfx import Context, translate
    from tests.conftest import ROOT
    from tests.helpers import shipped_like_products

    text = ("# Title\n\n::: moniker range=\"azure-devops\"\n## Cause\nCloud only.\n"
            "::: moniker-end\n\n## Cause\n\nEverywhere.\n\n## Cause\n")
    ctx = Context(shipped_like_products(), ROOT, (ROOT / "content",))
    ids = {}
    for moniker in ("tfs-2015", "azure-devops"):
        out = translate(text, Loc("content/page.md", 1, 1), moniker, ctx, Diagnostics())
        ids[moniker] = re.findall(r"\{ #([\w-]+) \}", out)
    assert ids == {"tfs-2015": ["title", "cause-1", "cause-2"],
                   "azure-devops": ["title", "cause", "cause-1", "cause-2"]}
