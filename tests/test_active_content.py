"""Active content in Markdown: `kb check` warns where it is written (an error with
--strict), `kb check-links` refuses such links in the built pages, settings URLs must be
web or mail addresses. The goldens in tests/fixtures/check/active_content* hold the whole
transcript of `kb check`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.features.active import findings
from generator.features.links.html import Link
from generator.features.links.site import active_link
from tests.helpers_cli import fixture_repo, kb


@pytest.mark.parametrize(("text", "expected"), [
    ("<script>alert(1)</script>", ["<script> element"]),
    ("< SCRIPT src=x>", ["<script> element"]),
    ('<img src="a.png" onerror="x()">', ["event-handler attribute 'onerror'"]),
    ("<svg/onload=x()>", ["event-handler attribute 'onload'"]),
    ('<a\n  href="#"\n  onClick="x()">a</a>', ["event-handler attribute 'onClick'"]),
    ("[a](javascript:alert(1))", ["javascript: URL"]),
    ("[a]( JaVaScRiPt:alert(1))", ["javascript: URL"]),
    ("[a](java\tscript:alert(1))", ["javascript: URL"]),
    ('<a href="jav&#x61;script:alert(1)">a</a>', ["javascript: URL"]),
    ("[a]: javascript:alert(1)", ["javascript: URL"]),
    ("<javascript:alert(1)>", ["javascript: URL"]),
    ("![a](data:image/svg+xml;base64,PHN2Zz4=)", ["data: URL"]),
    ('<form action="vbscript:x">', ["vbscript: URL"]),
    # Text, not markup: code spans, fenced code, words that only look alike.
    ("`<script>` and ``[a](javascript:x)``", []),
    ("```html\n<script>x()</script>\n<b onclick=x()>\n```\n", []),
    ("~~~~\n<img onerror=x>\n~~~~", []),
    ("The online= setting and the word javascript: in prose.", []),
    ("[a](https://example.org/javascript:x) <b class=once>", []),
], ids=lambda value: value if isinstance(value, str) else None)
def test_findings(text: str, expected: list[str]) -> None:
    assert [message.split(": it would")[0].split(": following")[0]
            for _, message, _ in findings(text)] == expected


def test_links_that_run_code_are_refused_but_inert_ones_pass() -> None:
    assert active_link(Link("a", "href", "javascript:alert(1)")) is not None
    assert active_link(Link("a", "href", " JAVASCRIPT:alert(1)")) is not None
    assert active_link(Link("iframe", "src", "data:text/html,<script>x</script>")) is not None
    assert active_link(Link("a", "href", "vbscript:x")) is not None
    # Material's share button, and images inlined as data.
    assert active_link(Link("a", "href", "javascript:void(0)")) is None
    assert active_link(Link("img", "src", "data:image/png;base64,iVBORw0KGgo=")) is None
    assert active_link(Link("a", "href", "https://example.org/")) is None


@pytest.mark.e2e
def test_check_links_refuses_script_links_in_built_pages(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    page = repo / "content" / "index.md"
    page.write_text(page.read_text() + "\nSee [the guide](javascript:alert(1)).\n\n"
                    '<a href="data:text/html,x">this</a>\n')
    assert kb("build", cwd=repo).code == 0
    run = kb("check-links", cwd=repo)
    assert run.code == 1
    found = [line for line in run.stderr.splitlines() if "URL would run code" in line]
    assert len(found) == 6  # two links in each of three versions
    assert found[0].startswith("site/demo-1/index.html:")
    assert "link 'javascript:alert(1)': javascript: URL would run code" in found[0]


def test_settings_urls_must_be_web_or_mail_addresses(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    mkdocs = repo / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text() + "extra:\n  kb:\n"
                      "    new_entry_url: 'javascript:alert(1)//{title}'\n"
                      "    feedback_url: https://example.org/new?t={title}\n")
    run = kb("check", cwd=repo)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        "mkdocs.yml:19:20: error: extra.kb.new_entry_url: 'javascript:alert(1)//{title}' is "
        "not a web or mail address; use an https: URL (or http:, mailto:)")


def test_a_topic_is_searched_with_the_topic_and_its_findings_kept_with_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Active content in a topic is found while the topic is checked; a topic taken from
    the cache of validated topics reports it again without being searched again (only the
    content pages are)."""
    from generator.core.diagnostics import Diagnostics
    from generator.core.project import Project
    from generator.features import active
    from generator.features.registry import FEATURES
    from generator.site.checks import load_checked
    from tests.conftest import FIXTURES

    repo = fixture_repo(tmp_path, FIXTURES / "check" / "active_content")
    project = Project(repo)
    searched: list[str] = []
    find = active.findings

    def counted(text: str) -> Any:
        searched.append(text)
        return find(text)

    monkeypatch.setattr(active, "findings", counted)

    def load() -> tuple[list[str], list[str]]:
        diagnostics = Diagnostics()
        searched.clear()
        catalogue = load_checked(project, diagnostics, FEATURES, markdown=False, jobs=1,
                                 cache=project.build_dir / "cache" / "topics")
        assert catalogue is not None
        pages = [p.body.text for p in catalogue.pages]
        found = [d.format() for d in diagnostics.sorted() if active.SUBJECT in d.format()]
        return found, [text for text in searched if text not in pages]

    first, topic_texts = load()
    assert any(line.startswith("catalogue/demo/disk-full.yml:") for line in first), first
    assert any("onerror" in text for text in topic_texts)
    assert load() == (first, [])
