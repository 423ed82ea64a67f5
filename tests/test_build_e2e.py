"""A knowledge base built for every version: anchors, zones, absences.

Exact content is checked on the snapshot of the shipped knowledge base (tests/fixtures/
catalogues/snapshot); what must hold for any valid catalogue is checked on the live one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.catalogue.resolve import resolve
from generator.catalogue.validate import project_products
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.registry import FEATURES
from generator.site.checks import load_checked
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e

ALL = ["tfs-2013", "tfs-2015", "tfs-2017", "tfs-2018", "azure-devops-2019",
       "azure-devops-2020", "azure-devops-2022", "azure-devops"]
WITH_TOPIC = ALL[1:]
SEED_ANCHORS = ["whathappens", "troubleshoot", "privileges", "guestonly", "notauthtoadd",
                "sessionexpired", "contributorrole"]
PAGE = "azure-rm-endpoint/index.html"


def html(site: Path, version: str, page: str = PAGE) -> HTMLParser:
    return HTMLParser((site / version / page).read_text(encoding="utf-8"))


def article_text(site: Path, version: str, page: str = PAGE) -> str:
    node = html(site, version, page).css_first("article")
    assert node is not None
    return " ".join(node.text().split())


def ids(tree: HTMLParser) -> set[str]:
    found = {n.attributes.get("id") for n in tree.css("[id]")}
    found |= {n.attributes.get("name") for n in tree.css("a[name]")}
    return {i for i in found if i}


def search_locations(site: Path, version: str) -> list[str]:
    """Pages and sections the version's full-text index (Pagefind) leads to."""
    import gzip

    out = []
    for path in sorted((site / version / "pagefind" / "fragment").iterdir()):
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        url = data["url"].lstrip("/")
        out.append(url)
        out += [f"{url}#{anchor['id']}" for anchor in data["anchors"]]
    return out


@pytest.mark.parametrize("version", WITH_TOPIC)
def test_seed_anchors_resolve_in_every_version(snapshot_site: Path, version: str) -> None:
    missing = [a for a in SEED_ANCHORS if a not in ids(html(snapshot_site, version))]
    assert missing == []


@pytest.mark.parametrize("version", WITH_TOPIC)
def test_entry_and_cause_headings_carry_their_catalogue_ids(
        snapshot_site: Path, version: str) -> None:
    tree = html(snapshot_site, version)
    heading_ids = {n.attributes.get("id") for n in tree.css("h2, h3")}
    assert {"privileges", "guestonly", "notauthtoadd", "sessionexpired",
            "contributorrole"} <= heading_ids
    # The permalink next to a heading and the table of contents use the same id.
    assert tree.css_first('h2#privileges a.headerlink').attributes["href"] == "#privileges"
    toc = {n.attributes.get("href") for n in tree.css("nav.md-nav--secondary a")}
    assert "#privileges" in toc and "#guestonly" in toc
    assert "privileges" in {loc.partition("#")[2] for loc in search_locations(
        snapshot_site, version)}


def test_aliases_are_extra_anchors(snapshot_site: Path) -> None:
    tree = html(snapshot_site, "azure-devops")
    alias = tree.css_first('a[id="service-principal-or-secret-expired"]')
    assert alias is not None
    # The alias sits right before the heading of the entry it stands for.
    following = alias.parent.next
    while following is not None and following.tag == "-text":
        following = following.next
    assert following is not None and following.attributes.get("id") == \
        "autoCreatedSecretExpiration"


def test_topic_is_absent_where_its_range_excludes_it(snapshot_site: Path) -> None:
    assert not (snapshot_site / "tfs-2013" / "azure-rm-endpoint").exists()
    home = html(snapshot_site, "tfs-2013", "index.html")
    nav = " ".join(n.text() for n in home.css("nav.md-nav--primary"))
    assert "Azure Resource Manager" not in nav
    assert not [loc for loc in search_locations(snapshot_site, "tfs-2013")
                if loc.startswith("azure-rm-endpoint")]
    assert "azure-rm-endpoint" not in (snapshot_site / "tfs-2013" / "sitemap.xml").read_text()


@pytest.mark.parametrize("version", WITH_TOPIC)
def test_rename_note_only_up_to_tfs_2018(snapshot_site: Path, version: str) -> None:
    text = article_text(snapshot_site, version)
    shown = "call service connections service endpoints" in text.lower()
    assert shown is (ALL.index(version) <= ALL.index("tfs-2018"))


