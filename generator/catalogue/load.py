"""Load: read catalogue YAML and content Markdown from disk, keeping locations.

Input: a Project; output: products.yml, each topic folder's files and the content
pages (YAML as mappings and lists that know every value's line and column, Markdown
as text), and diagnostics for unreadable files.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

from ..core.diagnostics import Diagnostics, Loc
from ..core.project import (
    DEFAULT_LIMITS,
    PRODUCTS_FILE,
    TOPIC_FILE,
    Limits,
    Project,
    UnsafePath,
    project_limits,
)
from ..markdown import docset


@dataclass(frozen=True)
class YamlDoc:
    """One parsed YAML file: repository-relative path and its root node."""

    path: str
    node: Any
    lines: tuple[str, ...] = ()


@dataclass
class TopicSources:
    """A topic folder: its _topic.yml (if readable) and its entry files."""

    folder: str
    topic: YamlDoc | None
    entries: list[YamlDoc] = field(default_factory=list)


@dataclass(frozen=True)
class MarkdownFile:
    path: str  # repository-relative
    text: str


def yaml_parser() -> YAML:
    """The round-trip parser every stage uses, so comments and quotes survive edits."""
    parser = YAML(typ="rt")
    parser.preserve_quotes = True
    parser.allow_duplicate_keys = False
    return parser


class LocMap(dict[Any, Any]):
    """A YAML mapping that knows where it, each key and each value start (0-based)."""

    __slots__ = ("col", "line", "positions")

    def __init__(self, line: int = 0, col: int = 0) -> None:
        super().__init__()
        self.line, self.col = line, col
        self.positions: dict[Any, tuple[int, int, int, int]] = {}

    def key_at(self, key: Any) -> tuple[int, int]:
        return self.positions[key][:2]

    def value_at(self, key: Any) -> tuple[int, int]:
        return self.positions[key][2:]


class LocList(list[Any]):
    """A YAML sequence that knows where it and each item start (0-based)."""

    __slots__ = ("col", "line", "positions")

    def __init__(self, line: int = 0, col: int = 0) -> None:
        super().__init__()
        self.line, self.col = line, col
        self.positions: list[tuple[int, int]] = []

    def item_at(self, index: int) -> tuple[int, int]:
        return self.positions[index]


class QuotedText(str):
    """A scalar written in quotes: its text starts one column after its position."""

    __slots__ = ()


class BlockText(str):
    """A literal (|) or folded (>) block scalar: its text starts on the next line."""

    __slots__ = ()


STYLES: dict[str | None, type[str]] = {'"': QuotedText, "'": QuotedText,
                                       "|": BlockText, ">": BlockText}
_PLAIN: dict[str, Callable[[str], Any]] = {
    "tag:yaml.org,2002:null": lambda v: None,
    "tag:yaml.org,2002:bool": lambda v: v.lower() in ("true", "yes", "on"),
    "tag:yaml.org,2002:int": lambda v: int(v.replace("_", ""), 0),
    "tag:yaml.org,2002:float": lambda v: float(v.replace("_", "")),
}


class _Resolver(VersionedResolver):
    """The YAML 1.2 resolver, with its table of implicit types built once per process."""

    _table: Any = None

    @property
    def versioned_resolver(self) -> Any:
        if _Resolver._table is None:
            _Resolver._table = super().versioned_resolver
        return _Resolver._table


@functools.cache
def _composer() -> YAML:
    """ruamel.yaml's safe composer: libyaml (C) when ruamel.yaml.clib is installed."""
    yaml = YAML(typ="safe", pure=False)
    yaml.Resolver = _Resolver
    return yaml


