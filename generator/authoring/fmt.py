"""Format (`kb fmt`): catalogue YAML in one layout, with ruamel.yaml round-trip editing.

Input: catalogue YAML files and the field specs of `fields` (key order, kind of each
value); output: the same data with keys in spec order, one indentation, one quoting
style and wrapped Markdown, keeping comments and blank lines. Never changes a value.
"""

from __future__ import annotations

import difflib
import io
import os
import posixpath
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    PlainScalarString,
)
from ruamel.yaml.tokens import CommentToken

from ..catalogue.fields import FORMATS, ListOf, MarkdownText, MonikerRange, Obj, Spec, Text
from ..catalogue.load import read_yaml, yaml_parser
from ..core.diagnostics import Diagnostic, Diagnostics, Loc
from ..core.parallel import fork_map, workers
from ..core.project import PRODUCTS_FILE, TOPIC_FILE, Project
from ..core.yamlsafe import safe_yaml

WIDTH = 88  # longest line the formatter writes, where a text can be wrapped
SCHEMA_MODELINE = "# yaml-language-server: $schema="
# Fields that name an object; a range (`applies_to`) follows them, so it reads
# "this fix, for these versions" before the fix's details.
IDENTITY = ("id", "title", "type", "name")
# Texts quoted even when they need no quotes: version ranges, whose operators
# ('>=') cannot start a plain YAML scalar anyway, and messages, which are verbatim.
ALWAYS_QUOTED = {("message", "text")}

_STR = "tag:yaml.org,2002:str"


class FormatError(ValueError):
    """A file that cannot be formatted; carries the diagnostics that say why."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        super().__init__("; ".join(d.format() for d in diagnostics))
        self.diagnostics = list(diagnostics)


@dataclass(frozen=True)
class Result:
    """One file's formatting: its path, text before and after."""

    path: Path
    rel: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def first_difference(self) -> int:
        """The 1-based line of the first difference."""
        old, new = self.before.splitlines(), self.after.splitlines()
        for number, (a, b) in enumerate(zip(old, new, strict=False), 1):
            if a != b:
                return number
        return min(len(old), len(new)) + 1

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=f"{self.rel} (now)", tofile=f"{self.rel} (formatted)"))


# ---------------------------------------------------------------------------
# Which files, of which format.
# ---------------------------------------------------------------------------


def kind_of(project: Project, path: Path) -> str | None:
    """'products', 'topic' or 'entry' for a catalogue file, else None."""
    try:
        rel = path.resolve().relative_to(project.catalogue.resolve())
    except ValueError:
        return None
    parts = rel.parts
    if parts == (PRODUCTS_FILE,):
        return "products"
    if len(parts) != 2 or parts[0].startswith(("_", ".")) or path.suffix != ".yml":
        return None
    return "topic" if parts[1] == TOPIC_FILE else "entry"


def catalogue_files(project: Project) -> list[Path]:
    """Every file `kb fmt` formats, sorted: products.yml, then each topic's files."""
    files = [project.products_yml] if project.products_yml.is_file() else []
    if project.catalogue.is_dir():
        for folder in sorted(project.catalogue.iterdir()):
            if folder.is_dir() and not folder.name.startswith(("_", ".")):
                files.extend(p for p in sorted(folder.glob("*.yml")) if p.is_file())
    return files


def modeline(project: Project, path: Path, kind: str) -> str:
    """The comment that points editors at the file's JSON Schema, relative to the file."""
    folder = project.rel(path.parent)
    schema = project.rel(project.schema_dir / f"{kind}.schema.json")
    return SCHEMA_MODELINE + posixpath.relpath(schema, folder)


# ---------------------------------------------------------------------------
# Key order and scalar styles, derived from the field specs.
# ---------------------------------------------------------------------------


def key_order(obj: Obj) -> list[str]:
    """The spec's field order, with `applies_to` right after the fields naming the object."""
    names = [f.name for f in obj.fields if f.name != "applies_to"]
    if len(names) == len(obj.fields):
        return names
    lead = 0
    while lead < len(names) and names[lead] in IDENTITY:
        lead += 1
    lead = lead or 1
    return [*names[:lead], "applies_to", *names[lead:]]


