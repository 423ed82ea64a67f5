"""Lookup in the site: the "paste your error" page and its index, in every version.

Input: the catalogue, one version's view and the site settings; output: a
Contribution (lookup.md, lookup.json, the index as a script, the matcher and the page
script) that the build adds to the version before MkDocs runs.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ...catalogue.model import Catalogue
from ...core.project import Project
from ...site.feature import Contribution
from .index import build_index, index_json, index_script

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "lookup"
PAGE = "lookup.md"
NAV_TITLE = "Paste your error"
STATIC = ("lookup.js", "page.js", "lookup.css")


def new_entry_url(settings: dict[str, Any]) -> str:
    """The "propose a new entry" URL template of mkdocs.yml (extra.kb.new_entry_url)."""
    extra = settings.get("extra") or {}
    kb = extra.get("kb") if isinstance(extra, dict) else None
    url = kb.get("new_entry_url") if isinstance(kb, dict) else None
    return url if isinstance(url, str) else ""


def page(title: str) -> str:
    """The Markdown of the page: a form and the results list; its styles and scripts are
    named in the front matter (overrides/main.html links them from the page's address)."""
    version = html.escape(title)
    return f"""---
title: {NAV_TITLE}
search:
  exclude: true
kb_styles:
  - assets/lookup/lookup.css
kb_scripts:
  - assets/lookup/lookup-index.js
  - assets/lookup/lookup.js
  - assets/lookup/page.js
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
</div>
"""


def contribute(project: Project, catalogue: Catalogue, view: Catalogue, moniker: str,
               settings: dict[str, Any]) -> Contribution:
    """The page, its index and its scripts for one version."""
    data = index_json(build_index(catalogue, view, moniker, new_entry_url(settings)))
    files = {
        PAGE: page(catalogue.products[moniker].title).encode("utf-8"),
        "lookup.json": (data + "\n").encode("utf-8"),
        "assets/lookup/lookup-index.js": index_script(data).encode("utf-8"),
    }
    for name in STATIC:
        files[f"assets/lookup/{name}"] = (ASSETS / name).read_bytes()
    return Contribution(files=files, nav=[{NAV_TITLE: PAGE}])
