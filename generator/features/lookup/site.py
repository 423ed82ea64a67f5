"""Lookup in the site: the "paste your error" page and its index, in every version.

Input: the catalogue, one version's view and the site settings; output: a
Contribution (lookup.md, lookup.json, the index as a script, and past a size threshold
the index in pieces (see `pieces`), the matcher, its loader and the page script) that the
build adds to the version before the engine runs. The search box reads the same files.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from ...catalogue.model import Catalogue
from ...core import links
from ...core.cache import Slots, code_digest, digest
from ...core.project import Project
from ...site.feature import Contribution
from . import pieces
from .index import build_index, index_json, index_script

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "lookup"
PAGE = "lookup.md"
NAV_TITLE = "Paste your error"
STATIC = ("lookup.js", "loader.js", "page.js", "lookup.css")
WHOLE = "lookup-index.js"
VERSIONS = "versions.js"


def new_entry_url(settings: dict[str, Any]) -> str:
    """The "propose a new entry" URL template (see core.links), or '' when none is set."""
    return links.new_entry_url(settings)


def pieces_threshold(settings: dict[str, Any]) -> int:
    """extra.kb.lookup_pieces_above of mkdocs.yml: an index larger than this many bytes of
    JSON is loaded in pieces (default 256 KiB)."""
    extra = settings.get("extra") or {}
    kb = extra.get("kb") if isinstance(extra, dict) else None
    value = kb.get("lookup_pieces_above") if isinstance(kb, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        else pieces.THRESHOLD


def split_files(slots: Slots | None, moniker: str, index: dict[str, Any], data: str,
                threshold: int) -> dict[str, bytes]:
    """`pieces.files` of the version's index (`data` is its JSON), kept in `slots` under a
    digest of that JSON, the threshold and the generator's code: an edit that changes no
    message, title or code leaves the index as it was, and its pieces are not made again."""
    if slots is None:
        return pieces.files(index, threshold)
    key = digest(code_digest(), str(threshold), str(pieces.PIECE_BYTES), data)
    found = slots.get(moniker, key)
    if isinstance(found, dict) and all(isinstance(v, bytes) for v in found.values()):
        return found
    made = pieces.files(index, threshold)
    slots.put(moniker, key, made)
    return made


def index_scripts(split: bool) -> list[str]:
    """The scripts a page loads, relative to the version's assets/lookup/ folder."""
    return [VERSIONS, pieces.MANIFEST.removeprefix("assets/lookup/") if split else WHOLE,
            "lookup.js", "loader.js"]


def versions_script(catalogue: Catalogue, moniker: str, split: bool) -> str:
    """The versions of the site, for "found in other versions" (oldest first), and whether
    this version's index is in pieces."""
    value = {"current": moniker, "split": split,
             "versions": [[m.name, m.title] for m in catalogue.products.monikers]}
    return "window.KB_LOOKUP_VERSIONS = " + json.dumps(value, separators=(",", ":")) + ";\n"


def page(title: str, split: bool = False) -> str:
    """The Markdown of the page: a form and the results list; its styles and scripts are
    named in the front matter (overrides/main.html links them from the page's address, in
    either engine)."""
    version = html.escape(title)
    scripts = "\n".join(f"  - assets/lookup/{name}"
                         for name in [*index_scripts(split), "page.js"])
    return f"""---
title: {NAV_TITLE}
search:
  exclude: true
kb_styles:
  - assets/lookup/lookup.css
kb_scripts:
{scripts}
---

# {NAV_TITLE}

Paste an error message, or a whole pipeline log, to find what it means and how to fix
it in **{version}**. Matching runs in your browser: what you paste stays on this page.

<div class="kb-lookup">
<form class="kb-lookup__form" id="kb-lookup-form">
<label class="kb-lookup__label" for="kb-lookup-input">Error message or log</label>
<textarea class="kb-lookup__input" id="kb-lookup-input" rows="10" spellcheck="false"
  autocomplete="off"
  placeholder="##[error]AADSTS7000215: Invalid client secret is provided."></textarea>
<button class="md-button md-button--primary" id="kb-lookup-submit"
  type="submit">Find the fix</button>
</form>
<p class="kb-lookup__status" id="kb-lookup-status" role="status" aria-live="polite"></p>
<ol class="kb-lookup__results" id="kb-lookup-results"></ol>
<p class="kb-lookup__propose" id="kb-lookup-propose" hidden></p>
<noscript><p>This page needs JavaScript. From a terminal,
<code>kb lookup -f build.log</code> does the same.</p></noscript>
<p class="kb-lookup__elsewhere" id="kb-lookup-elsewhere" hidden></p>
</div>
"""


def contribute(project: Project, catalogue: Catalogue, view: Catalogue, moniker: str,
               settings: dict[str, Any], kept: Slots | None = None) -> Contribution:
    """The page, its index and its scripts for one version (the index's pieces from `kept`
    when it has them for the same index)."""
    index = build_index(catalogue, view, moniker, new_entry_url(settings))
    data = index_json(index)
    split = split_files(kept, moniker, index, data, pieces_threshold(settings))
    files = {
        PAGE: page(catalogue.products[moniker].title, bool(split)).encode("utf-8"),
        "lookup.json": (data + "\n").encode("utf-8"),
        f"assets/lookup/{WHOLE}": index_script(data).encode("utf-8"),
        f"assets/lookup/{VERSIONS}":
            versions_script(catalogue, moniker, bool(split)).encode("utf-8"),
        **split,
    }
    for name in STATIC:
        files[f"assets/lookup/{name}"] = (ASSETS / name).read_bytes()
    # The search box on every page asks for the index's first file along with the list of
    # versions, without waiting for the list to say which one it is.
    first = pieces.MANIFEST.removeprefix("assets/lookup/") if split else WHOLE
    return Contribution(files=files, nav=[{NAV_TITLE: PAGE}],
                        page_values={"lookup_index": first})