def _mode(spec: Spec | None, owner: str, field: str) -> str:
    """How a text value is written: 'quoted', 'markdown' or 'text'."""
    if isinstance(spec, MonikerRange) or (owner, field) in ALWAYS_QUOTED:
        return "quoted"
    if isinstance(spec, MarkdownText) or (isinstance(spec, Text) and spec.multiline):
        return "markdown"
    return "text"


# Texts that YAML 1.1 tools read as booleans or numbers ('yes', 'on') are quoted too.
_RESOLVERS = (VersionedResolver(version=(1, 2)), VersionedResolver(version=(1, 1)))


class _Analyzer(Emitter):
    """ruamel.yaml's emitter, only to ask which styles a text allows (YAML 1.2)."""

    use_version = (1, 2)

    def __init__(self) -> None:
        super().__init__(None)


_ANALYZER = _Analyzer()


def plain_ok(text: str) -> bool:
    """Whether `text` can be written as a plain (unquoted) scalar and read back as text."""
    if not text or text != text.strip() or "\n" in text:
        return False
    analysis = _ANALYZER.analyze_scalar(text)
    if not analysis.allow_block_plain or analysis.multiline:
        return False
    return all(r.resolve(ScalarNode, text, (True, False)) == _STR for r in _RESOLVERS)


# Spaces inside code spans and link texts are not broken, so each reads on one line.
_UNBREAKABLE = re.compile(r"`[^`]*`|\[[^\]]*\]\((?:[^()]|\([^()]*\))*\)")


def fold_positions(text: str, indent: int, width: int = WIDTH) -> list[int]:
    """Where to break a folded scalar (indexes of single spaces) so lines fit `width`."""
    protected: set[int] = set()
    for found in _UNBREAKABLE.finditer(text):
        protected.update(range(found.start(), found.end()))
    positions: list[int] = []
    line_start, last_space = 0, -1
    for index, char in enumerate(text):
        if char == " " and 0 < index < len(text) - 1 and index not in protected \
                and text[index - 1] != " " and text[index + 1] != " ":
            if indent + index - line_start > width and last_space > line_start:
                positions.append(last_space)
                line_start = last_space + 1
            last_space = index
    if indent + len(text) - line_start > width and last_space > line_start:
        positions.append(last_space)
    return positions


def styled(text: str, mode: str, column: int, key: str = "") -> Any:
    """`text` as the scalar type that makes ruamel.yaml write it in the house style.

    `column` is where the key (or the item's dash) starts; `key` is the key's name.
    """
    if mode == "quoted":
        return DoubleQuotedScalarString(text)
    if mode == "text" and "\n" in text.strip():
        return text  # an error kb check reports; keep it as written
    one_paragraph = text.endswith("\n") and "\n" not in text[:-1]
    if mode == "markdown" and "\n" in text and not (
            one_paragraph and column + len(key) + len(text) > WIDTH):
        return LiteralScalarString(text)
    inline = column + (len(key) + 2 if key else 2) + len(text)
    if inline > WIDTH and text.strip() == text.rstrip("\n") and "\n" not in text.strip():
        positions = fold_positions(text, column + 2)
        if positions:
            folded = FoldedScalarString(text)
            folded.fold_pos = positions
            return folded
    if plain_ok(text):
        return PlainScalarString(text)
    return DoubleQuotedScalarString(text)


def _is_block(value: Any) -> bool:
    return isinstance(value, (LiteralScalarString, FoldedScalarString))


def _restyle_comment(token: Any, old: Any, new: Any) -> Any:
    """Keep a comment token right when a value changes between block and flow style.

    After a plain or quoted value, the token starts with the rest of the value's line
    (an end-of-line comment or just the line break); a block scalar consumes its line
    break, so its token starts with the lines that follow.
    """
    if token is None or _is_block(old) == _is_block(new):
        return token
    value = token.value
    if _is_block(new):
        first, _, rest = value.partition("\n")
        if first.strip():
            return None  # an end-of-line comment cannot follow a block indicator
        token.value = rest
    else:
        token.value = "\n" + value
    return token


def _set_value(container: Any, key: Any, value: Any, seq: bool) -> None:
    old = container[key]
    items = container.ca.items
    slot = 0 if seq else 2
    entry = items.get(key)
    if entry is not None and entry[slot] is not None:
        token = _restyle_comment(entry[slot], old, value)
        if token is None:
            return  # keep the old style rather than lose the comment
        entry[slot] = token
    container[key] = value


