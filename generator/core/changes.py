"""Changes: which repository files differ from a git revision, for `kb check --changed-since`.

Input: the repository root and a revision (branch, tag, commit); output: the
repository-relative paths changed since it: committed, staged, unstaged or untracked.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class ChangesError(ValueError):
    """git is missing, the folder is not a git work tree, or the revision is unknown."""


def _git(root: Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              check=False)
    except FileNotFoundError:
        raise ChangesError("git is not installed; install it or drop --changed-since") from None
    if proc.returncode != 0:
        raise ChangesError(proc.stderr.strip().splitlines()[0] if proc.stderr.strip()
                           else f"git {' '.join(args)} failed")
    return proc.stdout


def changed_since(root: Path, revision: str) -> set[str]:
    """Paths (relative to `root`, POSIX) changed since `revision`, new files included."""
    try:
        _git(root, "rev-parse", "--show-toplevel")
    except ChangesError:
        raise ChangesError(f"{root} is not in a git work tree") from None
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except ChangesError:
        raise ChangesError(f"unknown revision '{revision}'; fetch it first (for example "
                           "git fetch origin main) or name another branch or commit") from None
    changed = _git(root, "diff", "--name-only", "--no-renames", "--relative", revision, "--")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard")
    return {line for line in (changed + untracked).splitlines() if line}
