"""The troubleshooter in Debian's chromium: the site page and the one-file version (on the
snapshot of the shipped knowledge base, whose seed errors the walks follow; the tests taking
`engine_url` run on the build of each engine)."""

from __future__ import annotations

import contextlib
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.catalogue.resolve import resolve
from generator.core.project import Project
from generator.features.lookup.index import build_index
from generator.features.lookup.match import Matcher
from generator.features.tree.derive import derive
from generator.features.tree.export import opened
from generator.features.tree.walk import filter_messages
from tests.conftest import FIXTURES, ROOT, default_engine_only, page_errors, serve_with
from tests.helpers_cli import fixture_repo
from tests.test_tree_derive import FILTER_VECTORS, catalogue_of
from tests.test_tree_export import tree_files

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PRIVILEGES = "Insufficient privileges to complete the operation."
# The seed's errors: the answers that lead to each cause, and a step of its fix.
SEED = [
    ([PRIVILEGES, "Yes"], "guestonly", "The user has only guest permission in the directory",
     "Set Guest user permissions are limited to No."),
    ([PRIVILEGES, "No", "Yes"], "notauthtoadd",
     "The user is not authorized to add applications in the directory",
     "set Users can register applications to Yes."),
    (["Failed to obtain an access token", "Yes"], "expiredsession",
     "Your sign-in session has expired", "Sign in with the right credentials."),
    (["Failed to assign Contributor role", "Yes"], "nowritepermission",
     "You don't have Write permission on the subscription",
     "Once the role is assigned, create the service connection again."),
]


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: Any) -> Any:
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def open_tree(page: Any, url: str) -> None:
    """Open the troubleshooter and wait until its first question shows and its whole data
    is open (answers given earlier wait for it: see the tests of that)."""
    page.goto(url)
    page.locator("#kb-tree[data-ready][data-open]").wait_for()


def choose(page: Any, label: str) -> None:
    """Click the answer whose first line is `label`, as a reader would."""
    first = page.locator(".kb-label > span:first-child",
                         has_text=re.compile("^" + re.escape(label) + "$"))
    page.locator(".kb-answer", has=first).click()


def heading(page: Any) -> str:
    return str(page.locator("#kb-heading").inner_text()).strip()


def shows(locator: Any, text: str) -> None:
    """`locator` shows `text` on screen. Answers lay out lazily (content-visibility), so
    the text is rendered a frame after the answer is drawn: wait for it, as a reader's eye
    would."""
    from playwright.sync_api import expect

    expect(locator).to_contain_text(text, use_inner_text=True)


def fragment(page: Any) -> str:
    return urlsplit(page.url).fragment


def topic_ids(site: Path, version: str) -> set[str]:
    tree = HTMLParser((site / version / "azure-rm-endpoint" / "index.html").read_text())
    return {n.attributes.get("id") or "" for n in tree.css("[id]")}


@pytest.mark.parametrize("version", ["tfs-2015", "tfs-2018", "azure-devops"])
def test_walk_to_each_seed_cause_shows_its_fix(page: Any, engine_url: str, engine_site: Path,
                                               version: str) -> None:
    anchors = topic_ids(engine_site, version)
    open_tree(page, f"{engine_url}{version}/troubleshooter/")
    for answers, cause, title, step in SEED:
        # Each walk from the first question: the page follows its address (#/ is the start).
        page.goto(f"{engine_url}{version}/troubleshooter/#/")
        for label in answers:
            choose(page, label)
        assert heading(page) == title
        fixes = page.locator(".kb-fixes")
        assert step in fixes.inner_text()
        if cause in ("guestonly", "notauthtoadd"):
            directory = "Microsoft Entra ID" if version == "azure-devops" \
                else "Azure Active Directory"
            assert f"Select {directory} in the left navigation bar." in fixes.inner_text()
        # The leaf links to the cause and to each fix on this version's topic page.
        on_site = page.get_by_role("link", name="Read it on the site")
        assert on_site.evaluate("a => a.href") == \
            f"{engine_url}{version}/azure-rm-endpoint/#{cause}"
        links = page.locator(".kb-on-site a").all()
        assert len(links) == page.locator(".kb-fixes > .kb-fix").count() >= 1
        for link in links:
            href = link.evaluate("a => a.href")
            assert href.startswith(f"{engine_url}{version}/azure-rm-endpoint/#")
            assert href.split("#")[1] in anchors
        assert cause in anchors
    assert page.errors == []


