"""Render (DocFX flavour): DocFX / Microsoft Learn Markdown to Material for MkDocs Markdown.

Input: a Markdown text, where it starts, one moniker and the include roots; output: plain
Material-flavoured Markdown for that moniker, with problems added to Diagnostics.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..core.diagnostics import Diagnostic, Diagnostics, Loc, did_you_mean
from ..core.versions import Products, Range, RangeError, parse_range

# Fences: ``` or ~~~ (3 or more), at any indentation so fences in list items count too.
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# `::: moniker range="..."` and `::: moniker-end`: 3+ colons, keywords in any case.
ZONE = re.compile(r"^\s*(?P<colons>:{3,})\s*(?P<keyword>moniker(?:-end)?)(?![\w-])(?P<rest>.*)$",
                  re.IGNORECASE)
ZONE_RANGE = re.compile(r"""^\s+range\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')\s*$""",
                        re.IGNORECASE)
QUOTE = re.compile(r"^(?P<indent>[ \t]*)>[ ]?(?P<body>.*)$")
ALERT = re.compile(r"^\[!(?P<kind>[A-Za-z][\w-]*)\](?P<rest>.*)$")
DIV = re.compile(r"^\[!div(?:\s[^\]]*)?\]\s*$", re.IGNORECASE)
VIDEO_LINE = re.compile(r"^\[!VIDEO\s+[^\]\s]+\s*\]\s*$", re.IGNORECASE)
LIST_ITEM = re.compile(r"^(?P<indent> *)(?:[-*+]|\d{1,9}[.)])(?: +|$)")
_ATTRS = r"""(?P<attrs>(?:\s+[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*"""
ATTR = re.compile(r"""(?P<key>[\w-]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'))?""")
BLOCK_INCLUDE = re.compile(
    r"^(?P<indent>\s*)(?P<token>\[!INCLUDE\s*\[[^\]]*\]\((?P<path>[^)]*)\)\])\s*$", re.IGNORECASE)
IMAGE_LINE = re.compile(r"^(?P<indent>\s*):::image" + _ATTRS + r":::\s*$", re.IGNORECASE)
IMAGE_END = re.compile(r"^\s*:::image-end:::\s*$", re.IGNORECASE)
INLINE = re.compile(
    r"(?P<include>\[!INCLUDE\s*\[[^\]]*\]\((?P<path>[^)]*)\)\])"
    r"|(?P<video>\[!VIDEO\s+(?P<url>[^\]\s]+)\s*\])"
    r"|(?P<directive>:::(?P<name>[A-Za-z][\w-]*)" + _ATTRS + r":::)",
    re.IGNORECASE,
)
CODE_SPAN = re.compile(r"(?<!`)(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`)")
FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)\s*$")

ALERTS = {
    "NOTE": "note",
    "TIP": "tip",
    "IMPORTANT": 'info "Important"',
    "CAUTION": 'danger "Caution"',
    "WARNING": "warning",
}
IMAGE_TYPES = ("content", "complex", "icon")
DIRECTIVE_HINTS = {
    "code": "paste the code into a fenced code block",
    "zone": "zone pivots are not supported and every pivot is shown; use a moniker zone or "
            "separate sections",
    "zone-end": "zone pivots are not supported; delete the ':::zone:::' markers",
}


@dataclass(frozen=True)
class Context:
    """What translation needs besides the text: the versions and where includes may live."""

    products: Products
    repo_root: Path
    roots: tuple[Path, ...]


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


def translate(text: str, loc: Loc, moniker: str, ctx: Context, diagnostics: Diagnostics) -> str:
    """DocFX Markdown -> Material Markdown for one moniker.

    `loc` is where the first line of `text` is (repo-relative path, 1-based line, column of
    its first character; every line is taken to start at that column, as in a YAML block
    scalar; column 0 means unknown). Includes resolve relative to the directory of loc.path.
    """
    name = ctx.products.resolve_alias(moniker)
    if name is None:
        raise ValueError(f"unknown moniker '{moniker}'")
    if _plain(text):
        if "\n\n\n" not in text and not text.startswith("\n") and "```" not in text \
                and "~~~" not in text and "\r" not in text and " \n" not in text:
            return text.rstrip("\n") + "\n" if text.endswith("\n") else text
        body = "\n".join(_tidy(_split_lines(text)))
        return body + "\n" if body and text.endswith(("\n", "\r")) else body
    translator = _Translator(ctx, name, loc)
    lines = translator.run(text, loc)
    _add_unique(diagnostics, translator.diagnostics)
    body = "\n".join(_tidy(lines))
    return body + "\n" if body and text.endswith(("\n", "\r")) else body