class TextLines:
    """Where each line of a text starts, counted as editors count lines: a line ends at
    `\n`, `\r\n` or a lone `\r`, and nowhere else (not at U+0085, U+2028 or U+2029)."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0, *(m.end() for m in LINE_BREAK.finditer(text))]

    def position(self, index: int) -> tuple[int, int]:
        """The 0-based line and column of the character at `index`."""
        line = bisect.bisect_right(self.starts, index) - 1
        return line, index - self.starts[line]

    def loc(self, path: str, index: int) -> Loc:
        line, col = self.position(index)
        return Loc(path, line + 1, col + 1)

    def lines(self) -> tuple[str, ...]:
        """The lines without their line breaks (no empty line after a final break)."""
        parts = LINE_BREAK.split(self.text)
        return tuple(parts[:-1] if parts[-1] == "" else parts)


LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Characters YAML 1.2 allows in a stream; anything else is reported where it is.
YAML_BAD = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd"
                      "\U00010000-\U0010ffff]")
# Control characters that have no place in a Markdown page (tab, line breaks, form feed do).
MARKDOWN_BAD = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
SHOWN_BAD = 10  # bad characters reported per file; the rest are counted
CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL",
                 0x85: "NEL"}
MAX_NUMBER = 64  # characters of a plain YAML number; longer ones are errors, not numbers


def decode(data: bytes, rel: str, diagnostics: Diagnostics) -> str | None:
    """UTF-8 bytes as text; a byte that is not UTF-8 is an error at its own line and column."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[:err.start].decode("utf-8", errors="replace")
        diagnostics.error(
            TextLines(before).loc(rel, len(before)), "",
            f"file is not UTF-8 text: byte 0x{data[err.start]:02X} ({err.reason})",
            "save the file as UTF-8",
        )
        return None


# Read as line breaks by the YAML parser (YAML 1.1) but not by editors or YAML 1.2.
YAML_BREAKS = frozenset("\x85\u2028\u2029")


def character_name(char: str) -> str:
    code = ord(char)
    name = CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    kind = "control character" if code < 0x20 or 0x7F <= code < 0xA0 else "character"
    return f"{kind} U+{code:04X}" + (f" ({name})" if name else "")


def bad_characters(text: str, rel: str, pattern: re.Pattern[str], where: str,
                   diagnostics: Diagnostics) -> bool:
    """Report each character `pattern` finds at its line and column; True if any."""
    found = 0
    lines: TextLines | None = None
    for match in pattern.finditer(text):
        lines = lines or TextLines(text)
        found += 1
        if found <= SHOWN_BAD:
            char = match.group()
            why = " (the YAML parser reads it as a line break)" if char in YAML_BREAKS else ""
            diagnostics.error(lines.loc(rel, match.start()), "",
                              f"{character_name(char)} is not allowed in {where}{why}",
                              f"remove it, or write it as \\u{ord(char):04x} in a double-quoted "
                              "string" if where == "YAML" else "remove it")
    if found > SHOWN_BAD:
        assert lines is not None
        diagnostics.error(Loc(rel, 1, 1), "",
                          f"{found - SHOWN_BAD} more characters that are not allowed in "
                          f"{where} (the first {SHOWN_BAD} are reported)",
                          "is this a binary file? keep only text files here")
    return found > 0


def read_source(path: Path, rel: str, limit: int, diagnostics: Diagnostics) -> str | None:
    """A text file's content, or None with a located diagnostic: too large, not UTF-8."""
    try:
        size = os.stat(path).st_size
        if size > limit:
            diagnostics.error(Loc(rel), "", f"file is {size:,} bytes, more than the limit of "
                              f"{limit:,}", f"split it, or raise {Limits.setting('file_bytes')}")
            return None
        data = path.read_bytes()
    except OSError as err:
        diagnostics.error(Loc(rel), "", f"cannot read file: {err.strerror}")
        return None
    if len(data) > limit:  # it grew since stat
        diagnostics.error(Loc(rel), "", f"file is more than the limit of {limit:,} bytes",
                          f"split it, or raise {Limits.setting('file_bytes')}")
        return None
    return decode(data, rel, diagnostics)


class _TooMuch(Exception):
    """A limit was passed while reading YAML events."""

    def __init__(self, index: int, message: str, setting: str):
        super().__init__(message)
        self.index = index
        self.message = message
        self.setting = setting