def _format_node(node: Any, spec: Spec | None, column: int, owner: str = "",
                 field: str = "") -> None:
    """Restyle the texts under `node` and put mapping keys in spec order, in place."""
    if isinstance(node, CommentedMap) and isinstance(spec, Obj):
        node.fa.set_block_style()
        _format_map(node, spec, column)
    elif isinstance(node, CommentedSeq):
        item_spec = spec.item if isinstance(spec, ListOf) else None
        if len(node):
            node.fa.set_block_style()
        for index in range(len(node)):
            _format_item(node, index, item_spec, column + 2, owner, field)


def _format_item(seq: CommentedSeq, index: int, spec: Spec | None, dash: int, owner: str,
                 field: str) -> None:
    item = seq[index]
    if isinstance(item, str):
        if isinstance(spec, Obj) and spec.shorthand is not None:
            mode = _mode(spec.shorthand, spec.name, spec.shorthand_field)
        else:
            mode = _mode(spec, owner, field)
        _set_value(seq, index, styled(item, mode, dash), seq=True)
    else:
        _format_node(item, spec, dash + 2, owner, field)


def _format_map(node: CommentedMap, obj: Obj, column: int) -> None:
    fields = {f.name: f for f in obj.fields}
    for key in list(node.keys()):
        value = node[key]
        spec = fields[key].spec if key in fields else None
        if key not in fields:
            continue  # kb check reports unknown fields; keep them as written
        if isinstance(value, str):
            mode = _mode(spec, obj.name, str(key))
            _set_value(node, key, styled(value, mode, column, str(key)), seq=False)
        elif isinstance(value, CommentedMap):
            _format_node(value, spec, column + 2, obj.name, str(key))
        else:
            _format_node(value, spec, column, obj.name, str(key))
    _reorder(node, key_order(obj))


def _split(value: Any, token: Any) -> tuple[str, str]:
    """A scalar's comment token as (rest of its own line, lines before the next key)."""
    if token is None:
        return "", ""
    if _is_block(value):
        return "", token.value
    first, newline, rest = token.value.partition("\n")
    return first + newline, rest


def _reorder(node: CommentedMap, order: list[str]) -> None:
    """Put the keys of `node` in `order` (unknown keys last, as they were).

    Comment and blank lines above a key move with it. ruamel.yaml stores them with the
    previous key's value, so they are taken apart and put back key by key. Lines that
    follow a nested mapping or list are stored inside it and stay where they are; no
    comment is ever dropped, and a second run finds the keys in order.
    """
    keys = list(node.keys())
    rank = {name: i for i, name in enumerate(order)}
    wanted = sorted(keys, key=lambda k: (rank.get(str(k), len(rank)), keys.index(k)))
    if wanted == keys:
        return
    scalar = {k: not isinstance(node[k], (CommentedMap, CommentedSeq)) for k in keys}
    tokens: dict[Any, Any] = {}
    own: dict[Any, str] = {}
    above: dict[Any, str] = {}
    tail = ""
    for position, key in enumerate(keys):
        entry = node.ca.items.get(key)
        token = entry[2] if entry is not None and len(entry) > 2 else None
        if not scalar[key]:
            continue
        tokens[key] = token
        own[key], lead = _split(node[key], token)
        if not own[key] and not _is_block(node[key]):
            own[key] = "\n"  # the end of the value's own line
        if position + 1 < len(keys):
            above[keys[position + 1]] = lead
        else:
            tail = lead
    values_before = {k: node[k] for k in keys}
    after: dict[Any, str] = dict.fromkeys(keys, "")
    collection_lead: dict[Any, str] = dict.fromkeys(keys, "")
    for position, key in enumerate(wanted):
        lead = above.get(key, "")
        previous = wanted[position - 1] if position else None
        if not lead:
            continue
        if previous is not None and scalar[previous]:
            after[previous] += lead
        elif previous is not None:
            _append_tail(values_before[previous], lead)
        elif scalar[key]:
            own[key] = (own[key] or ("" if _is_block(node[key]) else "\n")) + lead
        else:
            collection_lead[key] += lead
    if tail:
        if scalar[wanted[-1]]:
            after[wanted[-1]] += tail
        else:
            _append_tail(values_before[wanted[-1]], tail)
    entries = {k: node.ca.items.get(k) for k in keys}
    values = {k: node[k] for k in keys}
    for key in keys:
        del node[key]
        node.ca.items.pop(key, None)
    for key in wanted:
        node[key] = values[key]
        entry = entries[key]
        if not scalar[key]:
            if entry is not None:
                node.ca.items[key] = entry
            if collection_lead[key]:
                _append_comment(node, key, collection_lead[key])
            continue
        text = own[key] + after[key]
        if text and not _is_block(values[key]) and not text.startswith(("#", " ", "\n")):
            text = "\n" + text
        if not text or (text == "\n" and not _is_block(values[key])):
            continue
        token = tokens.get(key) or CommentToken("", CommentMark(0), None)
        token.value = text
        node.ca.items[key] = [None, None, token, None]


