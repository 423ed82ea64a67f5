"""Render (DocFX flavour): DocFX / Microsoft Learn Markdown to Material for MkDocs Markdown.

Input: a Markdown text, where it starts, one moniker and the translation context (versions,
repository, include roots, xref map); output: Markdown that MkDocs (Python-Markdown with
Material's extensions) renders as DocFX (Markdig) publishes the text for that moniker, with
problems added to Diagnostics.

Stages, per text and per included file: moniker zones are resolved line by line (hidden
lines are never looked at again); the shown lines are parsed as CommonMark plus DocFX's
blocks (`blocks`); the tree is written out for Python-Markdown (`commonmark.Writer`) with
each DocFX construct turned into the Material feature that shows it: alerts into
admonitions, `:::row:::` into a grid, zone pivots and `#tab/` headings into content tabs,
checklists into task lists, code snippets into fenced code, includes into their
translated content (links rebased), `xref:` links into the configured xref map's hrefs.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.nodes import Node as Node_

from ..core.diagnostics import Diagnostic, Diagnostics, Loc, did_you_mean
from ..core.versions import Products, Range, RangeError, parse_range
from ..core.yamlsafe import safe_yaml
from . import commonmark, paths, snippets
from .blocks import CODE_LINE, INCLUDE_LINE, TRIPLE, attributes, docfx_plugin
from .commonmark import Node, Writer, indent, join_blocks, paragraph_line
from .headings import HeadingIds, inline_plain_text
from .xref import XrefMap

if TYPE_CHECKING:
    from ..core.project import Project

# Fences: ``` or ~~~ (3 or more), at any indentation so fences in list items count too.
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# `::: moniker range="..."` and `::: moniker-end`: 3+ colons, keywords in any case.
ZONE = re.compile(r"^\s*(?P<colons>:{3,})\s*(?P<keyword>moniker(?:-end)?)(?![\w-])(?P<rest>.*)$",
                  re.IGNORECASE)
ZONE_RANGE = re.compile(r"""^\s+range\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')\s*$""",
                        re.IGNORECASE)
# The `>` markers of a quoted line: a zone may open inside a quote (or an alert).
QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>[ ]?)+")
QUOTE = re.compile(r"^(?P<indent>[ \t]*)>[ ]?(?P<body>.*)$")
ALERT = re.compile(r"^\[!(?P<kind>[A-Za-z][\w-]*)\](?P<rest>.*)$")
DIV = re.compile(r"^\[!div(?P<attrs>(?:\s[^\]]*)?)\]\s*$", re.IGNORECASE)
VIDEO_LINE = re.compile(r"^\[!VIDEO\s+(?P<url>[^\]\s]+)\s*\]\s*$", re.IGNORECASE)
_ATTRS = r"""(?P<attrs>(?:\s+[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*"""
BLOCK_INCLUDE = re.compile(
    r"^(?P<indent>\s*)(?P<token>\[!INCLUDE\s*\[[^\]]*\]\((?P<path>[^)]*)\)\])\s*$", re.IGNORECASE)
INLINE = re.compile(
    r"(?P<include>\[!INCLUDE\s*\[[^\]]*\]\((?P<path>[^)]*)\)\])"
    r"|(?P<video>\[!VIDEO\s+(?P<url>[^\]\s]+)\s*\])"
    # DocFX's no-loc: a backslash escapes the next character, `"` included.
    r'|(?P<noloc>:::no-loc\s+text="(?P<noloc_text>(?:[^"\\\n]|\\.)*)":::)'
    r"|(?P<directive>:::(?P<name>[A-Za-z][\w-]*)" + _ATTRS + r":::)",
    re.IGNORECASE,
)
CODE_SPAN = re.compile(r"(?<!`)(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`)")
FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)\s*$")
# `<xref:uid>` and `<xref:uid?displayProperty=...>`; `](xref:uid)` inside a link.
XREF_AUTOLINK = re.compile(r"<xref:(?P<uid>[^\s>?#]+)(?P<query>[?#][^\s>]*)?>")
XREF_LINK = re.compile(r"\]\(\s*<?xref:(?P<uid>[^\s)>?#]+)(?P<query>[?#][^\s)>]*)?>?"
                       r"(?P<title>\s+\"[^\"]*\")?\s*\)")
# Link and image targets, for rebasing the relative ones of an included file.
LINK_TARGET = re.compile(
    r"(?P<lead>\]\(\s*)(?P<target><[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)")
HTML_TARGET = re.compile(r"""(?P<lead>\b(?:src|href)\s*=\s*)(?P<q>["'])(?P<target>[^"']*)(?P=q)""",
                         re.IGNORECASE)
TAB_HEADING = re.compile(r"^\[(?P<title>[^\]]+)\]\(#tab/(?P<id>[^)\s/]+)(?:/[^)\s]*)?\)\s*$")

ALERTS = {
    "NOTE": "note",
    "TIP": "tip",
    "IMPORTANT": 'info "Important"',
    "CAUTION": 'danger "Caution"',
    "WARNING": "warning",
}
# `[!div class="..."]` classes that only style their content: the content is shown as is.
STYLE_DIVS = frozenset({"mx-imgborder", "mx-tdbreakall", "mx-tdcol2breakall", "mx-tablefixed",
                        "op_single_selector", "op_multi_selector"})
IMAGE_TYPES = ("content", "complex", "icon")
BUTTON = "{ .md-button .md-button--primary }"
# How deep includes may nest (an include of an include of ...): real docs use two or three.
MAX_INCLUDE_DEPTH = 16


@dataclass(frozen=True)
class Context:
    """What translation needs besides the text: the versions, where includes may live and
    the xref map."""

    products: Products
    repo_root: Path
    roots: tuple[Path, ...]
    xrefs: XrefMap = field(default_factory=XrefMap)

    @classmethod
    def for_project(cls, project: Project, products: Products) -> Context:
        """The context of a knowledge base repository, with the xref maps mkdocs.yml lists
        (DiagnosticError when one cannot be read)."""
        root = project.root.resolve()
        try:
            stamp = project.mkdocs_yml.stat().st_mtime_ns
        except OSError:
            stamp = 0
        return cls(products, root, project.content_roots, _xref_map(project, stamp))


@functools.lru_cache(maxsize=8)
def _xref_map(project: Project, stamp: int) -> XrefMap:
    """The xref maps mkdocs.yml lists, read once per version of mkdocs.yml."""
    from ..core.project import site_settings
    from .xref import configured_maps, load

    if not stamp:
        return XrefMap()
    maps = configured_maps(site_settings(project))
    return load(project.root.resolve(), maps) if maps else XrefMap()


