"""`kb check` on the lookup's checks: placeholders, general or shadowed messages, samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalogue.resolve import resolve
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.lookup.checks import witness
from generator.features.lookup.index import build_index
from generator.features.lookup.match import Matcher
from generator.features.lookup.pattern import normalise_line, split_lines
from generator.features.registry import FEATURES
from generator.site.checks import load_checked
from tests.conftest import FIXTURES, ROOT
from tests.golden import assert_golden
from tests.helpers_cli import check_transcript, entries_alike_but_for_a_number, fixture_repo, kb

SCENARIOS = sorted(p for p in (FIXTURES / "lookup" / "check").iterdir() if p.is_dir())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_check_scenario(scenario: Path, tmp_path: Path, update_golden: bool) -> None:
    code, text = check_transcript(scenario, tmp_path)
    assert code == 1
    assert_golden(text, scenario / "expected.txt", update_golden)


def test_the_vectors_fixture_is_valid(tmp_path: Path) -> None:
    run = kb("check", "--strict", cwd=fixture_repo(tmp_path, FIXTURES / "lookup" / "vectors"))
    assert (run.code, run.stderr) == (0, "kb check: catalogue is valid\n")


@pytest.fixture(scope="module")
def shipped() -> object:
    diagnostics = Diagnostics()
    catalogue = load_checked(Project(ROOT), diagnostics, FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    assert not diagnostics.errors, [d.format() for d in diagnostics.sorted()]
    return catalogue


def test_every_shipped_entry_with_a_message_or_code_has_samples(shipped: object) -> None:
    missing = [e.id for _, e in shipped.entries()  # type: ignore[attr-defined]
               if (e.messages or e.codes) and not e.samples]
    assert missing == []


def test_every_shipped_sample_finds_its_entry_first_in_every_version(shipped: object) -> None:
    """The conformance run, through the same matcher as `kb lookup` and the site."""
    catalogue = shipped
    checked: set[str] = set()
    wrong = []
    for moniker in catalogue.products.names:  # type: ignore[attr-defined]
        view = resolve(catalogue, moniker)  # type: ignore[arg-type]
        matcher = Matcher(build_index(catalogue, view, moniker))  # type: ignore[arg-type]
        for topic in view.topics:
            for entry in topic.entries:
                for sample in entry.samples:
                    if moniker not in sample.applies_to:
                        continue
                    checked.add(entry.id)
                    found = [r.entry for r in matcher.lookup(sample.text).results]
                    if found[:1] != [entry.id]:
                        wrong.append((moniker, entry.id, sample.text[:60], found[:3]))
                for sample in entry.not_samples:
                    results = matcher.lookup(sample.text).results
                    hit = [r for r in results if r.entry == entry.id and r.kind != "fuzzy"]
                    if hit:
                        wrong.append((moniker, entry.id, sample.text[:60], "not_sample"))
    assert wrong == []
    # Every entry with samples had them looked up (in the versions they apply to).
    assert checked == {e.id for _, e in catalogue.entries()  # type: ignore[attr-defined]
                       if e.samples}


def test_witness_fills_each_placeholder_by_type() -> None:
    text = "Get {a} {b:guid} {c:int} {d:url} {e:path} {f:quoted} {{literal}}"
    fill = {"": "x", "guid": "g", "int": "1", "url": "u", "path": "p", "quoted": "'q'"}
    assert witness(text, fill) == "Get x g 1 u p 'q' {literal}"


def test_messages_that_differ_only_in_a_number_are_each_checked_against_their_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages alike but for a number (a volume, a status code): the number is a value of
    the text, not a word, so every message has the same words. The check still finds each
    sample's own entry, and runs a text only against the messages that have its numbers:
    its work grows with the messages, not with their square."""
    repo = fixture_repo(tmp_path)
    count = 60
    entries_alike_but_for_a_number(repo, count, first=100)
    searched: list[int] = []
    search = Matcher.search

    def counted(self: Matcher, number: int, *args: object) -> object:
        searched.append(number)
        return search(self, number, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Matcher, "search", counted)
    diagnostics = Diagnostics()
    catalogue = load_checked(Project(repo), diagnostics, FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    assert not diagnostics.errors, [d.format() for d in diagnostics.sorted()]
    assert 0 < len(searched) <= 10 * count, len(searched)
    view = resolve(catalogue, "demo-3")
    matcher = Matcher(build_index(catalogue, view, "demo-3"))
    for n in (0, 17, count - 1):
        lines = [normalise_line(raw) for raw in split_lines(f"error: Volume {n + 100} is full")]
        found = {m.entry for m in matcher.matches(lines, fuzzy=False) if m.kind != "code"}
        entries = [row[1] for row in matcher.index["entries"]]
        assert [entries[e] for e in found] == [f"full-{n:04d}"]