@default_engine_only
def test_fix_feedback_opens_a_prefilled_issue(page: Any, engine_url: str) -> None:
    """With repo_url set (the snapshot's configuration), "It didn't fix it" opens a
    prefilled issue there."""
    open_tree(page, f"{engine_url}azure-devops/troubleshooter/#/privileges/no/yes")
    fixed = page.get_by_role("link", name="It didn't fix it").get_attribute("href")
    url = urlsplit(fixed)
    assert (url.scheme, url.netloc, url.path) == ("https", "github.com", "/example/kb/issues/new")
    query = parse_qs(url.query)
    assert query["title"] == ["Not fixed: Insufficient privileges to complete the operation "
                              "(privileges#notauthtoadd, azure-devops)"]
    body = query["body"][0]
    assert "Answers: privileges/no/yes" in body
    assert "Cause: The user is not authorized to add applications in the directory" in body
    assert "  1. Select Microsoft Entra ID in the left navigation bar." in body
    not_fixed = parse_qs(urlsplit(page.get_by_role("link", name="It didn't fix it")
                                  .get_attribute("href")).query)
    assert not_fixed["title"][0].startswith("Not fixed: ")


@default_engine_only
def test_back_forward_and_reload_follow_the_url(page: Any, engine_url: str) -> None:
    open_tree(page, f"{engine_url}azure-devops/troubleshooter/")
    for label in (PRIVILEGES, "No", "Yes"):
        choose(page, label)
    assert fragment(page) == "/privileges/no/yes"
    page.go_back()
    page.wait_for_function("() => location.hash === '#/privileges/no'")
    assert heading(page) == "Is Users can register applications set to No in the directory?"
    assert page.evaluate("document.activeElement.id") == "kb-heading"
    page.go_back()
    page.wait_for_function("() => location.hash === '#/privileges'")
    assert heading(page) == "Is your account a guest user in the directory of the subscription?"
    page.go_forward()
    page.go_forward()
    page.wait_for_function("() => location.hash === '#/privileges/no/yes'")
    assert heading(page) == "The user is not authorized to add applications in the directory"
    page.reload()
    page.locator("#kb-tree[data-ready]").wait_for()
    assert heading(page) == "The user is not authorized to add applications in the directory"
    assert [c.inner_text().replace("\n", " ") for c in page.locator(".kb-crumb").all()] == [
        f"Which message do you see? {PRIVILEGES}",
        "Is your account a guest user in the directory of the subscription? No",
        "Is Users can register applications set to No in the directory? Yes",
    ]
    page.get_by_role("button", name="Start again").click()
    assert fragment(page) == "" and heading(page) == "Which message do you see?"


@default_engine_only
def test_breadcrumbs_jump_back_and_keep_later_answers(page: Any, engine_url: str) -> None:
    open_tree(page, f"{engine_url}azure-devops/troubleshooter/#/privileges/no/yes")
    page.locator(".kb-crumb").first.click()
    assert heading(page) == "Which message do you see?" and fragment(page) == ""
    assert page.locator(".kb-later").count() == 3
    chosen = page.locator(".kb-answer.kb-chosen")
    chosen.wait_for()
    assert "Insufficient privileges" in chosen.text_content()
    page.locator(".kb-crumb").nth(2).click()  # forward again, to a kept answer
    assert fragment(page) == "/privileges/no"
    assert heading(page) == "Is Users can register applications set to No in the directory?"
    shows(page.locator(".kb-answer.kb-chosen"), "your earlier answer")
    page.locator(".kb-crumb").nth(1).click()
    choose(page, "Yes")  # another answer: the path changes, the fix too
    assert fragment(page) == "/privileges/yes"
    assert heading(page) == "The user has only guest permission in the directory"
    assert page.locator(".kb-crumb").count() == 2


