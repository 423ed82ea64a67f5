"""Migrate (`kb import docfx DIR`): a DocFX docs folder becomes pages of `content/`.

Input: a docs folder (its articles, includes, media and `toc.yml` files), the docset
around it (`docfx.json`: which files are articles and media) and the
`.openpublishing.redirection*.json` files of its repository; output: the files to write
(pages and includes at their docset-relative paths under `content/`, the media they use,
`content/toc.yml`, a redirect file) and one diagnostic, with its `path:line`, for each
thing that could not be mapped. Links to pages outside the migrated set are listed once
each. Nothing is written here: see `stage` and `commit`.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..catalogue.load import LocList, LocMap, read_yaml
from ..catalogue.toc import TOC_FILE
from ..core.diagnostics import Diagnostic, Diagnostics, Loc
from ..core.project import Project
from ..markdown import docfx
from .sources import (
    DOCFX_JSON,
    LINK,
    Docset,
    Refused,
    find_docset_root,
    is_external,
    read_docset,
    safe_path,
    within,
)

IMAGE_ATTR = re.compile(r"(?P<key>\b(?:source|lightbox)\s*=\s*\")(?P<path>[^\"]*)\"",
                        re.IGNORECASE)
REDIRECT_GLOB = ".openpublishing.redirection*.json"
REPO_MARKERS = (".git", ".openpublishing.publish.config.json")


@dataclass
class Migration:
    """What a docset migration would write, and what it could not map."""

    files: dict[str, bytes] = field(default_factory=dict)  # repository-relative -> data
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    pages: int = 0
    includes: int = 0
    media: int = 0
    toc_items: int = 0
    redirects: int = 0
    skipped_redirects: int = 0
    outside: dict[str, list[Loc]] = field(default_factory=dict)  # target -> where linked
    sources: dict[str, str] = field(default_factory=dict)  # written file -> its source, shown

    def source_loc(self, loc: Loc) -> Loc:
        """Where a problem of a written Markdown file was in its source (same line)."""
        shown = self.sources.get(loc.path)
        return Loc(shown, loc.line, loc.col) if shown else loc


class Migrator:
    """One docs folder's migration into a project."""

    def __init__(self, project: Project, source: Path, into: str = "", base_url: str = ""):
        self.project = project
        self.dir = source.resolve()
        self.relative = not source.is_absolute()
        self.root = (find_docset_root(self.dir) or self.dir).resolve()
        self.into = into.strip("/")
        self.base_url = base_url if not base_url or base_url.endswith("/") else base_url + "/"
        self.result = Migration()
        self.diagnostics = self.result.diagnostics
        self.docset: Docset = Docset(self.root)
        self.articles: dict[str, Path] = {}  # docset-relative -> file
        self.done: set[str] = set()

    # Paths ------------------------------------------------------------------------------

    def shown(self, path: Path) -> str:
        """A path as diagnostics print it: relative to the working folder when the folder
        was given so, else absolute."""
        if self.relative:
            return Path(os.path.relpath(path, Path.cwd())).as_posix()
        return path.as_posix()

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def dest(self, rel: str) -> str:
        return posixpath.join("content", self.into, rel) if self.into else f"content/{rel}"

    def url_of(self, rel: str) -> str:
        """Where the old site published a docset file (with --base-url), '' without."""
        if not self.base_url:
            return ""
        dir_rel = self.rel(self.dir) if self.dir != self.root else ""
        base = self.base_url
        if dir_rel:
            # The base URL is the folder's; a file elsewhere in the docset is relative to it.
            base = urljoin(self.base_url, "../" * (dir_rel.count("/") + 1))
        stem = rel.removesuffix(".md")
        stem = stem.removesuffix("index") if stem.endswith("index") else stem
        return urljoin(base, stem)

    # The run ----------------------------------------------------------------------------

    def run(self) -> Migration:
        config = self.root / DOCFX_JSON
        self.docset = read_docset(self.root, self.shown(config), self.diagnostics)
        if self.diagnostics.has_errors():
            return self.result
        for path in sorted(self.dir.rglob("*")):
            if not path.is_file() or any(part.startswith(".") for part in
                                         path.relative_to(self.dir).parts):
                continue
            rel = self.rel(path) if within(path.resolve(), self.root) else ""
            if not rel:
                self.diagnostics.error(Loc(self.shown(path)), "file", "is a symlink that "
                                       "leads outside the source folder; it was not read")
                continue
            if self.docset.is_article(rel):
                self.articles[rel] = path
            elif path.name.lower() in ("toc.yml", "toc.yaml"):
                continue
            elif self.docset.is_resource(rel):
                self.copy(rel, path)
            elif path.suffix.lower() in (".yml", ".yaml") and path.name != DOCFX_JSON:
                self.diagnostics.warning(Loc(self.shown(path), 1, 1), "page",
                                         "DocFX YAML pages (landing, hub) have no "
                                         "equivalent; it was not migrated",
                                         "write a Markdown page in its place")
        for rel, path in self.articles.items():
            self.markdown(rel, path, page=True, chain=())
        self.tocs()
        self.redirects()
        return self.result

    def copy(self, rel: str, path: Path) -> None:
        target = self.dest(rel)
        if target not in self.result.files:
            self.result.files[target] = path.read_bytes()
            self.result.media += 1

    # Markdown ---------------------------------------------------------------------------

    def markdown(self, rel: str, path: Path, page: bool, chain: tuple[str, ...]) -> None:
        """Map one article or include file (and the includes it uses)."""
        if rel in self.done:
            return
        self.done.add(rel)
        shown = self.shown(path)
        try:
            text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        except (OSError, UnicodeDecodeError) as err:
            self.diagnostics.error(Loc(shown), "file", f"cannot be read: {err}")
            return
        lines = text.split("\n")
        fenced = docfx._fenced(lines)
        out = []
        for number, (line, in_fence) in enumerate(zip(lines, fenced, strict=True), 1):
            if in_fence:
                out.append(line)
                continue
            mapped = self.line(line, Loc(shown, number, 1), path, (*chain, rel))
            out.append(mapped if mapped is not None else "")  # lines keep their numbers
        if page:
            self.result.pages += 1
            out = _dedupe_front_matter(out, shown, self.diagnostics)
        else:
            self.result.includes += 1
        self.result.files[self.dest(rel)] = "\n".join(out).encode("utf-8")
        self.result.sources[self.dest(rel)] = shown

    def line(self, line: str, loc: Loc, path: Path, chain: tuple[str, ...]) -> str | None:
        include = docfx.BLOCK_INCLUDE.match(line)
        if include is not None:
            return self.include(include["path"], line, loc, path, chain)
        if "[!include" in line.lower():
            def inline(found: re.Match[str]) -> str:
                if not found["include"]:
                    return found.group()
                kept = self.include(found["path"], found.group(), loc, path, chain)
                return kept or ""
            line = docfx.INLINE.sub(inline, line)
        line = LINK.sub(lambda m: self.link(m, loc, path), line)
        if ":::image" in line.lower():
            missing = False

            def attr(found: re.Match[str]) -> str:
                nonlocal missing
                if not self.media(found["path"], loc, path):
                    missing = True
                return found.group()
            line = IMAGE_ATTR.sub(attr, line)
            if missing:
                return None
        return line

    def include(self, written: str, keep: str, loc: Loc, path: Path,
                chain: tuple[str, ...]) -> str | None:
        try:
            target = safe_path(path, written, self.root)
        except Refused as err:
            self.diagnostics.error(loc, "include", f"refused: {err}",
                                   "copy the text into the docset, or include a file inside it")
            return None
        if not target.is_file():
            self.diagnostics.warning(loc, "include", f"include '{written}' was not found; the "
                                     "line was dropped", "add the file, or remove the include")
            return None
        rel = self.rel(target)
        if rel in chain:
            cycle = " -> ".join([*chain[chain.index(rel):], rel])
            self.diagnostics.error(loc, "include", f"include cycle: {cycle}",
                                   "remove one of the includes")
            return None
        self.markdown(rel, target, page=False, chain=chain)
        return keep

    def link(self, found: re.Match[str], loc: Loc, path: Path) -> str:
        target = found["target"].strip("<>")
        if found["bang"]:
            return found.group() if self.media(target, loc, path) else found["text"]
        if not target or target.startswith("#") or (is_external(target) and
                                                     not target.lower().startswith("xref:")):
            return found.group()
        clean, _, fragment = target.partition("#")
        clean = clean.split("?", 1)[0]
        if target.lower().startswith("xref:"):
            return self.outside(found, target, "", loc)
        if clean.startswith("/"):
            page = self.by_url(clean)
            if page is not None:
                here = posixpath.dirname(self.rel(path))
                new = posixpath.relpath(page, here or ".") + (f"#{fragment}" if fragment else "")
                return f"[{found['text']}]({new}{found['title'] or ''})"
            absolute = urljoin(self.base_url, target) if self.base_url else ""
            return self.outside(found, target, absolute, loc)
        lexical = Path(posixpath.normpath((path.parent / clean).as_posix()))
        rel = lexical.relative_to(self.root).as_posix() if within(lexical, self.root) else ""
        if rel and rel in self.articles:
            return found.group()
        if rel and not rel.endswith(".md") and lexical.is_file():
            return found.group() if self.media(target, loc, path) else found["text"]
        absolute = ""
        if rel and self.base_url:
            absolute = self.url_of(rel) + (f"#{fragment}" if fragment else "")
        elif self.base_url and not rel:
            absolute = re.sub(r"\.md(?=$|[#?])", "",
                              urljoin(self.url_of(self.rel(path)), target))
        return self.outside(found, target, absolute, loc)

    def outside(self, found: re.Match[str], target: str, absolute: str, loc: Loc) -> str:
        """A link to a page that is not migrated: its address on the old site, or its text."""
        self.result.outside.setdefault(target, []).append(loc)
        if absolute:
            return f"[{found['text']}]({absolute}{found['title'] or ''})"
        return found["text"]

    def by_url(self, url: str) -> str | None:
        """The migrated article a site-absolute URL of the old site names, if any.

        The old site's address of the docset is unknown, so the URL's leading folders are
        dropped one by one until the rest names an article (`/troubleshoot/azure/x` is
        `azure/x.md` of a docset published at /troubleshoot/).
        """
        parts = [p for p in url.strip("/").split("/") if p]
        for start in range(len(parts)):
            stem = "/".join(parts[start:])
            for candidate in (f"{stem}.md", f"{stem}/index.md", stem):
                if candidate in self.articles:
                    return candidate
        return None

    def media(self, written: str, loc: Loc, path: Path) -> bool:
        """Copy a file an article shows or links; False when it cannot be."""
        if is_external(written) or not written.strip():
            return True
        try:
            target = safe_path(path, written, self.root)
        except Refused as err:
            self.diagnostics.error(loc, "image", f"refused: {err}",
                                   "keep media inside the docset")
            return False
        if not target.is_file():
            self.diagnostics.warning(loc, "image", f"'{written}' was not found; it was dropped "
                                     "(its text is kept)", "add the file and link it again")
            return False
        self.copy(self.rel(target), target)
        return True

    # Navigation -------------------------------------------------------------------------

    def tocs(self) -> None:
        found = sorted(p for p in self.dir.rglob("*") if p.is_file()
                       and p.name.lower() in ("toc.yml", "toc.yaml"))
        root_toc = next((p for p in found if p.parent == self.dir), None)
        for path in found:
            items = self.toc_items(path)
            if items is None:
                continue
            folder_rel = self.rel(path.parent) if path.parent != self.root else ""
            if path is root_toc:
                # The folder's toc is the site's: its hrefs become relative to content/.
                items = list(_rebase(items, folder_rel, self.into))
                existing = self.project.content / TOC_FILE
                text = _toc_text(items)
                if existing.is_file():
                    current = existing.read_text(encoding="utf-8")
                    listed = set(re.findall(r"(?m)^\s*-?\s*href:\s*\"?([^\"\n]+)\"?\s*$",
                                            current))
                    fresh = [i for i in items if i.get("href") not in listed]
                    text = current.rstrip("\n") + "\n" + _toc_text(fresh) if fresh else current
                self.result.files["content/" + TOC_FILE] = text.encode("utf-8")
            else:
                self.result.files[self.dest(posixpath.join(folder_rel, TOC_FILE))] = \
                    _toc_text(items).encode("utf-8")

    def toc_items(self, path: Path) -> list[dict[str, object]] | None:
        shown = self.shown(path)
        doc = read_yaml(path, shown, self.diagnostics)
        if doc is None:
            return None
        node = doc.node
        if isinstance(node, LocMap) and "items" in node:
            node = node["items"]
        if not isinstance(node, LocList):
            self.diagnostics.error(Loc(shown, 1, 1), "toc", "expected a list of items")
            return None
        return self.walk_toc(node, shown, path)

    def walk_toc(self, node: LocList, shown: str, path: Path) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for index, raw in enumerate(node):
            line, col = node.item_at(index)
            loc = Loc(shown, line + 1, col + 1)
            if not isinstance(raw, LocMap) or not isinstance(raw.get("name"), str):
                self.diagnostics.error(loc, "toc item", "expected a mapping with a 'name'")
                continue
            item: dict[str, object] = {"name": " ".join(str(raw["name"]).split())}
            children = raw.get("items")
            if isinstance(children, LocList):
                kids = self.walk_toc(children, shown, path)
                if kids:
                    item["items"] = kids
            href = raw.get("href") or raw.get("topicHref")
            if raw.get("uid") and not href:
                self.diagnostics.warning(loc, f"toc item '{item['name']}'", "'uid' items "
                                         "cannot be mapped; it was left out",
                                         "add the page to content/toc.yml by hand")
            if isinstance(href, str) and href.strip():
                mapped = self.toc_href(href.strip(), path, loc, str(item["name"]))
                if mapped:
                    item["href"] = mapped
            if "href" in item or "items" in item:
                out.append(item)
                self.result.toc_items += 1
        return out

    def toc_href(self, href: str, path: Path, loc: Loc, name: str) -> str:
        if is_external(href):
            return href
        clean = href.split("#", 1)[0].split("?", 1)[0]
        lexical = Path(posixpath.normpath((path.parent / clean).as_posix()))
        rel = lexical.relative_to(self.root).as_posix() if within(lexical, self.root) else ""
        if rel in self.articles:
            return clean
        if clean.endswith("/") or clean.lower().endswith(("toc.yml", "toc.yaml")):
            if rel and within(lexical, self.dir):
                return clean.rstrip("/") + "/" + TOC_FILE if clean.endswith("/") else clean
        subject = f"toc item '{name}'"
        if clean.lower().endswith((".yml", ".yaml")):
            self.diagnostics.warning(loc, subject, f"'{href}' is a DocFX YAML page, which "
                                     "has no equivalent; the item was left out")
            return ""
        if rel and self.base_url:
            self.result.outside.setdefault(href, []).append(loc)
            return self.url_of(rel)
        self.diagnostics.warning(loc, subject, f"'{href}' is not a migrated page; the item "
                                 "was left out", "pass --base-url to link the old page")
        return ""

    # Redirects --------------------------------------------------------------------------

    def redirect_files(self) -> list[Path]:
        for folder in (self.root, *self.root.parents):
            files = sorted(folder.glob(REDIRECT_GLOB))
            if files or any((folder / marker).exists() for marker in REPO_MARKERS):
                return files
        return []

    def redirects(self) -> None:
        out: list[dict[str, object]] = []
        for path in self.redirect_files():
            shown = self.shown(path)
            from ..catalogue.jsonfile import read_json
            doc = read_json(path, shown, self.diagnostics)
            if doc is None:
                continue
            items = doc.node.get("redirections") if isinstance(doc.node, LocMap) else None
            if not isinstance(items, LocList):
                self.diagnostics.error(Loc(shown, 1, 1), "redirections",
                                       "expected an object with a 'redirections' list")
                continue
            for index, raw in enumerate(items):
                line, col = items.item_at(index)
                mapped = self.redirect(raw, path, Loc(shown, line + 1, col + 1))
                if mapped is not None:
                    out.append(mapped)
        if out:
            where = self.into or (self.rel(self.dir) if self.dir != self.root
                                  else self.root.name)
            name = re.sub(r"[^a-z0-9]+", "-", where.lower()).strip("-")
            text = json.dumps({"redirections": out}, indent=2, ensure_ascii=False) + "\n"
            self.result.files[f".openpublishing.redirection.{name or 'docs'}.json"] = \
                text.encode("utf-8")
            self.result.redirects = len(out)

    def redirect(self, raw: object, path: Path, loc: Loc) -> dict[str, object] | None:
        if not isinstance(raw, LocMap):
            return None
        source = raw.get("source_path") or raw.get("source_path_from_root")
        url = raw.get("redirect_url")
        if not isinstance(source, str) or not isinstance(url, str):
            self.diagnostics.warning(loc, "redirection", "needs 'source_path' and "
                                     "'redirect_url'; it was left out")
            return None
        base = path.parent if "source_path" in raw else self.repo_root(path)
        full = Path(posixpath.normpath((base / source.lstrip("/")).as_posix()))
        if not within(full, self.dir):
            self.result.skipped_redirects += 1  # another docset's page
            return None
        rel = self.rel(full) if full.exists() else full.relative_to(self.root).as_posix()
        if rel in self.articles:
            self.diagnostics.warning(loc, f"redirection '{source}'", "the old page is "
                                     "migrated too; the redirection was left out")
            return None
        clean, _, fragment = url.partition("#")
        clean = clean.split("?", 1)[0]
        hash_ = f"#{fragment}" if fragment else ""
        if is_external(clean):
            target = url
        else:
            page = self.by_url(clean) if clean.startswith("/") else self.relative_page(
                rel, clean)
            if page is not None:
                stem = page.removesuffix(".md")
                target = "/" + posixpath.join(self.into, stem) + hash_ if self.into else \
                    f"/{stem}{hash_}"
            elif clean.startswith("/") and self.base_url:
                split = urlsplit(self.base_url)
                target = f"{split.scheme}://{split.netloc}{url}"
            else:
                self.diagnostics.warning(Loc(loc.path, *_value_at(raw, "redirect_url")),
                                         f"redirection '{source}'",
                                         f"target '{url}' is not a migrated page; the "
                                         "redirection was left out",
                                         "pass --base-url to keep it as a link to the old site")
                return None
        entry: dict[str, object] = {"source_path": self.dest(rel), "redirect_url": target}
        if raw.get("redirect_document_id") is True:
            entry["redirect_document_id"] = True
        return entry

    def relative_page(self, source_rel: str, url: str) -> str | None:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(source_rel), url))
        for candidate in (joined, f"{joined}.md", f"{joined}/index.md"):
            if candidate in self.articles:
                return candidate
        return None

    def repo_root(self, path: Path) -> Path:
        return path.parent


