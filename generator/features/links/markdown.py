"""Check (Markdown): the links a Markdown text holds and the anchors a page defines.

Input: Markdown lines (DocFX sources, or a version's rendered pages); output: links with
their line and column, and the HTML ids Python-Markdown's toc and attr_list will give
the page (headings, `{ #id }`, raw HTML ids and `<a name>`), in document order.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from ...markdown import docfx

ATX = re.compile(r"^[ \t]*(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?[ \t]*$")
ATTR_LIST = re.compile(r"[ \t]*\{:?[ \t]*(?P<attrs>[^}\n]*)\}[ \t]*$")
CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
SETEXT = re.compile(r"^[ \t]{0,3}(?:=+|-+)[ \t]*$")
LIST_OR_QUOTE = re.compile(r"^[ \t]*(?:[-*+][ \t]|\d{1,9}[.)][ \t]|>)")
REFERENCE = re.compile(r"^[ \t]{0,3}\[(?P<label>[^\]]+)\]:[ \t]*(?P<target><[^>]*>|\S+)")
INLINE_LINK = re.compile(r"\]\(")
HTML_TAG = re.compile(r"<(?:a|img|area|source|iframe)\b[^>]*>", re.IGNORECASE)
IDCOUNT = re.compile(r"^(.*)_([0-9]+)$")
# Inline Markdown reduced to its text, the way toc names a heading.
_LINK_TEXT = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_TAGS = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)|`+")


@dataclass(frozen=True)
class MarkdownLink:
    """A link target as written in Markdown, where it starts (0-based), and its kind."""

    target: str
    line: int
    col: int
    image: bool = False


def fenced_lines(lines: Sequence[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block."""
    return docfx._fenced(lines)


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    """`text` with every match of `pattern` blanked out, columns kept."""
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _destination(text: str, start: int) -> tuple[str, int] | None:
    """The link destination starting at `start` (just after '('): text and its column."""
    pos = start
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    if pos < len(text) and text[pos] == "<":
        end = text.find(">", pos + 1)
        return (text[pos + 1:end], pos + 1) if end > 0 else None
    depth, end = 0, pos
    while end < len(text):
        char = text[end]
        if char == "\\":
            end += 2
            continue
        if char in " \t":
            break
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        end += 1
    return text[pos:end], pos


# A DocFX tab's heading, `# [Title](#tab/id)`: a tab's label, no link.
TAB_LINE = re.compile(r"^[ \t>]*#{1,6}[ \t]+\[[^\]]+\]\(#tab/[^)\s]*\)[ \t]*$")


def line_links(text: str, number: int) -> Iterator[MarkdownLink]:
    """The links of one Markdown line outside code spans and DocFX includes (a tab's
    heading has none)."""
    if TAB_LINE.match(text):
        return
    plain = _mask(_mask(text, docfx.CODE_SPAN), docfx.INLINE)
    found = REFERENCE.match(plain)
    if found is not None:
        target = found["target"]
        col = found.start("target")
        if target.startswith("<"):
            target, col = target[1:-1], col + 1
        yield MarkdownLink(target, number, col)
        return
    for match in INLINE_LINK.finditer(plain):
        opening = plain.rfind("[", 0, match.start())
        if opening < 0:
            continue
        destination = _destination(plain, match.end())
        if destination is None or not destination[0]:
            continue
        target, col = destination
        image = opening > 0 and plain[opening - 1] == "!"
        yield MarkdownLink(text[col:col + len(target)], number, col, image)
    if "<" in plain:
        for tag in HTML_TAG.finditer(plain):
            node = LexborHTMLParser(tag.group()).css_first("a, img, area, source, iframe")
            if node is None:
                continue
            for attr in ("href", "src"):
                value = node.attributes.get(attr)
                if value:
                    at = text.find(value, tag.start())
                    yield MarkdownLink(value, number, at if at >= 0 else tag.start(),
                                       node.tag != "a")


def markdown_links(lines: Sequence[str], fenced: Sequence[bool] | None = None
                   ) -> list[MarkdownLink]:
    """Every link of a Markdown text, outside fenced code."""
    flags = fenced if fenced is not None else fenced_lines(lines)
    links: list[MarkdownLink] = []
    for number, (text, code) in enumerate(zip(lines, flags, strict=False)):
        if not code and ("](" in text or "<" in text or "]:" in text):
            links.extend(line_links(text, number))
    return links


def slugify(value: str, separator: str = "-") -> str:
    """Python-Markdown toc's default slugify (kept here: importing Markdown is slow)."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(rf"[{separator}\s]+", separator, value)


def heading_name(text: str) -> str:
    """The text toc slugifies for a heading written as `text` (inline Markdown removed)."""
    text = _LINK_TEXT.sub(lambda m: m["text"] if not m.group().startswith("!") else "", text)
    text = _TAGS.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = text.replace("\\", "")
    return html.unescape(text)


def _unique(ident: str, used: set[str]) -> str:
    """toc's rule: append _1, _2, ... until the id is free."""
    while ident in used or not ident:
        found = IDCOUNT.match(ident)
        ident = f"{found[1]}_{int(found[2]) + 1}" if found else f"{ident}_1"
    used.add(ident)
    return ident


def _attr_ids(attrs: str) -> list[str]:
    return [word[1:] for word in attrs.split() if word.startswith("#") and len(word) > 1]


def markdown_anchors(text: str) -> list[str]:
    """The ids a rendered Markdown page will have, in document order (front matter skipped)."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
        lines = lines[end + 1:]
    flags = fenced_lines(lines)
    explicit: set[str] = set()
    # (kind, value): "id" for a fixed id, "heading" for a heading text to slugify.
    found: list[tuple[str, str]] = []
    previous_blank = True
    for index, (line, code) in enumerate(zip(lines, flags, strict=False)):
        if code:
            previous_blank = False
            continue
        body = line
        attrs = ATTR_LIST.search(body) if "{" in body else None
        ids = _attr_ids(attrs["attrs"]) if attrs else []
        if attrs:
            body = body[:attrs.start()]
        heading = ATX.match(body) if "#" in body else None
        setext = (not heading and previous_blank and line.strip()
                  and index + 1 < len(lines) and not flags[index + 1]
                  and SETEXT.match(lines[index + 1]) and not LIST_OR_QUOTE.match(line))
        if heading or setext:
            name = (heading["text"] or "") if heading else body
            if heading:
                name = CLOSING_HASHES.sub("", name)
            if ids:
                explicit.update(ids)
                found.extend(("id", i) for i in ids[:1])
            else:
                found.append(("heading", name))
        elif ids:
            explicit.update(ids)
            found.extend(("id", i) for i in ids[:1])
        previous_blank = not line.strip()
    # Raw HTML, whose tags may span lines: one parse of the text outside code (none
    # without a tag that could hold an id).
    masked = "\n".join("" if code else _mask(line, docfx.CODE_SPAN)
                       for line, code in zip(lines, flags, strict=False)) \
        if "<" in text and ("id=" in text or "name=" in text) else ""
    if "<" in masked and ("id=" in masked or "name=" in masked):
        for node in LexborHTMLParser(masked).css(":is([id], a[name])"):
            for attr in ("id", "name") if node.tag == "a" else ("id",):
                value = node.attributes.get(attr)
                if value:
                    found.append(("raw", value))
    used = set(explicit)
    anchors: list[str] = []
    for kind, value in found:
        if kind == "heading":
            anchors.append(_unique(slugify(heading_name(value), "-"), used))
        else:
            anchors.append(value)
    return anchors
