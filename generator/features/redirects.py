"""Redirects: old page URLs that send readers to where the page is now.

Input: the repository's `.openpublishing.redirection*.json` files (DocFX's format:
`redirections`, each with `source_path`, `redirect_url` and optional
`redirect_document_id`), the catalogue and one version's view; output: a redirect page
(static HTML, keeping the `#fragment`) at each old URL of every version where the target
exists, and the problems of the files (unknown target, duplicate source) as diagnostics
with `path:line:col`.

`source_path` is the old page's file relative to the repository root, under `content/`
(`content/old/page.md` was published at `old/page/`); topic pages count as
`content/<topic-id>.md`. `redirect_url` is a URL: relative to the old page's URL
(`new-page`, `../other/page#anchor`), relative to the version's root (`/other/page`), or
on another site (`https://…`). A target may be written with its `.md` name too.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from ..catalogue.jsonfile import read_json
from ..catalogue.load import LocList, LocMap
from ..catalogue.model import Catalogue
from ..core.diagnostics import Diagnostics, Loc, did_you_mean
from ..core.project import Project
from ..site.build import redirect_page
from ..site.feature import Contribution

PATTERN = ".openpublishing.redirection*.json"
EXTERNAL = ("http://", "https://", "//")
KEYS = ("source_path", "source_path_from_root", "redirect_url", "redirect_document_id")


@dataclass(frozen=True)
class Redirect:
    """One old URL and where it leads."""

    source: str  # the old page in the docs tree, e.g. "old/page.md"
    url: str  # redirect_url as written
    loc: Loc  # where the redirection starts in its file
    url_loc: Loc  # where redirect_url is written


def redirect_files(project: Project) -> list[str]:
    """The redirect files of the repository, sorted."""
    return sorted(p.name for p in project.root.glob(PATTERN) if p.is_file())


def load_redirects(project: Project, diagnostics: Diagnostics) -> list[Redirect]:
    """Every redirection of the repository's redirect files; problems go to diagnostics."""
    found: list[Redirect] = []
    for name in redirect_files(project):
        doc = read_json(project.root / name, name, diagnostics)
        if doc is None:
            continue
        node = doc.node
        items = node.get("redirections") if isinstance(node, LocMap) else None
        if not isinstance(items, LocList):
            line, col = (node.line, node.col) if isinstance(node, LocMap) else (0, 0)
            diagnostics.error(Loc(name, line + 1, col + 1), "redirections",
                              "expected an object with a 'redirections' list",
                              '{"redirections": [{"source_path": "content/old.md", '
                              '"redirect_url": "/new"}]}')
            continue
        for index, raw in enumerate(items):
            line, col = items.item_at(index)
            loc = Loc(name, line + 1, col + 1)
            redirect = _one(raw, loc, diagnostics)
            if redirect is not None:
                found.append(redirect)
    return found


def _at(raw: LocMap, name: str, key: str) -> Loc:
    line, col = raw.value_at(key)
    return Loc(name, line + 1, col + 1)


def _one(raw: Any, loc: Loc, diagnostics: Diagnostics) -> Redirect | None:
    if not isinstance(raw, LocMap):
        diagnostics.error(loc, "redirection", "expected an object with 'source_path' and "
                          "'redirect_url'")
        return None
    for key in raw:
        if key not in KEYS:
            diagnostics.warning(_at(raw, loc.path, key), "redirection",
                                f"unknown key '{key}'; it was ignored",
                                did_you_mean(str(key), KEYS))
    key = "source_path" if "source_path" in raw else "source_path_from_root"
    source = raw.get(key)
    url = raw.get("redirect_url")
    if not isinstance(source, str) or not source.strip():
        diagnostics.error(loc, "redirection", "expected a path for 'source_path'",
                          "name the old page's file, e.g. content/old/page.md")
        return None
    subject = f"redirection '{source}'"
    if not isinstance(url, str) or not url.strip():
        diagnostics.error(_at(raw, loc.path, "redirect_url") if "redirect_url" in raw else loc,
                          subject, "expected a URL for 'redirect_url'")
        return None
    flag = raw.get("redirect_document_id")
    if flag is not None and not isinstance(flag, bool):
        diagnostics.error(_at(raw, loc.path, "redirect_document_id"), subject,
                          "expected true or false for 'redirect_document_id'")
    path = posixpath.normpath(source.strip().lstrip("/"))
    if not path.startswith("content/") or not path.endswith(".md"):
        diagnostics.error(_at(raw, loc.path, key), subject,
                          "the old page must be a .md file under content/",
                          "write the path from the repository root, e.g. content/old/page.md")
        return None
    return Redirect(path.removeprefix("content/"), url.strip(),
                    loc, _at(raw, loc.path, "redirect_url"))


