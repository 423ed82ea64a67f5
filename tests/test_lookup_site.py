"""The built site: a "paste your error" page and an exported index in every version.

Exact content on the snapshot of the shipped knowledge base; what holds for any valid
catalogue on the live one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.catalogue.resolve import resolve
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.lookup.index import build_index
from generator.features.lookup.match import Matcher
from generator.features.registry import FEATURES
from generator.site.checks import load_checked
from tests.conftest import ROOT
from tests.test_lookup_vectors import run_js

pytestmark = pytest.mark.e2e

ALL = ["tfs-2013", "tfs-2015", "tfs-2017", "tfs-2018", "azure-devops-2019",
       "azure-devops-2020", "azure-devops-2022", "azure-devops"]


def index_of(site: Path, version: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / version / "lookup.json").read_text())
    return data


@pytest.mark.parametrize("version", ALL)
def test_every_version_has_the_page_and_its_index(engine_site: Path, version: str) -> None:
    page = HTMLParser((engine_site / version / "lookup" / "index.html").read_text())
    assert page.css_first("textarea#kb-lookup-input") is not None
    # Named in the page's front matter, linked by the theme from the page's address. The
    # shipped index is below the threshold: loaded whole (tests/test_lookup_pieces.py
    # covers an index in pieces).
    scripts = [s.attributes["src"] for s in page.css("script[src]")
               if "/lookup/" in (s.attributes["src"] or "")]
    assert scripts == ["../assets/lookup/versions.js", "../assets/lookup/lookup-index.js",
                       "../assets/lookup/lookup.js", "../assets/lookup/loader.js",
                       "../assets/lookup/page.js"]
    styles = [s.attributes["href"] for s in page.css("link[rel=stylesheet]")
              if "/lookup/" in (s.attributes["href"] or "")]
    assert styles == ["../assets/lookup/lookup.css"]
    nav = [a.text().strip() for a in page.css("nav.md-nav--primary a.md-nav__link")]
    assert "Paste your error" in nav
    script = (engine_site / version / "assets" / "lookup" / "lookup-index.js").read_text()
    index = index_of(engine_site, version)
    assert script == f"window.KB_LOOKUP_INDEX = {json.dumps(index, separators=(',', ':'))};\n"
    assert index["moniker"] == version
    # From the repo_url the snapshot's configuration sets.
    assert index["new_entry_url"] == \
        "https://github.com/example/kb/issues/new?title={title}&body={body}"


def test_the_page_is_not_in_search(snapshot_site: Path) -> None:
    """The page is left out of the full-text index (no data-pagefind-body on it)."""
    page = (snapshot_site / "azure-devops" / "lookup" / "index.html").read_text()
    assert "data-pagefind-body" not in page
    topic = (snapshot_site / "azure-devops" / "azure-rm-endpoint" / "index.html").read_text()
    assert "data-pagefind-body" in topic


def test_no_propose_link_without_a_repository(shipped_site: Path) -> None:
    """The shipped mkdocs.yml names no repository: no placeholder link is offered."""
    assert index_of(shipped_site, "azure-devops")["new_entry_url"] == ""


def test_each_index_holds_only_its_version(snapshot_site: Path) -> None:
    entries = {v: {e[1] for e in index_of(snapshot_site, v)["entries"]} for v in ALL}
    assert entries["tfs-2013"] == set()
    assert "nomatchingrecord" in entries["azure-devops"]
    assert not [v for v in ALL[:-1] if "nomatchingrecord" in entries[v]]
    assert all("autoCreatedSecretExpiration" in entries[v] for v in ALL[1:])
    topics = index_of(snapshot_site, "azure-devops")["topics"]
    assert topics == ["azure-rm-endpoint", "workload-identity"]


def test_each_live_index_holds_what_its_version_shows(shipped_site: Path) -> None:
    catalogue = load_checked(Project(ROOT), Diagnostics(), FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    for version in catalogue.products.names:
        index = index_of(shipped_site, version)
        view = resolve(catalogue, version)
        expected = {e.id for t in view.topics for e in t.entries
                    if e.messages or e.codes}
        assert {e[1] for e in index["entries"]} <= {e.id for _, e in view.entries()}
        assert {e[1] for e in index["entries"]} >= expected, version
        assert index["topics"] == [t.id for t in view.topics
                                   if any(e.messages or e.codes for e in t.entries)]


def test_the_exported_index_is_what_kb_lookup_uses(shipped_site: Path) -> None:
    diagnostics = Diagnostics()
    catalogue = load_checked(Project(ROOT), diagnostics, FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    for version in catalogue.products.names:
        built = build_index(catalogue, resolve(catalogue, version), version,
                            index_of(shipped_site, version)["new_entry_url"])
        assert index_of(shipped_site, version) == built


def test_both_matchers_read_the_built_index_alike(snapshot_site: Path) -> None:
    index = index_of(snapshot_site, "azure-devops")
    texts = ["##[error]AADSTS70025: Client application has no configured federated identity "
             "credentials. Trace ID: 2e7a9c41-55d0-4b3e-a1f2-9c8d7e6f5a4b",
             "Identity not found", "unknown words only", "7000215"]
    js = run_js({"indexes": {"v": index},
                 "queries": [{"index": "v", "input": t} for t in texts]})["lookups"]
    python = [Matcher(index).lookup(t).as_json() for t in texts]
    assert js == python
    assert [[r["entry"] for r in p["results"]][:1] for p in python] == [
        ["nofederatedcredentials"], ["taskunsupported"], [], ["autoCreatedSecretExpiration"]]


def test_result_links_land_on_anchors_of_the_version(shipped_site: Path) -> None:
    versions = json.loads((shipped_site / "versions.json").read_text())
    for version in [v["version"] for v in versions]:
        index = index_of(shipped_site, version)
        for _topic_index, entry, _title, causes in index["entries"]:
            topic = index["topics"][_topic_index]
            page = HTMLParser((shipped_site / version / topic / "index.html").read_text())
            ids = {n.attributes.get("id") for n in page.css("[id]")}
            assert entry in ids, (version, entry)
            assert {c for c, _ in causes} <= ids, (version, entry)
