"""Nav: one version's navigation from the docset's toc (DocFX's `toc.yml`).

Input: the Toc, the pages the version has and their titles; output: the MkDocs
navigation in the toc's order, without the pages the version lacks (and sections left
empty), followed by the pages the toc does not list, so a new page or topic is always
published. Pure.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence
from typing import Any

from ..catalogue.toc import Toc, TocItem

NavItem = dict[str, Any]


def _items(items: Sequence[TocItem], present: Collection[str]) -> list[NavItem]:
    out: list[NavItem] = []
    for item in items:
        children = _items(item.items, present)
        page: NavItem | None = None
        if item.href and (item.external or item.href in present):
            page = {html.escape(item.name): item.href}
        if children:
            out.append({html.escape(item.name): [page, *children] if page else children})
        elif page is not None:
            out.append(page)
    return out


def toc_nav(toc: Toc, pages: Sequence[tuple[str, str]]) -> list[NavItem]:
    """The navigation of a version whose (path, title) pages are `pages`, in reading order
    (titles as the navigation shows them: HTML-escaped).

    The home page (index.md) leads when the toc does not list it; pages the toc does not
    list come after the toc's items, in the order given.
    """
    present = {path for path, _ in pages}
    listed = toc.pages()
    nav = _items(toc.items, present)
    home = [{title: path} for path, title in pages if path == "index.md" and path not in listed]
    rest = [{title: path} for path, title in pages
            if path not in listed and path != "index.md"]
    return [*home, *nav, *rest]
