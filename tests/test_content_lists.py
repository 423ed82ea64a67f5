"""Content: every numbered step of the shipped site is an item of its list.

A step whose text ends in a block (a code block, a list, a table, a second paragraph) once
took the next step in as text: "1. Save the link again." at the end of a paragraph. The
rule reads every page the shipped catalogue builds, so it holds for whatever topics it has.
"""

from __future__ import annotations

import re
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

# A line inside a paragraph or a table cell that starts as a list item that may interrupt a
# paragraph would (CommonMark: a bullet, or a number 1): such a line is never text there.
# ("2. x" after a line of text is text, for DocFX too.)
MARKER = re.compile(r"(?:^|\n)[ \t]*(?:1[.)]|[-*+])[ \t]+\S")


def swallowed(page: str) -> list[str]:
    """Paragraphs and cells of a page's article that hold a list item's marker as text."""
    article = LexborHTMLParser(page).css_first("article")
    if article is None:
        return []
    return [node.text()[:80] for node in article.css("p, td")
            if node.css_first("code, pre") is None and MARKER.search(node.text())]


def test_the_rule_sees_a_swallowed_step() -> None:
    assert swallowed("<article><ol><li><p>Run the script.\n1. Save the link again.</p></li>"
                     "</ol></article>") == ["Run the script.\n1. Save the link again."]
    assert swallowed("<article><ol><li><p>Run the script.</p></li><li><p>Save.</p></li></ol>"
                     "</article>") == []


def test_no_step_is_text_of_the_one_before(shipped_site: Path) -> None:
    pages = sorted(shipped_site.glob("*/*/index.html"))
    assert pages
    found = {str(path.relative_to(shipped_site)): hits for path in pages
             if (hits := swallowed(path.read_text(encoding="utf-8")))}
    assert found == {}
