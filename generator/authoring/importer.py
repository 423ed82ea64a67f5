"""Import (`kb import docfx`): a DocFX troubleshooting article turned into a catalogue topic.

Input: the article's Markdown (front matter, headings with their `<a name>` anchors,
moniker zones, includes, alerts, numbered steps, messages in code spans) and the
products; output: the topic's files as formatted text (topic, one entry per error,
copied images) and a diagnostic, with its line, for everything that could not be mapped.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from ..catalogue.fields import ID_RE
from ..catalogue.load import topic_folders
from ..catalogue.model import slug as model_slug
from ..core.diagnostics import Diagnostic, Diagnostics, Loc
from ..core.project import TOPIC_FILE, Project
from ..core.versions import Products, Range, RangeError, parse_range
from ..features.registry import FEATURES
from ..markdown import docfx
from ..site.checks import load_checked
from . import tables
from .fmt import dump, modeline, write_atomic
from .sources import LINK, Refused, boundary_of, safe_path

HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$")
ANCHOR = re.compile(r"""^\s*<a\s+(?:name|id)\s*=\s*["'](?P<id>[^"']+)["']\s*>\s*</a>\s*$""",
                    re.IGNORECASE)
LIST_ITEM = re.compile(r"^(?P<indent> {0,3})(?P<marker>[-*+]|\d{1,9}[.)])(?P<space> +|$)")
IMAGE_DIRECTIVE = re.compile(r"(?P<head>:::image\b[^\n]*?\bsource\s*=\s*\")(?P<source>[^\"]*)\""
                             r"(?P<tail>[^\n]*?:::)", re.IGNORECASE)
CODE_SPAN = re.compile(r"(?<!`)`(?P<text>[^`\n]+)`(?!`)")
CODE = re.compile(r"\b[A-Z]{2,}\d{3,}\b")
# A Windows error code as it is shown (HRESULT, NTSTATUS): what users search by.
HEX_CODE = re.compile(r"\b0[xX][0-9A-Fa-f]{8}\b")
# The same without its 0x, as Windows Update shows it (80072EE6, C004D307): a failure's code
# (its first digit 8 or C) with a letter among its digits, so no plain number.
BARE_HEX_CODE = re.compile(r"(?<![\w-])(?=[0-9A-Fa-f]*[A-Fa-f])[8Cc][0-9A-Fa-f]{7}(?![\w-])")
# What a table's column of codes holds when it holds a code (else it holds messages).
TABLE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# A line of a block quote, also one that opens a list item (`- > message`).
QUOTE_LINE = re.compile(r"^\s*(?:(?:[-*+]|\d{1,9}[.)])\s+)?>\s?(?P<body>.*)$")
# A DocFX directive (`:::image ...:::`): its quoted attributes are no text readers see.
DIRECTIVE_LINE = re.compile(r"^\s*(?:>\s*)*:::")
# Emphasis marks: asterisks, and underscores not inside a word (ERROR_ACCESS_DENIED keeps its).
EMPHASIS = re.compile(r"\*{1,2}|(?<!\w)_{1,2}|_{1,2}(?!\w)")
OLD_ALERT = re.compile(r"^\*\*(?P<kind>NOTE|TIP|IMPORTANT|CAUTION|WARNING)\*\*:?\s*(?P<rest>.*)$",
                       re.IGNORECASE)
QUESTION_WORDS = ("what", "how", "why", "when", "where", "which", "who", "can", "do", "does",
                  "is", "are", "should")
SECTION_TITLES = ("related articles", "related content", "see also", "next steps",
                  "prerequisites", "overview", "in this article", "more information",
                  "additional resources", "summary", "introduction")
REMEDY = re.compile(r"\b(resolve|fix|solve|workaround|to do so|follow these steps|as follows|"
                    r"alternatively|you can also|try)\b", re.IGNORECASE)
GENERIC_LEAD = re.compile(r"^(to (resolve|fix|solve|work around) (this|these|the|it)( (issue|"
                          r"issues|error|errors|problem|problems))?)[.:]?$", re.IGNORECASE)
TAKES_EFFECT = re.compile(r"\b(minutes?|hours?|days?|takes? effect|propagat)", re.IGNORECASE)
# `:::no-loc text="...":::` only tells translators to leave a word alone: the word stays.
NO_LOC = re.compile(r""":::no-loc\s+text\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')\s*:::""",
                    re.IGNORECASE)
ALERT_TYPES = ("note", "tip", "important", "caution", "warning")


