"""Render (CommonMark blocks): Markdown read as CommonMark, written as Python-Markdown reads it.

Input: Markdown text (or its markdown-it-py syntax tree); output: Markdown whose block
structure under Python-Markdown (MkDocs with this project's extensions, `sane_lists`
among them) is the structure CommonMark (Markdig, DocFX's parser) gives the input.

CommonMark and Python-Markdown disagree on blocks: a list may interrupt a paragraph,
nested items sit at the parent's content column (2 or 3 spaces), lazy continuation
lines stay in their quote or item, ordered lists keep their start number. The text is
parsed with markdown-it-py (a CommonMark-exact parser) and every block is written out
again with the layout Python-Markdown needs: 4 spaces per nesting level, a blank line
around every block, `N.` markers. Inline text is copied as written (only each line's
leading indentation goes, which CommonMark ignores too), so links, emphasis and HTML
reach MkDocs unchanged.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.tree import SyntaxTreeNode

# Deeper nesting than this is read as text, as markdown-it does by default: it bounds the
# recursion of the writer (and of Python-Markdown after it).
MAX_NESTING = 40

# Lines Python-Markdown would read as a block although CommonMark reads them as paragraph
# text: ATX headings without a space (`#42`), admonitions, tabs, details, definitions.
_PARAGRAPH_TRAPS = re.compile(r"^(?:#|!!!|===|\?\?\?)")
_DEFINITION = re.compile(r"^:[ ]{1,3}")
_BACKTICKS = re.compile(r"`+")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)

Node = SyntaxTreeNode


def parser() -> MarkdownIt:
    """A CommonMark parser with pipe tables, as Markdig reads DocFX pages."""
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")
    md.block.ruler.at("table", markdig_table, {"alt": ["paragraph", "reference"]})
    return md


def markdig_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it-py's GFM table rule, with cells split as Markdig splits them: a `|`
    inside a code span belongs to the code (Markdig parses code spans before pipes; GFM
    splits the cell there). The rule reads `escapedSplit` from its module when it runs; the
    lock keeps threads that parse at once from restoring it under one another."""
    with _TABLE_LOCK:
        original = _table_rule.escapedSplit
        _table_rule.escapedSplit = markdig_cells
        try:
            return bool(_table_rule.table(state, start, end, silent))
        finally:
            _table_rule.escapedSplit = original


def markdig_cells(row: str) -> list[str]:
    """A table row's cells: split at each `|` that is neither escaped (`\\|`, read as `|`)
    nor inside a code span (a backtick run closed by the next run as long)."""
    cells: list[str] = []
    current: list[str] = []
    i, size = 0, len(row)
    while i < size:
        char = row[i]
        if char == "\\" and i + 1 < size:
            current.append("|" if row[i + 1] == "|" else row[i:i + 2])
            i += 2
        elif char == "`":
            opener = _BACKTICKS.match(row, i)
            run = opener.end() - i if opener else 1
            stop = _closing_run(row, i + run, run) or i + run
            current.append(row[i:stop])
            i = stop
        elif char == "|":
            cells.append("".join(current))
            current = []
            i += 1
        else:
            current.append(char)
            i += 1
    cells.append("".join(current))
    return cells


# The module of markdown-it-py's table rule (the package exports the rule under its name).
_table_rule: Any = importlib.import_module("markdown_it.rules_block.table")
_TABLE_LOCK = threading.Lock()
_PARSER = parser()


def parse(text: str, md: MarkdownIt | None = None) -> tuple[Node, dict[str, Any]]:
    """The syntax tree of `text` and its environment (link reference definitions)."""
    env: dict[str, Any] = {}
    tokens = (md or _PARSER).parse(text, env)
    return SyntaxTreeNode(tokens), env


def to_python_markdown(text: str) -> str:
    """`text` read as CommonMark, written for Python-Markdown (no DocFX constructs)."""
    tree, env = parse(text)
    writer = Writer()
    lines = writer.document(tree, env)
    return "\n".join(lines) + "\n" if lines else ""


def indent(lines: Sequence[str], pad: str = "    ") -> list[str]:
    """Every non-blank line prefixed with `pad`; blank lines stay empty."""
    return [pad + line if line else "" for line in lines]


