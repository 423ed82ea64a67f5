"""Diagnostics: the one message format, sorting, strictness and suggestions."""

from __future__ import annotations

from generator.core.diagnostics import Diagnostic, Diagnostics, Loc, Severity, did_you_mean


def test_format_has_location_severity_subject_message_and_suggestion() -> None:
    item = Diagnostic(Loc("catalogue/a/b.yml", 14, 5), Severity.ERROR, "cause 'guestonly'",
                      "unknown moniker 'tfs2018' in applies_to", "did you mean 'tfs-2018'?")
    assert item.format() == (
        "catalogue/a/b.yml:14:5: error: cause 'guestonly': unknown moniker 'tfs2018' in "
        "applies_to; did you mean 'tfs-2018'?")
    assert Diagnostic(Loc("x.md"), Severity.WARNING, "", "odd").format() == "x.md: warning: odd"
    assert Diagnostic(Loc("x.md", 3), Severity.WARNING, "s", "odd").format() == \
        "x.md:3: warning: s: odd"


def test_github_annotation() -> None:
    item = Diagnostic(Loc("c/b.yml", 2, 7), Severity.WARNING, "entry 'b'", "50% odd\nnext")
    assert item.format_github() == \
        "::warning file=c/b.yml,line=2,col=7::entry 'b': 50%25 odd%0Anext"


def test_sorted_unique_and_strict() -> None:
    found = Diagnostics()
    found.warning(Loc("b.yml", 1, 1), "s", "w")
    found.error(Loc("a.yml", 9, 1), "s", "e2")
    found.error(Loc("a.yml", 2, 3), "s", "e1")
    found.error(Loc("a.yml", 2, 3), "s", "e1")
    assert [d.message for d in found.sorted()] == ["e1", "e2", "w"]
    assert found.fails() and found.has_errors()
    only_warning = Diagnostics()
    only_warning.warning(Loc("b.yml"), "s", "w")
    assert not only_warning.fails() and only_warning.fails(strict=True)


def test_did_you_mean() -> None:
    names = ["tfs-2018", "azure-devops", "azure-devops-2022"]
    assert did_you_mean("tfs2018", names) == "did you mean 'tfs-2018'?"
    assert did_you_mean("Azure-DevOps", names) == "did you mean 'azure-devops'?"
    assert did_you_mean("azure-devop-2022", names) == "did you mean 'azure-devops-2022'?"
    assert did_you_mean("zzz", names) == ""


def test_one_problem_found_twice_keeps_every_related_place() -> None:
    found = Diagnostics()
    found.error(Loc("a.yml", 2, 3), "s", "e", related=(Loc("b.yml", 1, 1),))
    found.error(Loc("a.yml", 2, 3), "s", "e", related=(Loc("c.yml", 4, 5),))
    [only] = found.sorted()
    assert only.related == (Loc("b.yml", 1, 1), Loc("c.yml", 4, 5))
    assert only.paths == ("a.yml", "b.yml", "c.yml")
    assert only.format() == "a.yml:2:3: error: s: e"  # related places never change the text
