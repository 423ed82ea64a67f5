"""Check (parse): one built HTML page to the anchors it defines and the links it holds.

Input: the bytes of a page; output: a `Page` (ids, `<a name>`s, links with the element
and attribute they come from), parsed with lexbor through selectolax.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser

# Elements and attributes that make a browser follow or fetch a URL.
LINK_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "script": ("src",),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "object": ("data",),
    "input": ("src",),
}
# <link rel> values that name a host or a hint, not a resource the page needs.
HINT_RELS = frozenset({"preconnect", "dns-prefetch"})
# Elements that may hold a URL, a name or page settings, and Material's search box (its
# search plugin's, which starts the search worker the settings name); wrapped in :is() so
# that an element matching several parts comes once. Ids are collected by a query of their
# own.
SELECTOR = (":is([href], [src], [srcset], a[name], object[data], video[poster], "
            "meta[http-equiv], script#__config, [data-md-component=search])")

# Link flags.
VERSION_LINK = 1  # class kb-version-link: deliberately points into the default version
CANONICAL = 2  # <link rel="canonical">


class Link(NamedTuple):
    """One URL in a page: the element and attribute it is in, its text, and flags.

    A named tuple rather than a dataclass: millions cross process boundaries and serve as
    dictionary keys, and tuples pickle and hash several times faster.
    """

    tag: str
    attr: str
    url: str
    flags: int = 0

    @property
    def kind(self) -> str:
        """What the link is, as messages name it."""
        if self.flags & CANONICAL:
            return "canonical link"
        if self.flags & VERSION_LINK:
            return "version link"
        return KINDS.get((self.tag, self.attr), "link")


KINDS = {
    ("img", "src"): "image",
    ("img", "srcset"): "image",
    ("input", "src"): "image",
    ("video", "poster"): "image",
    ("script", "src"): "script",
    ("link", "href"): "resource",
    ("source", "src"): "media",
    ("source", "srcset"): "image",
    ("video", "src"): "media",
    ("audio", "src"): "media",
    ("track", "src"): "media",
    ("iframe", "src"): "frame",
    ("embed", "src"): "embedded object",
    ("object", "data"): "embedded object",
    ("meta", "content"): "redirect",
    ("script", "__config"): "search worker",
}


@dataclass(frozen=True)
class Page:
    """What one page offers to links (ids, names) and what it links to."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    links: tuple[tuple[Link, int], ...]  # each distinct link and how often the page has it
    base: str = ""  # <base href>, when the page has one
    default_versions: tuple[str, ...] = ()  # Material's extra.version.default


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset attribute ("a.png 1x, b.png 2x")."""
    urls = []
    for candidate in value.split(","):
        words = candidate.split()
        if words:
            urls.append(words[0])
    return urls


def refresh_url(content: str) -> str | None:
    """The URL of a `<meta http-equiv="refresh" content="0; url=...">`, or None."""
    _, sep, rest = content.partition(";")
    if not sep:
        return None
    rest = rest.strip()
    if rest[:3].lower() != "url":
        return rest or None
    rest = rest[3:].lstrip()
    if not rest.startswith("="):
        return None
    url = rest[1:].strip()
    if len(url) >= 2 and url[0] == url[-1] and url[0] in "'\"":
        url = url[1:-1]
    return url or None


def parse_page(data: bytes | str) -> Page:
    """The ids, names and links of one HTML page."""
    tree = LexborHTMLParser(data)
    ids = [node.attributes.get("id") or "" for node in tree.css("[id]")]
    names: list[str] = []
    links: list[Link] = []
    base = ""
    defaults: tuple[str, ...] = ()
    # Material's search worker, where the page names it: a page without Material's search
    # box never loads it, and the box may come before or after the settings.
    worker: list[Link] = []
    worker_at = 0
    searches = False
    for node in tree.css(SELECTOR):
        tag = node.tag or ""
        attrs = node.attributes
        searches = searches or attrs.get("data-md-component") == "search"
        if tag == "a":
            name = attrs.get("name")
            if name:
                names.append(name)
            href = attrs.get("href")
            if href is not None:
                classes = (attrs.get("class") or "").split()
                links.append(Link("a", "href", href.strip(),
                                  VERSION_LINK if "kb-version-link" in classes else 0))
            continue
        if tag == "link":
            href = attrs.get("href")
            rel = (attrs.get("rel") or "").lower().split()
            if href is not None and not HINT_RELS.intersection(rel):
                links.append(Link("link", "href", href.strip(),
                                  CANONICAL if "canonical" in rel else 0))
            continue
        if tag == "meta":
            if (attrs.get("http-equiv") or "").lower() == "refresh":
                url = refresh_url(attrs.get("content") or "")
                if url is not None:
                    links.append(Link("meta", "content", url))
            continue
        if tag == "base":
            base = base or (attrs.get("href") or "").strip()
            continue
        if tag == "script" and attrs.get("id") == "__config":
            worker_at = len(links)
            defaults = _material_config(node.text(), worker)
        for attr in LINK_ATTRIBUTES.get(tag, ()):
            value = attrs.get(attr)
            if value is None:
                continue
            if attr == "srcset":
                links.extend(Link(tag, attr, url) for url in srcset_urls(value))
            else:
                links.append(Link(tag, attr, value.strip()))
    if searches:
        links[worker_at:worker_at] = worker
    counts: dict[Link, int] = {}
    for link in links:
        counts[link] = counts.get(link, 0) + 1
    return Page(tuple(i for i in ids if i), tuple(names), tuple(counts.items()), base, defaults)


def _material_config(text: str, links: list[Link]) -> tuple[str, ...]:
    """Material's page configuration (JSON): its search worker script (added to `links`),
    the default versions."""
    try:
        config = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(config, dict):
        return ()
    worker = config.get("search")  # relative to the page, like every other URL in it
    if isinstance(worker, str):
        links.append(Link("script", "__config", worker))
    version = config.get("version")
    default = version.get("default") if isinstance(version, dict) else None
    if isinstance(default, str):
        return (default,)
    if isinstance(default, list):
        return tuple(d for d in default if isinstance(d, str))
    return ()


def other_names(data: bytes | str, name: str) -> list[str]:
    """Tags of elements other than <a> whose name attribute is `name` (for hints)."""
    tree = LexborHTMLParser(data)
    return sorted({node.tag or "" for node in tree.css("[name]")
                   if node.tag != "a" and node.attributes.get("name") == name})