def check(text: str, loc: Loc, ctx: Context, diagnostics: Diagnostics) -> None:
    """Report every problem in `text` whatever the moniker, once each (for `kb check`)."""
    # A pass that shows every zone visits each marker, include, alert and image; one pass per
    # moniker adds what depends on the version (an alert or inline include that ends up empty
    # or with several paragraphs). Each pass reports a problem the same way: keep one of each.
    if _plain(text):
        return
    found = Diagnostics()
    for moniker in (None, *ctx.products.names):
        translator = _Translator(ctx, moniker, loc)
        translator.run(text, loc)
        found.extend(translator.diagnostics.items)
    _add_unique(diagnostics, found)


def split_front_matter(text: str) -> tuple[dict[str, object], str, int]:
    """YAML front matter (--- ... ---) -> (mapping, body, number of lines removed)."""
    lines = text.split("\n")
    if lines[0].lstrip("\ufeff").rstrip() != "---":
        return {}, text, 0
    end = next((i for i in range(1, len(lines)) if FRONT_MATTER_END.match(lines[i])), None)
    if end is None:
        raise FrontMatterError("front matter opened with '---' is not closed by '---'", 1)
    try:
        data = YAML(typ="safe", pure=True).load("\n".join(lines[1:end]))
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
    return {str(key): value for key, value in data.items()}, "\n".join(lines[end + 1:]), end + 1


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


def _plain(text: str) -> bool:
    """True when `text` has no DocFX construct at all (every one contains ':::' or '[!')."""
    return ":::" not in text and "[!" not in text


