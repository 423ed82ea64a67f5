"""Tree export: a version's decision tree as data, a site page and self-contained files.

Input: a DecisionTree (see `derive`), the version's Markup and the site settings;
output: the data the browser walks, made once per version in one format, `troubleshooter.md`
(a page of the version, which loads the data's first piece from `decision-tree.data.js`
and, once the first question shows, the rest from `decision-tree.rest.js`),
`decision-tree.html` (the whole version in one file: everything inline, no request at all)
and one such file per topic (`decision-tree-<topic>.html`). The data is packed (every
distinct string once, in a table the nodes point into), joined by the lookup index of its
errors (for the message filter), gzip-compressed and written as text in base85 (see
`encoded`): the browser's DecompressionStream opens it, or a small inflater where there is
none. The page's scripts and the version's one file carry the same bytes. Pure: the build
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
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...catalogue.model import Catalogue, Topic
from ...catalogue.resolve import resolve_topic
from ...core import links
from ...core.project import Project
from ...core.versions import describe_versions
from ...markdown import docfx
from ...site.feature import Contribution
from ...site.render import RenderContext, Shared, yaml_scalar
from ...site.render import plain as plain_text
from ..lookup.index import build_index, index_json
from .derive import (
    FIRST_QUESTION,
    NONE_KEY,
    NOT_LISTED,
    NOT_LISTED_LABEL,
    ROOT,
    CauseEnd,
    Choice,
    DecisionTree,
    Node,
    NotCovered,
    Question,
    TopicPart,
    choices_of,
    derive_topic,
)
from .markup import Markup, cause_plans, page_url, plain

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "tree"
PAGE = "troubleshooter.md"
SINGLE_FILE = "decision-tree.html"
DATA_SCRIPT = "decision-tree.data.js"  # the payload's first piece, the page's <script src>
REST_SCRIPT = "decision-tree.rest.js"  # its second piece, which tree.js loads on the page
TOPIC_FILE = "decision-tree-{topic}.html"  # one topic's troubleshooter in one file
DATA_FORMAT = 5
SCRIPT = "assets/kb-tree/tree.js"
STYLES = "assets/kb-tree/tree.css"
LOOKUP_SCRIPT = "assets/lookup/lookup.js"
VERSIONS_SCRIPT = "assets/lookup/versions.js"
LOADER_SCRIPT = "assets/lookup/loader.js"
NAV_PAGE = "Troubleshooter"
NAV_FILE = "Troubleshooter in one file"


def asset(name: str) -> str:
    return _read(ASSETS / name)


# Per process: the assets read (every single file carries them), by file and version.
_ASSETS: dict[Path, tuple[int, str]] = {}


def _read(path: Path) -> str:
    stamp = path.stat().st_mtime_ns
    known = _ASSETS.get(path)
    if known is None or known[0] != stamp:
        known = _ASSETS[path] = (stamp, path.read_text(encoding="utf-8"))
    return known[1]


_MINIFIED: dict[Path, tuple[str, str]] = {}


def minified(path: Path) -> str:
    """A script as the one-file troubleshooters carry it: without its comments and the
    spaces it does not need (rjsmin), 60-70% of its size. The site serves the scripts as
    they are written."""
    text = _read(path)
    known = _MINIFIED.get(path)
    if known is None or known[0] != text:
        import rjsmin

        known = _MINIFIED[path] = (text, rjsmin.jsmin(text))
    return known[1]


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


def _record(node: Node, index: dict[str, int], markup: Markup) -> dict[str, Any]:
    """One node as the browser reads it; answers point at list indices (`index`)."""
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
    return record


def _head(info: SiteInfo, moniker: str, title: str, empty: bool,
          missing: list[str]) -> dict[str, Any]:
    return {
        "site": info.name, "moniker": moniker, "version": title,
        "siteUrl": info.url, "page": page_url(PAGE, info.directory_urls),
        "feedback": info.feedback, "newEntry": info.new_entry,
        "empty": empty, "missing": missing,
    }


def tree_data(tree: DecisionTree, markup: Markup, info: SiteInfo) -> dict[str, Any]:
    """The JSON the browser walks: nodes in a list, answers pointing at list indices."""
    index = {node_id: i for i, node_id in enumerate(tree.nodes)}
    records = [_record(node, index, markup) for node in tree.nodes.values()]
    return {**_head(info, tree.moniker, tree.title, tree.empty, list(tree.missing)),
            "nodes": records}


def compact_json(data: Any) -> str:
    """JSON without spaces or escapes it does not need: the data is only ever read
    compressed, by `JSON.parse`, never as the text of a script element (escaping the
    markup's "<" and ">" for one would only give the browser more to inflate and parse)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() \
        + "'"


def _fill(template: str, values: dict[str, str]) -> str:
    """Replace {{name}} once each; inserted text is not searched again."""
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)


