"""The tree's outputs before MkDocs: data, the site page and the one-file troubleshooter."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
import rjsmin
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.catalogue.model import Catalogue, anchor_of
from generator.catalogue.resolve import resolve
from generator.core.project import Project, site_settings
from generator.features.lookup.match import INDEX_FORMAT
from generator.features.tree.export import (
    ALPHABET,
    DATA_SCRIPT,
    REST_SCRIPT,
    TOPIC_FILE,
    contribute,
    decoded,
    encoded,
    opened,
    pack,
    page_payload,
    unpack,
)
from generator.features.tree.markup import derived_anchor, html_to_text, page_url
from tests.conftest import FIXTURES, ROOT
from tests.helpers_cli import fixture_repo
from tests.test_tree_derive import catalogue_of

# The whole-version single file stays small enough to mail or attach to a ticket; a
# topic's single file is smaller still, and so is the shipped knowledge base's (its snapshot)
# whole-version file.
BUDGET = 3 * 1024 * 1024
TOPIC_BUDGET = 150 * 1024
SNAPSHOT_BUDGET = 150 * 1024


def tree_files(project: Project, catalogue: Catalogue, moniker: str) -> dict[str, bytes]:
    """What the tree adds to one version's docs tree, as `kb build` asks for it."""
    return contribute(project, catalogue, resolve(catalogue, moniker), moniker,
                      site_settings(project)).files


@pytest.fixture(scope="module")
def shipped() -> dict[str, dict[str, bytes]]:
    project = Project(ROOT)
    catalogue = catalogue_of(ROOT)
    return {m: tree_files(project, catalogue, m) for m in catalogue.products.names}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    repo = fixture_repo(tmp_path_factory.mktemp("export"), FIXTURES / "tree" / "walk")
    catalogue = catalogue_of(repo)
    project = Project(repo)
    return tree_files(project, catalogue, "demo-3")


def site_data(files: dict[str, bytes]) -> dict:
    """The version's tree data as the site page reads it (its two scripts), unpacked."""
    return unpack(page_payload(*scripts(files))["tree"])


def scripts(files: dict[str, bytes]) -> tuple[str, str]:
    """The site page's scripts of the data: the one it links, the one tree.js loads."""
    return files[DATA_SCRIPT].decode(), files[REST_SCRIPT].decode()


def single_payload(text: str) -> dict:
    """What a one-file troubleshooter carries: its packed tree and lookup index."""
    tree = HTMLParser(text)
    return opened(tree.css_first("script#kb-tree-packed").text(),
                  tree.css_first("script#kb-tree-rest").text())


def fix_sections(fragment: str) -> list[tuple[str, str]]:
    """The fixes of a cause end's HTML, as tree.js finds them (the sections at its top):
    for each, its heading's text and the anchor it carries (data-anchor), or ""."""
    root = HTMLParser(f'<div id="kb-fixes">{fragment}</div>').css_first("#kb-fixes")
    assert root is not None
    out = []
    for child in root.iter():
        if child.tag == "section" and "kb-fix" in (child.attributes.get("class") or "").split():
            title = child.child
            assert title is not None and title.tag == "h3", child.html
            out.append((title.text(), child.attributes.get("data-anchor") or ""))
    return out


def fix_href(cause_href: str, heading: str, written: str) -> str:
    """A fix's link to its topic page, as tree.js makes it (see `fix_sections`)."""
    page, _, cause = cause_href.partition("#")
    return f"{page}#{written or derived_anchor(cause, heading)}"


