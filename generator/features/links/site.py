"""Check (built site): every internal link and #fragment of every version lands.

Input: a built site folder (`site/<version>/...`, `versions.json`, the root redirect,
alias folders) and options; output: a `Report` of findings, counts and the external
links (listed, never fetched here). Pages are parsed on every core; links are resolved
as a browser does (percent-decoding, directory URLs, fragments by id then <a name>).

Rules (see README.md, "Link check"): a link in a page of version V must land in V; the
banner link (class kb-version-link) must land in the default version; pages of an alias
folder (latest/) must land in the version the alias names; files at the root (the
redirect) must land in the default version. Links to `site_url` are local links.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from ...core.diagnostics import Severity, did_you_mean
from ...core.parallel import fork_map
from .html import VERSION_LINK, Link, Page, other_names, parse_page

HTML_SUFFIXES = (".html", ".htm")
# Schemes that are not links to check (scripts, mail, phone numbers, inline data).
NOT_CHECKED = frozenset({"javascript", "vbscript", "mailto", "tel", "data", "about", "blob"})
# Links that run code, or show a document the site does not control, when followed or
# loaded; `javascript:void(0)` does nothing (themes use it for buttons) and passes.
ACTIVE_SCHEMES = frozenset({"javascript", "vbscript", "data"})
INERT_SCRIPTS = frozenset({"", ";", "void(0)", "void(0);", "void0", "void0;"})
# Where a data: URL is only an image (or media) and runs nothing.
PASSIVE_DATA = frozenset({("img", "src"), ("img", "srcset"), ("source", "srcset"),
                          ("video", "poster"), ("input", "src"), ("source", "src"),
                          ("video", "src"), ("audio", "src"), ("track", "src"),
                          ("link", "href")})


def active_link(link: Link) -> str | None:
    """Why following or loading `link` would run code (None when it would not)."""
    url = re.sub(r"[\x00-\x20]", "", link.url)
    scheme, colon, rest = url.partition(":")
    scheme = scheme.lower()
    if not colon or scheme not in ACTIVE_SCHEMES or "/" in scheme:
        return None
    if scheme == "javascript" and rest.lower() in INERT_SCRIPTS:
        return None
    if scheme == "data" and (link.tag, link.attr) in PASSIVE_DATA:
        return None
    return f"{scheme}: URL would run code or show content the site does not control"
SELF = "\0"  # the path of a link to its own page ("", "#x", "?q")
CHUNK = 48  # pages per parsing job: small enough to balance, large enough to be cheap


@dataclass(frozen=True)
class Options:
    """How to read the site: its public URL and default version (when known)."""

    site_url: str = ""
    default: str = ""
    jobs: int | None = None


@dataclass(frozen=True)
class Finding:
    """A problem with one link (or file) of one built page; `count` identical links."""

    page: str  # site-relative path of the file holding the link
    url: str  # the link as written; "" for a problem of the file itself
    kind: str
    severity: Severity
    message: str
    suggestion: str = ""
    count: int = 1
    attr: str = "href"
    target: str = ""  # site-relative file the link resolved to, if any
    fragment: str = ""


@dataclass(frozen=True)
class ExternalUse:
    """An external URL: how many links point at it and the first page that has one."""

    url: str
    links: int
    pages: int
    first_page: str


@dataclass
class Report:
    """What a check found and how much it looked at."""

    findings: list[Finding] = field(default_factory=list)
    pages: int = 0
    links: int = 0  # link occurrences examined (internal, external and others)
    internal: int = 0  # internal link occurrences resolved against the site
    fragments: int = 0  # internal link occurrences whose #fragment was checked
    external: list[ExternalUse] = field(default_factory=list)
    versions: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


@dataclass(frozen=True)
class Target:
    """Where a link leads: a local file (site-relative), elsewhere, or nowhere to check."""

    kind: str  # "local", "external", "ignored", "outside"
    path: str = ""  # local: the site-relative path (decoded, without query and fragment)
    fragment: str | None = None  # raw fragment text, None when the link has no '#'
    url: str = ""  # external: the URL


PlainPage = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str, str, int, int], ...],
                  str, tuple[str, ...]]


def _parse_chunk(site: Path, paths: list[str]) -> list[PlainPage]:
    """Parse pages in a worker; plain tuples travel back several times faster than objects."""
    pages = []
    for rel in paths:
        try:
            data = (site / rel).read_bytes()
        except OSError:
            data = b""
        page = parse_page(data)
        pages.append((page.ids, page.names,
                      tuple((*link, count) for link, count in page.links),
                      page.base, page.default_versions))
    return pages


def parse_pages(site: Path, paths: Sequence[str], jobs: int | None) -> dict[str, Page]:
    """Parse every page, in chunks spread over worker processes."""
    if len(paths) <= CHUNK * 2:
        jobs = 1  # starting workers costs more than parsing a small site
    chunks = [list(paths[i:i + CHUNK]) for i in range(0, len(paths), CHUNK)]
    pages: dict[str, Page] = {}
    for chunk, parsed in zip(chunks, fork_map(_parse_chunk, chunks, site, jobs), strict=True):
        for rel, (ids, names, links, base, defaults) in zip(chunk, parsed, strict=True):
            pages[rel] = Page(ids, names, tuple((Link(tag, attr, url, flags), count)
                                                for tag, attr, url, flags, count in links),
                              base, defaults)
    return pages


def scan(site: Path) -> tuple[set[str], set[str]]:
    """Every file and folder of the site, as site-relative POSIX paths."""
    files: set[str] = set()
    dirs: set[str] = {""}
    root = str(site)
    for folder, subdirs, names in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        for name in subdirs:
            dirs.add(prefix + name)
        for name in names:
            files.add(prefix + name)
    return files, dirs


def remove_dot_segments(segments: list[str]) -> list[str] | None:
    """'.' and '..' applied the way browsers do (empty segments kept); None above the root."""
    out: list[str] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment in (".", "%2e", "%2E"):
            if index == last:
                out.append("")
            continue
        if segment in ("..", ".%2e", "%2e.", "%2e%2e", ".%2E", "%2E.", "%2E%2E"):
            if not out:
                return None
            out.pop()
            if index == last:
                out.append("")
            continue
        out.append(segment)
    return out


def _relative(base_dir: str, path: str) -> str | None:
    """The common case quickly: `../`s then plain names; None when anything else is there."""
    ups = 0
    while path.startswith("../"):
        path = path[3:]
        ups += 1
    if path.startswith("./"):
        path = path[2:]
    if "%" in path or "//" in path or "/." in path or path.startswith(".") or "\\" in path:
        return None
    if ups:
        parts = base_dir.split("/")[:-1]
        if ups > len(parts):
            return None
        base_dir = "/".join(parts[:len(parts) - ups])
        base_dir = base_dir + "/" if base_dir else ""
    return base_dir + path


def display(path: str) -> str:
    """A site-relative file as readers see its URL: `v/page/` for `v/page/index.html`."""
    if path == "index.html":
        return "/"
    if path.endswith("/index.html"):
        return path.removesuffix("index.html")
    return path


class SiteChecker:
    """Resolves and checks the links of a parsed site."""

    def __init__(self, site: Path, options: Options, files: set[str], dirs: set[str],
                 pages: dict[str, Page], versions: dict[str, str], default: str):
        self.site = site
        self.options = options
        self.files = files
        self.dirs = dirs
        self.pages = pages
        self.versions = versions  # folder -> version it holds (aliases map to their target)
        self.monikers = sorted({v for k, v in versions.items() if k == v})
        self.default = default
        split = urlsplit(options.site_url) if options.site_url else None
        self.site_origin = f"{split.scheme}://{split.netloc}".lower() if split else ""
        self.site_path = (split.path if split else "") or "/"
        if not self.site_path.endswith("/"):
            self.site_path += "/"
        self._cache: dict[tuple[str, str], Target] = {}
        self._id_sets: dict[str, frozenset[str]] = {}
        self._outcomes: dict[tuple[str, ...], tuple[str, bool, tuple[Finding, ...]]] = {}
        self._good: set[tuple[str, str | None, int, str]] = set()
        self.findings: list[Finding] = []
        self.external: dict[str, list[str]] = {}  # url -> pages, one per link occurrence

    # Resolution ------------------------------------------------------------------------

    def resolve(self, base_dir: str, url: str) -> Target:
        """Where `url`, written in a page in `base_dir` (site-relative, ends with '/'), leads."""
        key = (base_dir, url)
        known = self._cache.get(key)
        if known is None:
            known = self._cache[key] = self._resolve(base_dir, url)
        return known

    def _resolve(self, base_dir: str, url: str) -> Target:
        before, hash_mark, fragment = url.partition("#")
        path = before.partition("?")[0]
        frag = fragment if hash_mark else None
        colon = path.find(":")
        if colon > 0 and "/" not in path[:colon]:
            scheme = path[:colon].lower()
            if scheme in NOT_CHECKED:
                return Target("ignored")
            if scheme in ("http", "https") and self.site_origin:
                local = self._site_local(url, path)
                if local is not None:
                    return self._local(local, frag)
            return Target("external", url=url)
        if path.startswith("//"):
            if self.site_origin:
                local = self._site_local(url, self.site_origin.partition(":")[0] + ":" + path)
                if local is not None:
                    return self._local(local, frag)
            return Target("external", url=url)
        if path.startswith("/"):
            if not path.startswith(self.site_path) and path + "/" != self.site_path:
                return Target("outside", fragment=frag)
            return self._local(path[len(self.site_path):], frag)
        if not path:
            return Target("local", SELF, frag)
        fast = _relative(base_dir, path)
        if fast is not None:
            return Target("local", fast, frag)
        return self._local(base_dir + path, frag)

    def _site_local(self, url: str, path_url: str) -> str | None:
        """The site-relative path of an absolute URL into `site_url`, or None."""
        split = urlsplit(path_url)
        if f"{split.scheme}://{split.netloc}".lower() != self.site_origin:
            return None
        path = split.path or "/"
        if not (path.startswith(self.site_path) or path + "/" == self.site_path):
            return None
        return path[len(self.site_path):]

    def _local(self, joined: str, frag: str | None) -> Target:
        segments = remove_dot_segments(joined.split("/"))
        if segments is None:
            return Target("outside", fragment=frag)
        parts = [unquote(s) for s in segments if s]
        trailing = bool(parts) and segments[-1] == ""
        return Target("local", "/".join(parts) + ("/" if trailing else ""), frag)

    def find_file(self, path: str) -> str | None:
        """The file a local path serves: itself, or a folder's index.html."""
        if path.endswith("/") or path == "":
            candidate = path + "index.html"
            return candidate if candidate in self.files else None
        if path in self.files:
            return path
        if path in self.dirs and f"{path}/index.html" in self.files:
            return f"{path}/index.html"
        return None

    # Checks ----------------------------------------------------------------------------

    def folder_version(self, path: str) -> str | None:
        head = path.partition("/")[0]
        return self.versions.get(head) if "/" in path else None

    def expected_version(self, page: str, link: Link) -> str | None:
        """The version the link must land in; None when any version will do."""
        head = page.partition("/")[0]
        if link.flags & VERSION_LINK:
            return self.default or None
        if "/" not in page:  # a file at the site root: the redirect
            return self.default or None
        return self.versions.get(head)

    def check_page(self, page: str, parsed: Page) -> tuple[int, int, int, int]:
        """Check every link of one page; returns (links, internal, fragments, external)."""
        base_dir = posixpath.dirname(page)
        base_dir = base_dir + "/" if base_dir else ""
        if parsed.base:
            base = self.resolve(base_dir, parsed.base)
            if base.kind == "local":
                base_dir = base.path if base.path.endswith("/") else \
                    posixpath.dirname(base.path) + "/"
        total = internal = fragments = external = 0
        outcomes = self._outcomes
        head = page.partition("/")[0] if "/" in page else ""
        own_ids = self.ids_of(page)
        for link, count in parsed.links:
            total += count
            url = link.url
            if url[:1] == "#" and (url[1:] in own_ids or len(url) == 1):
                internal += count  # the table of contents: a section of this very page
                if len(url) > 1:
                    fragments += count
                continue
            # A link's outcome depends on the version of its page and on where it leads:
            # '../x/' means the same from every sibling folder, so siblings share outcomes.
            if not url or url[0] in "#?":
                key: tuple[str, ...] = (page, url)
            else:
                folder = base_dir
                while url.startswith("../") and folder:
                    folder = folder[:folder.rfind("/", 0, len(folder) - 1) + 1]
                    url = url[3:]
                key = (head, folder, url)
            key += (link.tag, link.attr, str(link.flags))
            outcome = outcomes.get(key)
            if outcome is None:
                outcome = self._outcome(page, base_dir, link)
                if key[0] == page or not outcome[2]:
                    outcomes[key] = outcome
            url = link.url
            kind, has_fragment, found = outcome
            if kind == "local":
                internal += count
                if has_fragment:
                    fragments += count
            elif kind == "external":
                external += count
                self.external.setdefault(url, []).extend([page] * count)
            for finding in found:
                self.findings.append(replace(finding, page=page, count=count))
        return total, internal, fragments, external

    def _outcome(self, page: str, base_dir: str, link: Link
                 ) -> tuple[str, bool, tuple[Finding, ...]]:
        """What checking `link` gives: its kind, whether it has a fragment, its findings."""
        kept, self.findings = self.findings, []
        try:
            target = self.resolve(base_dir, link.url)
            if target.kind == "local" and target.path != SELF:
                # Links of many folders reach the same target: a good one is checked once.
                head = page.partition("/")[0] if "/" in page else ""
                good = (target.path, target.fragment, link.flags, head)
                if good in self._good:
                    return "local", bool(target.fragment), ()
                self.check_local(page, link, target, 1)
                if not self.findings:
                    self._good.add(good)
            elif target.kind == "local":
                self.check_local(page, link, target, 1)
            elif target.kind == "outside":
                self.add(page, link, 1, "leads outside the site",
                         "use a path inside the site, relative to this page")
            elif target.kind == "ignored":
                why = active_link(link)
                if why is not None:
                    self.add(page, link, 1, why,
                             "link to a page or a web address (https:) instead; kb check "
                             "shows where the link is written")
            kind = "local" if target.kind in ("local", "outside") else target.kind
            return kind, bool(target.fragment), tuple(self.findings)
        finally:
            self.findings = kept

    def add(self, page: str, link: Link, count: int, message: str, suggestion: str = "",
            severity: Severity = Severity.ERROR, target: str = "", fragment: str = "") -> None:
        self.findings.append(Finding(page, link.url, link.kind, severity, message, suggestion,
                                     count, link.attr, target, fragment))

    def check_local(self, page: str, link: Link, target: Target, count: int) -> None:
        path = target.path
        if path == SELF:
            found: str | None = page
        else:
            found = self.find_file(path)
        if found is None:
            self.missing(page, link, path, count)
            return
        expected = self.expected_version(page, link)
        landed = self.folder_version(found)
        if expected is not None and landed != expected:
            self.wrong_version(page, link, found, expected, count)
            return
        if target.fragment and found.endswith(HTML_SUFFIXES):
            self.check_fragment(page, link, found, target.fragment, count)

    def missing(self, page: str, link: Link, path: str, count: int) -> None:
        if path.endswith(".md") and page.endswith("/index.html"):
            self.missing_markdown_page(page, link, path, count)
            return
        shown = display(path) if path else "/"
        what = "page" if path.endswith("/") or "." not in posixpath.basename(path) else "file"
        message = f"no {what} at {shown}"
        suggestion = ""
        head, _, rest = path.partition("/")
        if head in self.versions and rest:
            elsewhere = [v for v in self.monikers
                         if v != head and self.find_file(f"{v}/{rest}") is not None]
            if elsewhere:
                message = (f"{what} {display(rest) or '/'} does not exist in version "
                           f"'{self.versions[head]}'; it exists in {_versions(elsewhere)}")
                suggestion = ("show the link only in those versions (a moniker zone or "
                              "applies_to), or link to a page of this version"
                              if link.tag in ("a", "area") else
                              "the build of this version is incomplete; rebuild it "
                              "(kb build --force)")
        written = link.url.partition("#")[0].partition("?")[0]
        if not suggestion and "//" in written.partition("://")[2 if "://" in written else 0]:
            suggestion = ("the link has '//', an empty folder for browsers, so a '..' after "
                          "it does not go up where intended; remove one '/'")
        if not suggestion:
            suggestion = self.similar_path(path) or "fix the link or create the target"
        self.add(page, link, count, message, suggestion, target=path)

    def missing_markdown_page(self, page: str, link: Link, path: str, count: int) -> None:
        """A link to a .md file: MkDocs found no such page and left the link as written."""
        base = posixpath.dirname(page)
        written = path[len(base) + 1:] if path.startswith(base + "/") else path
        head = page.partition("/")[0]
        version = self.versions.get(head, head)
        elsewhere: list[str] = []
        for docs_dir in (posixpath.dirname(base), base):  # the page was x.md, or x/index.md
            url = posixpath.normpath(posixpath.join(docs_dir, written)).removesuffix(".md")
            url = url.removesuffix("index") if url.endswith("/index") or url == "index" \
                else url + "/"
            rest = url.partition("/")[2] if url.startswith(head + "/") else ""
            elsewhere = [v for v in self.monikers
                         if v != head and self.find_file(f"{v}/{rest}") is not None]
            if elsewhere:
                break
        message = (f"no page '{written}' in version '{version}' (MkDocs leaves a link to a "
                   "page it cannot find as written)")
        if elsewhere:
            message += f"; it exists in {_versions(elsewhere)}"
            suggestion = ("show the link only in those versions (a moniker zone or "
                          "applies_to), or link to a page of this version")
        else:
            suggestion = "fix the link or create the page"
        self.add(page, link, count, message, suggestion, target=path)

    def similar_path(self, path: str) -> str:
        """A did-you-mean for a missing path: same folder, any case or a close name."""
        wanted = path.rstrip("/")
        folder = posixpath.dirname(wanted)
        prefix = folder + "/" if folder else ""
        choices = sorted({
            prefix + name.split("/")[0]
            for name in (p[len(prefix):] for p in self.files | self.dirs if p.startswith(prefix))
            if name
        })
        hint = did_you_mean(wanted, choices)
        if hint and path.endswith("/"):
            hint = hint.replace("'?", "/'?")
        return hint

    def wrong_version(self, page: str, link: Link, found: str, expected: str,
                      count: int) -> None:
        landed = self.folder_version(found)
        where = f"version '{landed}'" if landed else f"{display(found)}, outside every version"
        head = page.partition("/")[0]
        if link.flags & VERSION_LINK:
            message = f"leads to {where}, expected the default version '{expected}'"
            suggestion = f"point the banner link into {expected}/"
        elif "/" not in page:
            message = f"leads to {where}, expected the default version '{expected}'"
            suggestion = f"redirect to {expected}/"
        elif head != expected:  # an alias folder such as latest/
            message = (f"leads to {where}; pages of the alias '{head}' must lead into "
                       f"'{expected}'")
            suggestion = f"point it into {expected}/"
        else:
            message = f"leads out of version '{expected}' into {where}"
            rest = found.partition("/")[2]
            own = f"{expected}/{rest}"
            if self.find_file(own) is not None:
                relative = posixpath.relpath(display(own) or own, posixpath.dirname(page))
                if display(own).endswith("/"):
                    relative += "/"
                suggestion = f"link to the same page of this version: '{relative}'"
            else:
                suggestion = "link to a page of this version"
        self.add(page, link, count, message, suggestion, target=found)

    def ids_of(self, page: str) -> frozenset[str]:
        known = self._id_sets.get(page)
        if known is None:
            parsed = self.pages.get(page)
            known = frozenset((*parsed.ids, *parsed.names)) if parsed else frozenset()
            self._id_sets[page] = known
        return known

    def check_fragment(self, page: str, link: Link, found: str, fragment: str,
                       count: int) -> None:
        ids = self.ids_of(found)
        if fragment in ids:
            return
        decoded = unquote(fragment)
        if decoded in ids or decoded.lower() == "top":
            return
        target_page = self.pages.get(found)
        on = display(found) if found != page else "this page"
        message = f"no element with id or name '{decoded}' on {on}"
        suggestion = ""
        head, _, rest = found.partition("/")
        if head in self.versions and rest:
            elsewhere = [v for v in self.monikers if v != head and decoded in
                         self.ids_of(f"{v}/{rest}")]
            if elsewhere:
                message += f"; it exists on that page in {_versions(elsewhere)}"
                suggestion = ("show the link only in those versions (a moniker zone or "
                              "applies_to), or link to a section of this version")
        if not suggestion and target_page is not None:
            choices = sorted(i for i in ids if not i.startswith("__"))
            folded = [c for c in choices if c.lower() == decoded.lower()]
            if folded:
                message += " (fragments are case-sensitive)"
                suggestion = f"did you mean '{folded[0]}'?"
            else:
                tags = other_names((self.site / found).read_bytes(), decoded)
                if tags:
                    message += (f"; a <{tags[0]}> has name '{decoded}', but browsers match "
                                "name only on <a>")
                    suggestion = f"give the element id=\"{decoded}\""
                else:
                    suggestion = did_you_mean(decoded, choices)
        self.add(page, link, count, message, suggestion, target=found, fragment=decoded)

    # Site-wide files -------------------------------------------------------------------

    def check_duplicates(self, page: str, parsed: Page) -> None:
        seen: set[str] = set()
        repeated: dict[str, int] = {}
        for ident in parsed.ids:
            if ident in seen:
                repeated[ident] = repeated.get(ident, 1) + 1
            seen.add(ident)
        for ident, times in sorted(repeated.items()):
            self.findings.append(Finding(
                page, "", "id", Severity.WARNING,
                f"id '{ident}' is defined {times} times on the page; links land on the first",
                "give each element its own id", fragment=ident))

    def check_sitemap(self, rel: str) -> int:
        """Each <loc> of a version's sitemap.xml names a page of that version."""
        try:
            tree = LexborHTMLParser((self.site / rel).read_bytes())
        except OSError:
            return 0
        locs = [node.text().strip() for node in tree.css("loc")]
        version = self.versions.get(rel.partition("/")[0])
        for url in locs:
            link = Link("loc", "loc", url)
            target = self.resolve(posixpath.dirname(rel) + "/", url)
            if target.kind != "local":
                continue  # a sitemap of another site_url: nothing local to check
            found = self.find_file(target.path)
            if found is None:
                self.missing(rel, link, target.path, 1)
            elif version is not None and self.folder_version(found) != version:
                self.wrong_version(rel, link, found, version, 1)
        return len(locs)

    def check_search_index(self, rel: str) -> int:
        """Each location of a version's search index names a page and section of it."""
        try:
            data = json.loads((self.site / rel).read_bytes())
        except (OSError, ValueError) as err:
            self.findings.append(Finding(rel, "", "search index", Severity.ERROR,
                                         f"cannot read the search index: {err}"))
            return 0
        docs = data.get("docs") if isinstance(data, dict) else None
        if not isinstance(docs, list):
            return 0
        root = rel.partition("/")[0] + "/"
        counts: dict[str, int] = {}
        for doc in docs:
            location = doc.get("location") if isinstance(doc, dict) else None
            if isinstance(location, str):
                counts[location] = counts.get(location, 0) + 1
        for location, count in counts.items():
            link = Link("search", "location", location)
            target = self.resolve(root, location)
            if target.kind == "local":
                self.check_local(root + "search/search_index.json", link, target, count)
        return sum(counts.values())


