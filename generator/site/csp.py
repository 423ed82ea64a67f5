"""CSP: a Content-Security-Policy on every built page, whatever engine built it.

Input: a built folder (one version's, or the site's own pages around the versions);
output: each HTML page with a `<meta http-equiv="Content-Security-Policy">` before
anything else in its head. The policy lets a page run scripts from the site's own files
and the inline scripts the theme put around the content, each allowed by the SHA-256 of
its text; nothing else: no inline event handler (`onerror=`), no `javascript:` URL, no
script from another host, no inline script inside the page's content (`<article>`, where
Markdown ends up). A page that brings its own policy (the single-file troubleshooter)
keeps it.

Browsers fetch nothing ahead past a policy in a page (Chromium's preload scanner stops at
it), so the page's script files would load one after the other: before the policy come
`<link rel="preload">`s of the site's own script files the page runs outside its content
(they fetch, and run nothing).

Run on a version's folder once it is built and before it is kept for reuse, so a reused
version keeps its policy; and on the site's own pages (the redirects at the root).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from html import escape
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from ..core.cache import Slots, code_digest
from ..core.files import text_of

# Everything from the site itself; images and media may come from https: hosts (content may
# show a screenshot hosted elsewhere), scripts never. Styles may be inline (the theme and
# features set them), which runs no code. Workers from the site's files (Pagefind's) and from
# blob: URLs, which only the site's own scripts can make (the lookup page matches a long
# paste in one, built from lookup.js).
POLICY = ("default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data: https:; media-src 'self' https:; font-src 'self' data:; "
          "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
          "form-action 'self'")
EXECUTABLE = frozenset({"", "text/javascript", "application/javascript", "module",
                        "text/ecmascript", "application/ecmascript"})
HAS_POLICY = re.compile(r"<meta\s[^>]*http-equiv\s*=\s*[\"']?content-security-policy",
                        re.IGNORECASE)
# The policy as with_policy writes it (its first sources are POLICY's), and one of the
# preloads it writes before it (searched for back from the policy: a pattern that starts
# with them would be tried at every character of the page).
OURS = re.compile(r'<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
                  r'script-src \'self\'[^"]*">')
PRELOAD = re.compile(r'<link rel="preload" href="[^"<>]*" as="script">')
# A URL with a scheme or a host: not one of the site's own files (relative, or from its root).
ELSEWHERE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|\\)", re.IGNORECASE)
HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
CHARSET = re.compile(r"<meta\s+charset\s*=\s*[\"']?[\w-]+[\"']?\s*/?>", re.IGNORECASE)


def page_scripts(page: str) -> tuple[list[str], list[str]]:
    """The page's scripts outside its content, in page order: (CSP sources for the inline
    ones, the site's own script files to preload: classic scripts from a URL without a
    scheme or a host). One parse of the page."""
    tree = LexborHTMLParser(page)
    hashes: list[str] = []
    files: list[str] = []
    for node in tree.css("script"):
        attrs = node.attributes
        kind = (attrs.get("type") or "").strip().lower()
        if kind not in EXECUTABLE:
            continue  # data (JSON) is never run
        if _in_content(node):
            continue
        if "src" in attrs:
            src = (attrs.get("src") or "").strip()
            if src and kind != "module" and not ELSEWHERE.match(src) and src not in files:
                files.append(src)
            continue
        digest = hashlib.sha256((node.text(deep=True) or "").encode("utf-8")).digest()
        source = f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
        if source not in hashes:
            hashes.append(source)
    return hashes, files


def _in_content(node: object) -> bool:
    parent = getattr(node, "parent", None)
    while parent is not None:
        if getattr(parent, "tag", "") == "article":
            return True
        parent = getattr(parent, "parent", None)
    return False


def policy(hashes: list[str]) -> str:
    """The policy of a page whose inline scripts outside its content have `hashes`."""
    return POLICY.format(hashes="".join(f" {h}" for h in hashes))


def with_policy(page: str) -> str | None:
    """`page` with its policy first in its head (after its charset, and the preloads of its
    own script files: see the module's docstring); None when it has no head, or has a policy
    of its own, or already has the one it would get. A policy this module wrote is written
    again when it is out of date (a page the engine did not render again keeps the policy of
    the build before, made by other code or for other scripts)."""
    ours = OURS.search(page)
    if ours is not None:
        start = ours.start()
        while page.endswith('as="script">', 0, start):
            at = page.rfind("<link ", 0, start)
            if at < 0 or not PRELOAD.fullmatch(page, at, start):
                break
            start = at
        bare = page[:start] + page[ours.end():]
        updated = with_policy(bare)
        return None if updated == page else updated
    if HAS_POLICY.search(page):
        return None
    head = HEAD.search(page)
    if head is None:
        return None
    hashes, files = page_scripts(page)
    preloads = "".join(f'<link rel="preload" href="{escape(src, quote=True)}" as="script">'
                       for src in files)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes)}">'
    charset = CHARSET.search(page, head.end())
    at = charset.end() if charset is not None and charset.start() - head.end() < 200 \
        else head.end()
    return page[:at] + preloads + meta + page[at:]


def apply_policy(folder: Path, skip: Iterable[str] = (), known: Path | None = None) -> int:
    """Add the policy to every HTML page under `folder` (not under the subfolders named in
    `skip`, which have theirs); how many pages got one. `known`: a folder kept between
    builds, for this `folder` alone, that holds the digests of the pages left final the
    last time, so that a page unchanged since (one reused from the build before) is not
    parsed again."""
    skipped = {folder / name for name in skip}
    slots = Slots(known) if known is not None else None
    kept = slots.get("final", code_digest()) if slots is not None else None
    final = frozenset(kept) if isinstance(kept, list) else frozenset()
    now: list[str] = []
    done = 0
    for path in sorted(folder.rglob("*.html")):
        if any(path.is_relative_to(s) for s in skipped) or path.is_symlink():
            continue
        # A page is known by the digest of its text as read_text gives it; without a
        # carriage return that is the digest of its bytes, and the page is decoded only
        # when it is not known final.
        data = path.read_bytes()
        text = text_of(data, "surrogateescape") if b"\r" in data else None
        stamp = _page_digest(text) if text is not None else hashlib.sha256(data).hexdigest()
        if stamp in final:
            now.append(stamp)
            continue
        updated = with_policy(text if text is not None else text_of(data, "surrogateescape"))
        if updated is None:
            now.append(stamp)
            continue
        # A new file, not a rewrite in place: built files may be hard links of a cache.
        temporary = path.with_name(f".{path.name}.csp")
        temporary.write_text(updated, encoding="utf-8", errors="surrogateescape")
        temporary.replace(path)
        now.append(_page_digest(updated))
        done += 1
    if slots is not None:
        slots.put("final", code_digest(), sorted(now))
    return done


def _page_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogateescape")).hexdigest()