class FrontMatterError(ValueError):
    """Malformed front matter; `line` is the 1-based line in the text."""

    def __init__(self, message: str, line: int):
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


@dataclass(frozen=True)
class _Line:
    """One source line: its text, where its first character is, fence and zone it is in."""

    text: str
    loc: Loc
    fenced: bool = False
    zone: Range | None = None

    def at(self, index: int) -> Loc:
        """The location of `text[index]`; column 0 (unknown) stays unknown."""
        return self.loc.shifted(col=self.loc.col + index if self.loc.col > 0 else 0)


@dataclass(frozen=True)
class _Zone:
    """An open moniker zone: its colon count, opener location and effective range."""

    colons: int
    loc: Loc
    range: Range


def translate(text: str, loc: Loc, moniker: str, ctx: Context, diagnostics: Diagnostics,
              *, headings: bool | None = None) -> str:
    """DocFX Markdown -> Material Markdown for one moniker.

    `loc` is where the first line of `text` is (repo-relative path, 1-based line, column of
    its first character; every line is taken to start at that column, as in a YAML block
    scalar; column 0 means unknown). Includes, snippets and relative links resolve relative
    to the directory of loc.path. `headings` gives every heading DocFX's id (`{ #id }`);
    by default pages (`.md` files) get them and catalogue fields do not.
    """
    name = ctx.products.resolve_alias(moniker)
    if name is None:
        raise ValueError(f"unknown moniker '{moniker}'")
    with_ids = loc.path.endswith(".md") if headings is None else headings
    if _plain(text):
        body = "\n".join(_tidy(_split_lines(text)))
        return body + "\n" if body and text.endswith(("\n", "\r")) else body
    translation = _Translation(ctx, name, loc, with_ids)
    lines = translation.run(text, loc)
    _add_unique(diagnostics, translation.diagnostics)
    body = "\n".join(_tidy(lines))
    return body + "\n" if body and text.endswith(("\n", "\r")) else body


def check(text: str, loc: Loc, ctx: Context, diagnostics: Diagnostics) -> None:
    """Report every problem in `text` whatever the moniker, once each (for `kb check`)."""
    # A pass that shows every zone visits each marker, include, alert and image; one pass per
    # group of monikers that translate the text alike (`variants`) adds what depends on the
    # version (an alert or inline include that ends up empty or with several paragraphs):
    # text without zones or includes needs one such pass, not one per version. Each pass
    # reports a problem the same way: keep one of each.
    if _plain(text):
        return
    found = Diagnostics()
    alike: dict[object, str] = {}
    for name, key in variants(text, loc, ctx).items():
        alike.setdefault(key, name)
    for moniker in (None, *alike.values()):
        translation = _Translation(ctx, moniker, loc, False)
        translation.run(text, loc)
        found.extend(translation.diagnostics.items)
    _add_unique(diagnostics, found)


@dataclass(frozen=True)
class FrontMatter:
    """A page's YAML front matter: the mapping, the body after it, how many lines it took,
    and the keys written more than once (1-based line, column, key): DocFX keeps the last
    value of a repeated key and warns, and so does this reader."""

    data: dict[str, object]
    body: str
    removed: int
    repeated: tuple[tuple[int, int, str], ...] = ()


def read_front_matter(text: str) -> FrontMatter:
    """YAML front matter (--- ... ---) read as DocFX reads it (FrontMatterError if malformed)."""
    lines = text.split("\n")
    if lines[0].lstrip("\ufeff").rstrip() != "---":
        return FrontMatter({}, text, 0)
    end = next((i for i in range(1, len(lines)) if FRONT_MATTER_END.match(lines[i])), None)
    if end is None:
        raise FrontMatterError("front matter opened with '---' is not closed by '---'", 1)
    yaml = safe_yaml()
    try:
        node = yaml.compose("\n".join(lines[1:end]))
        repeated = _keep_last(node) if node is not None else []
        data = yaml.constructor.construct_document(node) if node is not None else None
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = err.problem if isinstance(err, MarkedYAMLError) and err.problem else str(err)
        raise FrontMatterError(f"invalid YAML: {problem}", line) from err
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            f"front matter must be a mapping of keys to values, found {type(data).__name__}", 2)
    return FrontMatter({str(key): value for key, value in data.items()},
                       "\n".join(lines[end + 1:]), end + 1,
                       tuple((line + 2, col + 1, key) for line, col, key in repeated))


def _keep_last(node: Node_) -> list[tuple[int, int, str]]:
    """Each repeated scalar key of every mapping under `node` keeps its first place and its
    last value (0-based line and column of each repeat)."""
    repeated: list[tuple[int, int, str]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            kept: list[tuple[Node_, Node_]] = []
            first: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, ScalarNode) and key.value in first:
                    repeated.append((key.start_mark.line, key.start_mark.column, key.value))
                    kept[first[key.value]] = (kept[first[key.value]][0], value)
                    continue
                if isinstance(key, ScalarNode):
                    first[key.value] = len(kept)
                kept.append((key, value))
            current.value = kept
            stack.extend(v for _, v in kept)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    return sorted(repeated)


def split_front_matter(text: str) -> tuple[dict[str, object], str, int]:
    """YAML front matter (--- ... ---) -> (mapping, body, number of lines removed); a repeated
    key keeps its last value (`read_front_matter` also says which keys were repeated)."""
    found = read_front_matter(text)
    return found.data, found.body, found.removed


