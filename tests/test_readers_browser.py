"""What readers see, in Debian's chromium over the built site: the version on screen at
every scroll position, version switching that explains, "found in other versions",
feedback links, contrast in light and dark mode, the title, the 404 page, the
troubleshooter's crumbs and shared links; in the site each engine builds (`engine_url`).
Screenshots of each kind of page, light and dark, desktop and mobile, by each engine, are
saved under build/test-artefacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.core import links
from tests.conftest import ROOT, default_engine_only

pytestmark = pytest.mark.browser
# Pages and entries named here are the snapshot's (tests/fixtures/catalogues/snapshot), a
# frozen copy of the shipped knowledge base with a site and a repository address set.
CONTRAST = (ROOT / "tests" / "js" / "contrast.js").read_text(encoding="utf-8")
SHOTS = ROOT / "build" / "test-artefacts" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
DEEP = "azure-devops/workload-identity/#applicationnotfound"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=SIZES["desktop"])
    try:
        yield context.new_page()
    finally:
        context.close()


def settled(page: Any) -> None:
    page.wait_for_load_state("networkidle")


def low_contrast(page: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(CONTRAST, 4.5)
    return found


def walk_to_a_fix(page: Any) -> None:
    """Answer the troubleshooter's first questions until a fix shows."""
    for _ in range(6):
        if page.locator(".kb-outcome").count():
            return
        page.locator(".kb-answer").first.click()
    page.locator(".kb-outcome").wait_for()


# Each kind of page, and how to bring it to the state worth looking at.
PAGES: list[tuple[str, str, str]] = [
    ("home", "azure-devops/", ""),
    ("topic", "tfs-2018/azure-rm-endpoint/", ""),
    ("lookup", "azure-devops/lookup/", "lookup"),
    ("troubleshooter", "azure-devops/troubleshooter/", "fix"),
    ("search", "azure-devops/azure-rm-endpoint/", "search"),
    ("not-in-version", "tfs-2013/not-in-this-version/?page=workload-identity/", ""),
    ("404", "azure-devops/404.html", ""),
]


def to_dark(tab: Any) -> None:
    """Switch the page to the dark scheme with the header's toggle ("Switch to dark mode"),
    in place: what is open on the page stays open. The theme's colour transitions are
    turned off first: what is measured is where they end, and the headless browser moves
    them on only when it draws a frame."""
    tab.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    tab.evaluate("document.querySelector('label[for=\"__palette_1\"]').click()")
    tab.locator("body[data-md-color-scheme='slate']").wait_for(state="attached")


@pytest.mark.parametrize(("name", "path", "state"), PAGES)
def test_contrast_and_screenshots(browser: Any, engine: str, engine_url: str, name: str,
                                  path: str, state: str) -> None:
    """Each kind of page at each size, light (the system's preference) then dark (the
    header's toggle, on the same page in the same state)."""
    problems = []
    for size, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport, color_scheme="light")
        try:
            tab = context.new_page()
            tab.goto(engine_url + path)
            settled(tab)
            assert tab.evaluate("document.body.dataset.mdColorScheme") == "default"
            if state == "lookup":
                tab.fill("#kb-lookup-input", "AADSTS7000215: Invalid client secret is provided.")
                tab.click("#kb-lookup-submit")
                tab.locator(".kb-lookup__result").first.wait_for()
            elif state == "fix":
                walk_to_a_fix(tab)
            elif state == "search":
                if size == "mobile":
                    tab.click(".kb-search__toggle")
                tab.fill("#__kb-search-input", "insuficient privilages")
                tab.locator("#__kb-search-results .kb-search__pages a").first.wait_for()
            SHOTS.mkdir(parents=True, exist_ok=True)
            for scheme in ("light", "dark"):
                if scheme == "dark":
                    to_dark(tab)
                tab.screenshot(path=str(SHOTS / f"{engine}-{name}-{scheme}-{size}.png"))
                problems += [f"{scheme} {size}: {p}" for p in low_contrast(tab)]
        finally:
            context.close()
    assert problems == []


