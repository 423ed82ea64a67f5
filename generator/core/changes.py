"""Changes: which repository files differ from a git revision, for `kb check --changed-since`.

Input: the repository root and a revision (branch, tag, commit); output: the
repository-relative paths changed since it (committed, staged, unstaged or untracked),
the files those changes involve (the changed ones and the files that reference them),
and a file's text as the revision has it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
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


def _verify(root: Path, revision: str) -> None:
    try:
        _git(root, "rev-parse", "--show-toplevel")
    except ChangesError:
        raise ChangesError(f"{root} is not in a git work tree") from None
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except ChangesError:
        raise ChangesError(f"unknown revision '{revision}'; fetch it first (for example "
                           "git fetch origin main) or name another branch or commit") from None


def file_at(root: Path, revision: str, path: str) -> str | None:
    """The text of `path` (relative to `root`) at `revision`; None when it has no such file."""
    _verify(root, revision)
    try:
        _git(root, "cat-file", "-e", f"{revision}:./{path}")
    except ChangesError:
        return None
    return _git(root, "show", f"{revision}:./{path}")


def changed_since(root: Path, revision: str) -> set[str]:
    """Paths (relative to `root`, POSIX) changed since `revision`, new files included."""
    _verify(root, revision)
    changed = _git(root, "diff", "--name-only", "--no-renames", "--relative", revision, "--")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard")
    return {line for line in (changed + untracked).splitlines() if line}


# Changes to these make every finding the change's business: they shape every page.
EVERYTHING = ("catalogue/products.yml", "mkdocs.yml", "pyproject.toml", "requirements.lock")
EVERYTHING_UNDER = ("generator/", "overrides/")
SAME_PAGE_LINK = re.compile(r"""\]\(\s*<?#|\bref:\s*['"]?#""")


@dataclass(frozen=True)
class Involved:
    """The files a change involves: the changed ones and those that reference one."""

    files: frozenset[str]
    everything: bool = False

    def __contains__(self, path: object) -> bool:
        return self.everything or path in self.files


def _page_of(path: str) -> tuple[str, str] | None:
    """(folder, page name) of a catalogue topic file or a content page, else None."""
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == "catalogue" and not parts[1].startswith("_") \
            and parts[2].endswith((".yml", ".yaml")):
        return f"catalogue/{parts[1]}/", parts[1]
    if parts[0] == "content" and path.endswith(".md"):
        return "", parts[-1].removesuffix(".md")
    return None


def _names_page(name: str) -> re.Pattern[str]:
    """A link or ref naming page `name`: 'name.md', 'name#a', '../name/', 'ref: name'."""
    word = re.escape(name)
    return re.compile(rf"(?<![\w.-]){word}(?:\.md\b|#|/)|\bref:\s*['\"]?{word}\s*['\"]?\s*$",
                      re.MULTILINE)


def involved_files(root: Path, changed: set[str]) -> Involved:
    """The changed files and every file that references one of them.

    A file references a changed file when it belongs to the same topic page and is its
    `_topic.yml` (the page's order, tree and sections) or links within the page (`#anchor`),
    or when it links to, refers to or includes the changed file's page. A change to
    products.yml, mkdocs.yml, the generator or the theme involves every file.
    """
    if any(path in EVERYTHING or path.startswith(EVERYTHING_UNDER) for path in changed):
        return Involved(frozenset(changed), everything=True)
    files = set(changed)
    folders: set[str] = set()
    patterns = []
    for path in changed:
        page = _page_of(path)
        if page is None:
            continue
        folder, name = page
        if folder:
            folders.add(folder)
            files.add(f"{folder}_topic.yml")
        patterns.append(_names_page(name))
    if not patterns and not folders:
        return Involved(frozenset(files))
    for base in ("catalogue", "content"):
        top = root / base
        if not top.is_dir():
            continue
        for source in sorted(top.rglob("*")):
            if source.suffix not in (".yml", ".yaml", ".md") or not source.is_file():
                continue
            rel = source.relative_to(root).as_posix()
            if rel in files:
                continue
            try:
                text = source.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            same_page = any(rel.startswith(folder) for folder in folders)
            if (same_page and SAME_PAGE_LINK.search(text)) or \
                    any(p.search(text) for p in patterns):
                files.add(rel)
    return Involved(frozenset(files))