def join_blocks(blocks: Sequence[list[str]]) -> list[str]:
    """Blocks one after another, a blank line between two."""
    out: list[str] = []
    for block in blocks:
        if not block:
            continue
        if out:
            out.append("")
        out.extend(block)
    return out


def fence_for(content: str, char: str = "`", least: int = 3) -> str:
    """A fence longer than any run of `char` in `content`."""
    runs = [len(m) for m in re.findall(re.escape(char) + "+", content)]
    return char * max([least, *(n + 1 for n in runs)])


def escape_cell(text: str) -> str:
    """A table cell's text with `|` escaped outside code spans (Python-Markdown splits there)."""
    out, pos = [], 0
    for span in _CODE_SPAN.finditer(text):
        out.append(text[pos:span.start()].replace("|", "\\|"))
        out.append(span.group())
        pos = span.end()
    out.append(text[pos:].replace("|", "\\|"))
    return "".join(out)


# CommonMark lets a backslash escape any ASCII punctuation; Python-Markdown only some of it
# and shows the backslash before the rest (`\<b\>` would even read as an HTML tag there).
_UNESCAPED = frozenset("\"$%&',/:;<=?@^~")
_REFERENCES = {"<": "&lt;", "&": "&amp;", '"': "&quot;"}
# Where a backslash is no escape: raw HTML, autolinks and link destinations.
_RAW = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*"  # autolink
    r"|/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|!--.*?--)>"  # tag or comment
    r"|\]\((?:<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)", re.DOTALL)


def python_markdown_escapes(text: str) -> str:
    """Inline text written so that Python-Markdown reads it as CommonMark does.

    Each backslash escape Python-Markdown does not know (`\\<`, `\\&`, `\\"`, `\\$` ...)
    becomes a character reference, a backslash ending a line (CommonMark's hard line
    break) becomes Python-Markdown's two spaces, and the `[` of a link CommonMark does not read (a
    destination with a space in it: `[a](b c)`) is escaped. Code spans (a backtick run up
    to the next run as long, across lines), raw HTML, autolinks and link destinations are
    copied as they are.
    """
    if "\\" not in text and "](" not in text:
        return text
    out: list[str] = []
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char == "\\" and i + 1 < size:
            follower = text[i + 1]
            if follower in _UNESCAPED:
                out.append(_REFERENCES.get(follower, f"&#{ord(follower)};"))
            elif follower == "\n":  # a hard line break; Python-Markdown's is two spaces
                out.append("  \n")
            else:
                out.append(text[i:i + 2])
            i += 2
        elif char == "`":
            opener = _BACKTICKS.match(text, i)
            run = opener.end() - i if opener else 1
            end = _closing_run(text, i + run, run)
            stop = end if end is not None else i + run
            out.append(text[i:stop])
            i = stop
        elif char in "<]" and (raw := _RAW.match(text, i)) is not None:
            out.append(raw.group())
            i = raw.end()
        else:
            out.append("\\[" if char == "[" and _unread_link(text, i) else char)
            i += 1
    return "".join(out)


def _unread_link(text: str, start: int) -> bool:
    """Whether `[` at `start` opens `[text](destination ...)` that Python-Markdown reads
    as a link and CommonMark does not: a space in a destination not followed by a title."""
    depth, i, size = 0, start, len(text)
    while i < size:  # the matching ']'
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "`":
            opener = _BACKTICKS.match(text, i)
            run = opener.end() - i if opener else 1
            i = _closing_run(text, i + run, run) or i + run
            continue
        depth += {"[": 1, "]": -1}.get(char, 0)
        i += 1
        if depth == 0:
            break
    if depth or not text.startswith("(", i):
        return False
    i += 1
    while i < size and text[i] in " \t\n":
        i += 1
    if text.startswith("<", i):
        return False
    parens = 0
    while i < size and not text[i].isspace():  # the destination
        if text[i] == "\\":
            i += 1
        elif text[i] == "(":
            parens += 1
        elif text[i] == ")":
            if not parens:
                return False
            parens -= 1
        i += 1
    while i < size and text[i] in " \t\n":
        i += 1
    return i < size and text[i] not in "\"')"


def _closing_run(text: str, start: int, length: int) -> int | None:
    """The end of the next run of exactly `length` backticks from `start`, if any."""
    for found in _BACKTICKS.finditer(text, start):
        if len(found.group()) == length:
            return found.end()
    return None


