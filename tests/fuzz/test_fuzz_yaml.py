"""Fuzzing catalogue files: valid files of the fixtures, their YAML structure mutated.

Properties: `kb check` (load, validate, the features' checks, rendered checks) and
`kb fmt` never raise anything but a DiagnosticError, every diagnostic about the mutated
file is located inside it, two runs give the same diagnostics; through the real command
line, the exit status is 0, 1 or 2 and no traceback is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.authoring.fmt import format_paths
from generator.core.diagnostics import DiagnosticError, Diagnostics
from generator.core.project import Project
from generator.features.registry import FEATURES
from generator.site.checks import load_checked
from tests.conftest import FIXTURES, ROOT
from tests.fuzz.conftest import count, examples
from tests.fuzz.locations import outside

RICH = FIXTURES / "catalogues" / "rich"
FILES = sorted(p.relative_to(RICH).as_posix() for p in (RICH / "catalogue").rglob("*.yml"))
SNIPPETS = [
    "&a ", "*a", "<<: *a\n", "- ", ": ", "? ", "[", "]", "{", "}", "'", '"', "|", "|-\n", ">",
    "#", "---\n", "...\n", "%YAML 1.1\n", "!!binary ", "!x ", "!!int ", "\t", "\x00", "\x07",
    "\x85", "\u2028", "\u2029", "\ufeff", "\r", "\r\n", "\n  - ", "\n- id: x\n", "0x" + "f" * 70,
    "1e999", "~", "null", "yes", "é😀", "{{", "{name}", "{x:url}", ":::", "::: moniker range=",
    "[!INCLUDE [x](../../../etc/passwd)]", "<script>", "applies_to: '>= nope'\n",
    "aliases: [a, a]\n", "id: Bad Id\n", "  ", "\n", "- [&b [*b]]", "&c [" * 4 + "*c",
    "\\", "\\u0000", "ref: '#'\n", "url: javascript:x\n", "order: [x]\n", "text: |\n  ",
]
ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))


@st.composite
def mutated(draw: Any) -> tuple[str, str]:
    """A fixture file and its text after one to four mutations."""
    path = draw(st.sampled_from(FILES))
    text = (RICH / path).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(OPERATIONS))
        text = operation(draw, text)
    return path, text


def insert(draw: Any, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    piece = draw(st.one_of(st.sampled_from(SNIPPETS), st.text(ALPHABET, max_size=6)))
    return text[:at] + piece + text[at:]


def delete(draw: Any, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    return text[:at] + text[at + draw(st.integers(1, 40)):]


def lines_op(change: Callable[[Any, list[str]], list[str]]) -> Callable[[Any, str], str]:
    def operation(draw: Any, text: str) -> str:
        lines = text.split("\n")
        return "\n".join(change(draw, lines))
    return operation


def duplicate(draw: Any, lines: list[str]) -> list[str]:
    at = draw(st.integers(0, len(lines) - 1))
    return [*lines[:at + 1], lines[at], *lines[at + 1:]]


def swap(draw: Any, lines: list[str]) -> list[str]:
    a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    lines = list(lines)
    lines[a], lines[b] = lines[b], lines[a]
    return lines


def indent(draw: Any, lines: list[str]) -> list[str]:
    at = draw(st.integers(0, len(lines) - 1))
    shift = draw(st.integers(-4, 4))
    line = lines[at]
    lines = list(lines)
    lines[at] = (" " * shift + line) if shift > 0 else line[min(-shift, len(line)
                                                                - len(line.lstrip(" "))):]
    return lines


def revalue(draw: Any, lines: list[str]) -> list[str]:
    keyed = [i for i, line in enumerate(lines) if ": " in line]
    if not keyed:
        return lines
    at = draw(st.sampled_from(keyed))
    key = lines[at].split(": ", 1)[0]
    value = draw(st.one_of(st.sampled_from(
        ["", "[]", "{}", "0", "-1", "1.5", "true", "null", "~", "'x'", '"\\x00"', "[a, [b]]",
         "{a: 1}", "99999999999999999999", "0o777", ".inf", "x" * 300, "&a x", "*zz",
         "'>= tfs-2018 ||'", "'< demo-1'", "'demo-9'", "'#'", "'demo#nope'"]),
        st.text(ALPHABET, max_size=12)))
    lines = list(lines)
    lines[at] = f"{key}: {value}"
    return lines


def truncate(draw: Any, text: str) -> str:
    return text[:draw(st.integers(0, len(text)))]


OPERATIONS = [insert, insert, delete, lines_op(duplicate), lines_op(swap), lines_op(indent),
              lines_op(revalue), lines_op(revalue), truncate]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fuzz-yaml") / "repo"
    shutil.copytree(RICH, target)
    return target


def restore(repo: Path) -> None:
    for path in FILES:
        (repo / path).write_bytes((RICH / path).read_bytes())


def checked(project: Project) -> list[str]:
    diagnostics = Diagnostics()
    try:
        load_checked(project, diagnostics, FEATURES, jobs=1)
    except DiagnosticError as err:
        diagnostics.extend(err.diagnostics)
    return [d.format() for d in diagnostics.sorted()]


@settings(max_examples=examples("yaml"))
@given(mutated())
def test_check_and_fmt_on_mutated_files(repo: Path, case: tuple[str, str]) -> None:
    count("yaml")
    path, text = case
    restore(repo)
    target = repo / path
    target.write_bytes(text.encode("utf-8", "surrogatepass"))
    project = Project(repo)
    first = checked(project)
    assert checked(project) == first  # deterministic
    diagnostics = Diagnostics()
    try:
        load_checked(project, diagnostics, FEATURES, jobs=1)
    except DiagnosticError as err:
        diagnostics.extend(err.diagnostics)
    assert outside(diagnostics.items, {path: text}) == []
    formatting = Diagnostics()
    results = format_paths(project, [target], formatting)
    assert outside(formatting.items, {path: text}) == []
    for result in results:  # formatting is idempotent where it succeeds
        again = format_paths(project, [target], Diagnostics())
        assert [r.after for r in again] == [result.after]


def kb(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)


@settings(max_examples=examples("yaml-cli"))
@given(mutated())
def test_the_command_line_exits_0_1_or_2_without_a_traceback(repo: Path,
                                                             case: tuple[str, str]) -> None:
    count("yaml-cli")
    path, text = case
    restore(repo)
    (repo / path).write_bytes(text.encode("utf-8", "surrogatepass"))
    for args in (["check"], ["fmt", "--check"], ["lookup", "disk full"]):
        run = kb(repo, *args)
        assert run.returncode in (0, 1, 2), (args, run.stderr)
        assert "Traceback" not in run.stderr and "retry with --debug" not in run.stderr, \
            (args, run.stderr)
