"""Message templates as readers see them, and plain-text fields that stay text."""

from __future__ import annotations

import markdown

from generator.catalogue.messages import shown, syntax_problems
from generator.catalogue.model import Link
from generator.core.diagnostics import Loc
from generator.core.versions import Range
from generator.site.render import heading, plain, render_links


def test_placeholders_show_as_marked_variable_parts() -> None:
    assert shown("AADSTS700016: Application with identifier {app_id:quoted} wasn't found") \
        == "AADSTS700016: Application with identifier '‹app id›' wasn't found"
    assert shown("Took {seconds:int} s at {url:url} for {user}") \
        == "Took ‹seconds› s at ‹url› for ‹user›"
    assert shown('JSON {{"error": "bad"}} and *** masked') == 'JSON {"error": "bad"} and *** masked'


def test_a_title_names_its_own_syntax_problems() -> None:
    [problem] = syntax_problems("Request {id failed", "title")
    assert (problem.offset, problem.message) == (8, "unmatched '{' in title")


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "*emphasis* _and_ `code` {: #id }",
    "issuer https://vstoken.dev.azure.com/<organization id>",
    "AT&T &amp; 1 < 2 > 0 \\ ! # heading",
]


def _html(text: str) -> str:
    return markdown.markdown(text, extensions=["attr_list", "admonition", "md_in_html"])


def test_plain_text_fields_render_as_exactly_their_text() -> None:
    import html as html_lib
    import re

    for text in HOSTILE:
        out = _html(plain(text))
        assert "<img" not in out and "<script" not in out and "href" not in out, out
        assert "<em>" not in out and "<code>" not in out, out
        assert html_lib.unescape(re.sub(r"</?p>", "", out)) == text


def test_hostile_titles_stay_text_in_headings_and_links() -> None:
    for text in HOSTILE:
        out = _html(heading(2, text, "entry"))
        assert "<img" not in out and "<script" not in out and "href=\"javascript" not in out
        assert 'id="entry"' in out
        link = Link(text, Loc("x.yml"), Range("", frozenset()), url="https://example.org/")
        out = _html(render_links("Related", [link], "page.md"))
        assert "<img" not in out and "<script" not in out and "javascript" not in out.split(
            "href=")[1].split(">")[0]
