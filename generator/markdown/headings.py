"""Render (heading ids): the ids DocFX gives headings, so links into migrated pages keep working.

Input: a heading's inline content (markdown-it-py tokens or plain text); output: its id.
DocFX runs Markdig's auto-identifiers with `AutoIdentifierOptions.GitHub`: the heading is
rendered to plain text (markup, HTML tags and link targets dropped; code, link text and
image alt text kept), then each letter or digit is kept lowercased, each space becomes
`-`, `-` and `_` stay, everything else goes (`Use full HTTP tracing - Windows` ->
`use-full-http-tracing---windows`). An empty result is `section`. Within one document a
repeated id gets `-1`, `-2`, ... (the first free one); an included file is a document of
its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from markdown_it.token import Token

# .NET's char.IsLetterOrDigit: letters (Lu, Ll, Lt, Lm, Lo) and decimal digits (Nd).
_LETTER_OR_DIGIT = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd"})


def gfm_id(text: str) -> str:
    """Markdig's `LinkHelper.UrilizeAsGfm`: the id of a heading's plain text, before dedup."""
    out = []
    for char in text:
        if char == " ":
            out.append("-")
        elif char in "-_":
            out.append(char)
        elif unicodedata.category(char) in _LETTER_OR_DIGIT:
            lower = char.lower()
            out.append(lower if len(lower) == 1 else char)
    return "".join(out)


def plain_text(children: Sequence[Token]) -> str:
    """A heading's inline tokens as Markdig's strip renderer writes them."""
    parts: list[str] = []
    for token in children:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type == "image":
            parts.append(plain_text(token.children or []))
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def inline_plain_text(node: object) -> str:
    """The plain text of a heading (a markdown-it-py syntax tree node)."""
    children = getattr(node, "children", [])
    token = children[0].token if children else None
    return plain_text(token.children or []) if token is not None else ""


class HeadingIds:
    """The ids of one document's headings, in order, each unique within the document."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken: set[str] = set(taken)

    def add(self, text: str) -> str:
        """The id of the next heading, whose plain text is `text`."""
        base = gfm_id(text) or "section"
        candidate, index = base, 0
        while candidate in self.taken:
            index += 1
            candidate = f"{base}-{index}"
        self.taken.add(candidate)
        return candidate


def heading_ids(texts: Iterable[str]) -> list[str]:
    """The ids DocFX gives the headings of one document, given their plain texts in order."""
    ids = HeadingIds()
    return [ids.add(text) for text in texts]


def document_headings(text: str) -> list[tuple[int, str, str]]:
    """(level, plain text, id) of each heading of a CommonMark document, in order.

    DocFX constructs are not expanded: for a page as published, translate it first.
    """
    from .commonmark import parse

    tree, _ = parse(text)
    ids = HeadingIds()
    found = []
    stack = list(reversed(tree.children))
    while stack:
        node = stack.pop()
        if node.type == "heading":
            plain = inline_plain_text(node)
            found.append((int(node.tag[1]), plain, ids.add(plain)))
        elif node.type != "inline":
            stack.extend(reversed(node.children))
    return found
