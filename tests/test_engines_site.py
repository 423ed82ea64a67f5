"""The snapshot built by each engine, compared page by page: the same files, anchors, text,
links and titles; each difference is in an allow-list below with its reason.

MkDocs + Material builds `snapshot_site`, Zensical `snapshot_site_zensical`; both builds are
shared with the browser tests.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.conftest import ENGINES
from tests.helpers_cli import kb

pytestmark = pytest.mark.e2e

VERSIONS = ["tfs-2013", "tfs-2015", "tfs-2017", "tfs-2018", "azure-devops-2019",
            "azure-devops-2020", "azure-devops-2022", "azure-devops"]

# The site's search index (Pagefind, built from each built page by `kb build`): its files
# are named by a hash of their bytes, which hold each engine's HTML around the same text.
PAGEFIND = (r"pagefind/(fragment/en_\w+\.pf_fragment|index/en_\w+\.pf_index"
            r"|pagefind\.en_\w+\.pf_meta)")
PAGEFIND_REASON = ("Pagefind's index files, named by a hash of their bytes (the same search "
                   "box is driven in Chromium on both builds)")
# Files one engine writes and the other does not (paths inside a version), and why.
ONLY_IN = {
    "mkdocs": {
        r"assets/javascripts/bundle\.\w+\.min\.js(\.map)?": "Material's theme script",
        r"assets/stylesheets/(main|palette)\.\w+\.min\.css(\.map)?": "Material's styles",
        PAGEFIND: PAGEFIND_REASON,
    },
    "zensical": {
        r"assets/javascripts/bundle\.\w+\.min\.js": "Zensical's theme script",
        r"assets/javascripts/LICENSE": "the licence of Zensical's theme script",
        r"assets/javascripts/workers/search\.\w+\.min\.js": "Zensical's search worker",
        r"assets/stylesheets/(classic|modern)/(main|palette)\.\w+\.min\.css":
            "Zensical's styles, in both of its looks",
        r"search\.json": "Zensical's search index, written though its search is off",
        PAGEFIND: PAGEFIND_REASON,
    },
}
# Theme ids (Material's `__` namespace) that only one engine's pages have, and why.
THEME_IDS = {
    "mkdocs": {"__toc": "Material's table-of-contents toggle, also on pages whose table of "
                        "contents is hidden or empty (Zensical leaves it out there)"},
    "zensical": {"__skip": "Zensical's skip-to-content target (Material's skip link goes to "
                           "the first heading)"},
}
# Written by the generator, not the engine: the same bytes in both builds.
GENERATED = re.compile(r"(lookup\.json|decision-tree.*\.(html|js)|assets/(lookup|kb-tree)/.+)")


def files(version_dir: Path) -> set[str]:
    return {p.relative_to(version_dir).as_posix() for p in version_dir.rglob("*") if p.is_file()}


def parse(path: Path) -> LexborHTMLParser:
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


def ids(tree: LexborHTMLParser) -> set[str]:
    found = {n.attributes.get("id") for n in tree.css("[id]")}
    found |= {n.attributes.get("name") for n in tree.css("a[name]")}
    return {i for i in found if i}


def article(tree: LexborHTMLParser) -> tuple[str, list[str]]:
    """The page's own content: its text and its links, in order."""
    node = tree.css_first("article")
    assert node is not None
    links = [a.attributes.get("href") or "" for a in node.css("a[href]")]
    return " ".join(node.text().split()), links


def allowed(path: str, engine: str) -> bool:
    return any(re.fullmatch(pattern, path) for pattern in ONLY_IN[engine])


@pytest.fixture(scope="module")
def builds(snapshot_site: Path, snapshot_site_zensical: Path) -> dict[str, Path]:
    return {"mkdocs": snapshot_site, "zensical": snapshot_site_zensical}


def test_both_builds_hold_the_same_files(builds: dict[str, Path]) -> None:
    mkdocs, zensical = builds["mkdocs"], builds["zensical"]
    assert files(mkdocs) - {f for f in files(mkdocs) if "/" in f} == \
        files(zensical) - {f for f in files(zensical) if "/" in f}  # versions.json, index.html
    for version in VERSIONS:
        here = {e: files(builds[e] / version) for e in ENGINES}
        assert sorted(f for f in here["mkdocs"] - here["zensical"]
                      if not allowed(f, "mkdocs")) == []
        assert sorted(f for f in here["zensical"] - here["mkdocs"]
                      if not allowed(f, "zensical")) == []
        # Every allowed difference still happens: a stale allow-list entry fails.
        for engine in ENGINES:
            other = "zensical" if engine == "mkdocs" else "mkdocs"
            for pattern in ONLY_IN[engine]:
                assert any(re.fullmatch(pattern, f) for f in here[engine] - here[other]), \
                    pattern


def test_site_wide_and_generated_files_are_the_same_bytes(builds: dict[str, Path]) -> None:
    mkdocs, zensical = builds["mkdocs"], builds["zensical"]
    same = ["versions.json", "index.html"]
    same += [p.relative_to(mkdocs).as_posix() for p in (mkdocs / "latest").rglob("*")
             if p.is_file()]
    for version in VERSIONS:
        same += [f"{version}/{f}" for f in sorted(files(mkdocs / version))
                 if GENERATED.fullmatch(f)]
    assert len(same) > 20
    assert [f for f in same if (mkdocs / f).read_bytes() != (zensical / f).read_bytes()] == []


@pytest.mark.parametrize("version", VERSIONS)
def test_every_page_has_the_same_anchors_text_and_links(builds: dict[str, Path],
                                                        version: str) -> None:
    mkdocs = builds["mkdocs"] / version
    pages = sorted(p.relative_to(mkdocs) for p in mkdocs.rglob("*.html")
                   if not p.name.startswith("decision-tree"))  # the generator's own files
    assert pages
    for page in pages:
        trees = {e: parse(builds[e] / version / page) for e in ENGINES}
        found = {e: ids(trees[e]) for e in ENGINES}
        assert found["mkdocs"] - found["zensical"] <= set(THEME_IDS["mkdocs"]), page
        assert found["zensical"] - found["mkdocs"] <= set(THEME_IDS["zensical"]), page
        assert article(trees["mkdocs"]) == article(trees["zensical"]), page
        titles = {e: trees[e].css_first("title") for e in ENGINES}
        assert titles["mkdocs"] is not None and titles["zensical"] is not None
        assert titles["mkdocs"].text() == titles["zensical"].text(), page


@pytest.mark.parametrize("version", VERSIONS)
def test_sitemaps_list_the_same_pages(builds: dict[str, Path], version: str) -> None:
    listed = {}
    for engine in ENGINES:
        folder = builds[engine] / version
        text = (folder / "sitemap.xml").read_text(encoding="utf-8")
        assert gzip.decompress((folder / "sitemap.xml.gz").read_bytes()).decode() == text
        listed[engine] = re.findall(r"<loc>([^<]+)</loc>", text)
    assert listed["mkdocs"] and listed["mkdocs"] == listed["zensical"]


def test_the_zensical_build_passes_the_link_check(snapshot_site_zensical: Path) -> None:
    run = kb("check-links", "--strict", str(snapshot_site_zensical),
             cwd=snapshot_site_zensical.parent)
    assert run.code == 0, run.stderr
    assert run.stderr.rstrip().endswith("no problems")


def test_allow_lists_name_their_reasons() -> None:
    for table in (ONLY_IN, THEME_IDS):
        assert set(table) == set(ENGINES)
        assert all(reason.strip() for entries in table.values() for reason in entries.values())
