"""The Content-Security-Policy in Debian's chromium: every page type loads without a single
violation, and search, lookup, the troubleshooter and the version selector work under it, in
the site each engine builds (`engine_url`: the snapshot, built by MkDocs and by Zensical)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator.core.files import text_of
from generator.site.csp import page_scripts, policy, with_policy
from tests.conftest import page_errors

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# Recorded in the page before any of its own scripts run (an init script is not subject
# to the page's policy).
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile
                           + ':' + e.lineNumber);
});
"""


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    page.console_seen = []  # type: ignore[attr-defined]
    page.on("console", lambda message: page.console_seen.append(message.text))
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()


def violations(page: Any) -> list[str]:
    seen = list(page.evaluate("window.__violations || []"))
    seen += [text for text in page.console_seen if "Content Security Policy" in text]
    return seen


def page_types(site: Path) -> list[str]:
    """One page of each kind the site has, as site-relative URLs."""
    return ["", "latest/", "azure-devops/", "azure-devops/azure-rm-endpoint/",
            "azure-devops/lookup/", "azure-devops/troubleshooter/", "azure-devops/404.html",
            "tfs-2018/", "tfs-2018/azure-rm-endpoint/",
            *sorted({f"azure-devops/{p.parent.name}/" for p in
                     (site / "azure-devops").glob("*/index.html")
                     if p.parent.name not in ("lookup", "troubleshooter")})[:6]]


def loads_without_a_violation(page: Any, engine: str, url: str, site: Path) -> None:
    for path in page_types(site):
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
        assert page_errors(engine, page.errors) == [], path
    html = (site / "azure-devops" / "index.html").read_text()
    assert html.count('http-equiv="Content-Security-Policy"') == 1


def test_every_page_type_loads_without_a_violation(page: Any, engine: str, engine_url: str,
                                                    engine_site: Path) -> None:
    loads_without_a_violation(page, engine, engine_url, engine_site)


def test_a_pages_script_files_are_asked_for_ahead(page: Any, engine_url: str,
                                                  engine_site: Path) -> None:
    """A policy in the page stops the browser's look-ahead: each script file the page names
    outside its content is fetched by the preload before the policy, not when the script
    before it has run."""
    for path in ("azure-devops/", "azure-devops/lookup/", "azure-devops/troubleshooter/"):
        built = LexborHTMLParser((engine_site / path / "index.html").read_text())
        names = [s.attributes.get("src") or "" for s in built.css("script[src]")
                 if not s.attributes.get("type") and not _in_article(s)]
        page.goto(engine_url + path)
        urls = page.evaluate("names => names.map(n => new URL(n, location.href).href)", names)
        fetched = dict(page.evaluate(
            "performance.getEntriesByType('resource').map(r => [r.name, r.initiatorType])"))
        assert len(urls) >= 2, path
        assert {url: fetched.get(url) for url in urls} == dict.fromkeys(urls, "link"), path


def _in_article(node: Any) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "article":
            return True
        parent = parent.parent
    return False


def test_every_page_type_of_the_shipped_site_loads_without_a_violation(
        page: Any, site_url: str, shipped_site: Path) -> None:
    loads_without_a_violation(page, "mkdocs", site_url, shipped_site)