class ImportError_(ValueError):
    """The import cannot go on; carries the diagnostics that say why."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        super().__init__("; ".join(d.format() for d in diagnostics))
        self.diagnostics = list(diagnostics)


@dataclass(frozen=True)
class Line:
    """A line of the article: its 1-based number there, and its text."""

    number: int
    text: str


@dataclass
class Node:
    """A heading of the article with the lines under it, before the next heading."""

    level: int
    title: str
    line: int
    anchor: str = ""
    zones: tuple[str, ...] = ()  # ranges of the zones open at the heading
    body: list[Line] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    id: str = ""
    aliases: tuple[str, ...] = ()
    role: str = ""  # what the article says the heading is, when its title does not


@dataclass(frozen=True)
class Block:
    """A Markdown block of a structured body, with the zone ranges around it."""

    kind: str  # "paragraph", "list", "quote", "fence", "other"
    lines: tuple[Line, ...]
    zones: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass
class Imported:
    """The result: files (repository-relative path -> text or bytes) and what to report."""

    topic: str
    files: dict[str, str | bytes]
    entries: list[str]
    sections: int
    diagnostics: Diagnostics
    article: Path | None = None
    article_rel: str = ""
    report: dict[str, list[str]] = field(default_factory=dict)  # entry id -> what to review
    data: dict[str, dict[str, Any]] = field(default_factory=dict)  # entry file -> its data
    originals: dict[str, str] = field(default_factory=dict)  # message -> the article's text


def slug(text: str) -> str:
    """The anchor DocFX (GitHub style) gives a heading."""
    text = LINK.sub(lambda m: m["text"], text)
    text = re.sub(r"<[^>]+>", "", text).replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def plain_title(text: str) -> str:
    """A heading's text without Markdown links, images, HTML or emphasis marks."""
    text = LINK.sub(lambda m: "" if m["bang"] else m["text"], text)
    # HTML goes; an escaped `\<SkipRearm>` is text readers see, and stays (as `<SkipRearm>`),
    # and so does what a code span holds (`#include <cstdlib>`).
    text = re.sub(r"(`[^`\n]+`)|(\\?)(<[^>]+>)",
                  lambda m: m[1] or (m[3] if m[2] else ""), text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    # Emphasis: `*x*` also inside a word (krbtgt_*#####*), `_x_` only around words.
    text = re.sub(r"\*(?=\S)([^*\n]*?\S)\*", r"\1", text)
    text = re.sub(r"(?<!\w)_(?=\S)([^_\n]*?\S)_(?!\w)", r"\1", text)
    return " ".join(text.split())


def range_text(monikers: frozenset[str], products: Products) -> str:
    """A short DocFX range selecting exactly `monikers` ('' for every version)."""
    if monikers == products.everything().monikers:
        return ""
    parts = []
    for product in products.products:
        names = [m.name for m in product.monikers]
        run: list[str] = []
        for name in [*names, ""]:
            if name and name in monikers:
                run.append(name)
                continue
            if run:
                first, last = names.index(run[0]), names.index(run[-1])
                if len(run) == 1:
                    parts.append(run[0])
                elif first == 0 and last == len(names) - 1:
                    parts.append(f">= {run[0]}")
                elif first == 0:
                    parts.append(f"<= {run[-1]}")
                elif last == len(names) - 1:
                    parts.append(f">= {run[0]}")
                else:
                    parts.append(f">= {run[0]} <= {run[-1]}")
                run = []
    return " || ".join(parts)


class Importer:
    """One article's import: reading, mapping, and the problems found on the way."""

    def __init__(self, project: Project, article: Path, topic: str, products: Products,
                 base_url: str = ""):
        self.project = project
        self.article = article
        self.rel = _shown(project, article)
        self.topic = topic
        self.products = products
        self.base_url = base_url
        self.diagnostics = Diagnostics()
        self.files: dict[str, str | bytes] = {}
        self.anchors: set[str] = set()
        self.report: dict[str, list[str]] = {}
        self.boundary = boundary_of(article)
        self.originals: dict[str, str] = {}

    # Reporting -------------------------------------------------------------------------

    def unmapped(self, line: int, subject: str, message: str, suggestion: str = "",
                 path: str = "") -> None:
        self.diagnostics.warning(Loc(path or self.rel, line, 1 if line else 0), subject,
                                 message, suggestion)

    # Reading ---------------------------------------------------------------------------

    def read(self) -> tuple[dict[str, object], Node]:
        text = self.article.read_text(encoding="utf-8").replace("\r\n", "\n")
        try:
            meta, body, skipped = self.front_matter(text)
        except docfx.FrontMatterError as err:
            problem = Diagnostics()
            problem.error(Loc(self.rel, err.line, 1), "front matter", err.message,
                          "fix the YAML between the '---' lines")
            raise ImportError_(problem.items) from err
        lines = [Line(skipped + index + 1, t) for index, t in enumerate(body.split("\n"))]
        return meta, self._tree(lines)

    def front_matter(self, text: str) -> tuple[dict[str, object], str, int]:
        """The front matter; a key written twice keeps its last value, as DocFX does."""
        read = docfx.read_front_matter(text)
        if not read.repeated:
            return read.data, read.body, read.removed
        lines = text.split("\n")
        end = next(i for i in range(1, len(lines)) if docfx.FRONT_MATTER_END.match(lines[i]))
        last: dict[str, int] = {}
        for index in range(1, end):
            found = re.match(r"^([A-Za-z_][\w.-]*)\s*:", lines[index])
            if found:
                last[found[1]] = index
        for index in range(1, end):
            found = re.match(r"^([A-Za-z_][\w.-]*)\s*:", lines[index])
            if found and last[found[1]] != index:
                self.unmapped(index + 1, "front matter", f"key '{found[1]}' is repeated; the "
                              "last value is kept, as DocFX does")
        return read.data, read.body, read.removed

    def _tree(self, lines: list[Line]) -> Node:
        root = Node(0, "", 0)
        stack = [root]
        zones: list[tuple[int, str, bool]] = []  # colons, range, valid
        pending: Line | None = None
        fenced = docfx._fenced([line.text for line in lines])
        tabs = 0  # the level of the open tab set's `# [Title](#tab/id)` headings, or 0
        for line, in_fence in zip(lines, fenced, strict=True):
            heading = None if in_fence else HEADING.match(line.text)
            tabs, in_tabs = _tab_set(tabs, heading, line.text, in_fence)
            if in_tabs:  # a tab set is text of the section it is in
                stack[-1].body.append(line)
                continue
            if pending is not None and line.text.strip() and heading is None \
                    and not ANCHOR.match(line.text):
                self.unmapped(pending.number, "anchor",
                              f"anchor '{ANCHOR.match(pending.text)['id']}' is not "  # type: ignore[index]
                              "right before a heading; it was dropped",
                              "link to the heading's id instead")
                pending = None
            if not in_fence and ANCHOR.match(line.text):
                pending = line
                continue
            marker = None if in_fence else docfx.ZONE.match(line.text)
            if marker is not None:
                keep = self._zone_marker(marker, line, zones)
                if keep:
                    stack[-1].body.append(line)
                continue
            if heading is None:
                stack[-1].body.append(line)
                continue
            level = len(heading["hashes"])
            anchor = ANCHOR.match(pending.text)["id"] if pending else ""  # type: ignore[index]
            pending = None
            title = heading["title"].strip()
            # `## <a id="x"></a>Title`: the anchor is the heading's, the title the rest.
            inline = INLINE_ANCHOR.match(title)
            if inline is not None:
                anchor, title = anchor or inline["id"], title[inline.end():].strip()
            node = Node(level, title, line.number, anchor,
                        tuple(r for _, r, valid in zones if valid))
            while stack[-1].level >= level and stack[-1] is not root:
                stack.pop()
            stack[-1].children.append(node)
            stack.append(node)
        for colons, _range, valid in zones:
            if valid:
                self.unmapped(0, "moniker zone",
                              f"a zone opened with {colons} colons is not closed; it ends at "
                              "the end of the article")
        return root

    def _zone_marker(self, marker: re.Match[str], line: Line,
                     zones: list[tuple[int, str, bool]]) -> bool:
        """Track zones; False for the markers of zones whose range is not valid (dropped)."""
        colons = len(marker["colons"])
        if marker["keyword"].lower() == "moniker-end":
            if not zones:
                self.unmapped(line.number, "moniker zone", "'moniker-end' closes no zone; "
                              "it was dropped")
                return False
            return zones.pop()[2]
        text = _zone_range(marker)
        try:
            parse_range(text, self.products)
        except RangeError as err:
            self.unmapped(line.number, "moniker zone",
                          f"zone range '{text}' cannot be mapped: {err.message}",
                          "its content shows in every version; add applies_to by hand")
            zones.append((colons, text, False))
            return False
        zones.append((colons, text, True))
        return True

    # Ids -------------------------------------------------------------------------------

    def assign_ids(self, nodes: Sequence[Node]) -> None:
        """Each heading's id (its `<a name>`, else its slug) and aliases (the slug)."""
        slugs: dict[str, int] = {}
        for node in _walk(nodes):
            base = slug(node.title) or "section"
            count = slugs.get(base, 0)
            slugs[base] = count + 1
            own_slug = base if count == 0 else f"{base}-{count}"
            ident = node.anchor or own_slug
            if not ID_RE.match(ident):
                fixed = re.sub(r"[^A-Za-z0-9_-]", "-", ident)
                fixed = fixed if re.match(r"[A-Za-z]", fixed) else f"x-{fixed}"
                self.unmapped(node.line, f"heading '{plain_title(node.title)}'",
                              f"'{ident}' is not a valid id; it became '{fixed}'",
                              "links to the old anchor no longer land; add it by hand if "
                              "needed")
                ident = fixed
            node.id = ident
            node.aliases = (own_slug,) if own_slug != ident and ID_RE.match(own_slug) else ()
        seen: set[str] = set()
        for node in _walk(nodes):
            if node.id in seen:
                node.id = f"{node.id}-{node.line}"
                self.unmapped(node.line, f"heading '{plain_title(node.title)}'",
                              f"its anchor is used twice; it became '{node.id}'")
            seen.add(node.id)
        for node in _walk(nodes):
            kept = tuple(a for a in node.aliases if a not in seen)
            for alias in node.aliases:
                if alias not in kept:
                    self.unmapped(node.line, f"heading '{plain_title(node.title)}'",
                                  f"alias '{alias}' is already an id on the page; it was dropped")
            node.aliases = kept
            seen.update(kept)
        self.anchors = seen

    # Markdown --------------------------------------------------------------------------

    def markdown(self, lines: Sequence[Line], balance: bool = True) -> str:
        """Lines of a body as catalogue Markdown: includes, links and images mapped."""
        out: list[str] = []
        stack: list[str] = []
        fenced = docfx._fenced([line.text for line in lines])
        for line, in_fence in zip(lines, fenced, strict=True):
            if in_fence:
                out.append(line.text)
                continue
            marker = docfx.ZONE.match(line.text)
            if marker is not None and balance:
                if marker["keyword"].lower() == "moniker-end":
                    if not stack:
                        continue  # closes a zone opened before this part: its range is set
                    stack.pop()
                else:
                    stack.append(marker["colons"])
                out.append(line.text.strip())
                continue
            out.extend(self._line(line))
        for colons in reversed(stack):
            out.append(f"{colons} moniker-end")
        return _tidy(out)

    def _line(self, line: Line) -> list[str]:
        include = docfx.BLOCK_INCLUDE.match(line.text)
        if include is not None:
            return self._include(include["path"], line, include["indent"])
        text = docfx.INLINE.sub(lambda m: self._inline(m, line), line.text) \
            if "[!include" in line.text.lower() else line.text
        text = NO_LOC.sub(lambda m: m["dq"] if m["dq"] is not None else m["sq"], text)
        text = LINK.sub(lambda m: self._link(m, line), text)
        text = IMAGE_DIRECTIVE.sub(lambda m: self._image_directive(m, line), text)
        if "\0" in text:
            text = text.replace("\0", "")
            if not text.strip():
                return []
        return [text]

    def _include(self, written: str, line: Line, indent: str, depth: int = 0,
                 base: Path | None = None) -> list[str]:
        refusal = ""
        lexical = (base or self.article).parent / written.strip().strip("<>")
        try:
            path = safe_path(base or self.article, written, self.boundary)
        except Refused as err:
            path = lexical  # a file that is not there is reported as missing below
            if err.absolute or lexical.exists() or lexical.is_symlink():
                refusal = str(err)
        if refusal:
            problem = Diagnostics()
            problem.error(Loc(self.rel, line.number, 1), "include", f"refused: {refusal}",
                          "copy the text into the article, or include a file inside the "
                          "source folder")
            raise ImportError_(problem.items) from None
        if Path(written).name.startswith("version-"):
            self.unmapped(line.number, "include",
                          f"version banner '{written}' was dropped: the site's version "
                          "selector shows the version")
            return []
        if not path.is_file():
            self.unmapped(line.number, "include",
                          f"include '{written}' was not found beside the article; it was "
                          "dropped", "copy its text into the topic by hand if it matters")
            return []
        if depth > 8:
            self.unmapped(line.number, "include", f"includes nest too deep at '{written}'")
            return []
        try:
            _, body, _ = docfx.split_front_matter(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, docfx.FrontMatterError) as err:
            self.unmapped(line.number, "include", f"include '{written}' cannot be read: {err}")
            return []
        out: list[str] = []
        for text in body.strip("\n").split("\n"):
            nested = docfx.BLOCK_INCLUDE.match(text)
            if nested is not None:
                out.extend(self._include(nested["path"], line, indent, depth + 1, path))
            else:
                mapped = LINK.sub(lambda m: self._link(m, line), text)
                out.append(indent + mapped if mapped.strip() else "")
        return ["", *out, ""]

    def _inline(self, found: re.Match[str], line: Line) -> str:
        if not found["include"]:
            return found.group()
        lines = self._include(found["path"], line, "")
        return " ".join(text.strip() for text in lines if text.strip())

    def _link(self, found: re.Match[str], line: Line) -> str:
        target = found["target"].strip("<>")
        text = found["text"]
        if found["bang"]:
            return self._image(found, target, line)
        if target.startswith("#"):
            if target[1:] not in self.anchors and not target.startswith("#tab/"):
                self.unmapped(line.number, "link",
                              f"link to '{target}' matches no heading of the article",
                              "check the anchor after the import")
            return found.group()
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            return found.group()
        if self.base_url:
            absolute = urljoin(self.base_url, target)
            absolute = re.sub(r"\.md(?=$|[#?])", "", absolute)
            return f"[{text}]({absolute}{found['title'] or ''})"
        self.unmapped(line.number, "link",
                      f"link '{target}' points into the article's old site; only its text "
                      "was kept", "pass --base-url with the article's address to keep links")
        return text

    def _image(self, found: re.Match[str], target: str, line: Line) -> str:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            return found.group()
        copied = self._copy_media(target, line)
        if copied is None:
            return "\0" if found.group().strip() == line.text.strip() else ""
        return f"![{found['text']}]({copied}{found['title'] or ''})"

    def _image_directive(self, found: re.Match[str], line: Line) -> str:
        copied = self._copy_media(found["source"], line)
        if copied is None:
            return "\0"
        return f"{found['head']}{copied}\"{found['tail']}"

    def _copy_media(self, target: str, line: Line) -> str | None:
        """Copy an image beside the article into content/media/<topic>/; its new path."""
        source = (self.article.parent / target.split("#")[0].split("?")[0]).resolve()
        if not source.is_file():
            self.unmapped(line.number, "image",
                          f"image '{target}' was not found beside the article; it was "
                          "dropped", "add it under content/media/ and link it by hand")
            return None
        rel = f"media/{self.topic}/{source.name}"
        self.files[f"content/{rel}"] = source.read_bytes()
        return rel

    # Structure -------------------------------------------------------------------------

    def blocks(self, lines: Sequence[Line], node: Node) -> list[Block]:
        """A body as blocks, zone markers removed and remembered on each block."""
        blocks: list[Block] = []
        zones: list[str] = []
        current: list[Line] = []
        kind = ""
        closed_at = 0  # where a zone opened before the heading ended, if it did
        fenced = docfx._fenced([line.text for line in lines])

        def flush() -> None:
            nonlocal current, kind
            if current and any(line.text.strip() for line in current):
                blocks.append(Block(kind, tuple(_rstrip_blank(current)), tuple(zones)))
            current, kind = [], ""

        tabs = 0  # the level of the open tab set's headings, or 0
        for line, in_fence in zip(lines, fenced, strict=True):
            text = line.text
            was, heading = tabs, None if in_fence else HEADING.match(text)
            tabs, in_tabs = _tab_set(tabs, heading, text, in_fence)
            if in_tabs:  # a tab set is one block
                if not was:
                    flush()
                    kind = "tabs"
                current.append(line)
                if not tabs:
                    flush()
                continue
            if was:
                flush()
            marker = None if in_fence else docfx.ZONE.match(text)
            if marker is not None:
                flush()
                if marker["keyword"].lower() == "moniker-end":
                    if zones:
                        zones.pop()
                    else:
                        closed_at = line.number
                else:
                    zones.append(_zone_range(marker))
                continue
            if closed_at and text.strip():
                self.unmapped(closed_at, "moniker zone",
                              f"a zone around heading '{plain_title(node.title)}' ends inside "
                              "its text; the text after it keeps the zone's range")
                closed_at = 0
            if in_fence:
                if kind not in ("fence", "list"):
                    flush()
                    kind = "fence"
                current.append(line)
                continue
            if not text.strip():
                if kind in ("list",):
                    current.append(line)
                else:
                    flush()
                continue
            indent = len(text) - len(text.lstrip(" "))
            item = LIST_ITEM.match(text)
            if kind == "list":
                top_item = item is not None and indent <= 3
                if top_item or indent >= 2 or (current and current[-1].text.strip()):
                    if top_item and not _same_list(current, text):
                        flush()
                        kind = "list"
                    current.append(line)
                    continue
                flush()
            if item is not None:
                flush()
                kind = "list"
            elif text.lstrip().startswith(">"):
                if kind != "quote":
                    flush()
                    kind = "quote"
            elif kind not in ("paragraph",):
                flush()
                kind = "paragraph"
            current.append(line)
        flush()
        return blocks

    def list_items(self, block: Block) -> list[tuple[int, list[Line]]]:
        """The items of a list block: (first line number, lines without the marker)."""
        items: list[tuple[int, list[Line]]] = []
        width = 0
        for line in block.lines:
            item = LIST_ITEM.match(line.text)
            if item is not None and len(item["indent"]) <= 3 and \
                    (not items or len(item["indent"]) < width):
                width = item.end() if item["space"] else item.end() + 1
                items.append((line.number, [Line(line.number, line.text[item.end():])]))
                continue
            if not items:
                continue
            text = line.text
            strip = min(width, len(text) - len(text.lstrip(" ")))
            items[-1][1].append(Line(line.number, text[strip:]))
        return items

    def note(self, block: Block) -> dict[str, Any] | None:
        """An alert blockquote as a catalogue note, or None for other quotes."""
        body = [Line(line.number, re.sub(r"^\s*> ?", "", line.text)) for line in block.lines]
        first = next((i for i, line in enumerate(body) if line.text.strip()), None)
        if first is None:
            return None
        head = body[first].text.strip()
        alert = docfx.ALERT.match(head)
        if alert is not None and alert["kind"].lower() in ALERT_TYPES:
            rest = [Line(body[first].number, alert["rest"].strip()), *body[first + 1:]]
            kind = alert["kind"].lower()
        elif (old := OLD_ALERT.match(head)) is not None:
            rest = [Line(body[first].number, old["rest"]), *body[first + 1:]]
            kind = old["kind"].lower()
        else:
            return None
        text = self.markdown(rest)
        if not text.strip():
            return None
        return {"type": kind, "text": text + "\n" if "\n" in text else text}

    # Mapping ---------------------------------------------------------------------------

    def range_of(self, zones: Sequence[str], parent: Sequence[str]) -> str:
        """applies_to for a part inside `zones`, when it differs from its parent's."""
        own = [z for z in zones if z]
        mine = self._set(own)
        if mine == self._set([z for z in parent if z]):
            return ""
        extra = [z for z in own if z not in parent]
        if len(own) == 1 or (len(extra) == 1 and self._set([extra[0]]) == mine):
            return (extra or own)[0].strip()
        return range_text(mine, self.products)

    def _set(self, zones: Sequence[str]) -> frozenset[str]:
        result: Range = self.products.everything()
        for text in zones:
            try:
                result = Range("x", result.monikers & parse_range(text, self.products).monikers)
            except RangeError:
                continue
        return result.monikers

    def messages(self, lines: Sequence[Line]) -> list[str]:
        """The messages the lines show (see error_strings), as catalogue messages."""
        return self.templates(error_strings(lines))

    def templates(self, texts: Iterable[str]) -> list[str]:
        """Error strings as catalogue messages, each once, none that another one covers;
        the text each came from is kept for a retry without placeholders."""
        found: list[str] = []
        for text in texts:
            template = message_template(text)
            if template and template not in found and not _shadowed(template, found):
                found.append(template)
                self.originals[template] = " ".join(text.split())
        return [t for t in found if not _shadowed(t, [o for o in found if o != t])]

    def sample(self, template: str) -> str:
        """A text a message matches: the one the article shows, where each of its variable
        parts is a real value (a URL, an address, a time: what users see), else the message
        with typical values in its placeholders (the article names a part, `<UserName>`, or
        masks it, `xxxx`)."""
        original = self.originals.get(template)
        if original is not None and not ANGLE.search(original) and \
                not MASKED.search(original) and \
                all(re.fullmatch(r"[0-9A-Fa-f-]+", g) for g in GUID.findall(original)):
            return original
        return sample_of(template)

    def fixes(self, blocks: list[Block], base: Sequence[str], title: str
              ) -> tuple[list[str], list[dict[str, Any]]]:
        """Blocks of a cause: (paragraphs that describe the cause, its fixes)."""
        described: list[Block] = []
        fixes: list[dict[str, Any]] = []
        lead: list[Block] = []
        notes: list[dict[str, Any]] = []
        after: list[Block] = []
        for block in blocks:
            if block.kind == "quote" and (note := self.note(block)) is not None:
                rng = self.range_of(block.zones, base)
                if rng:
                    note["applies_to"] = rng
                if fixes and not lead:
                    note["position"] = "after"
                    fixes[-1].setdefault("notes", []).append(note)
                else:
                    notes.append(note)
                continue
            if block.kind == "list":
                fix = self._fix(lead, block, notes, base)
                fixes.append(fix)
                lead, notes, after = [], [], []
                continue
            if not fixes and not lead and not REMEDY.search(block.text) \
                    and not block.text.rstrip().endswith(":"):
                described.append(block)
                continue
            if fixes and not REMEDY.search(block.text) and not block.text.rstrip().endswith(":"):
                after.append(block)
                continue
            lead.append(block)
        if lead or notes:
            # Remedy text without a list: the text itself is the one step.
            steps_from = lead[-1:] if lead else described[-1:]
            described = described if lead else described[:-1]
            fixes.append(self._fix(lead[:-1], None, notes, base, steps_from))
        for block in after if fixes else []:
            text = self.markdown(block.lines)
            if TAKES_EFFECT.search(text) and "takes_effect" not in fixes[-1] \
                    and not LINK.search(text):
                fixes[-1]["takes_effect"] = " ".join(text.split())
            elif text.strip():
                fixes[-1].setdefault("notes", []).append(
                    {"type": "note", "text": text, "position": "after"})
        if not fixes:
            steps_from = described[-1:] or []
            described = described[:-1]
            # A cause has a fix: where the article gives none, its last paragraph is taken,
            # and the writer is told to check it.
            self.unmapped(steps_from[0].lines[0].number if steps_from else 0,
                          f"cause '{title}'",
                          "the article gives this cause no fix; "
                          + ("its last paragraph became the fix's step" if steps_from
                             else "its title became the fix's step"),
                          "write the fix (or turn the entry into one that names no cause)")
            fixes.append(self._fix([], None, notes, base, steps_from, fallback=title))
        return [self._zoned(b, base) for b in described], fixes

    def _zoned(self, block: Block, base: Sequence[str]) -> str:
        """A block's Markdown, inside its own zone when it differs from `base`."""
        text = self.markdown(block.lines)
        rng = self.range_of(block.zones, base)
        return f'::: moniker range="{rng}"\n\n{text}\n\n::: moniker-end' if rng else text

    def _fix(self, lead: list[Block], steps_block: Block | None, notes: list[dict[str, Any]],
             base: Sequence[str], steps_from: Sequence[Block] = (), fallback: str = ""
             ) -> dict[str, Any]:
        fix: dict[str, Any] = {"title": _fix_title([b.text for b in lead], "")}
        zones = [b.zones for b in [*lead, *([steps_block] if steps_block else []), *steps_from]]
        common = zones[0] if zones and all(z == zones[0] for z in zones) else tuple(base)
        rng = self.range_of(common, base)
        if rng:
            fix["applies_to"] = rng
        inner = tuple(common) if rng else tuple(base)
        description = "\n\n".join(self._zoned(b, inner) for b in lead)
        single = len(lead) == 1 and len(re.split(r"(?<=[.!?:])\s+", description.strip())) == 1
        if description and not GENERIC_LEAD.match(description.strip()) and not single:
            fix["description"] = description + "\n"
        if notes:
            fix["notes"] = notes
        steps: list[Any] = []
        if steps_block is not None:
            for number, lines in self.list_items(steps_block):
                text = _unwrap(self.markdown(lines))
                if not text.strip() or _only_leads(text):
                    continue
                step_range = self.range_of(steps_block.zones, inner)
                if "\n" in text:
                    text += "\n"
                steps.append({"text": text, "applies_to": step_range} if step_range else text)
                del number
        for block in steps_from:
            steps.append(self._zoned(block, inner))
        steps = [st for st in steps if (st["text"] if isinstance(st, dict) else st).strip()]
        if not fix["title"]:
            first = steps[0] if steps else ""
            first = first["text"] if isinstance(first, dict) else first
            fix["title"] = _step_title(first) or fallback or "Workaround"
        if not steps:
            steps.append(fix["title"])
        fix["steps"] = steps
        return fix

    def head(self, node: Node, base: Sequence[str]) -> dict[str, Any]:
        """The fields entries, causes and sections share: id, title, range, aliases."""
        title = plain_title(node.title) or _sentence("\n".join(
            line.text for line in node.body)) or node.id.replace("-", " ").capitalize()
        data: dict[str, Any] = {"id": node.id, "title": title}
        rng = self.range_of(node.zones, base)
        if rng:
            data["applies_to"] = rng
        if node.aliases:
            data["aliases"] = list(node.aliases)
        return data

    def entry(self, node: Node, base: Sequence[str]) -> dict[str, Any]:
        data = self.head(node, base)
        all_lines = [*node.body, *(line for child in _walk(node.children)
                                   for line in child.body)]
        messages = self.messages(all_lines)
        codes = codes_in([data["title"], *messages])
        if codes:
            data["codes"] = codes
        if messages:
            data["messages"] = messages
            data["samples"] = [self.sample(m) for m in messages]  # kb check --strict asks one
        else:
            self.unmapped(node.line, f"entry '{node.id}'",
                          "no error message in its code blocks, quotes or code spans; "
                          "'messages' is empty",
                          "add the message users see, verbatim, to 'messages'")
        causes = []
        if node.children:
            summary = self.markdown(node.body)
            if summary.strip():
                data["summary"] = summary + "\n"
            for child in node.children:
                causes.append(self.cause(child, node.zones))
        else:
            blocks = self.blocks(node.body, node)
            described, fixes = self.fixes(blocks, node.zones, data["title"])
            # A paragraph may come out empty (an include that was dropped): no summary of it.
            described = [text for text in described if text.strip()]
            first = _cause_title(_first_sentence(described[0], 400)) if described else ""
            cause: dict[str, Any] = {"id": f"{node.id}-cause",
                                     "title": first or data["title"], "fixes": fixes}
            if described:
                data["summary"] = "\n\n".join(described) + "\n"
            causes.append(cause)
        for cause in causes:
            # kb check --strict asks each cause for text that tells it apart: a generated
            # question, to reword, where the article gives none.
            if "description" not in cause or len(causes) > 1:
                cause["check"] = f"Does this apply: {cause['title'].rstrip('.')}?"
        data["causes"] = causes
        return data

    def table_entries(self, lines: list[Line], node: Node, base: Sequence[str],
                      taken: set[str]) -> tuple[list[Line], list[dict[str, Any]]]:
        """The lines without their tables of errors (see `tables`), and an entry for each
        row of those tables that names an error; `taken`: the ids the page has already
        (each entry's id and its cause's are added to it)."""
        found = tables.error_tables([line.text for line in lines])
        entries: list[dict[str, Any]] = []
        for table in found:
            zones = (*node.zones, *_zones_at(lines, table.first))
            for index, row in table.rows:
                entry = self.table_entry(table, lines[table.first].number, lines[index],
                                         row, zones, base, taken)
                if entry is not None:
                    entries.append(entry)
        dropped = {index for table in found for index in range(table.first, table.end)}
        return [line for index, line in enumerate(lines) if index not in dropped], entries

    def table_entry(self, table: tables.ErrorTable, first: int, line: Line,
                    row: Sequence[str], zones: Sequence[str], base: Sequence[str],
                    taken: set[str]) -> dict[str, Any] | None:
        """One row of a table of errors as an entry (None for a row that names no error):
        its code and message from their columns, its summary from the description, and
        one cause whose fix is the row's fix; a row without a fix gives a reference entry
        (its summary says what the error means)."""
        code_text = _unquoted(_message_line(table.cell(row, "code")).strip())
        message = _unquoted(_message_line(table.cell(row, "message")).strip())
        code = code_text if TABLE_CODE.fullmatch(code_text) else ""
        if code_text and not code and not message:
            message = code_text  # a column of errors that holds their messages
        if not code and not message:
            if any(cell.strip() for cell in row):
                self.unmapped(line.number, "table of errors",
                              "a row names no error (no code or message); it was left out")
            return None

        def text(role: str) -> str:
            return self.markdown(_cell_lines(table.cell(row, role), line.number)).strip()

        description, cause_text = text("description"), text("cause")
        fix_lines = _cell_lines(table.cell(row, "fix"), line.number)
        # Named by its code where the code reads as one (AADSTS50002), else by the words
        # its message begins with.
        words = code if code and (CODE.fullmatch(code) or HEX_CODE.fullmatch(code)) \
            else " ".join(message.split()[:8]) if message else code
        ident = slug(words)
        while len(ident) > 60 and "-" in ident:
            ident = ident.rsplit("-", 1)[0]
        ident = ident[:60] or "error"
        ident = ident if ID_RE.match(ident) else f"error-{ident}"
        base_id, number = ident, 1
        while {ident, f"{ident}-cause"} & taken:
            number += 1
            ident = f"{base_id}-{number}"
        taken.update({ident, f"{ident}-cause"})
        said = _clause(_sentence(description or cause_text or "\n".join(
            fix_line.text for fix_line in fix_lines)))
        title = message_template(message.split("\n")[0] if message
                                 else f"{code}: {said}" if said else code)
        data: dict[str, Any] = {"id": ident, "title": title}
        rng = self.range_of(zones, base)
        if rng:
            data["applies_to"] = rng
        messages = self.templates([message]) if message and _tells_apart(message) else []
        codes = list(dict.fromkeys([*([code] if code else []), *codes_in([title, *messages])]))
        if codes:
            data["codes"] = codes
        if messages:
            data["messages"] = messages
            data["samples"] = [self.sample(m) for m in messages]
        where = f"row {line.number - first - 1} of the table of errors at line {first}"
        notes = self.report.setdefault(ident, [])
        if not fix_lines:
            summary = "\n\n".join(p for p in (description, cause_text) if p)
            if not summary:
                summary = title
                self.unmapped(line.number, f"entry '{ident}'",
                              "its row says nothing of the error; its title became the "
                              "summary", "write what the error means")
            data["summary"] = summary + "\n"
            notes.append(f"from {where}; it names no fix, so the entry names no cause")
            return data
        if description:
            data["summary"] = description + "\n"
        fix = self._fix([], None, [], zones, [Block("paragraph", tuple(fix_lines),
                                                    tuple(zones))])
        # The fix's title: the first sentence that says what to do, where one does.
        remedy = next((sentence for sentence in _sentences(_words(" ".join(
            fix_line.text for fix_line in fix_lines))) if REMEDY.search(sentence)), "")
        if remedy:
            fix["title"] = _capital(_clause(FIX_PREFIX.sub("", remedy.strip().rstrip(".:"))))
        cause: dict[str, Any] = {
            "id": f"{ident}-cause",
            "title": _cause_title(_first_sentence(cause_text or description, 400))
            or title.rstrip("."),
        }
        if cause_text and _first_sentence(cause_text, 400) != cause_text.rstrip(".:"):
            cause["description"] = cause_text + "\n"
        else:
            cause["check"] = f"Does this apply: {cause['title'].rstrip('.')}?"
        cause["fixes"] = [fix]
        data["causes"] = [cause]
        notes.append(f"from {where}: its '{table.header('fix')}' is the fix's one step, "
                     "and the fix's title its sentence that says what to do (else its first "
                     "sentence); reword the title as what the fix does")
        return data

    def cause(self, node: Node, base: Sequence[str]) -> dict[str, Any]:
        data = self.head(node, base)
        lines = [*node.body, *self._subheadings(node.children, CAUSE_TEXT)]
        described, fixes = self.fixes(self.blocks(lines, node), node.zones, data["title"])
        if described:
            data["description"] = "\n\n".join(described) + "\n"
        data["fixes"] = fixes
        return data

    def _subheadings(self, nodes: Sequence[Node], below: int = 1,
                     shift: int | None = None) -> list[Line]:
        """Deeper headings kept as Markdown headings (with their anchors) in the text; `below`:
        the level of the heading the text sits under on the built page (a cause's is 3,
        and its fixes' 4), which the kept headings go deeper than, keeping their order of
        levels."""
        if shift is None:
            shift = max(0, below + 1 - min((node.level for node in nodes), default=below + 1))
        out: list[Line] = []
        for node in nodes:
            self.unmapped(node.line, f"heading '{plain_title(node.title)}'",
                          "heading nested too deep for the catalogue; kept as a heading in "
                          "the text above it")
            out.append(Line(node.line, ""))
            out.append(Line(node.line, f"{'#' * min(node.level + shift, 6)} {node.title} "
                                       f"{{ #{node.id} }}"))
            out.append(Line(node.line, ""))
            out.extend(node.body)
            out.extend(self._subheadings(node.children, shift=shift))
        return out

    def section(self, node: Node, base: Sequence[str], entry_ids: set[str],
                extra: Sequence[Node] = ()) -> dict[str, Any]:
        data = self.head(node, base)
        lines = list(node.body)
        kept, listed = _drop_error_list(lines, entry_ids)
        if listed:
            lines = kept
            data["list_errors"] = True
        lines += self._subheadings(extra, SECTION_TEXT)
        body = self.markdown(lines)
        if body.strip():
            data["body"] = body + "\n"
        return data


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


# The level below which headings kept in a text go, as the page shows the text: under an
# entry's or a section's heading (h2), or in a cause's text, above its fixes (h4).
SECTION_TEXT, CAUSE_TEXT = 2, 4


def _shown(project: Project, path: Path) -> str:
    rel = project.rel(path)
    return rel if not rel.startswith("/") else path.as_posix()


def _outside_roles(nodes: Sequence[Node]) -> Iterator[Node]:
    """Every heading, but those of an error's parts (symptoms, causes, resolutions) and
    the headings under them."""
    for node in nodes:
        if not role_of(node):
            yield node
            yield from _outside_roles(node.children)


def _walk(nodes: Sequence[Node]) -> Iterator[Node]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _zones_at(lines: Sequence[Line], index: int) -> tuple[str, ...]:
    """The ranges of the moniker zones open at `lines[index]` (opened in the lines before
    it, outside code fences)."""
    zones: list[str] = []
    texts = [line.text for line in lines[:index]]
    for text, in_fence in zip(texts, docfx._fenced(texts), strict=True):
        marker = None if in_fence else docfx.ZONE.match(text)
        if marker is None:
            continue
        if marker["keyword"].lower() == "moniker-end":
            if zones:
                zones.pop()
            continue
        zones.append(_zone_range(marker))
    return tuple(zones)


def _zone_range(marker: re.Match[str]) -> str:
    """The range a zone marker (`::: moniker range="..."`) opens, '' when it names none."""
    found = docfx.ZONE_RANGE.match(marker["rest"])
    return (found["dq"] if found["dq"] is not None else found["sq"]) if found else ""


def _cell_lines(cell: str, number: int) -> list[Line]:
    """A table cell's text as the lines of Markdown it holds (all at the row's line): its
    line breaks (`<br>`, and `</br>`, which browsers read as one) as paragraphs, an HTML
    list as a Markdown one."""
    text = re.sub(r"</?br\s*/?>", "\n\n", cell.strip(), flags=re.IGNORECASE)
    text = re.sub(r"\s*</li>", "", text, flags=re.IGNORECASE)
    text = re.sub(r"<li>\s*", "\n- ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*</?(?:ul|ol)>\s*", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return [Line(number, part) for part in text.split("\n")] if text else []


def _rstrip_blank(lines: list[Line]) -> list[Line]:
    while lines and not lines[-1].text.strip():
        lines = lines[:-1]
    return lines


def _same_list(current: list[Line], text: str) -> bool:
    """Whether a new top-level item continues the list in `current` (same marker kind)."""
    first = next((LIST_ITEM.match(line.text) for line in current), None)
    item = LIST_ITEM.match(text)
    if first is None or item is None:
        return False
    ordered = first["marker"][0].isdigit()
    return ordered == item["marker"][0].isdigit()


def _tab_set(tabs: int, heading: re.Match[str] | None, text: str, in_fence: bool
             ) -> tuple[int, bool]:
    """A line read against a DocFX tab set: (the level of the set's `# [Title](#tab/id)`
    headings once the line is read, 0 when none is open; whether the line is part of the
    set). A set goes up to its `---` or a heading as high that is not a tab, as DocFX reads
    it."""
    if heading is not None and docfx.TAB_HEADING.match(heading["title"].strip()):
        return tabs or len(heading["hashes"]), True
    if not tabs or (heading is not None and len(heading["hashes"]) <= tabs):
        return 0, False
    return (0 if not in_fence and THEMATIC_BREAK.match(text) else tabs), True


THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
# A line that opens a block of its own: it does not continue the paragraph above it.
BLOCK_START = re.compile(r"^ {0,3}(?:[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|>"
                         r"|`{3,}|~{3,}|\||<|:::|(?:[-*_][ \t]*){3,}$)")
# What cannot end in a hard line break: a heading, a table row, HTML, a directive.
NO_BREAK = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|\||<|:::)")


def _hard_break(text: str, following: str | None) -> bool:
    """Whether `text`, a line ending in two spaces or more, ends in a hard line break: the
    next line continues its paragraph (in the same block quote, if any)."""
    if following is None or len(text) - len(text.rstrip(" ")) < 2:
        return False
    quote = docfx.QUOTE_PREFIX.match(text)
    body = text[quote.end():] if quote else text
    next_quote = docfx.QUOTE_PREFIX.match(following)
    next_body = following[next_quote.end():] if next_quote else following
    if next_quote and (quote is None or quote.group().count(">")
                       != next_quote.group().count(">")):
        return False
    # Inside a list item the next item is indented as deep as the text: what starts a
    # block there starts one after the indentation. A code span left open runs on.
    return bool(body.strip() and next_body.strip()) and NO_BREAK.match(body) is None \
        and BLOCK_START.match(next_body.lstrip(" \t")) is None and body.count("`") % 2 == 0


def _tidy(lines: list[str]) -> str:
    out: list[str] = []
    blank = True
    fenced = docfx._fenced(lines)
    for index, (text, in_fence) in enumerate(zip(lines, fenced, strict=True)):
        if in_fence:
            out.append(text)
            blank = False
            continue
        # Two trailing spaces are a hard line break: a backslash says it visibly, and an
        # editor's trimming of trailing spaces keeps it.
        following = lines[index + 1] if index + 1 < len(lines) else None
        text = text.rstrip() + ("\\" if _hard_break(text, following) else "")
        if text:
            out.append(text)
            blank = False
        elif not blank:
            out.append("")
            blank = True
    while out and not out[-1]:
        out.pop()
    # A zone with nothing inside is dropped.
    joined = "\n".join(out)
    joined = re.sub(r"(?m)^:{3,} ?moniker range=\"[^\"]*\"\n+:{3,} ?moniker-end\n*", "", joined)
    return joined.strip("\n")


def _unwrap(text: str) -> str:
    """One paragraph of plain lines joined into one line (Markdown reads them so anyway)."""
    lines = text.split("\n")
    if len(lines) > 1 and all(line.strip() and not line.startswith((" ", ">", "|", "<", ":"))
                              and not LIST_ITEM.match(line) and not line.endswith("  ")
                              for line in lines):
        return " ".join(line.strip() for line in lines)
    return text


def _first_sentence(text: str, limit: int = 140) -> str:
    return next(iter(_lead_sentences(text, limit)), "")


FIX_VERB = (re.compile(r"\bis to (?P<rest>.+)$", re.IGNORECASE),
            re.compile(r"\byou (?:can|could|should|must|need to|have to) (?:also )?"
                       r"(?P<rest>.+)$", re.IGNORECASE))
FIX_PREFIX = re.compile(r"^(?:to (?:resolve|fix|solve|work around) (?:this|these|the|it)"
                        r"(?: \w+){0,2}|alternatively|instead),\s*(?:consider to\s+)?",
                        re.IGNORECASE)
# A paragraph after a fix's steps that says what to do where they do not help.
OTHERWISE = re.compile(r"^if\b", re.IGNORECASE)
# A sentence that begins with when its fix applies ("In some flows, …", "If you …, …").
CONDITION_LEAD = re.compile(r"^(?:in|for|if|when|where|after|before|once)\b", re.IGNORECASE)
CAUSE_LEAD = re.compile(r"^(?:(?:this|these|the) (?:error|issue|problem)s?|it) (?:\w+ )?"
                        r"(?:occurs?|happens?|arises?|appears?|shows? up) (?:\w+ )?"
                        r"(?:when|because of|because|if) ", re.IGNORECASE)


# A sentence that only leads to what follows ("Follow these steps:", "Here are the possible
# causes..."): no fix's title.
LEADS_ON = re.compile(r"^(?:(?:follow|use|try|do|complete|perform) (?:one of )?(?:these|the "
                      r"following|(?:the )?steps below)(?: \w+){0,3}[.:]?$"
                      r"|here (?:are|is) (?:the|some|a few|what)\b"
                      r"|the following (?:steps|methods|options|procedures?)\b)", re.IGNORECASE)


def _linked_action(text: str) -> str | None:
    """The words of a link that is a paragraph's second line, after a first that leads to it
    ("The hotfix is available from the Download Center:" and "[Download the hotfix
    package now](…)"), when they say what to do: the fix."""
    lines = text.strip().split("\n\n")[0].split("\n")
    if len(lines) != 2 or not lines[0].rstrip(" \\").endswith(":"):
        return None
    link = LINK.fullmatch(lines[1].strip())
    if link is None or link["bang"]:
        return None
    words = plain_title(link["text"])
    return words if ACTS.match(words) else None


def _only_leads(step: str) -> bool:
    """Whether a list item only leads to the steps after it ("To resolve this issue, follow
    these steps:"): no step of its own."""
    words = _words(_joined(step.strip()))
    sentence = FIX_PREFIX.sub("", _sentence(step))
    return len(_sentences(words)) == 1 and bool(LEADS_ON.match(sentence)
                                                or GENERIC_LEAD.match(sentence))


def _step_title(step: str) -> str:
    """A fix's title from its first step: the link it leads to, when that says what to do
    (see `_linked_action`), else its first sentence."""
    return _capital(_clause(_linked_action(step) or FIX_PREFIX.sub("", _sentence(step))))


def _fix_title(lead: Sequence[str], fallback: str) -> str:
    """A fix's title from the paragraphs before its steps: the first sentence that says what
    to do (the link a sentence leads to, an action, "you can X" read as X, an action with
    the clauses that say when); where none does, the first that says anything (no "Follow
    these steps:"), as the article words it; else `fallback`."""
    statement = ""
    for text in lead:
        action = _linked_action(text)
        if action is not None:
            return _capital(_clause(action))
        for sentence in _lead_sentences(text):
            title = _title_of(sentence)
            if title is None:
                continue
            if title[1]:
                return _capital(_clause(title[0]))
            statement = statement or title[0]
    return _capital(_clause(statement)) if statement else fallback


def _lead_sentences(text: str, limit: int = 400) -> list[str]:
    """The sentences of a paragraph's text, plain, each whole up to `limit` characters (see
    `_clause`), without its closing mark."""
    plain = plain_title(_joined(text.split("\n\n")[0]))
    if plain.startswith(":::"):
        return []
    return [_clause(s.rstrip(".:"), limit) for s in re.split(r"(?<=[.!?])\s+", plain)]


def _title_of(sentence: str) -> tuple[str, bool] | None:
    """A sentence of a fix's text as its title, and whether it says what to do; None for a
    sentence that only leads on."""
    if not sentence or GENERIC_LEAD.match(sentence) or LEADS_ON.match(sentence):
        return None
    sentence = re.sub(r",? (as follows|follow these steps|by following these steps|"
                      r"follow the steps below)$", "", sentence, flags=re.IGNORECASE)
    if GENERIC_LEAD.match(sentence):
        return None
    sentence = FIX_PREFIX.sub("", sentence)
    if CONDITION_LEAD.match(sentence):
        # "In the ROPC flow, where …, change the client type": what to do, after the
        # clauses that say when.
        acts = [part for part in re.split(r",\s+", sentence)[1:] if ACTS.match(part)]
        if acts:
            sentence = re.sub(r"^(?:then|either)\s+", "",
                              sentence[sentence.index(acts[0]):], flags=re.IGNORECASE)
    for pattern in FIX_VERB:
        found = pattern.search(sentence)
        if found is not None:
            # "You can correct this error by …": what to do; "If the file is too large, you
            # must split it": the whole, whose clause says what "it" is.
            return (sentence if CONDITION_LEAD.match(sentence) else found["rest"]), True
    return sentence, bool(ACTS.match(sentence))


def _cause_title(sentence: str) -> str:
    return _capital(_clause(CAUSE_LEAD.sub("", sentence)))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _drop_error_list(lines: list[Line], entry_ids: set[str]) -> tuple[list[Line], bool]:
    """Without the bullet list that only links to this page's errors; whether one was found."""
    items = [i for i, line in enumerate(lines) if LIST_ITEM.match(line.text)]
    if not items:
        return lines, False
    linked = []
    for index in items:
        text = lines[index].text
        rest = text[LIST_ITEM.match(text).end():].strip()  # type: ignore[union-attr]
        found = LINK.fullmatch(rest)
        if found is None or not found["target"].startswith("#"):
            return lines, False
        linked.append(found["target"][1:])
    if not linked or not all(target in entry_ids for target in linked):
        return lines, False
    return [line for i, line in enumerate(lines) if i not in set(items)], True


# ---------------------------------------------------------------------------
# The whole import
# ---------------------------------------------------------------------------


def is_error(node: Node) -> bool:
    """Whether a heading names an error (rather than a question or a general section)."""
    title = plain_title(node.title).strip()
    lower = title.lower()
    if title.endswith("?") or lower.split(" ", 1)[0] in QUESTION_WORDS:
        return False
    if lower in SECTION_TITLES:
        return False
    fenced = docfx._fenced([line.text for line in node.body])
    # (A table's code spans name its columns' values, such as parameters: no message.)
    prose = [line.text for line, f in zip(node.body, fenced, strict=True)
             if not f and not line.text.lstrip().startswith("|")]
    text = "\n".join(prose)
    has_list = any(LIST_ITEM.match(line) for line in prose)
    return bool(has_list or REMEDY.search(text) or CODE_SPAN.search(text))


def default_topic(article: Path, title: str) -> str:
    stem = article.stem.split(".")[0]
    if ID_RE.match(stem):
        return stem
    return slug(title)[:60].strip("-") or "imported"


def import_article(project: Project, article: Path, products: Products, topic: str = "",
                   base_url: str = "") -> Imported:
    """Map the article to topic files (nothing is written)."""
    probe = Importer(project, article, topic or "x", products, base_url)
    meta, root = probe.read()
    h1 = next((n for n in root.children if n.level == 1), None)
    title = (plain_title(h1.title) if h1 else "") or str(meta.get("title") or article.stem)
    topic = topic or default_topic(article, title)
    importer = Importer(project, article, topic, products, base_url)
    meta, root = importer.read()
    h1 = next((n for n in root.children if n.level == 1), None)
    intro_lines = list(root.body)
    headings = [n for n in root.children if n is not h1]
    if h1 is not None:
        intro_lines += h1.body
        headings = [*headings, *h1.children]
    importer.assign_ids(headings)
    # "Here are the possible causes of the issue:" and a list whose items are the headings
    # that follow: each heading is a cause of the article's one error (as "Cause: …" would
    # say), and the list, which the entry's page gives again, leaves the intro.
    listed, intro_lines = _listed_causes(intro_lines, headings)
    for node in listed:
        node.role = CAUSE
    topic_data: dict[str, Any] = {"id": topic, "title": title}
    rng_text = str(meta.get("monikerRange") or "").strip()
    topic_zones: tuple[str, ...] = ()
    if rng_text:
        try:
            parse_range(rng_text, products)
            topic_data["applies_to"] = rng_text
            topic_zones = (rng_text,)
        except RangeError as err:
            line = _front_matter_line(article, "monikerRange")
            importer.unmapped(line, "front matter",
                              f"monikerRange '{rng_text}' cannot be mapped: {err.message}",
                              "set the topic's applies_to by hand")
    if meta.get("description"):
        topic_data["description"] = " ".join(str(meta["description"]).split())
    ignored = [k for k in meta if k not in ("title", "description", "monikerRange")]
    if ignored:
        importer.unmapped(_front_matter_line(article, ignored[0]), "front matter",
                          "keys not used by the knowledge base: " + ", ".join(ignored))
    # Tables of errors (outside the parts of an error written as symptoms, causes and
    # resolutions): each row is an entry, placed where its table was.
    taken = set(importer.anchors)
    intro_lines, intro_rows = importer.table_entries(intro_lines, h1 or root, topic_zones,
                                                     taken)
    tabled: dict[int, list[dict[str, Any]]] = {}
    for node in _outside_roles(headings):
        node.body, rows = importer.table_entries(node.body, node, topic_zones, taken)
        if rows:
            tabled[id(node)] = rows
    table_ids = {d["id"] for rows in (intro_rows, *tabled.values()) for d in rows}
    intro = importer.markdown(intro_lines)
    if intro.strip():
        topic_data["intro"] = intro + "\n"
    entries: list[tuple[Node, dict[str, Any]]] = [(h1 or root, d) for d in intro_rows]
    roles = role_groups(headings)
    if roles is not None:
        groups, before, after = roles
        fallback_id = topic if topic not in taken else f"{topic}-error"
        ids = {g.head.id for g in groups if g.head is not None} | {fallback_id} | table_ids
        # An article about one error may quote its message in the lead, before Symptoms.
        lead = intro_lines if len(groups) == 1 and groups[0].head is None else []
        for group in groups:
            notes: list[str] = []
            data = group_entry(importer, group, (fallback_id, title), topic_zones, notes,
                               lead)
            entries.append((group.head or h1 or root, data))
            if listed and group.head is None:
                notes.append(f"causes: the {len(listed)} headings the article lists as the "
                             "possible causes before its first heading")
            importer.report[data["id"]] = notes
        entries += [(n, d) for n in _walk(headings) for d in tabled.get(id(n), [])]
        _dedupe_lookup(entries)
        sections_ = [importer.section(n, topic_zones, ids, n.children) for n in before]
        closing_ = [importer.section(n, topic_zones, ids, n.children) for n in after]
        return _finish(project, importer, topic_data, entries, sections_, closing_)
    # The error level: the heading level with the most error headings (the shallowest
    # of equals): errors are siblings, while their causes or sections are nested. A
    # heading whose table lists errors is not one.
    counts: dict[int, int] = {}
    for node in _walk(headings):
        if is_error(node) and id(node) not in tabled:
            counts[node.level] = counts.get(node.level, 0) + 1
    level = min(counts, key=lambda lvl: (-counts[lvl], lvl)) if counts else 0
    errors = [n for n in _walk(headings)
              if n.level == level and is_error(n) and id(n) not in tabled]
    error_ids = {n.id for n in errors} | {a for n in errors for a in n.aliases} | table_ids
    sections: list[dict[str, Any]] = []
    closing: list[dict[str, Any]] = []

    def visit(nodes: Sequence[Node]) -> None:
        for node in nodes:
            if node in errors:
                entries.append((node, importer.entry(node, topic_zones)))
                continue
            inside = [c for c in node.children if any(e is c or e in _walk([c])
                                                      for e in errors)]
            others = [c for c in node.children if c not in inside]
            target = closing if entries else sections
            target.append(importer.section(node, topic_zones, error_ids, others))
            entries.extend((node, data) for data in tabled.get(id(node), []))
            visit(inside)

    visit(headings)
    if table_ids:
        _dedupe_lookup(entries)
    return _finish(project, importer, topic_data, entries, sections, closing)


# A sentence that leads to a list of the error's causes.
LISTS_CAUSES = re.compile(r"\b(?:possible causes|following causes|(?:occurs?|happens?) "
                          r"(?:for|because of) (?:one of )?the following|caused by one of the "
                          r"following)\b[^:]*:\s*$", re.IGNORECASE)


def _listed_causes(lines: list[Line], headings: Sequence[Node]
                   ) -> tuple[list[Node], list[Line]]:
    """The headings a list in `lines` (the text before the first heading) gives as the
    error's possible causes, one item each, in the list's order, and `lines` without that
    list and the sentence that leads to it; ([], lines) when the article is not written so
    (a list of fewer than two, an item no heading matches, headings with roles of their
    own: "Cause", "Resolution")."""
    if any(role_of(n) or _has_roles(n) for n in headings):
        return [], lines
    fenced = docfx._fenced([line.text for line in lines])
    for start, line in enumerate(lines):
        if fenced[start] or not LISTS_CAUSES.search(line.text):
            continue
        # The items, each by its first paragraph (lines of its own that go on after it
        # are the item's, not its name); blank lines may part them.
        items: list[str] = []
        end, parted = start + 1, False
        while end < len(lines):
            text = lines[end].text
            if LIST_ITEM.match(text):
                items.append(LIST_ITEM.sub("", text))
                parted = False
            elif not text.strip():
                parted = True
            elif items and text.startswith(" "):
                if not parted:
                    items[-1] += " " + text.strip()
            else:
                break
            end += 1
        found = [_heading_named(item, headings) for item in items]
        if len(items) < 2 or None in found or len(set(map(id, found))) < len(found):
            continue
        return [n for n in found if n is not None], [*lines[:start], *lines[end:]]
    return [], lines


def _heading_named(item: str, headings: Sequence[Node]) -> Node | None:
    """The heading whose words are the list item's, or nearly ("Unsupported validity or
    renewal period in certificate templates" for "Unsupported validity period or renewal
    period in the certificate template")."""
    def words(text: str) -> list[str]:
        return re.findall(r"\w+", _words(text).lower())

    wanted = words(item)
    score, best = max(((SequenceMatcher(None, wanted, words(node.title)).ratio(), node)
                       for node in headings), key=lambda pair: pair[0], default=(0.0, None))
    return best if score >= 0.75 else None


def _dedupe_lookup(entries: Sequence[tuple[Node, dict[str, Any]]]) -> None:
    """A code or message lists once per topic: on the first entry that shows it."""
    codes: set[str] = set()
    messages: list[str] = []
    for _node, data in entries:
        kept_codes = [c for c in data.get("codes", []) if c not in codes]
        codes.update(kept_codes)
        if kept_codes:
            data["codes"] = kept_codes
        else:
            data.pop("codes", None)
        pairs = [(m, s) for m, s in zip(data.get("messages", []), data.get("samples", []),
                                        strict=False)
                 if m not in messages and not _shadowed(m, messages)]
        messages.extend(m for m, _ in pairs)
        if pairs:
            data["messages"] = [m for m, _ in pairs]
            data["samples"] = [s for _, s in pairs]
        else:
            data.pop("messages", None)
            data.pop("samples", None)


def _finish(project: Project, importer: Importer, topic_data: dict[str, Any],
            entries: Sequence[tuple[Node, dict[str, Any]]], sections: list[dict[str, Any]],
            closing: list[dict[str, Any]]) -> Imported:
    topic = importer.topic
    _distinct_fix_anchors([data for _, data in entries], [*sections, *closing])
    if sections:
        topic_data["sections"] = sections
    if entries:
        topic_data["order"] = [data["id"] for _, data in entries]
    if closing:
        topic_data["closing_sections"] = closing
    article = importer.article
    folder = f"catalogue/{topic}"
    files: dict[str, str | bytes] = dict(importer.files)
    topic_path = project.root / folder / TOPIC_FILE
    files[f"{folder}/{TOPIC_FILE}"] = dump(_clean(topic_data), "topic",
                                          f"{folder}/{TOPIC_FILE}",
                                          modeline(project, topic_path, "topic"))
    for _node, data in entries:
        rel = f"{folder}/{data['id']}.yml"
        files[rel] = dump(_clean(data), "entry", rel,
                          modeline(project, project.root / rel, "entry"))
    return Imported(topic, files, [d["id"] for _, d in entries],
                    len(sections) + len(closing), importer.diagnostics, article, importer.rel,
                    importer.report,
                    {f"{folder}/{d['id']}.yml": d for _, d in entries}, importer.originals)


def _distinct_fix_anchors(entries: Sequence[dict[str, Any]],
                          sections: Sequence[dict[str, Any]]) -> None:
    """Each fix without an id whose heading's anchor (its cause's id and its title) is
    already the page's gets an id of its own (the anchor, numbered), as `kb check` asks."""
    causes = [cause for entry in entries for cause in entry.get("causes", [])]
    parts = [*sections, *entries, *causes, *(fix for cause in causes for fix in cause["fixes"])]
    taken = {str(a) for part in parts for a in (part.get("id"), *part.get("aliases", [])) if a}
    for cause in causes:
        for fix in cause["fixes"]:
            if fix.get("id"):
                continue
            anchor = f"{cause['id']}-{model_slug(fix['title'])}"
            if anchor in taken:
                number = 2
                while f"{anchor}-{number}" in taken:
                    number += 1
                fix["id"] = anchor = f"{anchor}-{number}"
            taken.add(anchor)


def _clean(value: Any) -> Any:
    """Texts as YAML keeps them: no spaces at line ends (Markdown's hard breaks included),
    no control characters; empty texts and lists left out."""
    if isinstance(value, str):
        text = "\n".join(line.rstrip() for line in value.split("\n"))
        text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]", "", text)
        return text.replace("\u00a0", " ")
    if isinstance(value, list):
        items = [_clean(v) for v in value]
        return [v for v in items if v not in ("", "\n", [], {}) and not (
            isinstance(v, dict) and "text" in v and not str(v["text"]).strip())]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _front_matter_line(article: Path, key: str) -> int:
    for number, line in enumerate(article.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip("\"'").startswith(key):
            return number
    return 1


# ---------------------------------------------------------------------------
# Checking and writing
# ---------------------------------------------------------------------------


def conflicts(project: Project, result: Imported) -> list[str]:
    """Entry ids of the import that other topics already use (ids are catalogue-wide)."""
    taken = []
    for folder in topic_folders(project):
        if folder.name == result.topic:
            continue
        for entry in result.entries:
            if (folder / f"{entry}.yml").exists():
                taken.append(f"entry id '{entry}' is already used by "
                             f"{project.rel(folder / f'{entry}.yml')}")
    return taken


def existing(project: Project, result: Imported) -> list[str]:
    return [rel for rel in result.files if (project.root / rel).exists()]


def check_result(project: Project, result: Imported) -> list[Diagnostic]:
    """`kb check` on a copy of the repository with the import added: its problems there."""
    with tempfile.TemporaryDirectory(prefix="kb-import-") as temp:
        copy = Path(temp) / "repo"
        copy.mkdir()
        for part in ("catalogue", "content"):
            if (project.root / part).is_dir():
                shutil.copytree(project.root / part, copy / part)
        shutil.copy(project.mkdocs_yml, copy / "mkdocs.yml")
        _write_files(copy, result.files)
        diagnostics = Diagnostics()
        load_checked(Project(copy), diagnostics, FEATURES, jobs=1)
        ours = set(result.files)
        return [d for d in diagnostics.sorted() if d.loc.path in ours]


LINK_PROBLEM = re.compile(r"^link '#(?P<anchor>[^']+)'")


def settle(project: Project, result: Imported) -> list[Diagnostic]:
    """`check_result`, after unlinking in-page links whose target is missing in some version.

    An article may link to a heading that only some versions have (a zone around the
    heading, none around the link); the link keeps its text and the change is reported.
    """
    problems = check_result(project, result)
    for attempt in ("literal", "drop"):
        lookup = sorted({d.loc.path for d in problems if d.severity.value == "error"
                         and d.subject.startswith("entry '") and d.loc.path in result.data
                         and LOOKUP_PROBLEM.search(d.message)})
        if not lookup:
            break
        for path in lookup:
            _settle_messages(project, result, path, attempt)
        problems = check_result(project, result)
    broken = {(d.loc.path, m["anchor"]) for d in problems
              if (m := LINK_PROBLEM.match(d.subject)) is not None}
    if not broken:
        return problems
    article_lines = result.article.read_text(encoding="utf-8").splitlines() \
        if result.article else []
    for path, anchor in sorted(broken):
        text = result.files.get(path)
        if not isinstance(text, str):
            continue
        pattern = re.compile(r"\[(?P<text>[^\]]*)\]\(#" + re.escape(anchor) + r"\)")
        result.files[path] = pattern.sub(lambda m: m["text"], text)
        line = next((n for n, t in enumerate(article_lines, 1) if f"](#{anchor})" in t), 0)
        result.diagnostics.warning(
            Loc(result.article_rel, line, 1 if line else 0), "link",
            f"link to '#{anchor}' shows in versions that lack that heading; only its text "
            "was kept", "put the link in a moniker zone that matches the heading's")
    return check_result(project, result)


LOOKUP_PROBLEM = re.compile(r"\bsample\b|\bmessage\b|\bcode '")


def _settle_messages(project: Project, result: Imported, path: str, attempt: str) -> None:
    """An entry whose messages the lookup checks refuse: first its messages as the article
    wrote them (no placeholders), then none; each change goes to the report."""
    data = result.data[path]
    entry_id = str(data["id"])
    notes = result.report.setdefault(entry_id, [])
    if attempt == "literal":
        originals = [result.originals.get(m, m) for m in data.get("messages", [])]
        data["messages"] = [o.replace("{", "{{").replace("}", "}}") for o in originals]
        data["samples"] = list(originals)
        notes.append("messages: kept as the article wrote them (placeholders made the lookup "
                     "checks fail); mark the parts that vary by hand")
    else:
        data.pop("messages", None)
        data.pop("samples", None)
        data.pop("codes", None)
        notes.append("messages: left out because the lookup checks refused them (another "
                     "entry of the topic shows the same text); add the message users see")
    result.files[path] = dump(_clean(data), "entry", path,
                              modeline(project, project.root / path, "entry"))


def _write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, data in sorted(files.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            temp = path.with_name(f".{path.name}.tmp")
            temp.write_bytes(data)
            temp.replace(path)
        else:
            write_atomic(path, data)


def write(project: Project, result: Imported) -> list[str]:
    """Write every file of the import (staged, then moved into place); the paths written."""
    from .migrate import commit

    return commit(project, {rel: data.encode("utf-8") if isinstance(data, str) else data
                            for rel, data in result.files.items()})



# ---------------------------------------------------------------------------
# Troubleshooting articles: Symptoms, Cause, Resolution
# ---------------------------------------------------------------------------

SYMPTOM, CAUSE, FIX, DEBUG = "symptom", "cause", "fix", "debug"
ROLE_PATTERNS = (
    (SYMPTOM, re.compile(r"^(symptoms?|the (issue|problem|error)|issue|problem|error message)$")),
    (CAUSE, re.compile(r"^(cause|causes|reason|root cause)(\s*\d+)?(\s*[:：.-].*)?$|"
                       r"^cause (for|of) |^why .*(occur|happen)")),
    (FIX, re.compile(r"^(resolution|resolutions|solution|solutions|workaround|workarounds|fix|"
                     r"how to (fix|resolve)( it| this)?|mitigation|troubleshooting|"
                     r"troubleshoot( this| the)?( issue| problem| error)?)(\s*\d+)?"
                     r"(\s*(for|to) (cause|issue|scenario)\s*\d*)?(\s*[:：.-].*)?$")),
    (DEBUG, re.compile(r"^(debugging steps|debug steps|troubleshooting steps|troubleshooting "
                       r"checklist|verification|diagnos(e|is)|more details)(\s*[:：.-].*)?$")),
)
ROLE_PREFIX = re.compile(r"^(?:cause|solution|resolution|workaround|fix|verification|scenario)"
                         r"(?:\s*\d+)?(?:\s+(?:for|to)\s+(?:cause|issue|scenario)\s*\d*)?"
                         r"\s*[:：.\-–]\s*", re.IGNORECASE)
# A quotation mark right after a letter or digit closes a quotation, never opens one; marks
# the article escapes (`\"…\"`) leave no backslash in the text.
QUOTED = re.compile(r"(?<!\w)[\"“](?P<text>[^\"”]{12,}?)\\?[\"”]")
GUID = re.compile(r"\b[0-9a-fA-FxX]{8}-[0-9a-fA-FxX]{4}-[0-9a-fA-FxX]{4}-[0-9a-fA-FxX]{4}-"
                  r"[0-9a-fA-FxX]{12}\b")
_NAME = r"<[A-Za-z][\w .-]{0,40}?>"  # a part the article names, such as <UserName>
# A URL or a path, with the parts the article names in it: one variable part as a whole, as
# the lookup masks a URL or path in a pasted text.
URL = re.compile(rf"\bhttps?://(?:[^\s'\"<>)\]]|{_NAME})*(?:[^\s'\"<>)\].,;:!?]|{_NAME})")
NAMED_PATH = re.compile(
    rf"(?<![\w<>])(?:[A-Za-z]|{_NAME}):\\(?:[^\s'\"<>]|{_NAME})*(?:[^\s'\"<>.,;:)\]]|{_NAME})"
    rf"|(?<![\w/.~<>])(?:~|\.{{1,2}})?(?:/(?:[\w.@+\-]|{_NAME})+){{2,}}")
# A part the article names: `<UserName>` (`< DateTime>` too), `{guid id}`, and in square
# brackets a name that says what stands there (`[GUID]`, `[entity name]`; not a product's
# own prefix such as `[Microsoft][SQL Server]`).
ANGLE = re.compile(r"<\s?(?P<name>[A-Za-z][\w .-]{0,40}?)>|\{(?P<brace>[A-Za-z][\w .-]{0,40}?)\}"
                   r"|\[(?P<square>GUID|ID|(?:[a-z][a-z ]{0,30} )?(?:name|id|guid|value|number|"
                   r"path))\]")
MASKED = re.compile(r"(?<![\w-])[Xx]{4,}(?![\w-])")
# A 64-bit memory address, as a crash report prints it (`unknown error at 000000013FA24241`):
# it differs on every machine.
ADDRESS = re.compile(r"(?<![\w-])(?:0x)?(?=[0-9A-Fa-f]*\d)[0-9A-Fa-f]{16}(?![\w-])")
# The names Microsoft's articles make up for an example (Contoso, Fabrikam, domain.com, …):
# the reader's own host, account or name stands there. A host name that holds one, a
# DOMAIN\\account of one, one alone: each is a variable part.
_MADE_UP = (r"contoso|fabrikam|adatum|litware|northwind(?:traders)?|tailspin(?:toys)?|"
            r"woodgrove(?:bank)?|wingtip(?:toys)?|proseware|fourthcoffee|treyresearch|"
            r"myserver|mydomain|yourdomain")
MADE_UP_ACCOUNT = re.compile(rf"(?<![\w\\])(?:{_MADE_UP})\\[\w.$-]+(?![\w\\])", re.IGNORECASE)
MADE_UP_HOST = re.compile(
    rf"(?<![\w.\\-])(?:[\w-]+\.)*(?:(?:{_MADE_UP})(?:\.[\w-]+)*|domain|example)"
    r"\.(?:com|net|org|local|lab|corp|lan)(?![\w.\\-]*\w)", re.IGNORECASE)
MADE_UP_NAME = re.compile(rf"(?<![\w.\\/-])(?:{_MADE_UP})(?![\w\\/-]|\.\w)", re.IGNORECASE)
# A part a program fills in, as its message's format shows it: `%s`, `%d`, `%1`, `%1!s!`.
PRINTF = re.compile(r"(?<![\w%])%(?:\d{1,2}(?:![\w.]+!)?|l?[sdiuxXf])(?!\w)")
TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?\b"
                       r"|(?<![\w:.])\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?![\w:])")
INLINE_ANCHOR = re.compile(r"""<a\s+(?:name|id)\s*=\s*["'](?P<id>[^"']+)["']\s*>\s*</a>""",
                           re.IGNORECASE)
# A line that introduces the quote after it as an error message ("you receive the following
# error message:"): that quote is one, whatever its words (see _tells_apart for what never is).
INTRODUCES_MESSAGE = re.compile(r"\b(error|message|warning|exception)s?\b.*(?<!:):\s*$|"
                                r"\bthe following (?:\w+ )?(?:error|message|warning|"
                                r"exception)s?\s*\.\s*$", re.IGNORECASE)
MESSAGE_WORDS = re.compile(r"\b(error|failed|fail|failure|forbidden|not allowed|not permitted|"
                           r"is not recognized|too large|unable|cannot|can't|could not|couldn't|"
                           r"msg \d+, level \d+|"
                           r"denied|invalid|not found|does not|doesn't|exception|not "
                           r"authorized|expired|timed out|refused|rejected|"
                           r"no [a-z]+ (?:found|present))"
                           r"\b|\b[A-Z]{2,}\d{3,}\b|\bTF\d{5,}\b|\B[a-z]Exception\b|"
                           + HEX_CODE.pattern, re.IGNORECASE)
# "Error AADSTS50003 - No signing key configured": the code and the message it names.
CODED_TITLE = re.compile(r"^(?:error\s*[-–:]?\s*)?(?P<code>[A-Z]{2,}\d{3,})\b(?:\s*\([^)]*\))?"
                         r"\s*[-–:]\s*(?P<text>[A-Z].{7,})$", re.IGNORECASE)
SAMPLE_VALUES = {"guid": "6c4e6f1d-2b7a-4f5e-9a3c-8d1e0f2a7b94", "int": "42",
                 "url": "https://contoso.example.com/app", "path": "/var/log/app.log",
                 "quoted": "'contoso'", "": "contoso"}


def role_of(node: Node) -> str:
    """What a heading is in a troubleshooting article: symptom, cause, fix, debug or ''."""
    if node.role:
        return node.role
    title = plain_title(node.title).strip().strip("*").strip().lower().rstrip(":")
    for role, pattern in ROLE_PATTERNS:
        if pattern.match(title):
            return role
    return ""


def _has_roles(node: Node) -> bool:
    return any(role_of(child) for child in node.children)


def _flatten_roles(nodes: Sequence[Node]) -> list[Node]:
    """Role headings in document order, those nested in a role heading brought up."""
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        nested = [c for c in node.children if role_of(c)]
        if nested:
            node.children = [c for c in node.children if not role_of(c)]
            out.extend(_flatten_roles(nested))
    return out


@dataclass
class Group:
    """One error of an article: the heading that names it (None: the article) and its parts."""

    head: Node | None
    parts: list[Node] = field(default_factory=list)


def role_groups(headings: Sequence[Node]) -> tuple[list[Group], list[Node], list[Node]] | None:
    """The article's errors with their parts, and the sections before and after them;
    None when the article is not written as symptoms, causes and resolutions."""
    if not any(role_of(n) in (SYMPTOM, CAUSE, FIX) or _has_roles(n) for n in headings):
        return None
    groups: list[Group] = []
    before: list[Node] = []
    after: list[Node] = []
    current: Group | None = None
    for index, node in enumerate(headings):
        role = role_of(node)
        following = headings[index + 1] if index + 1 < len(headings) else None
        if role:
            if current is None:
                current = Group(None)
                groups.append(current)
            current.parts.extend(_flatten_roles([node]))
        elif _has_roles(node):
            current = Group(node)
            groups.append(current)
            nested = [c for c in node.children if role_of(c)]
            node.children = [c for c in node.children if not role_of(c)]
            current.parts.extend(_flatten_roles(nested))
        # A heading right before a Symptoms or Cause heading names the error they are about,
        # unless it is a section of its own or a task ("Check the quota in the portal").
        elif following is not None and role_of(following) and \
                plain_title(node.title).lower() not in SECTION_TITLES and \
                not ACTS.match(plain_title(node.title)):
            current = Group(node)
            groups.append(current)
        else:
            current = None
            (after if groups else before).append(node)
    if not any(role_of(p) in (CAUSE, FIX) for g in groups for p in g.parts):
        return None
    return groups, before, after


def _strip_role(title: str) -> str:
    """A heading's own words without 'Cause 2:' or 'Solution:' in front."""
    return ROLE_PREFIX.sub("", plain_title(title)).strip()


def _sentence(text: str) -> str:
    """The first sentence of a Markdown text, plain, whole (never cut short)."""
    first = text.strip().split("\n\n")[0]
    first = LIST_ITEM.sub("", first.split("\n")[0]) if LIST_ITEM.match(first) else first
    plain = _words(_joined(first))
    if not plain or plain.startswith((":::", "|", "```", "<")):
        return ""
    return _sentences(plain)[0].strip().rstrip(".:")


def _joined(paragraph: str) -> str:
    """A paragraph's lines as one line, without the marks of their hard breaks (a backslash
    or two spaces at a line's end)."""
    return re.sub(r"(?:\\| {2,})\n", "\n", paragraph).replace("\n", " ")


def _words(text: str) -> str:
    """Markdown text as readers read its words: no links, HTML, emphasis or code marks."""
    return re.sub(r"`([^`]*)`", r"\1", plain_title(text))


def _sentences(text: str) -> list[str]:
    """A text's sentences: each ends in '.', '!' or '?' before a capital letter."""
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)