def target_of(redirect: Redirect) -> tuple[tuple[str, ...], str, bool]:
    """The docs-tree pages the redirect may lead to (first that exists), its #fragment,
    and whether it leads to another site."""
    url, _, fragment = redirect.url.partition("#")
    url = url.split("?", 1)[0]
    if url.startswith(EXTERNAL):
        return (), fragment, True
    if url.startswith("/"):
        path = url.strip("/")
    else:
        base = posixpath.dirname(redirect.source)  # old/page.md was published at old/page
        path = posixpath.normpath(posixpath.join(base, url)) if url else \
            redirect.source.removesuffix(".md")
    path = path.strip("/")
    if path in ("", "."):
        return ("index.md",), fragment, False
    if path.endswith(".md"):
        return (path,), fragment, False
    if path.endswith((".html", ".htm")):
        path = path.rsplit(".", 1)[0]
        if path.endswith("/index") or path == "index":
            return (f"{path}.md",), fragment, False
    return (f"{path}.md", f"{path}/index.md"), fragment, False


def _pages(view: Catalogue) -> dict[str, str]:
    pages = {p.path: p.title for p in view.pages}
    pages.update({t.page: t.title for t in view.topics})
    return pages


def check_redirects(project: Project, catalogue: Catalogue, diagnostics: Diagnostics) -> None:
    """Each redirection leads to a page that exists in some version; sources are unique."""
    from ..catalogue.resolve import resolve

    redirects = load_redirects(project, diagnostics)
    if not redirects:
        return
    every = {m: _pages(resolve(catalogue, m)) for m in catalogue.products.names}
    known = sorted(set().union(*every.values()))
    first: dict[str, Loc] = {}
    for redirect in redirects:
        subject = f"redirection 'content/{redirect.source}'"
        if redirect.source in first:
            diagnostics.error(redirect.loc, subject,
                              f"the same old page is redirected at {first[redirect.source]}",
                              "keep one of the two redirections")
            continue
        first[redirect.source] = redirect.loc
        candidates, _fragment, external = target_of(redirect)
        if external:
            continue
        if not any(c in pages for c in candidates for pages in every.values()):
            diagnostics.error(redirect.url_loc, subject,
                              f"target '{redirect.url}' is not a page in any version",
                              did_you_mean(candidates[0], known) or
                              "relative URLs start from the old page's folder; '/' is the "
                              "root of the version")
            continue
        if all(redirect.source in pages for pages in every.values()):
            diagnostics.error(redirect.loc, subject,
                              "the old page still exists in every version, so the "
                              "redirection is never used",
                              "remove the redirection, or the page")


def redirect_location(source: str, directory_urls: bool) -> str:
    """Where MkDocs would have published `source` (docs-tree path), as a file."""
    stem = source.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return f"{stem}.html"
    return f"{stem}/index.html" if directory_urls else f"{stem}.html"


def page_url(page: str, directory_urls: bool) -> str:
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/" if directory_urls else f"{stem}.html"


def contribute(project: Project, catalogue: Catalogue, view: Catalogue, moniker: str,
               settings: dict[str, Any]) -> Contribution:
    """The redirect pages of one version: those whose target the version has."""
    redirects = load_redirects(project, Diagnostics())  # problems: reported by the check
    if not redirects:
        return Contribution()
    directory_urls = settings.get("use_directory_urls", True) is not False
    pages = _pages(view)
    files: dict[str, bytes] = {}
    for redirect in redirects:
        if redirect.source in pages:
            continue  # the page is still there in this version
        candidates, fragment, external = target_of(redirect)
        hash_ = f"#{fragment}" if fragment else ""
        where = redirect_location(redirect.source, directory_urls)
        if external:
            target, title = redirect.url, redirect.url
        else:
            page = next((c for c in candidates if c in pages), None)
            if page is None:
                continue
            base = posixpath.dirname(where)
            url = page_url(page, directory_urls)
            rel = posixpath.relpath(url or ".", base or ".")
            if url.endswith("/") or not url:
                rel = "./" if rel == "." else rel + "/"
            target, title = rel + hash_, pages[page]
        files.setdefault(where, redirect_page(target, title).encode("utf-8"))
    return Contribution(files=files)
