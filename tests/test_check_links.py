"""`kb check-links` on real builds: the shipped site, and a fixture site with planted defects.

The fixture (tests/fixtures/links/site) is built with the real `kb build`; its content page
links.md plants one case per line. Defects a generator cannot produce (a broken
versions.json, root redirect or deleted asset) are made by altering the built site, as a
broken deploy would. External links are fetched from a server on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

import pytest

from generator.features.links.html import parse_page
from tests.conftest import FIXTURES, serve_with
from tests.golden import assert_golden
from tests.helpers_cli import kb

LINKS = FIXTURES / "links"
PAGE = "site/{v}/links/index.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("links") / "repo"
    shutil.copytree(LINKS / "site", repo)
    run = kb("build", cwd=repo)
    assert run.code == 0, run.stderr
    return repo


@pytest.fixture(scope="module")
def checked(built: Path) -> tuple[int, str, str]:
    run = kb("check-links", cwd=built)
    assert "Traceback" not in run.stderr
    return run.code, run.stdout, run.stderr


def _positions(text: str) -> str:
    """Lines and columns in built pages move with the theme's markup: golden files omit them."""
    return re.sub(r"\.html:\d+:\d+: ", ".html:LINE:COL: ", text)


def at(built: Path, version: str, needle: str) -> str:
    """'line:col' of `needle` in the built links page of `version`, counted independently."""
    text = (built / PAGE.format(v=version)).read_text(encoding="utf-8")
    index = text.index(needle)
    return f"{text.count(chr(10), 0, index) + 1}:{index - text.rfind(chr(10), 0, index)}"


def test_planted_defects_golden(checked: tuple[int, str, str], update_golden: bool) -> None:
    code, stdout, stderr = checked
    assert code == 1
    assert stdout == "https://example.org/docs\nhttps://squidfunk.github.io/mkdocs-material/\n"
    diagnostics = "".join(line + "\n" for line in stderr.splitlines()[:-1])
    assert_golden(_positions(diagnostics), LINKS / "expected.txt", update_golden)


