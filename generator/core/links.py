"""Links from settings: the repository and site addresses of mkdocs.yml, made safe to print.

Input: the site settings (mkdocs.yml as a mapping); output: the web addresses the site
links to for feedback and new entries, or '' where none is configured. Only http(s)
addresses come through: a `javascript:` or other scheme in a setting is ignored.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

# Where an issue is opened, for repository hosts whose address says so.
ISSUE_PATHS = {"github.com": "/issues/new", "gitlab.com": "/-/issues/new",
               "codeberg.org": "/issues/new"}
QUERY = "?title={title}&body={body}"


def web_url(value: object) -> str:
    """`value` when it is an absolute http(s) address without spaces or quotes, else ''."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if not text or any(c in text for c in " \"'<>\\`") or any(ord(c) < 32 for c in text):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return text


def _kb(settings: dict[str, Any]) -> dict[str, Any]:
    extra = settings.get("extra") or {}
    kb = extra.get("kb") if isinstance(extra, dict) else None
    return kb if isinstance(kb, dict) else {}


def issue_url(settings: dict[str, Any]) -> str:
    """The "open an issue" link template ({title}, {body}, … filled in later): extra.kb's
    `feedback_url` when set, else derived from `repo_url` on GitHub, GitLab or Codeberg."""
    explicit = web_url(_kb(settings).get("feedback_url"))
    if explicit:
        return explicit
    repo = web_url(settings.get("repo_url"))
    if not repo:
        return ""
    parts = urlsplit(repo)
    path = ISSUE_PATHS.get(parts.netloc.lower())
    if path is None:
        return ""
    return repo.rstrip("/") + path + QUERY


def new_entry_url(settings: dict[str, Any]) -> str:
    """The "propose a new entry" link template: extra.kb's `new_entry_url` when set, else
    the issue link."""
    return web_url(_kb(settings).get("new_entry_url")) or issue_url(settings)


def site_url(settings: dict[str, Any]) -> str:
    """The site's public address (`site_url`), or '' when unset or not http(s)."""
    return web_url(settings.get("site_url"))