class _Bad(Exception):
    """A YAML structure the catalogue cannot hold (at a character index)."""

    def __init__(self, index: int, message: str, suggestion: str = ""):
        super().__init__(message)
        self.index = index
        self.message = message
        self.suggestion = suggestion


_RESOLVER = _Resolver()
# The explicit tags the catalogue accepts, each on its kind of node (`!!str 12`); any
# other (`!x`, `!!python/...`, `!!binary`, `!!int id`) is an error where it is written, so
# that no later reader (kb fmt's) meets a tag it cannot construct.
CORE_TAGS = {"ScalarEvent": "tag:yaml.org,2002:str", "SequenceStartEvent": "tag:yaml.org,2002:seq",
             "MappingStartEvent": "tag:yaml.org,2002:map"}


def _scalar(value: str, tag: str | None, implicit: tuple[bool, bool], style: str | None,
            index: int) -> Any:
    if style in STYLES:
        return STYLES[style](value)
    if tag is None or tag == "!":
        tag = str(_RESOLVER.resolve(ScalarNode, value, implicit))
    convert = _PLAIN.get(str(getattr(tag, "value", tag)))
    if convert is None:
        return value
    if len(value) > MAX_NUMBER and tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        raise _Bad(index, f"number of {len(value)} characters, more than {MAX_NUMBER}",
                   "quote the value if it is text")
    try:
        return convert(value)
    except ValueError:
        return value


@dataclass
class _Frame:
    """A mapping or list being read: where it started and how much it holds."""

    value: LocMap | LocList
    anchor: str | None
    index: int  # where it starts in the text
    start: int  # nodes read before it started
    height: int = 0  # levels below it, aliases expanded
    key: Any = None
    key_index: int = -1  # -1: the next node is a key (mappings only)


def _events(text: str, lines: TextLines, limits: Limits) -> Any:
    """The single document of `text` as located data, read from the parser's events.

    One loop, no recursion: depth, aliases and the values aliases stand for are counted as
    the events arrive, so a limit stops the work before it grows (a YAML "bomb" of nested
    aliases is refused after reading its few hundred bytes, not after expanding it).
    """
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int, int]] = {}  # name -> (value, nodes, height)
    nodes = aliases = expanded = documents = 0
    root: Any = None

    def position(index: int) -> tuple[int, int]:
        return lines.position(index)

    def attach(value: Any, index: int, height: int) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        frame.height = max(frame.height, height + 1)
        container = frame.value
        if isinstance(container, LocList):
            container.append(value)
            container.positions.append(position(index))
            return
        if frame.key_index < 0:
            if not isinstance(value, (str, int, float, bool)) and value is not None:
                raise _Bad(index, "a mapping key must be a plain value",
                           "write the key as text")
            if value in container:
                raise _Bad(index, f"duplicate key '{value}'", "keep one of the two values")
            frame.key, frame.key_index = value, index
            return
        container[frame.key] = value
        container.positions[frame.key] = (*position(frame.key_index), *position(index))
        frame.key_index = -1

    for event in _composer().parse(text):
        index = event.start_mark.index if event.start_mark is not None else 0
        kind = type(event).__name__
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and CORE_TAGS.get(kind) != tag:
            raise _Bad(index, f"YAML tag '{tag}' is not supported",
                       "remove the tag; quote the value if it is text")
        if kind == "ScalarEvent":
            nodes += 1
            if len(event.value) > limits.scalar_chars:
                raise _TooMuch(index, f"value of {len(event.value):,} characters, more than "
                               f"the limit of {limits.scalar_chars:,}", "scalar_chars")
            value = _scalar(event.value, event.tag, event.implicit, event.style, index)
            if event.anchor:
                anchors[event.anchor] = (value, 1, 0)
            attach(value, index, 0)
        elif kind in ("MappingStartEvent", "SequenceStartEvent"):
            nodes += 1
            if len(stack) + 1 > limits.nesting_depth:
                raise _TooMuch(index, f"mappings and lists nested more than "
                               f"{limits.nesting_depth} levels deep", "nesting_depth")
            line, col = position(index)
            container: LocMap | LocList = LocMap(line, col) if kind == "MappingStartEvent" \
                else LocList(line, col)
            stack.append(_Frame(container, event.anchor, index, nodes + expanded - 1))
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            frame = stack.pop()
            if frame.anchor:
                anchors[frame.anchor] = (frame.value, nodes + expanded - frame.start,
                                         frame.height)
            attach(frame.value, frame.index, frame.height)
        elif kind == "AliasEvent":
            known = anchors.get(event.anchor)
            if known is None:
                raise _Bad(index, f"alias '*{event.anchor}' names no anchor defined before it "
                           "(or the value that holds it)", f"define '&{event.anchor}' first")
            value, size, height = known
            aliases += 1
            expanded += size
            if aliases > limits.aliases:
                raise _TooMuch(index, f"more than {limits.aliases} aliases in one file",
                               "aliases")
            if expanded > limits.alias_nodes:
                raise _TooMuch(index, f"aliases stand for more than {limits.alias_nodes:,} "
                               "values", "alias_nodes")
            if len(stack) + height > limits.nesting_depth:
                raise _TooMuch(index, f"with aliases expanded, mappings and lists nest more "
                               f"than {limits.nesting_depth} levels deep", "nesting_depth")
            attach(value, index, height)
        elif kind == "DocumentStartEvent":
            documents += 1
            if documents > 1:
                raise _Bad(index, "expected a single document in the file, found another",
                           "remove the '---' line, or split the file")
    return root