@pytest.mark.parametrize("version", WITH_TOPIC)
def test_version_specific_fixes(snapshot_site: Path, version: str) -> None:
    text = article_text(snapshot_site, version)
    services = version == "azure-devops"
    assert ("Rotate secret" in text) is services
    # The manual service principal fix is zoned '<= azure-devops-2022' in the sources.
    tree = html(snapshot_site, version)
    manual = [h for h in tree.css("h4") if "manually" in h.text().lower()]
    assert bool(manual) is (not services)


def indexed_text(version_dir: Path) -> str:
    """Everything Pagefind indexed in a version (its fragments, decompressed)."""
    import gzip

    return "\n".join(gzip.decompress(p.read_bytes()).decode("utf-8") for p in
                     sorted((version_dir / "pagefind" / "fragment").iterdir()))


def test_excluded_steps_are_not_in_search(snapshot_site: Path) -> None:
    newest = indexed_text(snapshot_site / "azure-devops")
    older = indexed_text(snapshot_site / "tfs-2018")
    assert "Rotate secret" in newest and "Rotate secret" not in older


def live_versions() -> list[str]:
    products = project_products(Project(ROOT))
    assert products is not None
    return list(products.names)


@pytest.mark.parametrize("version", live_versions())
def test_no_raw_docfx_syntax_left(shipped_site: Path, version: str) -> None:
    for page in (shipped_site / version).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for raw in (":::", "[!INCLUDE", "[!NOTE]", "[!TIP]", "[!WARNING]", "[!IMPORTANT]",
                    "[!CAUTION]", "moniker-end"):
            assert raw not in text, f"{page}: {raw}"


def test_versions_json_is_mikes_format(snapshot_site: Path) -> None:
    versions = json.loads((snapshot_site / "versions.json").read_text())
    assert [v["version"] for v in versions] == list(reversed(ALL))
    assert versions[0] == {"version": "azure-devops", "title": "Azure DevOps Services",
                           "aliases": ["latest"]}
    assert all(set(v) == {"version", "title", "aliases"} for v in versions)


def test_root_sends_readers_to_the_default_version(snapshot_site: Path) -> None:
    root = (snapshot_site / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=azure-devops/">' in root
    alias = (snapshot_site / "latest" / "azure-rm-endpoint" / "index.html").read_text()
    assert 'url=../../azure-devops/azure-rm-endpoint/' in alias


@pytest.mark.parametrize("version", ALL)
def test_banner_on_every_non_default_version(snapshot_site: Path, version: str) -> None:
    banner = html(snapshot_site, version, "index.html").css_first(".kb-version-banner")
    if version == "azure-devops":
        assert banner is None
    else:
        assert banner is not None
        assert "Azure DevOps Services" in banner.text()
        assert banner.css_first("a").attributes["href"].endswith("/azure-devops/")


def test_banner_links_to_the_same_page_of_the_default_version(snapshot_site: Path) -> None:
    banner = html(snapshot_site, "tfs-2018").css_first(".kb-version-banner a")
    assert banner.attributes["href"] == "../../azure-devops/azure-rm-endpoint/"


@pytest.mark.parametrize("version", live_versions())
def test_no_request_to_other_hosts_in_markup(shipped_site: Path, version: str) -> None:
    for page in (shipped_site / version).rglob("*.html"):
        tree = HTMLParser(page.read_text(encoding="utf-8"))
        for node in tree.css("script[src], link[href], img[src], iframe[src]"):
            url = node.attributes.get("src") or node.attributes.get("href") or ""
            if node.tag == "link" and node.attributes.get("rel") == "canonical":
                continue
            assert not re.match(r"^(https?:)?//", url), f"{page}: {url}"


def test_every_entry_and_cause_is_on_its_page_exactly_where_it_applies(
        shipped_site: Path) -> None:
    """The live catalogue: each entry and cause heading carries its id in the versions its
    range selects, and no page of a topic exists where the topic's range excludes it."""
    catalogue = load_checked(Project(ROOT), Diagnostics(), FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    for version in catalogue.products.names:
        view = resolve(catalogue, version)
        shown = {t.id: t for t in view.topics}
        for topic in catalogue.topics:
            page = shipped_site / version / topic.id / "index.html"
            if topic.id not in shown:
                assert not page.exists(), (version, topic.id)
                continue
            found = ids(HTMLParser(page.read_text(encoding="utf-8")))
            for entry in shown[topic.id].entries:
                expected = {entry.id, *entry.aliases, *(c.id for c in entry.causes)}
                assert expected <= found, (version, topic.id, expected - found)
            for entry in topic.entries:
                if entry.id not in {e.id for e in shown[topic.id].entries}:
                    assert entry.id not in found, (version, entry.id)
