"""Fidelity: DocFX articles built by MkDocs for all eight versions match expectations computed
from their source alone (tests/docfx_fidelity.py).

One build serves the module: this project's own articles (tests/fixtures/docfx_fidelity/)
and, when `../shared/` is there, the shared DocFX corpus. The checks are shown to catch
each kind of difference: a built page is changed the way a faulty generator would change
it, and the check must report it.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.docfx_fidelity import (
    CORPUS,
    CORPUS_FOLDERS,
    OWN_FOLDERS,
    Built,
    PageResult,
    build,
    check,
    check_page,
)

OWN_PAGES = ["guide/blocks.md", "guide/connections.md", "guide/escapes.md",
             "guide/missing-include.md", "guide/old-servers.md"]

# Shared corpus pages that stay below "fully correct", each with the reason. The test fails
# when a page is missing from this list, and when a listed page has become correct (then
# it must leave the list): the list can only shrink.
CORPUS_BELOW: dict[str, str] = {}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folders = [*OWN_FOLDERS, *(f for f in CORPUS_FOLDERS if f.is_dir())]
    return build(folders, tmp_path_factory.mktemp("fidelity"))


@pytest.fixture(scope="module")
def own(built: Built) -> list[PageResult]:
    return check(built, OWN_FOLDERS)


def test_own_articles_are_fully_correct_in_every_version(own: list[PageResult]) -> None:
    assert {r.page: r.summary() for r in own if not r.correct} == {}
    assert sorted(r.page for r in own) == OWN_PAGES


def test_pages_are_built_in_exactly_the_versions_of_their_range(built: Built) -> None:
    def versions(page: str) -> list[str]:
        return [m for m in built.names if page in built.versions[m]]

    assert versions("guide/old-servers.md") == ["tfs-2013", "tfs-2015", "tfs-2017"]
    assert versions("guide/blocks.md") == ["azure-devops-2019", "azure-devops-2022",
                                           "azure-devops"]
    assert versions("guide/connections.md") == list(built.names[1:])
    # Include folders and what docfx.json excludes never become pages.
    every = {page for pages in built.versions.values() for page in pages}
    assert not {p for p in every if "/includes/" in p or "/_shared/" in p or "/drafts/" in p}


def test_a_missing_include_is_the_only_error_of_the_own_articles(built: Built) -> None:
    # Pages with a missing include count as correct only if this error is reported at the
    # include's line (and the rest of the page is right): the corpus lacks one include too.
    errors = {d for d in built.diagnostics if " error: " in d and d.startswith("content/guide/")}
    assert errors == {
        "content/guide/missing-include.md:9:1: error: include: include 'includes/not-there.md' "
        "not found: expected a file at content/guide/includes/not-there.md; check the file "
        "name; paths are relative to content/guide/, the including file's folder"}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared DocFX corpus is absent")
def test_shared_corpus_is_fully_correct_or_has_a_named_reason(
        built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    results = check(built, CORPUS_FOLDERS)
    below = {r.page: r.summary() for r in results if not r.correct}
    with capsys.disabled():
        print(f"\n{len(results) - len(below)} of {len(results)} pages fully correct")
    assert len(results) >= 80
    assert {page: below[page] for page in below if page not in CORPUS_BELOW} == {}
    assert [page for page in CORPUS_BELOW if page not in below] == []


# The checks catch what they check ------------------------------------------------------------


def changed(built: Built, page: str, moniker: str, old: str, new: str) -> Built:
    """`built` with one page's HTML edited in one version."""
    html = built.versions[moniker][page]
    assert old in html, old
    versions = dict(built.versions)
    versions[moniker] = {**versions[moniker], page: html.replace(old, new, 1)}
    return dataclasses.replace(built, versions=versions)


def problems(built: Built, page: str, moniker: str) -> list[str]:
    return check_page(built, page).problems[moniker]


