"""The served site in Debian's chromium: search, version switching, no foreign requests.

On the snapshot of the shipped knowledge base, so that new entries never change a ranking.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.requests_seen = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requests_seen.append(request.url))
    try:
        yield page
    finally:
        context.close()


def search(page: Any, query: str) -> list[str]:
    """Type a query into the site's search box; the result links, in the order shown."""
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")  # the shortcut focuses the search box
    page.keyboard.type(query)
    page.locator("#__kb-search-results .kb-search__pages a.kb-search__link").first.wait_for(
        timeout=15000)
    return [a.get_attribute("href") or "" for a in
            page.locator("#__kb-search-results a.kb-search__link").all()]


def test_search_box_finds_an_error_code(page: Any, snapshot_url: str) -> None:
    page.goto(snapshot_url + "azure-devops/")
    links = search(page, "AADSTS7000215")
    # The error lookup's match first, then the full-text results.
    assert links[0].endswith("azure-rm-endpoint/#autoCreatedSecretExpiration")
    assert [link for link in links[1:] if link.startswith("/azure-devops/")]


def test_every_request_stays_on_127_0_0_1(page: Any, snapshot_url: str) -> None:
    for path in ("azure-devops/", "azure-devops/azure-rm-endpoint/", "tfs-2018/",
                 "tfs-2018/azure-rm-endpoint/", ""):
        page.goto(snapshot_url + path)
        page.wait_for_load_state("networkidle")
    search(page, "refresh token")
    hosts = {urlsplit(url).hostname for url in page.requests_seen
             if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}
    assert len(page.requests_seen) > 10


def test_root_redirects_to_the_default_version(page: Any, snapshot_url: str) -> None:
    page.goto(snapshot_url)
    page.wait_for_url(snapshot_url + "azure-devops/")
    assert page.title().startswith("Troubleshooting knowledge base")


def test_version_selector_keeps_the_current_page(page: Any, snapshot_url: str) -> None:
    page.goto(snapshot_url + "azure-devops/azure-rm-endpoint/")
    selector = page.locator(".md-version__current")
    selector.wait_for(timeout=15000)
    assert selector.inner_text().strip().startswith("Azure DevOps Services")
    selector.focus()  # opens the list, like hovering it
    page.locator(".md-version__link", has_text="TFS 2018").click()
    page.wait_for_url(snapshot_url + "tfs-2018/azure-rm-endpoint/")
    assert page.locator(".kb-version-banner").is_visible()


def test_version_selector_says_when_the_page_is_not_there(page: Any,
                                                          snapshot_url: str) -> None:
    page.goto(snapshot_url + "azure-devops/azure-rm-endpoint/")
    page.locator(".md-version__current").focus()
    page.locator(".md-version__link", has_text="TFS 2013").click()
    page.wait_for_url(snapshot_url + "tfs-2013/not-in-this-version/"
                      "?page=azure-rm-endpoint%2F&from=azure-devops")
    page.locator("#kb-missing-versions li").first.wait_for()
