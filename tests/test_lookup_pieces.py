"""The lookup index in pieces: the loader (loader.js) ranks as the whole index does,
loads only part of it for a query, and a site whose index is past the threshold works in
the browser, over HTTP and from file://."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.features.lookup import pieces
from tests.conftest import ROOT, SNAPSHOT, build_repo, copy_repo
from tests.test_lookup_vectors import VECTORS

HARNESS = ROOT / "tests" / "js" / "lookup_pieces.js"


def run(index: dict[str, Any], files: dict[str, bytes], queries: list[str]) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "node is required for the lookup tests"
    request = {"index": index, "files": {k: v.decode() for k, v in files.items()},
               "queries": queries, "limit": 10}
    proc = subprocess.run([node, str(HARNESS)], input=json.dumps(request), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out: dict[str, Any] = json.loads(proc.stdout)
    return out


def queries_for(index: dict[str, Any]) -> list[str]:
    """Pasted logs of the shared vectors, every message with its variable parts filled,
    fragments of messages, codes alone and their digits."""
    out = [case["input"] for case in VECTORS["lookups"]]
    for pattern in index["patterns"]:
        text = re.sub("[\ue010-\ue015]", "value-1234", pattern[1])
        out.append(text)
        words = text.split()
        if len(words) > 4:
            out.append(" ".join(words[1:4]))
    for code, _entry in index["codes"]:
        out.append(code.upper())
        digits = re.search(r"[a-z](\d{4,})$", code)
        if digits:
            out.append(digits.group(1))
    return out


@pytest.fixture(scope="module")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from generator.catalogue.resolve import resolve
    from generator.core.diagnostics import Diagnostics
    from generator.core.project import Project
    from generator.features.lookup.index import build_index
    from generator.features.registry import FEATURES
    from generator.site.checks import load_checked

    catalogue = load_checked(Project(ROOT), Diagnostics(), FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    return build_index(catalogue, resolve(catalogue, "azure-devops"), "azure-devops",
                       "https://example.org/new?title={title}&body={body}")


def test_small_indexes_stay_whole(shipped_index: dict[str, Any]) -> None:
    assert pieces.files(shipped_index, threshold=10**9) == {}


def test_pieces_rank_exactly_as_the_whole_index(shipped_index: dict[str, Any]) -> None:
    files = pieces.files(shipped_index, threshold=0, piece_bytes=6000)
    queries = queries_for(shipped_index)
    out = run(shipped_index, files, queries)
    differ = [q for q, a, b in zip(queries, out["whole"], out["pieces"], strict=True) if a != b]
    assert differ == []
    assert len(queries) > 100


def test_a_code_loads_a_small_part(shipped_index: dict[str, Any]) -> None:
    files = pieces.files(shipped_index, threshold=0, piece_bytes=6000)
    code = shipped_index["codes"][len(shipped_index["codes"]) // 2][0].upper()
    out = run(shipped_index, files, [code])
    loaded = out["loaded"][0]
    parts = [name for name in files if name != pieces.MANIFEST]
    assert 0 < len(loaded) <= 3 < len(parts)
    assert sum(len(files[n]) for n in loaded) < sum(len(files[n]) for n in parts) / 4


def test_pieces_are_deterministic(shipped_index: dict[str, Any]) -> None:
    assert pieces.files(shipped_index, threshold=0) == pieces.files(shipped_index, threshold=0)


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The snapshot of the shipped knowledge base built with a threshold that splits every
    index."""
    repo = copy_repo(tmp_path_factory.mktemp("pieces") / "repo", SNAPSHOT)
    settings = repo / "mkdocs.yml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"lookup_pieces_above: \d+", "lookup_pieces_above: 0", text),
                        encoding="utf-8")
    return build_repo(repo)