# Node fields that hold numbers; every other scalar in the nodes is a string of the table.
NUMBER_FIELDS = frozenset({"to", "f", "v"})


def _packed(value: Any, table: dict[str, int]) -> Any:
    if isinstance(value, str):
        return table.setdefault(value, len(table))
    if isinstance(value, list):
        return [_packed(item, table) for item in value]
    if isinstance(value, dict):
        return {k: v if k in NUMBER_FIELDS else _packed(v, table) for k, v in value.items()}
    return value


def pack(data: dict[str, Any]) -> dict[str, Any]:
    """The tree's data with every string of its nodes replaced by its place in a table of
    distinct strings (in order of first use); tree.js's `unpack` reverses it."""
    table: dict[str, int] = {}
    nodes = _packed(data["nodes"], table)
    head = {key: value for key, value in data.items() if key != "nodes"}
    return {**head, "format": DATA_FORMAT, "strings": list(table), "nodes": nodes}


def pack_part(answers: list[dict[str, Any]], nodes: list[dict[str, Any]]
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """One topic's part of a version's data, with a string table of its own, in two
    halves: what the first question needs (its answers to it, the strings they use and
    how many nodes the part has) and the rest (its nodes, which answers point at by index,
    and the strings only they use: the table goes on where the first half's stops)."""
    table: dict[str, int] = {}
    packed_answers = _packed(answers, table)
    first = len(table)
    packed_nodes = _packed(nodes, table)
    strings = list(table)
    return ({"strings": strings[:first], "answers": packed_answers, "n": len(nodes)},
            {"strings": strings[first:], "nodes": packed_nodes})


def joined_part(first: dict[str, Any], rest: dict[str, Any]) -> dict[str, Any]:
    """A part's two halves (`pack_part`) as one: its whole string table, answers, nodes."""
    return {"strings": first["strings"] + rest["strings"], "answers": first["answers"],
            "nodes": rest["nodes"]}


def unpack(data: dict[str, Any]) -> dict[str, Any]:
    """`pack` reversed, parts included (as tree.js does it): the nodes of each part follow
    the head's, and its answers to the first question come before the head's own."""

    def unpacked(value: Any, strings: list[str], offset: int) -> Any:
        if isinstance(value, list):
            return [unpacked(item, strings, offset) for item in value]
        if isinstance(value, dict):
            return {k: (v + offset if k == "to" else v) if k in NUMBER_FIELDS
                    else unpacked(v, strings, offset) for k, v in value.items()}
        if isinstance(value, int) and not isinstance(value, bool):
            return strings[value]
        return value

    head = {k: v for k, v in data.items() if k not in ("nodes", "strings", "format", "parts")}
    nodes = unpacked(data["nodes"], data["strings"], 0)
    answers: list[Any] = []
    for part in data.get("parts") or []:
        offset = len(nodes)
        answers += unpacked(part["answers"], part["strings"], offset)
        nodes += unpacked(part["nodes"], part["strings"], offset)
    if answers:
        nodes[0]["a"] = answers + nodes[0]["a"]
    return {**head, "nodes": nodes}


# The data's compressed bytes as text: base85 in RFC 1924's alphabet (Python's b85encode),
# with "." for "<", so that the text can neither end nor comment out the script element
# holding it; no quote or backslash either, for the page's scripts' strings. Five
# characters for four bytes, where base64 takes about 5.3.
ALPHABET = ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            "!#$%&()*+-;.=>?@^_`{|}~")
_WRITTEN = str.maketrans("<", ".")
_READ = str.maketrans(".", "<")