def test_single_file_fits_the_budget_in_every_version(
        shipped: dict[str, dict[str, bytes]], snapshot_repo: Path) -> None:
    sizes = {m: len(files["decision-tree.html"]) for m, files in shipped.items()}
    assert max(sizes.values()) <= BUDGET, sizes
    project = Project(snapshot_repo)
    catalogue = catalogue_of(snapshot_repo)
    snapshot = {m: len(tree_files(project, catalogue, m)["decision-tree.html"])
                for m in catalogue.products.names}
    assert max(snapshot.values()) <= SNAPSHOT_BUDGET, snapshot
    topics = {(m, name): len(data) for m, files in shipped.items()
              for name, data in files.items() if re.fullmatch(r"decision-tree-.+\.html", name)}
    assert topics and max(topics.values()) <= TOPIC_BUDGET, topics


def test_data_is_stored_once_and_packed(shipped: dict[str, dict[str, bytes]]) -> None:
    for moniker, files in shipped.items():
        # The data once per version: its two pieces' scripts, no JSON copy beside them.
        assert sorted(n for n in files if n.startswith("decision-tree") and
                      not n.endswith(".html")) == sorted([DATA_SCRIPT, REST_SCRIPT]), moniker
        first_script, rest_script = scripts(files)
        packed = page_payload(first_script, rest_script)["tree"]
        # Every distinct string of a part once; one part per topic in the version.
        for table in [packed["strings"], *(part["strings"] for part in packed["parts"])]:
            assert len(table) == len(set(table)), moniker
        assert len(packed["parts"]) == sum(1 for n in files
                                           if re.fullmatch(r"decision-tree-.+\.html", n))
        # The page's script and the single file carry the same bytes: the data and the
        # version's lookup index (the message filter's), compressed.
        tree = HTMLParser(files["decision-tree.html"].decode())
        carried = [tree.css_first(f"script#kb-tree-{name}").text() for name in ("packed", "rest")]
        assert (first_script, rest_script) == (f'window.kbTreePacked = "{carried[0]}";\n',
                                               f'window.kbTreeRest = "{carried[1]}";\n'), moniker
        assert page_payload(first_script, rest_script)["lookup"]["moniker"] == moniker
        # The page links the first piece's script and names the second's for tree.js.
        page = files["troubleshooter.md"].decode()
        assert f"  - {DATA_SCRIPT}\n" in page and REST_SCRIPT not in page.split("---")[1]
        assert f'data-rest="{REST_SCRIPT}"' in page
        assert unpack(pack(site_data(files))) == site_data(files)
        # The first piece holds what the first question needs: no part's nodes, no index.
        first, rest = (json.loads(gzip.decompress(decoded(c))) for c in carried)
        assert [sorted(part) for part in first["tree"]["parts"]] == \
            [["answers", "n", "strings"]] * len(packed["parts"]), moniker
        assert sorted(first) == ["tree"] and sorted(rest) == ["lookup", "parts"], moniker
        assert [part["n"] for part in first["tree"]["parts"]] == \
            [len(part["nodes"]) for part in packed["parts"]], moniker
        # The data is read only by JSON.parse: its markup is as it is, not escaped as the
        # text of a script element would need (more to inflate and parse).
        text = gzip.decompress(decoded(carried[1])).decode("utf-8")
        assert not re.search(r"\\u00(3c|3e|26)", text), moniker
        assert "<" in text or not packed["parts"], moniker


def test_the_first_piece_is_compressed_as_one_text(
        shipped: dict[str, dict[str, bytes]]) -> None:
    """The first piece, what a reader waits for, is no larger than its text compressed
    whole: its topics' shares, small and alike, would compress less one by one."""
    for moniker, files in shipped.items():
        first_script, _ = scripts(files)
        carried = decoded(first_script.split('"')[1])
        text = gzip.decompress(carried)
        assert len(carried) <= len(gzip.compress(text, 9, mtime=0)), moniker