def iter_zone_ranges(text: str, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Each moniker zone range outside code fences: where its text starts, and the text."""
    lines = _source_lines(text, loc)
    for line, fenced in zip(lines, _fenced([line.text for line in lines]), strict=False):
        zone = None if fenced else ZONE.match(line.text)
        rest = ZONE_RANGE.match(zone["rest"]) if zone else None
        if zone and rest:
            group = "dq" if rest["dq"] is not None else "sq"
            yield line.at(zone.start("rest") + rest.start(group)), rest[group]


def variants(text: str, loc: Loc, ctx: Context) -> dict[str, object]:
    """For each moniker, a key such that monikers with equal keys translate `text` alike.

    Plain text translates alike for every moniker; text with zones alike for monikers
    that see the same zones; text with includes is keyed by the moniker itself, since
    the included files may hold zones of their own.
    """
    names = ctx.products.names
    if _plain(text):
        return dict.fromkeys(names, "plain")
    if "[!include" in text.lower():
        return {name: name for name in names}
    ranges = []
    for _, range_text in iter_zone_ranges(text, loc):
        try:
            ranges.append(parse_range(range_text, ctx.products))
        except RangeError:
            return {name: name for name in names}
    return {name: tuple(name in r for r in ranges) for name in names}


@functools.lru_cache(maxsize=4096)
def _real(path: Path) -> Path:
    """`path` with symlinks and '..' resolved; cached, as every text of a file asks again."""
    return path.resolve()


# A line whose first character may start a block other than a paragraph, or a DocFX
# construct: such text goes through the CommonMark parser; other text is paragraphs only.
_NOT_PLAIN = re.compile(r"^(?:[ \t]+\S|[-*+>#|<`~=_:\[]|!!!|\?\?\?|\d{1,9}[.)])|[ \t]$",
                        re.MULTILINE)


# A backslash escape CommonMark reads and Python-Markdown does not (see
# commonmark.python_markdown_escapes).
_FOREIGN_ESCAPE = re.compile(r"\\[\"$%&',/:;<=?@^~\n]")
# A link destination with a space: no link for CommonMark, a link for Python-Markdown.
_SPACED_DESTINATION = re.compile(r"\]\([^)\s]*\s")


def _plain(text: str) -> bool:
    """True when `text` is paragraphs of text and nothing else (no DocFX construct, no list,
    quote, heading, fence, table, HTML block or link definition): it translates to itself."""
    return ":::" not in text and "[!" not in text and "\r" not in text \
        and _NOT_PLAIN.search(text) is None and "xref:" not in text \
        and _FOREIGN_ESCAPE.search(text) is None and _SPACED_DESTINATION.search(text) is None


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    """The CommonMark parser with DocFX's blocks (one per process: it holds no state)."""
    md = commonmark.parser()
    md.use(docfx_plugin)
    return md


class _Translation:
    """One translation of a text for one moniker (None shows every zone, for checking):
    the include chain, the page that links are written for, the problems found."""

    def __init__(self, ctx: Context, moniker: str | None, loc: Loc, headings: bool):
        self.ctx = ctx
        self.moniker = moniker
        self.headings = headings
        self.diagnostics = Diagnostics()
        self.page = loc.path
        self.page_folder = posixpath.dirname(loc.path)
        # The including file, resolved only when an include needs the cycle check.
        self.chain: list[tuple[Path, str]] = [(ctx.repo_root / loc.path, loc.path)]

    def run(self, text: str, loc: Loc) -> list[str]:
        lines = _source_lines(text, loc)
        try:
            return self.document(lines, self.ctx.products.everything(), loc.path)
        except RecursionError:
            self.diagnostics.error(
                loc.shifted(col=loc.col or 1), "markdown",
                "blocks are nested too deeply to translate (quotes or lists inside one another)",
                "flatten the nesting")
            return [line.text for line in lines]

    def document(self, lines: list[_Line], enclosing: Range, path: str) -> list[str]:
        """One file's (or text's) lines: zones resolved, parsed, written for Python-Markdown."""
        shown = self._zones(lines, enclosing)
        tree, env = commonmark.parse("\n".join(line.text for line in shown), _parser())
        deepest = max((node.level for node in _walk(tree)), default=0)
        if deepest >= commonmark.MAX_NESTING - 1:
            self.diagnostics.error(
                lines[0].loc if lines else Loc(path, 1, 1), "markdown",
                f"blocks are nested more than {commonmark.MAX_NESTING} deep (quotes or lists "
                "inside one another); what lies deeper is not shown", "flatten the nesting")
        writer = _DocfxWriter(self, shown, path)
        if self.headings:  # a version that hides no line: the ids of every zone shown
            known = {} if len(shown) == len(lines) else \
                _zone_heading_ids(self._every_zone(lines), shown)
            writer.ids = writer.heading_ids(tree, known)
        return writer.document(tree, env)

    def _every_zone(self, lines: list[_Line]) -> list[_Line]:
        """The lines with every zone shown (problems are reported by the version's pass)."""
        scratch = _Translation(self.ctx, None, Loc(self.page, 1, 1), False)
        return scratch._zones(lines, self.ctx.products.everything())

    def _shows(self, zone: Range) -> bool:
        return self.moniker is None or self.moniker in zone

    # Includes ------------------------------------------------------------------------------

    def include(self, written: str, at: Loc, zone: Range | None) -> list[str] | None:
        """The included file translated for the same moniker, or None after reporting why not."""
        folder = posixpath.dirname(at.path)
        try:
            target = paths.resolve(self.ctx.repo_root, folder, written, "include",
                                   self.ctx.roots)
        except paths.Refused as err:
            self.diagnostics.error(at, "include", err.message, err.suggestion)
            return None
        shown, real = target.rel, target.real
        seen = [_real(path) for path, _ in self.chain]
        if real in seen:
            cycle = " -> ".join([name for _, name in self.chain[seen.index(real):]] + [shown])
            self.diagnostics.error(at, "include", f"include cycle {cycle}",
                                   f"remove the include of '{paths.clean(written)}' from "
                                   f"{at.path}")
            return None
        if len(self.chain) > MAX_INCLUDE_DEPTH:
            self.diagnostics.error(
                at, "include",
                f"includes nest more than {MAX_INCLUDE_DEPTH} deep at '{paths.clean(written)}' "
                f"(included from {self.chain[1][1]})",
                "include the innermost files directly from the page")
            return None
        if not target.exists:
            self.diagnostics.error(
                at, "include",
                f"include '{paths.clean(written)}' not found: expected a file at {shown}",
                self._missing_hint(paths.clean(written), real, folder))
            return None
        try:
            text = real.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            self.diagnostics.error(at, "include", f"include '{paths.clean(written)}' cannot be "
                                   f"read: {err}", "save it as UTF-8 text")
            return None
        try:
            _, body, removed = split_front_matter(text)
        except FrontMatterError as err:
            self.diagnostics.error(Loc(shown, err.line, 1), "front matter", err.message,
                                   "fix the YAML between the '---' lines")
            body, removed = text, 0
        self.chain.append((real, shown))
        try:
            source = _source_lines(body, Loc(shown, removed + 1, 1))
            return self.document(source, zone or self.ctx.products.everything(), shown)
        finally:
            self.chain.pop()

    def _missing_hint(self, written: str, real: Path, folder: str) -> str:
        relative_to = f"paths are relative to {folder or '.'}/, the including file's folder"
        if not real.parent.is_dir():
            return f"folder '{posixpath.dirname(written)}' does not exist; {relative_to}"
        names = sorted(p.name for p in real.parent.iterdir() if p.is_file())
        return did_you_mean(real.name, names) or f"check the file name; {relative_to}"
    # Moniker zones -------------------------------------------------------------------------

    def _zones(self, lines: list[_Line], enclosing: Range) -> list[_Line]:
        """The lines shown for the moniker, fences marked; each zone marker becomes a blank line."""
        shown: list[_Line] = []
        stack: list[_Zone] = []
        for line, fenced in zip(lines, _fenced([line.text for line in lines]), strict=False):
            zone = stack[-1].range if stack else enclosing
            quoted = QUOTE_PREFIX.match(line.text)
            prefix = quoted.group() if quoted else ""
            inner = replace(line, text=line.text[len(prefix):], loc=line.at(len(prefix))) \
                if prefix else line
            marker = None if fenced else ZONE.match(inner.text)
            if marker is not None:
                self._zone_marker(marker, inner, stack, enclosing)
                # A blank line (in its quote) keeps the paragraphs around a removed zone apart.
                shown.append(replace(line, text=prefix.rstrip(), zone=zone))
            elif self._shows(zone):
                shown.append(replace(line, fenced=fenced, zone=zone))
        for unclosed in stack:
            closer = f"{':' * unclosed.colons} moniker-end"
            self.diagnostics.error(
                unclosed.loc, "moniker zone",
                f"zone is not closed: expected '{closer}' before the end of the text",
                f"add '{closer}' where the zone's content ends",
            )
        return shown

    def _zone_marker(self, marker: re.Match[str], line: _Line, stack: list[_Zone],
                     enclosing: Range) -> None:
        """Open or close a zone, reporting bad ranges and unbalanced markers."""
        colons = len(marker["colons"])
        at = line.at(marker.start("colons"))
        if marker["keyword"].lower() == "moniker-end":
            self._zone_end(marker, line, stack)
            return
        parent = stack[-1].range if stack else enclosing
        found = ZONE_RANGE.match(marker["rest"])
        if found is None:
            self.diagnostics.error(
                at, "moniker zone",
                f"expected '{marker['colons']} moniker range=\"...\"', found '{line.text.strip()}'",
                "write the range in quotes after 'range=', e.g. range=\">= "
                f"{self.ctx.products.names[0]}\"",
            )
            stack.append(_Zone(colons, at, parent))
            return
        group = "dq" if found["dq"] is not None else "sq"
        text, start = found[group], marker.start("rest") + found.start(group)
        try:
            own = parse_range(text, self.ctx.products)
        except RangeError as err:
            self.diagnostics.error(line.at(start + err.offset), "moniker zone", err.message,
                                   err.suggestion)
            stack.append(_Zone(colons, at, parent))  # best effort: show the content
            return
        effective = parent & own
        if own.empty:
            self.diagnostics.warning(line.at(start), "moniker zone",
                                     f"range '{text}' selects no version",
                                     "widen the range, or delete the zone and its content")
        elif effective.empty:
            self.diagnostics.warning(
                line.at(start), "moniker zone",
                f"range '{text}' selects no version inside the enclosing zone '{parent.text}'",
                "delete the zone, or move it out of the enclosing zone",
            )
        stack.append(_Zone(colons, at, effective))

    def _zone_end(self, marker: re.Match[str], line: _Line, stack: list[_Zone]) -> None:
        colons = len(marker["colons"])
        at = line.at(marker.start("colons"))
        if marker["rest"].strip():
            self.diagnostics.error(
                at, "moniker zone",
                f"expected nothing after 'moniker-end', found '{marker['rest'].strip()}'",
                "delete the extra text",
            )
        if not stack:
            self.diagnostics.error(
                at, "moniker zone",
                f"'{marker['colons']} moniker-end' closes no zone",
                "delete it, or add '::: moniker range=\"...\"' where the zone starts",
            )
            return
        zone = stack.pop()
        if zone.colons != colons:
            self.diagnostics.error(
                at, "moniker zone",
                f"expected {zone.colons} colons to close the zone opened on line {zone.loc.line}, "
                f"found {colons}",
                f"write '{':' * zone.colons} moniker-end'",
            )



class _DocfxWriter(Writer):
    """Writes one file's syntax tree, DocFX constructs turned into Material features."""

    def __init__(self, translation: _Translation, lines: list[_Line], path: str):
        self.tr = translation
        self.lines = lines
        self.path = path
        self.folder = posixpath.dirname(path)
        self.rebased = self.folder != translation.page_folder
        self.ids: dict[int, str] = {}

    @property
    def diagnostics(self) -> Diagnostics:
        return self.tr.diagnostics

    def heading_ids(self, tree: Node, known: dict[int, str]) -> dict[int, str]:
        """node id -> DocFX's id for each heading of `tree`: the id it has with every zone
        shown (`known`, by source line), else the next free one."""
        ids = HeadingIds(known.values())
        found = {}
        for node in _walk(tree):
            if node.type == "heading":
                line = self.line(node.map[0] if node.map else 0).loc.line
                found[id(node)] = known[line] if line in known else \
                    ids.add(inline_plain_text(node))
        return found

    # Locations -------------------------------------------------------------------------

    def line(self, index: int) -> _Line:
        if not self.lines:
            return _Line("", Loc(self.path, 1, 1))
        return self.lines[max(0, min(index, len(self.lines) - 1))]

    def at(self, node: Node, needle: str | None = None) -> Loc:
        """Where `needle` (or the first character) is on the node's first line."""
        line = self.line(node.map[0] if node.map else 0)
        col = line.text.find(needle) if needle else -1
        if col < 0:
            col = len(line.text) - len(line.text.lstrip())
        return line.at(col)

    def zone(self, node: Node) -> Range | None:
        return self.line(node.map[0] if node.map else 0).zone

    # Inline text -----------------------------------------------------------------------

    def inline_lines(self, node: Node, where: str) -> list[str]:
        return self.inline_from(node, 0)

    def inline_from(self, node: Node, first: int) -> list[str]:
        """The inline content's lines from `first` on, DocFX's inline constructs replaced."""
        start = self.content_start(node)
        pieces = node.content.split("\n")
        lines = [self.inline(piece, start + k) for k, piece in enumerate(pieces) if k >= first]
        return commonmark.python_markdown_escapes("\n".join(lines)).split("\n")

    def content_start(self, node: Node) -> int:
        """The line an inline node's content starts on. markdown-it strips a paragraph's text
        with `str.strip()`, which also drops whole leading lines of other Unicode whitespace
        (U+2028, U+00A0, form feed…): lines CommonMark does not count as blank."""
        start = node.map[0] if node.map else 0
        head = node.content.split("\n", 1)[0].strip()
        if not node.map or not head:
            return start
        for index in range(start, node.map[1]):
            if head in self.line(index).text:
                return index
        return start

    def inline(self, piece: str, index: int) -> str:
        """One line of inline text: includes, videos, images and xrefs replaced outside code
        spans; relative targets rebased when the text comes from an included file."""
        line = self.line(index)
        stripped = piece.lstrip()
        base = line.text.find(stripped) if stripped else 0
        base = max(base, 0) - (len(piece) - len(stripped))
        out: list[str] = []
        pos = 0
        for span in CODE_SPAN.finditer(piece):
            out.append(self._substitute(piece[pos:span.start()], line, base + pos))
            out.append(span.group())
            pos = span.end()
        out.append(self._substitute(piece[pos:], line, base + pos))
        return "".join(out)

    def _substitute(self, text: str, line: _Line, offset: int) -> str:
        out: list[str] = []
        pos = 0
        for found in INLINE.finditer(text):
            out.append(self._links(text[pos:found.start()], line, offset + pos))
            pos = found.end()
            at = line.at(offset + found.start())
            if found["include"]:
                out.append(self._inline_include(found["path"], at, line.zone))
            elif found["video"]:
                out.append(f"[Video]({found['url']})")
            elif found["noloc"]:
                out.append(_literal(re.sub(r"\\(.)", r"\1", found["noloc_text"]).strip()))
            else:
                out.append(self._directive(found, attributes(found["attrs"]), at))
        rest = text[pos:]
        if "[!include" in rest.lower():
            self.diagnostics.error(
                line.at(offset + pos + rest.lower().index("[!include")), "include",
                "expected '[!INCLUDE [title](path)]', found a malformed include",
                "write the include as [!INCLUDE [title](path/to/file.md)]",
            )
        out.append(self._links(rest, line, offset + pos))
        return "".join(out)

    def _links(self, text: str, line: _Line, offset: int) -> str:
        """xref links resolved through the xref map; relative targets rebased."""
        if "xref:" in text:
            text = XREF_AUTOLINK.sub(lambda m: self._xref_autolink(m, line, offset), text)
            text = XREF_LINK.sub(lambda m: self._xref_link(m, line, offset), text)
        if self.rebased and ("](" in text or "=" in text):
            text = LINK_TARGET.sub(lambda m: m["lead"] + self._rebase(m["target"]), text)
            text = HTML_TARGET.sub(
                lambda m: f"{m['lead']}{m['q']}{self._rebase(m['target'])}{m['q']}", text)
        return text

    def _rebase(self, target: str) -> str:
        if target.startswith("<") and target.endswith(">"):
            return "<" + paths.rebase(target[1:-1], self.folder, self.tr.page_folder) + ">"
        return paths.rebase(target, self.folder, self.tr.page_folder)

    def _xref(self, uid: str, at: Loc) -> str | None:
        href = self.tr.ctx.xrefs.href(uid, self.tr.page.removeprefix("content/"))
        if href is None:
            known = sorted({u for u in self.tr.ctx.xrefs.entries if u == u.lower()})
            hint = did_you_mean(uid.lower(), known) if known else ""
            where = ", ".join(self.tr.ctx.xrefs.files) or "no xref map is configured"
            self.diagnostics.error(
                at, "xref", f"unresolved cross reference 'xref:{uid}' ({where})",
                hint or "add the uid to an xref map listed in mkdocs.yml under "
                "extra.kb.xref_maps, or link to the page directly")
        return href

    def _xref_autolink(self, found: re.Match[str], line: _Line, offset: int) -> str:
        uid = found["uid"]
        href = self._xref(uid, line.at(offset + found.start()))
        if href is None:
            return found.group()
        name = self.tr.ctx.xrefs.name(uid) or uid
        return f"[{name}]({href})"

    def _xref_link(self, found: re.Match[str], line: _Line, offset: int) -> str:
        href = self._xref(found["uid"], line.at(offset + found.start() + 2))
        if href is None:
            return found.group()
        return f"]({href}{found['title'] or ''})"

    def _inline_include(self, written: str, at: Loc, zone: Range | None) -> str:
        """An include inside a paragraph: the file's text, joined into one line."""
        content = self.tr.include(written, at, zone)
        if content is None:
            return ""
        paragraphs = _paragraphs(content)
        if paragraphs > 1 and self.tr.moniker is not None:  # zones of every version add up
            self.diagnostics.warning(
                at, "include",
                f"inline include '{written.strip()}' has {paragraphs} paragraphs, expected one; "
                "they were joined into one line",
                "put the include on a line of its own to keep its paragraphs",
            )
        return " ".join(text.strip() for text in content if text.strip())

    def _directive(self, found: re.Match[str], attrs: dict[str, str], at: Loc) -> str:
        """`:::image ...:::` becomes an image; another directive stays as text, with a warning."""
        name = found["name"].lower()
        if name == "image":
            return self._image(attrs, at)
        if name == "no-loc":  # text kept from translation: the text itself
            return _literal(attrs.get("text", "").strip())
        if name == "image-end":
            self.diagnostics.warning(at, "image",
                                     "':::image-end:::' closes no ':::image type=\"complex\"'",
                                     "delete it")
            return ""
        self._unsupported(found["name"], at)
        return found.group()

    def _unsupported(self, name: str, at: Loc) -> None:
        self.diagnostics.warning(
            at, "directive",
            f"':::{name}:::' is not a DocFX construct this site supports; it is shown as text",
            "write the content as plain Markdown")

    def _image(self, attrs: dict[str, str], at: Loc) -> str:
        """`:::image type=... source=... alt-text=...:::` -> `![alt](source)`."""
        kind = attrs.get("type", "content").lower()
        if kind not in IMAGE_TYPES:
            self.diagnostics.warning(
                at, "image", f"expected type 'content', 'complex' or 'icon', found '{kind}'",
                "it is rendered as type=\"content\"")
        source = attrs.get("source", "").strip()
        if not source:
            self.diagnostics.error(at, "image", "expected a source attribute, found none",
                                   "add source=\"media/file.png\"")
            return ""
        self._check_image(source, at)
        if "alt-text" not in attrs and kind != "icon":
            self.diagnostics.warning(at, "image", f"image '{source}' has no alt-text attribute",
                                     "add alt-text=\"...\" describing what the image shows")
        alt = " ".join(attrs.get("alt-text", "").split()).replace("[", "\\[").replace("]", "\\]")
        source = self._rebase(source) if self.rebased else source
        target = f"<{source}>" if re.search(r"[\s()]", source) else source
        image = f"![{alt}]({target})"
        link = attrs.get("link") or attrs.get("lightbox")
        if link and self.rebased:
            link = self._rebase(link)
        return f"[{image}]({link})" if link else image

    def _check_image(self, source: str, at: Loc) -> None:
        """An image file must be inside the repository (it may be missing: links check that)."""
        if not paths.is_relative_reference(source) and not source.startswith(("/", "\\")):
            return  # a URL
        try:
            paths.resolve(self.tr.ctx.repo_root, self.folder, source.split("?")[0].split("#")[0],
                          "image")
        except paths.Refused as err:
            self.diagnostics.error(at, "image", err.message, err.suggestion)

    # Blocks ----------------------------------------------------------------------------

    def _paragraph(self, node: Node) -> list[str]:
        lines = super()._paragraph(node)
        for line in lines:  # a paragraph holding only an image: check where it points
            for found in re.finditer(r"!\[[^\]]*\]\((?P<src>[^\s)]+)", line):
                src = found["src"].strip("<>")
                if src.startswith("/") or ".." in src.split("/"):
                    self._check_image(src, self.at(node, found["src"]))
        return lines

    def heading_id(self, node: Node) -> str | None:
        return self.ids.get(id(node))

    def reference(self, label: str, ref: dict[str, Any]) -> str:
        href = str(ref.get("href", ""))
        if href.startswith("xref:"):
            line = self.line(ref.get("map", [0])[0])
            resolved = self._xref(href[5:].split("?")[0], line.at(max(line.text.find(href), 0)))
            href = resolved or href
        elif self.rebased:
            href = self._rebase(href)
        return super().reference(label, {**ref, "href": href})

    def _blockquote(self, node: Node) -> list[str]:
        """An alert becomes an admonition; a div or video quote is unwrapped; others quote."""
        first = node.children[0] if node.children else None
        if first is None or first.type != "paragraph" or not first.children:
            return super()._blockquote(node)
        inline = first.children[0]
        head, _, more = inline.content.partition("\n")
        head = head.strip()
        if (video := VIDEO_LINE.match(head)) is not None and not more and len(node.children) == 1:
            return [f"[Video]({video['url']})"]
        if (div := DIV.match(head)) is not None:
            return self._div(node, attributes(div["attrs"]), inline)
        alert = ALERT.match(head)
        if alert is None:
            return super()._blockquote(node)
        kind = alert["kind"].upper()
        at = self.at(first, "[!")
        if kind not in ALERTS:
            self.diagnostics.warning(
                at, "alert",
                f"unknown alert type '[!{alert['kind']}]', expected [!NOTE], [!TIP], "
                "[!IMPORTANT], [!CAUTION] or [!WARNING]",
                did_you_mean(kind, ALERTS) or "it is rendered as a note",
            )
        lead: list[str] = []
        if alert["rest"].strip():  # text on the marker line starts the body
            lead = [commonmark.python_markdown_escapes(
                self.inline(alert["rest"].strip(), first.map[0] if first.map else 0))]
        body = self._rest(lead, inline, node.children[1:])
        if not body and self.tr.moniker is not None:  # with every zone shown, nothing is empty
            self.diagnostics.warning(at, "alert", f"alert [!{alert['kind']}] has no text",
                                     "write its text on the following '>' lines, or delete it")
        return [f"!!! {ALERTS.get(kind, 'note')}", *indent(body)]

    def _rest(self, lead: list[str], inline: Node, others: Sequence[Node]) -> list[str]:
        """A quote's content after its marker line: the rest of that paragraph, then blocks."""
        text = [paragraph_line(line) for line in [*lead, *self.inline_from(inline, 1)]
                if line.strip()]
        return join_blocks([text, self.blocks(others)])

    def _div(self, node: Node, attrs: dict[str, str], inline: Node) -> list[str]:
        """`> [!div class="..."]`: a checklist or next-step buttons; style-only divs unwrapped."""
        classes = attrs.get("class", "").split()
        body = self._rest([], inline, node.children[1:])
        lowered = {c.lower() for c in classes}
        if "checklist" in lowered:
            return [_checked(line) for line in body]
        if "nextstepaction" in lowered:
            return [_button(line) for line in body]
        if not lowered <= STYLE_DIVS:
            self.diagnostics.warning(
                self.at(node, "[!"), "div",
                f"'[!div class=\"{attrs.get('class', '')}\"]' is not supported; its content is "
                "shown without the div", "delete the [!div] line if the content reads well")
        return body

    # DocFX blocks ----------------------------------------------------------------------

    def custom(self, node: Node) -> list[str]:
        if node.type == "docfx_line":
            return self._docfx_line(node)
        if node.type == "docfx_container":
            return self._container(node)
        return super().custom(node)

    def _docfx_line(self, node: Node) -> list[str]:
        meta = node.meta
        text = str(meta["text"])
        at = self.at(node, text)
        if meta["kind"] == "include":
            found = INCLUDE_LINE.match(text)
            assert found is not None
            return self.tr.include(found["path"], at, self.zone(node)) or []
        if meta["kind"] == "code":
            found = CODE_LINE.match(text)
            assert found is not None
            return self._snippet(at, found["target"], found["lang"] or "", None, None, None)
        found = TRIPLE.match(text)
        assert found is not None
        attrs = attributes(found["attrs"])
        if meta["kind"] == "code-directive":
            return self._snippet(at, attrs.get("source", ""), attrs.get("language", ""),
                                 attrs.get("id") or None, attrs.get("range") or None,
                                 attrs.get("highlight") or None)
        name = found["name"]
        if name.lower() == "image-end":
            self.diagnostics.warning(at, "image",
                                     "':::image-end:::' closes no ':::image type=\"complex\"'",
                                     "delete it")
            return []
        if name.lower() in ("row-end", "column-end", "zone-end"):
            opener = name[:-4]
            self.diagnostics.error(at, "directive", f"'{text.strip()}' closes no ':::{opener}'",
                                   f"delete it, or add the ':::{opener}' it closes")
            return []
        if name.lower() == "image":
            self.diagnostics.warning(
                at, "directive", f"expected ':::name attribute=\"value\":::', found "
                f"'{_clip(text.strip())}'", "close the directive with ':::'; it is shown as text")
        else:
            self._unsupported(name, at)
        return [paragraph_line(text)]

    def _container(self, node: Node) -> list[str]:
        meta = node.meta
        name = str(meta["name"])
        at = self.at(node, str(meta["text"]))
        if not meta["closed"]:
            closer = "::: zone-end" if name == "zone" else f":::{name}-end:::"
            self.diagnostics.error(at, "directive", f"':::{name}' is not closed: expected "
                                   f"'{closer}' before the end of its block",
                                   f"add '{closer}' where its content ends")
        attrs: dict[str, str] = dict(meta["attrs"])
        if name == "image":
            image = self._image(attrs, at)
            description = self.blocks(node.children)
            if not description:
                return [image]
            return join_blocks([[image], ['??? info "Image description"', "",
                                         *indent(description)]])
        if name == "row":
            return self._row(node)
        if name == "column":  # a column outside a row: a row of one
            return self._grid([node])
        if name == "zone":
            if "pivot" in attrs:
                return self._pivots([node])
            target = attrs.get("target", "docs").lower()
            if target not in ("docs", "chromeless"):
                self.diagnostics.warning(at, "zone", f"unknown zone target '{target}'",
                                         "write target=\"docs\" or target=\"chromeless\"")
            return self.blocks(node.children) if target != "chromeless" else []
        return self.blocks(node.children)

    def _row(self, node: Node) -> list[str]:
        columns = [c for c in node.children
                   if c.type == "docfx_container" and c.meta["name"] == "column"]
        if len(columns) != len(node.children):
            self.diagnostics.warning(self.at(node), "directive",
                                     "a ':::row:::' holds content outside ':::column:::' blocks",
                                     "put every part of the row in a column")
        return self._grid(list(node.children))

    def _grid(self, cells: list[Node]) -> list[str]:
        """Columns side by side: Material's grid, each column as wide as its span."""
        spans = []
        for cell in cells:
            span = str(cell.meta["attrs"].get("span", "1")) if cell.type == "docfx_container" \
                else "1"
            spans.append(int(span) if span.isdigit() and int(span) > 0 else 1)
        cols = " ".join(f"{span}fr" for span in spans)
        out = [f'<div class="grid kb-row" markdown style="--kb-cols: {cols}">', ""]
        for cell in cells:
            content = self.blocks(cell.children) if cell.type == "docfx_container" \
                else self.block(cell)
            out.extend(["<div markdown>", "", *content, "", "</div>", ""])
        out.append("</div>")
        return out

    # Content tabs ----------------------------------------------------------------------

    def rendered(self, nodes: Sequence[Node]) -> Iterator[tuple[Node | None, list[str]]]:
        """Blocks in order, with zone pivots and `#tab/` headings gathered into tab sets."""
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if _is_pivot(node):
                end = i
                while end < len(nodes) and _is_pivot(nodes[end]):
                    end += 1
                yield None, self._pivots(list(nodes[i:end]))
                i = end
            elif node.type == "heading" and _tab_heading(node) is not None:
                lines, i = self._heading_tabs(nodes, i)
                yield None, lines
            else:
                yield node, self.block(node)
                i += 1

    def _pivots(self, zones: list[Node]) -> list[str]:
        """Consecutive `::: zone pivot` blocks as one tab set, a tab per pivot."""
        titles = self._pivot_titles()
        order: list[str] = []
        content: dict[str, list[list[str]]] = {}
        for zone in zones:
            rendered = self.blocks(zone.children)
            pivots = [p.strip() for p in str(zone.meta["attrs"].get("pivot", "")).split(",")]
            for pivot in (p for p in pivots if p):
                if pivot not in content:
                    order.append(pivot)
                    content[pivot] = []
                content[pivot].append(rendered)
        return _tabs([(titles.get(p.lower(), p), join_blocks(content[p])) for p in order])

    def _pivot_titles(self) -> dict[str, str]:
        """Pivot id -> title from the nearest zone-pivot-groups.yml, if there is one."""
        folder = self.tr.page_folder
        root = self.tr.ctx.repo_root
        while True:
            found = _pivot_groups(root / folder / "zone-pivot-groups.yml")
            if found:
                return found
            if not folder:
                return {}
            folder = posixpath.dirname(folder)

    def _heading_tabs(self, nodes: Sequence[Node], start: int) -> tuple[list[str], int]:
        """`# [Title](#tab/id)` headings and what follows each, up to a `---` line or a
        heading as high that is not a tab: one tab set."""
        level = int(nodes[start].tag[1])
        tabs: list[tuple[str, list[Node]]] = []
        i = start
        while i < len(nodes):
            node = nodes[i]
            title = _tab_heading(node) if node.type == "heading" else None
            if title is not None and int(node.tag[1]) == level:
                tabs.append((title, []))
            elif node.type == "heading" and int(node.tag[1]) <= level:
                break
            elif node.type == "hr":
                i += 1
                break
            else:
                tabs[-1][1].append(node)
            i += 1
        return _tabs([(title, self.blocks(body)) for title, body in tabs]), i

    # Code snippets ---------------------------------------------------------------------

    def _snippet(self, at: Loc, written: str, lang: str, region: str | None,
                 ranges: str | None, highlight: str | None) -> list[str]:
        """A code snippet from a file of the repository, as a fenced code block."""
        target = paths.clean(written)
        query = ""
        path = target
        for mark in ("?", "#"):
            if mark in path:
                cut = path.index(mark)
                path, rest = path[:cut], path[cut:]
                query = rest + query
        fragment = re.search(r"#([^?&]*)", query)
        params = dict(re.findall(r"[?&]([\w-]+)=([^&#]*)", query))
        region = region or (fragment[1] if fragment and fragment[1] else None) \
            or params.get("name") or params.get("id")
        ranges = ranges or params.get("range")
        highlight = highlight or params.get("highlight")
        folder = self.folder
        if path.startswith("~/"):
            folder, path = self._docset_root(), path[2:]
        try:
            found = paths.resolve(self.tr.ctx.repo_root, folder, path, "code snippet")
        except paths.Refused as err:
            self.diagnostics.error(at, "code snippet", err.message, err.suggestion)
            return []
        if not found.exists:
            self.diagnostics.error(at, "code snippet",
                                   f"code snippet file '{path}' not found: expected a file at "
                                   f"{found.rel}", f"paths are relative to {folder or '.'}/")
            return []
        try:
            snippet = snippets.take(found.real.read_text(encoding="utf-8"), region, ranges,
                                    highlight)
        except (OSError, UnicodeDecodeError) as err:
            self.diagnostics.error(at, "code snippet", f"cannot read '{found.rel}': {err}",
                                   "save it as UTF-8 text")
            return []
        except snippets.SnippetError as err:
            self.diagnostics.error(at, "code snippet", f"{found.rel}: {err.message}",
                                   err.suggestion)
            return []
        lang = lang or _LANGUAGES.get(Path(path).suffix.lower(), "")
        content = "\n".join(snippet.lines)
        fence = commonmark.fence_for(content)
        info = lang
        if snippet.highlight:
            info += f' hl_lines="{" ".join(str(n) for n in snippet.highlight)}"'
        return [f"{fence}{info}".rstrip(), *snippet.lines, fence]

    def _docset_root(self) -> str:
        """The folder of the nearest docfx.json above this file (`~/` in DocFX paths)."""
        folder = self.folder
        while folder:
            if (self.tr.ctx.repo_root / folder / "docfx.json").is_file():
                return folder
            folder = posixpath.dirname(folder)
        return "content"


_LANGUAGES = {
    ".cs": "csharp", ".vb": "vbnet", ".fs": "fsharp", ".py": "python", ".js": "javascript",
    ".ts": "typescript", ".json": "json", ".yml": "yaml", ".yaml": "yaml",
    ".ps1": "powershell", ".sh": "bash", ".bash": "bash", ".xml": "xml", ".html": "html",
    ".css": "css", ".java": "java", ".go": "go", ".sql": "sql", ".cpp": "cpp", ".c": "c",
    ".h": "c", ".md": "markdown", ".bicep": "bicep", ".tf": "terraform", ".rb": "ruby",
    ".kt": "kotlin", ".rs": "rust", ".php": "php", ".swift": "swift", ".txt": "text",
}


def _zone_heading_ids(every: list[_Line], shown: list[_Line]) -> dict[int, str]:
    """Source line -> DocFX's id of each heading, computed with every zone shown: DocFX
    renders every zone into the page (the reader's version selector hides them), so a
    heading's id counts the headings of every zone before it. Only lines shown count."""
    tree, _ = commonmark.parse("\n".join(line.text for line in every), _parser())
    ids = HeadingIds()
    wanted = {line.loc.line for line in shown}
    found = {}
    for node in _walk(tree):
        if node.type == "heading" and node.map:
            line = every[min(node.map[0], len(every) - 1)].loc.line
            heading_id = ids.add(inline_plain_text(node))
            if line in wanted:
                found[line] = heading_id
    return found


def _walk(tree: Node) -> Iterator[Node]:
    """Every block node in document order."""
    stack = list(reversed(tree.children))
    while stack:
        node = stack.pop()
        yield node
        if node.type != "inline":
            stack.extend(reversed(node.children))


def _is_pivot(node: Node) -> bool:
    return node.type == "docfx_container" and node.meta.get("name") == "zone" \
        and "pivot" in node.meta.get("attrs", {})


def _tab_heading(node: Node) -> str | None:
    content = node.children[0].content if node.children else ""
    found = TAB_HEADING.match(content.strip())
    return found["title"] if found else None


def _tabs(tabs: Sequence[tuple[str, list[str]]]) -> list[str]:
    """pymdownx.tabbed content tabs: `=== "Title"` and the tab's blocks indented."""
    out: list[str] = []
    for title, lines in tabs:
        if out:
            out.append("")
        out.extend([f'=== "{" ".join(title.split())}"', ""])
        out.extend(indent(lines) if lines else ["    &nbsp;"])
    return out


@functools.lru_cache(maxsize=64)
def _pivot_groups(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = safe_yaml().load(path.read_text(encoding="utf-8"))
    except (YAMLError, OSError, UnicodeDecodeError):
        return {}
    titles: dict[str, str] = {}
    for group in (data or {}).get("groups", []) if isinstance(data, dict) else []:
        for pivot in group.get("pivots", []) if isinstance(group, dict) else []:
            if isinstance(pivot, dict) and pivot.get("id"):
                titles[str(pivot["id"]).lower()] = str(pivot.get("title") or pivot["id"])
    return titles


_LIST_MARKER = re.compile(r"^(?P<marker>[-*+]|\d{1,9}\.) (?P<rest>\S.*)$")
_MD_LINK = re.compile(r"(?<!!)\[(?:[^\]\\]|\\.)+\]\([^)\s]+(?:\s+\"[^\"]*\")?\)(?!\{)")


# Characters Python-Markdown reads as markup when unescaped.
_MARKUP = frozenset("\\`*_{}[]()#+-.!|>")


def _literal(text: str) -> str:
    """`text` as Markdown that shows exactly `text` (no emphasis, link or HTML in it)."""
    return "".join("&lt;" if c == "<" else "&amp;" if c == "&" else f"\\{c}" if c in _MARKUP
                   else c for c in text)


def _checked(line: str) -> str:
    """A top-level list item of a checklist as a checked task-list item."""
    found = _LIST_MARKER.match(line)
    if found is None or found["rest"].startswith("[x] "):
        return line
    return f"{found['marker']} [x] {found['rest']}"


def _button(line: str) -> str:
    """Links of a next-step block as Material buttons."""
    return _MD_LINK.sub(lambda m: m.group() + BUTTON, line)


def _split_lines(text: str) -> list[str]:
    """The lines of `text`, any newline convention; a final newline adds no line."""
    texts = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if texts and texts[-1] == "":
        texts.pop()
    return texts


def _source_lines(text: str, loc: Loc) -> list[_Line]:
    """The lines of `text` with their locations; a final newline adds no line."""
    texts = _split_lines(text)
    first = max(loc.line, 1)
    return [_Line(t, Loc(loc.path, first + k, max(loc.col, 0))) for k, t in enumerate(texts)]


def _fenced(texts: Sequence[str]) -> list[bool]:
    """For each line, whether it opens, closes or lies inside a fenced code block."""
    flags: list[bool] = []
    fence: str | None = None
    for text in texts:
        if "`" not in text and "~" not in text:  # no fence opens or closes here
            flags.append(fence is not None)
            continue
        quoted = QUOTE_PREFIX.match(text)
        found = FENCE.match(text[quoted.end():] if quoted else text)
        if fence is None:
            if found and not (found["fence"][0] == "`" and "`" in found["info"]):
                fence = found["fence"]
            flags.append(fence is not None)
            continue
        flags.append(True)
        if found and found["fence"][0] == fence[0] and len(found["fence"]) >= len(fence) \
                and not found["info"].strip():
            fence = None
    return flags


def _paragraphs(texts: Sequence[str]) -> int:
    """How many blank-line separated groups of lines there are."""
    count, blank = 0, True
    for text in texts:
        if text.strip() and blank:
            count += 1
        blank = not text.strip()
    return count


def _tidy(texts: Sequence[str]) -> list[str]:
    """Outside code fences: whitespace-only lines emptied, runs of blank lines made one."""
    out: list[str] = []
    blank = True  # also drops leading blank lines
    for text, fenced in zip(texts, _fenced(texts), strict=False):
        if fenced or text.strip():
            out.append(text)
            blank = False
        elif not blank:
            out.append("")
            blank = True
    while out and not out[-1].strip():
        out.pop()
    return out


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _add_unique(diagnostics: Diagnostics, found: Diagnostics) -> None:
    """Add each distinct diagnostic once (an include used twice reports its problems once)."""
    seen: set[Diagnostic] = set()
    for item in found.items:
        if item not in seen:
            seen.add(item)
            diagnostics.items.append(item)