class _Translator:
    """One translation: the moniker (None shows every zone, for checking) and the include chain."""

    def __init__(self, ctx: Context, moniker: str | None, loc: Loc):
        self.ctx = ctx
        self.moniker = moniker
        self.diagnostics = Diagnostics()
        self.roots = tuple(_real(root) for root in ctx.roots)
        # The including file, resolved only when an include needs the cycle check.
        self.chain: list[tuple[Path, str]] = [(ctx.repo_root / loc.path, loc.path)]

    def run(self, text: str, loc: Loc) -> list[str]:
        return self._process(_source_lines(text, loc), self.ctx.products.everything())

    def _process(self, lines: list[_Line], enclosing: Range) -> list[str]:
        """Zones first (hidden lines are never looked at again), then block and inline rules."""
        return self._blocks(self._zones(lines, enclosing))

    def _shows(self, zone: Range) -> bool:
        return self.moniker is None or self.moniker in zone

    # Moniker zones -------------------------------------------------------------------------

    def _zones(self, lines: list[_Line], enclosing: Range) -> list[_Line]:
        """The lines shown for the moniker, fences marked; each zone marker becomes a blank line."""
        shown: list[_Line] = []
        stack: list[_Zone] = []
        for line, fenced in zip(lines, _fenced([line.text for line in lines]), strict=False):
            zone = stack[-1].range if stack else enclosing
            marker = None if fenced else ZONE.match(line.text)
            if marker is not None:
                self._zone_marker(marker, line, stack, enclosing)
                # A blank line keeps the paragraphs around a removed zone apart.
                shown.append(replace(line, text="", zone=zone))
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

    # Block constructs ----------------------------------------------------------------------

    def _blocks(self, lines: list[_Line]) -> list[str]:
        """Blockquotes (alerts), block includes and complex images; inline rules elsewhere."""
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.fenced:
                out.append(line.text)
                i += 1
            elif QUOTE.match(line.text):
                end = i
                while end < len(lines) and not lines[end].fenced and QUOTE.match(lines[end].text):
                    end += 1
                out.extend(self._blockquote(lines, i, end))
                i = end
            elif (include := BLOCK_INCLUDE.match(line.text)) is not None:
                out.extend(self._block_include(include, lines, i))
                i += 1
            elif (image := _complex_image_line(line.text)) is not None:
                text, i = self._complex_image(image, lines, i)
                out.append(text)
            else:
                out.append(self._inline(line))
                i += 1
        return out

    def _blockquote(self, lines: list[_Line], start: int, end: int) -> list[str]:
        """An alert becomes an admonition; a div or video quote is unwrapped; others recurse."""
        quoted = lines[start:end]
        body = [_unquote(line) for line in quoted]
        first = next((k for k, line in enumerate(body) if line.text.strip()), None)
        if first is None:
            return [line.text for line in quoted]
        head = body[first].text.strip()
        zone = quoted[0].zone or self.ctx.products.everything()
        if DIV.match(head) or VIDEO_LINE.match(head):
            # DocFX renders these as a <div>, not a quotation: keep the content, drop the quote.
            content = body[first + 1:] if DIV.match(head) else body
            shown = _trim(self._process(content, zone))
            return ["", *_indent(shown, _material_indent(lines, start)), ""]
        alert = ALERT.match(head)
        if alert is not None:
            return self._alert(alert, body[first], body[first + 1:], zone, lines, start)
        shown = _trim(self._process(body, zone))
        if shown == _trim([line.text for line in body]):
            return [line.text for line in quoted]
        prefix = quoted[0].text[: quoted[0].text.index(">") + 1]
        return [f"{prefix} {text}" if text.strip() else prefix for text in shown]

    def _alert(self, alert: re.Match[str], marker: _Line, rest: list[_Line], zone: Range,
               lines: list[_Line], start: int) -> list[str]:
        """`> [!NOTE]` + `>` lines -> `!!! note` + the body indented 4 spaces."""
        kind = alert["kind"].upper()
        lead = len(marker.text) - len(marker.text.lstrip())
        at = marker.at(lead)
        if kind not in ALERTS:
            self.diagnostics.warning(
                at, "alert",
                f"unknown alert type '[!{alert['kind']}]', expected [!NOTE], [!TIP], "
                "[!IMPORTANT], [!CAUTION] or [!WARNING]",
                did_you_mean(kind, ALERTS) or "it is rendered as a note",
            )
        if alert["rest"].strip():  # text on the marker line starts the body
            same_line = alert["rest"].lstrip()
            offset = lead + alert.end("rest") - len(same_line)
            rest = [replace(marker, text=same_line, loc=marker.at(offset)), *rest]
        body = _trim(self._process(rest, zone))
        if not body and self.moniker is not None:  # with every zone shown, nothing is empty
            self.diagnostics.warning(at, "alert", f"alert [!{alert['kind']}] has no text",
                                     "write its text on the following '>' lines, or delete it")
        pad = _material_indent(lines, start)
        return ["", f"{pad}!!! {ALERTS.get(kind, 'note')}", *_indent(body, pad + "    "), ""]

    # Includes ------------------------------------------------------------------------------

    def _block_include(self, include: re.Match[str], lines: list[_Line], i: int) -> list[str]:
        """An include on its own line: the file's translated content, at the line's indentation."""
        line = lines[i]
        content = self._include(include["path"], line.at(include.start("token")), line.zone)
        if content is None:
            return [""]
        return ["", *_indent(_trim(content), _material_indent(lines, i)), ""]

    def _include(self, written: str, at: Loc, zone: Range | None) -> list[str] | None:
        """The included file translated for the same moniker, or None after reporting why not."""
        written = unquote(written.strip().strip("<>").strip())
        folder = posixpath.dirname(at.path)
        real = (self.ctx.repo_root / folder / written).resolve()
        shown = posixpath.normpath(posixpath.join(folder, written))
        if not any(real.is_relative_to(root) for root in self.roots):
            self.diagnostics.error(
                at, "include",
                f"include '{written}' is outside the content roots ({self._roots_text()})",
                "move the file under one of those folders and include it from there",
            )
            return None
        seen = [_real(path) for path, _ in self.chain]
        if real in seen:
            cycle = " -> ".join([name for _, name in self.chain[seen.index(real):]] + [shown])
            self.diagnostics.error(at, "include", f"include cycle {cycle}",
                                   f"remove the include of '{written}' from {at.path}")
            return None
        if not real.is_file():
            self.diagnostics.error(
                at, "include", f"include '{written}' not found: expected a file at {shown}",
                self._missing_hint(written, real, folder),
            )
            return None
        try:
            text = real.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            self.diagnostics.error(at, "include", f"include '{written}' cannot be read: {err}",
                                   "save it as UTF-8 text")
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
            return self._process(source, zone or self.ctx.products.everything())
        finally:
            self.chain.pop()

    def _roots_text(self) -> str:
        root = self.ctx.repo_root.resolve()
        names = [p.relative_to(root).as_posix() + "/" if p.is_relative_to(root) else str(p)
                 for p in self.roots]
        return ", ".join(names)

    def _missing_hint(self, written: str, real: Path, folder: str) -> str:
        relative_to = f"paths are relative to {folder or '.'}/, the including file's folder"
        if not real.parent.is_dir():
            return f"folder '{posixpath.dirname(written)}' does not exist; {relative_to}"
        names = sorted(p.name for p in real.parent.iterdir() if p.is_file())
        return did_you_mean(real.name, names) or f"check the file name; {relative_to}"

    # Inline constructs ---------------------------------------------------------------------

    def _inline(self, line: _Line) -> str:
        """Inline includes, videos and `:::` directives, outside code spans."""
        text = line.text
        pieces: list[str] = []
        pos = 0
        for span in CODE_SPAN.finditer(text):
            pieces.append(self._substitute(line, pos, span.start()))
            pieces.append(span.group())
            pos = span.end()
        pieces.append(self._substitute(line, pos, len(text)))
        result = "".join(pieces)
        stripped = result.strip()
        if stripped.startswith(":::"):
            self.diagnostics.warning(
                line.at(len(text) - len(text.lstrip())), "directive",
                f"expected ':::name attribute=\"value\":::', found '{_clip(stripped)}'",
                "fix or delete the line; it was dropped",
            )
            return ""
        if not stripped and text.strip():  # the line held only dropped markers
            return ""
        return result

    def _substitute(self, line: _Line, start: int, end: int) -> str:
        """Replace the inline constructs in `line.text[start:end]`."""
        text = line.text
        out: list[str] = []
        pos = start
        for found in INLINE.finditer(text, start, end):
            out.append(text[pos:found.start()])
            pos = found.end()
            at = line.at(found.start())
            if found["include"]:
                out.append(self._inline_include(found["path"], at, line.zone))
            elif found["video"]:
                out.append(f"[Video]({found['url']})")
            else:
                out.append(self._directive(found["name"], _attributes(found["attrs"]), at))
        rest = text[pos:end]
        if "[!include" in rest.lower():
            self.diagnostics.error(
                line.at(pos + rest.lower().index("[!include")), "include",
                "expected '[!INCLUDE [title](path)]', found a malformed include",
                "write the include as [!INCLUDE [title](path/to/file.md)]",
            )
        out.append(rest)
        return "".join(out)

    def _inline_include(self, written: str, at: Loc, zone: Range | None) -> str:
        """An include inside a paragraph: the file's text, joined into one line."""
        content = self._include(written, at, zone)
        if content is None:
            return ""
        paragraphs = _paragraphs(content)
        if paragraphs > 1 and self.moniker is not None:  # zones of every version add up
            self.diagnostics.warning(
                at, "include",
                f"inline include '{written.strip()}' has {paragraphs} paragraphs, expected one; "
                "they were joined into one line",
                "put the include on a line of its own to keep its paragraphs",
            )
        return " ".join(text.strip() for text in content if text.strip())

    def _directive(self, name: str, attrs: dict[str, str], at: Loc) -> str:
        """`:::image ...:::` becomes an image; other directives are dropped with a warning."""
        if name.lower() == "image":
            return self._image(attrs, at)
        if name.lower() == "image-end":
            self.diagnostics.warning(at, "image",
                                     "':::image-end:::' closes no ':::image type=\"complex\"'",
                                     "delete it")
            return ""
        self.diagnostics.warning(
            at, "directive",
            f"':::{name}:::' is not supported by Material for MkDocs; the marker was dropped",
            DIRECTIVE_HINTS.get(name.lower(), "write the content as plain Markdown"),
        )
        return ""

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
        if "alt-text" not in attrs and kind != "icon":
            self.diagnostics.warning(at, "image", f"image '{source}' has no alt-text attribute",
                                     "add alt-text=\"...\" describing what the image shows")
        alt = " ".join(attrs.get("alt-text", "").split()).replace("[", "\\[").replace("]", "\\]")
        target = f"<{source}>" if re.search(r"[\s()]", source) else source
        image = f"![{alt}]({target})"
        link = attrs.get("link") or attrs.get("lightbox")
        return f"[{image}]({link})" if link else image

    def _complex_image(self, image: re.Match[str], lines: list[_Line], i: int) -> tuple[str, int]:
        """`:::image type="complex"...:::` + long description + `:::image-end:::` -> an image."""
        line = lines[i]
        at = line.at(len(image["indent"]))
        text = image["indent"] + self._image(_attributes(image["attrs"]), at)
        for j in range(i + 1, len(lines)):
            if not lines[j].fenced and IMAGE_END.match(lines[j].text):
                return text, j + 1
        self.diagnostics.error(at, "image",
                               "expected ':::image-end:::' after ':::image type=\"complex\"', "
                               "found the end of the text",
                               "add ':::image-end:::' after the image's long description")
        return text, i + 1


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
        found = FENCE.match(text)
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


