"""Hostile catalogue files: bounded work, and every problem reported where it is.

YAML bombs, deep nesting, the input that crashed the C composer, huge numbers, bad bytes
and characters, line breaks editors do not see: each is one located error, in well under
a second of work, and never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalogue.load import TextLines, parse_yaml, read_yaml
from generator.core.diagnostics import Diagnostics
from generator.core.project import Limits
from tests.helpers_cli import fixture_repo, kb

BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(9)))


def problems(text: str, limits: Limits | None = None) -> list[str]:
    found = Diagnostics()
    doc = parse_yaml(text, "e.yml", found, limits or Limits())
    assert doc is None
    return [d.format() for d in found.sorted()]


@pytest.mark.parametrize(("text", "expected"), [
    (BOMB, "e.yml:5:8: error: YAML: aliases stand for more than 10,000 values; simplify the "
           "file, or raise extra.kb.limits.alias_nodes in mkdocs.yml"),
    ("title: &a [*a]\n", "e.yml:1:12: error: YAML: alias '*a' names no anchor defined before "
                         "it (or the value that holds it); define '&a' first"),
    ("a: " + "[" * 1000 + "]" * 1000 + "\n",
     "e.yml:1:67: error: YAML: mappings and lists nested more than 64 levels deep; simplify "
     "the file, or raise extra.kb.limits.nesting_depth in mkdocs.yml"),
    ("[" * 30000, "e.yml:1:65: error: YAML: mappings and lists nested more than 64 levels "
                  "deep; simplify the file, or raise extra.kb.limits.nesting_depth in mkdocs.yml"),
    ("title: 0x" + "f" * 4000 + "\n", "e.yml:1:8: error: YAML: number of 4002 characters, "
                                      "more than 64; quote the value if it is text"),
    ("a: " + "x" * 200_000 + "\n",
     "e.yml:1:4: error: YAML: value of 200,000 characters, more than the limit of 100,000; "
     "simplify the file, or raise extra.kb.limits.scalar_chars in mkdocs.yml"),
    ("a: &x 1\n" + "".join(f"b{i}: *x\n" for i in range(101)),
     "e.yml:102:7: error: YAML: more than 100 aliases in one file; simplify the file, or "
     "raise extra.kb.limits.aliases in mkdocs.yml"),
    ("a: 1\n---\nb: 2\n", "e.yml:2:1: error: YAML: expected a single document in the file, "
                          "found another; remove the '---' line, or split the file"),
    ("id: x\n!x title: y\n", "e.yml:2:1: error: YAML: YAML tag '!x' is not supported; remove "
                            "the tag; quote the value if it is text"),
    ("id: !!python/object:os.system x\n",
     "e.yml:1:5: error: YAML: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not "
     "supported; remove the tag; quote the value if it is text"),
    ("!!int id: demo\n", "e.yml:1:1: error: YAML: YAML tag 'tag:yaml.org,2002:int' is not "
                         "supported; remove the tag; quote the value if it is text"),
    ("a: !!str [x]\n", "e.yml:1:4: error: YAML: YAML tag 'tag:yaml.org,2002:str' is not "
                       "supported; remove the tag; quote the value if it is text"),
], ids=["alias-bomb", "self-alias", "nesting-1000", "brackets-30000", "hex-4000", "scalar",
        "alias-count", "two-documents", "local-tag", "python-tag", "int-tag", "str-on-list"])
def test_bounded_work_each_limit_a_located_error(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_core_tags_are_accepted() -> None:
    found = Diagnostics()
    doc = parse_yaml("id: !!str 12\nlist: !!seq [a]\n", "e.yml", found)
    assert doc is not None and doc.node["id"] == "12" and not found


def test_limits_can_be_raised() -> None:
    deep = "a: " + "[" * 100 + "]" * 100 + "\n"
    assert problems(deep)[0].startswith("e.yml:1:67: error: YAML: mappings and lists nested")
    found = Diagnostics()
    assert parse_yaml(deep, "e.yml", found, Limits(nesting_depth=200)) is not None
    assert not found


def test_bad_characters_are_reported_at_their_own_line_and_column_on_one_line() -> None:
    assert problems("id: x\ntitle: ab\x00c\n") == [
        "e.yml:2:10: error: control character U+0000 (NUL) is not allowed in YAML; remove it, "
        "or write it as \\u0000 in a double-quoted string"]
    assert problems("id: x\ntitle: \x1b[31m\n") == [
        "e.yml:2:8: error: control character U+001B (ESC) is not allowed in YAML; remove it, "
        "or write it as \\u001b in a double-quoted string"]


@pytest.mark.parametrize(("char", "name"), [("\u2028", "character U+2028 (LINE SEPARATOR)"),
                                            ("\x85", "control character U+0085 (NEL)"),
                                            ("\u2029", "character U+2029 (PARAGRAPH SEPARATOR)")])
def test_breaks_editors_do_not_see_are_located_as_editors_count(char: str, name: str) -> None:
    assert problems(f"id: x\ntitle: a{char}b\n") == [
        f"e.yml:2:9: error: {name} is not allowed in YAML (the YAML parser reads it as a "
        f"line break); remove it, or write it as \\u{ord(char):04x} in a double-quoted string"]


def test_lines_are_counted_as_editors_count_them() -> None:
    lines = TextLines("a\r\nb\rc\nd\u2028e\x85f")
    assert [lines.position(i) for i in (0, 3, 5, 7, 9, 11)] == [
        (0, 0), (1, 0), (2, 0), (3, 0), (3, 2), (3, 4)]
    assert lines.lines() == ("a", "b", "c", "d\u2028e\x85f")
    # A lone CR is a line break: the error after it is on line 3.
    assert problems("a: b\rc: [\n") == [
        "e.yml:3:1: error: YAML: syntax error: did not find expected node content while "
        "parsing a flow node; fix the YAML syntax (indentation, quotes, ':' after keys)"]


def test_a_byte_that_is_not_utf8_is_located_at_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "e.yml"
    path.write_bytes("id: x\ntitle: é\xff\n".encode("utf-8", "surrogateescape")
                     .replace(b"\xc3\xbf", b"\xff"))
    found = Diagnostics()
    assert read_yaml(path, "e.yml", found) is None
    assert [d.format() for d in found.items] == [
        "e.yml:2:9: error: file is not UTF-8 text: byte 0xFF (invalid start byte); "
        "save the file as UTF-8"]


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "e.yml"
    path.write_text("id: x\n" + "# padding\n" * 200)
    found = Diagnostics()
    assert read_yaml(path, "e.yml", found, Limits(file_bytes=1000)) is None
    assert [d.format() for d in found.items] == [
        "e.yml: error: file is 2,006 bytes, more than the limit of 1,000; split it, or raise "
        "extra.kb.limits.file_bytes in mkdocs.yml"]


def test_kb_check_names_the_file_for_every_hostile_input(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    topic = repo / "catalogue" / "demo"
    (topic / "bomb.yml").write_text(BOMB)
    (topic / "deep.yml").write_text("[" * 30000)
    (topic / "nul.yml").write_text("id: nul\ntitle: a\x00\n")
    (repo / "content" / "bad.md").write_bytes(b"# Bad\n\nA \x01 and \xff.\n")
    run = kb("check", cwd=repo)
    assert run.code == 1 and "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert lines[:4] == [
        "catalogue/demo/bomb.yml:5:8: error: YAML: aliases stand for more than 10,000 values; "
        "simplify the file, or raise extra.kb.limits.alias_nodes in mkdocs.yml",
        "catalogue/demo/deep.yml:1:65: error: YAML: mappings and lists nested more than 64 "
        "levels deep; simplify the file, or raise extra.kb.limits.nesting_depth in mkdocs.yml",
        "catalogue/demo/nul.yml:2:9: error: control character U+0000 (NUL) is not allowed in "
        "YAML; remove it, or write it as \\u0000 in a double-quoted string",
        "content/bad.md:3:9: error: file is not UTF-8 text: byte 0xFF (invalid start byte); "
        "save the file as UTF-8",
    ]


def test_control_characters_in_a_page_are_located(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    (repo / "content" / "bad.md").write_text("# Bad\n\nA \x01 and\rB \x7f.\n")
    run = kb("check", cwd=repo)
    assert run.stderr.splitlines()[:2] == [
        "content/bad.md:3:3: error: control character U+0001 is not allowed in a Markdown "
        "page; remove it",
        "content/bad.md:4:3: error: control character U+007F (DEL) is not allowed in a "
        "Markdown page; remove it"]


def test_limit_settings_are_read_from_mkdocs_yml_and_checked(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    mkdocs = repo / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text() + "extra:\n  kb:\n    limits:\n      files: 2\n")
    run = kb("check", cwd=repo)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        "catalogue: error: more than 2 files in catalogue/ and content/; raise "
        "extra.kb.limits.files in mkdocs.yml")
    mkdocs.write_text(mkdocs.read_text().replace("files: 2", "fils: 2\n      aliases: -1"))
    run = kb("check", cwd=repo)
    assert run.code == 1 and "Traceback" not in run.stderr
    assert run.stderr.splitlines()[:2] == [
        "mkdocs.yml: error: extra.kb.limits: unknown limit 'fils'; did you mean 'files'?",
        "mkdocs.yml: error: extra.kb.limits.aliases: expected a whole number of 1 or more, "
        "found -1"]


def test_json_nested_thousands_deep_is_a_located_error(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    (repo / "content" / "docfx.json").write_text("[" * 100_000 + "]" * 100_000)
    run = kb("check", cwd=repo)
    assert run.code == 1 and "Traceback" not in run.stderr
    assert run.stderr.splitlines()[0] == (
        "content/docfx.json:1:1: error: docfx.json: invalid JSON: nested too deeply; fix the "
        "file, or delete it")
