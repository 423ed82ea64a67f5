"""Tree export: a version's decision tree as data, a site page and self-contained files.

Input: a DecisionTree (see `derive`), the version's Markup and the site settings;
output: the data the browser walks, stored once per version (`decision-tree.data.js`, for
the site page), `troubleshooter.md` (a page of the version), `decision-tree.html` (the whole
version in one file: everything inline, no request at all) and one such file per topic
(`decision-tree-<topic>.html`). The data is packed: every distinct string once, in a table
the nodes point into; the one-file troubleshooters carry it gzip-compressed (the browser's
DecompressionStream opens it, or a small inflater where there is none). Pure: the build
writes them.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...catalogue.model import Catalogue
from ...core import links
from ...core.project import Project
from ...markdown import docfx
from ...site.feature import Contribution
from ...site.render import RenderContext, Shared, yaml_scalar
from ...site.render import plain as plain_text
from ..lookup.index import build_index, index_json
from .derive import ROOT, CauseEnd, Choice, DecisionTree, NotCovered, Question, derive
from .markup import Markup, cause_plans, page_url, plain

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "tree"
PAGE = "troubleshooter.md"
SINGLE_FILE = "decision-tree.html"
DATA_SCRIPT = "decision-tree.data.js"  # the version's data, for the site page's <script src>
TOPIC_FILE = "decision-tree-{topic}.html"  # one topic's troubleshooter in one file
DATA_FORMAT = 2
SCRIPT = "assets/kb-tree/tree.js"
STYLES = "assets/kb-tree/tree.css"
LOOKUP_INDEX = "assets/lookup/lookup-index.js"  # written by the lookup page (lookup.site)
LOOKUP_SCRIPT = "assets/lookup/lookup.js"
VERSIONS_SCRIPT = "assets/lookup/versions.js"
LOADER_SCRIPT = "assets/lookup/loader.js"
NAV_PAGE = "Troubleshooter"
NAV_FILE = "Troubleshooter in one file"


def asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class SiteInfo:
    """What the tree needs from mkdocs.yml."""

    name: str
    url: str = ""  # the version's address on the web, or '' without site_url
    feedback: str = ""  # issue link template: {title} {body} {entry} {version} {path}
    new_entry: str = ""
    directory_urls: bool = True

    @classmethod
    def from_settings(cls, settings: dict[str, Any], moniker: str) -> SiteInfo:
        site_url = links.site_url(settings)
        return cls(
            name=str(settings.get("site_name") or "Troubleshooting knowledge base"),
            url=f"{site_url.rstrip('/')}/{moniker}/" if site_url else "",
            feedback=links.issue_url(settings),
            new_entry=links.new_entry_url(settings),
            directory_urls=bool(settings.get("use_directory_urls", True)),
        )


def _answers(choices: tuple[Choice, ...], index: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for choice in choices:
        item: dict[str, Any] = {"k": choice.key, "l": choice.label, "to": index[choice.target]}
        if choice.more:
            item["m"] = list(choice.more)
        if choice.match:
            item["s"] = choice.match
        if choice.group:
            item["g"] = choice.group
        if choice.verbatim:
            item["v"] = 1
        out.append(item)
    return out


def tree_data(tree: DecisionTree, markup: Markup, info: SiteInfo) -> dict[str, Any]:
    """The JSON the browser walks: nodes in a list, answers pointing at list indices."""
    index = {node_id: i for i, node_id in enumerate(tree.nodes)}
    records: list[dict[str, Any]] = []
    for node in tree.nodes.values():
        record: dict[str, Any]
        if isinstance(node, Question):
            topic = node.topic.id if node.topic else ""
            text = markup.convert(node.text, topic, inline=True)
            record = {"t": "q", "q": text, "p": plain(text), "a": _answers(node.choices, index)}
            if node.help is not None:
                record["h"] = markup.html(node.help, topic)
            if node.entry is not None:
                record["e"] = node.entry.id
            if node.id == ROOT:
                record["f"] = 1
        elif isinstance(node, CauseEnd):
            record = {
                "t": "c", "c": node.cause.id, "title": node.cause.title,
                "e": node.entry.id, "et": node.entry.title,
                "href": markup.site_link(node.topic.id, node.cause.id),
                "html": markup.cause(node.cause, node.topic.id),
            }
        else:
            assert isinstance(node, NotCovered)
            record = {"t": "n", "a": _answers(node.choices, index)}
            if node.entry is not None and node.topic is not None:
                record.update({"e": node.entry.id, "et": node.entry.title,
                               "href": markup.site_link(node.topic.id, node.entry.id)})
            if node.note is not None:
                record["html"] = markup.html(node.note, node.topic.id if node.topic else "")
        records.append(record)
    return {
        "site": info.name, "moniker": tree.moniker, "version": tree.title,
        "siteUrl": info.url, "page": page_url(PAGE, info.directory_urls),
        "feedback": info.feedback, "newEntry": info.new_entry,
        "empty": tree.empty, "missing": list(tree.missing), "nodes": records,
    }


def script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element of HTML or of a Markdown page (and is
    still JSON: the escapes are JSON's own)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() \
        + "'"


def _fill(template: str, values: dict[str, str]) -> str:
    """Replace {{name}} once each; inserted text is not searched again."""
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)


# Node fields that hold numbers; every other scalar in the nodes is a string of the table.
NUMBER_FIELDS = frozenset({"to", "f", "v"})


def pack(data: dict[str, Any]) -> dict[str, Any]:
    """The tree's data with every string of its nodes replaced by its place in a table of
    distinct strings (in order of first use); tree.js's `unpack` reverses it."""
    table: dict[str, int] = {}

    def packed(value: Any, key: str = "") -> Any:
        if isinstance(value, str):
            return table.setdefault(value, len(table))
        if isinstance(value, list):
            return [packed(item, key) for item in value]
        if isinstance(value, dict):
            return {k: v if k in NUMBER_FIELDS else packed(v, k) for k, v in value.items()}
        return value

    nodes = packed(data["nodes"])
    head = {key: value for key, value in data.items() if key != "nodes"}
    return {**head, "format": DATA_FORMAT, "strings": list(table), "nodes": nodes}


