"""Rename: move an anchor id to a new name, keep the old one as an alias, fix references.

Input: a valid catalogue, OLD (`id` or `topic#id`) and NEW; output: edited catalogue and
content files (ruamel.yaml round-trip, so comments, quotes and layout stay), the entry
file renamed for an entry, and a report of every change. Nothing is written unless the
edited catalogue validates.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..catalogue.fields import ID_RE, MAX_NEW_ID
from ..catalogue.load import yaml_parser
from ..catalogue.model import Catalogue, Cause, Entry, Fix, Section, Topic, slug
from ..core.diagnostics import DiagnosticError, Diagnostics, Loc, did_you_mean
from ..core.project import TOPIC_FILE, Project
from ..features.links.sources import resolve_source, source_links
from ..features.registry import FEATURES
from ..site.checks import load_checked
from .fmt import write_atomic

INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 4, 4))
REFERENCE_KEYS = ("cause", "goto")  # fields whose value is the id of a cause, entry or node


class RenameError(Exception):
    """The rename cannot be done; nothing was changed."""


@dataclass
class Plan:
    """What a rename changes: new file texts, a file to move, and a log of edits."""

    texts: dict[str, str] = field(default_factory=dict)  # repo-relative path -> new text
    moves: list[tuple[str, str]] = field(default_factory=list)
    edits: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    """The object being renamed: its topic, kind, model object and YAML file."""

    topic: Topic
    kind: str  # "entry", "cause", "fix", "section"
    obj: Entry | Cause | Fix | Section
    path: str  # repo-relative YAML file holding it


def find_target(catalogue: Catalogue, old: str) -> Target:
    """The one section, entry, cause or fix whose id is OLD (`topic#id` picks the page)."""
    page, _, ident = old.rpartition("#")
    found: list[Target] = []
    aliases: list[str] = []
    everything: set[str] = set()
    for topic in catalogue.topics:
        if page and topic.id != page:
            continue
        folder = topic.loc.path.rsplit("/", 1)[0]
        for section in (*topic.sections, *topic.closing_sections):
            everything.add(section.id)
            if section.id == ident:
                found.append(Target(topic, "section", section, topic.loc.path))
            if ident in section.aliases:
                aliases.append(f"section '{topic.id}#{section.id}'")
        for entry in topic.entries:
            path = f"{folder}/{entry.id}.yml"
            everything.add(entry.id)
            if entry.id == ident:
                found.append(Target(topic, "entry", entry, path))
            if ident in entry.aliases:
                aliases.append(f"entry '{topic.id}#{entry.id}'")
            for cause in entry.causes:
                everything.add(cause.id)
                if cause.id == ident:
                    found.append(Target(topic, "cause", cause, path))
                if ident in cause.aliases:
                    aliases.append(f"cause '{topic.id}#{cause.id}'")
                for fix in cause.fixes:
                    if fix.id:
                        everything.add(fix.id)
                    if fix.id == ident:
                        found.append(Target(topic, "fix", fix, path))
                    if ident in fix.aliases:
                        aliases.append(f"fix '{topic.id}#{fix.id or fix.title}'")
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        names = ", ".join(f"'{t.topic.id}#{ident}'" for t in found)
        raise RenameError(f"'{ident}' is the id of several {found[0].kind}s: {names}; "
                          "name one as topic#id")
    if page and catalogue.topic(page) is None:
        hint = did_you_mean(page, [t.id for t in catalogue.topics])
        raise RenameError(f"no topic '{page}'" + (f"; {hint}" if hint else ""))
    if aliases:
        raise RenameError(f"'{ident}' is an alias of {aliases[0]}, not an id; rename that id")
    hint = did_you_mean(ident, sorted(everything))
    if any(t.id == ident for t in catalogue.topics):
        raise RenameError(f"'{ident}' is a topic: its id names the page's URL, which an alias "
                          "cannot keep; rename its sections or entries instead")
    raise RenameError(f"no section, entry, cause or fix has the id '{ident}'"
                      + (f"; {hint}" if hint else ""))


def _dump(data: Any, indent: tuple[int, int, int]) -> str:
    parser = yaml_parser()
    parser.width = 4096
    parser.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    out = io.StringIO()
    parser.dump(data, out)
    return out.getvalue()


class YamlFile:
    """A YAML file loaded round-trip, dumped back in the layout it was written in."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.data = yaml_parser().load(text)
        self.indent = next((i for i in INDENTS if _dump(yaml_parser().load(text), i) == text),
                           None)

    def text(self) -> str:
        return _dump(self.data, self.indent or INDENTS[0])