def encoded(data: bytes) -> str:
    """`data` as the text the troubleshooter's scripts read (tree.js `base85Bytes`)."""
    return base64.b85encode(data).decode("ascii").translate(_WRITTEN)


def decoded(text: str) -> bytes:
    """`encoded` reversed; ValueError on a character outside ALPHABET."""
    return base64.b85decode(text.translate(_READ))


def opened(first: str, rest: str) -> dict[str, Any]:
    """The two gzip-compressed, encoded halves of a troubleshooter's data (see
    `single_payload`) opened and joined: {"tree": the packed tree, each part whole (see
    `joined_part`), "lookup": the lookup index or None}."""
    head, tail = decompressed(first), decompressed(rest)
    tree = head["tree"]
    parts = tree.get("parts") or []
    if len(parts) != len(tail["parts"]):
        raise ValueError("the data's two halves do not hold the same parts")
    tree["parts"] = [joined_part(a, b) for a, b in zip(parts, tail["parts"], strict=True)]
    return {"tree": tree, "lookup": tail["lookup"]}


def decompressed(text: str) -> Any:
    """The JSON a piece of the data holds (`encoded`, gzip-compressed)."""
    return json.loads(gzip.decompress(decoded(text)).decode("utf-8"))


def deflate_chunk(data: bytes) -> bytes:
    """`data` as raw DEFLATE that ends on a byte boundary (a full flush, no final block) and
    refers to nothing before it: such chunks, one after the other, are one DEFLATE stream,
    so a topic's share is compressed once and kept."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)


def gzip_chunks(chunks: list[tuple[bytes, bytes]]) -> bytes:
    """One gzip member (no time, no name, as `gzip.compress` writes it) of (data, its
    `deflate_chunk`) pairs, in order."""
    crc = size = 0
    for data, _ in chunks:
        crc = zlib.crc32(data, crc)
        size += len(data)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty last block
    return b"".join([b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff",
                     *(chunk for _, chunk in chunks), final,
                     struct.pack("<II", crc, size & 0xFFFFFFFF)])


def _chunk(text: str) -> tuple[bytes, bytes]:
    data = text.encode("utf-8")
    return data, deflate_chunk(data)


_COMMA = _chunk(",")


@dataclass(frozen=True)
class TopicPiece:
    """One topic's share of a version's troubleshooter, kept between builds: its part of
    the data in two halves (see `pack_part`; `part`: its answers to the first question,
    packed, as JSON; `rest`: its nodes, likewise, and `rest_chunk`: the same compressed,
    see `deflate_chunk`), or the line telling why the version has no tree for it
    (`missing`); and its own one-file troubleshooter (`single`)."""

    topic: str
    name: str
    part: str = ""
    missing: str = ""
    single: bytes = b""
    rest: str = ""  # the second half of its part (see `pack_part`), as JSON
    rest_chunk: bytes = b""


def _root_nodes(markup: Markup) -> list[dict[str, Any]]:
    """The first question and the "not listed" end: the head of every tree's data; each
    part adds its answers to the question."""
    nodes: dict[str, Node] = {ROOT: Question(ROOT, FIRST_QUESTION,
                            (Choice(NONE_KEY, NOT_LISTED_LABEL, NOT_LISTED),)),
             NOT_LISTED: NotCovered(NOT_LISTED)}
    index = {node_id: i for i, node_id in enumerate(nodes)}
    return [_record(node, index, markup) for node in nodes.values()]


def data_text(head: dict[str, Any], markup: Markup) -> tuple[str, str]:
    """The packed data of a tree (head, first question, parts) as JSON text, cut where the
    parts go: (what comes before them, what comes after)."""
    text = compact_json(pack({**head, "nodes": _root_nodes(markup)}))
    assert text.endswith("}")
    return text[:-1] + ',"parts":[', "]}"


def single_file(title: str, info: SiteInfo, data: tuple[str, str], lookup: bool) -> str:
    """The one-file troubleshooter: styles, script and data inline, a policy forbidding
    every request, so it works from file:// and copied alone to another machine.

    The data (`data`: see `single_payload`, as `encoded_pieces` writes it: the packed tree
    and, with `lookup`, the lookup index for the filter, whose matcher comes too) is two
    gzip-compressed pieces: the first before the script, the rest after it, so the first
    question can show while a browser still receives the file. The matcher comes last:
    only the filter uses it, once the rest is open (the script opens the rest when the
    whole file is parsed)."""
    script = minified(ASSETS / "tree.js")
    css = asset("tree.css")
    matcher = minified(ASSETS.parent / "lookup" / "lookup.js") if lookup else ""
    hashes = " ".join(_csp_hash(s) for s in (matcher, script) if s)
    csp = ("default-src 'none'; " f"script-src {hashes}; "
           f"style-src {_csp_hash(css)}; img-src data:; base-uri 'none'; form-action 'none'")
    footer = (f"From {html.escape(info.name)}, for {html.escape(title)}.")
    if info.url:
        address = html.escape(info.url, quote=True)
        footer += f' Online: <a href="{address}">{address}</a>.'
    return _fill(asset("standalone.html"), {
        "csp": csp,
        "title": html.escape(f"Troubleshooter · {title} · {info.name}"),
        "site": html.escape(info.name),
        "version": html.escape(title),
        "footer": footer,
        "css": css,
        "data": data[0],
        "rest": data[1],
        "lookup": f"<script>{matcher}</script>" if matcher else "",
        "script": script,
    })


DATA_SCRIPT_LINES = ('window.kbTreePacked = "', 'window.kbTreeRest = "')


def data_scripts(data: tuple[str, str]) -> tuple[str, str]:
    """The site page's scripts of the version's data (DATA_SCRIPT, then REST_SCRIPT): the
    one file's two pieces (see `single_payload`), the same text (`encoded_pieces`), in
    strings tree.js opens. The page loads the first; tree.js asks for the second once the
    first question is drawn, so a reader waits for the first piece's bytes alone."""
    first, rest = (f'{line}{piece}";\n'
                   for line, piece in zip(DATA_SCRIPT_LINES, data, strict=True))
    return first, rest


