"""Render: golden Markdown of every version of a fixture catalogue that uses every field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator.catalogue.model import Link
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.registry import FEATURES
from generator.site.checks import load_checked
from generator.site.render import heading, heading_text, link_target
from generator.site.trees import render_trees
from tests.conftest import FIXTURES, ROOT
from tests.golden import assert_golden
from tests.helpers_cli import fixture_repo, kb

RICH = FIXTURES / "catalogues" / "rich"
GOLDEN = ROOT / "tests" / "golden" / "render"


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    # A copy: checking a project keeps work in its build/ folder.
    repo = tmp_path_factory.mktemp("render") / "rich"
    shutil.copytree(RICH, repo)
    project = Project(repo)
    diagnostics = Diagnostics()
    catalogue = load_checked(project, diagnostics, FEATURES, jobs=1)
    assert catalogue is not None, [d.format() for d in diagnostics.sorted()]
    rendered, problems = render_trees(project, catalogue, FEATURES, jobs=1)
    assert not problems, [d.format() for d in problems.sorted()]
    return {tree.moniker: tree.files for tree in rendered}


@pytest.mark.parametrize("moniker", ["demo-1", "demo-2", "demo-3"])
def test_every_page_matches_its_golden_file(trees: dict[str, dict[str, bytes]], moniker: str,
                                            update_golden: bool) -> None:
    files = trees[moniker]
    pages = sorted(path for path in files if path.endswith(".md"))
    expected_dir = GOLDEN / moniker
    if not update_golden:
        assert pages == sorted(p.name for p in expected_dir.glob("*.md"))
    for page in pages:
        assert_golden(files[page].decode(), expected_dir / page, update_golden)


def test_versions_differ_where_ranges_say(trees: dict[str, dict[str, bytes]]) -> None:
    one, two, three = (trees[m]["demo.md"].decode() for m in ("demo-1", "demo-2", "demo-3"))
    assert "Sample" in one and "Sample" not in two  # include inside a zone
    assert "demo clean" not in one and "demo clean" in two  # ranged step
    assert "Move the logs" in three and "Move the logs" not in two  # ranged fix
    assert "{ #timeout }" in two and "timeout" not in three  # ranged entry
    assert "faq.md" not in trees["demo-1"] and "faq.md" in trees["demo-2"]  # page range


def test_retired_entries_come_last_with_their_note(trees: dict[str, dict[str, bytes]]) -> None:
    page = trees["demo-2"]["demo.md"].decode()
    assert page.index("{ #legacy }") > page.index("{ #timeout }")
    assert '!!! warning "Retired"' in page
    # The list of errors names active entries only.
    errors = page.split("{ #errors }")[1].split("\n## ")[0]
    assert "#legacy" not in errors and "#disk-full" in errors


def test_headings_escape_attribute_syntax() -> None:
    assert heading_text("Use {name} # here") == "Use &#123;name&#125; &#35; here"
    assert heading(2, "Title", "id", ["old"]) == '<a id="old"></a>\n\n## Title { #id }'


def test_link_targets() -> None:
    from generator.core.diagnostics import Loc
    from generator.core.versions import Range

    everywhere = Range("", frozenset({"a"}))
    loc = Loc("x.yml", 1, 1)
    assert link_target(Link("t", loc, everywhere, url="https://x.org/"), "p.md") == \
        "https://x.org/"
    assert link_target(Link("t", loc, everywhere, ref="#a"), "p.md") == "#a"
    assert link_target(Link("t", loc, everywhere, ref="p#a"), "p.md") == "#a"
    assert link_target(Link("t", loc, everywhere, ref="other#a"), "p.md") == "other.md#a"
    assert link_target(Link("t", loc, everywhere, ref="faq.md"), "p.md") == "faq.md"


@pytest.mark.parametrize(("version", "hint"), [
    ("demo2", "did you mean 'demo-2'?"),
    ("demo-4", "the versions are, oldest first: demo-1, demo-2, demo-3"),
])
def test_an_unknown_version_is_named_with_a_hint(tmp_path: Path, version: str,
                                                 hint: str) -> None:
    run = kb("render", "--version", version, "--out", str(tmp_path / "out"),
             cwd=fixture_repo(tmp_path))
    assert (run.code, run.stderr) == (2, f"kb render: error: unknown version '{version}'; "
                                         f"{hint}\n")
    assert not (tmp_path / "out").exists()


# Steps that end in a block, each followed by another step.
BLOCK_STEPS = """\
          - |
            Open the log folder:

            ```console
            ls /var/log/demo
            ```
          - |
            Check these:

            - the size
            - the dates
          - |
            Compare the sizes:

            | Folder | Size |
            |---|---|
            | logs | 2 GB |
          - |
            Read the warning:

            > The disk fills again within a day.
          - "Keep the first line\\\\\\nand the second (a hard line break), then"
          - Open the log folder.
"""


def test_a_step_that_ends_in_a_block_leaves_the_next_step_its_own(tmp_path: Path) -> None:
    """A code block, a list, a table or a quote at the end of a step, then the next step:
    the built page shows every step as an item of the fix's list, in order, and the text
    of none in the one before it."""
    repo = fixture_repo(tmp_path)
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    text = entry.read_text()
    assert "          - Open the log folder.\n" in text
    entry.write_text(text.replace("          - Open the log folder.\n", BLOCK_STEPS))
    build = kb("build", cwd=repo)
    assert build.code == 0, build.stderr
    page = LexborHTMLParser((repo / "site" / "demo-1" / "demo" / "index.html").read_text())
    steps = page.css_first("h4#logs-delete-old-logs + ol")
    assert steps is not None
    items = [" ".join(li.text().split()) for li in steps.iter() if li.tag == "li"]
    assert [item.split()[0] for item in items] == [
        "Open", "Check", "Compare", "Read", "Keep", "Open", "Delete"]
    assert items[1] == "Check these: the size the dates"
    assert items[2].endswith("logs 2 GB") and items[3].endswith("within a day.")
    assert not [item for item in items if "1." in item]
    hard = [li for li in steps.iter() if li.tag == "li"][4]
    assert hard.css("br") and "\\" not in hard.text()