def _retype(old: Any, new: str) -> Any:
    """`new` as a scalar of the same YAML style (quotes) as `old`."""
    kind = type(old)
    return new if kind is str else kind(new)


def _add_alias(node: CommentedMap, alias: str, new: str) -> None:
    """Add `alias` to the node's aliases (created where `kb fmt` puts them: after the id,
    the title and `applies_to`); drop `new` there."""
    aliases = node.get("aliases")
    if aliases is None:
        seq = CommentedSeq([alias])
        keys = list(node.keys())
        before = [i for i, key in enumerate(keys) if key in ("id", "title", "applies_to")]
        node.insert(max(before) + 1 if before else 0, "aliases", seq)
        return
    if new in aliases:
        aliases.remove(new)
    if alias not in aliases:
        aliases.append(alias)


def _node_of(data: CommentedMap, target: Target, old: str) -> CommentedMap:
    if target.kind == "entry":
        return data
    if target.kind == "section":
        for key in ("sections", "closing_sections"):
            for node in data.get(key) or []:
                if node.get("id") == old:
                    return node  # type: ignore[no-any-return]
    for cause in data.get("causes") or []:
        if target.kind == "cause" and cause.get("id") == old:
            return cause  # type: ignore[no-any-return]
        for fix in cause.get("fixes") or []:
            if target.kind == "fix" and fix.get("id") == old:
                return fix  # type: ignore[no-any-return]
    raise RenameError(f"cannot find '{old}' in {target.path}")


def _walk(node: Any, path: str, visit: Any) -> None:
    if isinstance(node, dict):
        for key in list(node.keys()):
            visit(node, key, path)
            _walk(node[key], path, visit)
    elif isinstance(node, list):
        for item in node:
            _walk(item, path, visit)


