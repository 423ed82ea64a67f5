"""`kb` commands in fresh processes forked from one that has already started Python.

A `kb` command on a small fixture spends most of its CPU time starting Python and
importing the generator and the packages it renders with, and the suite runs hundreds of
them. Each test worker keeps one process (multiprocessing's fork server) that has imported
them once; every command forks a new process from it. That process takes the command's
folder, environment, stdin, stdout and stderr, and runs the command line's own entry
point, `generator.cli.main`, with the exit status as `python -m generator` gives it.

Every such process shares the fork server's hash seed (Python picks one per interpreter),
so two builds a test compares byte for byte cannot differ by it: that the site does not
depend on the seed is a test of its own, with two interpreters
(tests/test_build.py::test_the_site_does_not_depend_on_the_hash_seed). Tests of the
interpreter's own behaviour (a missing package, exit statuses on any input) still run
`python -m generator`.
"""

from __future__ import annotations

import locale
import multiprocessing
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

# Imported once by the fork server: the command line, its commands, and the packages they
# import on first use (the rendering packages of the default engine).
PRELOAD = ["tests.kbwarm"]

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


def _command(argv: list[str], cwd: str, env: dict[str, str], streams: tuple[str, str, str],
             before: Callable[[], object] | None) -> None:
    """The forked process: the command's folder, environment and standard streams, then
    `before()` and the entry point, whose return value is the exit status."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path, flags in zip((0, 1, 2), streams, (os.O_RDONLY, os.O_WRONLY, os.O_WRONLY),
                               strict=True):
        opened = os.open(path, flags)
        os.dup2(opened, fd)
        os.close(opened)
    # A process the fork server started would start its own workers the same way: back to
    # the interpreter's default, as in `python -m generator`.
    multiprocessing.set_start_method(None, force=True)
    # multiprocessing gives its processes /dev/null as sys.stdin; the command reads fd 0.
    sys.stdin = open(0, encoding=locale.getpreferredencoding(False), closefd=False)
    sys.argv = [str(Path(__file__).resolve().parent.parent / "generator" / "__main__.py"),
                *argv]
    from generator.cli import main

    if before is not None:
        before()
    code = main(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)


def run(argv: list[str], cwd: Path, env: Mapping[str, str], stdin: str | None,
        timeout: float, before: Callable[[], object] | None = None) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of `kb ARGV` run in `cwd` with `env` and `stdin`
    (minus the signal number if a signal ended it, as subprocess gives it), after `before()`
    (picklable) in the same process; subprocess.TimeoutExpired after `timeout` seconds, as
    subprocess.run raises it."""
    encoding = locale.getpreferredencoding(False)
    with tempfile.TemporaryDirectory(prefix="kb-run-") as tmp:
        streams = tuple(os.path.join(tmp, name) for name in ("stdin", "stdout", "stderr"))
        for path, text in zip(streams, (stdin or "", "", ""), strict=True):
            with open(path, "w", encoding=encoding) as handle:
                handle.write(text)
        process = _context.Process(target=_command,
                                   args=(list(argv), str(cwd), dict(env), streams, before))
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(["kb", *argv], timeout)
        outputs = []
        for path in streams[1:]:
            with open(path, encoding=encoding) as handle:
                outputs.append(handle.read())
        code = process.exitcode
        process.close()
    return code, outputs[0], outputs[1]
