"""Scaffold (`kb new`): a new catalogue entry that passes `kb check`, ready to fill in.

Input: a topic, an id, a title and optional messages and version range; output: the
formatted text of catalogue/<topic>/<id>.yml (and of a new _topic.yml), written
without ever replacing a file, and warnings for placeholder texts left in the catalogue.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalogue.fields import ID_RE, MAX_NEW_ID, respelt
from ..catalogue.load import LocList, LocMap, read_yaml, topic_folders
from ..catalogue.messages import syntax_problems
from ..core.diagnostics import Diagnostics, Loc, did_you_mean
from ..core.project import TOPIC_FILE, Project
from ..core.versions import Products, RangeError, parse_range
from .fmt import catalogue_files, dump, modeline

PLACEHOLDER = "TODO:"
PLACEHOLDER_RE = re.compile(r"\bTODO:")


class ScaffoldError(ValueError):
    """A request `kb new` refuses: the message says why and how to go on."""


@dataclass(frozen=True)
class NewEntry:
    """What `kb new` was asked for."""

    topic: str
    id: str
    title: str
    messages: tuple[str, ...] = ()
    applies_to: str = ""
    topic_title: str = ""  # set when the topic is created too


EXAMPLE = "e.g. 'azure-rm-endpoint/port-in-use'"


def check_id(ident: str, what: str = "id") -> str:
    """`ident` when it is an id `kb new` or `kb rename` may give; ScaffoldError otherwise."""
    if len(ident) > MAX_NEW_ID:
        raise ScaffoldError(f"expected {what} of at most {MAX_NEW_ID} characters, found "
                            f"{len(ident)} ('{ident[:24]}…'); it becomes a file name and an "
                            "anchor in URLs: choose a shorter one")
    if not ID_RE.match(ident):
        raise ScaffoldError(f"expected {what} (letters, digits, '-' and '_', starting with a "
                            f"letter), found '{ident}'")
    return ident


def parse_target(target: str) -> tuple[str, str]:
    """'TOPIC/ID' -> (topic, id); ScaffoldError when either part is not an id.

    TOPIC/ID names a topic folder of catalogue/ and an entry file in it, never a path:
    absolute paths, '..' and backslashes are refused, so nothing is written elsewhere.
    """
    text = target.strip()
    parts = text.replace("\\", "/").split("/")
    if text.startswith(("/", "\\", "~")) or ".." in parts or "\\" in text \
            or re.match(r"^[A-Za-z]:", text):
        raise ScaffoldError(f"expected TOPIC/ID, a topic folder of catalogue/ and the new "
                            f"entry's id ({EXAMPLE}), found the path '{target}', which would "
                            "leave the catalogue")
    topic, slash, ident = text.rstrip("/").partition("/")
    if not slash or "/" in ident:
        raise ScaffoldError(f"expected TOPIC/ID, {EXAMPLE}, found '{target}'")
    return check_id(topic, "a topic id"), check_id(ident, "an id")


def check_message(text: str, what: str = "message") -> str:
    """A message (or title) for `kb new`; ScaffoldError explaining braces when invalid."""
    problems = syntax_problems(text, what)
    if "\n" in text.strip():
        raise ScaffoldError(f"expected a {what} of one line, found several; give each line "
                            f"its own --{what}" if what == "message" else
                            f"expected a {what} of one line, found several")
    if not problems:
        return text.strip()
    first = problems[0]
    literal = text.replace("{", "{{").replace("}", "}}")
    raise ScaffoldError(
        f"--{what} '{text}': {first.message} at character {first.offset + 1}: in a "
        f"{what}, {{name}} is a placeholder for a part that varies, so a brace that is part "
        f"of the {what} is written twice: --{what} '{literal}'")


def check_range(text: str, products: Products | None) -> str:
    """The range, stripped; ScaffoldError with the parser's hint when it is not valid."""
    text = text.strip()
    if not text or products is None:
        return text
    try:
        if parse_range(text, products).empty:
            raise ScaffoldError(f"range '{text}' selects no version; the versions are, oldest "
                                f"first: {', '.join(products.names)}")
    except RangeError as err:
        hint = f"; {err.suggestion}" if err.suggestion else ""
        raise ScaffoldError(f"{err.message} in range '{text}'{hint}") from err
    # Written as products.yml spells the monikers ('TFS-2017' -> 'tfs-2017').
    for offset, written, name in reversed(respelt(text, products)):
        text = text[:offset] + name + text[offset + len(written):]
    return text


def _ids(node: Any) -> Iterator[str]:
    """Every `id` and alias in a catalogue file: the anchors it puts on its page."""
    if isinstance(node, LocMap):
        for key, value in node.items():
            if key == "id" and isinstance(value, str):
                yield value
            elif key == "aliases" and isinstance(value, LocList):
                yield from (a for a in value if isinstance(a, str))
            else:
                yield from _ids(value)
    elif isinstance(node, LocList):
        for item in node:
            yield from _ids(item)


def check_free(project: Project, topic: str, ident: str) -> None:
    """ScaffoldError when the id is taken: by an entry anywhere, or an anchor on the page."""
    folder = project.catalogue / topic
    path = folder / f"{ident}.yml"
    if path.exists():
        raise ScaffoldError(f"{project.rel(path)} already exists; edit it, or choose another id")
    for other in topic_folders(project):
        if (other / f"{ident}.yml").exists():
            raise ScaffoldError(f"entry id '{ident}' is already used by "
                                f"{project.rel(other / f'{ident}.yml')}; entry ids are unique "
                                "across the catalogue, choose another")
    if not folder.is_dir():
        return
    quiet = Diagnostics()
    for file in sorted(folder.glob("*.yml")):
        doc = read_yaml(file, project.rel(file), quiet)
        if doc is None:
            continue
        taken = set(_ids(doc.node))
        for anchor in (ident, f"{ident}-cause"):
            if anchor in taken:
                raise ScaffoldError(f"'{anchor}' is already an anchor on page '{topic}' (in "
                                    f"{project.rel(file)}); choose another id")


