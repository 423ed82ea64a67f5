"""`kb fmt`: the house layout, comments kept, values unchanged, idempotent, --check."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator.authoring.fmt import (
    _dumper,
    dump,
    fold_positions,
    format_text,
    key_order,
    plain_ok,
)
from generator.catalogue.fields import CAUSE, ENTRY, FIX, NOTE, STEP
from tests.conftest import FIXTURES, ROOT
from tests.golden import assert_golden
from tests.helpers_cli import fixture_repo, kb

CASES = sorted(p for p in (FIXTURES / "fmt").iterdir() if p.is_dir())
KINDS = {"entry": "entry", "topic": "topic", "products": "products"}


def modeline(kind: str) -> str:
    return f"# yaml-language-server: $schema=../_schema/{kind}.schema.json"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fixture_is_formatted_as_expected(case: Path, update_golden: bool) -> None:
    kind = KINDS[case.name]
    out = format_text((case / "input.yml").read_text(), kind, "input.yml", modeline(kind))
    assert_golden(out, case / "expected.yml", update_golden)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_formatting_keeps_values_and_comments_and_is_idempotent(case: Path) -> None:
    kind = KINDS[case.name]
    source = (case / "input.yml").read_text()
    once = format_text(source, kind, "input.yml", modeline(kind))
    safe = YAML(typ="safe", pure=True)
    assert safe.load(once) == safe.load(source)
    comments = [line.strip() for line in source.splitlines() if line.strip().startswith("#")]
    comments += re.findall(r"(?<=\s)#.*$", source, re.MULTILINE)
    for comment in comments:
        assert comment.strip() in once
    assert format_text(once, kind, "input.yml", modeline(kind)) == once


def shipped_files() -> list[Path]:
    files = [ROOT / "catalogue" / "products.yml"]
    files += sorted((ROOT / "catalogue").glob("*/*.yml"))
    return [f for f in files if not f.parent.name.startswith("_")]


def written_then_formatted(data: object, kind: str, rel: str) -> str:
    """What `dump` stands for: ruamel.yaml's own writing of the data, then `kb fmt`."""
    out = io.StringIO()
    _dumper().dump(data, out)
    return format_text(out.getvalue(), kind, rel, modeline(kind))


# Values whose style the formatter leaves to ruamel.yaml (fields it does not know) or picks
# itself: texts YAML would read as something else, texts on several lines, empty values.
TRICKY = ["yes", "123", "a: b", "- item", "#hash", "line one\nline two\n", "trailing  ",
          "", "null", "~", "'quoted'", '"double"', "tab\there", "\u00e9t\u00e9 \u2014 ok",
          "[x](y) `code`", "x" * 120 + " " + "y" * 20, "1.5", "0x10", "2024-01-01"]


