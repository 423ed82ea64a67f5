"""The "paste your error" page in Debian's chromium: over HTTP, from disk (built by each
engine), and safe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import default_engine_only
from tests.helpers import LOOKUP_DONE

pytestmark = pytest.mark.browser

# A realistic Azure Pipelines log: timestamps, colour codes, GUIDs, masked values.
LOG = (
    "2025-03-12T09:40:58.1184512Z ##[section]Starting: AzureCLI\n"
    "2025-03-12T09:40:58.1190427Z Task         : Azure CLI\n"
    "2025-03-12T09:40:58.1190843Z Version      : 2.250.1\n"
    "2025-03-12T09:41:02.4451238Z [command]/usr/bin/az login --service-principal -u *** "
    "--password=*** --tenant 72f988bf-86f1-41af-91ab-2d7cd011db47\n"
    "2025-03-12T09:41:07.2231846Z \x1b[31mERROR: AADSTS7000215: Invalid client secret "
    "provided. Ensure the secret being sent in the request is the client secret value, not the "
    "client secret ID, for a secret added to app '***'.\x1b[0m\n"
    "2025-03-12T09:41:07.2233102Z Trace ID: 0b3c5f0e-6c1d-4e8a-9b2f-3d4c5e6f7a8b\n"
    "2025-03-12T09:41:07.2233420Z Correlation ID: 1b4e28ba-2fa1-11d2-883f-0016d3cca427\n"
    "2025-03-12T09:41:07.2233811Z Timestamp: 2025-03-12 09:41:07Z\n"
    "2025-03-12T09:41:07.3340012Z ##[error]Script failed with exit code: 1\n"
    "2025-03-12T09:41:08.0051276Z ##[section]Finishing: AzureCLI\n"
)
ANCHOR = "autoCreatedSecretExpiration"


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    context.requests_seen = []
    context.on("request", lambda request: context.requests_seen.append(request.url))
    try:
        yield context
    finally:
        context.close()


def paste(page: Any, text: str) -> list[str]:
    """Paste `text`, ask for the fix, and return the result links in the order shown."""
    page.wait_for_selector("html[data-kb-lookup='ready']", state="attached")
    page.fill("#kb-lookup-input", text)
    page.click("#kb-lookup-submit")
    done(page)
    return [a.get_attribute("href") for a in page.locator(".kb-lookup__link").all()]


def done(page: Any) -> None:
    """Wait for the page's answer ("Looking…" shows while the worker matches)."""
    page.wait_for_function(LOOKUP_DONE)


def test_a_pasted_log_finds_the_entry_over_http(context: Any, engine_url: str) -> None:
    page = context.new_page()
    page.goto(engine_url + "azure-devops/lookup/")
    links = paste(page, LOG)
    assert links[0] == f"../azure-rm-endpoint/#{ANCHOR}"
    first = page.locator(".kb-lookup__result").first
    assert "Line 5:" in first.inner_text()
    assert "AADSTS7000215: Invalid client secret provided." in first.inner_text()
    page.locator(".kb-lookup__link").first.click()
    page.wait_for_url(f"{engine_url}azure-devops/azure-rm-endpoint/#{ANCHOR}")
    assert page.locator(f"h2#{ANCHOR}").is_visible()
    hosts = {urlsplit(url).hostname for url in context.requests_seen
             if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}