def _value_at(raw: LocMap, key: str) -> tuple[int, int]:
    line, col = raw.value_at(key)
    return line + 1, col + 1


def _rebase(items: list[dict[str, object]], folder: str, into: str
            ) -> Iterator[dict[str, object]]:
    """Toc items whose hrefs (relative to `folder` of the docset) become relative to
    content/."""
    for item in items:
        new = dict(item)
        href = item.get("href")
        if isinstance(href, str) and not is_external(href):
            new["href"] = posixpath.normpath(posixpath.join(into, folder, href))
        kids = item.get("items")
        if isinstance(kids, list):
            new["items"] = list(_rebase(kids, folder, into))
        yield new


def _toc_text(items: list[dict[str, object]], depth: int = 0) -> str:
    """A DocFX toc.yml for `items` (name, href, items), strings quoted as JSON."""
    pad = "  " * depth
    out = []
    for item in items:
        out.append(f"{pad}- name: {json.dumps(item['name'], ensure_ascii=False)}")
        if "href" in item:
            out.append(f"{pad}  href: {json.dumps(item['href'], ensure_ascii=False)}")
        kids = item.get("items")
        if isinstance(kids, list) and kids:
            out.append(f"{pad}  items:")
            out.append(_toc_text(kids, depth + 1).rstrip("\n"))
    return "\n".join(out) + "\n"


