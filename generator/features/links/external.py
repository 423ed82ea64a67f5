"""Check (external): fetch the external links of a site, on request only.

Input: external URLs; output: one `ExternalResult` per URL. Requests run with bounded
concurrency (in total and per host) and a timeout; results are kept in an on-disk
cache (JSON) and reused until they are older than its time to live. Only successes are
reused, so a link that failed is tried again on the next run.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

USER_AGENT = "kb-check-links (troubleshooting knowledge base link check)"
PER_HOST = 2  # requests in flight to one host at most
CACHE_FORMAT = 1


@dataclass(frozen=True)
class ExternalResult:
    """What fetching one URL gave: an HTTP status (0 when none) or an error."""

    url: str
    status: int
    error: str = ""
    cached: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400 and not self.error

    @property
    def broken(self) -> bool:
        """A definite failure (the page is gone), as opposed to a transient one."""
        return 400 <= self.status < 500 and self.status not in (408, 429)

    def describe(self) -> str:
        if self.error:
            return self.error
        return f"HTTP {self.status}"


@dataclass(frozen=True)
class ExternalOptions:
    concurrency: int = 8
    timeout: float = 10.0
    cache: Path | None = None
    ttl_seconds: float = 24 * 3600


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects (urllib's default), but give up after a few."""

    max_redirections = 5


def _request(url: str, method: str, timeout: float) -> int:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    opener = urllib.request.build_opener(_Redirects())
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def fetch(url: str, timeout: float) -> ExternalResult:
    """HEAD the URL (GET when the server refuses HEAD); the fragment is not sent."""
    address = url.partition("#")[0]
    try:
        status = _request(address, "HEAD", timeout)
        if status in (403, 405, 501):
            status = _request(address, "GET", timeout)
    except TimeoutError:
        return ExternalResult(url, 0, f"no answer within {timeout:g} s")
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, TimeoutError):
            return ExternalResult(url, 0, f"no answer within {timeout:g} s")
        return ExternalResult(url, 0, f"cannot connect: {reason}")
    except (OSError, ValueError) as err:
        return ExternalResult(url, 0, f"cannot fetch: {err}")
    return ExternalResult(url, status)


def _load_cache(path: Path | None) -> dict[str, dict[str, object]]:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return {}
    entries = data.get("urls")
    return entries if isinstance(entries, dict) else {}


def _save_cache(path: Path | None, entries: dict[str, dict[str, object]]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"format": CACHE_FORMAT, "urls": dict(sorted(entries.items()))},
                              indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def check_external(urls: Iterable[str], options: ExternalOptions) -> list[ExternalResult]:
    """Fetch every URL (each once, without its fragment), reusing fresh cached successes."""
    now = time.time()
    cache = _load_cache(options.cache)
    wanted = sorted({u.partition("#")[0] for u in urls})
    results: dict[str, ExternalResult] = {}
    todo = []
    for url in wanted:
        entry = cache.get(url)
        checked = entry.get("checked") if isinstance(entry, dict) else None
        status = entry.get("status") if isinstance(entry, dict) else None
        if isinstance(checked, (int, float)) and isinstance(status, int) \
                and now - checked < options.ttl_seconds:
            results[url] = ExternalResult(url, status, cached=True)
        else:
            todo.append(url)
    hosts: dict[str, threading.Semaphore] = {}
    lock = threading.Lock()

    def one(url: str) -> ExternalResult:
        host = urlsplit(url).netloc.lower()
        with lock:
            gate = hosts.setdefault(host, threading.Semaphore(PER_HOST))
        with gate:
            return fetch(url, options.timeout)

    workers = max(1, min(options.concurrency, len(todo) or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(one, todo):
            results[result.url] = result
            if result.ok:
                cache[result.url] = {"status": result.status, "checked": now}
            else:
                cache.pop(result.url, None)
    _save_cache(options.cache, cache)
    return [results[url] for url in wanted]