def plan_rename(project: Project, catalogue: Catalogue, old: str, new: str) -> Plan:
    """Every edit a rename makes, computed without writing anything."""
    target = find_target(catalogue, old)
    ident = target.obj.id
    topic = target.topic
    if len(new) > MAX_NEW_ID:
        raise RenameError(f"expected a NEW id of at most {MAX_NEW_ID} characters, found "
                          f"{len(new)} ('{new[:24]}…'); an id becomes a file name and an "
                          "anchor in URLs: choose a shorter one")
    if not ID_RE.match(new):
        path_note = " (a path, which would leave the catalogue)" \
            if "/" in new or "\\" in new or new.startswith((".", "~")) else ""
        raise RenameError(f"expected a NEW id (letters, digits, '-' and '_', starting with a "
                          f"letter), found '{new}'{path_note}")
    if new == ident:
        raise RenameError(f"'{ident}' already has that id")
    own_aliases = target.obj.aliases
    taken = {a for a, _ in topic.anchors()} - {ident, *own_aliases}
    if new in taken:
        raise RenameError(f"'{new}' is already an anchor on page '{topic.id}'; choose another id")
    if target.kind == "entry":
        owner = next((t.id for t in catalogue.topics for e in t.entries if e.id == new), None)
        if owner is not None:
            raise RenameError(f"'{new}' is already an entry id (topic '{owner}')")
    plan = Plan()
    folder = topic.loc.path.rsplit("/", 1)[0]
    files: dict[str, YamlFile] = {}

    def yaml_file(path: str) -> YamlFile:
        if path not in files:
            files[path] = YamlFile(path, (project.root / path).read_text(encoding="utf-8"))
        return files[path]

    # Markdown links to the anchor, edited as text where they are written.
    texts: dict[str, str] = {}
    replaced = _renamed_fix_anchors(target, ident, new)
    renames = {ident: new, **replaced}
    for link in source_links(project, catalogue):
        resolved = resolve_source(link.page, link.target)
        if resolved.kind != "page" or resolved.fragment not in renames:
            continue
        if (resolved.candidates or (resolved.path,))[0] != topic.page and \
                resolved.path != topic.page:
            continue
        text = texts.get(link.loc.path)
        if text is None:
            text = texts[link.loc.path] = (project.root / link.loc.path).read_text(
                encoding="utf-8")
        lines = text.split("\n")
        line = lines[link.loc.line - 1] if 0 < link.loc.line <= len(lines) else ""
        start = link.loc.col - 1
        if not line.startswith(link.target, start):
            plan.warnings.append(f"{link.loc}: could not edit the link '{link.target}'; "
                                 "edit it by hand")
            continue
        fragment = resolved.fragment or ""
        edited = link.target[: len(link.target) - len(fragment)] + renames[fragment]
        lines[link.loc.line - 1] = line[:start] + edited + line[start + len(link.target):]
        texts[link.loc.path] = "\n".join(lines)
        plan.edits.append(f"{link.loc}: link '{link.target}' -> '{edited}'")
    for path, text in texts.items():
        if path.endswith((".yml", ".yaml")):
            files[path] = YamlFile(path, text)
        else:
            plan.texts[path] = text

    # The id itself, the old id as an alias, and the fixes whose anchors derive from it.
    data = yaml_file(target.path).data
    node = _node_of(data, target, ident)
    where = Loc(target.path, node.lc.line + 1, node.lc.col + 1)
    node["id"] = _retype(node["id"], new)
    _add_alias(node, ident, new)
    plan.edits.append(f"{where}: {target.kind} id '{ident}' -> '{new}', '{ident}' kept as alias")
    if target.kind == "cause":
        for fix in node.get("fixes") or []:
            if "id" not in fix and "title" in fix:
                anchor = f"{ident}-{slug(str(fix['title']))}"
                _add_alias(fix, anchor, f"{new}-{slug(str(fix['title']))}")
                plan.edits.append(f"{target.path}:{fix.lc.line + 1}:{fix.lc.col + 1}: fix "
                                  f"'{fix['title']}' keeps its anchor '{anchor}' as alias")

    # References by id: the topic's order, tree answers, messages; refs of related links.
    for entry_file in [f"{folder}/{TOPIC_FILE}", *(f"{folder}/{e.id}.yml"
                                                   for e in topic.entries)]:
        _rewrite_ids(yaml_file(entry_file), target, ident, new, plan)
    for other in catalogue.topics:
        other_folder = other.loc.path.rsplit("/", 1)[0]
        for path in [other.loc.path, *(f"{other_folder}/{e.id}.yml" for e in other.entries)]:
            _rewrite_refs(yaml_file(path), topic, other, renames, plan)
    for path, loaded in files.items():
        text = loaded.text()
        if text != (project.root / path).read_text(encoding="utf-8") or path in texts:
            if loaded.indent is None:
                plan.warnings.append(f"{path}: ruamel.yaml could not reproduce this file's "
                                     "layout exactly; review the whole diff of the file")
            plan.texts[path] = text
    if target.kind == "entry":
        plan.moves.append((target.path, f"{folder}/{new}.yml"))
        plan.edits.append(f"{target.path}: renamed to {folder}/{new}.yml")
    return plan


def _renamed_fix_anchors(target: Target, old: str, new: str) -> dict[str, str]:
    """The derived anchors of a cause's fixes without an id, old -> new."""
    if not isinstance(target.obj, Cause):
        return {}
    return {f"{old}-{slug(fix.title)}": f"{new}-{slug(fix.title)}"
            for fix in target.obj.fixes if not fix.id}