@pytest.mark.browser
@pytest.mark.e2e
def test_the_page_and_the_search_box_use_the_pieces_from_disk(browser: Any,
                                                               split_site: Path) -> None:
    version = split_site / "azure-devops"
    assert (version / "assets" / "lookup" / "pieces" / "manifest.js").is_file()
    context = browser.new_context()
    try:
        context.route(re.compile(r"^https?://"), lambda route: route.abort())
        tab = context.new_page()
        loaded: list[str] = []
        tab.on("request", lambda r: loaded.append(r.url))
        tab.goto((version / "lookup" / "index.html").as_uri())
        # The page loads the manifest, not the index; what a text needs comes when it is
        # pasted (pieces, or the whole index when they would outweigh it, as here: the
        # snapshot's index is small; test_a_code_loads_a_small_part measures the pieces).
        assert [u for u in loaded if u.endswith("/pieces/manifest.js")]
        assert not [u for u in loaded if u.endswith("lookup-index.js")]
        tab.fill("#kb-lookup-input", "AADSTS7000215")
        tab.click("#kb-lookup-submit")
        first = tab.locator(".kb-lookup__result a").first
        first.wait_for()
        assert (first.get_attribute("href") or "").endswith(
            "azure-rm-endpoint/index.html#autoCreatedSecretExpiration")
        tab.fill("#kb-lookup-input", "AADSTS7000215: Invalid client secret is provided.")
        tab.click("#kb-lookup-submit")
        tab.wait_for_function("() => document.querySelector('.kb-lookup__result a') && "
                              "document.querySelector('.kb-lookup__result a').getAttribute("
                              "'href').endsWith('#autoCreatedSecretExpiration')")
        tab.goto((version / "index.html").as_uri())
        # The search box names the index's first file: the manifest of the pieces.
        assert tab.locator(".kb-search").get_attribute("data-kb-lookup") == "pieces/manifest.js"
        loaded.clear()
        links = tab.evaluate("q => window.KBSearch.run(q)", "insuficient privilages")
        assert links and links[0].endswith("azure-rm-endpoint/index.html#privileges")
        assert [u for u in loaded if u.endswith("/pieces/manifest.js")]
    finally:
        context.close()


def test_an_unchanged_index_takes_its_pieces_from_the_cache(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The pieces of a version's index are made once and kept (a build keeps them under
    build/cache/): the same index (most edits change no message) takes them from there;
    another index, or a damaged slot, makes them again."""
    from generator.catalogue.resolve import resolve
    from generator.core.cache import Slots
    from generator.core.diagnostics import Diagnostics
    from generator.core.project import Project
    from generator.features.lookup import site as lookup_site
    from generator.features.registry import FEATURES
    from generator.site.checks import load_checked

    repo = copy_repo(tmp_path / "repo", SNAPSHOT)
    project = Project(repo)
    catalogue = load_checked(project, Diagnostics(), FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    first, second = catalogue.products.names[0], catalogue.products.names[-1]
    settings = {"extra": {"kb": {"lookup_pieces_above": 0}}}
    kept = Slots(tmp_path / "kept")
    made: list[str] = []
    split = pieces.split

    def counted(index: dict[str, Any], *args: Any) -> Any:
        made.append(index["moniker"])
        return split(index, *args)

    monkeypatch.setattr(pieces, "split", counted)

    def files(moniker: str, view_of: str) -> dict[str, bytes]:
        contribution = lookup_site.contribute(project, catalogue, resolve(catalogue, view_of),
                                              moniker, settings, kept)
        return {k: v for k, v in contribution.files.items()
                if k.startswith("assets/lookup/pieces/")}

    made_first = files(first, first)
    assert pieces.MANIFEST in made_first and made == [first]
    assert files(first, first) == made_first and made == [first]
    made_second = files(second, second)
    assert made == [first, second]
    assert files(second, second) == made_second and files(first, first) == made_first
    assert made == [first, second]
    # Another index under the same version's name: made again, and kept in its place.
    other = files(first, second)
    assert made == [first, second, first]
    assert other != made_first
    with monkeypatch.context() as plain:
        plain.setattr(pieces, "split", split)
        assert other == pieces.files(lookup_site.build_index(
            catalogue, resolve(catalogue, second), first, ""), 0)
    assert files(first, first) == made_first and made == [first, second, first, first]
    for slot in (tmp_path / "kept").iterdir():
        slot.write_bytes(slot.read_bytes()[:-7])
    assert files(second, second) == made_second
    assert made == [first, second, first, first, second]