def unpack(data: dict[str, Any]) -> dict[str, Any]:
    """`pack` reversed (as tree.js does it)."""
    strings = data["strings"]

    def unpacked(value: Any, key: str = "") -> Any:
        if isinstance(value, list):
            return [unpacked(item, key) for item in value]
        if isinstance(value, dict):
            return {k: v if k in NUMBER_FIELDS else unpacked(v, k) for k, v in value.items()}
        if isinstance(value, int) and not isinstance(value, bool):
            return strings[value]
        return value

    head = {k: v for k, v in data.items() if k not in ("nodes", "strings", "format")}
    return {**head, "nodes": unpacked(data["nodes"])}


def compressed(payload: Any) -> str:
    """JSON, gzip-compressed (reproducibly: no time, no name) and base64-encoded."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(gzip.compress(text.encode("utf-8"), 9, mtime=0)).decode("ascii")


def decompressed(encoded: str) -> Any:
    return json.loads(gzip.decompress(base64.b64decode(encoded)).decode("utf-8"))


def single_file(tree: DecisionTree, packed: dict[str, Any], info: SiteInfo,
                lookup_index: str = "") -> str:
    """The one-file troubleshooter: styles, script and data inline, a policy forbidding
    every request, so it works from file:// and copied alone to another machine.

    The data (the packed tree, and with `lookup_index`, the version's lookup index for the
    filter, whose matcher comes too) is one gzip-compressed piece before the script."""
    script = asset("tree.js")
    css = asset("tree.css")
    matcher = (ASSETS.parent / "lookup" / "lookup.js").read_text(encoding="utf-8") \
        if lookup_index else ""
    hashes = " ".join(_csp_hash(s) for s in (matcher, script) if s)
    csp = ("default-src 'none'; " f"script-src {hashes}; "
           f"style-src {_csp_hash(css)}; img-src data:; base-uri 'none'; form-action 'none'")
    payload = {"tree": packed, "lookup": json.loads(lookup_index) if lookup_index else None}
    footer = (f"From {html.escape(info.name)}, for {html.escape(tree.title)}.")
    if info.url:
        address = html.escape(info.url, quote=True)
        footer += f' Online: <a href="{address}">{address}</a>.'
    return _fill(asset("standalone.html"), {
        "csp": csp,
        "title": html.escape(f"Troubleshooter · {tree.title} · {info.name}"),
        "site": html.escape(info.name),
        "version": html.escape(tree.title),
        "footer": footer,
        "css": css,
        "data": compressed(payload),
        "lookup": f"<script>{matcher}</script>" if matcher else "",
        "script": script,
    })


def _topic_links(topics: list[tuple[str, str]]) -> list[str]:
    """The per-topic single files, listed on the page (folded: there may be many)."""
    if not topics:
        return []
    # Markdown links: every engine resolves them from the page's source file.
    items = [f"- [{_link_text(name)}]({TOPIC_FILE.format(topic=ident)})" for ident, name in topics]
    return ["<details class=\"kb-tree-topics\" markdown>",
            "<summary>One file per topic</summary>", "", *items, "", "</details>", ""]


def _link_text(text: str) -> str:
    """Text shown as it is inside a Markdown link's label."""
    return re.sub(r"([\\`*_\[\]])", r"\\\1", html.escape(text, quote=False))