def paragraph_line(line: str) -> str:
    """One line of paragraph text, without the indentation, made safe for Python-Markdown."""
    line = line.lstrip(" \t")
    if _PARAGRAPH_TRAPS.match(line):
        # Python-Markdown unescapes `\#` and `\!`; `=` and `?` need a character reference.
        return {"=": "&#61;", "?": "&#63;"}.get(line[0], "\\" + line[0]) + line[1:]
    if _DEFINITION.match(line):
        return "&#58;" + line[1:]
    return line


class Writer:
    """Writes a markdown-it-py syntax tree as Python-Markdown Markdown.

    Subclasses add block types (`custom`), change inline text (`inline_lines`) and heading
    ids (`heading_id`); the layout rules stay here.
    """

    def document(self, tree: Node, env: dict[str, Any]) -> list[str]:
        """The blocks of a whole document, then its link reference definitions."""
        lines = self.blocks(tree.children)
        refs = [self.reference(label, ref) for label, ref in env.get("references", {}).items()]
        return join_blocks([lines, refs])

    # Sequences of blocks ---------------------------------------------------------------

    def blocks(self, nodes: Sequence[Node]) -> list[str]:
        """Sibling blocks, a blank line between two, a separator where Python-Markdown
        would merge two lists or quotes that CommonMark keeps apart."""
        out: list[list[str]] = []
        previous: Node | None = None
        for node, lines in self.rendered(nodes):
            if not lines:
                continue
            if previous is not None and node is not None and _merges(previous, node) \
                    and _kind(out[-1]) == _kind(lines):
                out.append(["<!-- -->"])
            out.append(lines)
            previous = node
        return join_blocks(out)

    def rendered(self, nodes: Sequence[Node]) -> Iterator[tuple[Node | None, list[str]]]:
        """Each block with its lines (None for lines that stand for several blocks)."""
        for node in nodes:
            yield node, self.block(node)

    def block(self, node: Node) -> list[str]:
        handler: Callable[[Node], list[str]] | None = getattr(self, f"_{node.type}", None)
        if handler is not None:
            return handler(node)
        return self.custom(node)

    def custom(self, node: Node) -> list[str]:
        """A block type this writer does not know: its source text, unchanged."""
        return [line for line in node.content.split("\n")] if node.content else []

    # Leaf blocks -----------------------------------------------------------------------

    def inline_lines(self, node: Node, where: str) -> list[str]:
        """The text of an inline node, line by line (`where`: paragraph, heading or cell)."""
        return python_markdown_escapes(node.content).split("\n")

    def _paragraph(self, node: Node) -> list[str]:
        lines = self.inline_lines(node.children[0], "paragraph") if node.children else []
        return [paragraph_line(line) for line in lines]

    def heading_id(self, node: Node) -> str | None:
        """The id a heading is given (None: the one Python-Markdown's toc makes)."""
        return None

    def _heading(self, node: Node) -> list[str]:
        level = int(node.tag[1])
        lines = self.inline_lines(node.children[0], "heading") if node.children else []
        text = " ".join(line.strip() for line in lines if line.strip())
        given = self.heading_id(node)
        if not text:  # Python-Markdown would show an attribute list alone as the text
            attribute = f' id="{given}"' if given else ""
            return [f"<h{level}{attribute}></h{level}>"]
        suffix = f" {{ #{given} }}" if given else ""
        if not suffix and text.endswith("#"):
            text = text[:-1] + "\\#"  # Python-Markdown drops a closing '#' even without a space
        return [f"{'#' * level} {text}{suffix}".rstrip()]

    def _hr(self, node: Node) -> list[str]:
        return ["***"]  # not '---', which opens front matter at the top of a page

    def _fence(self, node: Node) -> list[str]:
        content = node.content
        char = node.markup[0] if node.markup else "`"
        fence = fence_for(content, char, max(3, len(node.markup)))
        body = content[:-1] if content.endswith("\n") else content
        info = node.info.strip()
        return [f"{fence}{info}", *(body.split("\n") if content else []), fence]

    def _code_block(self, node: Node) -> list[str]:
        content = node.content
        fence = fence_for(content)
        body = content[:-1] if content.endswith("\n") else content
        return [fence + "text", *body.split("\n"), fence]

    def _html_block(self, node: Node) -> list[str]:
        content = node.content[:-1] if node.content.endswith("\n") else node.content
        return content.split("\n")

    def _table(self, node: Node) -> list[str]:
        rows: list[list[str]] = []
        aligns: list[str] = []
        for section in node.children:
            for row in section.children:
                cells = []
                for cell in row.children:
                    if section.type == "thead":
                        style = str(cell.attrs.get("style", ""))
                        aligns.append(style.removeprefix("text-align:"))
                    text = " ".join(line.strip() for line in self.inline_lines(
                        cell.children[0], "cell") if line.strip()) if cell.children else ""
                    cells.append(escape_cell(text))
                rows.append(cells)
        if not rows:
            return []
        delimiter = {"left": ":---", "center": ":---:", "right": "---:"}
        lines = ["| " + " | ".join(rows[0]) + " |",
                 "| " + " | ".join(delimiter.get(a, "---") for a in aligns) + " |"]
        lines.extend("| " + " | ".join(cells) + " |" for cells in rows[1:])
        return lines

    # Containers ------------------------------------------------------------------------

    def _blockquote(self, node: Node) -> list[str]:
        return self.quote(self.blocks(node.children))

    @staticmethod
    def quote(lines: Sequence[str]) -> list[str]:
        return [f"> {line}" if line else ">" for line in lines]

    def _bullet_list(self, node: Node) -> list[str]:
        return self.list_items(node, [f"{node.markup or '-'} "] * len(node.children))

    def _ordered_list(self, node: Node) -> list[str]:
        start = int(str(node.attrs.get("start", 1)))
        return self.list_items(node, [f"{start + k}. " for k in range(len(node.children))])

    def list_items(self, node: Node, markers: Sequence[str]) -> list[str]:
        """Items at 4 spaces; tight (no blank lines) only where Python-Markdown keeps it so."""
        tight = all(_simple_item(item) for item in node.children)
        out: list[str] = []
        for marker, item in zip(markers, node.children, strict=True):
            if out and not tight:
                out.append("")
            out.extend(self.list_item(item, marker, tight))
        return out

    def list_item(self, item: Node, marker: str, tight: bool) -> list[str]:
        children = item.children
        if not children:
            return [marker]
        first, rest = children[0], children[1:]
        if first.type == "paragraph":
            head = self.block(first)
            lines = [marker + head[0], *indent(head[1:])]
            if rest:
                body = self.blocks(rest)
                lines.extend([*([] if tight else [""]), *indent(body)])
            return lines
        # A quote, fence, alert or heading first: Python-Markdown needs it on its own lines.
        return [marker, "", *indent(self.blocks(children))]

    # Link reference definitions --------------------------------------------------------

    def reference(self, label: str, ref: dict[str, Any]) -> str:
        href = str(ref.get("href", ""))
        title = str(ref.get("title", "") or "")
        target = f"<{href}>" if (not href or re.search(r"[\s()<>]", href)) else href
        shown = " ".join(label.lower().split()).replace("[", "\\[").replace("]", "\\]")
        if title:
            escaped = title.replace("\\", "\\\\").replace('"', '\\"')
            return f'[{shown}]: {target} "{escaped}"'
        return f"[{shown}]: {target}"


def _simple_item(item: Node) -> bool:
    """An item Python-Markdown keeps tight: one paragraph, maybe a list of such items."""
    kinds = [child.type for child in item.children]
    if kinds in ([], ["paragraph"]):
        return True
    if len(kinds) == 2 and kinds[0] == "paragraph" and kinds[1] in ("bullet_list",
                                                                     "ordered_list"):
        return all(_simple_item(child) for child in item.children[1].children)
    return False


def _kind(lines: Sequence[str]) -> str:
    """What Python-Markdown will read written lines as: a quote, a list or something else."""
    first = lines[0] if lines else ""
    if first.startswith(">"):
        return "quote"
    if re.match(r"[-*+] ", first):
        return "ul"
    if re.match(r"\d+\. ", first):
        return "ol"
    return "other"


def _merges(previous: Node, node: Node) -> bool:
    """Whether Python-Markdown would join two sibling blocks that CommonMark keeps apart."""
    if previous.type == node.type and node.type in ("bullet_list", "ordered_list",
                                                     "blockquote"):
        return True
    return False