def test_dark_systems_get_the_dark_scheme(browser: Any, engine_url: str) -> None:
    """A reader whose system prefers dark gets the dark scheme from the first page."""
    context = browser.new_context(viewport=SIZES["desktop"], color_scheme="dark")
    try:
        tab = context.new_page()
        tab.goto(engine_url + "tfs-2018/azure-rm-endpoint/")
        assert tab.evaluate("document.body.dataset.mdColorScheme") == "slate"
        assert low_contrast(tab) == []
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desktop", "mobile"])
def test_version_stays_in_the_header_when_scrolled(browser: Any, engine_url: str,
                                                   size: str) -> None:
    context = browser.new_context(viewport=SIZES[size])
    try:
        tab = context.new_page()
        tab.goto(engine_url + "tfs-2018/azure-rm-endpoint/#privileges")
        settled(tab)
        tab.mouse.wheel(0, 3000)
        tab.wait_for_timeout(400)
        header = tab.locator(".md-header")
        version = header.locator(".md-version__current, .kb-version-badge").filter(
            has_text="TFS 2018").first
        assert version.is_visible()
        box = version.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 60
    finally:
        context.close()


def test_switching_to_a_version_without_the_page_says_so(page: Any, engine_url: str) -> None:
    page.goto(engine_url + DEEP)
    page.locator(".md-version__current").wait_for()
    page.locator(".md-version__current").focus()
    page.locator(".md-version__link", has_text="TFS 2013").click()
    page.wait_for_url("**/tfs-2013/not-in-this-version/**")
    page.locator("#kb-missing-versions li a").first.wait_for()
    hrefs = [a.get_attribute("href") for a in page.locator("#kb-missing-versions li a").all()]
    assert hrefs and all(h.endswith("/workload-identity/#applicationnotfound") for h in hrefs)
    assert not [h for h in hrefs if "/tfs-2013/" in h]
    assert "(where you came from)" in page.locator("#kb-missing-versions").inner_text()


def test_switching_to_a_version_with_the_page_keeps_the_anchor(page: Any,
                                                               engine_url: str) -> None:
    page.goto(engine_url + "azure-devops/azure-rm-endpoint/#privileges")
    page.locator(".md-version__current").focus()
    page.locator(".md-version__link", has_text="TFS 2018").click()
    page.wait_for_url(engine_url + "tfs-2018/azure-rm-endpoint/#privileges")


def test_banner_link_keeps_the_anchor(page: Any, engine_url: str) -> None:
    page.goto(engine_url + "tfs-2018/azure-rm-endpoint/#privileges")
    page.locator(".kb-version-link").click()
    page.wait_for_url(engine_url + "azure-devops/azure-rm-endpoint/#privileges")


@default_engine_only
def test_lookup_page_names_the_versions_that_match(page: Any, engine_url: str) -> None:
    page.goto(engine_url + "tfs-2013/lookup/")
    page.fill("#kb-lookup-input", "Insufficient privileges to complete the operation.")
    page.click("#kb-lookup-submit")
    first = page.locator(".kb-lookup__elsewhere-link").first
    first.wait_for()
    assert (first.get_attribute("href") or "").endswith("/azure-rm-endpoint/#privileges")
    assert "No entry" in page.locator("#kb-lookup-status").inner_text()


def test_the_browser_title_names_page_site_and_version_once(page: Any, engine_url: str) -> None:
    page.goto(engine_url + "azure-devops/")
    assert page.title() == "Troubleshooting knowledge base (Azure DevOps Services)"
    page.goto(engine_url + "tfs-2018/azure-rm-endpoint/")
    title = page.title()
    assert title.count("Troubleshooting knowledge base") == 1
    assert title.endswith("(TFS 2018)")