def encoded_pieces(payload: tuple[bytes, bytes]) -> tuple[str, str]:
    """The two pieces of a payload as text (`encoded`), made once for the page's scripts
    and the version's single file, which carry the same."""
    return encoded(payload[0]), encoded(payload[1])


def page_payload(first: str, rest: str) -> Any:
    """`data_scripts` read back: the payload joined (see `opened`), {"tree": packed data,
    "lookup": index}."""
    pieces = []
    for line, script in zip(DATA_SCRIPT_LINES, (first, rest), strict=True):
        found = re.fullmatch(re.escape(line) + f'([{re.escape(ALPHABET)}]*)";\n', script)
        if found is None:
            raise ValueError(f"not a troubleshooter data script: {script[:40]!r}")
        pieces.append(found.group(1))
    return opened(*pieces)


def single_payload(before: str, parts: list[str], after: str, lookup_index: str,
                   rests: list[tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    """The payload of a one-file troubleshooter, in two gzip-compressed pieces: first
    {"tree": the data (`before`, the first halves of the parts, `after`)}, what the first
    question needs; then {"parts": the parts' second halves (`rests`), "lookup": the index
    or null}, opened after the first question shows.

    The first piece is compressed whole, each build: its parts are small and alike, so
    compressed one by one they come out about twice as large, and the first question waits
    for these bytes. The second is made of the parts' chunks as they are kept (see
    `deflate_chunk`): large parts, that compress about as well apart."""
    first = "".join(['{"tree":', before, ",".join(parts), after, "}"]).encode("utf-8")
    return (gzip.compress(first, 9, mtime=0),
            _gzip_list('{"parts":[', rests, '],"lookup":' + (lookup_index or "null") + "}"))


def _gzip_list(opening: str, items: list[tuple[bytes, bytes]], closing: str) -> bytes:
    """One gzip member: `opening`, the items' chunks separated by commas, `closing`."""
    chunks = [_chunk(opening)]
    for number, item in enumerate(items):
        if number:
            chunks.append(_COMMA)
        chunks.append(item)
    chunks.append(_chunk(closing))
    return gzip_chunks(chunks)


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


def page_markdown(version: str, info: SiteInfo,
                  topics: list[tuple[str, str]] | None = None) -> str:
    """The site page of the troubleshooter of `version` (its title): an introduction, then
    the same script and styles as the single file.

    The data comes in script files of its own, so the page stays small for MkDocs: the
    first piece's is linked, the rest's (`data-rest`) is loaded by tree.js once the first
    question is drawn; `topics` (id, name) lists the per-topic single files."""
    topics = topics or []
    back = "../" if info.directory_urls else ""
    title = "Find the fix for your error"
    return "\n".join([
        "---",
        'title: "Troubleshooter"',
        "description: " + yaml_scalar(
            html.escape(f"{title}: a guided troubleshooter for {version}.")),
        "hide:",
        "  - toc",
        # Linked by overrides/main.html from the page's address, whatever the engine; the
        # data (its second piece, which tree.js loads) carries the version's lookup index,
        # which the lookup page's matcher reads for the message filter; the site's
        # versions and the index loader serve "found in other versions".
        "kb_styles:",
        f"  - {STYLES}",
        "kb_scripts:",
        *(f"  - {path}" for path in (DATA_SCRIPT, LOOKUP_SCRIPT, VERSIONS_SCRIPT,
                                     LOADER_SCRIPT, SCRIPT)),
        "---",
        "",
        f"# {title}",
        "",
        "Answer a few questions, starting from the message you see, to get the steps that "
        f"fix it in {plain_text(version)}. Your answers stay in this page's address, so you "
        "can bookmark the result or send it to a colleague; nothing is recorded.",
        "",
        f"To use it offline, [open the troubleshooter as one file]({SINGLE_FILE}) and save "
        "it: it works without this site and without a network.",
        "",
        *_topic_links(topics),
        f'<div id="kb-tree" class="kb-tree" data-base="{back}" data-rest="{REST_SCRIPT}" '
        "data-search-exclude>",
        "<noscript><p>This troubleshooter needs JavaScript. Without it, browse the topics "
        "in the navigation.</p></noscript>",
        "</div>",
        "",
    ])


@dataclass
class _Shared:
    """The work the versions of one catalogue share: translations and cause ends, and
    which topics' cause plans are made (they are made as topics need them)."""

    catalogue: Catalogue
    directory_urls: bool
    markup: Markup
    planned: set[str] = dataclasses.field(default_factory=set)
    versions: dict[str, Markup] = dataclasses.field(default_factory=dict)


# The last catalogue's shared work.
_SHARED: list[_Shared] = []


def version_markup(project: Project, catalogue: Catalogue, moniker: str,
                   directory_urls: bool = True, topic: str | None = None) -> Markup:
    """The Markup of a version, ready for `topic` (or every topic); the versions of one
    catalogue share their work."""
    if not _SHARED or _SHARED[0].catalogue is not catalogue or \
            _SHARED[0].directory_urls != directory_urls:
        context = docfx.Context.for_project(project, catalogue.products)
        render = RenderContext(moniker, context, shared=Shared())
        _SHARED[:] = [_Shared(catalogue, directory_urls, Markup(render, directory_urls))]
    shared = _SHARED[0]
    for item in catalogue.topics:
        if (topic is None or item.id == topic) and item.id not in shared.planned:
            shared.planned.add(item.id)
            shared.markup.plans.update(cause_plans(dataclasses.replace(
                catalogue, topics=(item,)), shared.markup.render))
    markup = shared.versions.get(moniker)
    if markup is None:
        base = shared.markup
        render = RenderContext(moniker, base.render.docfx, shared=base.render.shared)
        markup = shared.versions[moniker] = Markup(render, directory_urls, base.plans,
                                                   base.causes)
    return markup


def _part_order(part: TopicPart) -> list[str]:
    """The nodes of a topic's part in a stable breadth-first order from its answers."""
    order = [c.target for c in part.choices]
    seen = set(order)
    order = list(dict.fromkeys(order))
    for node_id in order:
        for choice in choices_of(part.nodes[node_id]):
            if choice.target not in seen:
                seen.add(choice.target)
                order.append(choice.target)
    return order


# Per process: each topic as a catalogue of its own (the versions of a build share one, and
# the lookup compiles its messages once).
_ALONE: dict[tuple[int, str], tuple[Catalogue, Catalogue]] = {}


def _alone(catalogue: Catalogue, topic: Topic) -> Catalogue:
    key = (id(catalogue), topic.id)
    known = _ALONE.get(key)
    if known is None or known[0] is not catalogue:
        if len(_ALONE) > 1000:
            _ALONE.clear()
        known = _ALONE[key] = (catalogue, dataclasses.replace(catalogue, topics=(topic,)))
    return known[1]


def topic_piece(project: Project, catalogue: Catalogue, topic: Topic, view: Topic | None,
                moniker: str, settings: dict[str, Any]) -> TopicPiece:
    """One topic's share of the version's troubleshooter, and its own one-file
    troubleshooter (with the lookup index of its errors, for the filter)."""
    info = SiteInfo.from_settings(settings, moniker)
    products = catalogue.products
    name = topic.nav_title or topic.title
    version = products[moniker].title
    if moniker not in topic.applies_to:
        return TopicPiece(topic.id, name, missing=(
            f"{name}: no decision tree for {version}; this topic covers "
            f"{describe_versions(topic.applies_to, products)}."))
    part = derive_topic(topic, moniker, view=view)
    if not part.choices:
        return TopicPiece(topic.id, name, missing=(
            f"{name}: no decision tree for {version}; none of its errors applies to this "
            "version."))
    markup = version_markup(project, catalogue, moniker, info.directory_urls, topic.id)
    order = _part_order(part)
    index = {node_id: i for i, node_id in enumerate(order)}
    first, rest = pack_part(_answers(part.choices, index),
                            [_record(part.nodes[node_id], index, markup) for node_id in order])
    text, rest_text = compact_json(first), compact_json(rest)
    rest_chunk = _chunk(rest_text)
    resolved = view or resolve_topic(topic, moniker)
    lookup = index_json(build_index(_alone(catalogue, topic),
                                    dataclasses.replace(catalogue, topics=(resolved,)),
                                    moniker, info.new_entry))
    before, after = data_text(_head(info, moniker, version, False, []), markup)
    single = single_file(version, info, encoded_pieces(
        single_payload(before, [text], after, lookup, [rest_chunk])), True)
    return TopicPiece(topic.id, name, text, "", single.encode("utf-8"), rest_text, rest_chunk[1])


def assemble(project: Project, catalogue: Catalogue, view: Catalogue, moniker: str,
             settings: dict[str, Any], pieces: list[TopicPiece]) -> Contribution:
    """The troubleshooter of one version from its topics' pieces: its page, its data, its
    single files (the whole version's and one per topic)."""
    info = SiteInfo.from_settings(settings, moniker)
    version = catalogue.products[moniker].title
    parts = [piece for piece in pieces if piece.part]
    markup = version_markup(project, catalogue, moniker, info.directory_urls, "")
    head = _head(info, moniker, version, not parts, [p.missing for p in pieces if p.missing])
    before, after = data_text(head, markup)
    lookup = index_json(build_index(catalogue, view, moniker, info.new_entry))
    data = encoded_pieces(single_payload(before, [p.part for p in parts], after, lookup,
                                         [(p.rest.encode("utf-8"), p.rest_chunk)
                                          for p in parts]))
    first_script, rest_script = data_scripts(data)
    files = {TOPIC_FILE.format(topic=p.topic): p.single for p in parts}
    files.update({
        PAGE: page_markdown(version, info, [(p.topic, p.name) for p in parts])
        .encode("utf-8"),
        SINGLE_FILE: single_file(version, info, data, True).encode("utf-8"),
        DATA_SCRIPT: first_script.encode("ascii"),
        REST_SCRIPT: rest_script.encode("ascii"),
        SCRIPT: asset("tree.js").encode("utf-8"),
        STYLES: asset("tree.css").encode("utf-8"),
    })
    return Contribution(files, [{NAV_PAGE: PAGE}, {NAV_FILE: SINGLE_FILE}])


def contribute(project: Project, catalogue: Catalogue, view: Catalogue, moniker: str,
               settings: dict[str, Any]) -> Contribution:
    """The troubleshooter of one version, every topic's piece made here (the build keeps
    pieces between builds instead: see `topic_piece` and `assemble`)."""
    pieces = [topic_piece(project, catalogue, topic, view.topic(topic.id), moniker, settings)
              for topic in catalogue.topics]
    return assemble(project, catalogue, view, moniker, settings, pieces)