def _append_tail(value: Any, text: str) -> None:
    """Add comment lines after the last line of a nested mapping or list."""
    if isinstance(value, CommentedMap) and len(value):
        key = list(value.keys())[-1]
        inner, slot = value[key], 2
    elif isinstance(value, CommentedSeq) and len(value):
        key, inner, slot = len(value) - 1, value[-1], 0
    else:
        return
    if isinstance(inner, (CommentedMap, CommentedSeq)) and len(inner):
        _append_tail(inner, text)
        return
    entry = value.ca.items.setdefault(key, [None, None, None, None])
    token = entry[slot]
    if token is None:
        entry[slot] = CommentToken(("" if _is_block(inner) else "\n") + text,
                                   CommentMark(0), None)
    else:
        token.value = token.value + text


def _append_comment(node: CommentedMap, key: Any, text: str) -> None:
    """Add comment lines below the line of a key whose value is a mapping or list."""
    entry = node.ca.items.setdefault(key, [None, None, None, None])
    while len(entry) < 4:
        entry.append(None)
    if entry[2] is None:
        entry[2] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        entry[2].value = entry[2].value + text


# ---------------------------------------------------------------------------
# Text in, text out.
# ---------------------------------------------------------------------------


def _dumper() -> YAML:
    yaml = yaml_parser()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # texts are wrapped by `styled`, never by the emitter
    return yaml


def _strip_modeline(text: str) -> str:
    lines = text.split("\n")
    kept = [line for index, line in enumerate(lines)
            if not (line.startswith(SCHEMA_MODELINE) and all(
                p.startswith("#") for p in lines[:index]))]
    return "\n".join(kept)


def _plain_data(text: str) -> Any:
    return safe_yaml().load(text)


def format_text(text: str, kind: str, rel: str, schema_modeline: str = "") -> str:
    """The formatted text of one catalogue file; FormatError when it cannot be parsed."""
    diagnostics = Diagnostics()
    source = text.replace("\r\n", "\n").lstrip("\ufeff")
    body = _strip_modeline(source)
    yaml = _dumper()
    try:
        data = yaml.load(body)
    except YAMLError as err:
        diagnostics.error(Loc(rel, 1, 1), "YAML", f"syntax error: {err}",
                          "run kb check for the exact place, fix it, then run kb fmt")
        raise FormatError(diagnostics.items) from err
    if not isinstance(data, CommentedMap):
        diagnostics.error(Loc(rel, 1, 1), "format", "expected a mapping of fields at the top",
                          "run kb check to see what is wrong")
        raise FormatError(diagnostics.items)
    result = _formatted(yaml, data, kind, schema_modeline)
    # Text that comes back as it was holds the same data: only a change is read again.
    if result != source and _plain_data(result) != _plain_data(source):
        raise FormatError([_changed_data(rel)])
    return result


def _formatted(yaml: YAML, data: CommentedMap, kind: str, schema_modeline: str) -> str:
    """`data` restyled and written in the house layout."""
    _format_node(data, FORMATS[kind], 0)
    out = io.StringIO()
    yaml.dump(data, out)
    result = out.getvalue()
    result = "\n".join(line.rstrip() if not _in_block_content(line) else line
                       for line in result.split("\n"))
    result = result.rstrip("\n") + "\n"
    return f"{schema_modeline}\n{result}" if schema_modeline else result


def _changed_data(rel: str) -> Diagnostic:
    return Diagnostic(Loc(rel, 1, 1), _severity_error(), "format",
                      "formatting would change the file's data; it was left as it is",
                      "report this with the file attached")