def test_a_single_file_per_topic_holds_that_topic(demo: dict[str, bytes]) -> None:
    whole = site_data(demo)
    names = sorted(n for n in demo if re.fullmatch(r"decision-tree-.+\.html", n))
    assert names == [TOPIC_FILE.format(topic="demo")]
    part = unpack(single_payload(demo[names[0]].decode())["tree"])
    first = [a["k"] for a in part["nodes"][0]["a"]]
    assert first == [a["k"] for a in whole["nodes"][0]["a"] if a.get("g") in (None, "Demo")
                     ] or set(first) <= {a["k"] for a in whole["nodes"][0]["a"]}
    page = demo["troubleshooter.md"].decode()
    assert f"]({names[0]})" in page  # a Markdown link, from the page's source file


def test_single_file_loads_nothing_from_elsewhere(shipped: dict[str, dict[str, bytes]]) -> None:
    for moniker, files in shipped.items():
        text = files["decision-tree.html"].decode()
        tree = HTMLParser(text)
        assert not tree.css("script[src], link[rel=stylesheet], img, iframe, object, embed"), \
            moniker
        assert [n.attributes.get("href") for n in tree.css("link")] == ["data:,"]
        styles = " ".join(n.text() for n in tree.css("style"))
        assert "@import" not in styles and not re.search(r"url\((?!data:)", styles)
        for script in tree.css("script:not([type])"):
            assert not re.search(r"\b(fetch|XMLHttpRequest|WebSocket|sendBeacon|EventSource|"
                                 r"importScripts|document\.cookie|localStorage|"
                                 r"sessionStorage|indexedDB)\b", script.text())


def test_single_file_policy_allows_its_own_script_and_style_only(
        demo: dict[str, bytes]) -> None:
    tree = HTMLParser(demo["decision-tree.html"].decode())
    policy = tree.css_first('meta[http-equiv="Content-Security-Policy"]').attributes["content"]

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() \
            + "'"

    # In the order a reader's browser receives them: the first piece and the script that
    # draws the first question, then the rest and the filter's matcher, used once the rest
    # is open.
    order = [s.attributes.get("id") or "script" for s in tree.css("script")]
    assert order == ["kb-tree-packed", "script", "kb-tree-rest", "script"]
    script, matcher = (s.text() for s in tree.css("script:not([type])"))
    style = tree.css_first("style").text()
    assert policy == (f"default-src 'none'; script-src {digest(matcher)} {digest(script)}; "
                      f"style-src {digest(style)}; img-src data:; base-uri 'none'; "
                      "form-action 'none'")
    # The same scripts and styles as the site pages use, the scripts without their comments
    # and the spaces they do not need (a file to mail or attach: about 40% fewer bytes).
    assert script == rjsmin.jsmin(demo["assets/kb-tree/tree.js"].decode())
    assets = ROOT / "generator" / "features" / "assets"
    assert matcher == rjsmin.jsmin((assets / "lookup" / "lookup.js").read_text())
    assert len(script) + len(matcher) < 0.75 * (len(demo["assets/kb-tree/tree.js"]) + len(
        (assets / "lookup" / "lookup.js").read_bytes()))
    assert style == demo["assets/kb-tree/tree.css"].decode()
    # And the lookup index of the same version, as data.
    index = single_payload(demo["decision-tree.html"].decode())["lookup"]
    assert (index["moniker"], index["format"]) == ("demo-3", INDEX_FORMAT)


def test_data_is_safe_inside_a_script_element(demo: dict[str, bytes]) -> None:
    """The data's text holds no "<" (nothing can end or comment out its script element),
    nor a quote or a backslash (the page's scripts hold it in strings)."""
    assert not set(ALPHABET) & set("<\"'\\") and len(set(ALPHABET)) == 85
    text = demo["decision-tree.html"].decode()
    letters = f"[{re.escape(ALPHABET)}]+"
    for name in ("packed", "rest"):
        start = text.index(f'<script type="application/gzip+base85" id="kb-tree-{name}">')
        body = text[start:].split(">", 1)[1].split("</script>", 1)[0]
        assert re.fullmatch(letters, body)
    first_script, rest_script = scripts(demo)
    assert re.fullmatch(r'window\.kbTreePacked = "' + letters + '";\n', first_script)
    assert re.fullmatch(r'window\.kbTreeRest = "' + letters + '";\n', rest_script)
    data = site_data(demo)
    labels = [more for a in data["nodes"][0]["a"] for more in a.get("m", [])]
    assert labels == ["Exit code 3 </script><b>not bold</b>"]