DEFECTS = {
    "missing page": (
        "site/demo-3/links/index.html:{href=\"nowhere.md\"}: "
        "error: link 'nowhere.md': no page 'nowhere.md' "
        "in version 'demo-3' (MkDocs leaves a link to a page it cannot find as written) "
        "(written at content/links.md:13:20); fix the link or create the page"),
    "missing fragment": (
        "site/demo-3/links/index.html:{href=\"../demo/#no-such-section\"}: "
        "error: link '../demo/#no-such-section': no "
        "element with id or name 'no-such-section' on demo-3/demo/ (written at "
        "content/links.md:14:24)"),
    "fragment only in another version": (
        "site/demo-3/links/index.html:{href=\"../demo/#timeout\"}: "
        "error: link '../demo/#timeout': no element with "
        "id or name 'timeout' on demo-3/demo/; it exists on that page in versions 'demo-1', "
        "'demo-2' (written at content/links.md:15:39); show the link only in those versions "
        "(a moniker zone or applies_to), or link to a section of this version"),
    "case mismatch": (
        "site/demo-3/links/index.html:{href=\"../demo/#Disk-Full\"}: "
        "error: link '../demo/#Disk-Full': no element "
        "with id or name 'Disk-Full' on demo-3/demo/ (fragments are case-sensitive) (written "
        "at content/links.md:16:34); did you mean 'disk-full'?"),
    "name on an element other than a": (
        "site/demo-3/links/index.html:{href=\"#span-anchor\"}: "
        "error: link '#span-anchor': no element with id "
        "or name 'span-anchor' on this page; a <span> has name 'span-anchor', but browsers "
        "match name only on <a> (written at content/links.md:19:37); give the element "
        "id=\"span-anchor\""),
    "target excluded from the version": (
        "site/demo-1/links/index.html:{href=\"faq.md\"}: "
        "error: link 'faq.md': no page 'faq.md' in "
        "version 'demo-1' (MkDocs leaves a link to a page it cannot find as written); it "
        "exists in versions 'demo-2', 'demo-3' (written at content/links.md:20:33); show the "
        "link only in those versions (a moniker zone or applies_to), or link to a page of "
        "this version"),
    "link into another version": (
        "site/demo-3/links/index.html:{href=\"../../demo-2/faq/\"}: "
        "error: link '../../demo-2/faq/': leads out of "
        "version 'demo-3' into version 'demo-2' (written at content/links.md:23:21); link to "
        "the same page of this version: '../faq/'"),
    "missing image": (
        "site/demo-3/links/index.html:{src=\"media/missing.png\"}: "
        "error: image 'media/missing.png': no file at "
        "demo-3/links/media/missing.png (written at content/links.md:26:20); fix the link or "
        "create the target"),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_planted_defect_is_found(built: Path, checked: tuple[int, str, str],
                                      defect: str) -> None:
    expected = DEFECTS[defect]
    version = expected.split("/")[1]
    expected = re.sub(r"\{([^}]*)\}", lambda m: at(built, version, m[1]), expected, count=1)
    assert expected in checked[2].splitlines()


@pytest.mark.parametrize("link", [
    "#gr%C3%B6%C3%9Fe",  # a percent-encoded fragment that exists
    "#old-anchor",  # <a name>
    "#legacy",  # a retired entry
    "#nospace",  # an alias
    "https://demo.example.org/demo-3/faq/",  # the public URL of a page, in its version
    "../../demo-2/faq/'",  # the same link from inside demo-2 stays in its version
])
def test_non_defects_pass(checked: tuple[int, str, str], link: str) -> None:
    lines = checked[2].splitlines()
    if link.endswith("'"):
        assert not [line for line in lines if line.startswith("site/demo-2/")
                    and f"'{link}" in line]
    else:
        assert not [line for line in lines if f"{link}'" in line or f"#{link}" in line]


def test_every_planted_line_is_accounted_for(checked: tuple[int, str, str]) -> None:
    # demo-1: all but 'timeout' (it exists there); demo-2: neither 'timeout', the FAQ nor the
    # link into demo-2; demo-3: all but the FAQ, which exists there.
    lines = [line for line in checked[2].splitlines() if ": error: " in line]
    per_version = {v: len([x for x in lines if x.startswith(f"site/{v}/")])
                   for v in ("demo-1", "demo-2", "demo-3")}
    assert per_version == {"demo-1": 7, "demo-2": 5, "demo-3": 7}
    # Page and link counts grow with the pages features add; the outcome must not change.
    summary = checked[2].splitlines()[-1]
    assert summary.startswith("kb check-links: ") and " pages in 3 versions, " in summary
    assert summary.endswith("2 external URLs listed on stdout, not fetched (--external checks "
                            "them): 19 errors, 0 warnings")


def test_github_format_annotates_the_source_line(built: Path) -> None:
    run = kb("check-links", "--format", "github", cwd=built)
    assert ("::error file=content/links.md,line=15,col=39::link '../demo/#timeout': no "
            "element with id or name 'timeout' on demo-3/demo/; it exists on that page in "
            "versions 'demo-1', 'demo-2' (in site/demo-3/links/index.html); show the link only "
            "in those versions (a moniker zone or applies_to), or link to a section of this "
            "version") in run.stderr.splitlines()


def test_broken_deploy_is_found(built: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(built, repo, ignore=shutil.ignore_patterns("build"))
    site = repo / "site"
    versions = json.loads((site / "versions.json").read_text())
    versions.insert(0, {"version": "demo-4", "title": "Demo 4", "aliases": []})
    (site / "versions.json").write_text(json.dumps(versions))
    root = (site / "index.html").read_text().replace("demo-3/", "demo-2/")
    (site / "index.html").write_text(root)
    (site / "demo-2" / "assets" / "stylesheets").rename(site / "demo-2" / "assets" / "css")
    (site / "demo-1" / "links" / "index.html").write_text(
        (site / "demo-1" / "links" / "index.html").read_text().replace(
            'id="gr\u00f6\u00dfe"', 'id="grosse"'))
    run = kb("check-links", cwd=repo)
    lines = run.stderr.splitlines()
    assert run.code == 1
    assert ("site/versions.json: error: versions.json: version 'demo-4' has no "
            "demo-4/index.html; build that version, or remove it from versions.json") in lines
    assert ("site/index.html:6:40: error: redirect 'demo-2/': leads to version 'demo-2', "
            "expected the default version 'demo-3'; redirect to demo-3/") in lines
    position = at(repo, "demo-1", 'href="#gr%C3%B6%C3%9Fe"')
    assert [line for line in lines if "#gr%C3%B6%C3%9Fe" in line] == [
        f"site/demo-1/links/index.html:{position}: "
        "error: link '#gr%C3%B6%C3%9Fe': no element with id or name 'gr\u00f6\u00dfe' on this "
        "page; it exists on that page in versions 'demo-2', 'demo-3' (written at "
        "content/links.md:17:44); show the link only in those versions (a moniker zone or "
        "applies_to), or link to a section of this version"]
    css = [line for line in lines if "resource '" in line and "stylesheets/main." in line]
    pages = sorted(p.relative_to(repo).as_posix() for p in (site / "demo-2").rglob("*.html")
                   if "stylesheets/main." in p.read_text(encoding="utf-8"))
    assert sorted(line.split(":")[0] for line in css) == pages
    assert all(line.endswith(
        "does not exist in version 'demo-2'; it exists in versions 'demo-1', 'demo-3'; the "
        "build of this version is incomplete; rebuild it (kb build --force)") for line in css)


# External links ---------------------------------------------------------------------------


class _Server(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []
    in_flight: ClassVar[int] = 0
    most: ClassVar[int] = 0
    lock: ClassVar[threading.Lock] = threading.Lock()

    def _answer(self, body: bool) -> None:
        cls = type(self)
        with cls.lock:
            cls.hits.append(f"{self.command} {self.path}")
            cls.in_flight += 1
            cls.most = max(cls.most, cls.in_flight)
        try:
            time.sleep(0.05)
        finally:
            with cls.lock:
                cls.in_flight -= 1
        # A request the client gave up on (its timeout) no longer counts as in flight.
        if self.path == "/slow":
            time.sleep(1.5)
        try:
            if self.path == "/head-refused" and self.command == "HEAD":
                self.send_response(405)
            elif self.path == "/moved":
                self.send_response(301)
                self.send_header("Location", "/ok")
            else:
                status = {"/gone": 404, "/broken": 500}.get(self.path, 200)
                self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except OSError:
            pass  # the client has gone (a timeout)

    def do_HEAD(self) -> None:
        self._answer(False)

    def do_GET(self) -> None:
        self._answer(True)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Server.hits, _Server.in_flight, _Server.most = [], 0, 0
    served = serve_with(_Server)
    try:
        yield next(served).rstrip("/")
    finally:
        served.close()


def _external_site(repo: Path, base: str) -> None:
    """A one-version site whose page links to the local server (written here: the port varies)."""
    shutil.copytree(LINKS / "site", repo)
    site = repo / "site" / "demo-3"
    site.mkdir(parents=True)
    (repo / "site" / "versions.json").write_text(
        '[{"version": "demo-3", "title": "Demo 3", "aliases": []}]')
    (repo / "site" / "index.html").write_text(
        '<meta http-equiv="refresh" content="0; url=demo-3/">')
    paths = ["/ok", "/gone", "/broken", "/slow", "/head-refused", "/moved", "/ok#part"]
    links = "".join(f'<a href="{base}{p}">x</a>' for p in paths)
    (site / "index.html").write_text(f"<!DOCTYPE html><title>t</title>{links}")


def test_external_links_bounded_with_timeout_and_cache(server: str, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _external_site(repo, server)
    listed = kb("check-links", cwd=repo)
    assert listed.code == 0 and _Server.hits == []  # listed, never fetched without --external
    assert listed.stdout.splitlines() == sorted(
        f"{server}{p}" for p in ["/ok", "/gone", "/broken", "/slow", "/head-refused", "/moved",
                                 "/ok#part"])
    args = ("check-links", "--external", "--concurrency", "2", "--timeout", "0.5")
    first = kb(*args, cwd=repo)
    assert first.code == 1
    assert first.stderr.splitlines()[:3] == [
        f"site/demo-3/index.html: warning: external link '{server}/broken': HTTP 500; used on "
        "1 page; check again later",
        f"site/demo-3/index.html: error: external link '{server}/gone': HTTP 404; used on 1 "
        "page; fix or remove the link",
        f"site/demo-3/index.html: warning: external link '{server}/slow': no answer within "
        "0.5 s; used on 1 page; check again later",
    ]
    assert 1 <= _Server.most <= 2
    # HEAD refused, then GET; "/ok#part" is fetched once with "/ok".
    assert "GET /head-refused" in _Server.hits and _Server.hits.count("HEAD /ok") == 1
    assert json.loads((repo / "build" / "external-links.json").read_text())["urls"].keys() == {
        f"{server}{p}" for p in ("/ok", "/head-refused", "/moved")}
    _Server.hits = []
    kb(*args, cwd=repo)
    # Successes come from the cache; failures are asked again.
    assert sorted(h.split()[1] for h in _Server.hits if h.startswith("HEAD")) == [
        "/broken", "/gone", "/slow"]


def test_the_search_worker_is_checked_on_pages_whose_search_box_starts_it() -> None:
    """Material's page settings name its search worker on every page; only its search box
    (its search plugin's) starts it, so only a page with that box needs the file."""
    config = '<script id="__config" type="application/json">{"search": "assets/w.js"}</script>'
    box = '<div class="md-search" data-md-component="search"></div>'

    def workers(html: str) -> list[str]:
        return [link.url for link, _ in parse_page(html).links if link.kind == "search worker"]

    assert workers(f"<html><body>{box}{config}</body></html>") == ["assets/w.js"]
    assert workers(f"<html><body>{config}{box}</body></html>") == ["assets/w.js"]
    assert workers(f"<html><body>{config}</body></html>") == []
