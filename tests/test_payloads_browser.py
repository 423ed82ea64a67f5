"""Hostile text in every field and every reader input, in Debian's chromium.

A knowledge base built from a catalogue whose every plain-text field holds an attack (30
payloads per field kind: titles, messages, link titles and URLs, topic title, description
and navigation title, moniker titles, tree questions, settings URLs) and whose Markdown
fields hold them too; then every page type is opened and every reader input (lookup
paste, troubleshooter filter and URL fragment, the search box) is fed the same payloads.
The entries share a few topics, whose titles hold several payloads each (as the moniker
titles do), so that a few pages show every payload.
No dialog opens, no payload's script runs, and no element a plain-text payload describes
appears: plain text stays text. Markdown may carry HTML by design, so its elements may
appear, but their scripts never run (the Content-Security-Policy). The site is built by each
engine (`kb build --engine`).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import ENGINES, ROOT, serve
from tests.helpers import LOOKUP_DONE
from tests.helpers_cli import MINIMAL, kb

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

RUN = "window.__kbPwned=1;alert(1)"
# Each payload names the marker class %K and runs %R; plain-text fields use kbinj (never an
# element), Markdown fields kbmd (elements allowed, scripts never run).
PAYLOADS = [
    "<img src=x class=%K onerror=%R>",
    "<svg class=%K onload=%R>",
    '"><img src=x class=%K onerror=%R>',
    "'><svg class=%K onload=%R>",
    "<script class=%K>%R</script>",
    "</title><script class=%K>%R</script>",
    "</script><script class=%K>%R</script>",
    "<iframe class=%K src=javascript:%R></iframe>",
    "<details class=%K open ontoggle=%R>",
    "<a class=%K href=javascript:%R>x</a>",
    "[click](javascript:%R)",
    "<math><mi class=%K xlink:href=javascript:%R>x</mi></math>",
    "{{ 7*7 }}<span class=%K>{% if 1 %}x{% endif %}</span>",
    "<input class=%K autofocus onfocus=%R>",
    "<video class=%K><source onerror=%R></video>",
    "<object class=%K data=javascript:%R></object>",
    "<form class=%K action=javascript:%R><button>x</button></form>",
    "javascript:%R//<b class=%K>",
    "&lt;img src=x class=%K onerror=%R&gt;",
    "&#60;img src=x class=%K onerror=%R&#62;",
    "<IMG SRC=x CLASS=%K ONERROR=%R>",
    "<img/src=x/class=%K/onerror=%R>",
    "<marquee class=%K onstart=%R>",
    "\\u003cimg src=x class=%K onerror=%R\\u003e",
    "</textarea><img src=x class=%K onerror=%R>",
    '"};%R;var x={"a":"<b class=%K>',
    "<!--<img src=x class=%K onerror=%R>-->",
    '<noscript><p title="</noscript><img src=x class=%K onerror=%R>">',
    "Title { .%K onclick=%R }",
    "*<b class=%K>bold</b>* `<i class=%K>` ![x](javascript:%R)",
    "<body class=%K onload=%R>",
    "<style class=%K>*{background:url(javascript:%R)}</style>",
]
assert len(PAYLOADS) >= 30
TOPICS = 4  # entry n is in topic t{n % TOPICS}


def payload(number: int, marker: str = "kbinj") -> str:
    return PAYLOADS[number % len(PAYLOADS)].replace("%K", marker).replace("%R", RUN)


def message(text: str) -> str:
    """A payload as a message template: braces are placeholder syntax, so doubled."""
    return text.replace("{", "{{").replace("}", "}}")


def y(value: str, braces: bool = True) -> str:
    """A YAML double-quoted scalar (JSON strings are YAML); catalogue texts may hold
    `{name}` placeholders, so their braces are doubled to stay literal."""
    return json.dumps(message(value) if braces else value)


def write_repo(root: Path) -> Path:
    repo = root / "repo"
    subprocess.run(["cp", "-r", str(MINIMAL), str(repo)], check=True)
    # The project's theme (overrides/): it links the lookup and troubleshooter pages' scripts
    # (named in their front matter) and prints the header's search box.
    subprocess.run(["cp", "-r", str(ROOT / "overrides"), str(repo / "overrides")], check=True)
    mkdocs_yml = repo / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text().replace(
        "  font: false\n", "  font: false\n  custom_dir: overrides\n", 1))
    catalogue = repo / "catalogue"
    subprocess.run(["rm", "-rf", str(catalogue / "demo")], check=True)
    titles = ["".join(payload(n) for n in range(k, len(PAYLOADS), 3)) for k in range(3)]
    (catalogue / "products.yml").write_text(
        "products:\n  - id: demo\n    title: Demo product\n    monikers:\n"
        + "".join(f"      - id: demo-{k + 1}\n        title: {y(f'Demo {k + 1} ' + t, False)}\n"
                  for k, t in enumerate(titles))
        + "default: demo-3\naliases:\n  - name: latest\n    moniker: demo-3\n")
    for k in range(TOPICS):
        folder = catalogue / f"t{k}"
        folder.mkdir()
        mine = range(k, len(PAYLOADS), TOPICS)
        (folder / "_topic.yml").write_text(
            f"id: t{k}\ntitle: {y(f'Topic {k} ' + ''.join(payload(n) for n in mine))}\n"
            f"nav_title: {y(f'Nav {k} ' + ''.join(payload(n + 1) for n in mine))}\n"
            f"description: {y(f'About {k} ' + ''.join(payload(n + 2) for n in mine))}\n")
    for n in range(len(PAYLOADS)):
        folder = catalogue / f"t{n % TOPICS}"
        (folder / f"e{n}.yml").write_text(f"""id: e{n}