def carries_a_policy(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert pages
    for path in pages:
        text = path.read_text()
        # First in the head: the charset, then only the preloads of script files, which
        # run nothing, before the policy.
        assert re.search(r'<head[^>]*>\s*<meta charset="utf-8">'
                         r'(<link rel="preload" href="[^"<>]*" as="script">)*'
                         r'<meta http-equiv="Content-Security-Policy"', text) \
            or "decision-tree" in path.name \
            or 'http-equiv="Content-Security-Policy"' in text[:600], path


def test_every_page_each_engine_builds_carries_a_policy(engine_site: Path) -> None:
    carries_a_policy(engine_site)


def test_every_page_of_the_shipped_site_carries_a_policy(shipped_site: Path) -> None:
    carries_a_policy(shipped_site)


def test_search_lookup_troubleshooter_and_versions_work_under_the_policy(
        page: Any, engine: str, engine_url: str) -> None:
    site_url = engine_url
    page.goto(site_url + "azure-devops/")
    page.wait_for_load_state("networkidle")
    # The search box: the error matcher's results, then Pagefind's full text (WebAssembly).
    page.fill("#__kb-search-input", "AADSTS7000215 client secret")
    page.locator("#__kb-search-results .kb-search__item--error a").first.wait_for(timeout=15000)
    page.locator("#__kb-search-results .kb-search__item--page a").first.wait_for(timeout=15000)

    page.goto(site_url + "azure-devops/lookup/")
    page.wait_for_selector("html[data-kb-lookup='ready']", state="attached")
    page.fill("#kb-lookup-input", "AADSTS7000215: Invalid client secret provided.")
    page.click("#kb-lookup-submit")
    page.locator(".kb-lookup__link").first.wait_for()

    page.goto(site_url + "azure-devops/troubleshooter/")
    page.locator("#kb-tree[data-ready]").wait_for()
    page.locator(".kb-answer").first.click()
    page.wait_for_function("() => location.hash.length > 2")

    page.goto(site_url + "azure-devops/azure-rm-endpoint/")
    page.locator(".md-version__current").wait_for(timeout=15000)
    page.locator(".md-version__current").focus()
    page.locator(".md-version__link", has_text="TFS 2018").click()
    page.wait_for_url(site_url + "tfs-2018/azure-rm-endpoint/")
    page.wait_for_load_state("networkidle")
    assert violations(page) == [] and page_errors(engine, page.errors) == []


def test_the_policy_blocks_inline_handlers_and_other_hosts(page: Any, site_url: str,
                                                          shipped_site: Path) -> None:
    """The policy as built, on a page that tries what an injected payload would."""
    built = (shipped_site / "azure-devops" / "index.html").read_text()
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', built)
    assert meta is not None
    content = meta.group(1)
    assert "'unsafe-inline'" not in content.split("style-src")[0]
    assert "script-src 'self' 'sha256-" in content
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    probe = (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
             f'content="{content}"></head><body>'
             '<img src="data:," onerror="alert(1)"><svg onload="alert(2)"></svg>'
             '<script>alert(3)</script><script src="https://example.org/x.js"></script>'
             '<a id="go" href="javascript:alert(4)">go</a></body></html>')
    page.route(site_url + "probe.html", lambda route: route.fulfill(
        status=200, content_type="text/html", body=probe))
    page.goto(site_url + "probe.html")
    page.click("#go")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert len(violations(page)) >= 4


def test_content_scripts_are_not_allowed_but_the_themes_are() -> None:
    page = ("<html><head><meta charset=\"utf-8\"><script>theme()</script></head><body>"
            "<article><script>content()</script></article>"
            "<script type=\"application/json\">{}</script><script>theme()</script>"
            "<script src=\"a.js\"></script></body></html>")
    assert len(page_scripts(page)[0]) == 1  # theme() once, not content(), not data
    out = with_policy(page)
    assert out is not None and out.index("Content-Security-Policy") < out.index("<script>")
    assert with_policy(out) is None  # a page with a policy keeps it
    # A policy this module wrote for other scripts, or by older code, is written again.
    stale = out.replace(" 'sha256-", " 'sha256-AAAA", 1)
    assert with_policy(stale) == out
    assert with_policy(out.replace(" worker-src 'self' blob:;", "")) == out
    own = page.replace("<head>", '<head><meta http-equiv="Content-Security-Policy" '
                                 "content=\"default-src 'none'\">")
    assert with_policy(own) is None  # a page with a policy of its own keeps it
    assert policy(page_scripts(page)[0]).startswith(
        "default-src 'self'; script-src 'self' 'sha256-")
    tree = LexborHTMLParser(out)
    # After the charset, the preload of the page's own script file, then the policy: before
    # anything that runs.
    assert [(n.tag, n.attributes.get("http-equiv") or n.attributes.get("href"))
            for n in tree.css("head > *")][:4] == [
        ("meta", None), ("link", "a.js"), ("meta", "Content-Security-Policy"),
        ("script", None)]


def test_only_the_sites_own_script_files_outside_the_content_are_preloaded() -> None:
    """Nothing is fetched ahead of the policy but the theme's and features' script files:
    not a script of the content, nor one from another host, nor a module, nor data."""
    page = ("<html><head><meta charset=\"utf-8\"><script src=\"assets/a.js\"></script></head>"
            "<body><article><script src=\"content.js\"></script></article>"
            "<script src=\"https://example.org/x.js\"></script>"
            "<script src=\"//example.org/y.js\"></script>"
            "<script type=\"module\" src=\"m.js\"></script>"
            "<script type=\"application/json\" src=\"d.json\"></script>"
            "<script src=\"/root.js?v=1&amp;w=2\"></script><script src=\"assets/a.js\"></script>"
            "</body></html>")
    assert page_scripts(page) == ([], ["assets/a.js", "/root.js?v=1&w=2"])
    out = with_policy(page)
    assert out is not None
    assert out.count('rel="preload"') == 2
    assert '<link rel="preload" href="/root.js?v=1&amp;w=2" as="script">' in out
    assert with_policy(out) is None
    # Preloads this module wrote for other scripts are written again with the policy.
    stale = out.replace("assets/a.js", "assets/b.js", 1)
    assert stale != out and with_policy(stale) == out


def test_a_page_left_final_before_is_not_parsed_again(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """apply_policy remembers the pages it left final (in `known`, kept between builds):
    a page unchanged since is not parsed again; a changed one is, and gets its policy."""
    from generator.core.cache import Slots
    from generator.site import csp

    folder, known = tmp_path / "version", tmp_path / "known"
    for name in ("a", "b"):
        (folder / name).mkdir(parents=True)
        (folder / name / "index.html").write_text(
            f"<html><head><meta charset=\"utf-8\"><script>{name}()</script></head>"
            "<body><article>Text</article></body></html>", encoding="utf-8")
    parsed: list[str] = []

    def parsing(page: str) -> tuple[list[str], list[str]]:
        parsed.append(page)
        return page_scripts(page)

    monkeypatch.setattr(csp, "page_scripts", parsing)
    assert csp.apply_policy(folder, known=known) == 2 and len(parsed) == 2
    first = {p: p.read_text() for p in sorted(folder.rglob("*.html"))}
    parsed.clear()
    assert csp.apply_policy(folder, known=known) == 0 and parsed == []
    assert {p: p.read_text() for p in sorted(folder.rglob("*.html"))} == first
    changed = folder / "b" / "index.html"
    changed.write_text(first[changed].replace("b()", "changed()"), encoding="utf-8")
    assert csp.apply_policy(folder, known=known) == 1 and len(parsed) == 1
    assert "changed()" in changed.read_text()
    assert with_policy(changed.read_text()) is None  # its policy is up to date
    # What other code left there is not trusted: every page is parsed again.
    Slots(known).put("final", "another generator", [])
    parsed.clear()
    assert csp.apply_policy(folder, known=known) == 0 and len(parsed) == 2


def test_a_page_known_final_is_known_by_its_bytes_and_read_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page is known by the digest of its text as read_text gives it: without a carriage
    return, that of its bytes, so a page known final is not decoded; with one, its lines
    read as before (a final page saved with "\\r\\n" is still final, not parsed again)."""
    from generator.site import csp

    folder, known = tmp_path / "version", tmp_path / "known"
    page = ("<html><head><meta charset=\"utf-8\"><script>{}()</script></head>\n"
            "<body><article>Text</article></body></html>\n")
    for name, ending in (("plain", b"\n"), ("windows", b"\r\n")):
        (folder / name).mkdir(parents=True)
        (folder / name / "index.html").write_bytes(
            page.format(name).encode("utf-8").replace(b"\n", ending))
    decoded: list[str] = []
    parsed: list[str] = []

    def decoding(data: bytes, errors: str = "strict") -> str:
        decoded.append(data.decode("utf-8", errors))
        return text_of(data, errors)

    def parsing(text: str) -> tuple[list[str], list[str]]:
        parsed.append(text)
        return page_scripts(text)

    monkeypatch.setattr(csp, "text_of", decoding)
    monkeypatch.setattr(csp, "page_scripts", parsing)
    assert csp.apply_policy(folder, known=known) == 2 and len(decoded) == 2
    windows = folder / "windows" / "index.html"
    final = windows.read_bytes()
    assert b"\r" not in final  # written with its lines read as "\n", as read_text reads them
    decoded.clear()
    parsed.clear()
    assert csp.apply_policy(folder, known=known) == 0 and decoded == [] and parsed == []
    windows.write_bytes(final.replace(b"\n", b"\r\n"))
    assert csp.apply_policy(folder, known=known) == 0 and parsed == []
    assert len(decoded) == 1 and windows.read_bytes() == final.replace(b"\n", b"\r\n")


@pytest.mark.parametrize("data", [b"plain\n", b"a\r\nb\rc\n", b"\r\r\n\n", b"\xef\xbb\xbfbom\r\n",
                                  b"bad \xff byte\r\n", b""])
def test_text_of_gives_what_read_text_gives(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(data)
    assert text_of(data, "surrogateescape") == path.read_text("utf-8", "surrogateescape")
    try:
        expected: str | type[UnicodeDecodeError] = path.read_text("utf-8")
    except UnicodeDecodeError:
        expected = UnicodeDecodeError
    try:
        got: str | type[UnicodeDecodeError] = text_of(data)
    except UnicodeDecodeError:
        got = UnicodeDecodeError
    assert got == expected