def _rewrite_ids(loaded: YamlFile, target: Target, old: str, new: str, plan: Plan) -> None:
    def visit(node: Any, key: Any, path: str) -> None:
        value = node[key]
        if key == "order" and target.kind == "entry" and isinstance(value, CommentedSeq):
            for index, item in enumerate(value):
                if item == old:
                    value[index] = _retype(item, new)
                    line = value.lc.item(index)[0] + 1
                    plan.edits.append(f"{path}:{line}: order '{old}' -> '{new}'")
        elif key in REFERENCE_KEYS and value == old:
            node[key] = _retype(value, new)
            line = node.lc.value(key)[0] + 1
            plan.edits.append(f"{path}:{line}: {key} '{old}' -> '{new}'")
    _walk(loaded.data, loaded.path, visit)


def _rewrite_refs(loaded: YamlFile, page: Topic, here: Topic, renames: dict[str, str],
                  plan: Plan) -> None:
    def visit(node: Any, key: Any, path: str) -> None:
        value = node[key]
        if key != "ref" or not isinstance(value, str):
            return
        name, _, anchor = value.partition("#")
        points_here = (name == "" and here.id == page.id) or name in (page.id, page.page)
        if points_here and anchor in renames:
            edited = f"{name}#{renames[anchor]}"
            node[key] = _retype(value, edited)
            line = node.lc.value(key)[0] + 1
            plan.edits.append(f"{path}:{line}: ref '{value}' -> '{edited}'")
    _walk(loaded.data, loaded.path, visit)


def _leftovers(project: Project, old: str, plan: Plan) -> list[str]:
    """References to OLD still in the sources, by hand: `#OLD` in a link, or `key: OLD`."""
    pattern = re.compile(rf"#{re.escape(old)}(?![\w-])|^\s*(?!-)[\w-]+:\s*['\"]?"
                         rf"{re.escape(old)}['\"]?\s*$")
    notes = []
    for folder in ("catalogue", "content"):
        base = project.root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix not in (".yml", ".md") or not path.is_file():
                continue
            rel = project.rel(path)
            text = plan.texts.get(rel) or path.read_text(encoding="utf-8")
            for number, line in enumerate(text.split("\n"), 1):
                if pattern.search(line):
                    notes.append(f"{rel}:{number}: '{old}' is still named here; check whether "
                                 "it refers to the old id")
    return notes


def rename(project: Project, old: str, new: str) -> Plan:
    """Plan the rename, prove the result validates in a scratch copy, then write it."""

    diagnostics = Diagnostics()
    catalogue = load_checked(project, diagnostics, FEATURES, markdown=False)
    if catalogue is None:
        raise DiagnosticError(diagnostics.sorted())
    plan = plan_rename(project, catalogue, old, new)
    ident = old.rpartition("#")[2]
    known = Diagnostics()
    load_checked(project, known, FEATURES)  # problems already there are not the rename's
    renamed = {d.format().replace(ident, new) for d in known.errors}
    for moved_from, moved_to in plan.moves:
        renamed = {text.replace(moved_from, moved_to) for text in renamed}
    with tempfile.TemporaryDirectory(prefix="kb-rename-") as scratch:
        copy = Path(scratch)
        for part in ("mkdocs.yml", "catalogue", "content"):
            source = project.root / part
            if source.is_dir():
                shutil.copytree(source, copy / part)
            elif source.is_file():
                shutil.copy(source, copy / part)
        _apply(Project(copy), plan)
        found = Diagnostics()
        load_checked(Project(copy), found, FEATURES)
        added = [d.format() for d in found.sorted()
                 if d in found.errors and d.format() not in renamed]
        if added:
            raise RenameError("the renamed catalogue would have new errors, so nothing was "
                              "changed:\n" + "\n".join(added))
    _apply(project, plan)
    plan.warnings.extend(_leftovers(project, old.rpartition("#")[2], plan))
    return plan


def _apply(project: Project, plan: Plan) -> None:
    """Write the plan: each file in one step (see `write_atomic`), then the moves."""
    for path, text in plan.texts.items():
        write_atomic(project.root / path, text)
    for source, target in plan.moves:
        (project.root / source).rename(project.root / target)