def _dedupe_front_matter(lines: list[str], shown: str, diagnostics: Diagnostics) -> list[str]:
    """Front matter without the earlier of two same keys (DocFX keeps the last one)."""
    if not lines or lines[0].strip() != "---":
        return lines
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return lines
    last: dict[str, int] = {}
    for index in range(1, end):
        found = re.match(r"^([A-Za-z_][\w.-]*)\s*:", lines[index])
        if found:
            last[found[1]] = index
    drop = set()
    for index in range(1, end):
        found = re.match(r"^([A-Za-z_][\w.-]*)\s*:", lines[index])
        if found and last[found[1]] != index:
            drop.add(index)
            diagnostics.warning(Loc(shown, index + 1, 1), "front matter",
                                f"key '{found[1]}' is repeated; the last value is kept, as "
                                "DocFX does")
    return ["" if i in drop else line for i, line in enumerate(lines)]


def migrate(project: Project, source: Path, into: str = "", base_url: str = "") -> Migration:
    """Map a DocFX docs folder to the files of `project` (nothing is written)."""
    return Migrator(project, source, into, base_url).run()


def summarise_outside(result: Migration) -> None:
    """One warning per link target outside the migrated pages, at its first place."""
    for target, places in sorted(result.outside.items(), key=lambda kv: (kv[1][0].path,
                                                                         kv[1][0].line)):
        more = f" (and {len(places) - 1} more place{'s' if len(places) > 2 else ''})" \
            if len(places) > 1 else ""
        result.diagnostics.warning(places[0], "link", f"'{target}' leads outside the migrated "
                                   f"pages{more}", "pass --base-url to link the old site" if
                                   not target.startswith(("http", "xref")) else "")


