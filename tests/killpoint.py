"""Run the real `kb` and kill it (SIGKILL, as a power cut or `kill -9` would) at a chosen
point: the Nth time the process is about to perform a file operation that matches.

    python -m tests.killpoint EVENT MATCH N -- kb-arguments...

EVENT is a Python audit event (`os.rename`, `os.mkdir`, `os.link`, `shutil.rmtree`,
`open`, ...); MATCH a text that one of the event's arguments must contain ("" for any);
N which matching occurrence kills (1 = the first). Audit hooks run just before the
operation, so "os.rename ... 1" kills before the first matching rename happens. Only the
main process is killed; forked workers are left alone. Exit status 137 means killed.
Tests install the same hook in a `kb` process of tests/kbfork.py (`before=`).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def install(event: str, match: str, nth: int) -> None:
    main = os.getpid()
    seen = 0

    def hook(name: str, args: tuple[Any, ...]) -> None:
        nonlocal seen
        if name != event or os.getpid() != main:
            return
        if match and not any(match in str(arg) for arg in args):
            return
        seen += 1
        if seen == nth:
            os.kill(main, signal.SIGKILL)

    sys.addaudithook(hook)


def main(argv: list[str]) -> int:
    event, match, nth, dashes, *rest = argv
    assert dashes == "--", "usage: python -m tests.killpoint EVENT MATCH N -- ARGS..."
    install(event, match, int(nth))
    from generator.cli import main as kb

    return kb(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
