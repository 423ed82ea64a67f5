"""The decision tree per version: derived and authored questions, pruning, the walk rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalogue.model import Catalogue
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.core.versions import describe_versions, parse_range
from generator.features.registry import FEATURES
from generator.features.tree.derive import (
    NONE_KEY,
    ROOT,
    CauseEnd,
    DecisionTree,
    NotCovered,
    Question,
    derive,
    label_key,
)
from generator.features.tree.walk import Walk, filter_messages
from generator.site.checks import load_checked
from tests.conftest import FIXTURES
from tests.conftest import ROOT as REPO_ROOT
from tests.helpers import shipped_like_products
from tests.helpers_cli import fixture_repo

WALK = FIXTURES / "tree" / "walk"


def catalogue_of(repo: Path) -> Catalogue:
    """The catalogue of `repo`, which must validate. Its DocFX Markdown and its rendered
    pages are not checked here, as kb build does not check them before rendering (the
    shipped catalogue's are: tests/test_repository.py runs kb check --strict on it)."""
    diagnostics = Diagnostics()
    catalogue = load_checked(Project(repo), diagnostics, FEATURES, markdown=False, jobs=1)
    assert catalogue is not None, [d.format() for d in diagnostics.items]
    return catalogue


@pytest.fixture(scope="module")
def walk_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    return catalogue_of(fixture_repo(tmp_path_factory.mktemp("walk"), WALK))


def shape(tree: DecisionTree, node_id: str) -> list[tuple[str, str]]:
    """(key, target) of a node's answers."""
    node = tree.nodes[node_id]
    assert isinstance(node, (Question, NotCovered))
    return [(c.key, c.target) for c in node.choices]


def test_derived_questions_ask_each_cause_check_in_order(tmp_path: Path) -> None:
    tree = derive(catalogue_of(fixture_repo(tmp_path)), "demo-3")
    assert shape(tree, ROOT) == [("disk-full", "q:demo/disk-full/logs"), (NONE_KEY, "n:start")]
    question = tree.nodes["q:demo/disk-full/logs"]
    assert isinstance(question, Question)
    assert question.text == "Does the log folder hold more than 1 GB?"
    assert shape(tree, "q:demo/disk-full/logs") == [("yes", "c:demo/logs"),
                                                   ("no", "n:demo/disk-full")]
    end = tree.nodes["c:demo/logs"]
    assert isinstance(end, CauseEnd) and end.cause.id == "logs"
    # Where no cause matched, the error's causes stay at hand, to read anyway.
    assert shape(tree, "n:demo/disk-full") == [("logs", "c:demo/logs")]
    assert tree.root.text == "Which message do you see?"
    assert [c.label for c in tree.root.choices] == ["No space left on device",
                                                    "My message isn't in this list"]


def test_causes_outside_the_version_are_pruned(walk_catalogue: Catalogue) -> None:
    older = derive(walk_catalogue, "demo-1")
    newer = derive(walk_catalogue, "demo-2")
    assert shape(older, "q:demo/disk-full/logs")[1] == ("no", "n:demo/disk-full")
    assert shape(newer, "q:demo/disk-full/logs")[1] == ("no", "q:demo/disk-full/tmp")
    assert "c:demo/tmp" not in older.nodes and "c:demo/tmp" in newer.nodes


def test_authored_node_replaces_the_entry_questions_and_follows_versions(
        walk_catalogue: Catalogue) -> None:
    trees = {m: derive(walk_catalogue, m) for m in ("demo-1", "demo-2", "demo-3")}
    starts = {m: dict(shape(t, ROOT))["service-down"] for m, t in trees.items()}
    # In demo-1 only "No" is left at the first authored question: it is skipped.
    assert starts == {"demo-1": "q:demo/config-check", "demo-2": "q:demo/service-down",
                      "demo-3": "q:demo/service-down"}
    assert "q:demo/service-down" not in trees["demo-1"].nodes
    assert [k for k, _ in shape(trees["demo-2"], "q:demo/service-down")] == ["yes", "no"]
    assert shape(trees["demo-3"], "q:demo/service-down") == [
        ("yes", "c:demo/port"), ("no", "q:demo/config-check"), ("no-log", "q:demo/where-log")]
    assert "q:demo/where-log" not in trees["demo-2"].nodes
    # An authored "not covered" end with a note is its own end; one without uses the entry's.
    assert shape(trees["demo-3"], "q:demo/where-log")[1] == \
        ("no", "n:demo/service-down/where-log/no")
    assert shape(trees["demo-3"], "q:demo/config-check")[1] == ("no", "n:demo/service-down")


def test_every_node_is_reachable_and_listed_once(walk_catalogue: Catalogue) -> None:
    tree = derive(walk_catalogue, "demo-3")
    targets = {c.target for node in tree.nodes.values()
               if isinstance(node, (Question, NotCovered)) for c in node.choices}
    assert set(tree.nodes) == targets | {ROOT}
    assert next(iter(tree.nodes)) == ROOT


def test_a_version_without_tree_says_so(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    topic = repo / "catalogue" / "demo" / "_topic.yml"
    topic.write_text(topic.read_text() + 'applies_to: ">= demo-2"\n')
    (repo / "content" / "index.md").write_text("# Demo\n\nErrors of the demo product.\n")
    catalogue = catalogue_of(repo)
    tree = derive(catalogue, "demo-1")
    assert tree.empty
    assert tree.missing == ("Troubleshoot the demo: no decision tree for Demo 1; this topic "
                            "covers Demo 2 to Demo 3.",)
    assert not derive(catalogue, "demo-2").empty


def test_the_shipped_tree_reaches_every_cause_in_every_version() -> None:
    catalogue = catalogue_of(REPO_ROOT)
    for moniker in catalogue.products.names:
        tree = derive(catalogue, moniker)
        reached = {n.cause.id for n in tree.nodes.values() if isinstance(n, CauseEnd)}
        causes = {c.id for t in catalogue.topics if moniker in t.applies_to
                  for e in t.entries if moniker in e.applies_to and not e.retired
                  for c in e.causes if moniker in c.applies_to}
        assert reached == causes, moniker
        assert tree.empty == (not causes), moniker


def test_answer_keys_come_from_labels() -> None:
    assert label_key("I can't find the log") == "i-can-t-find-the-log"
    assert label_key("Yes") == "yes"
    assert label_key("A very long answer that goes on and on about the details") == \
        "a-very-long-answer-that-goes-on"
    assert label_key("???") == "answer"


def test_version_runs_read_as_ranges() -> None:
    products = shipped_like_products()
    assert describe_versions(parse_range(">= tfs-2015", products), products) == \
        "TFS 2015 to Azure DevOps Services"
    assert describe_versions(parse_range("tfs-2013 || >= azure-devops-2022", products),
                             products) == \
        "TFS 2013, Azure DevOps Server 2022 to Azure DevOps Services"


def test_going_back_keeps_later_answers(walk_catalogue: Catalogue) -> None:
    walk = Walk(derive(walk_catalogue, "demo-3"))
    walk = walk.choose("service-down").choose("no").choose("yes")
    assert isinstance(walk.node, CauseEnd) and walk.node.cause.id == "config"
    back = walk.back().back()
    assert back.keys() == ["service-down"] and back.earlier == "no"
    assert [s.key for s in back.trail] == ["service-down", "no", "yes"]
    # The same answer again: the later one is still there, ready to go forward.
    again = back.choose("no")
    assert again.earlier == "yes" and again.choose("yes").node == walk.node


def test_a_new_answer_keeps_later_answers_that_are_still_valid(
        walk_catalogue: Catalogue) -> None:
    walk = Walk(derive(walk_catalogue, "demo-3"))
    walk = walk.choose("service-down").choose("no").choose("yes").back().back()
    other = walk.choose("no-log")  # a question not seen before: nothing to keep yet
    assert other.keys() == ["service-down", "no-log"] and other.earlier == ""
    # ... and after it, the question answered before comes back with its answer.
    joined = other.choose("yes")
    assert isinstance(joined.node, Question) and joined.node.id == "q:demo/config-check"
    assert joined.earlier == "yes"
    assert [s.key for s in joined.trail] == ["service-down", "no-log", "yes", "yes"]
    assert joined.numbers() == [2, 3, 1]
    fresh = joined.restart().choose("service-down").choose("no")
    assert fresh.earlier == ""


def test_numbers_pick_answers_in_the_order_shown(walk_catalogue: Catalogue) -> None:
    walk = Walk(derive(walk_catalogue, "demo-2")).number(1).number(2).number(1)
    assert isinstance(walk.node, CauseEnd) and walk.node.cause.id == "tmp"
    with pytest.raises(IndexError):
        Walk(walk.tree).number(4)


# Shared with the browser test, which checks that the page's filter agrees.
FILTER_VECTORS = [
    ("", ["disk-full", "service-down"]),
    ("no space", ["disk-full"]),
    ("  NO   SPACE left ", ["disk-full"]),
    ("Service web failed to start", ["service-down"]),
    ("2024-01-01 error: Service api failed to start (see log)", ["service-down"]),
    ("DEMO0003", ["service-down"]),
    ("exit code 3", ["service-down"]),
    ("disk full", ["disk-full"]),
    ("failed start", ["service-down"]),
    ("zzz", []),
]


@pytest.mark.parametrize(("query", "expected"), FILTER_VECTORS)
def test_message_filter(walk_catalogue: Catalogue, query: str, expected: list[str]) -> None:
    root = derive(walk_catalogue, "demo-3").root
    found = [c.key for c, ok in zip(root.choices, filter_messages(root.choices, query),
                                    strict=True) if ok]
    assert found == [*expected, NONE_KEY]