def existing(project: Project, result: Migration) -> list[str]:
    """Files the migration would replace (content/toc.yml is extended, not replaced)."""
    return sorted(rel for rel in result.files
                  if rel != f"content/{TOC_FILE}" and (project.root / rel).exists())


def check(project: Project, result: Migration) -> list[Diagnostic]:
    """`kb check` on a copy of the repository with the migration in place: its problems."""
    from ..features.registry import FEATURES
    from ..site.checks import load_checked

    with tempfile.TemporaryDirectory(prefix="kb-migrate-") as temp:
        copy = Path(temp) / "repo"
        copy.mkdir()
        for part in ("catalogue", "content", "overrides"):
            if (project.root / part).is_dir():
                shutil.copytree(project.root / part, copy / part)
        shutil.copy(project.mkdocs_yml, copy / "mkdocs.yml")
        for redirect in project.root.glob(REDIRECT_GLOB):
            shutil.copy(redirect, copy / redirect.name)
        for rel, data in result.files.items():
            target = copy / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        diagnostics = Diagnostics()
        load_checked(Project(copy), diagnostics, FEATURES, jobs=1)
        return diagnostics.sorted()


LINK_PROBLEM = re.compile(r"^(?:link|image) '(?P<target>[^']*)'$")


def settle(project: Project, result: Migration) -> list[Diagnostic]:
    """`check`, after mending the links kb check refuses in migrated pages.

    DocFX publishes a link to a missing heading (the reader lands at the top of the page)
    and to a missing page; here the first loses its #fragment and the second its target,
    each reported where it was written.
    """
    problems = check(project, result)
    mended = False
    for problem in problems:
        found = LINK_PROBLEM.match(problem.subject)
        data = result.files.get(problem.loc.path)
        if problem.severity.value != "error" or found is None or data is None \
                or not problem.loc.line:
            continue
        lines = data.decode("utf-8").split("\n")
        index = problem.loc.line - 1
        target = found["target"]
        if index >= len(lines) or f"]({target}" not in lines[index]:
            continue
        if "no anchor" in problem.message and "#" in target:
            page = target.split("#", 1)[0]
            lines[index] = lines[index].replace(f"]({target}", f"]({page}", 1)
            what = f"the heading '#{target.split('#', 1)[1]}' does not exist; the link now " \
                   "leads to the top of the page"
        else:
            pattern = re.compile(r"!?\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\(" +
                                 re.escape(target) + r"(?:\s+\"[^\"]*\")?\)")
            lines[index] = pattern.sub(lambda m: m["text"], lines[index], count=1)
            what = f"{problem.message}; only its text was kept"
        result.files[problem.loc.path] = "\n".join(lines).encode("utf-8")
        result.diagnostics.warning(result.source_loc(problem.loc), f"link '{target}'", what)
        mended = True
    return check(project, result) if mended else problems


def commit(project: Project, files: dict[str, bytes]) -> list[str]:
    """Write `files` into a staging folder, then move each into place: all or nothing."""
    staging = Path(tempfile.mkdtemp(prefix=".kb-import-", dir=project.root))
    try:
        for rel, data in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for rel in sorted(files):
            final = project.root / rel
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(files)