def test_the_inflater_reads_what_gzip_writes() -> None:
    import shutil
    import subprocess
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = ROOT / "generator" / "features" / "assets" / "tree" / "tree.js"
    run = subprocess.run([node, str(ROOT / "tests" / "js" / "tree_inflate.js"), str(script)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout == "ok 20\n", run.stdout + run.stderr


def test_the_data_takes_five_characters_for_four_bytes(
        shipped: dict[str, dict[str, bytes]]) -> None:
    """Base85 (a third of the bytes more would be base64's): every piece of every version,
    on the page and in the one file, is five characters for each four bytes it holds, and a
    last group of n bytes takes n + 1."""
    for moniker, files in shipped.items():
        tree = HTMLParser(files["decision-tree.html"].decode())
        texts = [tree.css_first(f"script#kb-tree-{name}").text() for name in ("packed", "rest")]
        texts += [script.split('"')[1] for script in scripts(files)]
        for text in texts:
            size = len(decoded(text))
            assert len(text) == size // 4 * 5 + (size % 4 + 1 if size % 4 else 0), moniker


def test_the_reader_of_the_data_reads_what_the_build_writes(tmp_path: Path) -> None:
    """tree.js reads back what `encoded` writes, whatever the bytes and whatever the length
    of the last group, and refuses text that is not base85 (a character outside the
    alphabet, the "<" it never holds, a group of one character, a group above 2**32 - 1)."""
    import random
    import shutil
    import subprocess
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    draw = random.Random(85)
    samples = [b"", bytes(range(256)), b"\xff" * 9, b"\x00" * 7, b"<" * 5,
               *(bytes(draw.randrange(256) for _ in range(size)) for size in range(1, 13)),
               bytes(draw.randrange(256) for _ in range(5001))]
    good = [[encoded(data), data.hex()] for data in samples]
    assert all(decoded(text) == bytes.fromhex(hex_) for text, hex_ in good)
    bad = ["<<<<<", "abc\"d", "abcd\\", "é0000", "00000a", "~~~~~"]
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps({"good": good, "bad": bad}), encoding="utf-8")
    script = ROOT / "generator" / "features" / "assets" / "tree" / "tree.js"
    run = subprocess.run([node, str(ROOT / "tests" / "js" / "tree_base85.js"), str(script),
                          str(cases)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout == f"ok {len(good) + len(bad)}\n", \
        run.stdout + run.stderr


def test_each_fix_links_to_its_heading_on_the_topic_page(
        shipped: dict[str, dict[str, bytes]], tmp_path: Path) -> None:
    """tree.js gives every fix of every cause end, in every version, the anchor of its
    heading on the topic page (`anchor_of`, as the page is rendered): from the data as the
    build writes it, on the shipped catalogue and on fixes whose anchor the rule can't
    give (a heading that isn't ASCII, a title that reads like a fix's number, an anchor of
    the fix's own, a title of no letters)."""
    import dataclasses
    import shutil
    import subprocess

    from generator.features.tree.export import version_markup
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    catalogue = catalogue_of(ROOT)
    cases: list[list[str]] = []
    derived = 0
    for moniker, files in shipped.items():
        view = resolve(catalogue, moniker)
        causes = {(page_url(f"{t.id}.md", True), c.id): c
                  for t, e in view.entries() for c in e.causes}
        for item in site_data(files)["nodes"]:
            if item["t"] != "c":
                continue
            page, _, cause_id = item["href"].partition("#")
            cause = causes[(page, cause_id)]
            found = fix_sections(item["html"])
            assert len(found) == len(cause.fixes), item["href"]
            for (heading, written), fix in zip(found, cause.fixes, strict=True):
                cases.append([cause_id, heading, written, anchor_of(cause, fix)])
                derived += not written
    assert derived > len(cases) / 2  # most fixes carry nothing of their link
    repo = fixture_repo(tmp_path, FIXTURES / "tree" / "walk")
    demo = catalogue_of(repo)
    markup = version_markup(Project(repo), demo, "demo-3")
    cause = next(c for t, e in resolve(demo, "demo-3").entries() for c in e.causes
                 if c.id == "config")
    fix = cause.fixes[0]
    odd = [dataclasses.replace(fix, title=title) for title in (
        "Réinitialiser le jeton", "Restart the \u212aelvin service", "Fix 2 of 3: Restart",
        "!!!", "Retry  twice -- then wait")] + [dataclasses.replace(fix, id="own-anchor")]
    for changed in odd:
        for number, total in ((1, 1), (2, 3)):
            fragment = markup.fix(cause, changed, number, total, "demo", links=False)
            [(heading, written)] = fix_sections(fragment)
            cases.append([cause.id, heading, written, anchor_of(cause, changed)])
    file = tmp_path / "cases.json"
    file.write_text(json.dumps(cases), encoding="utf-8")
    script = ROOT / "generator" / "features" / "assets" / "tree" / "tree.js"
    run = subprocess.run([node, str(ROOT / "tests" / "js" / "tree_fix_anchor.js"), str(script),
                          str(file)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout == f"ok {len(cases)}\n", run.stdout + run.stderr


def test_data_links_are_relative_to_the_version_root(demo: dict[str, bytes]) -> None:
    data = site_data(demo)
    ends = {n["c"]: n for n in data["nodes"] if n["t"] == "c"}
    assert ends["config"]["href"] == "demo/#config"
    # The fix's own link follows from its heading and the cause's anchor: tree.js adds it,
    # and the data carries nothing of it.
    assert fix_sections(ends["config"]["html"]) == [("Check the configuration", "")]
    assert "kb-on-site" not in ends["config"]["html"]
    assert fix_href(ends["config"]["href"], "Check the configuration", "") == \
        "demo/#config-check-the-configuration"
    helped = next(n for n in data["nodes"] if n.get("h"))
    assert helped["h"] == ('<p>The log is <code>demo.log</code> in the '
                           '<a href="demo/#errors">data folder</a>.</p>')
    assert data["feedback"] == "" and data["siteUrl"] == "https://demo.example.org/demo-3/"


def test_page_uses_the_shared_assets_and_links_the_single_file(demo: dict[str, bytes]) -> None:
    page = demo["troubleshooter.md"].decode()
    assert page.startswith('---\ntitle: "Troubleshooter"\n')
    assert "[open the troubleshooter as one file](decision-tree.html)" in page
    assert ('<div id="kb-tree" class="kb-tree" data-base="../" '
            'data-rest="decision-tree.rest.js" data-search-exclude>') in page
    # Styles and scripts are named in the front matter (paths from the version's root), and
    # the theme links them from the page's address, whatever the engine.
    assert "\nkb_styles:\n  - assets/kb-tree/tree.css\nkb_scripts:\n" \
        "  - decision-tree.data.js\n" \
        "  - assets/lookup/lookup.js\n  - assets/lookup/versions.js\n" \
        "  - assets/lookup/loader.js\n  - assets/kb-tree/tree.js\n---\n" in page
    assert "<script" not in page and "<link" not in page


def test_outputs_are_deterministic(tmp_path: Path) -> None:
    runs = []
    for name in ("a", "b"):
        repo = fixture_repo(tmp_path / name, FIXTURES / "tree" / "walk")
        catalogue = catalogue_of(repo)
        project = Project(repo)
        runs.append(tree_files(project, catalogue, "demo-2"))
    assert runs[0] == runs[1]


def test_html_reads_as_text_with_links_spelled_out() -> None:
    fragment = ('<p>Open the <a href="demo/">demo</a> and <strong>stop</strong> it.</p>'
                '<ol><li>One</li><li>Two <a href="https://example.org/">https://example.org/</a>'
                '</li></ol><div class="kb-note"><p class="kb-note-title">Note</p><p>Mind '
                'it.</p></div>')
    def site(href: str) -> str:
        return href if href.startswith("https:") else "https://kb.test/v/" + href

    assert html_to_text(fragment, site) == (
        "Open the demo (https://kb.test/v/demo/) and stop it.\n\n"
        "1. One\n2. Two https://example.org/\n\nNote\n\nMind it.")
    assert html_to_text("<ul><li>a long item to wrap here</li></ul>", width=12) == \
        "-  a long\n   item to\n   wrap here"


def test_page_urls() -> None:
    assert page_url("azure-rm-endpoint.md") == "azure-rm-endpoint/"
    assert page_url("index.md") == "./"
    assert page_url("guides/index.md") == "guides/"
    assert page_url("azure-rm-endpoint.md", directory_urls=False) == "azure-rm-endpoint.html"


EDGE_TEXTS = [
    "Open **Settings** and select **Permissions**.",
    "a > b & c \"q\" 'x'", "AT&T", "a&amp;b", "x < y", "tab\there", "a  \nb",
    "Use `a_b` and [x](https://e.org/a_b?c=1&d=2).", "line one\nline two", "line\n  two",
    "a *b* c", "a * b * c", "a ** b ** c", "2 * 3 * 4", "*Note*: read it", "**bold**",
    "***both***", "a **b *c* d** e", "x {name} y", "set { key=value }", "x{: .y}",
    "snake_case word", "_em_", "[x](y \"title\")", "[x][ref]", "![img](a.png)",
    "1. first", "2024. A year", "- item", "> quote", "# title", "text\n---",
    "`code *with* stars`", "``double``", "[**strong label**](https://e.org)",
    "Select **Project settings** > **Service connections**.", "trailing \\* escape",
    "100% *sure*", "a*b*c", "mail <a@b.c>", "http://bare.example.org/ stays",
]


def test_fast_inline_markdown_matches_python_markdown() -> None:
    """Every text the fast path takes reads exactly as Python-Markdown writes it."""
    import markdown

    from generator.catalogue.model import iter_markdown
    from generator.features.tree.markup import EXTENSIONS, simple_inline
    from generator.markdown import docfx
    from generator.site.render import RenderContext

    md = markdown.Markdown(extensions=EXTENSIONS)
    catalogue = catalogue_of(ROOT)
    context = docfx.Context(catalogue.products, ROOT, Project(ROOT).content_roots)
    texts = set(EDGE_TEXTS)
    for moniker in ("tfs-2015", "azure-devops"):
        render = RenderContext(moniker, context)
        for topic in catalogue.topics:
            texts.update(render.md(text) for text in iter_markdown(topic))
            texts.update(c.check for e in topic.entries for c in e.causes if c.check)
    taken = 0
    for text in sorted(texts):
        fast = simple_inline(text)
        if fast is None:
            continue
        taken += 1
        md.reset()
        assert f"<p>{fast}</p>" == md.convert(text), text
    assert taken > len(texts) // 2  # most texts take the fast path


def test_versions_sharing_work_read_as_if_alone() -> None:
    """Versions of one catalogue reuse each other's cause ends: in any order, the same."""
    project = Project(ROOT)
    first, second = catalogue_of(ROOT), catalogue_of(ROOT)
    names = list(first.products.names)
    forward = {m: tree_files(project, first, m) for m in names}
    backward = {m: tree_files(project, second, m) for m in reversed(names)}
    assert forward == backward
    assert forward["tfs-2018"][DATA_SCRIPT] != forward["azure-devops"][DATA_SCRIPT]