def test_the_page_works_from_disk_with_the_network_blocked(context: Any,
                                                           engine_site: Path) -> None:
    blocked: list[str] = []

    def only_files(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    page = context.new_page()
    page.goto((engine_site / "azure-devops" / "lookup" / "index.html").as_uri())
    links = paste(page, LOG)
    # From disk, links name index.html: a folder URL would show a directory listing.
    assert links[0] == f"../azure-rm-endpoint/index.html#{ANCHOR}"
    page.locator(".kb-lookup__link").first.click()
    page.wait_for_url("**/azure-devops/azure-rm-endpoint/index.html#" + ANCHOR)
    assert page.locator(f"h2#{ANCHOR}").is_visible()
    assert blocked == []
    assert all(url.startswith(("file:", "blob:")) for url in context.requests_seen)


@default_engine_only
def test_an_older_version_has_no_workload_identity_entries(context: Any, engine_url: str) -> None:
    text = "##[error]AADSTS70025: Client application has no configured federated identity " \
           "credentials."
    page = context.new_page()
    page.goto(engine_url + "azure-devops/lookup/")
    assert paste(page, text)[0] == "../workload-identity/#nofederatedcredentials"
    page.goto(engine_url + "tfs-2018/lookup/")
    assert paste(page, text) == []
    assert "No entry of this knowledge base matches this text for TFS 2018." in \
        page.locator("#kb-lookup-status").inner_text()
    # The snapshot's configuration names a repository: a prefilled "propose" link, and the
    # versions that have the entry.
    href = page.locator("#kb-lookup-propose a").get_attribute("href") or ""
    assert href.startswith("https://github.com/example/kb/issues/new?title=New%20error%3A%20")
    assert "AADSTS70025" in href and "TFS%202018%20(tfs-2018)" in href
    elsewhere = page.locator(".kb-lookup__elsewhere-link").first
    elsewhere.wait_for()
    assert (elsewhere.get_attribute("href") or "").endswith(
        "/workload-identity/#nofederatedcredentials")


@default_engine_only
def test_pasted_markup_stays_text(context: Any, engine_url: str) -> None:
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(engine_url + "azure-devops/lookup/")
    attack = ("AADSTS7000222: The provided client secret keys for app "
              "'<img src=x onerror=\"window.kbInjected=1;alert(1)\">' are expired\n"
              "<script>window.kbInjected=2</script>Insufficient privileges to complete the "
              "operation. <img src=y onerror=alert(2)>")
    links = paste(page, attack)
    # The exact message first, then the pattern whose value is the pasted markup.
    assert links == ["../azure-rm-endpoint/#privileges", f"../azure-rm-endpoint/#{ANCHOR}"]
    results = page.locator("#kb-lookup-results")
    assert results.locator("img, script").count() == 0
    text = results.inner_text()
    assert "<img src=x onerror='window.kbInjected=1;alert(1)'>" in text  # the value, as text
    assert "<script>window.kbInjected=2</script>" in text
    page.wait_for_timeout(300)
    assert page.evaluate("window.kbInjected") is None
    assert dialogs == []
    assert not [url for url in context.requests_seen if url.endswith(("/x", "/y"))]


# What a reader's paste does: the text in the clipboard, the paste event on the box.
PASTE = """(text) => {
  const box = document.getElementById('kb-lookup-input');
  box.focus();
  const data = new DataTransfer();
  data.setData('text/plain', text);
  box.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                 cancelable: true}));
}"""
# The results of the page's worker and of the page's own thread, for each text.
BOTH = """(texts) => new Promise((resolve) => {
  const I = window.KBLookupIndex, runner = new I.Runner();
  const source = I.open('../assets/lookup/', window.KB_LOOKUP_VERSIONS.current);
  const out = [];
  function next(i) {
    if (i === texts.length) { resolve({worker: runner.worker !== null, out: out}); return; }
    runner.matcherFor(source, texts[i], (matcher) => runner.lookup(matcher, texts[i], 10,
      (found) => {
        I.HERE.matcherFor(source, texts[i], (here) => I.HERE.lookup(here, texts[i], 10,
          (mine) => { out.push([JSON.stringify(found), JSON.stringify(mine)]); next(i + 1); }));
      }));
  }
  next(0);
})"""


@default_engine_only
def test_matching_runs_in_a_worker_over_http_and_from_disk(context: Any, engine_url: str,
                                                           engine_site: Path) -> None:
    texts = [LOG, "Insuficient privilegs to complete the operation", "AADSTS50034",
             "nothing to see here", "x\n" * 5000, ""]
    for url in (engine_url + "azure-devops/lookup/",
                (engine_site / "azure-devops" / "lookup" / "index.html").as_uri()):
        page = context.new_page()
        workers: list[str] = []
        page.on("worker", lambda worker, seen=workers: seen.append(worker.url))
        page.goto(url)
        assert paste(page, LOG)[0].endswith(f"#{ANCHOR}")
        # One worker, started from the page's own script (a blob: URL, which the page's
        # Content-Security-Policy allows, over HTTP and from file:// alike).
        assert len(workers) == 1 and workers[0].startswith("blob:"), url
        both = page.evaluate(BOTH, texts)
        assert both["worker"] is True
        assert [worker == here for worker, here in both["out"]] == [True] * len(texts)
        assert '"entry":' in both["out"][0][0]  # the log's entry was found
        page.close()


@default_engine_only
def test_a_long_paste_is_read_whole_and_the_box_shows_its_end(context: Any,
                                                              engine_url: str) -> None:
    page = context.new_page()
    page.goto(engine_url + "azure-devops/lookup/")
    page.wait_for_selector("html[data-kb-lookup='ready']", state="attached")
    filler = "2025-03-12T09:41:08.0051276Z Copying file Foo to /home/vsts/work/1/a/Foo\n"
    text = LOG + filler * 3000  # about 220 KB; the error is near its start
    page.evaluate(PASTE, text)
    shown = page.input_value("#kb-lookup-input")
    assert text.endswith(shown) and shown.count("\n") == 200 and "AADSTS" not in shown
    assert page.locator("#kb-lookup-status").inner_text().startswith("Pasted 0.2 MB of text.")
    page.click("#kb-lookup-submit")
    page.locator(".kb-lookup__link").first.wait_for()
    links = [a.get_attribute("href") for a in page.locator(".kb-lookup__link").all()]
    assert links[0] == f"../azure-rm-endpoint/#{ANCHOR}"
    assert "Line 5:" in page.locator(".kb-lookup__result").first.inner_text()
    # Once the box is edited, the lookup reads the box.
    page.fill("#kb-lookup-input", shown + "done\n")
    page.click("#kb-lookup-submit")
    page.wait_for_function(
        "() => document.getElementById('kb-lookup-status').textContent.startsWith('No entry')")
    assert page.locator(".kb-lookup__link").count() == 0
    # A matched line of 200 KB is shown clipped: laying it out would keep the page busy.
    line = "ERROR: " + "AADSTS7000215: Invalid client secret provided. " * 4500
    page.evaluate(PASTE, line)
    page.click("#kb-lookup-submit")
    page.locator(".kb-lookup__link").first.wait_for()
    shown_line = page.locator(".kb-lookup__line").first.inner_text()
    assert shown_line.startswith(line[:2000]) and shown_line.endswith(
        f"… ({len(line.rstrip()) - 2000:,} more characters)")