def test_dump_writes_what_formatting_its_yaml_gives() -> None:
    """`dump` makes in one pass what writing the data with ruamel.yaml, then formatting
    that text, gives: on files of the shipped catalogue (read as plain data; every file
    that shares a value through an alias, and 25 others spread over the catalogue), and on
    texts that each need a style of their own, in known fields and unknown ones."""
    safe = YAML(typ="safe", pure=True)
    files = shipped_files()
    sample = sorted(set(files[::max(1, len(files) // 25)]) | {
        path for path in files if re.search(r"^\s*(- )?&", path.read_text(), re.MULTILINE)})
    for path in sample:
        kind = "products" if path.name == "products.yml" else \
            "topic" if path.name == "_topic.yml" else "entry"
        data = safe.load(path.read_text())
        assert dump(data, kind, path.name, modeline(kind)) == \
            written_then_formatted(data, kind, path.name), path
    for text in TRICKY:
        data = {"id": "e", "title": text or "t", "messages": [text, {"text": text}],
                "summary": text, "unknown": {"nested": [text, 7, True, None]},
                "causes": [{"id": "c", "title": "C", "fixes": [{"title": "F",
                                                               "steps": [text, text]}]}]}
        assert dump(data, "entry", "e.yml", modeline("entry")) == \
            written_then_formatted(data, "entry", "e.yml"), text
        assert safe.load(dump(data, "entry", "e.yml")) == data


def test_the_shipped_catalogue_is_formatted() -> None:
    """Every shipped file is as `kb fmt` leaves it (so formatting it again, or twice, changes
    nothing: that formatting is idempotent is tested on the fixtures above and on mutated
    files, tests/fuzz/test_fuzz_yaml.py)."""
    run = kb("fmt", "--check")
    assert (run.code, run.stderr.splitlines()[-1]) == (
        0, f"kb fmt: {len(shipped_files())} files already formatted"), run.stderr


def test_key_order_follows_the_field_specs() -> None:
    assert key_order(ENTRY)[:3] == ["id", "title", "applies_to"]
    assert key_order(FIX)[:3] == ["title", "id", "applies_to"]
    assert key_order(CAUSE)[:4] == ["id", "title", "applies_to", "aliases"]
    assert key_order(NOTE)[:3] == ["type", "applies_to", "text"]
    assert key_order(STEP) == ["text", "applies_to"]
    spec_order = [f.name for f in ENTRY.fields if f.name != "applies_to"]
    assert [k for k in key_order(ENTRY) if k != "applies_to"] == spec_order


@pytest.mark.parametrize(("text", "plain"), [
    ("Open the log folder.", True),
    ("Error: disk full", False),
    ("yes", False),
    ("123", False),
    ("- item", False),
    ("a # b", False),
    (" leading", False),
    ("Select **Users**", True),
])
def test_plain_only_when_it_reads_back_as_the_same_text(text: str, plain: bool) -> None:
    assert plain_ok(text) is plain


def test_folding_breaks_at_spaces_outside_links_and_code() -> None:
    text = "Run `demo clean --all --now` then read [the long guide](https://x.example/a b) now"
    positions = fold_positions(text, indent=0, width=20)
    assert positions
    for pos in positions:
        assert text[pos] == " "
        assert not (text.index("`") <= pos <= text.rindex("`"))
        assert not (text.index("[") <= pos <= text.index(")"))


def test_check_lists_unformatted_files_and_exits_1(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    shutil.copy(FIXTURES / "fmt" / "entry" / "input.yml", entry)
    before = entry.read_text()
    run = kb("fmt", "--check", cwd=repo)
    assert run.code == 1
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        "catalogue/demo/_topic.yml:1:1: error: format: file is not formatted (first "
        "difference on this line); run kb fmt catalogue/demo/_topic.yml",
        "catalogue/demo/disk-full.yml:1:1: error: format: file is not formatted (first "
        "difference on this line); run kb fmt catalogue/demo/disk-full.yml",
        "catalogue/products.yml:1:1: error: format: file is not formatted (first "
        "difference on this line); run kb fmt catalogue/products.yml",
        "kb fmt: 3 of 3 files would be reformatted",
    ]
    assert entry.read_text() == before  # --check writes nothing


def test_fmt_writes_then_check_passes_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    shutil.copy(FIXTURES / "fmt" / "entry" / "input.yml", entry)
    first = kb("fmt", cwd=repo)
    assert (first.code, first.stdout, first.stderr) == (
        0,
        "formatted catalogue/products.yml\nformatted catalogue/demo/_topic.yml\n"
        "formatted catalogue/demo/disk-full.yml\n",
        "kb fmt: 3 formatted, 0 unchanged\n",
    )
    assert entry.read_text() == (FIXTURES / "fmt" / "entry" / "expected.yml").read_text()
    formatted = {p: p.read_bytes() for p in sorted((repo / "catalogue").rglob("*.yml"))}
    second = kb("fmt", cwd=repo)
    assert (second.code, second.stdout, second.stderr) == (
        0, "", "kb fmt: 0 formatted, 3 unchanged\n")
    assert {p: p.read_bytes() for p in formatted} == formatted
    check = kb("fmt", "--check", cwd=repo)
    assert (check.code, check.stderr) == (0, "kb fmt: 3 files already formatted\n")
    assert kb("check", cwd=repo).code == 0


def test_one_file_and_github_annotations(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    run = kb("fmt", "--check", "--format", "github", "catalogue/demo/disk-full.yml", cwd=repo)
    assert run.code == 1
    assert run.stderr.splitlines() == [
        "::error file=catalogue/demo/disk-full.yml,line=1,col=1::format: file is not "
        "formatted (first difference on this line); run kb fmt catalogue/demo/disk-full.yml",
        "kb fmt: 1 of 1 file would be reformatted",
    ]


def test_broken_yaml_is_reported_and_left_alone(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text("id: disk-full\ntitle: [unclosed\n")
    run = kb("fmt", str(entry), cwd=repo)
    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.splitlines()[0].startswith(
        "catalogue/demo/disk-full.yml:3:1: error: YAML: syntax error: ")
    assert run.stderr.splitlines()[-1] == "kb fmt: 0 formatted, 0 unchanged, 1 could not be read"
    assert entry.read_text() == "id: disk-full\ntitle: [unclosed\n"


def test_a_tab_in_a_value_is_one_error_for_check_and_fmt_at_its_place(tmp_path: Path) -> None:
    """libyaml reads a tab inside an unquoted value, kb fmt's parser does not: kb check
    reports it where it is, and kb fmt counts the file it cannot read."""
    repo = fixture_repo(tmp_path)
    assert kb("fmt", cwd=repo).code == 0
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    text = entry.read_text()
    entry.write_text(text.replace("title: The disk is full", "title: The disk\tis full"))
    line = 1 + text.split("\n").index("title: The disk is full")
    error = (f"catalogue/demo/disk-full.yml:{line}:16: error: YAML: syntax error: found "
             "character '\\t' that cannot start any token while scanning for the next token; "
             "use spaces, not a tab, or put the text in quotes")
    check = kb("check", cwd=repo)
    assert (check.code, check.stderr.splitlines()[0]) == (1, error)
    fmt = kb("fmt", "--check", cwd=repo)
    assert (fmt.code, fmt.stderr.splitlines()) == (
        1, [error, "kb fmt: 2 of 3 files already formatted, 1 could not be read"])
    # Quoted, the tab is text both read.
    entry.write_text(text.replace("title: The disk is full", 'title: "The disk\tis full"'))
    assert kb("check", cwd=repo).code == 0
    assert kb("fmt", cwd=repo).code == 0


def test_a_file_keeps_its_windows_line_ends(tmp_path: Path) -> None:
    """A file checked out with CRLF line ends (Git on Windows) is formatted when it is
    formatted with LF, and keeps CRLF when kb fmt changes something else in it."""
    repo = fixture_repo(tmp_path)
    assert kb("fmt", cwd=repo).code == 0
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    formatted = entry.read_bytes()
    entry.write_bytes(formatted.replace(b"\n", b"\r\n"))
    assert kb("fmt", "--check", cwd=repo).code == 0
    entry.write_bytes(formatted.replace(b"title: The disk", b"title:    The disk")
                      .replace(b"\n", b"\r\n"))
    check = kb("fmt", "--check", cwd=repo)
    line = 1 + formatted.split(b"\n").index(b"title: The disk is full")
    assert (check.code, check.stderr.splitlines()[0]) == (
        1, f"catalogue/demo/disk-full.yml:{line}:1: error: format: file is not formatted "
           "(first difference on this line); run kb fmt catalogue/demo/disk-full.yml")
    assert kb("fmt", cwd=repo).code == 0
    assert entry.read_bytes() == formatted.replace(b"\n", b"\r\n")


def test_a_file_outside_the_catalogue_is_refused(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    run = kb("fmt", "mkdocs.yml", cwd=repo)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        "mkdocs.yml: error: format: not a catalogue file; kb fmt formats "
        "catalogue/products.yml and catalogue/<topic>/*.yml")


def test_a_lone_equals_sign_formats_as_the_text_it_is(tmp_path: Path) -> None:
    # YAML 1.1's "value" type (`=`) has no constructor in ruamel.yaml's safe loader.
    assert format_text("id: =\ntitle: a\n", "topic", "t.yml") == "id: =\ntitle: a\n"
    repo = fixture_repo(tmp_path)
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("title: The disk is full", "title:   =", 1))
    run = kb("fmt", str(entry), cwd=repo)
    assert (run.code, "Traceback" in run.stderr) == (0, False), run.stderr
    assert "\nid: disk-full\ntitle: =\nmessages:\n" in entry.read_text()


def test_an_anchor_defined_twice_formats_without_a_python_warning(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("id: disk-full", "id: &a disk-full", 1)
                     .replace("title: The disk", "title: &a The disk", 1))
    run = kb("fmt", str(entry), cwd=repo)
    assert (run.code, run.stderr) == (0, "kb fmt: 1 formatted, 0 unchanged\n")


def test_many_files_are_formatted_on_every_core_with_each_problem_kept(tmp_path: Path) -> None:
    """Enough files to be shared among processes: each formatted file, and each one that
    cannot be, is reported once, in the order of a single process; nothing is lost."""
    repo = fixture_repo(tmp_path)
    demo = repo / "catalogue" / "demo"
    source = (demo / "disk-full.yml").read_text()
    names = [f"disk-full-{n:02d}" for n in range(60)]
    for name in names:
        (demo / f"{name}.yml").write_text(source.replace("id: disk-full", f"id: {name}"))
    broken = {names[5], names[47]}
    for name in broken:
        (demo / f"{name}.yml").write_text(f"id: {name}\ntitle: [unclosed\n")
    files = 3 + len(names)
    check = kb("fmt", "--check", cwd=repo)
    lines = check.stderr.splitlines()
    assert check.code == 1 and lines[-1] == f"kb fmt: {files - 2} of {files} files would " \
        "be reformatted, 2 could not be read", check.stderr
    reported = [line.split(":", 1)[0] for line in lines[:-1]]
    assert sorted(reported) == reported and len(set(reported)) == len(reported) == files
    assert {line.split(":", 1)[0] for line in lines if ": error: YAML: syntax error" in line} \
        == {f"catalogue/demo/{name}.yml" for name in broken}
    assert kb("fmt", cwd=repo).stderr.splitlines()[-1] == f"kb fmt: {files - 2} formatted, " \
        "0 unchanged, 2 could not be read"
    again = kb("fmt", "--check", cwd=repo)
    assert [line.split(":", 1)[0] for line in again.stderr.splitlines()[:-1]] == sorted(
        f"catalogue/demo/{name}.yml" for name in broken)
    assert again.stderr.splitlines()[-1] == f"kb fmt: {files - 2} of {files} files already " \
        "formatted, 2 could not be read"
    for name in broken:
        assert (demo / f"{name}.yml").read_text() == f"id: {name}\ntitle: [unclosed\n"
