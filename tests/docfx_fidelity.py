"""Fidelity of DocFX articles: built by MkDocs for every version, checked against expectations.

Run `python -m tests.docfx_fidelity [FOLDER ...]` to print, per page and version, what
differs, "N of M pages fully correct" and how long it took (default folders: the shared
DocFX corpus). The folders are put in the `content/` of a fresh knowledge base (names kept,
so includes resolve) with the versions of `tests/fixtures/docfx_fidelity/products.yml`;
the generator validates and renders every version, and each version is built by MkDocs +
Material as `kb build` builds it (through the generator's engine: each distinct block of
Markdown converted once for every version, two versions at a time). The checks read the
built HTML.

The expectations come from the source alone, never from the generator: the pages
(Markdown files outside `includes`/`_shared` folders and `docfx.json` excludes), each
page's `monikerRange` and moniker zones (a small evaluator below), the source with zones
resolved and includes pasted in, read by a CommonMark parser (markdown-it-py, the
reference for structure, with Markdig's rule that a `|` inside a code span does not split
a table cell), DocFX's heading ids computed from that parse (each file a document of its
own, every zone counted, as DocFX renders every zone into the page), the `<a name>`
anchors, the alerts and the includes that are missing. Per page and version it checks:

- the page is built in exactly the versions of its range, and include files never are;
- every text block (paragraph, heading, list item, table cell, code block) of the
  reference is in the built page, in order; text of a zone hidden in this version is not;
- no DocFX syntax is left in the text (`[!NOTE]`, `[!INCLUDE`, `:::`, `xref:` ...);
- headings carry DocFX's ids, in order; every `<a name>` anchor is there;
- alerts are admonitions of the right kind, in order;
- list items per nesting depth and ordered lists' start numbers are equal;
- code blocks (text and language), tables (cell by cell) and images (target and alt) are equal;
- the generator reports exactly the errors the source holds (a missing include, at its line).
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import functools
import posixpath
import re
import shutil
import sys
import tempfile
import textwrap
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from selectolax.lexbor import LexborHTMLParser, LexborNode

from tests.markdown_structure import ROOT, commonmark

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docfx_fidelity"
PRODUCTS = FIXTURES / "products.yml"
CORPUS = ROOT.parent / "shared" / "docfx-corpus"
CORPUS_FOLDERS = (CORPUS / "SupportArticles-docs" / "support", CORPUS / "entra-docs" / "docs")
OWN_FOLDERS = (FIXTURES / "guide",)

ALERT_KINDS = {"NOTE": "note", "TIP": "tip", "IMPORTANT": "info", "CAUTION": "danger",
               "WARNING": "warning"}
# DocFX syntax that must not reach a reader as text.
LEFTOVERS = re.compile(r"\[!(?:NOTE|TIP|IMPORTANT|CAUTION|WARNING|INCLUDE|div|VIDEO|code)\b"
                       r"|:::|\bxref:|#tab/", re.IGNORECASE)

QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?[ \t]*)*")
FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})(.*)$")
ZONE_OPEN = re.compile(r'^:{3,}\s*moniker\s+range\s*=\s*["\']([^"\']*)["\']\s*$', re.I)
ZONE_END = re.compile(r"^:{3,}\s*moniker-end\s*$", re.I)
BLOCK_INCLUDE = re.compile(r"^\[!INCLUDE\s*\[[^\]]*\]\(([^)]*)\)\]\s*$", re.I)
INLINE_INCLUDE = re.compile(r"\[!INCLUDE\s*\[[^\]]*\]\(([^)]*)\)\]", re.I)
ALERT = re.compile(r"^\[!(NOTE|TIP|IMPORTANT|CAUTION|WARNING)\][ \t]*", re.I)
DIV = re.compile(r"^\[!div(?:\s[^\]]*)?\]\s*$", re.I)
VIDEO = re.compile(r"\[!VIDEO\s+([^\]\s]+)\s*\]", re.I)
IMAGE = re.compile(r":::image\s+(?P<attrs>[^:]*?):::", re.I)
IMAGE_END = re.compile(r"^:::image-end:::\s*$", re.I)
# A grid's markers: the content of its columns reads as it is written.
GRID = re.compile(r"^:::(?:row|column|row-end|column-end)(?:\s[^:]*)?:::\s*$", re.I)
NO_LOC = re.compile(r':::no-loc\s+text="(?P<text>(?:[^"\\\n]|\\.)*)":::', re.I)
ATTR = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')
MD_TARGET = re.compile(r"(\]\()(<[^>\n]*>|[^\s()]+)")
HTML_SRC = re.compile(r"""(\bsrc\s*=\s*)(["'])([^"']*)\2""", re.I)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^[/#?\\]")
ERROR = re.compile(r"^(?P<path>.+?):(?P<line>\d+):\d+: error: (?P<message>.*)$", re.S)


# Versions -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def monikers(products: Path = PRODUCTS) -> tuple[str, ...]:
    """The version names of a products.yml, oldest first (one product)."""
    data = yaml.safe_load(products.read_text(encoding="utf-8"))
    return tuple(str(m["id"]) for p in data["products"] for m in p["monikers"])


def in_range(moniker: str, text: str, names: Sequence[str]) -> bool:
    """DocFX's range grammar: `||` between sets, a set holds every comparator."""
    index = names.index(moniker)
    for part in text.split("||"):
        tokens = re.findall(r"(<=|>=|<|>|=)?\s*([\w.-]+)", part)
        if tokens and all(_compare(index, op or "=", names.index(name.lower()))
                          for op, name in tokens):
            return True
    return False


def _compare(index: int, op: str, other: int) -> bool:
    return {"=": index == other, "<": index < other, "<=": index <= other,
            ">": index > other, ">=": index >= other}[op]


# Pages ----------------------------------------------------------------------------------


def _glob(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z", re.I)


def _excluded(folder: Path, path: Path) -> bool:
    """Whether the nearest docfx.json above `path` (up to `folder`) excludes it."""
    import json

    for parent in [path.parent, *path.parent.parents]:
        config = parent / "docfx.json"
        if config.is_file():
            rel = path.relative_to(parent).as_posix()
            entries = json.loads(config.read_text(encoding="utf-8"))["build"]["content"]
            return not any(any(_glob(f).match(rel) for f in e.get("files", []))
                           and not any(_glob(x).match(rel) for x in e.get("exclude", []))
                           for e in entries)
        if parent == folder.parent:
            return False
    return False


def expected_pages(folder: Path) -> list[str]:
    """The pages of a folder, as content-relative paths ('folder/a/b.md')."""
    pages = []
    for path in sorted(folder.rglob("*.md")):
        rel = path.relative_to(folder.parent).as_posix()
        if {"includes", "_shared"} & set(rel.split("/")[:-1]) or _excluded(folder, path):
            continue
        pages.append(rel)
    return pages


def front_matter(text: str) -> tuple[dict[str, Any], list[str], int]:
    """(front matter, body lines, number of lines before the body); the last of a repeated
    key wins, as in DocFX."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].lstrip("\ufeff").strip() == "---":
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
        data = copy.deepcopy(_yaml("\n".join(lines[1:end])))
        return data, lines[end + 1:], end + 1
    return {}, lines, 0


@functools.lru_cache(maxsize=4096)
def _yaml(text: str) -> dict[str, Any]:
    """A front matter read (each page's is read once per version it is checked in)."""
    found: dict[str, Any] = yaml.safe_load(text) or {}  # PyYAML: the last value wins
    return found


# The source, expanded -------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A line of the expanded source: its text, the document it belongs to (the include
    chain), its line number there (0: added by the expansion) and whether it is shown."""

    text: str
    doc: tuple[str, ...]
    number: int
    shown: bool


@dataclass
class Expansion:
    lines: list[Line] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)  # shown alerts' kinds, in order
    missing: list[tuple[str, int]] = field(default_factory=list)  # (file, line) of includes
    files: set[str] = field(default_factory=set)  # every file read (content-relative)
    videos: list[str] = field(default_factory=list)  # shown videos' URLs


def _rebase(target: str, source_dir: str, page_dir: str) -> str:
    if target.startswith("<") and target.endswith(">"):
        return "<" + _rebase(target[1:-1], source_dir, page_dir) + ">"
    if not target or SCHEME.match(target) or source_dir == page_dir:
        return target
    return posixpath.relpath(posixpath.normpath(posixpath.join(source_dir, target)), page_dir)


def _md_escape(text: str) -> str:
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def _inline(text: str, source_dir: str, page_dir: str) -> str:
    """DocFX's inline constructs as the CommonMark they show as; targets rebased."""
    def image(found: re.Match[str]) -> str:
        attrs = dict(ATTR.findall(found["attrs"]))
        alt = attrs.get("alt-text", "").replace("[", "\\[").replace("]", "\\]")
        return f"![{alt}](<{attrs.get('source', '')}>)"

    text = IMAGE.sub(image, text)
    text = NO_LOC.sub(lambda m: _md_escape(re.sub(r"\\(.)", r"\1", m["text"]).strip()), text)
    text = VIDEO.sub("", text)  # a player: no text (checked as a link to its URL)
    text = MD_TARGET.sub(lambda m: m[1] + _rebase(m[2], source_dir, page_dir), text)
    return HTML_SRC.sub(lambda m: m[1] + m[2] + _rebase(m[3], source_dir, page_dir) + m[2], text)


def expand(content: Path, rel: str, moniker: str | None, names: Sequence[str],
           out: Expansion | None = None, chain: tuple[str, ...] = (), shown: bool = True,
           prefix: str = "", page_dir: str | None = None) -> Expansion:
    """The source of `rel` (content-relative) for one version (None: every zone shown),
    includes pasted in with the indentation or quote of their line."""
    out = out if out is not None else Expansion()
    path = content / rel
    chain = (*chain, rel)
    out.files.add(rel)
    source_dir = posixpath.dirname(rel)
    page_dir = source_dir if page_dir is None else page_dir
    _, lines, skipped = front_matter(path.read_text(encoding="utf-8"))
    stack: list[bool] = []
    fence = ""

    def emit(text: str, number: int, visible: bool) -> None:
        out.lines.append(Line(prefix + text if text else prefix.rstrip(), chain, number,
                              visible))

    for number, line in enumerate(lines, skipped + 1):
        lead = QUOTE_PREFIX.match(line)
        quote = lead.group() if lead else ""
        bare = line[len(quote):]
        visible = shown and all(stack)
        if fence:
            if bare.startswith(fence[0] * len(fence)) and not bare.strip(fence[0] + " \t"):
                fence = ""
            emit(line, number, visible)
            continue
        opened = FENCE_OPEN.match(bare)
        if opened and not (opened[1][0] == "`" and "`" in opened[2]):
            fence = opened[1]
            emit(line, number, visible)
            continue
        if (zone := ZONE_OPEN.match(bare)) is not None:
            stack.append(moniker is None or in_range(moniker, zone[1], names))
            emit(quote.rstrip(), number, visible)
            continue
        if ZONE_END.match(bare):
            if stack:
                stack.pop()
            emit(quote.rstrip(), number, visible)
            continue
        if (include := BLOCK_INCLUDE.match(bare)) is not None and len(chain) < 10:
            target = posixpath.normpath(posixpath.join(source_dir, include[1].strip()))
            if (content / target).is_file():
                emit(quote.rstrip(), 0, visible)
                expand(content, target, moniker, names, out, chain, visible,
                       prefix + quote, page_dir)
                emit(quote.rstrip(), 0, visible)
            elif visible:
                out.missing.append((rel, number))
            continue
        if IMAGE_END.match(bare) or DIV.match(bare) or GRID.match(bare):
            emit(quote.rstrip(), number, visible)
            continue
        if (alert := ALERT.match(bare)) is not None and quote.strip().startswith(">"):
            if visible:
                out.alerts.append(ALERT_KINDS[alert[1].upper()])
            bare = bare[alert.end():]
        bare = INLINE_INCLUDE.sub(functools.partial(
            _inline_include, content, rel, number, moniker, names, out, chain, visible,
            page_dir), bare)
        if visible:
            out.videos += VIDEO.findall(bare)
        emit(quote + _inline(bare, source_dir, page_dir), number, visible)
    return out


def _inline_include(content: Path, rel: str, number: int, moniker: str | None,
                    names: Sequence[str], out: Expansion, chain: tuple[str, ...], shown: bool,
                    page_dir: str, found: re.Match[str]) -> str:
    """An include inside a paragraph: the file's text joined into one line."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), found[1].strip()))
    if not (content / target).is_file():
        if shown:
            out.missing.append((rel, number))
        return ""
    inner = expand(content, target, moniker, names, Expansion(), chain, shown, "", page_dir)
    out.files |= inner.files
    return " ".join(line.text.strip() for line in inner.lines if line.text.strip())


# The reference and the built page, read alike --------------------------------------------


@dataclass
class Page:
    """What the checks compare, read from one HTML page (the reference or the built one)."""

    units: list[str]  # text blocks, in order
    headings: list[tuple[int, str]]  # (level, id) of each heading
    ids: set[str]
    admonitions: list[str]
    li_depths: Counter[int]
    ol_starts: list[str]
    code: list[tuple[str, str]]  # (language, text)
    tables: list[list[list[str]]]
    images: list[tuple[str, str]]  # (resolved target, alt)
    leftovers: list[str]


BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "pre",
                        "blockquote", "ul", "ol", "table", "div", "dl", "dt", "dd", "details",
                        "summary", "hr", "thead", "tbody", "tr", "article", "section"})
UNIT_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd"})


def squash(text: str) -> str:
    """Text compared without its whitespace (each side breaks lines its own way)."""
    return re.sub(r"\s+", "", text.replace("\u00a0", " "))


def _own_text(node: LexborNode) -> str:
    """The text of a node without the text of the blocks inside it."""
    parts = []
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag not in BLOCK_TAGS:
            parts.append(child.text(deep=True))
    return "".join(parts)


def _units(root: LexborNode) -> Iterator[str]:
    for node in root.traverse(include_text=False):
        tag = node.tag
        if tag in UNIT_TAGS:
            text = _own_text(node)
        elif tag in ("li", "blockquote", "div", "details", "summary"):
            text = _own_text(node)  # a tight list item's text; stray text in a container
        elif tag == "pre":
            text = node.text(deep=True)
        else:
            continue
        if squash(text):
            yield text.strip()


def _resolve(src: str, base: str) -> str:
    """A content-relative path for a relative target (backslashes read as '/', as browsers
    read them); URLs and site-absolute paths as they are."""
    src = unquote(src).replace("\\", "/")
    if SCHEME.match(src):
        return src
    return posixpath.normpath(posixpath.join(base, src.split("#")[0].split("?")[0]))


def _code_language(lang: str) -> str:
    """The language class pymdownx.highlight gives a block: the name when Pygments has a
    lexer of that name, else `text`."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        get_lexer_by_name(lang)
    except ClassNotFound:
        return "text"
    return lang


def read_page(root: LexborNode, built: bool) -> Page:
    """What the checks compare, from the element holding a page's content."""
    for link in root.css("a.headerlink"):  # the permalink sign after a heading
        link.decompose()
    headings = [(int(str(h.tag)[1]), h.attributes.get("id") or "")
                for h in root.css("h1, h2, h3, h4, h5, h6")]
    ids = {str(n.attributes.get("id")) for n in root.css("[id]")} | \
        {str(n.attributes.get("name")) for n in root.css("a[name]")}
    admonitions = [next((c for c in (n.attributes.get("class") or "").split()
                         if c in ALERT_KINDS.values()), "?")
                   for n in root.css("div.admonition")]
    depths: Counter[int] = Counter()
    for li in root.css("li"):
        depth, node = 0, li.parent
        while node is not None and node is not root:
            depth += node.tag == "li"
            node = node.parent
        depths[depth] += 1
    starts = [str(ol.attributes.get("start") or "1") for ol in root.css("ol")]
    code = []
    for pre in root.css("pre"):
        if built:  # pymdownx.highlight: <div class="language-x highlight"><pre><code>
            holder = pre.parent
            classes = (holder.attributes.get("class") or "").split() if holder else []
        else:
            inner = pre.css_first("code")
            classes = (inner.attributes.get("class") or "").split() if inner else []
        lang = next((c.removeprefix("language-") for c in classes
                     if c.startswith("language-")), "")
        lang = lang if built else _code_language(lang.split()[0] if lang else "")
        text = "\n".join(line.rstrip() for line in pre.text(deep=True).strip("\n").split("\n"))
        code.append((lang, text))
    tables = [[[" ".join(cell.text(deep=True).split()) for cell in row.css("th, td")]
               for row in table.css("tr")] for table in root.css("table")]
    images = [(str(img.attributes.get("src") or ""),
               " ".join(str(img.attributes.get("alt") or "").split()))
              for img in root.css("img")]
    # Labels the site adds: an admonition's title (compared as admonitions), the summary
    # of a collapsed block (a complex image's description).
    for title in root.css("p.admonition-title, details > summary"):
        title.decompose()
    units = list(_units(root))
    for node in root.css("code"):
        node.decompose()
    leftovers = sorted({m.group() for n in root.traverse(include_text=False)
                        if n.tag in UNIT_TAGS or n.tag == "li"
                        for m in LEFTOVERS.finditer(n.text(deep=True))})
    hrefs = [str(a.attributes.get("href") or "") for a in root.css("a[href]")]
    leftovers += [f"href={h}" for h in hrefs if h.lower().startswith("xref:")]
    return Page(units, headings, ids, admonitions, depths, starts, code, tables, images,
                leftovers)


# Heading ids (Markdig's AutoIdentifierOptions.GitHub, as DocFX configures it) -----------


def gfm_id(text: str) -> str:
    """Letters and digits lowercased, spaces to '-', '-' and '_' kept, the rest dropped."""
    out = []
    for char in text:
        if char == " ":
            out.append("-")
        elif char in "-_":
            out.append(char)
        elif unicodedata.category(char) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd"):
            out.append(char.lower() if len(char.lower()) == 1 else char)
    return "".join(out)


def _plain(tokens: Iterable[Token]) -> str:
    """A heading's text as Markdig's plain-text renderer writes it: markup and HTML out."""
    parts = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type == "image":
            parts.append(_plain(token.children or []))
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def heading_ids(lines: Sequence[Line]) -> dict[tuple[tuple[str, ...], int], str]:
    """(document, line) -> DocFX's id, for every heading of the expanded source; ids are
    unique within each document (a page, or one use of an include)."""
    tokens = _parser().parse("\n".join(line.text for line in lines))
    taken: dict[tuple[str, ...], set[str]] = {}
    found = {}
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None:
            continue
        line = lines[token.map[0]]
        inline = tokens[index + 1]
        base = gfm_id(_plain(inline.children or [])) or "section"
        used = taken.setdefault(line.doc, set())
        candidate, n = base, 0
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        found[(line.doc, line.number)] = candidate
    return found


def expected_headings(shown: Sequence[Line], ids: dict[tuple[tuple[str, ...], int], str]
                      ) -> list[tuple[int, str]]:
    """(level, id) of the headings shown in one version."""
    tokens = _parser().parse("\n".join(line.text for line in shown))
    out = []
    for token in tokens:
        if token.type == "heading_open" and token.map is not None:
            line = shown[token.map[0]]
            out.append((int(token.tag[1]), ids.get((line.doc, line.number), "?")))
    return out


# Checks -----------------------------------------------------------------------------------


@dataclass
class PageResult:
    """What differs for one page, per version (an empty list: correct)."""

    page: str
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return not any(self.problems.values())

    def summary(self) -> list[str]:
        """Each problem once, with the versions it is found in."""
        seen: dict[str, list[str]] = {}
        for moniker, problems in self.problems.items():
            for problem in dict.fromkeys(problems):
                seen.setdefault(problem, []).append(moniker)
        every = len(self.problems)
        return [f"{p} [{'every version' if len(v) == every else ', '.join(v)}]"
                for p, v in seen.items()]


@dataclass(frozen=True)
class Built:
    """A build to check: the content folder, each version's built pages (content-relative
    page -> HTML) and the generator's diagnostics, formatted."""

    content: Path
    versions: dict[str, dict[str, str]]
    diagnostics: tuple[str, ...]
    names: tuple[str, ...]
    site: Path  # holds a folder per version


def _article(html: str) -> LexborNode:
    tree = LexborHTMLParser(html)
    found = tree.css_first("article") or tree.body
    assert found is not None
    return found


def text_differences(expected: Sequence[str], actual: Sequence[str]) -> list[str]:
    """Text blocks of the reference missing from the built page, out of order in it, or
    built without being in the reference (compared without whitespace)."""
    want = [squash(u) for u in expected]
    have = [squash(u) for u in actual]
    problems = []
    matcher = difflib.SequenceMatcher(None, want, have, autojunk=False)
    missing = [i for tag, i1, i2, _, _ in matcher.get_opcodes() if tag in ("delete", "replace")
               for i in range(i1, i2)]
    extra = [j for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("insert", "replace")
             for j in range(j1, j2)]
    moved = {want[i] for i in missing} & {have[j] for j in extra}
    for i in missing:
        where = "out of order" if want[i] in moved else "missing"
        problems.append(f"text {where}: {_clip(expected[i])}")
    problems += [f"text not in the source: {_clip(actual[j])}" for j in extra
                 if have[j] not in moved]
    return problems


def _clip(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."


def reference_page(lines: Sequence[Line], page_dir: str) -> Page:
    html = commonmark("\n".join(line.text for line in lines))
    page = read_page(_article(f"<article>{html}</article>"), built=False)
    page.images = [(_resolve(src, page_dir), alt) for src, alt in page.images]
    return page


def built_page(html: str, rel: str, site: Path, videos: Sequence[str] = ()) -> Page:
    """A built page; its image targets are relative to its URL (`a/b.md` is `a/b/`), except
    those MkDocs left as written because the file is missing (relative to the source).
    Material's title (an `h1` without id, when the page has none) and the links that stand
    for videos are not compared as text; a video without its link is a leftover."""
    article = _article(html)
    first = next(iter(article.iter(include_text=False)), None)
    if first is not None and first.tag == "h1" and not first.attributes.get("id"):
        first.decompose()
    missing_videos = []
    for url in videos:
        link = next((a for a in article.css("a[href]") if a.attributes.get("href") == url), None)
        if link is None:
            missing_videos.append(f"video {url}")
        else:
            link.decompose()
    page = read_page(article, built=True)
    page.leftovers += missing_videos
    folder = posixpath.dirname(rel)
    url = posixpath.join(folder, Path(rel).stem)
    images = []
    for src, alt in page.images:
        target = _resolve(src, url)
        if not SCHEME.match(src) and not (site / target).is_file():
            target = _resolve(src, folder)
        images.append((target, alt))
    page.images = images
    return page


def expected_errors(expansion: Expansion) -> set[tuple[str, int]]:
    return set(expansion.missing)


def check_page(built: Built, rel: str) -> PageResult:
    """One page against its expectations, in every version."""
    result = PageResult(rel)
    meta, _, _ = front_matter((built.content / rel).read_text(encoding="utf-8"))
    scope = str(meta.get("monikerRange") or "")
    every = expand(built.content, rel, None, built.names)
    ids = heading_ids(every.lines)
    page_dir = posixpath.dirname(rel)
    # The versions that show the same lines have the same reference: read once.
    references: dict[tuple[Line, ...], tuple[Page, list[tuple[int, str]]]] = {}
    for moniker in built.names:
        problems = result.problems.setdefault(moniker, [])
        html = built.versions[moniker].get(rel)
        if scope and not in_range(moniker, scope, built.names):
            if html is not None:
                problems.append("built in a version its monikerRange leaves out")
            continue
        if html is None:
            problems.append("not built")
            continue
        expansion = expand(built.content, rel, moniker, built.names)
        problems.extend(_diagnostics(built, expansion))
        shown = [line for line in expansion.lines if line.shown]
        hidden = [line for line in expansion.lines if not line.shown]
        lines = tuple(shown)
        if lines not in references:
            references[lines] = (reference_page(shown, page_dir), expected_headings(shown, ids))
        reference, headings = references[lines]
        mine = built_page(html, rel, built.site / moniker, expansion.videos)
        problems.extend(compare(reference, mine, headings, expansion.alerts))
        if hidden:
            visible = {squash(u) for u in reference.units}
            gone = [u for chunk in _chunks(expansion.lines)
                    for u in reference_page(chunk, page_dir).units if squash(u) not in visible]
            present = {squash(u) for u in mine.units}
            problems.extend(f"text of a hidden zone shown: {_clip(u)}" for u in gone
                            if squash(u) in present)
    return result


def _chunks(lines: Sequence[Line]) -> Iterator[list[Line]]:
    """Each run of hidden lines, out of the quote or list item it is in, to read alone."""
    run: list[Line] = []
    for line in [*lines, Line("", (), 0, True)]:
        if not line.shown:
            run.append(line)
            continue
        if run:
            texts = textwrap.dedent("\n".join(re.sub(r"^[ \t]*(?:>[ \t]?)+", "", x.text)
                                              for x in run)).split("\n")
            yield [dataclasses.replace(x, text=t) for x, t in zip(run, texts, strict=True)]
            run = []


def _diagnostics(built: Built, expansion: Expansion) -> list[str]:
    """The generator's errors on the files of this page must be the source's own."""
    wanted = {(f"content/{file}", line) for file, line in expansion.missing}
    problems = []
    found = set()
    for item in built.diagnostics:
        error = ERROR.match(item)
        if error is None or error["path"].removeprefix("content/") not in expansion.files:
            continue
        at = (error["path"], int(error["line"]))
        if at in wanted and error["message"].startswith("include: ") \
                and "not found" in error["message"]:
            found.add(at)
            continue
        problems.append(item)
    problems += [f"missing include not reported: {p}:{n}" for p, n in sorted(wanted - found)]
    return problems


def compare(reference: Page, mine: Page, headings: list[tuple[int, str]],
            alerts: list[str]) -> list[str]:
    """Every difference between the reference reading of a page and its built HTML."""
    problems = text_differences(reference.units, mine.units)
    extra = sorted(set(mine.leftovers) - set(reference.leftovers))
    problems += [f"raw DocFX syntax left: {x}" if not x.startswith("video ") else
                 f"not linked: {x}" for x in extra]
    built_headings = [h for h in mine.headings if h[1]]  # Material's own title h1 has no id
    if built_headings != headings:
        missing = [f"#{i}" for _, i in headings if (_, i) not in built_headings]
        problems.append("heading ids differ: " + (", ".join(missing) + " missing" if missing
                                                  else f"{built_headings} != {headings}"))
    problems += [f"anchor missing: {a}" for a in sorted(reference.ids - mine.ids)]
    if mine.admonitions != alerts:
        problems.append(f"admonitions {mine.admonitions}, alerts {alerts}")
    if mine.li_depths != reference.li_depths:
        problems.append(f"list items per depth {dict(mine.li_depths)}, expected "
                        f"{dict(reference.li_depths)}")
    if mine.ol_starts != reference.ol_starts:
        problems.append(f"ordered lists start at {mine.ol_starts}, expected "
                        f"{reference.ol_starts}")
    if len(mine.code) != len(reference.code):
        problems.append(f"code blocks: {len(mine.code)}, expected {len(reference.code)}")
    else:
        for (lang, text), (want_lang, want) in zip(mine.code, reference.code, strict=True):
            if text != want:
                problems.append(f"code block differs: {_clip(want)}")
            elif lang != want_lang:
                problems.append(f"code block language {lang!r}, expected {want_lang!r}")
    if mine.tables != reference.tables:
        problems.append(f"tables differ: {_table_diff(mine.tables, reference.tables)}")
    if mine.images != reference.images:
        problems.append(f"images {mine.images}, expected {reference.images}")
    return problems


def _table_diff(mine: list[list[list[str]]], want: list[list[list[str]]]) -> str:
    if len(mine) != len(want):
        return f"{len(mine)} tables, expected {len(want)}"
    for t, (a, b) in enumerate(zip(mine, want, strict=True), 1):
        for r, (x, y) in enumerate(zip(a, b, strict=False), 1):
            if x != y:
                return f"table {t} row {r}: {x} != {y}"
        if len(a) != len(b):
            return f"table {t}: {len(a)} rows, expected {len(b)}"
    return ""


def check(built: Built, folders: Sequence[Path]) -> list[PageResult]:
    """Every page of the folders, and no page built from an include file."""
    results = []
    for folder in folders:
        pages = expected_pages(built.content / folder.name)
        for rel in pages:
            results.append(check_page(built, rel))
        extra = {page for version in built.versions.values() for page in version
                 if page.startswith(f"{folder.name}/") and page not in pages}
        for page in sorted(extra):
            result = PageResult(page)
            for moniker, version in built.versions.items():
                if page in version:
                    result.problems[moniker] = ["built, but it is not a page (an include file "
                                                "or excluded by docfx.json)"]
            results.append(result)
    return results


# The build ----------------------------------------------------------------------------------


def build(folders: Sequence[Path], work: Path, jobs: int = 2) -> Built:
    """A knowledge base holding the folders under content/, rendered and built by MkDocs for
    every version."""
    from generator.catalogue.validate import load_catalogue
    from generator.core.diagnostics import Diagnostics
    from generator.core.parallel import process_pool
    from generator.core.project import Project
    from generator.site.build import write_tree
    from generator.site.engines.base import Request
    from generator.site.engines.mkdocs import build_version, prepare
    from generator.site.trees import render_trees

    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", work / "overrides")
    (work / "catalogue").mkdir()
    shutil.copy(PRODUCTS, work / "catalogue" / "products.yml")
    (work / "content").mkdir()
    (work / "content" / "index.md").write_text("# Articles\n", encoding="utf-8")
    for folder in folders:
        shutil.copytree(folder, work / "content" / folder.name)
    project = Project(work)
    diagnostics = Diagnostics()
    catalogue = load_catalogue(project, diagnostics, markdown=False, jobs=1)
    found = [d.format() for d in diagnostics.items]
    if catalogue is None:
        raise SystemExit("\n".join(found))
    trees, rendered = render_trees(project, catalogue, [], jobs=jobs)
    found += [d.format() for d in rendered.items]
    requests = []
    for tree in trees:
        docs = work / "build" / "docs" / tree.moniker
        write_tree(tree, docs)
        requests.append(Request(str(work / "mkdocs.yml"), str(docs),
                                str(work / "site" / tree.moniker), tree.nav, tree.extra, "",
                                dict(tree.pieces), str(work / "build" / "cache" / "blocks")))
    # As `kb build` builds them: each distinct block of Markdown converted once, for every
    # version that has it, then each version's pages made by MkDocs and Material.
    prepare(requests, jobs)
    with process_pool(max(1, jobs)) as pool:
        list(pool.map(build_version, requests))
    versions: dict[str, dict[str, str]] = {}
    for tree in trees:
        site = work / "site" / tree.moniker
        pages = {}
        for name in tree.files:
            if name.endswith(".md") and name != "index.md":
                built = site / name.removesuffix(".md") / "index.html"
                if built.is_file():
                    pages[name] = built.read_text(encoding="utf-8")
        versions[tree.moniker] = pages
    return Built(work / "content", versions, tuple(found), monikers(), work / "site")


def run(folders: Sequence[Path]) -> list[PageResult]:
    """Build the folders and check every page."""
    with tempfile.TemporaryDirectory() as tmp:
        built = build(folders, Path(tmp))
        return check(built, folders)


def main(argv: list[str]) -> int:
    folders = [Path(a).resolve() for a in argv] or [f for f in CORPUS_FOLDERS if f.is_dir()]
    if not folders:
        print(f"no folders given and {CORPUS} is absent", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results = run(folders)
    for result in results:
        for line in result.summary():
            print(f"{result.page}: {line}")
    good = sum(r.correct for r in results)
    print(f"{good} of {len(results)} pages fully correct "
          f"({time.perf_counter() - started:.0f} s, {len(monikers())} versions)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