def read_yaml(path: Path, rel: str, diagnostics: Diagnostics,
              limits: Limits = DEFAULT_LIMITS) -> YamlDoc | None:
    """Parse one YAML file; syntax errors become located diagnostics, never tracebacks."""
    text = read_source(path, rel, limits.file_bytes, diagnostics)
    if text is None:
        return None
    return parse_yaml(text, rel, diagnostics, limits)


# A field whose value starts with '>' or '<' (a version range) written without quotes.
UNQUOTED_RANGE = re.compile(r"^\s*(?:-\s+)?(?P<key>[\w-]+:)\s*(?P<value>[<>]=?\s*[^\s#][^#]*?)"
                            r"\s*(?:#.*)?$")


def parse_yaml(text: str, rel: str, diagnostics: Diagnostics,
               limits: Limits = DEFAULT_LIMITS) -> YamlDoc | None:
    """Parse YAML text; every problem is a diagnostic at the line and column where it is."""
    if bad_characters(text, rel, YAML_BAD, "YAML", diagnostics):
        return None
    lines = TextLines(text)
    try:
        node = _events(text, lines, limits)
        if "\t" in text:
            # libyaml reads some tabs that ruamel.yaml's own parser (kb fmt's) refuses, such
            # as one inside an unquoted value: the file must suit both.
            for _event in YAML(typ="safe", pure=True).parse(text):
                pass
    except _TooMuch as err:
        diagnostics.error(lines.loc(rel, err.index), "YAML", err.message,
                          f"simplify the file, or raise {Limits.setting(err.setting)}")
        return None
    except _Bad as err:
        diagnostics.error(lines.loc(rel, err.index), "YAML", err.message, err.suggestion)
        return None
    except MarkedYAMLError as err:
        problem = (err.problem or err.context or "invalid YAML").strip()
        context = ""
        mark = err.problem_mark or err.context_mark
        if err.context and err.problem:
            context = f" {err.context}"
            start = err.context_mark
            if start is not None and err.problem_mark is not None:
                begin = lines.position(start.index)
                if begin[0] != lines.position(err.problem_mark.index)[0]:
                    context += f" that starts at line {begin[0] + 1}, column {begin[1] + 1}"
        suggestion = "use spaces, not a tab, or put the text in quotes" if "'\\t'" in problem \
            else "fix the YAML syntax (indentation, quotes, ':' after keys)"
        # `applies_to: >= v2` unquoted: YAML reads '>' as the start of a folded block.
        for at in {m.index for m in (err.context_mark, err.problem_mark) if m is not None}:
            row = lines.position(min(at, len(text)))[0]
            source = text.splitlines()[row] if row < len(text.splitlines()) else ""
            unquoted = UNQUOTED_RANGE.match(source)
            if unquoted:
                suggestion = (f"a value that starts with '{unquoted['value'][0]}' needs quotes: "
                              f'{unquoted["key"].strip()} "{unquoted["value"]}"')
                break
        diagnostics.error(
            lines.loc(rel, mark.index) if mark is not None else Loc(rel, 1, 1),
            "YAML", f"syntax error: {problem}{context}", suggestion,
        )
        return None
    except YAMLError as err:  # no position known: one line, at the start
        message = " ".join(str(err).split())
        diagnostics.error(Loc(rel, 1, 1), "YAML", f"syntax error: {message}")
        return None
    if node is None:
        diagnostics.error(Loc(rel, 1, 1), "", "file is empty", "write the fields of the file")
        return None
    return YamlDoc(rel, node, lines.lines())