def page_markdown(tree: DecisionTree, info: SiteInfo,
                  topics: list[tuple[str, str]] | None = None) -> str:
    """The site page: an introduction, then the same script and styles as the single file.

    The data comes in a script file of its own, so the page stays small for MkDocs;
    `topics` (id, name) lists the per-topic single files."""
    topics = topics or []
    back = "../" if info.directory_urls else ""
    title = "Find the fix for your error"
    return "\n".join([
        "---",
        'title: "Troubleshooter"',
        "description: " + yaml_scalar(
            html.escape(f"{title}: a guided troubleshooter for {tree.title}.")),
        "hide:",
        "  - toc",
        # Linked by overrides/main.html from the page's address, whatever the engine; the
        # lookup page's matcher and index serve the message filter, the site's versions
        # and the index loader "found in other versions".
        "kb_styles:",
        f"  - {STYLES}",
        "kb_scripts:",
        *(f"  - {path}" for path in (DATA_SCRIPT, LOOKUP_INDEX, LOOKUP_SCRIPT, VERSIONS_SCRIPT,
                                     LOADER_SCRIPT, SCRIPT)),
        "---",
        "",
        f"# {title}",
        "",
        "Answer a few questions, starting from the message you see, to get the steps that "
        f"fix it in {plain_text(tree.title)}. Your answers stay in this page's address, so you can "
        "bookmark the result or send it to a colleague; nothing is recorded.",
        "",
        f"To use it offline, [open the troubleshooter as one file]({SINGLE_FILE}) and save "
        "it: it works without this site and without a network.",
        "",
        *_topic_links(topics),
        f'<div id="kb-tree" class="kb-tree" data-base="{back}" data-search-exclude>',
        "<noscript><p>This troubleshooter needs JavaScript. Without it, browse the topics "
        "in the navigation.</p></noscript>",
        "</div>",
        "",
    ])


# The last catalogue's Markup: its other versions reuse its translations and cause ends.
_SHARED: list[tuple[Catalogue, Markup]] = []


def version_markup(project: Project, catalogue: Catalogue, moniker: str,
                   directory_urls: bool = True) -> Markup:
    """The Markup of a version; the versions of one catalogue share their work."""
    if not _SHARED or _SHARED[0][0] is not catalogue or \
            _SHARED[0][1].directory_urls != directory_urls:
        context = docfx.Context.for_project(project, catalogue.products)
        render = RenderContext(moniker, context, shared=Shared())
        _SHARED[:] = [(catalogue, Markup(render, directory_urls,
                                         cause_plans(catalogue, render)))]
    shared = _SHARED[0][1]
    render = RenderContext(moniker, shared.render.docfx, shared=shared.render.shared)
    return Markup(render, directory_urls, shared.plans, shared.causes)


def topic_tree(catalogue: Catalogue, moniker: str, view: Catalogue, topic_id: str) \
        -> DecisionTree:
    """The tree of one topic of a version: its errors under the first question."""
    topic = catalogue.topic(topic_id)
    assert topic is not None
    return derive(dataclasses.replace(catalogue, topics=(topic,)), moniker, view)


def contribute(project: Project, catalogue: Catalogue, view: Catalogue, moniker: str,
               settings: dict[str, Any]) -> Contribution:
    """The troubleshooter of one version: its page, its data, its single files (the
    whole version's and one per topic)."""
    info = SiteInfo.from_settings(settings, moniker)
    markup = version_markup(project, catalogue, moniker, info.directory_urls)
    tree = derive(catalogue, moniker, view)
    packed = pack(tree_data(tree, markup, info))
    index = index_json(build_index(catalogue, view, moniker, info.new_entry))
    topics = []
    files: dict[str, bytes] = {}
    for topic in view.topics:
        part = topic_tree(catalogue, moniker, view, topic.id)
        if part.empty:
            continue
        topics.append((topic.id, topic.nav_title or topic.title))
        one = dataclasses.replace(view, topics=(topic,))
        whole = catalogue.topic(topic.id)
        assert whole is not None
        topic_index = build_index(dataclasses.replace(catalogue, topics=(whole,)), one, moniker,
                                  info.new_entry)
        files[TOPIC_FILE.format(topic=topic.id)] = single_file(
            part, pack(tree_data(part, markup, info)), info,
            index_json(topic_index)).encode("utf-8")
    files.update({
        PAGE: page_markdown(tree, info, topics).encode("utf-8"),
        SINGLE_FILE: single_file(tree, packed, info, index).encode("utf-8"),
        DATA_SCRIPT: f"window.kbTreeData = {script_json(packed)};\n".encode(),
        SCRIPT: asset("tree.js").encode("utf-8"),
        STYLES: asset("tree.css").encode("utf-8"),
    })
    return Contribution(files, [{NAV_PAGE: PAGE}, {NAV_FILE: SINGLE_FILE}])
