"""Realistic logs a reader pastes (tests/fixtures/logs/): the right entry comes first, in
`kb lookup` and on the site's "Paste your error" page alike.

The logs belong to the shipped knowledge base (content tests): each folder's
`expected.json` names the entry a log must find, as `topic/entry`, and the version the
reader runs. At least 95% must find it first; the misses are printed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.catalogue.model import Catalogue
from generator.catalogue.resolve import resolve
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.lookup.index import build_index
from generator.features.lookup.match import Matcher
from generator.features.registry import FEATURES
from generator.site.checks import load_checked
from tests.conftest import FIXTURES, ROOT
from tests.helpers import LOOKUP_DONE
from tests.helpers_cli import kb

LOGS = FIXTURES / "logs"
GOAL = 0.95


def cases() -> list[tuple[Path, str, str]]:
    """(log file, expected 'topic/entry', version), for every log of every folder."""
    found = []
    for listing in sorted(LOGS.glob("*/expected.json")):
        for name, want in sorted(json.loads(listing.read_text(encoding="utf-8")).items()):
            found.append((listing.parent / name, want["entry"], want["version"]))
    return found


def share(results: dict[Path, str | None]) -> tuple[float, list[str]]:
    expected = {path: entry for path, entry, _ in cases()}
    misses = [f"{path.relative_to(LOGS)}: expected {expected[path]}, found {got}"
              for path, got in results.items() if got != expected[path]]
    return 1 - len(misses) / len(results), misses


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    diagnostics = Diagnostics()
    found = load_checked(Project(ROOT), diagnostics, FEATURES, markdown=False, jobs=1)
    assert found is not None, [d.format() for d in diagnostics.sorted()]
    return found


def test_every_log_names_an_entry_of_its_version(catalogue: Catalogue) -> None:
    assert len(cases()) >= 60
    for path, entry, version in cases():
        assert path.is_file(), path
        topic_id, _, entry_id = entry.partition("/")
        view = resolve(catalogue, version)
        assert any(t.id == topic_id and e.id == entry_id for t, e in view.entries()), \
            f"{path.name}: {entry} is not in version {version}"


def test_the_python_matcher_finds_the_right_entry_first(catalogue: Catalogue) -> None:
    matchers: dict[str, Matcher] = {}
    results: dict[Path, str | None] = {}
    for path, _, version in cases():
        if version not in matchers:
            matchers[version] = Matcher(build_index(catalogue, resolve(catalogue, version),
                                                    version, ""))
        found = matchers[version].lookup(path.read_text(encoding="utf-8")).results
        results[path] = f"{found[0].topic}/{found[0].entry}" if found else None
    ratio, misses = share(results)
    print(f"kb lookup: {len(results) - len(misses)} of {len(results)} logs find their "
          f"entry first ({ratio:.1%})", *misses, sep="\n")
    assert ratio >= GOAL, misses


def test_kb_lookup_on_the_command_line_agrees() -> None:
    # A few logs through the real command: the same matcher, file input, --json.
    for path, entry, version in cases()[::20]:
        run = kb("lookup", "-f", str(path), "--version", version, "--json", "--limit", "1",
                 cwd=ROOT)
        assert run.code == 0, run.stderr
        first = json.loads(run.stdout)["results"][0]
        assert f"{first['topic']}/{first['entry']}" == entry, path.name


PASTE_EACH = """async (logs) => {
    const input = document.getElementById("kb-lookup-input");
    const done = __DONE__;
    const out = [];
    for (const log of logs) {
        input.value = log;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        document.getElementById("kb-lookup-submit").click();
        while (!done()) await new Promise(resolve => setTimeout(resolve, 5));
        const link = document.querySelector(".kb-lookup__link");
        out.push(link ? link.getAttribute("href") : null);
    }
    return out;
}""".replace("__DONE__", LOOKUP_DONE)


@pytest.mark.browser
def test_the_paste_your_error_page_finds_the_right_entry_first(browser: Any,
                                                               site_url: str) -> None:
    page = browser.new_page()
    results: dict[Path, str | None] = {}
    try:
        for version in sorted({v for _, _, v in cases()}):
            page.goto(f"{site_url}{version}/lookup/")
            page.wait_for_selector("html[data-kb-lookup='ready']", state="attached")
            logs = [path for path, _, log_version in cases() if log_version == version]
            # Each log as a reader gives it: put in the box (its text, and the input event a
            # paste fires), then the "Find the fix" button clicked (the click submits the
            # form); the first result's link once the status says the search is done. One
            # call for the version's logs: the page's own code does the work, without the
            # driver's round trips for each log (other tests click and type: lookup_browser).
            hrefs = page.evaluate(PASTE_EACH, [p.read_text(encoding="utf-8") for p in logs])
            for path, href in zip(logs, hrefs, strict=True):
                # "../topic/#entry" -> "topic/entry"
                results[path] = (href.strip("./").replace("/#", "/") if href else None)
    finally:
        page.close()
    ratio, misses = share(results)
    print(f"Paste your error: {len(results) - len(misses)} of {len(results)} logs find "
          f"their entry first ({ratio:.1%})", *misses, sep="\n")
    assert ratio >= GOAL, misses
