"""Inline text that CommonMark (Markdig) and Python-Markdown read differently, written so that
the built page shows what DocFX shows: backslash escapes Python-Markdown does not know,
links CommonMark does not read, DocFX's no-loc text, empty headings."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator.core.diagnostics import Diagnostics, Loc
from generator.markdown import docfx
from generator.markdown.commonmark import python_markdown_escapes
from tests.conftest import ROOT
from tests.helpers import shipped_like_products
from tests.markdown_structure import commonmark, python_markdown


def translated(text: str, path: str = "content/page.md") -> str:
    ctx = docfx.Context(shipped_like_products(), ROOT, (ROOT / "content",))
    diagnostics = Diagnostics()
    out = docfx.translate(text, Loc(path, 1, 1), "azure-devops", ctx, diagnostics)
    assert [d.format() for d in diagnostics.items] == []
    return out


def shown(html: str) -> str:
    """The text a reader sees, and the links and images, whitespace squeezed."""
    tree = LexborHTMLParser(html)
    body = tree.body
    assert body is not None
    for permalink in body.css("a.headerlink"):
        permalink.decompose()
    links = [f"<{n.tag} {unquote(n.attributes.get('href') or n.attributes.get('src') or '')}>"
             for n in body.css("a, img")]
    return " ".join(body.text().split()) + " " + " ".join(links)


SAME_TEXT = [
    # Placeholders in error messages, as Microsoft's articles write them.
    "The client '\\<ClientName\\>' with object id '\\<ObjectId\\>' has no access.",
    "## Error AADSTS700003 - Device object was not found in the tenant '\\<TenantName\\>'",
    "Go to *C:/Users/\\<yourname\\>/curl-ca-bundle.crt* or C:\\Users\\\\<yourname\\>.",
    "> Error AADSTS50011 - the reply URL does not match the app \\<GUID\\>. Learn more.",
    "| Find | Replace |\n|---|---|\n| \\<Group Label=\"A\"> | \\<Group Label=\"B\"> |",
    # Every ASCII punctuation escape CommonMark knows and Python-Markdown does not.
    "Costs \\$5 \\@ 10\\% \\& \\\"quoted\\\" \\'single\\' a\\,b a\\/b a\\:b"
    " a\\;b a\\=b a\\?b a\\^b a\\~b",
    # Code spans, also across lines, raw HTML, autolinks and link targets keep theirs.
    "`\\<kept\\>` and ``a ` \\< b`` and `multi\nline \\<code\\>` \\<out\\>",
    "<kbd>\\<</kbd> <https://example.org/a\\b> [link](https://example.org/a\\b)",
    # A destination with a space is no link for CommonMark.
    "- [macOS, iOS and iPadOS](/entra/identity-platform/app le-sso-plugin)",
    "See ![a screenshot](media/a b.png) and [a](b\nc) and [ok](c \"title\").",
    "[nested [brackets]](with space) but [fine](<angle-brackets>).",
]


@pytest.mark.parametrize("text", SAME_TEXT)
def test_the_built_page_shows_what_commonmark_shows(text: str) -> None:
    assert shown(python_markdown(translated(text))) == shown(commonmark(text))


@pytest.mark.parametrize("text", SAME_TEXT[:3])
def test_without_the_rewrite_python_markdown_would_show_something_else(text: str) -> None:
    assert shown(python_markdown(text)) != shown(commonmark(text))


# A backslash at the end of a line is a hard line break for CommonMark (outside code, and
# not on a paragraph's last line); Python-Markdown knows only two trailing spaces.
HARD_BREAKS = [
    "First line\\\nsecond line",
    "> Quoted line\\\nlazy line",
    "- An item\\\n  goes on\n- `code\\\nspan` and a last line\\",
    "Two spaces  \nand a backslash\\\nin one paragraph",
    "An escaped backslash \\\\\nis no break",
]


@pytest.mark.parametrize("text", HARD_BREAKS)
@pytest.mark.parametrize("path", ["content/page.md", "catalogue/topic/entry.yml"])
def test_hard_line_breaks_show_as_commonmark_shows_them(text: str, path: str) -> None:
    built, expected = python_markdown(translated(text, path)), commonmark(text)
    assert built.count("<br") == expected.count("<br")
    assert shown(built) == shown(expected)


def test_escapes_become_character_references_outside_code() -> None:
    assert python_markdown_escapes("a \\<b\\> `\\<c\\>` \\\\<d") == "a &lt;b\\> `\\<c\\>` \\\\<d"
    assert python_markdown_escapes("[x](y z) `[x](y z)` [x](y)") == "\\[x](y z) `[x](y z)` [x](y)"
    assert python_markdown_escapes("plain text") == "plain text"


def test_catalogue_fields_with_escapes_are_translated_too() -> None:
    # A text of paragraphs only is normally copied as it is; an escape makes it go through.
    ctx = docfx.Context(shipped_like_products(), ROOT, (ROOT / "content",))
    out = docfx.translate("Fails with \\<name\\>.", Loc("catalogue/t/e.yml", 3, 9),
                          "azure-devops", ctx, Diagnostics())
    assert out == "Fails with &lt;name\\>."


def test_no_loc_text_is_shown_as_written_with_docfx_escapes() -> None:
    text = ('| CHS | \\<Group Label=:::no-loc text="\\"计划\\"":::> |\n|---|---|\n'
            '| x | :::no-loc text="*not emphasis* <b>":::  |\n\nA :::no-loc text="Azure DevOps"::: '
            "page.\n")
    out = translated(text)
    html = python_markdown(out)
    assert "&lt;Group Label=&quot;计划&quot;&gt;" in html or '&lt;Group Label="计划"&gt;' in html
    assert "*not emphasis* &lt;b&gt;" in html
    assert "A Azure DevOps page." in " ".join(LexborHTMLParser(html).text().split())
    assert ":::" not in out


def test_an_empty_heading_keeps_its_id_and_shows_no_text() -> None:
    out = translated("# Title\n\n##  \n\nText.\n\n##\n")
    assert out == ('# Title { #title }\n\n<h2 id="section"></h2>\n\nText.\n\n'
                   '<h2 id="section-1"></h2>\n')
    html = python_markdown(out)
    assert '<h2 id="section"></h2>' in html and "{" not in html
