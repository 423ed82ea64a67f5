"""Hostile lookup input: long, binary, invalid UTF-8, many short lines, lines built to make
matching backtrack. Both matchers give the right (and the same) answer; `kb lookup` reads
any amount of input. How fast is `bench/bench_hostile.py`'s to report, not these tests'."""

from __future__ import annotations

import io
import random
import re
from pathlib import Path
from typing import Any

import pytest

from generator.commands.lookup import KEEP, decode_tail, read_tail
from generator.features.lookup.match import (
    INDEX_FORMAT,
    MAX_INPUT,
    MAX_LINES,
    Matcher,
    Search,
    clip,
)
from generator.features.lookup.pattern import (
    GUID,
    MASK,
    NUMBER,
    P_ANY,
    P_INT,
    P_QUOTED,
    ascii_lower,
    normalise_line,
    plan,
    regex_source,
)
from tests.conftest import ROOT
from tests.helpers_cli import kb
from tests.test_lookup_vectors import indexes, run_js  # noqa: F401  (a fixture)

SECRET = "##[error]AADSTS7000215: Invalid client secret provided."


def both(indexes: dict[str, dict[str, Any]], text: str) -> dict[str, Any]:  # noqa: F811
    """The shipped catalogue's lookup of `text` in Python, checked equal to JavaScript's."""
    name = next(n for n in indexes if n.startswith(("shipped/", "snapshot/"))
                and n.endswith("/azure-devops"))
    python = Matcher(indexes[name]).lookup(text).as_json()
    [javascript] = run_js({"indexes": {name: indexes[name]},
                           "queries": [{"index": name, "input": text}]})["lookups"]
    assert javascript == python
    return python


def first(found: dict[str, Any]) -> tuple[str, int]:
    top = found["results"][0]
    return top["entry"], top["line"]


def test_many_short_lines_keep_the_last_lines_and_true_line_numbers(
        indexes: dict[str, dict[str, Any]]) -> None:  # noqa: F811
    lines = MAX_LINES + 10_000
    found = both(indexes, "x\n" * lines + SECRET + "\n")
    assert found["truncated"] and found["lines"] == MAX_LINES
    assert first(found) == ("autoCreatedSecretExpiration", lines + 1)
    crlf = both(indexes, "\r\n" * lines + "\r" + SECRET)
    assert first(crlf) == ("autoCreatedSecretExpiration", lines + 2)


def test_over_a_megabyte_keeps_the_end_cut_at_a_line_start(
        indexes: dict[str, dict[str, Any]]) -> None:  # noqa: F811
    line = "2025-03-12T09:41:07Z Copying file Foo to /home/vsts/work/1/a/Foo \U0001f600\n"
    count = MAX_INPUT // len(line) + 50
    found = both(indexes, line * count + SECRET)
    assert found["truncated"] and first(found) == ("autoCreatedSecretExpiration", count + 1)


@pytest.mark.parametrize("line", [
    "assertion " + "AADSTS70021: No matching federated identity record found for " * 4000,
    "a." * 200_000 + " x://y",
    "error:" * 100_000 + " AADSTS7000215: Invalid client secret provided.",
    "\x1b]" + "x" * 300_000,
    "1," * 100_000 + "x",
], ids=["repeated-message", "scheme-dots", "prefixes", "open-escape", "number-run"])
def test_lines_built_to_backtrack_get_the_answer(
        indexes: dict[str, dict[str, Any]], line: str) -> None:  # noqa: F811
    found = both(indexes, line)
    if "AADSTS70021" in line:
        assert [r["entry"] for r in found["results"]] == ["nomatchingrecord"]
        assert found["results"][0]["kind"] == "code"  # the message itself never completes
    elif "AADSTS7000215" in line:
        assert first(found) == ("autoCreatedSecretExpiration", 1)
    else:
        assert found["results"] == []


def test_a_template_matches_where_a_literal_value_agrees_further_on() -> None:
    # 'status 404' after a 'status 500': the search goes on to the value that matches.
    index = {"format": INDEX_FORMAT, "moniker": "v", "title": "V", "new_entry_url": "",
             "topics": ["t"], "entries": [[0, "e", "E", []]], "codes": [], "common": [],
             "patterns": [[0, "at " + P_ANY + " status " + NUMBER, ["where"], ["404"], "status",
                           5, -1]]}
    line = normalise_line("at a status 500 and status 404")
    found = Matcher(index).search(0, ascii_lower(line.text), line.text, line.values)
    assert found == (("where", "a status 500 and"),)


def reference(template: str, text: str) -> list[tuple[int, int]] | None:
    """What the template's regular expression finds (the matchers' definition)."""
    source, groups = regex_source(template, literal_first=True)
    found = re.compile(source).search(ascii_lower(text))
    return None if found is None else [found.span(g) for g in range(1, len(groups) + 1)]


def segments(template: str, text: str) -> list[tuple[int, int]] | None:
    steps = plan(template)
    values = ["1"] * sum(1 for c in text if "\ue001" <= c <= "\ue007")
    literals = ["1"] * steps.groups.count("l")
    got = Search(steps, ascii_lower(text), text, values, literals).run()
    return None if got is None else [got[g] for g in range(len(steps.groups))]


def test_segments_find_what_the_regular_expression_finds() -> None:
    rng = random.Random(15)
    template_chars = ["a", "b", "A", " ", "'", "_", P_ANY, MASK, P_QUOTED, P_INT, NUMBER, GUID]
    text_chars = ["a", "b", "B", " ", "'", "_", NUMBER, GUID, "x"]
    for _ in range(5000):
        template = "".join(rng.choices(template_chars, k=rng.randint(1, 8)))
        text = "".join(rng.choices(text_chars, k=rng.randint(0, 14)))
        assert segments(template, text) == reference(template, text), (template, text)


def test_clip_counts_code_units_as_javascript_does() -> None:
    text = "\U0001f600" * (MAX_INPUT // 2) + "\nend"
    kept, offset, truncated = clip(text)
    assert truncated and kept == "end" and offset == 1


def test_reading_keeps_a_bounded_tail_and_counts_the_lines_before_it() -> None:
    lines = [f"line {n}\r\n".encode() for n in range(3 * KEEP // 8)]
    data, dropped = read_tail(io.BytesIO(b"".join(lines)))
    assert len(data) <= 2 * KEEP
    text, dropped = decode_tail(data, dropped)
    kept, offset, _ = clip(text)
    first_line = kept.split("\r\n")[0]
    assert first_line == f"line {dropped + offset}"


@pytest.mark.parametrize("name", ["binary", "invalid-utf8", "big-log"])
def test_kb_lookup_answers_any_bytes(tmp_path: Path, name: str) -> None:
    rng = random.Random(7)
    if name == "binary":
        data = rng.randbytes(6 << 20)
    elif name == "invalid-utf8":
        data = (b"\xff\xfe\xc3(\xe2\x82\xed\xa0\x80" * 30 + b"\n") * 4000
    else:
        line = b"2025-03-12T09:41:07.2231846Z Copying file Foo to /home/vsts/work/1/a/Foo\n"
        data = line * ((12 << 20) // len(line)) + SECRET.encode() + b"\n"
    path = tmp_path / name
    path.write_bytes(data)
    run = kb("lookup", "--json", "-f", str(path), cwd=ROOT)
    assert run.code in (0, 1) and "Traceback" not in run.stderr, run.stderr
    if name == "big-log":
        assert run.code == 0
        lines = data.count(b"\n")
        assert f'"line": {lines}' in run.stdout
        assert '"truncated": true' in run.stdout