@pytest.fixture(scope="module")
def baseline(built: Built) -> dict[str, PageResult]:
    """The unchanged build's results, against which each edit is checked."""
    return {r.page: r for r in check(built, OWN_FOLDERS)}


Edit = tuple[str, str, str, str, str]  # page, version, old, new, expected problem

EDITS: dict[str, Edit] = {
    "a paragraph dropped": (
        "guide/connections.md", "azure-devops", "<p>Search the <a", "<p hidden>x<a",
        "text missing: Search the community forum for the message."),
    "a hidden zone shown": (
        "guide/connections.md", "tfs-2015", "<table>",
        "<p>Only the cloud service rotates the secret of an automatic connection by "
        "itself.</p><table>", "text of a hidden zone shown: Only the cloud service"),
    "a hidden zone in a list item shown": (
        "guide/connections.md", "azure-devops", "<p>Select <strong>Verify</strong>.</p>",
        "<p>Select <strong>Verify</strong>.</p><p>On these servers, <strong>Verify</strong> is "
        "on the connection's <strong>Edit</strong> page.</p>",
        "text of a hidden zone shown: On these servers"),
    "paragraphs merged": (
        "guide/escapes.md", "azure-devops", ", or:</p>\n<blockquote>\n<p>", ", or: ",
        "text missing: The message reads AADSTS700016"),
    "text out of order": (
        "guide/escapes.md", "azure-devops",
        "<li>[macOS, iOS and iPadOS](/entra/identity-platform/apple sso-plugin) is no link: its "
        "target has a space.</li>\n<li>Prices are written &#36;5 &#64; 10&#37; off, paths as "
        "C:\\Users\\&lt;name&gt;.</li>",
        "<li>Prices are written &#36;5 &#64; 10&#37; off, paths as C:\\Users\\&lt;name&gt;.</li>"
        "<li>[macOS, iOS and iPadOS](/entra/identity-platform/apple sso-plugin) is no link: its "
        "target has a space.</li>", "text out of order: "),
    "an alert left raw": (
        "guide/blocks.md", "azure-devops", "<p>Four spaces", "<p>[!NOTE] Four spaces",
        "raw DocFX syntax left: [!NOTE"),
    "a zone marker left raw": (
        "guide/connections.md", "azure-devops", "<p>Search the",
        "<p>::: moniker-end</p><p>Search the", "raw DocFX syntax left: :::"),
    "an xref left": (
        "guide/connections.md", "azure-devops", 'href="https://developercommunity',
        'href="xref:forum" data-x="https://developercommunity', "raw DocFX syntax left: "
        "href=xref:forum"),
    "a heading id like Python-Markdown's": (
        "guide/connections.md", "tfs-2015", 'id="cause-1"', 'id="cause"',
        "heading ids differ: #cause-1 missing"),
    "an anchor dropped": (
        "guide/connections.md", "azure-devops", '<a name="verify"></a>', "",
        "anchor missing: verify"),
    "an alert of another kind": (
        "guide/blocks.md", "azure-devops", "admonition danger", "admonition warning",
        "admonitions ['tip', 'info', 'warning', 'warning'], alerts ['tip', 'info', 'danger', "
        "'warning']"),
    "an alert as a quote": (
        "guide/connections.md", "azure-devops", '<div class="admonition note">',
        "<div>", "admonitions [], alerts ['note']"),
    "a nested list flattened": (
        "guide/connections.md", "azure-devops", "</p>\n<ul>", "</p></li></ol>\n<ul>",
        "list items per depth"),
    "a start number lost": (
        "guide/blocks.md", "azure-devops", '<ol start="3">', "<ol>",
        "ordered lists start at ['1'], expected ['3']"),
    "code changed": (
        "guide/blocks.md", "azure-devops", "of two lines", "of 2 lines",
        "code block differs: an indented code block of two lines"),
    "a code language lost": (
        "guide/blocks.md", "azure-devops", "language-powershell", "language-text",
        "code block language 'text', expected 'powershell'"),
    "a table cell split": (
        "guide/escapes.md", "azure-devops", "<td><code>cmd1 | cmd2</code></td>",
        "<td>`cmd1</td><td>cmd2`</td>", "tables differ: table 1 row 3"),
    "an image relative to the page, not the include": (
        "guide/connections.md", "azure-devops", 'src="../media/help.png"',
        'src="../../media/help.png"', "images"),
    "an image without its alt text": (
        "guide/connections.md", "azure-devops", 'alt="The help menu"', 'alt=""', "images"),
    "a video not linked": (
        "guide/blocks.md", "azure-devops", 'href="https://learn-video.azurefd.net',
        'href="https://example.org', "not linked: video https://learn-video"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_the_check_reports(built: Built, baseline: dict[str, PageResult], name: str) -> None:
    page, moniker, old, new, expected = EDITS[name]
    assert not any(expected in p for p in baseline[page].problems[moniker])
    found = problems(changed(built, page, moniker, old, new), page, moniker)
    assert any(expected in p for p in found), found


def _set(built: Built, page: str, moniker: str, html: str | None) -> Built:
    versions = dict(built.versions)
    pages = dict(versions[moniker])
    if html is None:
        pages.pop(page)
    else:
        pages[page] = html
    versions[moniker] = pages
    return dataclasses.replace(built, versions=versions)


CASES: dict[str, tuple[Callable[[Built], Built], str, str, str]] = {
    "a page built outside its range": (
        lambda b: _set(b, "guide/old-servers.md", "azure-devops",
                       b.versions["tfs-2013"]["guide/old-servers.md"]),
        "guide/old-servers.md", "azure-devops", "built in a version its monikerRange leaves out"),
    "a page missing from a version": (
        lambda b: _set(b, "guide/blocks.md", "azure-devops-2022", None),
        "guide/blocks.md", "azure-devops-2022", "not built"),
    "a missing include not reported": (
        lambda b: dataclasses.replace(b, diagnostics=()),
        "guide/missing-include.md", "tfs-2013",
        "missing include not reported: content/guide/missing-include.md:9"),
    "another error on the page": (
        lambda b: dataclasses.replace(b, diagnostics=(
            *b.diagnostics, "content/guide/escapes.md:3:1: error: front matter: bad")),
        "guide/escapes.md", "tfs-2013", "content/guide/escapes.md:3:1: error: front matter"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_check_reports_pages_and_errors(built: Built, baseline: dict[str, PageResult],
                                            name: str) -> None:
    edit, page, moniker, expected = CASES[name]
    assert not any(expected in p for p in baseline[page].problems[moniker])
    found = problems(edit(built), page, moniker)
    assert any(expected in p for p in found), found


def test_a_page_built_from_an_include_is_reported(built: Built) -> None:
    html = built.versions["azure-devops"]["guide/escapes.md"]
    wrong = _set(built, "guide/includes/help.md", "azure-devops", html)
    results = {r.page: r for r in check(wrong, OWN_FOLDERS)}
    assert results["guide/includes/help.md"].problems == {
        "azure-devops": ["built, but it is not a page (an include file or excluded by "
                         "docfx.json)"]}


def test_the_expectations_do_not_come_from_the_generator() -> None:
    # The reference reads the source itself: nothing of generator.markdown (the code under
    # test) is imported by the check or by the structural reference it uses.
    for module in ("docfx_fidelity.py", "markdown_structure.py"):
        tree = ast.parse((Path(__file__).parent / module).read_text(encoding="utf-8"))
        imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
                     for a in n.names}
        assert not {m for m in imported if m.startswith("generator.markdown")}, module
        assert not {m for m in imported if m.startswith("generator")} - {
            "generator.catalogue.validate", "generator.core.diagnostics",
            "generator.core.parallel", "generator.core.project", "generator.site.build",
            "generator.site.trees", "generator.site.engines.base",
            "generator.site.engines.mkdocs"}, module