def test_404_page_offers_search_and_home(page: Any, engine_url: str) -> None:
    page.goto(engine_url + "azure-devops/404.html")
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.locator("#__kb-search-input").count() == 1
    home = page.locator("a.kb-notfound__home")
    home.click()
    page.wait_for_url(engine_url + "azure-devops/")


def test_feedback_links_need_a_repository(page: Any, site_url: str) -> None:
    """The shipped configuration names no repository: no feedback or issue link shows,
    and "It fixed it" is one click that sends nothing."""
    page.goto(site_url + "azure-devops/troubleshooter/")
    walk_to_a_fix(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.get_by_role("button", name="It fixed it").click()
    assert page.locator(".kb-thanks").is_visible()
    assert requests == []
    assert page.locator("a", has_text="It didn't fix it").count() == 0
    hrefs = page.evaluate("Array.from(document.links, a => a.href)")
    assert not [h for h in hrefs if "example" in h or "issues/new" in h]


def test_feedback_urls_come_from_repo_url_and_refuse_other_schemes() -> None:
    assert links.issue_url({"repo_url": "https://github.com/org/kb/"}) == \
        "https://github.com/org/kb/issues/new?title={title}&body={body}"
    assert links.issue_url({"repo_url": "javascript:alert(1)//github.com/x"}) == ""
    assert links.new_entry_url({"extra": {"kb": {"new_entry_url": "javascript:alert(1)"}},
                                "repo_url": "https://gitlab.com/org/kb"}) == \
        "https://gitlab.com/org/kb/-/issues/new?title={title}&body={body}"
    assert links.issue_url({}) == "" and links.site_url({"site_url": "ftp://x/"}) == ""


@default_engine_only
def test_crumb_names_the_message_filtered_for(page: Any, engine_url: str) -> None:
    page.goto(engine_url + "azure-devops/troubleshooter/")
    page.locator("#kb-tree[data-ready]").wait_for()
    page.fill("#kb-filter", "AADSTS7000222")
    page.locator(".kb-answer:visible").first.click()
    crumb = page.locator(".kb-crumb-a").first
    assert "7000222" in crumb.inner_text()


@default_engine_only
def test_a_shared_link_shows_only_its_own_answers(page: Any, engine_url: str) -> None:
    page.goto(engine_url + "azure-devops/troubleshooter/")
    page.locator("#kb-tree[data-ready]").wait_for()
    walk_to_a_fix(page)
    here = page.url
    shared = here.rsplit("/", 1)[0]  # a shorter path, as someone else would share it
    page.goto("about:blank")
    page.goto(here)
    page.evaluate("u => { location.href = u; }", shared)
    page.wait_for_url(shared)
    page.wait_for_timeout(300)
    assert page.locator(".kb-crumbs .kb-later").count() == 0
    assert "kept from before" not in page.locator("#kb-tree").inner_text()


def test_file_url_pages_show_the_version(browser: Any, engine_site: Path) -> None:
    context = browser.new_context(viewport=SIZES["mobile"])
    try:
        tab = context.new_page()
        tab.goto((engine_site / "tfs-2018" / "azure-rm-endpoint" / "index.html").as_uri())
        badge = tab.locator(".kb-version-badge")
        assert badge.is_visible() and badge.inner_text() == "TFS 2018"
    finally:
        context.close()


@default_engine_only
def test_troubleshooter_names_the_versions_that_match(page: Any, engine_url: str) -> None:
    page.goto(engine_url + "tfs-2018/troubleshooter/")
    page.locator("#kb-tree[data-ready]").wait_for()
    page.fill("#kb-filter", "AADSTS70025: Client application has no configured federated "
                            "identity credentials")
    first = page.locator(".kb-elsewhere-link").first
    first.wait_for()
    href = first.get_attribute("href") or ""
    assert href.endswith("/workload-identity/#nofederatedcredentials")
    assert "/tfs-2018/" not in href