def refused(project: Project, path: Path, diagnostics: Diagnostics, *,
            folder: bool = False) -> bool:
    """True (and an error) when `path` may not be read: a symbolic link out of the
    repository, to a device, FIFO or socket, or a broken one."""
    try:
        project.check_readable(path, folder=folder)
    except UnsafePath as err:
        diagnostics.error(Loc(project.rel(path)), "", err.message, err.suggestion)
        return True
    return False


def load_products(project: Project, diagnostics: Diagnostics) -> YamlDoc | None:
    path = project.products_yml
    if path.is_file() or path.is_symlink():
        if refused(project, path, diagnostics):
            return None
        return read_yaml(path, project.rel(path), diagnostics, project_limits(project))
    diagnostics.error(
        Loc(f"catalogue/{PRODUCTS_FILE}"),
        "",
        "missing products file",
        "create catalogue/products.yml listing the products and their monikers",
    )
    return None


def topic_folders(project: Project) -> list[Path]:
    """The topic folders of the catalogue, sorted (folders named _x or .x are not topics).

    A symbolic link among them is listed too, so that loading it reports where it leads.
    """
    if not project.catalogue.is_dir():
        return []
    return sorted(p for p in project.catalogue.iterdir()
                  if (p.is_dir() or p.is_symlink()) and not p.name.startswith(("_", ".")))


def count_files(project: Project, diagnostics: Diagnostics) -> bool:
    """False (and an error) when catalogue/ and content/ hold more files than the limit."""
    limit = project_limits(project).files
    count = 0
    for top in (project.catalogue, project.content):
        for _folder, _dirs, names in os.walk(top):
            count += len(names)
            if count > limit:
                diagnostics.error(Loc(project.rel(top)), "",
                                  f"more than {limit:,} files in catalogue/ and content/",
                                  f"raise {Limits.setting('files')}")
                return False
    return True


def load_topic(project: Project, folder: Path, diagnostics: Diagnostics) -> TopicSources:
    """A topic folder's _topic.yml and entry files."""
    sources = TopicSources(project.rel(folder), None)
    if (folder.is_symlink() or not folder.is_dir()) \
            and refused(project, folder, diagnostics, folder=True):
        return sources
    if not folder.is_dir():
        return sources
    limits = project_limits(project)
    topic_file = folder / TOPIC_FILE
    if topic_file.is_file() or topic_file.is_symlink():
        if not refused(project, topic_file, diagnostics):
            sources.topic = read_yaml(topic_file, project.rel(topic_file), diagnostics, limits)
    else:
        diagnostics.error(
            Loc(project.rel(folder)),
            f"topic '{folder.name}'",
            f"missing {TOPIC_FILE} in topic folder",
            f"create {project.rel(topic_file)} with the topic's id and title",
        )
    names = []
    for count, path in enumerate(folder.iterdir(), 1):
        if count > limits.files:
            diagnostics.error(Loc(project.rel(folder)), "",
                              f"more than {limits.files:,} files in the folder",
                              f"raise {Limits.setting('files')}")
            return sources
        names.append(path)
    folded: dict[str, Path] = {}
    for path in sorted(names):
        if path.name == TOPIC_FILE or path.name.startswith("."):
            continue
        if path.suffix.lower() in (".yml", ".yaml") and path.suffix != ".yml":
            diagnostics.error(
                Loc(project.rel(path)), "", f"entry files end in .yml, found {path.suffix}",
                f"rename it to {path.stem}.yml",
            )
            continue
        if path.suffix == ".yml" and path.name.lower() in folded:
            diagnostics.error(
                Loc(project.rel(path)), "",
                f"file name differs from {folded[path.name.lower()].name} only in case: "
                "the two cannot both exist on Windows or macOS",
                "rename one of them (entry ids differ in more than case)")
            continue
        folded[path.name.lower()] = path
        if path.suffix != ".yml" or (path.is_dir() and not path.is_symlink()):
            continue
        if refused(project, path, diagnostics):
            continue
        doc = read_yaml(path, project.rel(path), diagnostics, limits)
        if doc is not None:
            sources.entries.append(doc)
    return sources