def _unquote(line: _Line) -> _Line:
    """A blockquote line without its `>` marker (and one space after it)."""
    found = QUOTE.match(line.text)
    if found is None:
        return line
    return replace(line, text=found["body"], loc=line.at(found.start("body")))


def _material_indent(lines: Sequence[_Line], index: int) -> str:
    """Indentation Python-Markdown needs for a block at lines[index]: 4 per enclosing list item.

    DocFX (CommonMark) nests content under `1. ` with 3 spaces; Python-Markdown needs 4, or the
    block leaves the list and `!!!` is no longer at the start of a line.
    """
    text = lines[index].text
    own = len(text) - len(text.lstrip(" "))
    if own == 0:
        return ""
    # Walk back to find the list items the block sits in: each must start left of the
    # previous one found and have its content start no further right than the block.
    threshold, depth = own, 0
    for line in reversed(lines[:index]):
        if not line.text.strip() or (line.fenced and not FENCE.match(line.text)):
            continue
        indent = len(line.text) - len(line.text.lstrip(" "))
        if indent >= threshold:
            continue
        item = LIST_ITEM.match(line.text)
        if item is not None and item.end() > threshold:
            continue  # a list that ended before the block
        if item is None and indent == 0:
            break  # top-level text: no list goes on past it
        if item is not None:
            depth += 1
        threshold = indent
        if indent == 0:
            break
    if depth:
        return " " * (4 * depth)
    return "" if own < 4 else " " * own


def _complex_image_line(text: str) -> re.Match[str] | None:
    """A line holding only `:::image type="complex" ...:::` (a long description follows)."""
    image = IMAGE_LINE.match(text)
    if image is None or _attributes(image["attrs"]).get("type", "").lower() != "complex":
        return None
    return image


def _attributes(text: str) -> dict[str, str]:
    """`key="value"` pairs (names lower-cased); a bare key has an empty value."""
    attrs: dict[str, str] = {}
    for found in ATTR.finditer(text):
        value = found["dq"] if found["dq"] is not None else found["sq"]
        attrs[found["key"].lower()] = value or ""
    return attrs


def _indent(texts: Sequence[str], pad: str) -> list[str]:
    return [pad + text if text.strip() else "" for text in texts]


def _trim(texts: Sequence[str]) -> list[str]:
    """Without leading and trailing blank lines."""
    start, end = 0, len(texts)
    while start < end and not texts[start].strip():
        start += 1
    while end > start and not texts[end - 1].strip():
        end -= 1
    return list(texts[start:end])


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