def check_topic(project: Project, topic: str, create: bool) -> None:
    folder = project.catalogue / topic
    if folder.is_dir() or create:
        return
    names = [p.name for p in topic_folders(project)]
    hint = did_you_mean(topic, names)
    raise ScaffoldError(
        f"topic '{topic}' does not exist" + (f" ({hint})" if hint else "")
        + f"; pass --new-topic to create catalogue/{topic}/{TOPIC_FILE}"
        + (f", or use one of: {', '.join(names)}" if names and not hint else ""))


def entry_data(request: NewEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"id": request.id, "title": request.title}
    if request.applies_to:
        data["applies_to"] = request.applies_to
    if request.messages:
        data["messages"] = list(request.messages)
    data["summary"] = f"{PLACEHOLDER} when and why users see this error, in a sentence or two."
    data["causes"] = [{
        "id": f"{request.id}-cause",
        "title": f"{PLACEHOLDER} the cause, as a statement",
        "check": f"{PLACEHOLDER} a yes/no question that tells this cause apart",
        "fixes": [{
            "title": f"{PLACEHOLDER} what the fix does",
            "steps": [f"{PLACEHOLDER} the first step"],
        }],
    }]
    if request.messages:
        data["samples"] = [f"{PLACEHOLDER} the message as a real log shows it, e.g. "
                           f"'{witness(m)}', with its ids, times and names"
                           for m in request.messages]
    return data


def witness(message: str) -> str:
    """A message with its placeholders shown as '...', for the sample hint."""
    return re.sub(r"\{\{|\}\}|\{[^{}]*\}",
                  lambda m: m.group()[0] if m.group() in ("{{", "}}") else "...", message)


# Comments the scaffold puts above top-level keys, to guide a first-time contributor.
GUIDE = {
    "summary": "# Replace every 'TODO:' text; the field reference is in CONTRIBUTING.md.\n"
               "# codes: [AADSTS7000215]   (the error codes in the messages, if any)",
    "causes": "# Causes, most likely first; each has fixes, best first, and each fix has "
              "steps.\n# Steps and texts are Markdown; add applies_to to any part that "
              "differs by version.\n# With several causes, each needs a 'check' question "
              "that only it answers 'yes'.",
    "samples": "# Samples: each message as a real log shows it; kb check proves that a "
               "lookup of each\n# finds this entry first (kb check --strict requires one "
               "per message).",
}
NO_MESSAGE = ("# messages: the error messages users see, verbatim, one per item, e.g.\n"
              "#   - \"Insufficient privileges to complete the operation.\"")


def entry_text(project: Project, request: NewEntry) -> str:
    """The new entry file: formatted, with the schema comment and guiding comments."""
    path = project.catalogue / request.topic / f"{request.id}.yml"
    rel = project.rel(path)
    text = dump(entry_data(request), "entry", rel, modeline(project, path, "entry"))
    lines = []
    for line in text.split("\n"):
        key = line.split(":", 1)[0]
        if key == "summary" and not request.messages:
            lines.append(NO_MESSAGE)
        if key in GUIDE:
            lines.append(GUIDE[key])
        lines.append(line)
    return "\n".join(lines)


def topic_text(project: Project, topic: str, title: str) -> str:
    path = project.catalogue / topic / TOPIC_FILE
    data = {"id": topic, "title": title,
            "intro": f"{PLACEHOLDER} what this page helps with, in a sentence or two."}
    return dump(data, "topic", project.rel(path), modeline(project, path, "topic"))


def write_new(path: Path, text: str) -> None:
    """Create `path` with `text` in one step; FileExistsError if it exists, never replacing."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temp, 0o644)
        os.link(temp, path)  # fails when `path` exists: nothing is overwritten
    finally:
        Path(temp).unlink(missing_ok=True)


def create(project: Project, request: NewEntry) -> list[Path]:
    """Write the entry (and the topic, when asked); the files written."""
    folder = project.catalogue / request.topic
    written: list[Path] = []
    created_folder = not folder.exists()
    try:
        if request.topic_title and not (folder / TOPIC_FILE).exists():
            folder.mkdir(parents=True, exist_ok=True)
            topic_file = folder / TOPIC_FILE
            write_new(topic_file, topic_text(project, request.topic, request.topic_title))
            written.append(topic_file)
        path = folder / f"{request.id}.yml"
        write_new(path, entry_text(project, request))
        written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if created_folder and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        raise
    return written


def placeholders(project: Project, diagnostics: Diagnostics) -> None:
    """A warning for each placeholder text `kb new` wrote that is still in the catalogue."""
    for path in catalogue_files(project):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # `kb check` reports unreadable files
        rel = project.rel(path)
        subject = f"topic '{path.parent.name}'" if path.name == TOPIC_FILE \
            else f"entry '{path.stem}'"
        for number, line in enumerate(lines, 1):
            found = PLACEHOLDER_RE.search(line)
            if found is None or line.lstrip().startswith("#"):
                continue
            diagnostics.warning(Loc(rel, number, found.start() + 1), subject,
                                "placeholder text from kb new is still here",
                                "replace the 'TODO:' text with the real content")
