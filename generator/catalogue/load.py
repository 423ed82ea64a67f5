"""Load: read catalogue YAML and content Markdown from disk, keeping locations.

Input: a Project; output: products.yml, each topic folder's files and the content
pages (YAML as mappings and lists that know every value's line and column, Markdown
as text), and diagnostics for unreadable files.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from ..core.diagnostics import Diagnostics, Loc
from ..core.project import PRODUCTS_FILE, TOPIC_FILE, Project
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


def _scalar(node: ScalarNode) -> Any:
    if node.style in STYLES:
        return STYLES[node.style](node.value)
    tag = node.tag
    convert = _PLAIN.get(str(getattr(tag, "value", tag)))
    if convert is not None:
        try:
            return convert(node.value)
        except ValueError:
            return node.value
    return node.value


def _located(node: Node) -> Any:
    """A composed node as plain data whose mappings and lists know their positions.

    Round-trip loading gives the same positions but is about ten times slower; the
    catalogue is read on every check and build, and only `kb fmt`-style edits need
    comments, so they use `yaml_parser()` instead.
    """
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        seq = LocList(node.start_mark.line, node.start_mark.column)
        for child in node.value:
            seq.append(_located(child))
            seq.positions.append((child.start_mark.line, child.start_mark.column))
        return seq
    if isinstance(node, MappingNode):
        mapping = LocMap(node.start_mark.line, node.start_mark.column)
        for key_node, value_node in node.value:
            key = _located(key_node)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise MarkedYAMLError(problem="a mapping key must be a plain value",
                                      problem_mark=key_node.start_mark)
            if key in mapping:
                raise DuplicateKeyError(
                    "while constructing a mapping", node.start_mark,
                    f'found duplicate key "{key}"', key_node.start_mark,
                )
            mapping[key] = _located(value_node)
            mapping.positions[key] = (key_node.start_mark.line, key_node.start_mark.column,
                                      value_node.start_mark.line, value_node.start_mark.column)
        return mapping
    raise MarkedYAMLError(problem="unsupported YAML node", problem_mark=node.start_mark)


def _mark_loc(rel: str, err: MarkedYAMLError) -> Loc:
    mark = err.problem_mark or err.context_mark
    if mark is None:
        return Loc(rel, 1, 1)
    return Loc(rel, mark.line + 1, mark.column + 1)


def read_yaml(path: Path, rel: str, diagnostics: Diagnostics) -> YamlDoc | None:
    """Parse one YAML file; syntax errors become diagnostics, never tracebacks."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        diagnostics.error(Loc(rel, 1, 1), "", f"file is not UTF-8 text ({err.reason})",
                          "save the file as UTF-8")
        return None
    except OSError as err:
        diagnostics.error(Loc(rel), "", f"cannot read file: {err.strerror}")
        return None
    try:
        composed = _composer().compose(text)
        node = _located(composed) if composed is not None else None
    except DuplicateKeyError as err:
        key = str(err.problem).split('"')[1] if '"' in str(err.problem) else ""
        diagnostics.error(
            _mark_loc(rel, err),
            "YAML",
            f"duplicate key '{key}'" if key else "duplicate key",
            "keep one of the two values",
        )
        return None
    except MarkedYAMLError as err:
        problem = (err.problem or err.context or "invalid YAML").strip()
        context = ""
        if err.context and err.problem:
            context = f" {err.context}"
            start = err.context_mark
            if start is not None and err.problem_mark is not None \
                    and start.line != err.problem_mark.line:
                context += f" that starts at line {start.line + 1}, column {start.column + 1}"
        diagnostics.error(
            _mark_loc(rel, err),
            "YAML",
            f"syntax error: {problem}{context}",
            "fix the YAML syntax (indentation, quotes, ':' after keys)",
        )
        return None
    except YAMLError as err:
        diagnostics.error(Loc(rel, 1, 1), "YAML", f"syntax error: {err}")
        return None
    if node is None:
        diagnostics.error(Loc(rel, 1, 1), "", "file is empty", "write the fields of the file")
        return None
    return YamlDoc(rel, node, tuple(text.splitlines()))


def load_products(project: Project, diagnostics: Diagnostics) -> YamlDoc | None:
    if project.products_yml.is_file():
        return read_yaml(project.products_yml, project.rel(project.products_yml), diagnostics)
    diagnostics.error(
        Loc(f"catalogue/{PRODUCTS_FILE}"),
        "",
        "missing products file",
        "create catalogue/products.yml listing the products and their monikers",
    )
    return None


def topic_folders(project: Project) -> list[Path]:
    """The topic folders of the catalogue, sorted (folders named _x or .x are not topics)."""
    if not project.catalogue.is_dir():
        return []
    return sorted(p for p in project.catalogue.iterdir()
                  if p.is_dir() and not p.name.startswith(("_", ".")))


def load_topic(project: Project, folder: Path, diagnostics: Diagnostics) -> TopicSources:
    """A topic folder's _topic.yml and entry files."""
    topic_file = folder / TOPIC_FILE
    topic_doc = None
    if topic_file.is_file():
        topic_doc = read_yaml(topic_file, project.rel(topic_file), diagnostics)
    else:
        diagnostics.error(
            Loc(project.rel(folder)),
            f"topic '{folder.name}'",
            f"missing {TOPIC_FILE} in topic folder",
            f"create {project.rel(topic_file)} with the topic's id and title",
        )
    sources = TopicSources(project.rel(folder), topic_doc)
    for path in sorted(folder.iterdir()):
        if path.name == TOPIC_FILE or path.name.startswith("."):
            continue
        if path.suffix == ".yaml":
            diagnostics.error(
                Loc(project.rel(path)), "", "entry files end in .yml, found .yaml",
                f"rename it to {path.stem}.yml",
            )
            continue
        if path.suffix != ".yml" or not path.is_file():
            continue
        doc = read_yaml(path, project.rel(path), diagnostics)
        if doc is not None:
            sources.entries.append(doc)
    return sources


def load_pages(project: Project, diagnostics: Diagnostics) -> list[MarkdownFile]:
    """Hand-written pages of content/, sorted by path: not assets/, not include-only files
    (in an `includes` or `_shared` folder, or left out by a docfx.json)."""
    pages: list[MarkdownFile] = []
    if not project.content.is_dir():
        return pages
    rules = docset.load_rules(project.content, project.rel(project.content), diagnostics)
    for path in sorted(project.content.rglob("*.md")):
        rel_to_content = path.relative_to(project.content)
        if rel_to_content.parts[0] == "assets" or not rules.is_page(rel_to_content.as_posix()):
            continue  # include-only Markdown and static files are not pages
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            diagnostics.error(Loc(project.rel(path)), "", f"cannot read page: {err}")
            continue
        pages.append(MarkdownFile(project.rel(path), text))
    return pages