def _clause(text: str, limit: int = 120) -> str:
    """A title from a sentence: whole when short, else its first clause (no ellipsis); a
    comma is no clause's end (it may end a subordinate clause, or an item of a list)."""
    if len(text) <= limit:
        return text
    for mark in (": ", "; ", " - ", " – "):
        head = text.split(mark, 1)[0]
        if 20 <= len(head) <= limit:
            return head
    return text


def message_template(text: str) -> str:
    """An error string, as readers see it, as a catalogue message: variable parts as typed
    placeholders (a backslash before one is the message's own, as in a Windows path)."""
    text = " ".join(text.split())
    text = text.replace("{{", "\0").replace("}}", "\1")
    names: dict[str, int] = {}
    out: list[str] = []

    def name(base: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", base).strip("_").lower() or "value"
        base = base if re.match(r"[a-z_]", base) else f"v_{base}"
        names[base] = names.get(base, 0) + 1
        return base if names[base] == 1 else f"{base}{names[base]}"

    pos = 0
    spans: list[tuple[int, int, str]] = []
    for pattern, kind, label in ((URL, "url", "url"), (NAMED_PATH, "path", "path"),
                                 (GUID, "guid", "id"), (TIMESTAMP, "", "time"),
                                 (MASKED, "", "value"), (ADDRESS, "", "address"),
                                 (MADE_UP_ACCOUNT, "", "account"), (MADE_UP_HOST, "", "host"),
                                 (MADE_UP_NAME, "", "name"), (PRINTF, "", "value")):
        for found in pattern.finditer(text):
            if pattern is NAMED_PATH and "<" not in found.group():
                continue  # a path written out stays: the text must show the same
            if not any(s < found.end() and found.start() < e for s, e, _ in spans):
                spans.append((found.start(), found.end(), f"{label}:{kind}" if kind else label))
    for found in ANGLE.finditer(text):
        if not any(s < found.end() and found.start() < e for s, e, _ in spans):
            spans.append((found.start(), found.end(),
                          found["name"] or found["brace"] or found["square"]))
    spans.sort()
    # Parts side by side (`<Date><Time>`) are one: two placeholders in a row would leave the
    # lookup no way to tell where one ends.
    for number in range(len(spans) - 1, 0, -1):
        (start, end, label), (after, last, other) = spans[number - 1], spans[number]
        if end == after:
            merged = label if label == other else \
                f"{label.partition(':')[0]}_{other.partition(':')[0]}"
            spans[number - 1:number + 1] = [(start, last, merged)]
    if spans and spans[0][0] == 0 and names_a_time(spans[0][2].partition(":")[0]):
        # A log line's time in front: the lookup reads a pasted line without it, so the
        # message starts after it (and the mark that parts it from the text).
        rest = text[spans.pop(0)[1]:]
        pos = len(text) - len(rest.lstrip(" ,;:|-"))
    for start, end, label in spans:
        base, _, kind = label.partition(":")
        literal = text[pos:start].replace("{", "{{").replace("}", "}}")
        out.append(literal)
        out.append("{" + name(base) + (f":{kind}" if kind else "") + "}")
        pos = end
    out.append(text[pos:].replace("{", "{{").replace("}", "}}"))
    return "".join(out).replace("\0", "{{").replace("\1", "}}").strip()


def names_a_time(name: str) -> bool:
    """Whether a part's name says it holds a time: `time`, `DateTime`, `Time stamp`,
    `date_time2` (not `update_id`)."""
    words = [w.rstrip("0123456789") for w in re.split(r"[\s_.-]+", name.lower()) if w]
    return bool(words) and all(w in {"date", "time", "stamp", "datetime", "timestamp"}
                               for w in words)


def sample_of(template: str) -> str:
    """A realistic text for a message: its placeholders filled with typical values."""
    def fill(found: re.Match[str]) -> str:
        if found.group() == "{{":
            return "{"
        if found.group() == "}}":
            return "}"
        name, _, kind = found.group(1).partition(":")
        if kind:
            return SAMPLE_VALUES.get(kind, "contoso")
        # An untyped part, by what its name says it holds.
        if names_a_time(name):
            return "2024-05-06 07:08:09Z"
        if "guid" in name:
            return SAMPLE_VALUES["guid"]
        return "000000013FA24241" if name.startswith("address") else "contoso"
    return re.sub(r"\{\{|\}\}|\{([^{}]*)\}", fill, template)


def error_strings(lines: Sequence[Line]) -> list[str]:
    """Error strings a text shows: code blocks, quotes, code spans and quoted text."""
    found: list[str] = []

    def add(text: str, introduced: bool = False) -> None:
        text = _unquoted(" ".join(LINE_BREAK.sub(" ", text).split()))
        if len(text) < 8 or len(text) > 600 or not _tells_apart(text):
            return
        if not (introduced or MESSAGE_WORDS.search(text)):
            return
        if text not in found:
            found.append(text)

    texts = [line.text for line in lines]
    fenced = docfx._fenced(texts)
    block: list[str] = []
    # Whether the text line before the code block being read introduces it as a message.
    block_introduced = False

    def add_block() -> None:
        """A code block's lines, as messages: a line with the words of one, and in a short
        block introduced as the message ("you receive the following error message:"), any
        line that reads as one (a sentence, not the command that was run)."""
        event = _event_message(block)
        if event is not None:
            add(event, True)
            return
        rows = [_code_row(row) for row in block]
        short = block_introduced and sum(bool(WORD.search(row)) for row in rows) <= SHORT_BLOCK
        for row in rows:
            add(row, short and bool(SAYS.match(row.strip())))
    # In a block quote: whether its last line was paragraph text (a line without '>' after
    # it still belongs to the quote, CommonMark's lazy continuation), and whether the quote
    # is an alert (`> [!NOTE]`: advice, not a message).
    in_quote, quoted_text, alert = False, False, False
    # The last line of text before the quote, and whether it introduces the quote as a message;
    # the line just before this one.
    lead, introduced, previous = "", False, ""
    # A quote's line that ends in a colon after words of its own ("DsReplicaSync() failed
    # with status 6 (0x6):") goes on in the quote's next line (of the same paragraph): the
    # two are one message.
    opened = ""

    def quoted_line(text: str) -> None:
        nonlocal opened
        text = _message_line(text).strip()
        if opened:
            text, opened = f"{opened} {text}", ""
        elif text.endswith(":") and _tells_apart(text[:-1]):
            opened = text
            return
        add(text, introduced)

    for number, (line, in_fence) in enumerate(zip(lines, fenced, strict=True)):
        before, previous = previous, line.text
        if in_fence:
            if docfx.FENCE.match(line.text) and block:
                add_block()
                block = []
            elif docfx.FENCE.match(line.text):  # a block opens (or an empty one closes)
                block_introduced = bool(INTRODUCES_MESSAGE.search(lead))
            else:
                block.append(line.text)
            in_quote, quoted_text, alert, lead = False, False, False, ""
            continue
        quote = QUOTE_LINE.match(line.text)
        lazy = quote is None and quoted_text and bool(line.text.strip()) \
            and BLOCK_START.match(line.text) is None
        if quote:
            body = quote["body"].strip()
            alert = alert and in_quote  # an alert lasts as long as its quote
            if not in_quote:
                # A long quote is a log: its lines with a message's words are messages.
                introduced = bool(INTRODUCES_MESSAGE.search(lead)) \
                    and _quote_rows(texts[number:]) <= SHORT_QUOTE
            if docfx.ALERT.match(body) or body.startswith("[!"):
                alert = True
            elif not alert and body:
                quoted_line(quote["body"])
            elif opened:  # a blank line of the quote: the next line starts anew
                add(opened, introduced)
                opened = ""
            in_quote, quoted_text = True, bool(body)
        elif lazy:
            if not alert:
                quoted_line(line.text)
        else:
            if opened:  # a line that ends the quote with its colon: as it is
                add(opened, introduced)
                opened = ""
            in_quote, quoted_text, alert = False, False, False
            if line.text.strip() and not DIRECTIVE_LINE.match(line.text):
                lead = line.text
                # "…fails with the following error message:" and the message on the next line
                # of the same paragraph.
                if before.strip() and INTRODUCES_MESSAGE.search(before) \
                        and BLOCK_START.match(line.text) is None:
                    add(_message_line(line.text), True)
        for span in CODE_SPAN.finditer(line.text):
            text = span["text"].strip()
            if (len(text.split()) >= 3 and text[:1].isupper()) or CODE.fullmatch(text):
                add(text)
        if not DIRECTIVE_LINE.match(line.text):  # an image's source and alt text are no message
            for quoted in QUOTED.finditer(line.text):
                add(_message_line(quoted["text"]))
    if opened:
        add(opened, introduced)
    add_block()
    return found


# A log line at a debugging level: what the pipeline says about itself, not the error.
DEBUG_LINE = re.compile(r"^(?:##)?\[(?:debug|verbose|trace)\]|^(?:debug|verbose|trace)\s*:",
                        re.IGNORECASE)
# What PowerShell prints under an error's message: where it happened (`At line:1 char:20`),
# the error's category and id (`+ CategoryInfo : ObjectNotFound: …`), the marks under the
# command (`+ ~~~~`); every error of its kind says the same.
POWERSHELL_CONTEXT = re.compile(r"^(?:At (?:line:\d+|\S.*:\d+) char:\d+|\+\s*(?:CategoryInfo|"
                                r"FullyQualifiedErrorId)\s*:|\+\s*~)", re.IGNORECASE)
# An event's or dialog's field ("Type: Error", "Event ID: 4"): a label and one value.
FIELD = re.compile(r"[A-Za-z][\w ]{0,24}:\s*\S+")


# A member of a JSON object on a line of its own: `"error_description": "AADSTS…",`.
JSON_MEMBER = re.compile(r'^\s*"[\w.-]+"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"\s*,?\s*$')


# A line break written as HTML at a quoted line's end (`This site can't be reached<br/>`).
LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A code block (a quote) introduced as the message shows it whole in a few lines; longer ones
# are logs, whose lines are messages only with a message's words.
SHORT_BLOCK = 3
WORD = re.compile(r"[A-Za-z]{2}")  # a line that says something (not `{` nor `}` alone)
SHORT_QUOTE = 12


def _quote_rows(texts: Sequence[str]) -> int:
    """How many lines of text the block quote that starts at texts[0] holds (its blank
    lines left out; a line without '>' right after a line of its text belongs to it)."""
    rows, text_before = 0, False
    for text in texts:
        quote = QUOTE_LINE.match(text)
        if quote is None and not (text_before and text.strip()
                                  and BLOCK_START.match(text) is None):
            break
        body = (quote["body"] if quote else text).strip()
        rows += bool(body)
        text_before = bool(body)
    return rows
# A line of a code block that reads as what a program said: it starts with a capital letter,
# and is no prompt (`C:\>`, `PS C:\>`) nor a PowerShell command (`Get-ADUser …`); a command as
# typed (`dir \\server\share`, `klist tgt`) starts in lower case.
SAYS = re.compile(r"(?![A-Z]:\\|PS\b|[A-Z][a-z]+-[A-Z])[A-Z]")
# A block quote's marker before a quotation mark, typed into a code block: `> "Msg 233, …`.
QUOTE_IN_CODE = re.compile(r"^\s*>\s*(?=[\"“])")


def _code_row(row: str) -> str:
    """A line of a code block as the message it may hold: a JSON member's string value,
    read (its first line, where the value holds `\\r\\n`; the message, where the value is an
    error as JSON), an error as JSON on one line (see `_json_message`), else the line as it
    is, less a block quote's marker before its quotation mark (the mark goes with
    `_unquoted`)."""
    member = JSON_MEMBER.match(row)
    if member is None:
        return _json_message(row) or QUOTE_IN_CODE.sub("", row)
    try:
        value = json.loads(f'"{member["value"]}"')
    except ValueError:
        return row
    return _json_message(value) or (str(value).splitlines()[0] if value.strip() else "")


# An event as the Event Viewer shows it: its fields (`Log Name:`, `Source:`, `Event ID:`),
# then `Description:` and the event's message, on the lines after it.
EVENT_FIELD = re.compile(r"^\s*(?:Log Name|Source|Event ID):", re.IGNORECASE)
EVENT_DESCRIPTION = re.compile(r"^\s*Description:\s*(?P<rest>.*)$", re.IGNORECASE)


def _event_message(rows: Sequence[str]) -> str | None:
    """The message of an event a code block shows as the Event Viewer does: the text after
    its `Description:`, its lines joined; None for a block that is no such event."""
    for number, row in enumerate(rows):
        found = EVENT_DESCRIPTION.match(row)
        if found is not None:
            if not any(EVENT_FIELD.match(r) for r in rows[:number]):
                return None
            return " ".join(" ".join([found["rest"], *rows[number + 1:]]).split()) or None
    return None


def _json_message(row: str) -> str | None:
    """The message of an error written as JSON on one line (`{"error":{"code":"…",
    "message":"Moving resources did not finish…"}}`): its first line; None for a line that
    is no such object."""
    text = row.strip().rstrip(",")
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    while isinstance(value, dict):
        for key in ("message", "Message", "error_description"):
            if isinstance(value.get(key), str) and value[key].strip():
                return str(value[key]).splitlines()[0]
        value = value.get("error")
    return None


def _unquoted(text: str) -> str:
    """The text without the quotation marks around it, and without one left unpaired at
    either end (the quoted text goes on elsewhere); a quoted part at its end stays whole."""
    pairs = {'"': '"', "'": "'", "“": "”"}
    while len(text) >= 2 and text[0] in pairs and text[-1] == pairs[text[0]] \
            and _paired(text[1:-1], text[0], text[-1]):
        text = text[1:-1].strip()
    if text.count('"') % 2:
        text = text[1:] if text.startswith('"') else text[:-1] if text.endswith('"') else text
    if text.startswith("“") and text.count("“") > text.count("”"):
        text = text[1:]
    if text.endswith("”") and text.count("”") > text.count("“"):
        text = text[:-1]
    return text.strip()


def _paired(text: str, opening: str, closing: str) -> bool:
    """Whether the quotation marks in `text` open and close in turn (`say "x" now`), so that
    marks around it are a pair of their own (not the ends of `"a" and "b"`)."""
    inside = False
    for number, char in enumerate(text):
        if char == opening and not inside and (number == 0 or not text[number - 1].isalnum()):
            inside = True
        elif char == closing and inside and (number + 1 == len(text)
                                              or not text[number + 1].isalnum()):
            inside = False
        elif char in (opening, closing) and opening != "'":
            return False
    return not inside


def _tells_apart(text: str) -> bool:
    """Whether the text is enough of a message to find its entry by: not a label
    ("Error code:"), one field ("Type: Error") or a debugging line of a log, and three words
    or more, or a code ("Internal error" would match too many logs)."""
    if text.endswith(":") or FIELD.fullmatch(text) or DEBUG_LINE.match(text) \
            or POWERSHELL_CONTEXT.match(text):
        return False
    words = [word for word in text.split() if re.search(r"[A-Za-z]{2,}", word)]
    return len(words) >= 3 or bool(CODE.search(text))


def codes_in(texts: Sequence[str]) -> list[str]:
    """The error codes the texts name: AADSTS7000215, TF400850, 0x80090022 (in lower case);
    one written without its 0x, 80072EE6, both ways (a log may show either)."""
    bare = {c.lower() for t in texts for c in BARE_HEX_CODE.findall(t)}
    return sorted({*(c for t in texts for c in CODE.findall(t)),
                   *(c.lower() for t in texts for c in HEX_CODE.findall(t)),
                   *bare, *(f"0x{c}" for c in bare)})


def _message_line(text: str) -> str:
    """A quoted line as the message it shows: no emphasis marks, escapes and character
    references read as CommonMark reads them, no code span's backticks (what a code span
    holds is kept as it is, underscores and backslashes included; a backtick that opens or
    closes a span on another line is dropped)."""
    out, position = [], 0
    for span in CODE_SPAN.finditer(text):
        out += [_as_read(text[position:span.start()]), span["text"]]
        position = span.end()
    rest = text[position:]
    if rest.count("`") % 2:
        rest = rest.replace("`", "", 1) if rest.lstrip().startswith("`") else \
            rest[::-1].replace("`", "", 1)[::-1]
    return "".join([*out, _as_read(rest)])


def _as_read(text: str) -> str:
    """Markdown text outside code as readers see it: no emphasis marks, backslash escapes
    and character references (`&nbsp;`, `&lt;`) read."""
    escaped: list[str] = []  # kept apart while emphasis marks and references are read

    def keep(found: re.Match[str]) -> str:
        escaped.append(found[1])
        return f"\x00{len(escaped) - 1}\x01"

    text = re.sub(r"\\([!-/:-@\[-`{-~])", keep, text)
    text = html.unescape(EMPHASIS.sub("", text)).replace("\u00a0", " ")
    return re.sub("\x00(\\d+)\x01", lambda found: escaped[int(found[1])], text)


def _note_for(report: dict[str, list[str]], key: str, text: str) -> None:
    report.setdefault(key, []).append(text)


def _bold_headings(body: Sequence[Line], nodes: Sequence[Node], aliases: list[str]
                   ) -> list[Line]:
    """A heading's text with the headings under it as bold lines (a step holds no heading);
    their anchors are added to `aliases`."""
    out = list(body)
    for node in nodes:
        out += [Line(node.line, ""), Line(node.line, f"**{plain_title(node.title)}**"),
                Line(node.line, "")]
        aliases += [node.id, *node.aliases]
        out += _bold_headings(node.body, node.children, aliases)
    return out


def fix_from(importer: Importer, part: Node, base: Sequence[str], report: list[str],
             titled: bool = False, before: list[dict[str, Any]] | None = None
             ) -> dict[str, Any]:
    """A Resolution, Solution or Workaround heading as one fix, its text in order; `titled`:
    the heading names the fix (one of several ways, "Method 2: Reset the password").
    `before`: where a fix the heading's text gives ahead of this one goes (see
    `_first_way`)."""
    own = _strip_role(part.title)
    if titled:
        own = ALTERNATIVE_PREFIX.sub("", own) or own
    plain = plain_title(part.title)
    blocks = importer.blocks(list(part.body), part)
    first_way = _first_way(blocks) if before is not None else None
    if first_way is not None and before is not None:
        blocks.remove(first_way)
        way = importer._fix([], None, [], base, [first_way])
        way["title"] = _capital(_clause(FIX_PREFIX.sub("", _sentence(first_way.text))))
        before.append(way)
        report.append(f"fix '{way['title']}': the resolution's first sentence is a fix of "
                      "its own, before the one its steps give")
    # Text before the first list describes the fix; so does text before its first heading.
    has_list = any(b.kind == "list" for b in blocks) or bool(part.children)
    seen_list = False
    described: list[str] = []
    lead: list[Block] = []
    steps: list[Any] = []
    notes: list[dict[str, Any]] = []
    # After the steps, "If the record doesn't exist, collect the following:" and its list:
    # what to do when the steps do not apply, a note after them (not more steps).
    otherwise: dict[str, Any] | None = None
    for block in blocks:
        if block.kind == "quote" and (note := importer.note(block)) is not None:
            if steps:
                note["position"] = "after"
            notes.append(note)
            continue
        if block.kind == "list" and otherwise is not None:
            otherwise["text"] += "\n" + importer._zoned(block, base) + "\n"
            otherwise = None
            continue
        otherwise = None
        if block.kind == "list":
            seen_list = True
            for _number, item in importer.list_items(block):
                text = _unwrap(importer.markdown(item))
                if not text.strip() or _only_leads(text):
                    continue
                rng = importer.range_of(block.zones, base)
                text = text + "\n" if "\n" in text else text
                steps.append({"text": text, "applies_to": rng} if rng else text)
            continue
        text = importer._zoned(block, base)
        if not text.strip():
            continue
        if has_list and not seen_list:
            described.append(text)
            lead.append(block)
        elif block.kind == "fence" and steps and isinstance(steps[-1], str):
            steps[-1] = steps[-1].rstrip("\n") + "\n\n" + text + "\n"
        elif seen_list and block.kind == "paragraph" and text.rstrip().endswith(":") \
                and OTHERWISE.match(plain_title(text)):
            otherwise = {"type": "note", "text": text + "\n", "position": "after"}
            notes.append(otherwise)
        elif seen_list and block.kind == "paragraph" and not text.rstrip().endswith(":") \
                and not ACTS.search(plain_title(LINK.sub("", text))):
            # Text after the numbered steps that asks for no action says what follows them
            # (a risk, where to read more): a note after the steps, not one more step.
            notes.append({"type": "note", "text": text + "\n", "position": "after"})
        else:
            steps.append(text + "\n" if "\n" in text else text)
    # Each heading under the fix (`### Step 2: Repair the disk`) is one step: its title in
    # bold, what follows it inside the step; its anchor leads to the fix. A heading that
    # informs rather than acts ("Prerequisites", "Restart requirement") is a note: before
    # the steps when it says what must come first, after them otherwise.
    aliases: list[str] = []
    for child in part.children:
        aliases += [child.id, *child.aliases]
        body = importer.markdown(_bold_headings(child.body, child.children, aliases))
        step = f"**{plain_title(child.title)}**" + (f"\n\n{body}\n" if body else "")
        rng = importer.range_of(child.zones, base)
        informs = INFORMS.match(plain_title(child.title).strip().rstrip(":"))
        if informs is not None and body:
            told: dict[str, Any] = {"type": "note", "text": step}
            if rng:
                told["applies_to"] = rng
            if not informs["first"]:
                told["position"] = "after"
            notes.append(told)
            report.append(f"fix '{own or plain}': '{plain_title(child.title)}' is one of its "
                          "notes, not a step")
            continue
        steps.append({"text": step, "applies_to": rng} if rng else step)
    title = own if own and (titled or own.lower() != plain.lower()) and not re.match(
        r"^(for )?(cause|issue|scenario)\s*\d*$", own, re.IGNORECASE) else ""
    if not title:
        title = _fix_title([b.text for b in lead], "")
        if title:
            report.append(f"fix '{title}': title taken from the text's first sentence; "
                          "shorten it if needed")
    if not title and steps:
        texts = [step["text"] if isinstance(step, dict) else step for step in steps]
        # Paragraphs without a list are the fix's text: titled as a lead is (the sentence
        # that says what to do), rather than by their first sentence.
        title = _step_title(texts[0]) if has_list else _fix_title(texts, _step_title(texts[0]))
        if title:
            report.append(f"fix '{title}': title taken from its first step; reword it as "
                          "what the fix does")
    title = title or plain
    if part.children:
        report.append(f"fix '{title}': each heading under it is one of its steps; their "
                      "anchors lead to the fix")
    fix: dict[str, Any] = {"title": title}
    # The heading's anchor: links into the article land, and two fixes titled alike
    # (`### Resolution 2` and `### Resolution 3` may begin with the same sentence) keep
    # anchors of their own.
    fix["id"] = part.id
    if part.aliases or aliases:
        fix["aliases"] = list(dict.fromkeys([*part.aliases, *aliases]))
    if described:
        fix["description"] = "\n\n".join(described) + "\n"
    if notes:
        fix["notes"] = notes
    if not steps:
        steps = [title]
        report.append(f"fix '{title}': the article gives no steps; its title is the only step")
    fix["steps"] = steps
    return fix


# A cause's number in its heading ("Cause 2", "Cause 2: The password expired"), and a fix's
# heading that names the cause it is for ("Resolution for cause 2").
CAUSE_NUMBER = re.compile(r"^cause\s*(\d+)\b", re.IGNORECASE)
FOR_CAUSE = re.compile(r"\b(?:for|to) cause\s*(\d+)\b", re.IGNORECASE)


def group_entry(importer: Importer, group: Group, fallback: tuple[str, str],
                base: Sequence[str], report: list[str], lead: Sequence[Line] = ()
                ) -> dict[str, Any]:
    """One error of a troubleshooting article as an entry (`lead`: the article's text
    before its first heading, where an article about one error may quote it)."""
    head = group.head
    if head is not None:
        data = importer.head(head, base)
        data["title"] = plain_title(head.title).strip()
    else:
        data = {"id": fallback[0], "title": fallback[1]}
    parts = group.parts
    symptoms = [p for p in parts if role_of(p) == SYMPTOM]
    debug = [p for p in parts if role_of(p) == DEBUG and not any(
        role_of(q) == CAUSE for q in parts[:parts.index(p)])]
    # What the symptoms show, under their own headings too ("### Scenario 1").
    seen_lines = [*lead, *(head.body if head else []),
                  *(line for p in _walk(symptoms) for line in p.body),
                  *(line for p in debug for line in p.body)]
    title_line = [Line(head.line if head else 0, data["title"])]
    coded = CODED_TITLE.match(data["title"])
    titled = [f"{coded['code']}: {_message_line(coded['text'])}"] if coded else []
    templates = importer.templates([*titled, *error_strings(title_line),
                                    *error_strings(seen_lines)])
    if templates:
        data["messages"] = templates
        data["samples"] = [importer.sample(t) for t in templates]
        report.append(f"messages: {len(templates)} taken from the article; compare each with "
                      "what users see, and the placeholders with the parts that vary")
    else:
        report.append("messages: none found in code blocks, quotes or code spans; add the "
                      "message users see, verbatim, with samples")
    codes = codes_in([data["title"], *templates])
    if codes:
        data["codes"] = codes
    summary = []
    if head is not None and head.body:
        summary.append(importer.markdown([*head.body,
                                          *importer._subheadings(head.children, SECTION_TEXT)]))
    for part in [*symptoms, *debug]:
        text = importer.markdown([*part.body, *importer._subheadings(part.children,
                                                                     SECTION_TEXT)])
        if not text.strip():
            continue
        if role_of(part) == DEBUG or len(symptoms) > 1:
            text = f"**{plain_title(part.title)}**\n\n{text}"
        summary.append(text)
    if any(s.strip() for s in summary):
        data["summary"] = "\n\n".join(s for s in summary if s.strip()) + "\n"
    causes: list[dict[str, Any]] = []
    numbered: dict[str, dict[str, Any]] = {}  # "Cause 2" -> its cause
    waiting: list[dict[str, Any]] = []
    waiting_text: list[str] = []  # what tells the waiting fixes apart
    for part in parts:
        role = role_of(part)
        if role == CAUSE:
            cause = _cause_from(importer, part, base, data["title"], report)
            number = CAUSE_NUMBER.match(plain_title(part.title))
            if number is not None:
                numbered.setdefault(number[1], cause)
            if waiting:
                cause["fixes"] = [*waiting, *cause["fixes"]]
                waiting = []
            for text in waiting_text:
                _describe(cause, text)
            waiting_text = []
            causes.append(cause)
        elif role == FIX:
            # Ways to choose from (headings, or the items of a list), and the text that
            # says which applies; else the resolution is one fix.
            alternatives = _alternatives(importer, part, base)
            listed = None if alternatives else _listed_ways(importer, part, base)
            ways: list[dict[str, Any]] = []
            choose = ""
            if listed is not None:
                choose, ways = listed
                ways[0]["id"] = part.id  # links to the resolution land on its first way
                if part.aliases:
                    ways[0]["aliases"] = list(part.aliases)
            else:
                choose = alternatives[0] if alternatives else ""
                for child in alternatives[1] if alternatives else [part]:
                    first_ways: list[dict[str, Any]] = []
                    fix = fix_from(importer, child, base, report, titled=bool(alternatives),
                                   before=first_ways)
                    ways += [*first_ways, fix]
            # "Resolution for cause 2" after the causes: the fix of cause 2, else of the
            # cause before it.
            named = FOR_CAUSE.search(plain_title(part.title))
            target = numbered.get(named[1]) if named else None
            target = target or (causes[-1] if causes else None)
            if target is not None:
                target["fixes"].extend(ways)
            else:
                waiting.extend(ways)
            if choose:
                report.append(f"fixes: the {len(ways)} under '{plain_title(part.title)}' are "
                              "ways to choose from; the text that says which applies is in "
                              "the cause's description")
                if target is not None:
                    _describe(target, choose)
                else:
                    waiting_text.append(choose)
        elif role == DEBUG and part not in debug and causes:
            text = importer.markdown([*part.body, *importer._subheadings(part.children,
                                                                         CAUSE_TEXT)])
            if text.strip():
                previous = causes[-1].get("description", "")
                causes[-1]["description"] = (previous + "\n" if previous else "") + \
                    f"**{plain_title(part.title)}**\n\n{text}\n"
    if waiting:
        # No Cause heading: the symptoms' sentence that says why ("It occurs when the SSL
        # handshake fails...") names the cause, where there is one; else the error does.
        said = next((sentence for text in summary for sentence in _sentences(
            _words(_as_read(text))) if CAUSE_LEAD.match(sentence)), "")
        cause = {"id": f"{data['id']}-cause",
                 "title": _cause_title(said.rstrip(".")) if said else data["title"],
                 "fixes": waiting}
        for text in waiting_text:
            _describe(cause, text)
        causes.append(cause)
        report.append(f"cause '{cause['id']}': the article has no Cause heading; its title "
                      + ("is the symptoms' sentence that says why the error happens: check it"
                         if said else "is the error's: say why the error happens"))
    for cause in causes:
        if not cause["fixes"]:
            made = importer.cause(cause.pop("_node"), base)
            cause["fixes"] = made["fixes"]
            cause.pop("description", None)
            if made.get("description"):
                cause["description"] = made["description"]
            report.append(f"cause '{cause['id']}': no Resolution heading; the fix was taken "
                          "from the cause's text")
        cause.pop("_node", None)
        if len(causes) > 1 or not cause.get("description"):
            cause["check"] = f"Does this apply: {cause['title'].rstrip('.')}?"
            report.append(f"cause '{cause['id']}': the check question is generated; reword it "
                          "as a yes/no question that tells this cause apart")
    ordered = []
    for cause in causes:
        ordered.append({k: cause[k] for k in ("id", "title", "applies_to", "aliases", "check",
                                              "description", "notes", "fixes") if k in cause})
    if ordered:
        data["causes"] = ordered
    elif "summary" not in data:
        data["summary"] = data["title"] + "\n"
    return data


# A sentence that asks for an action: a verb of one at its start, or after the clause that
# leads to it ("After you update the permissions, restart the site").
ACTS = re.compile(r"(?:^|[.:;,]\s+)(?:either\s+|then\s+)?(?:run|restart|reboot|stop|start|"
                  r"open|close|select|click|sign|go|set|add|remove|delete|install|uninstall|"
                  r"update|upgrade|enable|disable|issue|type|enter|change|create|check|"
                  r"verify|make sure|ensure|reset|copy|use|apply|repeat|wait|try|revert|"
                  r"restore|return|follow|perform|do|contact|collect|save|move|rename|"
                  r"replace|configure|grant|assign|register|connect|navigate|download|import|"
                  r"export|make|turn|allow|choose|switch|edit|modify|include|specify|provide|"
                  r"send|correct|increase|decrease|adjust|extend)\b",
                  re.IGNORECASE)


def _first_way(blocks: Sequence[Block]) -> Block | None:
    """The paragraph that opens a resolution with a whole fix of its own ("To resolve this
    issue, include the client secret in the request."), when another paragraph leads to
    the resolution's steps ("In the ROPC flow, change the client type instead:"): a way of
    its own, not the description of the steps that follow."""
    lead: list[Block] = []
    for block in blocks:
        if block.kind == "list":
            break
        if block.kind != "paragraph":
            return None
        lead.append(block)
    else:
        return None
    first = lead[0] if len(lead) >= 2 else None
    if first is None or not lead[-1].text.rstrip().endswith(":") \
            or first.text.rstrip().endswith(":") or not FIX_PREFIX.match(first.text) \
            or len(_sentences(_unwrap(first.text).strip())) != 1:
        return None
    return first


# A heading under a fix that informs rather than acts: what must come first, or what follows.
INFORMS = re.compile(r"^(?:(?P<first>prerequisites?|requirements?|before you (?:begin|start))|"
                     r"restart requirements?|(?:\w+ )?replacement information|file information|"
                     r"more information|status|applies to|notes?)$", re.IGNORECASE)
# A heading that names one of several ways to fix an error ("Method 1", "Recovery Method 2
# (AD Recycle Bin enabled)", "Option 3: Reset the password").
ALTERNATIVE = re.compile(r"\b(?:method|option|approach|alternative|way|solution|resolution|"
                         r"workaround)\s*\d+\b", re.IGNORECASE)
# Its number in front ("Option 1: "): the page numbers the fixes of a cause itself.
ALTERNATIVE_PREFIX = re.compile(r"^(?:\w+\s+)?(?:method|option|approach|alternative|way|"
                                r"solution|resolution|workaround)\s*\d+\s*[:：.\-–]\s*",
                                re.IGNORECASE)


def _alternatives(importer: Importer, part: Node, base: Sequence[str]
                  ) -> tuple[str, list[Node]] | None:
    """When the headings under a Resolution are ways to choose from (two or more, each
    numbered as a method or option): the Resolution's own text, without a list that only
    links to those headings, and the headings; else None."""
    if len(part.children) < 2 or not all(ALTERNATIVE.search(plain_title(child.title))
                                         for child in part.children):
        return None
    ids = {anchor for child in part.children for anchor in (child.id, *child.aliases)}
    lines, _listed = _drop_error_list(list(part.body), ids)
    text = "\n\n".join(importer._zoned(block, base) for block in importer.blocks(lines, part))
    return text.strip(), part.children


# A resolution's sentence before the ways it lists, one an item: "To work around this issue,
# use one of the following methods:".
ONE_OF = re.compile(r"\bone of the following (?:methods|options|ways|solutions|workarounds)\b"
                    r"[^:]*:\s*$", re.IGNORECASE)


def _listed_ways(importer: Importer, part: Node, base: Sequence[str]
                 ) -> tuple[str, list[dict[str, Any]]] | None:
    """When a resolution's text says to use one of the ways it lists in a bulleted list
    ("use one of the following methods:"): its text before the list (its alerts aside), and
    one fix per item (titled by the item's first sentence, its own numbered list its steps;
    the alerts go to the first); else None. A resolution with headings under it, or with
    text after the list, stays one fix."""
    if part.children:
        return None
    blocks = importer.blocks(list(part.body), part)
    at = next((i for i, block in enumerate(blocks) if block.kind == "list"), None)
    if at is None or not at or blocks[at - 1].kind != "paragraph" \
            or not ONE_OF.search(plain_title(_joined(blocks[at - 1].text))):
        return None
    # An item's own numbered list may come as a list block of its own: one list, all of them.
    end = next((i for i in range(at, len(blocks)) if blocks[i].kind != "list"), len(blocks))
    if any(block.kind != "quote" for block in blocks[end:]):
        return None
    listed = Block("list", tuple(line for block in blocks[at:end] for line in block.lines),
                   blocks[at].zones)
    marker = LIST_ITEM.match(listed.lines[0].text)
    items = importer.list_items(listed)
    if marker is None or marker["marker"] not in "-*+" or len(items) < 2:
        return None
    ways = []
    for _number, lines in items:
        # The item's later lines as they read below its first (an item may indent them more
        # than its marker's width); its alerts are the fix's notes.
        indent = min((len(line.text) - len(line.text.lstrip(" ")) for line in lines[1:]
                      if line.text.strip()), default=0)
        inner = importer.blocks([lines[0], *(Line(line.number, line.text[indent:])
                                             for line in lines[1:])], part)
        read = [(block, importer.note(block) if block.kind == "quote" else None)
                for block in inner]
        notes = [note for _block, note in read if note is not None]
        inner = _with_code([block for block, note in read if note is None])
        steps = next((i for i, block in enumerate(inner) if block.kind == "list"), None)
        # An item that opens with a name alone ("SQL Server", then what to do there): the
        # name titles the fix, the rest are its steps.
        named = len(inner) > 1 and inner[0].kind == "paragraph" and \
            len(inner[0].text.split()) <= 6 and not re.search(r"[.:!?]\s*$", inner[0].text)
        if steps is not None:
            ways.append(importer._fix(inner[:steps], inner[steps], notes, base,
                                      inner[steps + 1:]))
        else:
            ways.append(importer._fix(inner[:1] if named else [], None, notes, base,
                                      inner[1:] if named else inner))
    alerts = [note for block in [*blocks[:at], *blocks[end:]] if block.kind == "quote"
              and (note := importer.note(block)) is not None]
    if alerts:
        ways[0]["notes"] = [*alerts, *ways[0].get("notes", [])]
    text = "\n\n".join(importer._zoned(block, base) for block in blocks[:at]
                        if block.kind != "quote")
    return text, ways


def _with_code(blocks: Sequence[Block]) -> list[Block]:
    """The blocks with each code block joined to the one before it (the text that says
    what to run, and what to run, are one step)."""
    out: list[Block] = []
    for block in blocks:
        if block.kind == "fence" and out:
            last = out[-1]
            out[-1] = Block(last.kind, (*last.lines, Line(last.lines[-1].number, ""),
                                        *block.lines), last.zones)
        else:
            out.append(block)
    return out


def _describe(cause: dict[str, Any], text: str) -> None:
    """`text` added at the end of the cause's description."""
    previous = cause.get("description", "")
    cause["description"] = (previous.rstrip("\n") + "\n\n" if previous else "") + text + "\n"


def _shadowed(template: str, others: Sequence[str]) -> bool:
    plain = re.sub(r"\{[^{}]*\}", "", template).lower()
    return any(plain and plain in re.sub(r"\{[^{}]*\}", "", o).lower() for o in others)


def _cause_from(importer: Importer, part: Node, base: Sequence[str], fallback: str,
                report: list[str]) -> dict[str, Any]:
    data = importer.head(part, base)
    own = _strip_role(part.title)
    body = importer.markdown([*part.body, *importer._subheadings(part.children, CAUSE_TEXT)])
    # "Cause 2: The password expired" names its cause after the prefix; a heading that the
    # article's list of possible causes names (its role given by that list) is the name.
    if own and (own.lower() != plain_title(part.title).lower() or part.role == CAUSE):
        data["title"] = _capital(own)
    else:
        sentence = _cause_title(_sentence(body)) if body.strip() else ""
        data["title"] = sentence or fallback
        report.append(f"cause '{part.id}': title taken from the text's first sentence; "
                      "shorten it if needed" if sentence else
                      f"cause '{part.id}': the cause has no text; its title is the error's")
    if body.strip():
        data["description"] = body + "\n"
    data["fixes"] = []
    data["_node"] = part
    return data