# A YAML file that reads like an entry: an id, and a title, messages or causes.
ENTRY_LIKE = re.compile(r"^id:[ \t]*\S", re.MULTILINE)
ENTRY_FIELDS = re.compile(r"^(?:title|messages|causes):", re.MULTILINE)


def stray_entries(project: Project, diagnostics: Diagnostics) -> None:
    """A warning at each file that reads like an entry where no entry is read: directly in
    catalogue/, or in a folder inside a topic's (entries sit in catalogue/<topic>/)."""
    if not project.catalogue.is_dir() or project.catalogue.is_symlink():
        return
    places = [(p, "<topic>") for p in project.catalogue.iterdir()
              if p.suffix.lower() in (".yml", ".yaml") and p.name != project.products_yml.name]
    for topic in topic_folders(project):
        if not topic.is_dir() or topic.is_symlink():
            continue
        with os.scandir(topic) as found:  # no stat of each entry file
            subs = sorted(e.name for e in found if e.is_dir(follow_symlinks=False)
                          and not e.name.startswith(("_", ".")))
        for sub in subs:
            places += [(p, topic.name) for p in sorted((topic / sub).rglob("*"))
                       if p.suffix.lower() in (".yml", ".yaml")]
    for path, topic_name in sorted(places):
        if not path.is_file() or path.is_symlink() or path.stat().st_size > 1 << 20:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if ENTRY_LIKE.search(text) and ENTRY_FIELDS.search(text):
            diagnostics.warning(
                Loc(project.rel(path)), "", "this file reads like an entry but is not read: "
                "entries are the .yml files directly in a topic's folder",
                f"move it to catalogue/{topic_name}/{path.stem}.yml")


def load_pages(project: Project, diagnostics: Diagnostics) -> list[MarkdownFile]:
    """Hand-written pages of content/, sorted by path: not assets/, not include-only files
    (in an `includes` or `_shared` folder, or left out by a docfx.json)."""
    pages: list[MarkdownFile] = []
    if not count_files(project, diagnostics):
        return pages
    if project.content.is_symlink() and refused(project, project.content, diagnostics,
                                                folder=True):
        return pages
    if not project.content.is_dir():
        return pages
    limits = project_limits(project)
    rules = docset.load_rules(project.content, project.rel(project.content), diagnostics)
    for path in sorted(project.content.rglob("*.md")):
        rel_to_content = path.relative_to(project.content)
        if rel_to_content.parts[0] == "assets" or not rules.is_page(rel_to_content.as_posix()):
            continue  # include-only Markdown and static files are not pages
        if path.is_dir() and not path.is_symlink():
            continue
        rel = f"{project.rel(project.content)}/{rel_to_content.as_posix()}"
        if refused(project, path, diagnostics):
            continue
        text = read_source(path, rel, limits.file_bytes, diagnostics)
        if text is None or bad_characters(text, rel, MARKDOWN_BAD, "a Markdown page",
                                           diagnostics):
            continue
        pages.append(MarkdownFile(rel, text))
    return pages