title: {y(f'Error {n} ' + payload(n))}
messages:
  - {y(f'E{n:04d}: failure ' + payload(n))}
summary: {y(f'Summary {n} ' + payload(n, 'kbmd'))}
causes:
  - id: c{n}a
    title: {y(f'Cause {n} ' + payload(n + 1))}
    check: {y(f'Question {n} ' + payload(n + 2) + '?')}
    fixes:
      - title: {y(f'Fix {n} ' + payload(n + 3))}
        steps:
          - {y(f'Step {n} ' + payload(n, 'kbmd'))}
        takes_effect: {y(f'Soon {n} ' + payload(n + 4))}
        links:
          - title: {y(f'Link {n} ' + payload(n + 5))}
            url: {y('https://example.org/' + quote(payload(n + 6), safe='') + '/' + payload(n))}
  - id: c{n}b
    title: {y(f'Other cause {n} ' + payload(n + 7))}
    check: {y(f'Other question {n} ' + payload(n + 8) + '?')}
    fixes:
      - title: {y(f'Other fix {n} ' + payload(n + 9))}
        steps: [{y(f'Other step {n}')}]
related:
  - title: {y(f'Related {n} ' + payload(n + 10))}
    url: {y('https://example.org/?q=' + payload(n + 11))}
""")
    (repo / "content" / "index.md").write_text(
        "---\ntitle: Home\n---\n\n# Home\n\nStart with [the first topic](t0.md).\n")
    settings = "".join(payload(n) for n in range(len(PAYLOADS)))
    new_entry = y("javascript:" + RUN + "//" + settings + "{title}", False)
    feedback = y("https://example.org/?x=" + settings + "&t={title}", False)
    mkdocs = repo / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text() + "extra:\n  kb:\n"
                      f"    new_entry_url: {new_entry}\n    feedback_url: {feedback}\n")
    return repo


@pytest.fixture(scope="module", params=ENGINES)
def hostile_site(tmp_path_factory: pytest.TempPathFactory,
                 request: pytest.FixtureRequest) -> Iterator[tuple[str, Path]]:
    repo = write_repo(tmp_path_factory.mktemp("payloads"))
    build = kb("build", "--engine", request.param, cwd=repo, timeout=900)
    assert build.code == 0, build.stderr
    check = kb("check", cwd=repo, timeout=900)
    assert "Traceback" not in check.stderr
    for url in serve(repo / "site"):
        yield url, repo


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    try:
        yield page
    finally:
        context.close()


def assert_clean(page: Any, where: str) -> None:
    assert page.dialogs == [], where
    assert page.evaluate("window.__kbPwned") is None, where
    assert page.locator(".kbinj").count() == 0, where


def test_plain_text_fields_stay_text_on_every_page(page: Any, hostile_site: tuple[str, Path]
                                                   ) -> None:
    url, _ = hostile_site
    pages = ["", "latest/", "demo-3/", "demo-1/", "demo-2/t3/", "demo-3/lookup/",
             "demo-3/troubleshooter/", "demo-3/404.html",
             *[f"demo-3/t{k}/" for k in range(TOPICS)]]
    for path in pages:
        page.goto(url + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)
        assert_clean(page, path)
    # The text is there, as text: a title shows its payload literally.
    page.goto(url + "demo-3/t0/")
    assert payload(0) in page.locator("h1").inner_text()
    # Markdown fields may hold elements (reviewed like code), but their scripts never run.
    page.goto(url + "demo-3/t1/")
    page.wait_for_timeout(100)
    assert_clean(page, "markdown")
    # The version selector lists the moniker titles from versions.json.
    page.locator(".md-version__current").wait_for(timeout=15000)
    page.locator(".md-version__current").focus()
    page.locator(".md-version__link").first.wait_for()
    assert_clean(page, "version selector")


# What readers type goes to the project's own scripts, whichever engine built the page.
@pytest.mark.parametrize("hostile_site", ENGINES[:1], indirect=True)
def test_reader_inputs_stay_text(page: Any, hostile_site: tuple[str, Path]) -> None:
    url, _ = hostile_site
    page.goto(url + "demo-3/lookup/")
    page.wait_for_selector("html[data-kb-lookup='ready']", state="attached")
    for n in range(len(PAYLOADS)):
        # With an error code, the payload shows as the matched line and as a value.
        page.fill("#kb-lookup-input", f"E{n:04d}: failure {payload(n)}\n{payload(n + 1)}")
        page.click("#kb-lookup-submit")
        page.wait_for_function(LOOKUP_DONE)
        assert_clean(page, f"lookup {n}")
    page.fill("#kb-lookup-input", payload(0))  # nothing matches: the propose link shows
    page.click("#kb-lookup-submit")
    page.wait_for_function(LOOKUP_DONE)
    propose = page.locator("#kb-lookup-propose a")
    if propose.count():
        propose.first.click()
        page.wait_for_timeout(200)
    assert_clean(page, "propose link")

    page.goto(url + "demo-3/troubleshooter/")
    page.locator("#kb-tree[data-ready]").wait_for()
    for n in range(len(PAYLOADS)):
        page.locator("#kb-filter").fill(payload(n))
        assert_clean(page, f"filter {n}")
    for n in range(len(PAYLOADS)):
        page.goto(url + "demo-3/troubleshooter/#/" + quote(payload(n), safe=""))
        page.locator("#kb-tree[data-ready]").wait_for()
        page.goto(url + "demo-3/troubleshooter/#/e0/" + payload(n))
        page.wait_for_timeout(30)
        assert_clean(page, f"fragment {n}")
    page.goto(url + "demo-3/troubleshooter/#/e0")
    page.locator("#kb-tree[data-ready]").wait_for()
    page.locator(".kb-answer").first.click()
    page.wait_for_timeout(100)
    assert_clean(page, "tree questions")

    page.goto(url + "demo-3/")
    page.wait_for_load_state("networkidle")
    # The project's search box (the error matcher, then full-text search), in either engine:
    # each payload's results shown once both parts have answered (KBSearch.run: the code
    # path of typing, without the pause that waits for the next keystroke).
    page.wait_for_function("() => window.KBSearch !== undefined")
    for n in range(len(PAYLOADS)):
        page.evaluate("q => window.KBSearch.run(q)", payload(n))
        assert_clean(page, f"search {n}")
    page.fill("#__kb-search-input", "E0001: failure")
    page.locator("#__kb-search-results .kb-search__item--error a").first.wait_for()
    assert_clean(page, "search results")
    # Material's own search box, where the site keeps Material's search plugin.
    if page.locator(".md-search__input").count():
        page.keyboard.press("/")
        for n in range(len(PAYLOADS)):
            page.fill(".md-search__input", payload(n))
            page.wait_for_timeout(100)
            assert_clean(page, f"Material's search {n}")


def test_kb_check_flags_the_hostile_settings_and_markdown(hostile_site: tuple[str, Path]
                                                          ) -> None:
    _, repo = hostile_site
    check = kb("check", cwd=repo, timeout=900)
    lines = check.stderr.splitlines()
    assert any(": error: extra.kb.new_entry_url: " in line for line in lines), check.stderr
    assert any(line.startswith("catalogue/t0/e0.yml:") and "active content" in line
               for line in lines)