@default_engine_only
def test_reader_can_copy_what_they_tried(browser: Any, engine_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        open_tree(page, f"{engine_url}azure-devops/troubleshooter/#/privileges/no/yes")
        page.get_by_role("button", name="Copy what I tried").click()
        text = page.locator("#kb-copy-text").input_value()
        assert text.startswith(
            "Troubleshooting knowledge base: troubleshooter for Azure DevOps Services "
            "(azure-devops)\n\n"
            f"1. Which message do you see?\n   {PRIVILEGES}\n"
            "2. Is your account a guest user in the directory of the subscription?\n   No\n"
            "3. Is Users can register applications set to No in the directory?\n   Yes\n\n"
            "Cause: The user is not authorized to add applications in the directory\n"
            "Error: Insufficient privileges to complete the operation\n\n"
            "Let users register applications\n"
            "  1. Select Microsoft Entra ID in the left navigation bar.\n")
        assert text.endswith(
            "Answers: privileges/no/yes\n"
            "Troubleshooter: https://kb.example.org/azure-devops/troubleshooter/"
            "#/privileges/no/yes")
        page.wait_for_function("() => document.querySelector('[data-action=copy]').textContent "
                               "=== 'Copied'")
        assert page.evaluate("navigator.clipboard.readText()") == text
    finally:
        context.close()


CRAFTED = [
    "/%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E",
    "/privileges/%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E",
    '/privileges/yes"><svg/onload=window.__pwned=1>',
    "/<img src=x onerror=window.__pwned=1>",
    "/privileges/%E0%A4%A",
    "/__proto__/constructor",
]


@pytest.mark.parametrize("crafted", CRAFTED)
def test_a_crafted_fragment_runs_no_script(page: Any, engine: str, engine_url: str,
                                           crafted: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_tree(page, f"{engine_url}azure-devops/troubleshooter/#{crafted}")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == [] and page_errors(engine, page.errors) == []
    tree = page.locator("#kb-tree")
    assert tree.locator("img, svg, script, iframe").count() == 0
    assert page.locator(".kb-notice").is_visible()
    assert "pwned" not in tree.inner_html()
    assert heading(page) in ("Which message do you see?",
                             "Is your account a guest user in the directory of the subscription?")


def test_keyboard_only_with_visible_focus(page: Any, snapshot_site: Path) -> None:
    snapshot_repo = snapshot_site.parent
    open_tree(page, (snapshot_site / "azure-devops" / "decision-tree.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "kb-filter"
    page.keyboard.type("Contributor")
    total = len(derive(catalogue_of(snapshot_repo), "azure-devops").root.choices) - 1
    assert page.locator("#kb-count").inner_text() == f"1 of {total} messages match."
    page.keyboard.press("ArrowDown")
    assert "Failed to assign Contributor role" in page.evaluate("document.activeElement.innerText")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "kb-heading"
    assert heading(page) == \
        "Does your account lack Write permission on the selected Azure subscription?"
    page.keyboard.press("Tab")  # the first answer comes next
    page.keyboard.press("Enter")
    assert heading(page) == "You don't have Write permission on the subscription"
    assert page.evaluate("document.activeElement.id") == "kb-heading"
    # Arrow keys move between answers; Enter in the filter picks the only match.
    page.get_by_role("button", name="Start again").click()
    page.locator("#kb-filter").fill("AADSTS7000112")
    page.keyboard.press("Enter")
    assert heading(page) == "Does the message end with AADSTS7000112: Application is disabled?"
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert heading(page) == ("Has the connection's secret expired, or did its service "
                             "principal change in the directory?")


def test_usable_at_320_pixels(browser: Any, engine_url: str, engine_site: Path) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        for url in (f"{engine_url}azure-devops/troubleshooter/#/privileges/yes",
                    (engine_site / "azure-devops" / "decision-tree.html").as_uri()
                    + "#/privileges/yes"):
            open_tree(page, url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
            box = page.locator("#kb-tree").bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
            for answer in page.locator(".kb-actions button").all():
                assert answer.bounding_box()["height"] >= 40  # easy to hit
    finally:
        context.close()


def test_print_view_shows_the_path_and_the_fix_only(page: Any, engine_url: str) -> None:
    open_tree(page, f"{engine_url}azure-devops/troubleshooter/#/privileges/no/yes")
    page.emulate_media(media="print")
    for hidden in (".kb-tools", ".kb-actions", ".kb-outcome"):
        assert not page.locator(hidden).is_visible()
    assert page.locator(".kb-crumbs").is_visible()
    assert page.locator(".kb-steps").first.is_visible()


LOG_LINE = ("2026-03-12T09:41:07.5512345Z ##[error]AADSTS7000222: The provided client "
            "secret keys for app '0f3a1c2e-1111-2222-3333-444455556666' are expired. "
            "Trace ID: 12345678-aaaa-bbbb-cccc-1234567890ab")
# A misspelt message: only the lookup matcher's near misses find it.
MISSPELT = "Insuficient privilegs to complete the operation"


@default_engine_only
def test_filter_agrees_with_the_python_filter(page: Any, engine_url: str,
                                              snapshot_repo: Path) -> None:
    catalogue = catalogue_of(snapshot_repo)
    root = derive(catalogue, "azure-devops").root
    lookup = Matcher(build_index(catalogue, resolve(catalogue, "azure-devops"),
                                 "azure-devops", ""))
    open_tree(page, f"{engine_url}azure-devops/troubleshooter/")
    for query in ["AADSTS7000215", "token", "insufficient privileges", "JWT",
                  "AADSTS7000222: The provided client secret keys for app 'abc' are expired",
                  LOG_LINE, MISSPELT, "7000112", "zzz", ""]:
        page.locator("#kb-filter").fill(query)
        shown = page.locator(".kb-answer:visible").evaluate_all(
            "buttons => buttons.map(b => b.dataset.key)")
        expected = [c.key for c, ok in zip(
            root.choices, filter_messages(root.choices, query, lookup), strict=True) if ok]
        assert shown == expected, query
    # The matcher finds what the substring filter alone cannot.
    page.locator("#kb-filter").fill(MISSPELT)
    assert page.locator(".kb-answer:visible").evaluate_all(
        "buttons => buttons.map(b => b.dataset.key)") == ["privileges", "_none"]
    assert [c.key for c, ok in zip(root.choices, filter_messages(root.choices, MISSPELT),
                                   strict=True) if ok] == ["_none"]


@default_engine_only
def test_version_without_tree_says_so(page: Any, engine_url: str) -> None:
    open_tree(page, f"{engine_url}tfs-2013/troubleshooter/")
    assert heading(page) == "No decision tree for TFS 2013"
    assert "this topic covers TFS 2015 to Azure DevOps Services." in \
        page.locator(".kb-missing").inner_text()


def test_topics_without_a_tree_in_the_version_say_so(page: Any, site_url: str) -> None:
    catalogue = catalogue_of(ROOT)
    oldest = catalogue.products.monikers[0]
    tree = derive(catalogue, oldest.name)
    open_tree(page, f"{site_url}{oldest.name}/troubleshooter/")
    expected = (f"No decision tree for {oldest.title}" if tree.empty
                else "Which message do you see?")
    assert heading(page) == expected
    missing = page.locator(".kb-missing").inner_text() if tree.missing else ""
    for topic in catalogue.topics:
        if oldest.name not in topic.applies_to:
            assert f"{topic.nav_title or topic.title}: no decision tree for " \
                   f"{oldest.title}" in missing


# ---------------------------------------------------------------------------
# The single file alone: from file://, with every request watched.
# ---------------------------------------------------------------------------


def watched(context: Any) -> list[str]:
    """Every request of the context, routed or not."""
    seen: list[str] = []

    def record(route: Any) -> None:
        seen.append(route.request.url)
        route.continue_()

    context.route("**/*", record)
    context.on("request", lambda request: seen.append(request.url))
    return seen


def test_single_file_copied_alone_makes_no_request(context: Any, snapshot_site: Path,
                                                   tmp_path: Path) -> None:
    # The watch does see what a file:// page loads: a probe page with an image.
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "probe.html").write_text('<img src="missing.png"><p>probe</p>')
    seen = watched(context)
    page = context.new_page()
    page.goto((probe / "probe.html").as_uri())
    page.wait_for_load_state("load")
    assert any(url.endswith("/missing.png") for url in seen)
    seen.clear()
    alone = tmp_path / "elsewhere" / "troubleshooter.html"
    alone.parent.mkdir()
    shutil.copy(snapshot_site / "azure-devops" / "decision-tree.html", alone)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    open_tree(page, alone.as_uri())
    page.locator("#kb-filter").fill(MISSPELT)  # the lookup matcher is in the file too
    assert page.locator(".kb-answer:visible").evaluate_all(
        "buttons => buttons.map(b => b.dataset.key)") == ["privileges", "_none"]
    page.locator("#kb-filter").fill("Insufficient privileges")
    choose(page, PRIVILEGES)
    choose(page, "Yes")
    assert heading(page) == "The user has only guest permission in the directory"
    assert "Guest user permissions are limited" in page.locator(".kb-fixes").inner_text()
    page.get_by_role("button", name="Copy what I tried").click()
    page.go_back()
    page.reload()
    page.locator("#kb-tree[data-ready]").wait_for()
    assert heading(page) == "Is your account a guest user in the directory of the subscription?"
    assert {url.split("#")[0] for url in seen} <= {alone.as_uri()}
    assert not [m for m in console if "Content Security Policy" in m]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The one-file troubleshooter of the fixture catalogue (demo-3), written to disk."""
    repo = fixture_repo(tmp_path_factory.mktemp("demo"), FIXTURES / "tree" / "walk")
    catalogue = catalogue_of(repo)
    project = Project(repo)
    files = tree_files(project, catalogue, "demo-3")
    path = repo / "decision-tree.html"
    path.write_bytes(files["decision-tree.html"])
    return path.as_uri()


def test_later_answers_come_back_after_a_new_question(page: Any, demo_file: str) -> None:
    open_tree(page, demo_file + "#/service-down/no/yes")
    assert heading(page) == "The configuration has an error"
    page.locator(".kb-crumb").nth(1).click()
    choose(page, "I can't find the log")
    assert heading(page) == "Is the demo installed as a system service?"
    assert page.locator(".kb-later").count() == 0
    choose(page, "Yes")
    assert heading(page) == "Did you edit demo.conf since the last start?"
    shows(page.locator(".kb-answer.kb-chosen"), "your earlier answer")
    assert page.locator(".kb-later").count() == 1
    assert fragment(page) == "/service-down/no-log/yes"


def test_messages_show_as_text(page: Any, demo_file: str) -> None:
    open_tree(page, demo_file)
    from playwright.sync_api import expect

    # The answer lays out lazily (see `shows`): its text, once on screen, is the message.
    expect(page.locator(".kb-more")).to_have_text("Exit code 3 </script><b>not bold</b>",
                                                  use_inner_text=True)
    assert page.locator(".kb-answers b").count() == 0
    help_link = page.locator(".kb-help a")
    page.locator(".kb-answer").nth(1).click()
    assert help_link.get_attribute("href") == "demo/#errors"


@pytest.mark.parametrize(("query", "expected"), FILTER_VECTORS)
def test_filter_vectors(page: Any, demo_file: str, query: str, expected: list[str]) -> None:
    open_tree(page, demo_file)
    page.locator("#kb-filter").fill(query)
    shown = page.locator(".kb-answer:visible").evaluate_all(
        "buttons => buttons.map(b => b.dataset.key)")
    assert shown == [*expected, "_none"]
    data = opened(page.locator("#kb-tree-packed").text_content(),
                  page.locator("#kb-tree-rest").text_content())["tree"]
    assert data["moniker"] == "demo-3"


# Holds back the second piece of the data (the second text the page reads from a
# Response, which is how tree.js opens each piece) until the test lets it through.
HOLD_THE_REST = """(() => {
  const text = Response.prototype.text;
  let calls = 0, release;
  const gate = new Promise((resolve) => { release = resolve; });
  window.kbReleaseRest = () => release();
  Response.prototype.text = function () {
    calls += 1;
    const read = text.call(this);
    return calls === 2 ? gate.then(() => read) : read;
  };
})();"""


def test_the_first_question_shows_before_the_rest_and_an_early_answer_waits_for_it(
        page: Any, demo_file: str) -> None:
    """The first question needs only the data's first piece; an answer given before the
    second is open (the last one, if several) takes effect once it is, and the lookup
    index comes with the second."""
    from playwright.sync_api import expect

    page.add_init_script(HOLD_THE_REST)
    page.goto(demo_file)
    page.locator("#kb-tree[data-ready]").wait_for()
    first = heading(page)
    answers = page.locator(".kb-answer:not([data-key='_none'])")
    assert answers.count() > 1
    key = answers.nth(1).get_attribute("data-key")
    answers.first.click()
    answers.nth(1).click()  # a second thought: the last answer given is the one taken
    page.wait_for_timeout(200)
    assert page.locator("#kb-tree[data-open]").count() == 0
    assert (heading(page), page.evaluate("location.hash")) == (first, "")
    assert page.evaluate("window.KB_LOOKUP_INDEX") is None  # it comes with the rest
    page.evaluate("window.kbReleaseRest()")
    expect(page).to_have_url(re.compile("#/."))
    assert page.evaluate("decodeURIComponent(location.hash)") == f"#/{key}"
    assert heading(page) != first
    assert page.evaluate("window.KB_LOOKUP_INDEX.moniker") == "demo-3"
    assert page.locator("#kb-tree[data-open]").count() == 1
    assert page.errors == []


def test_the_filter_runs_again_once_the_lookup_index_is_open(
        page: Any, demo_file: str) -> None:
    """A misspelt message needs the lookup index (the matcher's nearest message): filtered
    before the index is open, it matches once it is."""
    from playwright.sync_api import expect

    query, expected = "Service web faild to start", ["service-down"]
    page.add_init_script(HOLD_THE_REST)
    page.goto(demo_file)
    page.locator("#kb-tree[data-ready]").wait_for()
    page.locator("#kb-filter").fill(query)
    visible = page.locator(".kb-answer:visible")
    assert visible.evaluate_all("buttons => buttons.map(b => b.dataset.key)") == ["_none"]
    page.evaluate("window.kbReleaseRest()")
    expect(visible).to_have_count(len(expected) + 1)
    assert visible.evaluate_all("buttons => buttons.map(b => b.dataset.key)") == [
        *expected, "_none"]


def test_an_address_with_answers_waits_for_the_whole_data(page: Any, demo_file: str) -> None:
    """A shared link's answers need the nodes: the page shows them once the rest is open."""
    open_tree(page, demo_file)
    first = heading(page)
    key = page.locator(".kb-answer:not([data-key='_none'])").first.get_attribute("data-key")
    page.goto("about:blank")
    page.add_init_script(HOLD_THE_REST)
    page.goto(f"{demo_file}#/{quote(key, safe='')}")
    page.wait_for_timeout(200)
    assert page.locator("#kb-tree[data-ready]").count() == 0
    page.evaluate("window.kbReleaseRest()")
    page.locator("#kb-tree[data-ready]").wait_for()
    assert heading(page) != first
    assert page.evaluate("decodeURIComponent(location.hash)") == f"#/{key}"
    assert page.errors == []


def test_the_one_file_shows_its_first_question_before_the_rest_of_it_arrives(
        page: Any, demo_file: str) -> None:
    """Served over a slow link, the one file's first question shows from the bytes before
    the data's second piece; the rest opens once the file is whole."""
    text = Path(urlsplit(demo_file).path).read_bytes()
    cut = text.index(b'<script type="application/gzip+base85" id="kb-tree-rest">')
    release = threading.Event()

    class Held(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text[:cut])
            self.wfile.flush()
            release.wait(30)
            self.wfile.write(text[cut:])

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with contextlib.contextmanager(serve_with)(Held) as url:
        try:
            page.goto(url + "decision-tree.html", wait_until="commit")
            page.locator("#kb-tree[data-ready] .kb-answer").first.wait_for(timeout=10_000)
            assert page.locator("#kb-tree[data-open]").count() == 0
            assert page.evaluate("document.readyState") == "loading"
        finally:
            release.set()
        page.locator("#kb-tree[data-open]").wait_for()
    assert page.errors == []


def test_opens_its_data_without_decompression_stream(page: Any, demo_file: str) -> None:
    """Where the browser has no DecompressionStream, the file's own inflater opens it."""
    page.add_init_script("delete window.DecompressionStream;")
    open_tree(page, demo_file)
    assert page.evaluate("typeof DecompressionStream") == "undefined"
    assert heading(page) == "Which message do you see?" or page.locator(".kb-answer").count() > 1
    page.locator("#kb-filter").fill("disk")
    assert page.errors == []


@default_engine_only
def test_the_page_opens_the_files_data_and_filters_without_decompression_stream(
        page: Any, engine_url: str) -> None:
    """The site page loads the single file's data (the tree and the lookup index, in the
    scripts of its two compressed pieces) and opens it with the same inflater; no index
    comes from elsewhere."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script("delete window.DecompressionStream;")
    open_tree(page, engine_url + "azure-devops/troubleshooter/")
    assert page.evaluate("typeof DecompressionStream") == "undefined"
    assert heading(page) == "Which message do you see?"
    data = [url for url in requested if "decision-tree" in url or "lookup-index" in url]
    assert data == [engine_url + "azure-devops/decision-tree.data.js",
                    engine_url + "azure-devops/decision-tree.rest.js"]
    # The lookup index in the data finds what the substring filter alone cannot.
    page.locator("#kb-filter").fill(MISSPELT)
    assert page.locator(".kb-answer:visible").evaluate_all(
        "buttons => buttons.map(b => b.dataset.key)") == ["privileges", "_none"]
    assert page.errors == []


@default_engine_only
def test_the_page_asks_for_the_rest_of_its_data_once_the_first_question_shows(
        page: Any, engine: str, engine_url: str) -> None:
    """On the site page a reader waits for the first piece's bytes alone: the second
    piece's script is requested once the first question is drawn, and an answer given
    before it arrives takes effect when it is open."""
    held: list[Any] = []
    page.route("**/decision-tree.rest.js", lambda route: held.append(route))
    page.goto(engine_url + "azure-devops/troubleshooter/")
    page.locator("#kb-tree[data-ready]").wait_for()
    for _ in range(200):  # a frame is drawn: the rest is asked for, and held here
        if held:
            break
        page.wait_for_timeout(50)
    page.wait_for_timeout(100)
    assert len(held) == 1
    assert page.locator("#kb-tree[data-open]").count() == 0
    assert heading(page) == "Which message do you see?"
    choose(page, PRIVILEGES)
    assert heading(page) == "Which message do you see?"
    held[0].continue_()
    page.locator("#kb-tree[data-open]").wait_for()
    assert heading(page) != "Which message do you see?"
    assert page.evaluate("window.KB_LOOKUP_INDEX.moniker") == "azure-devops"
    assert page_errors(engine, page.errors) == []


@default_engine_only
def test_the_page_says_so_when_the_rest_of_its_data_does_not_load(
        page: Any, engine_url: str) -> None:
    page.route("**/decision-tree.rest.js", lambda route: route.abort())
    page.goto(engine_url + "azure-devops/troubleshooter/")
    notice = page.locator("#kb-tree .kb-notice")
    notice.wait_for()
    assert "could not be loaded. Reload this page" in notice.inner_text()
    assert page.locator("#kb-tree[data-open]").count() == 0


def test_the_filter_takes_a_message_not_a_log(page: Any, demo_file: str) -> None:
    """The matcher runs at each keystroke: the filter holds at most 4,000 characters (a
    message; the "Paste your error" page reads logs)."""
    open_tree(page, demo_file)
    page.locator("#kb-filter").focus()
    page.keyboard.insert_text("No space left on device " * 400)  # as a paste does
    assert len(page.locator("#kb-filter").input_value()) == 4000
    shown = page.locator(".kb-answer:visible").evaluate_all(
        "buttons => buttons.map(b => b.dataset.key)")
    assert shown[0] != "_none"


# ---------------------------------------------------------------------------
# A long first question (hundreds of messages): drawn a slice at a time.
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """The one-file troubleshooter of a catalogue of 400 errors (the minimal fixture's
    entry, copied with its own message), and the keys of its first question's answers."""
    repo = fixture_repo(tmp_path_factory.mktemp("long"))
    demo = repo / "catalogue" / "demo"
    source = (demo / "disk-full.yml").read_text()
    for n in range(400):
        (demo / f"full-{n:03d}.yml").write_text(
            source.replace("id: disk-full", f"id: full-{n:03d}")
            .replace("id: logs", f"id: logs-{n:03d}")
            .replace("No space left on device", f"Volume {n:03d} has no space left")
            .replace("app.log: No space", f"app.log: Volume {n:03d} has no space"))
    catalogue = catalogue_of(repo)
    path = repo / "decision-tree.html"
    path.write_bytes(tree_files(Project(repo), catalogue, "demo-3")["decision-tree.html"])
    return path.as_uri(), [c.key for c in derive(catalogue, "demo-3").root.choices]


def test_a_long_first_question_shows_its_first_answers_then_the_rest(
        page: Any, long_file: tuple[str, list[str]]) -> None:
    """The question is ready with its first answers; the others follow in slices, as the
    page's timers run (run here by hand), in the tree's order."""
    url, keys = long_file
    page.clock.install(time=0)
    page.clock.pause_at(1000)  # the page's timers fire only when run below
    page.goto(url)  # (the data's second piece is opened after a timer too)
    page.locator("#kb-tree[data-ready]").wait_for()
    first = page.locator(".kb-answer").count()
    assert 0 < first < len(keys) and not page.locator("#kb-tree[data-complete]").count()
    assert page.locator(".kb-answer").evaluate_all(
        "buttons => buttons.map(b => b.dataset.key)") == keys[:first]
    page.clock.run_for(5000)
    page.locator("#kb-tree[data-complete]").wait_for(state="attached")
    assert page.locator(".kb-answer").evaluate_all(
        "buttons => buttons.map(b => b.dataset.key)") == keys
    assert page.locator(".kb-answer .kb-number").last.text_content() == f"{len(keys)}."


def test_the_filter_and_the_keyboard_see_answers_not_drawn_yet(
        page: Any, long_file: tuple[str, list[str]]) -> None:
    url, keys = long_file
    page.clock.install(time=0)
    page.clock.pause_at(1000)  # no slice is drawn unless something asks for the rest
    page.goto(url)  # nor is the data's second piece opened: the filter works without it
    page.locator("#kb-tree[data-ready]").wait_for()
    assert page.locator(".kb-answer[data-key='full-399']").count() == 0
    page.locator("#kb-filter").fill("Volume 399 has no space")
    assert page.locator(".kb-answer:visible").evaluate_all(
        "buttons => buttons.map(b => b.dataset.key)") == ["full-399", "_none"]
    page.reload()
    page.locator("#kb-tree[data-ready]").wait_for()
    page.locator(".kb-answer").first.focus()
    page.keyboard.press("End")  # the last answer: "my message isn't listed"
    assert page.evaluate("document.activeElement.dataset.key") == keys[-1]
    assert page.locator("#kb-tree[data-complete]").count() == 1
