"""Parallel: run a stage's independent pieces (topics, versions) on every core.

Input: a function, the items, and a read-only context; output: the results in item
order. Workers are forked, so they share the context without copying it through
pickle; only items and results cross process boundaries. Falls back to a plain loop
where fork is unavailable or only one core or item is there.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from .cache import gc_paused

T = TypeVar("T")
R = TypeVar("R")

_CONTEXT: Any = None


# Sets how many processes kb uses where --jobs is not given (a CI runner or a container
# with fewer cores than it reports, a test suite that already runs one process per core).
JOBS_VARIABLE = "KB_JOBS"


def default_jobs() -> int:
    """How many processes to use when the command line does not say: $KB_JOBS, else one per
    CPU this process may run on (a `taskset` or a container's CPU set counts, not only the
    machine's cores). ValueError when KB_JOBS is set to anything but a whole number >= 1."""
    value = os.environ.get(JOBS_VARIABLE, "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"{JOBS_VARIABLE} must be a whole number of processes, 1 or "
                             f"more, not {value!r}")
        return int(value)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def workers(jobs: int | None, items: int) -> int:
    """How many processes to use for `items` pieces of work (`jobs`: as asked, or None)."""
    return max(1, min(jobs or default_jobs(), items))


def _call(job: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    fn, item = job
    return fn(_CONTEXT, item)


def process_pool(count: int) -> ProcessPoolExecutor:
    """A pool of `count` worker processes, forked wherever the system can fork, whatever
    the interpreter's default way of starting them (a fork server from Python 3.14 on, and
    in any process a fork server started): forked workers start at once and share what
    this process has loaded."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    return ProcessPoolExecutor(max_workers=count,
                               mp_context=multiprocessing.get_context("fork") if fork else None)


def fork_map(fn: Callable[[Any, T], R], items: Sequence[T], context: Any,
             jobs: int | None = None) -> list[R]:
    """[fn(context, item) for item in items], spread over forked worker processes."""
    count = workers(jobs, len(items))
    if count == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(context, item) for item in items]
    global _CONTEXT
    _CONTEXT = context
    try:
        with process_pool(count) as pool:
            # Results arrive as many new objects at once: see `cache.gc_paused`.
            with gc_paused():
                return list(pool.map(_call, [(fn, item) for item in items]))
    finally:
        _CONTEXT = None
