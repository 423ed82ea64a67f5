"""Links and images written in an include resolve relative to the include file (as DocFX
resolves them), in `kb check` as in the rendered page."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES
from tests.helpers_cli import fixture_repo, kb

OVERLAY = FIXTURES / "docfx_include_links"


def test_kb_check_reads_an_includes_links_relative_to_the_include(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path, OVERLAY)
    run = kb("check", cwd=repo)
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    # `../media/icon.png` and `../other.md#other-page` are right from includes/; the page
    # itself is one folder up, where they would not exist. `missing.md` is missing next to
    # the include, and is reported there, at its line and column.
    assert errors == [
        "content/guide/includes/steps.md:5:33: error: link 'missing.md': page "
        "'guide/includes/missing.md' does not exist in any version it shows in; paths in an "
        "include are relative to the include, content/guide/includes/steps.md"], run.stderr
    assert run.code == 1


def test_the_built_page_has_the_includes_targets_rebased(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path, OVERLAY)
    (repo / "content" / "guide" / "includes" / "steps.md").write_text(
        "## Steps\n\n1. Select the ![key icon](../media/icon.png) icon.\n"
        "2. Read [the other page](../other.md#other-page) first.\n", encoding="utf-8")
    assert kb("check", "--strict", cwd=repo).code == 0
    run = kb("build", cwd=repo)
    assert run.code == 0, run.stderr
    text = (repo / "site" / "demo-3" / "guide" / "page" / "index.html").read_text(
        encoding="utf-8")
    assert 'src="../media/icon.png"' in text
    assert 'href="../other/#other-page"' in text
    assert kb("check-links", "--strict", cwd=repo).code == 0
