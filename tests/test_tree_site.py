"""The troubleshooter in the built site: linked from every page, its links land."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.features.tree.export import page_payload, unpack
from tests.test_tree_export import fix_href, fix_sections

pytestmark = pytest.mark.e2e


def versions(site: Path) -> list[Path]:
    return sorted(p for p in site.iterdir() if (p / "sitemap.xml").exists())


def test_every_page_links_the_troubleshooter_and_its_single_file(shipped_site: Path) -> None:
    for version_dir in versions(shipped_site):
        for page in version_dir.rglob("index.html"):
            nav = HTMLParser(page.read_text()).css("nav.md-nav--primary a[href]")
            targets = {urljoin(page.relative_to(version_dir).as_posix(),
                               n.attributes["href"] or "") for n in nav}
            assert {"troubleshooter/", "decision-tree.html"} <= targets, page
        # Small enough to mail or attach to a ticket; a topic's file is smaller still.
        assert (version_dir / "decision-tree.html").stat().st_size <= 3 * 1024 * 1024
        for topic_file in version_dir.glob("decision-tree-*.html"):
            assert topic_file.stat().st_size <= 150 * 1024, topic_file


def test_every_link_of_the_tree_lands_on_a_page_and_anchor(shipped_site: Path) -> None:
    checked = 0
    linked = 0
    for version_dir in versions(shipped_site):
        data = unpack(page_payload((version_dir / "decision-tree.data.js").read_text(),
                                   (version_dir / "decision-tree.rest.js").read_text())["tree"])
        hrefs = []
        for node in data["nodes"]:
            hrefs += [node["href"]] if "href" in node else []
            linked += "href" in node
            for field in ("q", "h", "html"):
                hrefs += [html.unescape(h) for h in re.findall(r'href="([^"]*)"',
                                                              node.get(field, ""))]
            if node["t"] == "c":  # each fix's link, which tree.js adds
                hrefs += [fix_href(node["href"], heading, written)
                          for heading, written in fix_sections(node["html"])]
        anchors: dict[str, set[str]] = {}
        for href in hrefs:
            if re.match(r"^[a-z][a-z0-9+.-]*:", href):
                continue  # another site
            page, _, anchor = urljoin("/", href).partition("#")
            target = version_dir / page.lstrip("/") / "index.html"
            assert target.is_file(), (version_dir.name, href)
            if page not in anchors:
                tree = HTMLParser(target.read_text())
                anchors[page] = {n.attributes.get("id") or n.attributes.get("name") or ""
                                 for n in tree.css("[id], a[name]")}
            assert not anchor or anchor in anchors[page], (version_dir.name, href)
            checked += 1
    assert checked >= linked  # every cause end links to its fix