def _versions(names: Iterable[str]) -> str:
    names = list(names)
    label = "version" if len(names) == 1 else "versions"
    return f"{label} " + ", ".join(f"'{n}'" for n in names)


def read_versions(site: Path, files: set[str], findings: list[Finding]) -> dict[str, str]:
    """versions.json (mike's format): folder -> version, aliases included; checked."""
    folders: dict[str, str] = {}
    rel = "versions.json"
    if rel not in files:
        findings.append(Finding(rel, "", "versions.json", Severity.ERROR,
                                "missing versions.json: the version selector has nothing "
                                "to show", "build the site with kb build"))
        return folders
    try:
        entries = json.loads((site / rel).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        findings.append(Finding(rel, "", "versions.json", Severity.ERROR,
                                f"cannot read versions.json: {err}"))
        return folders
    if not isinstance(entries, list):
        entries = []
    for entry in entries:
        version = entry.get("version") if isinstance(entry, dict) else None
        if not isinstance(version, str):
            findings.append(Finding(rel, "", "versions.json", Severity.ERROR,
                                    f"entry {json.dumps(entry)} has no 'version'",
                                    "write entries as {\"version\": ..., \"title\": ..., "
                                    "\"aliases\": [...]}"))
            continue
        folders[version] = version
        for alias in entry.get("aliases") or []:
            if isinstance(alias, str):
                folders[alias] = version
    for folder, version in sorted(folders.items()):
        if f"{folder}/index.html" not in files:
            what = f"version '{version}'" if folder == version else \
                f"alias '{folder}' of version '{version}'"
            findings.append(Finding(rel, "", "versions.json", Severity.ERROR,
                                    f"{what} has no {folder}/index.html",
                                    "build that version, or remove it from versions.json",
                                    target=f"{folder}/index.html"))
    return folders


def check_site(site: Path, options: Options = Options()) -> Report:
    """Check every page, version list, sitemap and search index of a built site."""
    started = time.perf_counter()
    files, dirs = scan(site)
    report = Report()
    versions = read_versions(site, files, report.findings)
    html_pages = sorted(p for p in files if p.endswith(HTML_SUFFIXES))
    pages = parse_pages(site, html_pages, options.jobs)
    default = options.default
    if not default:
        default = next((d for p in html_pages for d in pages[p].default_versions
                        if versions.get(d) == d), "")
    checker = SiteChecker(site, options, files, dirs, pages, versions, default)
    if "index.html" not in files:
        report.findings.append(Finding("index.html", "", "redirect", Severity.ERROR,
                                       "missing index.html at the site root",
                                       "build the site with kb build"))
    for folder in sorted(d for d in dirs if d and "/" not in d and d not in versions):
        if any(p.startswith(folder + "/") for p in html_pages):
            report.findings.append(Finding(
                folder + "/", "", "folder", Severity.WARNING,
                f"folder '{folder}/' holds pages but is not a version or alias in versions.json",
                "readers cannot reach it from the version selector; list it or remove it"))
    for page in html_pages:
        parsed = pages[page]
        links, internal, fragments, _ = checker.check_page(page, parsed)
        checker.check_duplicates(page, parsed)
        report.links += links
        report.internal += internal
        report.fragments += fragments
    for folder, version in sorted(versions.items()):
        if folder != version:
            continue
        for name, check in (("sitemap.xml", checker.check_sitemap),
                            ("search/search_index.json", checker.check_search_index)):
            rel = f"{folder}/{name}"
            if rel in files:
                report.links += check(rel)
    report.findings.extend(checker.findings)
    report.findings.sort(key=lambda f: (f.page, f.url, f.message))
    report.pages = len(html_pages)
    report.versions = tuple(v for v in sorted(set(versions.values())))
    report.external = sorted(
        (ExternalUse(url, len(used), len(set(used)), min(used))
         for url, used in checker.external.items()), key=lambda e: e.url)
    report.seconds = time.perf_counter() - started
    return report
