"""Parse (DocFX blocks): markdown-it-py rules for DocFX's block syntax.

Input: a markdown-it-py parser; output: the same parser reading, besides CommonMark,
the DocFX blocks Markdig's DocFX extensions read: include lines (`[!INCLUDE [..](..)]`),
code snippet lines (`[!code-lang[..](..)]`, `:::code ...:::`), the `:::` containers
(`:::row:::` / `:::column:::` / `::: zone` / `:::image type="complex":::`, each closed
by its `-end` marker) and any other line opening with `:::` (kept, to be reported).
Each becomes a `docfx_line` token or a `docfx_container` pair with `meta` saying what it is.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.ruler import RuleOptionsType
from markdown_it.rules_block import StateBlock

_ATTRS = r"""(?P<attrs>(?:\s+[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*"""
INCLUDE_LINE = re.compile(
    r"^(?P<token>\[!INCLUDE\s*\[[^\]]*\]\((?P<path>[^)]*)\)\])\s*$", re.IGNORECASE)
CODE_LINE = re.compile(
    r"^\[!code(?:-(?P<lang>[^\[\s]+))?\s*\[(?P<name>[^\]]*)\]"
    r"\((?P<target>[^)\s]*)(?:\s+[\"'](?P<title>[^\"']*)[\"'])?\s*\)\]\s*$",
    re.IGNORECASE)
TRIPLE = re.compile(r"^(?P<colons>:{3,})\s*(?P<name>[A-Za-z][\w-]*)" + _ATTRS
                    + r"(?P<close>:{3,})?\s*$")
ATTR = re.compile(r"""(?P<key>[\w-]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'))?""")
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>.*)$")

# `:::name` markers that open a container closed by `:::name-end`.
CONTAINERS = frozenset({"row", "column", "zone"})


def attributes(text: str) -> dict[str, str]:
    """`key="value"` pairs (names lower-cased); a bare key has an empty value."""
    attrs: dict[str, str] = {}
    for found in ATTR.finditer(text):
        value = found["dq"] if found["dq"] is not None else found["sq"]
        attrs[found["key"].lower()] = value or ""
    return attrs


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _opens_container(text: str) -> re.Match[str] | None:
    found = TRIPLE.match(text)
    if found is None:
        return None
    name = found["name"].lower()
    if name in CONTAINERS:
        return found
    if name == "image" and attributes(found["attrs"]).get("type", "").lower() == "complex":
        return found
    return None


def _ends(text: str, name: str) -> bool:
    found = TRIPLE.match(text)
    return found is not None and found["name"].lower() == f"{name}-end"


def docfx_line(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """An include, a code snippet or an unknown `:::` line, alone on its line."""
    if state.is_code_block(start):
        return False
    text = _line(state, start)
    if not text.startswith(("[", ":")):
        return False
    kind = None
    if INCLUDE_LINE.match(text):
        kind = "include"
    elif CODE_LINE.match(text):
        kind = "code"
    elif (found := TRIPLE.match(text)) is not None and _opens_container(text) is None:
        name = found["name"].lower()
        if name == "image" and found["close"]:
            return False  # an image: read as inline text in its paragraph
        kind = "code-directive" if name == "code" and found["close"] else "directive"
    if kind is None:
        return False
    if silent:
        return True
    token = state.push("docfx_line", "", 0)
    token.map = [start, start + 1]
    token.meta = {"kind": kind, "text": text,
                  "col": state.bMarks[start] + state.tShift[start] - state.bMarks[start]}
    token.content = text
    state.line = start + 1
    return True


def docfx_container(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A `:::name ...` container up to its `:::name-end` marker (nesting counted)."""
    if state.is_code_block(start):
        return False
    opener = _opens_container(_line(state, start))
    if opener is None:
        return False
    if silent:
        return True
    name = opener["name"].lower()
    depth, line, closed, fence = 0, start, False, ""
    while True:
        line += 1
        if line >= end:
            break
        text = _line(state, line)
        if text and state.sCount[line] < state.blkIndent:
            break  # a less indented line ends the enclosing block, and this container
        if fence:
            if text.startswith(fence) and not text[len(fence):].strip(fence[0] + " \t"):
                fence = ""
            continue
        if (found := FENCE.match(text)) is not None:
            fence = found["fence"]
        elif (inner := _opens_container(text)) is not None and inner["name"].lower() == name:
            depth += 1
        elif _ends(text, name):
            if depth == 0:
                closed = True
                break
            depth -= 1
    body = [n for n in range(start + 1, line) if not state.isEmpty(n)]
    indent = min((state.sCount[n] for n in body), default=state.blkIndent)
    old = (state.parentType, state.lineMax, state.blkIndent)
    token = state.push("docfx_container_open", "div", 1)
    token.map = [start, line + 1 if closed else line]
    token.meta = {"name": name, "attrs": attributes(opener["attrs"]), "closed": closed,
                  "text": _line(state, start),
                  "col": state.bMarks[start] + state.tShift[start] - state.bMarks[start]}
    state.parentType = "docfx_container"
    state.lineMax = line
    state.blkIndent = max(state.blkIndent, indent)
    state.md.block.tokenize(state, start + 1, line)
    state.parentType, state.lineMax, state.blkIndent = old
    state.push("docfx_container_close", "div", -1)
    state.line = line + 1 if closed else line
    return True


def docfx_plugin(md: MarkdownIt) -> None:
    """Teach `md` DocFX's block syntax; both rules may interrupt a paragraph."""
    interrupts: RuleOptionsType = {"alt": ["paragraph", "reference", "blockquote", "list"]}
    md.block.ruler.before("fence", "docfx_container", docfx_container, interrupts)
    md.block.ruler.before("fence", "docfx_line", docfx_line, interrupts)