def _in_block_content(line: str) -> bool:
    # Trailing spaces can be content inside block scalars; the data check catches any
    # other change, so keep every line that is not plainly a key or comment line.
    return line.rstrip() != line and not line.lstrip().startswith(("#", "- ")) \
        and ":" not in line


def dump(data: dict[str, Any], kind: str, rel: str, schema_modeline: str = "") -> str:
    """Plain data (dicts, lists, strings) written as a formatted catalogue file: the text
    `format_text` gives for ruamel.yaml's own writing of the data (tests/test_fmt.py), made
    in one pass. The data become ruamel.yaml's round-trip mappings and lists, the formatting
    gives each text of a known field its style (the others keep ruamel.yaml's), and the
    text is read once to check that it holds the data."""
    result = _formatted(_dumper(), _commented(data), kind, schema_modeline)
    if _plain_data(result) != _plain(data):
        raise FormatError([_changed_data(rel)])
    return result


def _commented(value: Any, made: dict[int, Any] | None = None) -> Any:
    """Plain data as ruamel.yaml's round-trip mappings and lists (scalars as they are); a
    mapping or list met twice is made once, so that it is written once, with an alias."""
    made = {} if made is None else made
    if not isinstance(value, (dict, list, tuple)):
        return value
    if id(value) in made:
        return made[id(value)]
    if isinstance(value, dict):
        node = made[id(value)] = CommentedMap()
        for key, item in value.items():
            node[key] = _commented(item, made)
        return node
    seq = made[id(value)] = CommentedSeq()
    seq.extend(_commented(item, made) for item in value)
    return seq


def _plain(value: Any) -> Any:
    """Plain data as reading YAML gives it back (tuples are lists)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def format_file(project: Project, path: Path) -> Result:
    """Read and format one file (nothing is written); FormatError when it cannot be."""
    rel = project.rel(path)
    kind = kind_of(project, path)
    if kind is None:
        raise FormatError([Diagnostic(
            Loc(rel), _severity_error(), "format", "not a catalogue file",
            "kb fmt formats catalogue/products.yml and catalogue/<topic>/*.yml")])
    diagnostics = Diagnostics()
    if read_yaml(path, rel, diagnostics) is None:
        raise FormatError(diagnostics.items)
    # As it is on disk, line ends included: a file with Windows line ends (CRLF, as Git
    # checks files out on Windows with core.autocrlf) keeps them, whatever else changes.
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    after = format_text(text, kind, rel, modeline(project, path, kind))
    return Result(path, rel, text, after.replace("\n", "\r\n") if "\r\n" in text else after)


def _severity_error() -> Any:
    from ..core.diagnostics import Severity

    return Severity.ERROR


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`.

    A reader, or a later run after this one is killed, finds the old content or the new,
    never a part. A symbolic link at `path` is replaced by the file, not written through.
    """
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists() and not path.is_symlink():
            os.chmod(temp, path.stat().st_mode & 0o777)
        else:
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def format_paths(project: Project, paths: Iterable[Path] | None,
                 diagnostics: Diagnostics) -> list[Result]:
    """Format results for `paths` (default: every catalogue file); problems are collected."""
    chosen: list[Path] = []
    for path in (catalogue_files(project) if paths is None else paths):
        if path.is_dir():
            chosen.extend(p for p in catalogue_files(project)
                          if p.resolve().is_relative_to(path.resolve()))
        else:
            chosen.append(path)
    results = []
    files = []
    for path in dict.fromkeys(chosen):
        if path.is_file():
            files.append(path)
        else:
            diagnostics.error(Loc(project.rel(path)), "format", "no such file",
                              "check the path")
    # Files are independent: a catalogue of hundreds is formatted on every core, in
    # chunks, with results (or the problems that stopped a file) in the files' order.
    size = max(16, -(-len(files) // (4 * workers(None, len(files)))))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    for outcomes in fork_map(_format_chunk, chunks, project):
        for outcome in outcomes:
            if isinstance(outcome, Result):
                results.append(outcome)
            else:
                diagnostics.extend(outcome)
    return results


def _format_chunk(project: Project, paths: list[Path]) -> list[Result | list[Diagnostic]]:
    outcomes: list[Result | list[Diagnostic]] = []
    for path in paths:
        try:
            outcomes.append(format_file(project, path))
        except FormatError as err:
            outcomes.append(list(err.diagnostics))
    return outcomes
